"""Decoded values kept in memory: used only while the table holds the bytes they came from."""

from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from agents.plumbing.decoded import DecodedTable
from agents.plumbing.outputs import Output
from agents.plumbing.tables import DurableTable
from tests.unit.fake_producer import FakeProducer, fake_table


class Thing(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    count: int = 0


class FakeApp:
    def __init__(self) -> None:
        self.producer = FakeProducer()


class CountingThing(Thing):
    parsed: ClassVar[int] = 0

    @classmethod
    def model_validate_json(cls, *args: object, **kwargs: object) -> "CountingThing":
        cls.parsed += 1
        return super().model_validate_json(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _reset_count() -> None:
    CountingThing.parsed = 0


def decoded_table(capacity: int = 10) -> tuple[DecodedTable[CountingThing], Any, FakeApp]:
    app, store = FakeApp(), fake_table()
    table = DurableTable(store, Output(app, "things-changelog"))
    return DecodedTable(table, CountingThing, capacity), store, app


async def test_a_written_value_is_read_back_without_parsing() -> None:
    things, store, app = decoded_table()

    await things.put(b"k", CountingThing(name="a", count=1), partition=3)

    assert things.get(b"k") == CountingThing(name="a", count=1)
    assert CountingThing.parsed == 0
    assert store.data[b"k"] == b'{"name":"a","count":1}'
    [(topic, key, value, partition)] = app.producer.sent
    assert (topic, key, value, partition) == ("things-changelog", b"k", store.data[b"k"], 3)


async def test_a_value_the_table_holds_but_memory_does_not_is_parsed_once() -> None:
    things, store, _ = decoded_table()
    store.data[b"k"] = b'{"name":"recovered","count":7}'

    first, second = things.get(b"k"), things.get(b"k")

    assert first == second == CountingThing(name="recovered", count=7)
    assert CountingThing.parsed == 1


async def test_bytes_replaced_behind_its_back_are_parsed_again() -> None:
    things, store, _ = decoded_table()
    await things.put(b"k", CountingThing(name="old"), partition=0)

    store.data[b"k"] = b'{"name":"new","count":2}'  # a recovery or another writer

    assert things.get(b"k") == CountingThing(name="new", count=2)


async def test_a_deleted_key_reads_as_missing() -> None:
    things, store, _ = decoded_table()
    await things.put(b"k", CountingThing(name="gone"), partition=0)

    del store.data[b"k"]  # the expiry sweep

    assert things.get(b"k") is None
    assert len(things) == 0


async def test_at_most_capacity_values_stay_decoded_the_least_recently_used_leave() -> None:
    things, _, _ = decoded_table(capacity=2)
    for name in ("a", "b"):
        await things.put(name.encode(), CountingThing(name=name), partition=0)
    things.get(b"a")  # b is now the least recently used

    await things.put(b"c", CountingThing(name="c"), partition=0)

    assert len(things) == 2
    assert things.get(b"a") == CountingThing(name="a")
    assert CountingThing.parsed == 0
    assert things.get(b"b") == CountingThing(name="b")
    assert CountingThing.parsed == 1


async def test_capacity_zero_parses_every_read() -> None:
    things, _, _ = decoded_table(capacity=0)
    await things.put(b"k", CountingThing(name="a"), partition=0)

    things.get(b"k")
    things.get(b"k")

    assert CountingThing.parsed == 2
    assert len(things) == 0
