"""Durable tables: a write is awaitable, and the store learns what the changelog holds."""

import asyncio
from types import SimpleNamespace

from aiokafka.structs import TopicPartition

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


async def test_a_stored_value_is_read_at_once_and_reaches_the_changelog_only_when_sent() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    store = fake_table()
    table = DurableTable(store, Output(app, CHANGELOG))

    later = table.store(b"inside-sales", b'{"next": 2}', partition=2)

    assert table.get(b"inside-sales") == b'{"next": 2}'
    assert app.producer.sent == []
    await (await later.send())
    await asyncio.sleep(0)
    assert app.producer.sent == [(CHANGELOG, b"inside-sales", b'{"next": 2}', 2)]
    assert store.data.persisted == {TopicPartition(CHANGELOG, 2): 0}
