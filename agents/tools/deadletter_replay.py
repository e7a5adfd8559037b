"""`leadrouter deadletters replay`: re-publish dead-lettered records to the topics they came from.

The dead-letter topic is read from the beginning up to the end offsets seen at start, so records
dead-lettered again while the replay runs (a fix that did not fix) are not replayed in a loop.
Replaying is safe to repeat: intake de-duplicates lead events by event id per lead (the last
`LEADROUTER_LIMITS__DEDUPE_WINDOW` ids), so a second replay only adds duplicates downstream.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.plumbing.credentials import client_options
from agents.plumbing.settings import Settings
from agents.plumbing.topics import DEAD_LETTER, INPUT_TOPICS, TopicNames
from service.deadletter_replay import (
    Replay,
    ReplayFilter,
    ReplayTally,
    Skipped,
    plan_replay,
    read_dead_letter,
)

_BATCH = 500


class ReplayError(Exception):
    """The replay cannot run (no dead-letter topic) or Kafka refused a record."""


async def replay_dead_letters(
    settings: Settings,
    selection: ReplayFilter,
    *,
    dry_run: bool = False,
    out: Console | None = None,
    progress_console: Console | None = None,
) -> ReplayTally:
    """Replay the selected dead letters (or, with `dry_run`, print what would be sent)."""
    out = out or Console(highlight=False, soft_wrap=True)
    names = TopicNames(settings.topics.prefix)
    dead_letter_topic = names.name(DEAD_LETTER)
    input_topics = frozenset(names.name(base) for base in INPUT_TOPICS)
    options = client_options(settings.kafka)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka.hosts,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **options,
    )
    producer = None
    if not dry_run:
        # Idempotent and acks=all: a retried send is not written twice, and order per key holds.
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka.hosts, acks="all", enable_idempotence=True, **options
        )
    tally = ReplayTally()
    planner = _Planner(tally, selection, input_topics, dead_letter_topic)
    async with _started(consumer, producer):
        ends = await _end_offsets(consumer, dead_letter_topic)
        total = sum(end - start for start, end in ends.values())
        with _progress(progress_console, total) as advance:
            async for records in _read_until(consumer, ends):
                replays = [replay for record in records if (replay := planner.plan(record.value))]
                if producer is None:
                    for replay in replays:
                        out.print(_describe(replay))
                else:
                    await _send(producer, replays)
                for replay in replays:
                    tally.sent_by_topic[replay.topic] += 1
                tally.sent += len(replays)
                advance(len(records))
    return tally


@dataclass(frozen=True, slots=True)
class _Planner:
    """Decides each record of the dead-letter topic, counting every outcome in the tally."""

    tally: ReplayTally
    selection: ReplayFilter
    input_topics: frozenset[str]
    dead_letter_topic: str

    def plan(self, raw: bytes | None) -> Replay | None:
        tally = self.tally
        tally.read += 1
        letter = read_dead_letter(raw)
        if letter is None:
            tally.skipped["unreadable"] += 1
            return None
        if not self.selection.matches(letter):
            tally.not_selected += 1
            return None
        planned = plan_replay(
            letter, input_topics=self.input_topics, dead_letter_topic=self.dead_letter_topic
        )
        if isinstance(planned, Skipped):
            tally.skipped[planned.reason] += 1
            return None
        if tally.is_repeat(planned):
            tally.skipped["already_sent"] += 1
            return None
        return planned


async def _send(producer: AIOKafkaProducer, replays: list[Replay]) -> None:
    futures = [
        await producer.send(
            replay.topic, value=replay.value, key=replay.key, headers=list(replay.headers)
        )
        for replay in replays
    ]
    # Counted as sent only once Kafka acknowledged every record of the batch.
    await asyncio.gather(*futures)


def _describe(replay: Replay) -> str:
    letter = replay.letter
    key = "null" if replay.key is None else repr(replay.key[:40])
    return (
        f"would send to {replay.topic}: key {key}, {len(replay.value)} value bytes, "
        f"{len(replay.headers)} header(s); dead-lettered {letter.reason} at "
        f"{letter.failed_at.isoformat()} from partition {letter.source_partition} "
        f"offset {letter.source_offset}"
    )


async def _end_offsets(
    consumer: AIOKafkaConsumer, topic: str
) -> dict[TopicPartition, tuple[int, int]]:
    """(first, end) offset per partition of the dead-letter topic, as seen now."""
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        await consumer._client.force_metadata_update()
        partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise ReplayError(f"the dead-letter topic {topic} does not exist")
    tps = [TopicPartition(topic, partition) for partition in sorted(partitions)]
    consumer.assign(tps)
    starts = await consumer.beginning_offsets(tps)
    ends = await consumer.end_offsets(tps)
    await consumer.seek_to_beginning(*tps)
    return {tp: (starts[tp], ends[tp]) for tp in tps}


async def _read_until(
    consumer: AIOKafkaConsumer, ends: dict[TopicPartition, tuple[int, int]]
) -> AsyncIterator[list[Any]]:
    """Batches of records, in offset order per partition, up to the end offsets given."""
    pending = {tp: end for tp, (start, end) in ends.items() if end > start}
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=500, max_records=_BATCH)
        for tp, records in batches.items():
            wanted = [record for record in records if record.offset < ends[tp][1]]
            if wanted:
                yield wanted
        for tp in list(pending):
            if await consumer.position(tp) >= pending[tp]:
                del pending[tp]
                consumer.pause(tp)


@contextlib.asynccontextmanager
async def _started(consumer: AIOKafkaConsumer, producer: AIOKafkaProducer | None) -> Any:
    await consumer.start()
    try:
        if producer is not None:
            await producer.start()
        try:
            yield
        finally:
            if producer is not None:
                await producer.stop()
    finally:
        await consumer.stop()


@contextlib.contextmanager
def _progress(console: Console | None, total: int) -> Iterator[Any]:
    """A progress bar over the dead letters read (on stderr unless told otherwise)."""
    bar = Progress(
        TextColumn("replaying dead letters"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
    )
    task = bar.add_task("replay", total=total)
    with bar:
        yield lambda count: bar.advance(task, count)
