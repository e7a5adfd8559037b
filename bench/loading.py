"""What the bench loads into Kafka: reference data (accounts, reps) and synthetic lead events."""

import asyncio
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from aiokafka import AIOKafkaProducer

from agents.plumbing.topics import ACCOUNTS, REPS, TopicNames
from agents.tools.demo import demo_reps
from agents.tools.synthetic import Record
from bench.measurements import LoadRun
from bench.workloads import Feed
from schemas.accounts import Account
from schemas.reps import Rep

# Queues whose reps rotate (the others route to account owners, account teams or nobody).
ROTATING_QUEUES = (
    "inside-sales",
    "field-sales-na",
    "field-sales-emea",
    "field-sales-apac",
    "field-sales-latam",
    "specialists-pharma",
    "specialists-finserv",
)
_CHUNK = 20_000  # records in flight before the loader waits for acknowledgements
# Event time of the loaded events: one every 10 ms, ending a few minutes before the run.
EVENT_INTERVAL = timedelta(milliseconds=10)


def bench_reps(count: int = 50, capacity: int | None = None) -> list[Rep]:
    """The demo reps (owners of the synthetic key accounts, the customer-success team) plus
    rotating reps up to `count`; always available, so routing does not depend on the time of
    day the bench runs at. Without a `capacity` nobody has a daily cap; with one, the demo reps
    keep theirs (8 to 40 leads a day) and each rotating rep takes `capacity` a day, so busy
    queues fill up and overflow."""
    reps = [
        rep.model_copy(
            update={"working_hours": None}
            | ({} if capacity is not None else {"daily_capacity": None})
        )
        for rep in demo_reps()
    ][:count]
    for number in range(1, count - len(reps) + 1):
        queue = ROTATING_QUEUES[number % len(ROTATING_QUEUES)]
        reps.append(
            Rep(
                rep_id=f"rep-bench-{number:02d}",
                name=f"Bench Rep {number}",
                queues=(queue,),
                weight=1 + number % 3,
                daily_capacity=capacity,
            )
        )
    return reps


def create_producer(bootstrap: str, linger_ms: int = 20) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=linger_ms, max_batch_size=512 * 1024
    )


async def send_records(
    producer: AIOKafkaProducer, topic: str, records: Iterable[Record]
) -> tuple[int, int]:
    """Send every record, a chunk in flight at a time; (records, value bytes) sent."""
    pending: list[asyncio.Future[object]] = []
    count = size = 0
    for key, value, headers in records:
        pending.append(await producer.send(topic, value, key=key, headers=headers))
        count += 1
        size += len(value)
        if len(pending) >= _CHUNK:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    return count, size


async def load_reference(
    bootstrap: str, names: TopicNames, accounts: Sequence[Account], reps: Sequence[Rep]
) -> None:
    """Accounts and reps onto the prefix's compacted topics, as the CRM would publish them."""
    producer = create_producer(bootstrap)
    await producer.start()
    try:
        await send_records(
            producer,
            names.name(ACCOUNTS),
            (
                (account.account_id.encode(), account.model_dump_json().encode(), [])
                for account in accounts
            ),
        )
        await send_records(
            producer,
            names.name(REPS),
            ((rep.rep_id.encode(), rep.model_dump_json().encode(), []) for rep in reps),
        )
    finally:
        await producer.stop()


async def load_events(
    bootstrap: str,
    topic: str,
    feed: Feed,
    count: int,
    start: datetime,
    interval: timedelta,
) -> LoadRun:
    """`count` events of the feed onto `topic` as fast as the broker takes them (generation
    included in the time: it is what a loader in Python costs)."""
    producer = create_producer(bootstrap)
    await producer.start()
    try:
        started = time.perf_counter()
        sent, size = await send_records(producer, topic, feed.events(count, start, interval))
        seconds = time.perf_counter() - started
    finally:
        await producer.stop()
    return LoadRun(events=sent, seconds=seconds, megabytes=size / 1e6)
