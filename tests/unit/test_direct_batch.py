"""Direct events are gathered for the profile stage in batches of distinct leads, each lead's
events in their order, and handed on before a gathered lead's event is re-keyed, and when
asked."""

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace
from typing import cast

from agents.plumbing.direct import DirectEvent
from agents.plumbing.direct_batch import DirectBatch
from schemas.pipeline import KeyedLeadEvent


def direct(key: bytes, offset: int) -> DirectEvent:
    record = cast(KeyedLeadEvent, SimpleNamespace(identity=key.decode()))
    return DirectEvent(key, record, SimpleNamespace(offset=offset), None)


class Stage:
    """The profile stage's end: the batches it was handed, as input offsets."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.sizes: list[float] = []

    async def handle(self, events: Sequence[DirectEvent]) -> None:
        self.batches.append([event.message.offset for event in events])


def gathering(most: int = 100) -> tuple[DirectBatch, Stage]:
    stage = Stage()
    return DirectBatch(stage.handle, most, stage.sizes.append), stage


async def test_gathered_events_are_handed_on_together_in_their_order() -> None:
    batch, stage = gathering()
    for offset, key in enumerate((b"email:a", b"email:b", b"email:c")):
        batch.add(direct(key, offset))

    await batch.hand_on()

    assert stage.batches == [[0, 1, 2]]
    assert stage.sizes == [3]
    assert len(batch) == 0


async def test_a_leads_next_event_goes_to_the_batch_after_its_latest() -> None:
    batch, stage = gathering()
    for offset, key in enumerate((b"email:a", b"email:b", b"email:a", b"email:c", b"email:a")):
        batch.add(direct(key, offset))

    await batch.hand_on()

    assert stage.batches == [[0, 1, 3], [2], [4]]
    assert stage.sizes == [3, 1, 1]
    assert len(batch) == 0


async def test_re_keying_a_gathered_leads_event_first_hands_on_everything_gathered() -> None:
    batch, stage = gathering()
    batch.add(direct(b"email:a", 0))
    batch.add(direct(b"email:b", 1))
    batch.add(direct(b"email:a", 2))

    await batch.before(b"email:a")

    assert stage.batches == [[0, 1], [2]]
    assert len(batch) == 0


async def test_re_keying_another_leads_event_hands_nothing_on() -> None:
    batch, stage = gathering()
    batch.add(direct(b"email:a", 0))

    await batch.before(b"email:b")

    assert stage.batches == []
    assert len(batch) == 1


async def test_the_gathering_is_full_at_its_most_events_whatever_their_leads() -> None:
    batch, _ = gathering(most=2)
    batch.add(direct(b"email:a", 0))
    assert not batch.full

    batch.add(direct(b"email:a", 1))

    assert batch.full


async def test_nothing_gathered_hands_nothing_on() -> None:
    batch, stage = gathering()

    await batch.hand_on()

    assert stage.batches == []
    assert stage.sizes == []


async def test_a_hand_on_asked_for_while_one_runs_waits_for_it() -> None:
    release = asyncio.Event()
    stage = Stage()

    async def slow(events: Sequence[DirectEvent]) -> None:
        await stage.handle(events)  # noted as it begins
        await release.wait()

    batch = DirectBatch(slow, 100, stage.sizes.append)
    batch.add(direct(b"email:a", 0))
    running = asyncio.create_task(batch.hand_on())
    await asyncio.sleep(0)
    batch.add(direct(b"email:b", 1))  # gathered while the first hand-on runs

    second = asyncio.create_task(batch.hand_on())
    await asyncio.sleep(0.01)
    assert stage.batches == [[0]]  # the second has not begun
    release.set()
    await asyncio.gather(running, second)

    assert stage.batches == [[0], [1]]


async def test_re_keying_any_lead_while_a_hand_on_runs_waits_for_it_to_end() -> None:
    release = asyncio.Event()
    stage = Stage()

    async def slow(events: Sequence[DirectEvent]) -> None:
        await release.wait()
        await stage.handle(events)

    batch = DirectBatch(slow, 100, stage.sizes.append)
    batch.add(direct(b"email:a", 0))
    running = asyncio.create_task(batch.hand_on())  # as a rebalance does
    await asyncio.sleep(0)

    re_key = asyncio.create_task(batch.before(b"email:a"))  # no longer listed as gathered
    await asyncio.sleep(0)
    assert not re_key.done()
    release.set()
    await asyncio.gather(running, re_key)

    assert stage.batches == [[0]]
