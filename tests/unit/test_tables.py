"""Durable tables: a write is awaitable, and the store learns what the changelog holds."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.structs import TopicPartition

from agents.plumbing import outputs, tables
from agents.plumbing.delivery import CURRENT_TRACK, DeliveryGuard, Partition
from agents.plumbing.outputs import Output
from agents.plumbing.tables import DurableTable
from tests.unit.fake_producer import FakeProducer, fake_table

CHANGELOG = "leadrouter-lead-profiles-changelog"


async def test_a_write_is_stored_at_once_and_sent_to_the_changelog_partition_of_its_event() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    table = DurableTable(fake_table(), Output(app, CHANGELOG))

    await table.put(b"email:a@x.com", b"{}", partition=3)

    assert table.get(b"email:a@x.com") == b"{}"
    assert app.producer.sent == [(CHANGELOG, b"email:a@x.com", b"{}", 3)]


async def test_once_acknowledged_the_store_knows_the_changelog_offset_it_holds() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    store = fake_table()
    table = DurableTable(store, Output(app, CHANGELOG))

    for n in range(3):
        await (await table.put(b"k%d" % n, b"v", partition=1))
    await asyncio.sleep(0)  # acknowledgement callbacks run on the next loop turn

    assert store.data.persisted == {TopicPartition(CHANGELOG, 1): 2}


async def test_a_delete_is_a_tombstone_and_leaves_the_store() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    table = DurableTable(fake_table({b"k": b"v"}), Output(app, CHANGELOG))

    await table.put(b"k", None, partition=0)

    assert table.get(b"k") is None
    assert app.producer.sent == [(CHANGELOG, b"k", None, 0)]


async def test_a_write_after_another_reaches_the_changelog_only_once_that_one_is_acknowledged() -> (
    None
):
    app = SimpleNamespace(producer=FakeProducer())
    table = DurableTable(fake_table(), Output(app, CHANGELOG))
    outbox_entry: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    written = await table.put(b"k", b"profile", partition=2, after=outbox_entry)
    await asyncio.sleep(0)

    assert table.get(b"k") == b"profile"  # the local store has it at once
    assert app.producer.sent == []
    outbox_entry.set_result(None)
    metadata = await written
    assert app.producer.sent == [(CHANGELOG, b"k", b"profile", 2)]
    assert metadata.offset == 0


async def test_writes_behind_a_waiting_one_keep_their_order_in_the_changelog() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    table = DurableTable(fake_table(), Output(app, CHANGELOG))
    first: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    await table.put(b"k", b"v1", partition=0, after=first)
    last = await table.put(b"k", b"v2", partition=0)
    await asyncio.sleep(0)

    assert app.producer.sent == []
    first.set_result(None)
    await last
    assert [value for _, _, value, _ in app.producer.sent] == [b"v1", b"v2"]
    assert table.get(b"k") == b"v2"


async def test_a_write_whose_predecessor_failed_stops_the_worker_uncommitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exits: list[str] = []
    monkeypatch.setattr(tables, "exit_without_commit", lambda message, _: exits.append(message))
    app = SimpleNamespace(producer=FakeProducer())
    table = DurableTable(fake_table(), Output(app, CHANGELOG))
    refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    written = await table.put(b"k", b"v", partition=0, after=refused)
    refused.set_exception(RuntimeError("Kafka refused the outbox entry"))
    with pytest.raises(RuntimeError, match="did not go out"):
        await written

    assert app.producer.sent == []
    assert exits == ["a table write that waited could not be sent"]


class RefusingProducer(FakeProducer):
    """A producer whose records Kafka refuses once they are queued."""

    async def send(self, *record: Any) -> "asyncio.Future[Any]":
        await super().send(*record)
        refused: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        refused.set_exception(RuntimeError("Kafka refused the profile"))
        return refused


async def test_a_waiting_write_that_kafka_refuses_fails_and_stops_the_worker_uncommitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exits: list[str] = []
    monkeypatch.setattr(outputs, "exit_without_commit", lambda message, _: exits.append(message))
    app = SimpleNamespace(producer=RefusingProducer())
    table = DurableTable(fake_table(), Output(app, CHANGELOG))
    outbox_entry: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    written = await table.put(b"k", b"profile", partition=0, after=outbox_entry)
    outbox_entry.set_result(None)
    with pytest.raises(RuntimeError, match="refused the profile"):
        await written

    assert [value for _, _, value, _ in app.producer.sent] == [b"profile"]
    assert exits == ["Kafka refused a record"]


async def test_the_event_is_committable_only_once_its_waiting_write_is_acknowledged() -> None:
    topic = Partition("leadrouter.leads.keyed.v1", 0)
    guard = DeliveryGuard(lambda tp, offset: asyncio.sleep(0, offset), lambda *_: None)
    guard.assigned({topic: 0})
    app = SimpleNamespace(producer=FakeProducer())
    table = DurableTable(fake_table(), Output(app, CHANGELOG))
    outbox_entry: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    track = await guard.begin(topic, 0)
    assert track is not None

    token = CURRENT_TRACK.set(track)
    written = await table.put(b"k", b"profile", partition=0, after=outbox_entry)
    CURRENT_TRACK.reset(token)
    track.finish()
    await asyncio.sleep(0)

    assert guard.committable(topic) == 0
    outbox_entry.set_result(None)
    await written
    await asyncio.sleep(0)
    assert guard.committable(topic) == 1
