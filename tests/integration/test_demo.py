"""`leadrouter demo load` and `demo feed`, run as real processes against the real broker."""

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas.accounts import Account
from schemas.reps import Rep
from service.intake import Rejection, decode_lead_event
from service.policy import load_policy
from tests.integration.kafka import ROOT, WorkerProcess, consume

DEMO_ACCOUNTS = 42
DEMO_REPS = 22


def leadrouter(*args: str, env: Mapping[str, str], timeout: float = 120.0) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "agents.cli", *args],
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


async def test_demo_feed_publishes_lead_events_that_the_worker_takes_in(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker()

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
    # The worker's intake validates and re-keys every valid event and dead-letters the rest.
    keyed = await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 50 - garbage)
    letters = await consume(bootstrap, worker.topic("leads.deadletter.v1"), garbage)
    assert len(keyed) == 50 - garbage
    assert len(letters) == garbage
    assert {json.loads(letter.value)["source_topic"] for letter in letters} == {
        worker.topic("leads.events.v1")
    }
