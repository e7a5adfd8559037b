"""Reading a range of offsets of one partition again, outside the consumer group.

The trainer's state names the next example it needs; the group's committed offset may be
further on (examples applied but not yet published when the worker stopped). The missing range
is read here with a plain consumer, so no example is skipped whatever the group committed.
"""

import contextlib
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.plumbing.credentials import client_options
from agents.plumbing.settings import KafkaSettings


@dataclass(frozen=True, slots=True)
class StoredRecord:
    offset: int
    key: bytes | None
    value: bytes | None


async def read_range(
    kafka: KafkaSettings, topic: str, partition: int, start: int, end: int
) -> tuple[int, list[StoredRecord]]:
    """The records at offsets `start` up to (not including) `end`, and the first offset that
    could be read: above `start` when retention removed the older records."""
    tp = TopicPartition(topic, partition)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.hosts,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **client_options(kafka),
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        first = (await consumer.beginning_offsets([tp]))[tp]
        position = max(start, first)
        consumer.seek(tp, position)
        records: list[StoredRecord] = []
        while position < end:
            batches = await consumer.getmany(tp, timeout_ms=1000)
            for record in batches.get(tp, []):
                if record.offset < end:
                    records.append(StoredRecord(record.offset, record.key, record.value))
            position = await consumer.position(tp)
        return max(start, first), records
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
