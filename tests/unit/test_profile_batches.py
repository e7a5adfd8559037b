"""The profile stage decides a batch of direct events, then keeps each decision; one event's
failure is its own, and each offset is committable once the stage is done with its event."""

import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiokafka.errors import KafkaConnectionError

from agents.plumbing import deadletters
from agents.plumbing.deadletters import DeadLetterWriter
from agents.plumbing.delivery import DeliveryGuard, Partition
from agents.plumbing.direct import DirectEvent
from agents.plumbing.key_locks import KeyLocks
from agents.stages.profile_batches import Decided, DecidedInBatches
from agents.stages.profile_lanes import At
from schemas.pipeline import KeyedLeadEvent
from service.intake import Rejection
from service.pipeline import Evaluation

INPUT = Partition("leads.events.v1", 1)


class Writer:
    """A dead-letter writer that keeps the offsets and reasons it was given."""

    def __init__(self) -> None:
        self.runtime = SimpleNamespace(delivery=None)
        self.rejected: list[tuple[int, str]] = []

    async def reject(self, message: Any, rejection: Rejection) -> None:
        self.rejected.append((message.offset, rejection.message))


class Stage:
    """Decides and keeps, noting each step; fails where told to."""

    def __init__(self, fail: dict[tuple[str, int], Exception] | None = None) -> None:
        self.steps: list[str] = []
        self.fail = fail or {}
        self.nothing_left: set[int] = set()

    def _step(self, name: str, offset: int) -> None:
        self.steps.append(f"{name} {offset}")
        if (name, offset) in self.fail:
            raise self.fail[name, offset]

    async def decide(self, event: DirectEvent) -> Decided | None:
        offset = event.message.offset
        self._step("decide", offset)
        if offset in self.nothing_left:
            return None
        at = At(INPUT.topic, offset, 0, INPUT.partition)
        return Decided(event.key, event.record, at, cast(Evaluation, None), [])

    async def keep(self, decided: Decided) -> None:
        await asyncio.sleep(0)
        self._step("keep", decided.at.offset)


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(deadletters, "exit_without_commit", lambda text, error: seen.append(text))
    return seen


async def begun(guard: DeliveryGuard, offsets: range) -> list[DirectEvent]:
    """Direct events of distinct leads at `offsets`, begun at the guard."""
    events = []
    for offset in offsets:
        key = f"email:lead{offset}@example.com".encode()
        message = SimpleNamespace(tp=INPUT, topic=INPUT.topic, offset=offset)
        track = await guard.begin(INPUT, offset)
        record = cast(KeyedLeadEvent, SimpleNamespace(identity=key.decode()))
        events.append(DirectEvent(key, record, message, track))
    return events


async def handled(stage: Stage, events: list[DirectEvent], locks: KeyLocks | None = None) -> Writer:
    writer = Writer()
    batches = DecidedInBatches(
        cast(DeadLetterWriter, writer),
        KeyLocks() if locks is None else locks,
        stage.decide,
        stage.keep,
    )
    await batches.handle(events)
    return writer


def guard_from(offset: int) -> DeliveryGuard:
    async def no_hole(tp: Partition, offset: int) -> int | None:
        return offset

    guard = DeliveryGuard(no_hole, lambda text, error: None)
    guard.assigned({INPUT: offset})
    return guard


async def test_every_event_is_decided_before_any_is_kept_in_input_order(exits: list[str]) -> None:
    guard = guard_from(10)
    stage = Stage()

    await handled(stage, await begun(guard, range(10, 13)))

    assert stage.steps == ["decide 10", "decide 11", "decide 12", "keep 10", "keep 11", "keep 12"]
    assert guard.committable(INPUT) == 13


async def test_a_failed_decision_dead_letters_that_event_alone(exits: list[str]) -> None:
    guard = guard_from(0)
    stage = Stage(fail={("decide", 1): ValueError("no such field")})

    writer = await handled(stage, await begun(guard, range(3)))

    assert writer.rejected == [(1, "ValueError: no such field")]
    assert stage.steps[-2:] == ["keep 0", "keep 2"]
    assert guard.committable(INPUT) == 3
    assert exits == []


async def test_a_failure_keeping_a_decision_dead_letters_that_event_alone(
    exits: list[str],
) -> None:
    guard = guard_from(0)
    stage = Stage(fail={("keep", 0): ValueError("too large")})

    writer = await handled(stage, await begun(guard, range(3)))

    assert writer.rejected == [(0, "ValueError: too large")]
    assert stage.steps[-2:] == ["keep 1", "keep 2"]
    assert guard.committable(INPUT) == 3


async def test_kafka_away_leaves_that_event_uncommitted_and_never_dead_lettered(
    exits: list[str],
) -> None:
    guard = guard_from(0)
    stage = Stage(fail={("keep", 1): KafkaConnectionError("Unable to bootstrap")})

    writer = await handled(stage, await begun(guard, range(3)))

    assert writer.rejected == []
    assert exits == [f"Kafka unavailable while processing {INPUT}@1"]
    assert guard.committable(INPUT) == 1  # 2 was kept, but 1 never completes


async def test_an_event_with_nothing_left_to_do_is_done_without_keeping(exits: list[str]) -> None:
    guard = guard_from(0)
    stage = Stage()
    stage.nothing_left = {0}

    await handled(stage, await begun(guard, range(2)))

    assert stage.steps == ["decide 0", "decide 1", "keep 1"]
    assert guard.committable(INPUT) == 2


async def test_the_batchs_leads_are_held_until_every_decision_is_kept(exits: list[str]) -> None:
    guard = guard_from(0)
    stage = Stage()
    locks = KeyLocks()
    events = await begun(guard, range(2))

    async def other_holder() -> None:
        async with locks.hold(events[0].key):
            stage.steps.append("other holder")

    await asyncio.gather(handled(stage, events, locks), other_holder())

    assert stage.steps[-1] == "other holder", stage.steps
