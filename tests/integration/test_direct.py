"""The direct path on a real broker: events already keyed by the lead's identity skip the re-key
hop, and one lead's events keep their order when some arrive keyed otherwise."""

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from agents.plumbing.partitioner import keyed_partition
from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import lead_event, reference_records
from tests.integration.test_pipeline import metric_value
from tests.integration.test_worker_wiring import fetch_health

PARTITIONS = 4  # the test broker's and the worker's


@pytest.fixture
async def worker(start_worker: Callable[..., WorkerProcess], bootstrap: str) -> WorkerProcess:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    accounts, reps = reference_records()
    await produce(bootstrap, f"{prefix}crm.accounts.v1", accounts)
    await produce(bootstrap, f"{prefix}crm.reps.v1", reps)
    started = start_worker(prefix=prefix)
    for _ in range(120):  # the direct path waits for the reference views, as the profile does
        if fetch_health(started.web_port)[0] == 200:
            return started
        await asyncio.sleep(0.5)
    pytest.fail("the worker never reported ready")


def student_event(event_id: str, email: str, minute: int) -> dict[str, Any]:
    """An event marketing keeps (nurture), so each one leaves a nurture record, in order."""
    return lead_event(
        event_id,
        {"email": email, "job_title": "Student"},
        "page_view",
        occurred_at=f"2026-11-20T10:{minute:02d}:00Z",
    )


async def publish(
    bootstrap: str, topic: str, records: list[tuple[bytes, dict[str, Any]]], partition: int
) -> None:
    """Send in order to one partition, one at a time (as one upstream producer would)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, event in records:
            await producer.send_and_wait(
                topic, json.dumps(event).encode(), key=key, partition=partition
            )
    finally:
        await producer.stop()


async def nurtured_ids(
    bootstrap: str, worker: WorkerProcess, identity: str, count: int
) -> list[str]:
    records = await consume(bootstrap, worker.topic("leads.nurture.v1"), count, timeout=90)
    return [
        json.loads(record.value)["event_id"]
        for record in records
        if record.key == identity.encode()
    ]


async def test_events_keyed_by_identity_are_decided_without_the_keyed_topic(
    worker: WorkerProcess, bootstrap: str
) -> None:
    identity = "email:ada@students.example"
    home = keyed_partition(identity.encode(), PARTITIONS)
    events = [student_event(f"evt-ada-{n}", "Ada@Students.example", n) for n in range(6)]

    await publish(
        bootstrap,
        worker.topic("leads.events.v1"),
        [(identity.encode(), event) for event in events],
        home,
    )

    assert await nurtured_ids(bootstrap, worker, identity, 6) == [e["event_id"] for e in events]
    assert metric_value(worker.web_port, "leadrouter_direct_events_total") == 6
    keyed = await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 1, timeout=3)
    assert keyed == []


async def test_a_leads_events_arriving_both_ways_are_applied_in_the_order_published(
    worker: WorkerProcess, bootstrap: str
) -> None:
    identity = "email:grace@students.example"
    home = keyed_partition(identity.encode(), PARTITIONS)
    events = [student_event(f"evt-grace-{n}", "grace@students.example", n) for n in range(12)]
    # Events 0 and 6 are keyed by the CRM's own id: they take the re-key hop, and the events
    # published right after them must not overtake them. The others are keyed by identity.
    records = [
        (b"crm-4711" if n in (0, 6) else identity.encode(), event) for n, event in enumerate(events)
    ]
    topic = worker.topic("leads.events.v1")

    for burst in (records[:4], records[4:6], records[6:9], records[9:]):
        await publish(bootstrap, topic, burst, home)
        await asyncio.sleep(2)  # the keyed topic drains: the direct path opens again

    assert await nurtured_ids(bootstrap, worker, identity, 12) == [e["event_id"] for e in events]
    direct = metric_value(worker.web_port, "leadrouter_direct_events_total")
    assert direct >= 5  # at least the bursts that follow a drained keyed topic
    keyed = await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 12, timeout=5)
    assert len([r for r in keyed if r.key == identity.encode()]) == 12 - direct


async def test_a_backlog_of_direct_events_is_decided_in_batches_keeping_each_leads_order(
    worker: WorkerProcess, bootstrap: str
) -> None:
    leads = [f"email:batch{n}@students.example" for n in range(60)]
    # Each lead's three events apart from one another, so a batch meets a lead again.
    events = [
        (lead, student_event(f"evt-{lead}-{round_}", lead.removeprefix("email:"), round_))
        for round_ in range(3)
        for lead in leads
    ]
    records = [(lead.encode(), json.dumps(event).encode(), ()) for lead, event in events]

    await produce(bootstrap, worker.topic("leads.events.v1"), records)

    nurtured = await consume(bootstrap, worker.topic("leads.nurture.v1"), len(events), timeout=90)
    order = [(record.key, json.loads(record.value)["event_id"]) for record in nurtured]
    for lead in leads:
        expected = [event["event_id"] for key, event in events if key == lead]
        assert [event_id for key, event_id in order if key == lead.encode()] == expected
    direct = metric_value(worker.web_port, "leadrouter_direct_events_total")
    batches = metric_value(worker.web_port, "leadrouter_direct_batch_events_count")
    assert direct == len(events)
    assert metric_value(worker.web_port, "leadrouter_direct_batch_events_sum") == direct
    assert batches < direct  # some were decided together
