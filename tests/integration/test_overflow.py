"""Overflow on a real worker and a real broker: a lead no rep of its queue can take goes back onto
the qualified topic keyed by the queue's overflow queue and is routed there, never dropped."""

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.integration.conftest import read_json
from tests.integration.kafka import Record, WorkerProcess, consume, produce
from tests.integration.pipeline_data import (
    always_available_reps,
    as_record,
    lead_event,
    shipped_accounts,
    transactional_lead,
)

# A window that covers any wall clock this suite will run on.
ALWAYS_AWAY = {"start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}


def pharma_lead(n: int) -> dict[str, Any]:
    """Sales-ready; the shipped rules send it to specialists-pharma (overflow: inside-sales)."""
    return lead_event(
        f"evt-pharma-{n}",
        {
            "email": f"buyer{n}@curagen{n}.io",
            "job_title": "Director of Operations",
            "country": "US",
            "employee_count": 40,
            "industry": "Pharmaceuticals",
            "company_name": f"Curagen {n}",
        },
        "demo_request",
    )


def reps_with(queue: str, *changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The always-available reps, with the two reps of `queue` changed as given, in order."""
    reps = {rep["rep_id"]: rep for rep in always_available_reps()}
    for n, change in enumerate(changes, start=1):
        rep_id = f"rep-{queue}-{n}"
        assert rep_id in reps, f"{rep_id} is not one of the test reps"
        reps[rep_id] = {**reps[rep_id], **change}
    changed = {f"rep-{queue}-{n}" for n in range(1, len(changes) + 1)}
    others = [rep_id for rep_id, rep in reps.items() if queue in rep["queues"]]
    assert set(others) == changed, f"every rep of {queue} is one of the changed ones"
    return list(reps.values())


async def load_reference(bootstrap: str, reps: list[dict[str, Any]]) -> str:
    """A fresh topic namespace whose accounts and reps are on the broker before a worker starts."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    accounts: list[Record] = [
        (str(a["account_id"]).encode(), json.dumps(a).encode(), []) for a in shipped_accounts()
    ]
    rep_records: list[Record] = [(r["rep_id"].encode(), json.dumps(r).encode(), []) for r in reps]
    await produce(bootstrap, f"{prefix}crm.accounts.v1", accounts)
    await produce(bootstrap, f"{prefix}crm.reps.v1", rep_records)
    return prefix


async def settled_metric(worker: WorkerProcess, series: str, expected: float) -> float:
    """The series once it reached `expected` (counted on Kafka's ack), or its value after 5 s."""
    for _ in range(25):
        if (value := worker.metric(series)) >= expected:
            return value
        await asyncio.sleep(0.2)
    return worker.metric(series)


async def record_count(bootstrap: str, topic: str) -> int:
    """Records on the topic now, over all partitions (nothing here writes transactionally)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        for _ in range(50):
            if numbers := consumer.partitions_for_topic(topic):
                break
            await asyncio.sleep(0.1)
        assert numbers, f"no metadata for {topic}"
        partitions = [TopicPartition(topic, n) for n in numbers]
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        return sum(ends[tp] - starts[tp] for tp in partitions)
    finally:
        await consumer.stop()


async def qualified_leads(bootstrap: str, topic: str, count: int) -> list[Any]:
    """The qualified leads on the topic, without the SLA records beside them (they have a kind)."""
    records = await consume(bootstrap, topic, count + 1, timeout=5)
    return [r for r in records if not r.value.startswith(b'{"kind":')]


async def test_a_lead_no_rep_of_its_queue_can_take_is_routed_to_the_overflow_queue(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    # Every inside-sales rep is unable to take a lead, whatever the clock says: one inactive,
    # one out of office for this century. inside-sales overflows to sales-fallback.
    reps = reps_with("inside-sales", {"active": False}, {"out_of_office": [ALWAYS_AWAY]})
    worker = start_worker(prefix=await load_reference(bootstrap, reps))

    await produce(
        bootstrap,
        worker.topic("leads.events.v1"),
        [as_record(transactional_lead(1, "evt-overflow"))],
    )

    [routed] = await read_json(bootstrap, worker.topic("sales.queue.sales-fallback.v1"), 1)
    [decision] = await read_json(bootstrap, worker.topic("leads.decisions.v1"), 1)
    # The lead reached sales-fallback after inside-sales was done with it: anything inside-sales
    # had sent would be on its topic by now.
    original = await record_count(bootstrap, worker.topic("sales.queue.inside-sales.v1"))
    qualified = await qualified_leads(bootstrap, worker.topic("leadrouter.leads.qualified.v1"), 2)
    hops = sorted((r.key, json.loads(r.value)["overflowed_from"]) for r in qualified)

    assert routed["event_id"] == "evt-overflow-1"
    assert (routed["queue"], routed["rep_id"]) == ("sales-fallback", None)
    assert routed["decision"]["overflowed_from"] == ["inside-sales"]
    assert routed["decision"]["rule_id"] == "transactional", "the rule that chose inside-sales"
    assert original == 0, "inside-sales kept nothing of the lead"
    # Profile queued it for inside-sales; assign put it back keyed by its overflow queue, so the
    # partition that owns sales-fallback assigned it.
    assert hops == [(b"inside-sales", []), (b"sales-fallback", ["inside-sales"])]
    assert decision["decision_id"] == routed["decision_id"]
    assert (decision["outcome"], decision["queue"]) == ("routed", "sales-fallback")
    assert decision["overflowed_from"] == ["inside-sales"]
    assert worker.metric('leadrouter_overflows_total{queue="inside-sales"}') == 1
    assert worker.metric('leadrouter_overflows_total{queue="sales-fallback"}') == 0
    routed_total = 'leadrouter_leads_routed_total{queue="sales-fallback"}'
    assert await settled_metric(worker, routed_total, 1) == 1
    assert worker.metric('leadrouter_leads_routed_total{queue="inside-sales"}') == 0


async def test_a_rep_at_daily_capacity_sends_the_next_lead_to_a_rep_of_the_overflow_queue(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    # specialists-pharma has one rep who takes one lead a day (the other is inactive); it
    # overflows to inside-sales, whose reps are all available. (Capacity counts per the rep's
    # UTC day: only a run straddling midnight, milliseconds between the two leads, would differ.)
    reps = reps_with("specialists-pharma", {"daily_capacity": 1}, {"active": False})
    worker = start_worker(prefix=await load_reference(bootstrap, reps))

    await produce(
        bootstrap,
        worker.topic("leads.events.v1"),
        [as_record(pharma_lead(1)), as_record(pharma_lead(2))],
    )

    [overflowed] = await read_json(bootstrap, worker.topic("sales.queue.inside-sales.v1"), 1)
    [kept] = await read_json(bootstrap, worker.topic("sales.queue.specialists-pharma.v1"), 1)
    decisions = await read_json(bootstrap, worker.topic("leads.decisions.v1"), 2)
    pharma = await record_count(bootstrap, worker.topic("sales.queue.specialists-pharma.v1"))

    # The two leads reach the queue's partition in either order: whichever came first got the rep.
    assert {kept["event_id"], overflowed["event_id"]} == {"evt-pharma-1", "evt-pharma-2"}
    assert pharma == 1, "the rep at capacity got no second lead"
    assert kept["rep_id"] == "rep-specialists-pharma-1"
    assert kept["decision"]["counters"]["assigned_today"] == 1
    assert kept["decision"]["counters"]["daily_capacity"] == 1
    assert kept["decision"]["overflowed_from"] == []
    assert overflowed["decision"]["overflowed_from"] == ["specialists-pharma"]
    assert overflowed["decision"]["queue"] == "inside-sales"
    assert overflowed["decision"]["strategy"] == "weighted_round_robin"
    assert overflowed["rep_id"] in {"rep-inside-sales-1", "rep-inside-sales-2"}
    routed_at = datetime.fromisoformat(overflowed["timestamps"]["routed_at"])
    sla_due_at = datetime.fromisoformat(overflowed["sla_due_at"])
    assert sla_due_at - routed_at == timedelta(minutes=30), "inside-sales' SLA, not pharma's 120"
    by_decision = {d["decision_id"]: d for d in decisions}
    assert by_decision[overflowed["decision_id"]]["queue"] == "inside-sales"
    assert by_decision[overflowed["decision_id"]]["overflowed_from"] == ["specialists-pharma"]
    assert by_decision[kept["decision_id"]]["queue"] == "specialists-pharma"
    assert worker.metric('leadrouter_overflows_total{queue="specialists-pharma"}') == 1
    assert worker.metric('leadrouter_overflows_total{queue="inside-sales"}') == 0


# q1 -> q2 -> ... -> q6 -> last is one hop longer than MAX_OVERFLOW_HOPS allows, and the
# fallback queue itself overflows to `last`. No queue has reps, so nobody can take any lead.
QUEUES = ("q1", "q2", "q3", "q4", "q5", "q6", "last", "fallback")
LONG_CHAIN_RULES = """
version: "long-chain-1"
queues:
  q1: {strategy: round_robin, sla_minutes: 30, overflow: q2}
  q2: {strategy: round_robin, sla_minutes: 30, overflow: q3}
  q3: {strategy: round_robin, sla_minutes: 30, overflow: q4}
  q4: {strategy: round_robin, sla_minutes: 30, overflow: q5}
  q5: {strategy: round_robin, sla_minutes: 30, overflow: q6}
  q6: {strategy: round_robin, sla_minutes: 30, overflow: last}
  last: {strategy: round_robin, sla_minutes: 30}
  fallback: {strategy: round_robin, sla_minutes: 240, overflow: last}
rules:
  - id: everyone
    when: {always: true}
    then: {queue: q1}
fallback: fallback
"""


async def test_a_lead_past_the_overflow_hop_limit_stays_in_the_fallback_queue(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, tmp_path: Path
) -> None:
    rules = tmp_path / "long-chain.yaml"
    rules.write_text(LONG_CHAIN_RULES)
    worker = start_worker(
        prefix=await load_reference(bootstrap, []), LEADROUTER_RULES_FILE=str(rules)
    )

    await produce(
        bootstrap,
        worker.topic("leads.events.v1"),
        [as_record(transactional_lead(1, "evt-overflow"))],
    )

    # Past the hop limit the lead goes to the fallback queue, which must keep it rather than
    # follow its own overflow (that led straight back to the fallback, round and round).
    [routed] = await read_json(bootstrap, worker.topic("sales.queue.fallback.v1"), 1, timeout=20)
    await asyncio.sleep(1)  # a lead still going round would overflow again meanwhile
    qualified = len(
        await qualified_leads(bootstrap, worker.topic("leadrouter.leads.qualified.v1"), 8)
    )

    assert (routed["queue"], routed["rep_id"]) == ("fallback", None)
    assert routed["decision"]["overflowed_from"] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert await record_count(bootstrap, worker.topic("sales.queue.last.v1")) == 0
    assert qualified == 7, "queued once by profile, then once per overflow"
    overflows = [worker.metric(f'leadrouter_overflows_total{{queue="{q}"}}') for q in QUEUES]
    assert overflows == [1, 1, 1, 1, 1, 1, 0, 0]
