"""Fair capacity on a real worker: a rep in two queues, assigned on two partitions, never gets
more leads in a day than their capacity; a crash that lost the counters' last write does not
reopen a full rep; a rep whose lead sales rejected gets the turn back."""

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from tests.integration.kafka import Record, WorkerProcess, consume, produce, rewind
from tests.integration.pipeline_data import (
    always_available_reps,
    as_record,
    lead_event,
    shipped_accounts,
    transactional_lead,
)

SHARED = "rep-shared"
QUEUES = ("inside-sales", "specialists-pharma", "sales-fallback")


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


async def load_reference(bootstrap: str) -> str:
    """Only `rep-shared` (capacity 2, in inside-sales and specialists-pharma) can take leads
    in those two queues."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    busy = {"inside-sales", "specialists-pharma"}
    reps = [
        {**rep, "active": False} if set(rep["queues"]) & busy else rep
        for rep in always_available_reps()
    ]
    reps.append(
        {
            "rep_id": SHARED,
            "name": SHARED,
            "queues": ["inside-sales", "specialists-pharma"],
            "weight": 1,
            "daily_capacity": 2,
        }
    )
    accounts: list[Record] = [
        (str(a["account_id"]).encode(), json.dumps(a).encode(), []) for a in shipped_accounts()
    ]
    await produce(bootstrap, f"{prefix}crm.accounts.v1", accounts)
    await produce(
        bootstrap,
        f"{prefix}crm.reps.v1",
        [(r["rep_id"].encode(), json.dumps(r).encode(), []) for r in reps],
    )
    return prefix


async def test_a_rep_in_two_queues_never_exceeds_their_daily_capacity(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker(prefix=await load_reference(bootstrap))
    events = [*(pharma_lead(n) for n in range(3)), *(transactional_lead(n) for n in range(3))]
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(e) for e in events])

    decisions = [
        json.loads(r.value)
        for r in await consume(bootstrap, worker.topic("leads.decisions.v1"), 6, timeout=60)
    ]
    routed: list[Any] = []
    for queue in QUEUES:
        topic = worker.topic(f"sales.queue.{queue}.v1")
        routed.extend(json.loads(r.value) for r in await consume(bootstrap, topic, 6, timeout=3))

    assert len({d["decision_id"] for d in decisions}) == 6
    assert len({r["decision_id"] for r in routed}) == 6, "every lead reached a queue"
    to_shared = [r for r in routed if r["rep_id"] == SHARED]
    assert len(to_shared) == 2, "capacity 2 across both queues"
    assert {r["queue"] for r in to_shared} == {"inside-sales", "specialists-pharma"}
    for record in to_shared:
        counters = record["decision"]["counters"]
        assert (counters["daily_capacity"], counters["daily_capacity_all_queues"]) == (1, 2)
    assert {r["rep_id"] for r in routed if r["rep_id"] != SHARED} == {None}


async def test_a_full_rep_stays_full_when_a_crash_lost_the_counters_last_write(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    first = start_worker(prefix=await load_reference(bootstrap))
    queue_topic = first.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, first.topic("leads.events.v1"), [as_record(transactional_lead(1))])
    [taken] = [json.loads(r.value) for r in await consume(bootstrap, queue_topic, 1)]
    assert taken["rep_id"] == SHARED, "the shared rep's one lead a day in inside-sales"
    first.stop()

    # The crash: the queue's counters never reached their changelog, and the lead that
    # advanced them was never committed, so it comes again.
    group = first.env["LEADROUTER_APP_ID"]
    changelog = f"{group}-queue-states-changelog"
    [stored] = [r for r in await consume(bootstrap, changelog, 1) if r.key == b"inside-sales"]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            changelog, b"{}", key=b"inside-sales", partition=stored.partition
        )
    finally:
        await producer.stop()
    await rewind(bootstrap, group, first.topic("leadrouter.leads.qualified.v1"))
    second = start_worker(prefix=first.prefix)
    await produce(bootstrap, second.topic("leads.events.v1"), [as_record(transactional_lead(2))])

    decisions = await consume(bootstrap, second.topic("leads.decisions.v1"), 3, timeout=60)
    routed = [
        json.loads(r.value)
        for queue in QUEUES
        for r in await consume(bootstrap, second.topic(f"sales.queue.{queue}.v1"), 3, timeout=3)
    ]
    assert len(decisions) == 3, "the first lead's decision, its replay and the second lead's"
    assert [r["rep_id"] for r in routed if r["event_id"] == "evt-1"] == [SHARED, SHARED]
    [second_lead] = [r for r in routed if r["event_id"] == "evt-2"]
    assert second_lead["rep_id"] != SHARED, "the rep was full: the replay put the count back"


async def test_a_rep_whose_lead_sales_rejected_gets_their_turn_back(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    accounts: list[Record] = [
        (str(a["account_id"]).encode(), json.dumps(a).encode(), []) for a in shipped_accounts()
    ]
    await produce(bootstrap, f"{prefix}crm.accounts.v1", accounts)
    reps = always_available_reps()
    await produce(
        bootstrap,
        f"{prefix}crm.reps.v1",
        [(r["rep_id"].encode(), json.dumps(r).encode(), []) for r in reps],
    )
    worker = start_worker(prefix=prefix)
    topic = worker.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(1))])
    [first] = [json.loads(r.value) for r in await consume(bootstrap, topic, 1)]
    rejected = {
        "decision_id": first["decision_id"],
        "lead_identity": first["lead_identity"],
        "outcome": "rejected",
        "reason": "not a fit: a student",
        "rep_id": first["rep_id"],
        "occurred_at": first["timestamps"]["routed_at"],
    }
    await produce(
        bootstrap, worker.topic("sales.feedback.v1"), [(b"k", json.dumps(rejected).encode(), [])]
    )
    # The credit travels by the qualified topic, from the clock's partition to the queue's.
    credits = 'leadrouter_credits_total{queue="inside-sales",reason="rejected"}'
    for _ in range(100):
        if worker.metric(credits) >= 1:
            break
        await asyncio.sleep(0.2)
    assert worker.metric(credits) == 1
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(2))])
    records = [json.loads(r.value) for r in await consume(bootstrap, topic, 2)]

    second = records[-1]
    assert second["lead_identity"] != first["lead_identity"]
    # Two reps of weight 1 alternate; with the turn given back the first rep goes again.
    assert second["rep_id"] == first["rep_id"]
    assert second["decision"]["counters"]["credits_today"] == 1
