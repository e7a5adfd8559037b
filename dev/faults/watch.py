"""A tail on a scenario's output topics: the Kafka timestamp of the newest output record, so the
harness knows when a restarted pipeline produces again (end offsets alone can grow with batches
a killed worker had in flight; their timestamps are older than the restart)."""

import asyncio
import contextlib
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.topics import group_less_consumer


class OutputWatch:
    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self._consumer: AIOKafkaConsumer = group_less_consumer(bootstrap)
        self._topics = topics
        self._task: asyncio.Task[None] | None = None
        self.newest = 0.0  # epoch seconds of the newest output record seen
        self._seen = asyncio.Event()

    async def __aenter__(self) -> "OutputWatch":
        consumer = self._consumer
        await consumer.start()
        partitions = []
        for topic in self._topics:
            found = consumer.partitions_for_topic(topic)
            if not found:
                await consumer._client.force_metadata_update()
                found = consumer.partitions_for_topic(topic) or set()
            partitions += [TopicPartition(topic, number) for number in sorted(found)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        self._task = asyncio.create_task(self._follow())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _follow(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=5000)
            except Exception:  # the broker away (broker-restart): try again
                await asyncio.sleep(1.0)
                continue
            for records in batches.values():
                for record in records:
                    self.newest = max(self.newest, record.timestamp / 1000)
            if batches:
                self._seen.set()

    async def wait_after(self, moment: float, timeout: float) -> bool:
        """Until an output record stamped after `moment` (epoch s) was seen; False on timeout."""
        deadline = time.monotonic() + timeout
        while self.newest <= moment:
            self._seen.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._seen.wait(), remaining)
        return True
