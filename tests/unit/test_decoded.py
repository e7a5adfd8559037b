"""Decoded states: written with the event's outbox entry in one record, and parsed only when
the table holds bytes they did not come from."""

from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from agents.plumbing.decoded import DecodedStates
from agents.plumbing.outbox import Outbox, Send, state_of
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


def decoded_states(
    capacity: int = 10, legacy: dict[bytes, bytes] | None = None
) -> tuple[DecodedStates[CountingThing], Any, FakeApp, Output]:
    app, store = FakeApp(), fake_table()
    nurture = Output(app, "leads.nurture.v1")
    table = DurableTable(store, Output(app, "things-changelog"))
    entries = DurableTable(fake_table(legacy), Output(app, "outbox-changelog"))
    outbox = Outbox(table, {nurture.name: nurture}, capacity, legacy=entries)
    return DecodedStates(table, outbox, CountingThing, capacity), store, app, nurture


async def put(states: DecodedStates[CountingThing], key: bytes, thing: CountingThing) -> None:
    await states.record(key, 1, [], partition=0, floor=0, state=thing)


async def test_a_state_and_the_events_sends_are_one_record_read_back_without_parsing() -> None:
    things, store, app, nurture = decoded_states()
    sends = [Send(nurture, b"k", b"nurture me")]

    await things.record(b"k", 5, sends, partition=3, floor=0, state=CountingThing(name="a"))

    assert things.get(b"k") == CountingThing(name="a")
    assert things.recorded(b"k", 5) == sends
    assert CountingThing.parsed == 0
    assert state_of(store.data[b"k"]) == b'{"name":"a","count":0}'
    [(topic, key, value, partition)] = app.producer.sent
    assert (topic, key, value, partition) == ("things-changelog", b"k", store.data[b"k"], 3)


async def test_a_record_without_a_state_keeps_the_one_the_key_has() -> None:
    things, _, _, nurture = decoded_states()
    await put(things, b"k", CountingThing(name="kept"))

    await things.record(b"k", 2, [Send(nurture, b"k", b"again")], partition=0, floor=0)

    assert things.get(b"k") == CountingThing(name="kept")
    assert things.recorded(b"k", 2) == [Send(nurture, b"k", b"again")]


async def test_a_recovered_value_is_parsed_once() -> None:
    before_the_restart, store, _, _ = decoded_states()
    await put(before_the_restart, b"k", CountingThing(name="recovered", count=7))
    things, recovered, _, _ = decoded_states()
    recovered.data.update(store.data)

    first, second = things.get(b"k"), things.get(b"k")

    assert first == second == CountingThing(name="recovered", count=7)
    assert CountingThing.parsed == 1


async def test_a_state_written_alone_before_is_read_with_its_entries_in_the_old_table() -> None:
    old_entries = b'[[4, [["leads.nurture.v1", "k", "{\\"n\\":4}"]]]]'
    things, store, _, nurture = decoded_states(legacy={b"k": old_entries})
    store.data[b"k"] = b'{"name":"before","count":3}'

    assert things.get(b"k") == CountingThing(name="before", count=3)
    assert things.recorded(b"k", 4) == [Send(nurture, b"k", b'{"n":4}')]

    await things.record(b"k", 9, [Send(nurture, b"k", b"v")], partition=0, floor=0)

    assert state_of(store.data[b"k"]) == b'{"name":"before","count":3}'
    assert things.recorded(b"k", 4) == [Send(nurture, b"k", b'{"n":4}')]
    assert things.recorded(b"k", 9) == [Send(nurture, b"k", b"v")]


async def test_bytes_replaced_behind_its_back_are_parsed_again() -> None:
    things, store, _, _ = decoded_states()
    await put(things, b"k", CountingThing(name="old"))

    store.data[b"k"] = b'{"name":"new","count":2}'  # another writer

    assert things.get(b"k") == CountingThing(name="new", count=2)


async def test_a_deleted_key_reads_as_missing() -> None:
    things, store, _, _ = decoded_states()
    await put(things, b"k", CountingThing(name="gone"))

    del store.data[b"k"]  # the expiry sweep

    assert things.get(b"k") is None
    assert things.recorded(b"k", 1) is None
    assert len(things) == 0


async def test_at_most_capacity_states_stay_decoded_the_least_recently_used_leave() -> None:
    things, _, _, _ = decoded_states(capacity=2)
    for name in ("a", "b"):
        await put(things, name.encode(), CountingThing(name=name))
    things.get(b"a")  # b is now the least recently used

    await put(things, b"c", CountingThing(name="c"))

    assert len(things) == 2
    assert things.get(b"a") == CountingThing(name="a")
    assert CountingThing.parsed == 0
    assert things.get(b"b") == CountingThing(name="b")
    assert CountingThing.parsed == 1


async def test_capacity_zero_parses_every_read() -> None:
    things, _, _, _ = decoded_states(capacity=0)
    await put(things, b"k", CountingThing(name="a"))

    things.get(b"k")
    things.get(b"k")

    assert CountingThing.parsed == 2
    assert len(things) == 0
