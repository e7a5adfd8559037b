"""Faust's pauses and resumes of changelog partitions reach aiokafka's consumer, on its thread's
loop, after Faust's own bookkeeping; input partitions stay Faust's alone."""

import asyncio
from collections.abc import Iterator

import pytest
from aiokafka.structs import TopicPartition
from faust.transport.consumer import ThreadDelegateConsumer
from faust.types import TP

from agents.plumbing import paused_fetch

CHANGELOG = TP("app-profiles-changelog", 1)
INPUT = TP("leads.events.v1", 1)


class FakeAiokafka:
    """What the mirror uses of an aiokafka consumer; the loop it runs on records calls."""

    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned = assigned
        self.calls: list[tuple[str, set[TopicPartition]]] = []
        self._fetcher = type("Fetcher", (), {})()
        self._fetcher._records = {TopicPartition(*CHANGELOG): "fetched", TopicPartition(*INPUT): 1}

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    def pause(self, *tps: TopicPartition) -> None:
        self.calls.append(("pause", set(tps)))

    def resume(self, *tps: TopicPartition) -> None:
        self.calls.append(("resume", set(tps)))


class Thread:
    def __init__(self, consumer: FakeAiokafka | None, loop: asyncio.AbstractEventLoop) -> None:
        self._consumer = consumer
        self.thread_loop = loop


class Delegate:
    """The parts of Faust's `ThreadDelegateConsumer` its pause and resume touch."""

    def __init__(self, thread: Thread) -> None:
        self._thread = thread
        self._active_partitions: set[TP] | None = {CHANGELOG, INPUT}
        self._paused_partitions: set[TP] = set()

    def _get_active_partitions(self) -> set[TP]:
        assert self._active_partitions is not None
        return self._active_partitions

    def _is_changelog_tp(self, tp: TP) -> bool:
        return tp.topic.endswith("-changelog")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def run_pending(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_until_complete(asyncio.sleep(0))


def test_a_pause_of_a_changelog_partition_reaches_aiokafka_on_the_consumer_loop(
    loop: asyncio.AbstractEventLoop,
) -> None:
    paused_fetch.install()
    consumer = FakeAiokafka({TopicPartition(*CHANGELOG), TopicPartition(*INPUT)})
    delegate = Delegate(Thread(consumer, loop))

    ThreadDelegateConsumer.pause_partitions(delegate, iter([CHANGELOG, INPUT]))  # type: ignore[arg-type]
    assert consumer.calls == []  # not from the caller's thread
    run_pending(loop)

    assert delegate._paused_partitions == {CHANGELOG, INPUT}  # Faust's own, as before
    assert consumer.calls == [("pause", {TopicPartition(*CHANGELOG)})]
    assert TopicPartition(*CHANGELOG) not in consumer._fetcher._records
    assert TopicPartition(*INPUT) in consumer._fetcher._records


def test_a_resume_follows_the_pause_in_the_order_faust_asked(
    loop: asyncio.AbstractEventLoop,
) -> None:
    paused_fetch.install()
    consumer = FakeAiokafka({TopicPartition(*CHANGELOG)})
    delegate = Delegate(Thread(consumer, loop))

    ThreadDelegateConsumer.pause_partitions(delegate, [CHANGELOG])  # type: ignore[arg-type]
    ThreadDelegateConsumer.resume_partitions(delegate, [CHANGELOG])  # type: ignore[arg-type]
    run_pending(loop)

    assert delegate._paused_partitions == set()
    assert CHANGELOG in delegate._get_active_partitions()
    assert consumer.calls == [
        ("pause", {TopicPartition(*CHANGELOG)}),
        ("resume", {TopicPartition(*CHANGELOG)}),
    ]


def test_partitions_no_longer_assigned_when_the_loop_gets_to_them_are_left_alone(
    loop: asyncio.AbstractEventLoop,
) -> None:
    paused_fetch.install()
    consumer = FakeAiokafka(set())
    delegate = Delegate(Thread(consumer, loop))

    ThreadDelegateConsumer.pause_partitions(delegate, [CHANGELOG])  # type: ignore[arg-type]
    run_pending(loop)

    assert consumer.calls == []


@pytest.mark.parametrize("started", [False, True], ids=["not started", "loop closed"])
def test_nothing_is_mirrored_without_a_running_consumer(
    started: bool, loop: asyncio.AbstractEventLoop
) -> None:
    paused_fetch.install()
    consumer = FakeAiokafka({TopicPartition(*CHANGELOG)})
    delegate = Delegate(Thread(consumer if started else None, loop))
    loop.close()

    ThreadDelegateConsumer.pause_partitions(delegate, [CHANGELOG])  # type: ignore[arg-type]

    assert delegate._paused_partitions == {CHANGELOG}
    assert consumer.calls == []


class ClosingLoop(asyncio.SelectorEventLoop):
    """Open when asked, closed by the time the mirror is handed to it (the consumer stopping
    in between, on its own thread)."""

    def call_soon_threadsafe(self, *args: object, **kwargs: object) -> asyncio.Handle:
        self.close()
        return super().call_soon_threadsafe(*args, **kwargs)  # type: ignore[arg-type]


def test_a_consumer_loop_that_closes_meanwhile_is_not_an_error() -> None:
    paused_fetch.install()
    consumer = FakeAiokafka({TopicPartition(*CHANGELOG)})
    loop = ClosingLoop()
    delegate = Delegate(Thread(consumer, loop))

    ThreadDelegateConsumer.pause_partitions(delegate, [CHANGELOG])  # type: ignore[arg-type]

    assert loop.is_closed()
    assert delegate._paused_partitions == {CHANGELOG}
    assert consumer.calls == []


def test_installing_twice_patches_once() -> None:
    paused_fetch.install()
    pause = ThreadDelegateConsumer.pause_partitions

    paused_fetch.install()

    assert ThreadDelegateConsumer.pause_partitions is pause
