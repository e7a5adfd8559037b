"""What the bench asks Kafka: topic creation, record counts, committed offsets, the first and
last record timestamps of topics, and whole (small) topics."""

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """The earliest first-record and the latest last-record timestamp, in epoch seconds."""

    first: float
    last: float


def group_less_consumer(bootstrap: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        metadata_max_age_ms=2000,
        fetch_max_wait_ms=100,
    )


class TopicProbe:
    """An admin client and two group-less consumers, kept open while the bench polls: one only
    asks for offsets (never assigned, so its metadata covers every topic), one reads records
    (an assigned consumer only follows the metadata of the topics it is assigned)."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        self.consumer = group_less_consumer(bootstrap)
        self.reader = group_less_consumer(bootstrap)

    async def __aenter__(self) -> "TopicProbe":
        await self.admin.start()
        await self.consumer.start()
        await self.reader.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.reader.stop()
        await self.consumer.stop()
        await self.admin.close()

    async def create(self, names: Iterable[str], partitions: int) -> None:
        """Create the topics that do not exist yet (with `partitions` partitions each)."""
        existing = set(await self.admin.list_topics())
        missing = [
            NewTopic(name, partitions, 1) for name in dict.fromkeys(names) if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await self.admin.create_topics(missing)

    async def partitions(self, topic: str) -> list[TopicPartition]:
        """The topic's partitions; empty if the topic does not exist (yet)."""
        found = self.consumer.partitions_for_topic(topic)
        if not found:
            await self.consumer._client.force_metadata_update()
            found = self.consumer.partitions_for_topic(topic)
        return [TopicPartition(topic, partition) for partition in sorted(found or ())]

    async def end_offsets(self, topics: Iterable[str]) -> dict[TopicPartition, int]:
        partitions = [tp for topic in topics for tp in await self.partitions(topic)]
        if not partitions:
            return {}
        ends: dict[TopicPartition, int] = await self.consumer.end_offsets(partitions)
        return ends

    async def counts(self, topics: Sequence[str]) -> dict[str, int]:
        """Records per topic (end offsets: the bench's topics are fresh and never truncated)."""
        counts = dict.fromkeys(topics, 0)
        for tp, end in (await self.end_offsets(topics)).items():
            counts[tp.topic] += end
        return counts

    async def lag(self, group: str, topics: Iterable[str]) -> int:
        """How many records of `topics` the consumer group has not committed yet."""
        ends = await self.end_offsets(topics)
        committed = await self.admin.list_consumer_group_offsets(group)
        behind = 0
        for tp, end in ends.items():
            offset = committed.get(tp)
            done = offset.offset if offset is not None and offset.offset >= 0 else 0
            behind += max(0, end - done)
        return behind

    async def group_state(self, group: str) -> tuple[str, int]:
        """The consumer group's state ("Stable", "PreparingRebalance"...) and member count."""
        [response] = await self.admin.describe_consumer_groups([group])
        _, _, state, _, _, members, *_ = response.groups[0]
        return str(state), len(members)

    async def _record_at(self, tp: TopicPartition, offset: int) -> ConsumerRecord[bytes, bytes]:
        self.reader.assign([tp])
        self.reader.seek(tp, offset)
        for _ in range(50):
            batches = await self.reader.getmany(tp, timeout_ms=500, max_records=1)
            if batches.get(tp):
                return batches[tp][0]
        raise TimeoutError(f"no record at {tp.topic}[{tp.partition}]@{offset}")

    async def time_span(self, topics: Iterable[str]) -> TimeSpan | None:
        """The timestamps of the first and the last record over every partition of `topics`.

        Per partition, the last record has the latest timestamp: every partition here has one
        producer, which stamps records as it appends them.
        """
        first: float | None = None
        last: float | None = None
        for tp, end in (await self.end_offsets(topics)).items():
            if end <= 0:
                continue
            head = (await self._record_at(tp, 0)).timestamp / 1000
            tail = (await self._record_at(tp, end - 1)).timestamp / 1000
            first = head if first is None else min(first, head)
            last = tail if last is None else max(last, tail)
        if first is None or last is None:
            return None
        return TimeSpan(first, last)

    async def read_all(self, topics: Iterable[str]) -> list[ConsumerRecord[bytes, bytes]]:
        """Every record of `topics` from the beginning to the end offsets seen now."""
        ends = {tp: end for tp, end in (await self.end_offsets(topics)).items() if end > 0}
        records: list[ConsumerRecord[bytes, bytes]] = []
        if not ends:
            return records
        self.reader.assign(list(ends))
        await self.reader.seek_to_beginning(*ends)
        pending = dict(ends)
        while pending:
            batches = await self.reader.getmany(timeout_ms=1000, max_records=10_000)
            for tp, batch in batches.items():
                records.extend(record for record in batch if record.offset < ends[tp])
            for tp in list(pending):
                if await self.reader.position(tp) >= pending[tp]:
                    del pending[tp]
            await asyncio.sleep(0)
        return records
