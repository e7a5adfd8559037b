"""A paused changelog partition, on a real broker: not fetched, nothing held, nothing skipped."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from agents.plumbing.paused_fetch import pause_fetching, resume_fetching
from tests.integration.kafka import produce


@pytest.fixture
async def topics(bootstrap: str) -> tuple[TopicPartition, TopicPartition]:
    """An input partition and a changelog partition, both empty."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    tps = TopicPartition(f"{prefix}.input", 0), TopicPartition(f"{prefix}-profiles-changelog", 0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(tp.topic, num_partitions=1, replication_factor=1) for tp in tps]
        )
    finally:
        await admin.close()
    return tps


@pytest.fixture
async def consumer(
    bootstrap: str, topics: tuple[TopicPartition, TopicPartition]
) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    consumer.assign(list(topics))
    try:
        yield consumer
    finally:
        await consumer.stop()


async def until_fetched(consumer: AIOKafkaConsumer, tp: TopicPartition) -> None:
    """Until the fetcher holds records of `tp` that nobody took (as Faust leaves a paused one's)."""
    for _ in range(200):
        if tp in consumer._fetcher._records:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{tp} was never fetched")


async def paused_with_records_held(
    bootstrap: str, consumer: AIOKafkaConsumer, changelog: TopicPartition
) -> None:
    """Three records written to `changelog` and fetched, none taken; then it is paused."""
    await produce(bootstrap, changelog.topic, [(b"lead", b"profile", [])] * 3)
    await until_fetched(consumer, changelog)
    pause_fetching(consumer, [changelog])


async def offsets_read(consumer: AIOKafkaConsumer, tp: TopicPartition, count: int) -> list[int]:
    offsets: list[int] = []
    for _ in range(100):
        batch = await consumer.getmany(tp, timeout_ms=100)
        offsets.extend(record.offset for record in batch.get(tp, []))
        if len(offsets) >= count:
            break
    return offsets


async def test_a_paused_changelog_partition_is_no_longer_fetched_nor_held(
    bootstrap: str,
    topics: tuple[TopicPartition, TopicPartition],
    consumer: AIOKafkaConsumer,
) -> None:
    source, changelog = topics

    await paused_with_records_held(bootstrap, consumer, changelog)
    await produce(bootstrap, changelog.topic, [(b"lead", b"profile", [])] * 3)
    await produce(bootstrap, source.topic, [(b"lead", b"event", [])])
    read = await offsets_read(consumer, source, 1)

    assert read == [0]
    assert consumer.paused() == {changelog}
    assert changelog not in consumer._fetcher._records


async def test_a_resumed_changelog_partition_delivers_every_record_from_where_it_stood(
    bootstrap: str,
    topics: tuple[TopicPartition, TopicPartition],
    consumer: AIOKafkaConsumer,
) -> None:
    _, changelog = topics
    await paused_with_records_held(bootstrap, consumer, changelog)  # the three are dropped
    await produce(bootstrap, changelog.topic, [(b"lead", b"profile", [])] * 2)

    resume_fetching(consumer, [changelog])

    assert await offsets_read(consumer, changelog, 5) == [0, 1, 2, 3, 4]
    assert consumer.paused() == set()


async def test_partitions_not_assigned_are_left_alone(
    topics: tuple[TopicPartition, TopicPartition], consumer: AIOKafkaConsumer
) -> None:
    elsewhere = TopicPartition(topics[1].topic, 7)

    pause_fetching(consumer, [elsewhere])
    resume_fetching(consumer, [elsewhere])

    assert consumer.paused() == set()
