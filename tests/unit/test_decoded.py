"""Decoded states: written with the event's outbox entry in one record, and parsed only when
the table holds bytes they did not come from."""

from typing import ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from agents.plumbing.decoded import DecodedStates
from agents.plumbing.outbox import Outbox, state_of
from agents.plumbing.outputs import Output, Send
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


class Things:
    """Things written with their outbox entries, as the profile stage writes profiles."""

    def __init__(self, capacity: int = 10, legacy: dict[bytes, bytes] | None = None) -> None:
        self.app, self.store = FakeApp(), fake_table()
        self.nurture = Output(self.app, "leads.nurture.v1")
        table = DurableTable(self.store, Output(self.app, "things-changelog"))
        entries = DurableTable(fake_table(legacy), Output(self.app, "outbox-changelog"))
        outputs = {self.nurture.name: self.nurture}
        self.outbox = Outbox(table, outputs, capacity, legacy=entries)
        self.states: DecodedStates[CountingThing] = DecodedStates(table, CountingThing, capacity)

    async def record(
        self, key: bytes, offset: int, sends: list[Send], thing: CountingThing | None = None
    ) -> None:
        state = None if thing is None else thing.model_dump_json().encode()
        await self.outbox.record(key, offset, sends, partition=3, floor=0, state=state)
        if thing is not None:
            self.states.written(key, thing)

    async def put(self, key: bytes, thing: CountingThing) -> None:
        await self.record(key, 1, [], thing)


async def test_a_state_and_the_events_sends_are_one_record_read_back_without_parsing() -> None:
    things = Things()
    sends = [Send(things.nurture, b"k", b"nurture me")]

    await things.record(b"k", 5, sends, CountingThing(name="a"))

    assert things.states.get(b"k") == CountingThing(name="a")
    assert things.outbox.recorded(b"k", 5) == sends
    assert CountingThing.parsed == 0
    assert state_of(things.store.data[b"k"]) == b'{"name":"a","count":0}'
    [(topic, key, value, partition)] = things.app.producer.sent
    assert (topic, key, value, partition) == ("things-changelog", b"k", things.store.data[b"k"], 3)


async def test_a_record_without_a_state_keeps_the_one_the_key_has() -> None:
    things = Things()
    await things.put(b"k", CountingThing(name="kept"))

    await things.record(b"k", 2, [Send(things.nurture, b"k", b"again")])

    assert things.states.get(b"k") == CountingThing(name="kept")
    assert things.outbox.recorded(b"k", 2) == [Send(things.nurture, b"k", b"again")]


async def test_a_recovered_value_is_parsed_once() -> None:
    before_the_restart = Things()
    await before_the_restart.put(b"k", CountingThing(name="recovered", count=7))
    things = Things()
    things.store.data.update(before_the_restart.store.data)

    first, second = things.states.get(b"k"), things.states.get(b"k")

    assert first == second == CountingThing(name="recovered", count=7)
    assert CountingThing.parsed == 1


async def test_a_state_written_alone_before_is_read_with_its_entries_in_the_old_table() -> None:
    old_entries = b'[[4, [["leads.nurture.v1", "k", "{\\"n\\":4}"]]]]'
    things = Things(legacy={b"k": old_entries})
    things.store.data[b"k"] = b'{"name":"before","count":3}'
    nurture = things.nurture

    assert things.states.get(b"k") == CountingThing(name="before", count=3)
    assert things.outbox.recorded(b"k", 4) == [Send(nurture, b"k", b'{"n":4}')]

    await things.record(b"k", 9, [Send(nurture, b"k", b"v")])

    assert state_of(things.store.data[b"k"]) == b'{"name":"before","count":3}'
    assert things.outbox.recorded(b"k", 4) == [Send(nurture, b"k", b'{"n":4}')]
    assert things.outbox.recorded(b"k", 9) == [Send(nurture, b"k", b"v")]


async def test_bytes_replaced_behind_its_back_are_parsed_again() -> None:
    things = Things()
    await things.put(b"k", CountingThing(name="old"))

    things.store.data[b"k"] = b'{"name":"new","count":2}'  # another writer

    assert things.states.get(b"k") == CountingThing(name="new", count=2)


async def test_a_deleted_key_reads_as_missing() -> None:
    things = Things()
    await things.put(b"k", CountingThing(name="gone"))

    del things.store.data[b"k"]  # the expiry sweep

    assert things.states.get(b"k") is None
    assert things.outbox.recorded(b"k", 1) is None
    assert len(things.states) == 0


async def test_at_most_capacity_states_stay_decoded_the_least_recently_used_leave() -> None:
    things = Things(capacity=2)
    for name in ("a", "b"):
        await things.put(name.encode(), CountingThing(name=name))
    things.states.get(b"a")  # b is now the least recently used

    await things.put(b"c", CountingThing(name="c"))

    assert len(things.states) == 2
    assert things.states.get(b"a") == CountingThing(name="a")
    assert CountingThing.parsed == 0
    assert things.states.get(b"b") == CountingThing(name="b")
    assert CountingThing.parsed == 1


async def test_capacity_zero_parses_every_read() -> None:
    things = Things(capacity=0)
    await things.put(b"k", CountingThing(name="a"))

    things.states.get(b"k")
    things.states.get(b"k")

    assert CountingThing.parsed == 2
    assert len(things.states) == 0
