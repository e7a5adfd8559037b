"""The membership lease: a worker begins no event while the group may have dropped it (a zombie
after a pause), and goes on once a heartbeat is answered, or leaves the event to the next owner
once the rebalance begins."""

import asyncio
import threading
import time

import pytest
from pydantic import ValidationError

from agents.plumbing import lease as lease_module
from agents.plumbing.delivery import DeliveryGuard, Partition
from agents.plumbing.lease import MembershipLease, MembershipLostError, _fenced, _renewing
from agents.plumbing.settings import KafkaSettings

TP = Partition("leads.events.v1", 0)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def lapsed_lease() -> tuple[MembershipLease, Clock]:
    """A lease renewed at 100 s for 8 s, read at 120 s: 12 s without an answered heartbeat."""
    clock = Clock()
    lease = MembershipLease(8.0, clock)
    lease.renewed(100.0)
    clock.now = 120.0
    return lease, clock


def guard_with(lease: MembershipLease) -> DeliveryGuard:
    async def no_hole(tp: Partition, offset: int) -> int | None:
        return offset

    def refuse(message: str, error: BaseException) -> None:
        raise AssertionError(message)

    return DeliveryGuard(no_hole, refuse, lease)


def test_the_lease_holds_for_its_window_after_each_answered_heartbeat() -> None:
    clock = Clock()
    lease = MembershipLease(8.0, clock)
    assert lease.holds()  # never a member yet: nothing owned, nothing to fence

    lease.renewed(100.0)
    clock.now = 107.9
    assert lease.holds()
    clock.now = 108.0
    assert not lease.holds()


async def test_a_wait_ends_when_a_heartbeat_is_answered_on_the_consumer_thread() -> None:
    lease, _ = lapsed_lease()
    waiting = asyncio.create_task(lease.wait())
    await asyncio.sleep(0.01)
    assert not waiting.done()

    answer = threading.Thread(target=lease.renewed, args=(119.0,))
    answer.start()
    answer.join()

    assert await asyncio.wait_for(waiting, 1.0) is True


async def test_a_wait_ends_without_the_lease_when_a_rebalance_begins() -> None:
    lease, _ = lapsed_lease()
    waiting = asyncio.create_task(lease.wait())
    await asyncio.sleep(0.01)

    lease.revoking()

    assert await asyncio.wait_for(waiting, 1.0) is False


async def test_an_event_waits_for_the_membership_and_is_begun_once_it_is_confirmed() -> None:
    lease, clock = lapsed_lease()
    guard = guard_with(lease)
    guard.assigned({TP: 5})  # renewed it until 128 s
    clock.now = 130.0
    beginning = asyncio.create_task(guard.begin(TP, 5))
    await asyncio.sleep(0.01)
    assert not beginning.done()

    lease.renewed(129.5)

    track = await asyncio.wait_for(beginning, 1.0)
    assert track is not None
    assert track.offset == 5


async def test_a_zombie_begins_nothing_more_of_an_assignment_its_group_is_taking_back() -> None:
    """After the pause, the rebalance begins: the waiting event and the ones behind it are left
    uncommitted for the partition's next owner, without taking them for dropped records."""
    clock = Clock()
    lease = MembershipLease(8.0, clock)
    guard = guard_with(lease)
    guard.assigned({TP: 5})
    clock.now = 120.0
    beginning = asyncio.create_task(guard.begin(TP, 5))
    await asyncio.sleep(0.01)

    guard.revoking()
    lease.renewed(clock.now)  # heartbeats are answered while the group rebalances

    assert await asyncio.wait_for(beginning, 1.0) is None
    assert await guard.begin(TP, 6) is None
    assert guard.committable(TP) == 5


async def test_an_answered_heartbeat_renews_the_lease_of_its_group_and_a_failed_one_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lease = MembershipLease(8.0)
    lease.renewed(time.monotonic() - 20.0)
    answers = [False, True]

    async def heartbeat(coordinator: object) -> bool:
        return answers.pop(0)

    class Coordinator:
        group_id = "leadrouter-test-lease"

    monkeypatch.setitem(lease_module._LEASES, Coordinator.group_id, lease)
    hooked = _renewing(heartbeat)

    assert await hooked(Coordinator()) is False
    assert not lease.holds()
    assert await hooked(Coordinator()) is True
    assert lease.holds()


async def held_request(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[MembershipLease, "asyncio.Task[None]", list[str], list[int]]:
    """A produce request made behind the fence while the lease has lapsed: the lease, the
    request, what the worker's exit was told, and the nodes requests went to."""
    lease, _ = lapsed_lease()
    exits: list[str] = []
    sent: list[int] = []

    async def produce(sender: object, node_id: int, batches: dict[str, bytes]) -> None:
        sent.append(node_id)

    fence = lease_module._Fence(lease, lambda message, error: exits.append(message))
    monkeypatch.setattr(lease_module, "_FENCE", fence)
    request = asyncio.create_task(_fenced(produce)(object(), 1, {"tp": b"batch"}))
    await asyncio.sleep(0.01)
    return lease, request, exits, sent


async def test_records_queued_before_a_pause_wait_and_go_once_the_membership_is_confirmed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lease, request, exits, sent = await held_request(monkeypatch)
    assert sent == []

    lease.renewed(119.5)

    await asyncio.wait_for(request, 1.0)
    assert (sent, exits) == ([1], [])


async def test_records_queued_before_a_pause_are_never_sent_once_the_group_rebalanced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The zombie's writes would reach Kafka after the new owner read the tables."""
    lease, request, exits, sent = await held_request(monkeypatch)

    lease.revoking()

    with pytest.raises(MembershipLostError):
        await asyncio.wait_for(request, 1.0)
    assert sent == []
    assert exits == ["the group rebalanced while this worker's records were held"]


def test_heartbeats_must_come_at_least_three_times_a_session() -> None:
    assert KafkaSettings(session_timeout_s=10, heartbeat_interval_s=2).membership_window() == 8
    with pytest.raises(ValidationError, match="at most a third"):
        KafkaSettings(session_timeout_s=10, heartbeat_interval_s=4)
