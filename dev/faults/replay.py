"""The replay scenario: what an operator does after an incident, `kafka-consumer-groups
--reset-offsets --to-earliest --all-topics`. The feed runs to its end and the pipeline goes quiet;
the worker is stopped, the group's committed offsets are set back to the beginning of every topic
it reads, and the worker starts again. It reads every record once more, over tables that already
hold their effects: no lead may end another way, go to another rep, or be assigned again."""

import asyncio
import signal
import time

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from agents.plumbing.topics import TopicNames
from bench.topics import TopicProbe
from dev.faults.quiet import source_topics, wait_quiet
from dev.faults.runs import Fault

EMPTY_TIMEOUT = 120.0


async def replay_fault(fault: Fault) -> None:
    spec, run = fault.spec, fault.run
    names = TopicNames(spec.prefix)
    bootstrap = fault.harness.bootstrap
    await fault.feed.finished()
    quiet = await wait_quiet(
        bootstrap, spec.app_id, names, idle=spec.quiet_idle, timeout=spec.quiet_timeout,
        crashes=lambda: len(fault.supervisor.unplanned),
    )  # fmt: skip
    run.notes.append(f"quiet before the replay: {quiet}")
    await fault.supervisor.signal_and_hold(signal.SIGTERM)
    # A static member stays in the group until its session ends; offsets are set only in an
    # empty group (as the Kafka tool requires too).
    deadline = time.monotonic() + EMPTY_TIMEOUT
    async with TopicProbe(bootstrap) as probe:
        while (state := (await probe.group_state(spec.app_id))[0]) != "Empty":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the group stayed {state}: its offsets cannot be reset")
            await asyncio.sleep(1.0)
    async with TopicProbe(bootstrap) as probe:
        partitions = [tp for topic in source_topics(names) for tp in await probe.partitions(topic)]
    rewound = await reset_to_earliest(bootstrap, spec.app_id, partitions)
    run.notes.append(f"offsets reset to the beginning: {rewound:,} records to read again")
    run.resume_points.append(await fault.supervisor.release())


async def reset_to_earliest(bootstrap: str, group: str, partitions: list[TopicPartition]) -> int:
    """Commit the beginning of each partition as `group`'s offset (the group must be empty);
    how many records that puts back before the group."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        starts = await consumer.beginning_offsets(partitions)
        committed = {tp: await consumer.committed(tp) for tp in partitions}
        await consumer.commit({tp: OffsetAndMetadata(starts[tp], "") for tp in partitions})
        return sum((committed[tp] or starts[tp]) - starts[tp] for tp in partitions)
    finally:
        await consumer.stop()
