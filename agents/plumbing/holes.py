"""Asks the broker what an offset holds, for the delivery guard's hole check.

Used only when a stage sees a jump in offsets, or when an input partition stopped moving
(`monitoring.py`), both rare: a plain consumer outside any group reads at most one record from
the expected offset on.
"""

import contextlib
import logging
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.plumbing.credentials import client_options
from agents.plumbing.delivery import Partition
from agents.plumbing.isolation import ISOLATION_LEVEL
from agents.plumbing.settings import KafkaSettings

log = logging.getLogger(__name__)
# Long enough for the broker's answer to one fetch (it waits up to the fetch wait, 0.5 s).
_ONE_FETCH_MS = 2000


class BrokerHoleCheck:
    def __init__(self, kafka: KafkaSettings, *, timeout_s: float = 10.0) -> None:
        self._kafka = kafka
        self._timeout_ms = int(timeout_s * 1000)

    async def __call__(self, tp: Partition, offset: int) -> int | None:
        """The first offset >= `offset` that holds a record, or None if none arrived in time."""
        async with self._reading(tp, offset) as (consumer, partition):
            batches = await consumer.getmany(partition, timeout_ms=self._timeout_ms, max_records=1)
            records = batches.get(partition, [])
            return records[0].offset if records else None

    async def held_back(self, tp: Partition, offset: int) -> int | None:
        """Where an upstream transaction still open holds back the records from `offset` on:
        the partition's last stable offset, when it is at or past `offset` and short of the end.
        A `read_committed` reader gets nothing past it until that producer commits or aborts,
        or the broker times the transaction out. None when no open transaction holds them."""
        async with self._reading(tp, offset) as (consumer, partition):
            # One fetch answer is enough: even an empty one carries the two offsets.
            await consumer.getmany(partition, timeout_ms=_ONE_FETCH_MS, max_records=1)
            stable = consumer.last_stable_offset(partition)
            end = consumer.highwater(partition)
        if stable is None or end is None or not offset <= stable < end:
            return None
        return int(stable)

    @contextlib.asynccontextmanager
    async def _reading(
        self, tp: Partition, offset: int
    ) -> AsyncIterator[tuple[AIOKafkaConsumer, TopicPartition]]:
        """A plain consumer outside any group, reading `tp` from `offset` as the stages do."""
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
            yield consumer, partition
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
