"""The send queue: a stage's sends wait for its durable writes; the stage does not."""

import asyncio
from typing import Any

import pytest

from agents.plumbing import pipelined
from agents.plumbing.delivery import CURRENT_TRACK, DeliveryGuard, Partition
from agents.plumbing.outputs import Output, Send
from agents.plumbing.pipelined import SendQueue

TP = Partition("leadrouter-leads-keyed", 0)


class HeldProducer:
    """A producer whose acknowledgements the test gives, one record at a time."""

    def __init__(self) -> None:
        self.sent: list[bytes | None] = []
        self.partitions: list[int | None] = []
        self.acks: list[asyncio.Future[Any]] = []

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *_: Any
    ) -> "asyncio.Future[Any]":
        self.sent.append(value)
        self.partitions.append(partition)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.acks.append(future)
        return future

    def acknowledge_all(self) -> None:
        for ack in self.acks:
            if not ack.done():
                ack.set_result(None)


class App:
    def __init__(self) -> None:
        self.producer = HeldProducer()


@pytest.fixture
def app() -> App:
    return App()


def sends(app: App, *values: bytes) -> list[Send]:
    output = Output(app, "leads.nurture.v1")
    return [Send(output, b"k", value) for value in values]


def write() -> "asyncio.Future[Any]":
    """A durable write Kafka has not acknowledged yet."""
    return asyncio.get_running_loop().create_future()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_sends_go_out_only_once_their_durable_writes_are_acknowledged(app: App) -> None:
    queue = SendQueue(limit=10)
    profile, outbox = write(), write()

    await queue.after((profile, outbox), sends(app, b"routed"))
    profile.set_result(None)
    await settle()
    assert app.producer.sent == []

    outbox.set_result(None)
    await settle()
    assert app.producer.sent == [b"routed"]


async def test_sends_keep_the_order_they_were_queued_in_even_when_later_writes_land_first(
    app: App,
) -> None:
    queue = SendQueue(limit=10)
    first, second = write(), write()
    await queue.after([first], sends(app, b"first"))
    await queue.after([second], sends(app, b"second"))
    await queue.after((), sends(app, b"third"))

    second.set_result(None)
    await settle()
    assert app.producer.sent == []
    first.set_result(None)
    await settle()
    assert app.producer.sent == [b"first", b"second", b"third"]


async def test_with_nothing_to_wait_for_the_sends_go_out_before_the_call_returns(
    app: App,
) -> None:
    queue = SendQueue(limit=10)
    done = write()
    done.set_result(None)

    await queue.after([done], sends(app, b"a", b"b"))

    assert app.producer.sent == [b"a", b"b"]
    assert len(queue) == 0


async def test_the_event_is_committable_only_once_its_queued_sends_are_acknowledged(
    app: App,
) -> None:
    guard = DeliveryGuard(lambda tp, offset: asyncio.sleep(0, offset), lambda *_: None)
    guard.assigned({TP: 0})
    queue = SendQueue(limit=10)
    track = await guard.begin(TP, 0)
    assert track is not None
    profile = write()
    token = CURRENT_TRACK.set(track)
    await queue.after([profile], sends(app, b"routed"))
    CURRENT_TRACK.reset(token)
    track.finish()  # the stage is done with the event and goes on

    await settle()
    assert guard.committable(TP) == 0
    profile.set_result(None)
    await settle()
    assert app.producer.sent == [b"routed"]
    assert guard.committable(TP) == 0
    app.producer.acknowledge_all()
    await settle()
    assert guard.committable(TP) == 1


async def test_a_stage_that_runs_ahead_of_its_acknowledgements_waits_at_the_limit(
    app: App,
) -> None:
    queue = SendQueue(limit=2)
    writes = [write() for _ in range(3)]
    await queue.after([writes[0]], sends(app, b"0"))
    await queue.after([writes[1]], sends(app, b"1"))

    third = asyncio.ensure_future(queue.after([writes[2]], sends(app, b"2")))
    await settle()
    assert not third.done()
    writes[0].set_result(None)
    await settle()
    assert third.done()
    assert len(queue) == 2


async def test_after_a_failed_write_nothing_queued_goes_out_and_the_worker_exits(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    exits: list[str] = []
    monkeypatch.setattr(pipelined, "exit_without_commit", lambda message, _: exits.append(message))
    queue = SendQueue(limit=10)
    refused, later = write(), write()
    later.set_result(None)
    await queue.after([refused], sends(app, b"lost-if-sent"))
    await queue.after([later], sends(app, b"after-it"))

    refused.set_exception(RuntimeError("Kafka refused the profile"))
    await settle()

    assert app.producer.sent == []
    assert exits == ["a queued send failed"]
    assert len(queue) == 0


async def test_a_cancelled_queue_leaves_its_events_uncommitted_without_stopping_the_worker(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    exits: list[str] = []
    monkeypatch.setattr(pipelined, "exit_without_commit", lambda message, _: exits.append(message))
    guard = DeliveryGuard(lambda tp, offset: asyncio.sleep(0, offset), lambda *_: None)
    guard.assigned({TP: 0})
    queue = SendQueue(limit=10)
    track = await guard.begin(TP, 0)
    assert track is not None
    token = CURRENT_TRACK.set(track)
    await queue.after([write()], sends(app, b"routed"))
    CURRENT_TRACK.reset(token)
    track.finish()
    await settle()

    drainer = queue._drainer
    assert drainer is not None
    drainer.cancel()  # the loop stopping under it, as at the end of a stop
    await settle()

    assert app.producer.sent == []
    assert exits == []
    assert len(queue) == 0
    assert guard.committable(TP) == 0


def test_a_queue_must_hold_at_least_one_event() -> None:
    with pytest.raises(ValueError, match="at least one"):
        SendQueue(limit=0)


async def test_drained_returns_once_every_queued_send_was_handed_to_the_producer(
    app: App,
) -> None:
    queue = SendQueue(limit=10)
    first, second = write(), write()
    await queue.after((first,), sends(app, b"a"))
    await queue.after((second,), sends(app, b"b"))
    drained = asyncio.create_task(queue.drained())

    first.set_result(None)
    await settle()
    assert not drained.done()

    second.set_result(None)
    await settle()
    assert drained.done()
    assert app.producer.sent == [b"a", b"b"]


async def test_a_waiter_given_up_on_drained_leaves_the_queued_sends_alone(app: App) -> None:
    queue = SendQueue(limit=10)
    durable = write()
    await queue.after((durable,), sends(app, b"routed"))
    waiter = asyncio.create_task(queue.drained())
    await settle()

    waiter.cancel()
    await settle()
    durable.set_result(None)
    await settle()

    assert app.producer.sent == [b"routed"]
    await asyncio.wait_for(queue.drained(), 1.0)  # nothing left: returns at once


async def test_a_send_goes_to_its_own_partition_and_runs_its_callback_once_acknowledged(
    app: App,
) -> None:
    queue = SendQueue(limit=10)
    acknowledged: list[Any] = []
    output = Output(app, "leadrouter-queue-states-changelog")
    durable = write()
    await queue.after((durable,), [Send(output, b"q", b"v", 3, acknowledged.append)])
    durable.set_result(None)
    await settle()

    app.producer.acknowledge_all()
    await settle()
    assert app.producer.partitions == [3]
    assert acknowledged == [None]
