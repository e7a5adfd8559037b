"""`leadrouter demo load` and `demo feed`, run as real processes against the real broker."""

import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

from agents.tools.demo import default_rules_text, demo_accounts
from agents.tools.explain_inputs import index_accounts
from schemas.accounts import Account
from schemas.profiles import LeadProfile
from schemas.reps import Rep
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event
from service.pipeline import evaluate_event
from service.policy import load_policy
from tests.integration.kafka import ROOT, WorkerProcess, consume
from tests.integration.test_pipeline import metric_value

DEMO_ACCOUNTS = 42
DEMO_REPS = 22


def leadrouter(*args: str, env: Mapping[str, str], timeout: float = 120.0) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "agents.tools.cli", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"leadrouter {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


async def test_demo_load_publishes_accounts_reps_and_the_ruleset_keyed_for_compaction(
    bootstrap: str, tmp_path: Path
) -> None:
    # No worker needed: `demo load` creates the topics it writes; the process only lends its env.
    names = WorkerProcess(bootstrap=bootstrap, tmp=tmp_path)

    out = leadrouter("demo", "load", env=names.env)

    accounts = await consume(bootstrap, names.topic("crm.accounts.v1"), DEMO_ACCOUNTS)
    reps = await consume(bootstrap, names.topic("crm.reps.v1"), DEMO_REPS)
    [rules] = await consume(bootstrap, names.topic("leadrouter.rules.v1"), 1)
    assert f"{names.topic('crm.accounts.v1')}: {DEMO_ACCOUNTS} record(s)" in out
    assert len(accounts) == DEMO_ACCOUNTS
    assert all(r.key == Account.model_validate_json(r.value).account_id.encode() for r in accounts)
    assert len(reps) == DEMO_REPS
    assert all(r.key == Rep.model_validate_json(r.value).rep_id.encode() for r in reps)
    assert rules.key == b"ruleset"
    assert load_policy(rules.value.decode()).version == "2026.11.1"


def routed_identities(values: list[bytes], headers: list[Any], now: datetime) -> set[str]:
    """The leads the shipped rules route, by replaying the records through the domain."""
    accounts, policy = index_accounts(demo_accounts()), load_policy(default_rules_text())
    profiles: dict[str, LeadProfile] = {}
    routed: set[str] = set()
    for offset, (value, record_headers) in enumerate(zip(values, headers, strict=True)):
        event = decode_lead_event(value, record_headers, now)
        if isinstance(event, Rejection):
            continue
        identity = str(lead_identity(event.lead, event.source))
        evaluation = evaluate_event(
            profiles.get(identity), event, identity, now, accounts, policy, offset=offset
        )
        profiles[identity] = evaluation.profile
        if evaluation.outcome == "routed":
            routed.add(identity)
    return routed


async def consume_topics(
    bootstrap: str, topics: list[str], until: Callable[[list[Any]], bool], timeout: float = 60.0
) -> list[Any]:
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while not until(records) and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def test_demo_feed_events_are_taken_in_and_sales_ready_leads_land_in_queues(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, tmp_path: Path
) -> None:
    # The reference data goes first, so the worker's views hold it before the first lead.
    names = WorkerProcess(bootstrap=bootstrap, tmp=tmp_path)
    leadrouter("demo", "load", env=names.env)
    worker = start_worker(prefix=names.prefix)

    out = leadrouter(
        *("demo", "feed", "--count", "50", "--rate", "100", "--seed", "3"),
        *("--garbage-share", "0.1"),
        env=worker.env,
    )

    records = await consume(bootstrap, worker.topic("leads.events.v1"), 50)
    assert out.strip().endswith("fed 50 event(s)")
    assert len(records) == 50
    later = datetime.now(UTC) + timedelta(minutes=1)
    decoded = [decode_lead_event(r.value, r.headers, later) for r in records]
    garbage = sum(1 for result in decoded if isinstance(result, Rejection))
    assert 0 < garbage < 50
    # The worker's intake dead-letters the invalid events.
    letters = await consume(bootstrap, worker.topic("leads.deadletter.v1"), garbage)
    assert len(letters) == garbage
    assert {json.loads(letter.value)["source_topic"] for letter in letters} == {
        worker.topic("leads.events.v1")
    }
    # Every lead the rules make sales-ready reaches a queue topic (the queue and rep depend on
    # the time of day: availability and overflow), and no other lead does.
    expected = routed_identities([r.value for r in records], [r.headers for r in records], later)
    queues = load_policy(default_rules_text()).ruleset.queues
    topics = [worker.topic(f"sales.queue.{queue}.v1") for queue in queues]

    def identities(found: list[Any]) -> set[str]:
        return {json.loads(record.value)["lead_identity"] for record in found}

    routed = await consume_topics(bootstrap, topics, lambda found: identities(found) >= expected)
    assert expected
    assert identities(routed) == expected
    # Every valid event was decided once: straight from its input record when the feed keyed it
    # by the lead's identity (most of them), re-keyed otherwise.
    direct = metric_value(worker.web_port, "leadrouter_direct_events_total")
    keyed = await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 50, timeout=5)
    assert direct > 0
    assert len(keyed) + direct == 50 - garbage
