"""Before a rebalance commits, the steps stages registered run: events they held back are
handed on, so that the commit covers them; a slow or failing step never blocks the rebalance."""

import asyncio
import logging

import pytest
from faust.transport.consumer import Consumer
from faust.types import TP

from agents.plumbing.delivery import DeliveryGuard, Partition
from tests.unit.test_faust_fixes import EVENTS, FRESH, FakeApp, FakeConsumer


async def no_hole(tp: Partition, offset: int) -> int | None:
    return offset


def guard() -> DeliveryGuard:
    return DeliveryGuard(no_hole, lambda text, error: None)


async def test_every_registered_step_runs_before_the_rebalance_goes_on() -> None:
    delivery = guard()
    ran: list[str] = []

    async def hand_on(name: str) -> None:
        await asyncio.sleep(0)
        ran.append(name)

    delivery.before_revoking(lambda: hand_on("intake"))
    delivery.before_revoking(lambda: hand_on("another stage"))

    assert await delivery.ahead_of_revoking(timeout=1.0)
    assert sorted(ran) == ["another stage", "intake"]


async def test_without_steps_there_is_nothing_to_wait_for() -> None:
    assert await guard().ahead_of_revoking(timeout=0.0)


async def test_a_step_that_does_not_end_in_time_is_left_running() -> None:
    delivery = guard()
    release = asyncio.Event()
    ended: list[bool] = []

    async def stuck() -> None:
        await release.wait()
        ended.append(True)

    delivery.before_revoking(stuck)

    assert not await delivery.ahead_of_revoking(timeout=0.01)
    release.set()
    await asyncio.sleep(0.01)
    assert ended == [True]  # not cancelled: its events go on to complete


async def test_a_failing_step_is_logged_and_the_rebalance_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    delivery = guard()

    async def failing() -> None:
        raise RuntimeError("profile stage gone")

    delivery.before_revoking(failing)

    with caplog.at_level(logging.ERROR):
        assert await delivery.ahead_of_revoking(timeout=1.0)
    assert "a step before the rebalance failed" in caplog.text


async def test_a_rebalance_hands_gathered_events_on_before_the_apps_commit() -> None:
    delivery = DeliveryGuard(no_hole, lambda text, error: None)
    consumer = FakeConsumer(FakeApp(delivery), {EVENTS: 40, FRESH: 10})
    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]
    gathered = await delivery.begin(EVENTS, 40)  # begun, held back for a batch
    assert gathered is not None
    consumer._acked[EVENTS].append(40)

    async def hand_on() -> None:  # as intake's batch does: the stage finishes the event
        assert gathered is not None
        gathered.finish()

    delivery.before_revoking(hand_on)
    commits: list[int | None] = []

    async def app_revocation(revoked: set[TP]) -> None:  # Faust's: stop, wait, commit
        commits.append(Consumer._new_offset(consumer, EVENTS))  # type: ignore[arg-type]

    async def force_commit(revoked: set[TP]) -> None:
        pass

    consumer._on_partitions_revoked = app_revocation  # type: ignore[attr-defined]
    consumer.force_commit = force_commit  # type: ignore[attr-defined]
    await Consumer.on_partitions_revoked(consumer, {EVENTS})

    assert commits == [41]  # the gathered event is complete in the commit
