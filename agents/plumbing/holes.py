"""Asks the broker what an offset holds, for the delivery guard's hole check.

Used only when a stage sees a jump in offsets, which is rare: a plain consumer outside any
group reads at most one record from the expected offset on.
"""

import contextlib
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.plumbing.credentials import client_options
from agents.plumbing.delivery import Partition
from agents.plumbing.isolation import ISOLATION_LEVEL
from agents.plumbing.settings import KafkaSettings

log = logging.getLogger(__name__)


class BrokerHoleCheck:
    def __init__(self, kafka: KafkaSettings, *, timeout_s: float = 10.0) -> None:
        self._kafka = kafka
        self._timeout_ms = int(timeout_s * 1000)

    async def __call__(self, tp: Partition, offset: int) -> int | None:
        """The first offset >= `offset` that holds a record, or None if none arrived in time."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._kafka.hosts,
            group_id=None,
            enable_auto_commit=False,
            isolation_level=ISOLATION_LEVEL,
            auto_offset_reset="earliest",
            **client_options(self._kafka),
        )
        await consumer.start()
        try:
            partition = TopicPartition(tp.topic, tp.partition)
            consumer.assign([partition])
            consumer.seek(partition, offset)
            batches = await consumer.getmany(partition, timeout_ms=self._timeout_ms, max_records=1)
            records = batches.get(partition, [])
            return records[0].offset if records else None
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
