"""Read-only reference views (accounts, reps, rules) built from compacted topics.

Every worker needs these whole, so each worker reads every partition of the compacted topic
from the beginning with a plain consumer outside any consumer group (Faust's GlobalTable has
known recovery loops with several workers), then keeps following it: a change is applied within
one poll interval. Agents wait for `ready` (the view has caught up with the end offsets seen at
start) before they process their first event.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.plumbing.credentials import client_options
from agents.plumbing.isolation import ISOLATION_LEVEL
from agents.plumbing.settings import KafkaSettings

log = logging.getLogger(__name__)

Apply = Callable[[bytes | None, bytes | None], None]


class CompactedView:
    """Follows one compacted topic and hands every record to `apply(key, value)`."""

    def __init__(
        self, kafka: KafkaSettings, topic: str, apply: Apply, *, poll_ms: int = 200
    ) -> None:
        self.topic = topic
        self.ready = asyncio.Event()
        self.records_applied = 0
        self._kafka = kafka
        self._apply = apply
        self._poll_ms = poll_ms
        self._consumer: AIOKafkaConsumer | None = None
        # Where the start has got to, named in the warning of a view slow to be ready.
        self.step = "not started"

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._kafka.hosts,
            group_id=None,
            enable_auto_commit=False,
            isolation_level=ISOLATION_LEVEL,
            auto_offset_reset="earliest",
            # Large fetches: a cold start reads the whole topic (1M accounts).
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
            **client_options(self._kafka),
        )
        self._consumer = consumer
        self.step = "connecting"
        await consumer.start()
        try:
            self.step = "reading the topic's partitions"
            partitions = await self._partitions(consumer)
            # The end offsets before the assignment: once assigned, the consumer long-polls a
            # fetch (up to `fetch_max_wait_ms`), and the request would wait behind it.
            self.step = "asking the end offsets"
            targets = await consumer.end_offsets(partitions)
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            self.step = f"catching up with end offsets {sorted(targets.values())}"
            await self._catch_up(consumer, targets)
            self.step = "ready"
            self.ready.set()
            log.info("view %s ready: %d records", self.topic, self.records_applied)
            while True:
                self._apply_batches(await consumer.getmany(timeout_ms=self._poll_ms))
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        for _ in range(100):
            found = consumer.partitions_for_topic(self.topic)
            if found:
                return [TopicPartition(self.topic, partition) for partition in sorted(found)]
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        raise RuntimeError(f"topic {self.topic} does not exist")

    async def _catch_up(
        self, consumer: AIOKafkaConsumer, targets: dict[TopicPartition, int]
    ) -> None:
        pending = {tp: end for tp, end in targets.items() if end > 0}
        while pending:
            self._apply_batches(
                await consumer.getmany(timeout_ms=self._poll_ms, max_records=50_000)
            )
            for tp in list(pending):
                if await consumer.position(tp) >= pending[tp]:
                    del pending[tp]

    def _apply_batches(self, batches: dict[TopicPartition, list[Any]]) -> None:
        for records in batches.values():
            for record in records:
                try:
                    self._apply(record.key, record.value)
                except Exception:
                    # Reference data is not an input stream: a bad record is logged and skipped,
                    # the previous value for its key stays in force.
                    log.exception(
                        "view %s: record at offset %s rejected", self.topic, record.offset
                    )
                self.records_applied += 1
