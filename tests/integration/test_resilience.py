"""Crash, hot reload and the feedback loop, on a real worker and a real broker."""

import asyncio
import json
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from importlib import resources
from typing import Any

from tests.integration.conftest import read_json
from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import (
    as_record,
    transactional_lead,
)


def metrics_text(worker: WorkerProcess) -> str:
    url = f"http://127.0.0.1:{worker.web_port}/metrics"
    return str(urllib.request.urlopen(url, timeout=10).read().decode())


def sample(worker: WorkerProcess, line_start: str) -> float:
    for line in metrics_text(worker).splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_a_worker_killed_mid_stream_loses_no_lead_and_assigns_none_twice(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    leads = 200
    # Static membership: the restarted worker (same id, same address) takes the killed one's
    # place at once.
    member = {"LEADROUTER_KAFKA__GROUP_INSTANCE_ID": "resilience-{port}"}
    first = start_worker(prefix=prefix, **member)
    queue = first.topic("sales.queue.inside-sales.v1")
    await produce(
        bootstrap,
        first.topic("leads.events.v1"),
        [as_record(transactional_lead(n)) for n in range(leads)],
    )
    for _ in range(120):
        if len(await consume(bootstrap, queue, 20, timeout=2)) >= 20:
            break
    first.kill()
    start_worker(prefix=prefix, web_port=first.web_port, **member)

    routed: list[dict[str, Any]] = []
    for _ in range(60):
        routed = await read_json(bootstrap, queue, 10**6, timeout=2)
        if len({lead["decision_id"] for lead in routed}) >= leads:
            break

    reps_by_decision: dict[str, set[str]] = defaultdict(set)
    for lead in routed:
        reps_by_decision[lead["decision_id"]].add(lead["rep_id"])
    assert len(reps_by_decision) == leads, "every lead reached the queue"
    assert all(len(reps) == 1 for reps in reps_by_decision.values()), "a replay kept its rep"
    assert {lead["event_id"] for lead in routed} == {f"evt-{n}" for n in range(leads)}


async def test_an_invalid_ruleset_is_rejected_and_the_previous_version_keeps_serving(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    rules_topic = worker.topic("leadrouter.rules.v1")
    shipped = resources.files("service").joinpath("data/default_rules.yaml").read_text()
    broken = shipped.replace("enrichment.territory", "enrichment.teritory")
    await produce(bootstrap, rules_topic, [(b"ruleset", broken.encode(), [])])
    for _ in range(50):
        if sample(worker, 'leadrouter_ruleset_reloads_total{result="rejected"}') >= 1:
            break
        await asyncio.sleep(0.2)
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(1))])
    [before] = await read_json(bootstrap, worker.topic("sales.queue.inside-sales.v1"), 1)

    renewed = shipped.replace('version: "2026.11.1"', 'version: "2026.11.2-test"')
    await produce(bootstrap, rules_topic, [(b"ruleset", renewed.encode(), [])])
    for _ in range(50):
        if 'leadrouter_ruleset_info{version="2026.11.2-test"} 1.0' in metrics_text(worker):
            break
        await asyncio.sleep(0.2)
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(2))])
    routed = await read_json(bootstrap, worker.topic("sales.queue.inside-sales.v1"), 2)

    assert sample(worker, 'leadrouter_ruleset_reloads_total{result="rejected"}') == 1
    assert before["decision"]["ruleset_version"] == "2026.11.1"
    assert routed[-1]["decision"]["ruleset_version"] == "2026.11.2-test"


async def test_a_lead_rejected_by_sales_is_routed_again_under_a_new_generation_when_it_requalifies(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    queue = worker.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(7))])
    [first] = await read_json(bootstrap, queue, 1)
    more_activity = {**transactional_lead(7), "event_id": "evt-7-b"}
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(more_activity)])
    # Events and feedback reach the lead through different topics: wait until this event was
    # decided (already routed), or the feedback may overtake it.
    await read_json(bootstrap, worker.topic("leads.decisions.v1"), 2)
    feedback = {
        "decision_id": first["decision_id"],
        "lead_identity": first["lead_identity"],
        "outcome": "rejected",
        "reason": "not a fit right now",
        "occurred_at": "2026-11-21T09:00:00Z",
    }
    await produce(
        bootstrap,
        worker.topic("sales.feedback.v1"),
        [(first["lead_identity"].encode(), json.dumps(feedback).encode(), [])],
    )
    for _ in range(50):
        if sample(worker, 'leadrouter_feedback_total{outcome="rejected"}') >= 1:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    requalified = {**transactional_lead(7), "event_id": "evt-7-c"}
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(requalified)])

    routed = await read_json(bootstrap, queue, 2)
    decisions = await read_json(bootstrap, worker.topic("leads.decisions.v1"), 3)

    assert [lead["event_id"] for lead in routed] == ["evt-7", "evt-7-c"]
    assert routed[1]["decision_id"] != first["decision_id"]
    assert [d["outcome"] for d in decisions] == ["routed", "already_routed", "routed"]
    assert [d["generation"] for d in decisions] == [1, 1, 2]
