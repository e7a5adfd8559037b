"""The direct path's gate: which input records may skip the re-key hop, and when."""

import asyncio
from types import SimpleNamespace
from typing import Any

from agents.plumbing.delivery import DeliveryGuard, Partition
from agents.plumbing.direct import PAUSE, WINDOW, DirectGate
from agents.plumbing.partitioner import keyed_partition

KEYED = "leadrouter.leads.keyed.v1"
INPUT = "leads.events.v1"
PARTITIONS = 4
JANE = b"email:jane@acme.com"
HOME = keyed_partition(JANE, PARTITIONS)
# Another lead whose keyed partition is not Jane's.
OTHER = next(
    key
    for key in (f"email:lead{n}@acme.com".encode() for n in range(100))
    if keyed_partition(key, PARTITIONS) != HOME
)


async def no_hole(tp: Partition, offset: int) -> int | None:
    return offset


def never_exit(message: str, error: BaseException) -> None:
    raise AssertionError(message)


def gate_with(
    ends: dict[int, int] | None = None, count: int | None = PARTITIONS, tracked: int = 100
) -> tuple[DirectGate, DeliveryGuard]:
    """A gate over a guard whose keyed partitions start at 0 and held `ends` at assignment
    (every partition empty unless named)."""
    guard = DeliveryGuard(no_hole, never_exit)
    held = ends or {}
    partitions = [Partition(KEYED, p) for p in range(PARTITIONS)]
    guard.assigned(
        dict.fromkeys(partitions, 0), {tp: held.get(tp.partition, 0) for tp in partitions}
    )
    return DirectGate(guard, KEYED, INPUT, lambda topic: count, tracked=tracked), guard


async def process(guard: DeliveryGuard, partition: int, offset: int) -> None:
    track = await guard.begin(Partition(KEYED, partition), offset)
    assert track is not None
    track.finish()


def acknowledged_at(offset: int) -> "asyncio.Future[Any]":
    sent: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    sent.set_result(SimpleNamespace(offset=offset))
    return sent


def test_a_record_keyed_by_its_identity_in_that_keys_partition_goes_direct() -> None:
    gate, _ = gate_with()

    assert gate.is_open(JANE, JANE, HOME)


def test_a_record_keyed_otherwise_or_in_another_partition_is_re_keyed() -> None:
    gate, _ = gate_with()

    assert not gate.is_open(b"L-123", JANE, HOME)
    assert not gate.is_open(None, JANE, HOME)
    assert not gate.is_open(JANE, JANE, (HOME + 1) % PARTITIONS)


def test_nothing_goes_direct_when_the_input_topic_has_another_partition_count() -> None:
    guard = gate_with()[1]
    counts = {KEYED: PARTITIONS, INPUT: PARTITIONS * 2}
    gate = DirectGate(guard, KEYED, INPUT, counts.get)

    assert not gate.is_open(JANE, JANE, HOME)
    assert gate.partition_count() is None


def test_nothing_goes_direct_while_the_keyed_partition_count_is_unknown() -> None:
    gate, _ = gate_with(count=None)

    assert not gate.is_open(JANE, JANE, HOME)


def test_the_partition_counts_are_compared_once_both_are_known() -> None:
    guard = gate_with()[1]
    counts: dict[str, int] = {KEYED: PARTITIONS}
    gate = DirectGate(guard, KEYED, INPUT, counts.get)

    assert not gate.is_open(JANE, JANE, HOME)
    counts[INPUT] = PARTITIONS
    assert gate.is_open(JANE, JANE, HOME)
    assert gate.partition_count() == PARTITIONS


async def test_a_partition_opens_only_once_what_it_held_at_assignment_is_processed() -> None:
    gate, guard = gate_with(ends={HOME: 2})

    assert not gate.is_open(JANE, JANE, HOME)
    await process(guard, HOME, 0)
    assert not gate.is_open(JANE, JANE, HOME)
    await process(guard, HOME, 1)
    assert gate.is_open(JANE, JANE, HOME)


def source(offset: int) -> tuple[str, int, int]:
    return ("leads.events.v1", HOME, offset)


async def test_a_re_keyed_record_holds_back_its_leads_events_until_processed() -> None:
    gate, _ = gate_with()
    sent: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    gate.rekeyed(JANE, source(7), sent)
    assert not gate.is_open(JANE, JANE, HOME)
    sent.set_result(SimpleNamespace(offset=0))
    await asyncio.sleep(0)  # the acknowledgement's callback
    assert not gate.is_open(JANE, JANE, HOME)  # acknowledged, not processed yet
    gate.processed(source(7))
    assert gate.is_open(JANE, JANE, HOME)
    assert len(gate) == 0


async def test_a_re_keyed_record_holds_back_no_other_lead() -> None:
    gate, _ = gate_with()
    # A lead in Jane's partition, and one in another.
    neighbour = next(
        key
        for key in (f"email:n{n}@acme.com".encode() for n in range(200))
        if key != JANE and keyed_partition(key, PARTITIONS) == HOME
    )

    gate.rekeyed(JANE, source(7), acknowledged_at(0))

    assert gate.is_open(neighbour, neighbour, HOME)
    assert gate.is_open(OTHER, OTHER, keyed_partition(OTHER, PARTITIONS))


async def test_a_lead_waits_for_each_of_its_re_keyed_records() -> None:
    gate, _ = gate_with()
    for offset in (7, 8):
        gate.rekeyed(JANE, source(offset), acknowledged_at(offset))

    gate.processed(source(7))
    assert not gate.is_open(JANE, JANE, HOME)
    gate.processed(source(8))
    assert gate.is_open(JANE, JANE, HOME)


async def test_past_the_tracked_limit_the_leads_whole_partition_waits_for_the_record() -> None:
    gate, guard = gate_with(tracked=0)
    sent: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    gate.rekeyed(JANE, source(7), sent)
    assert not gate.is_open(JANE, JANE, HOME)  # not acknowledged: its offset is unknown
    sent.set_result(SimpleNamespace(offset=0))
    await asyncio.sleep(0)
    assert not gate.is_open(JANE, JANE, HOME)  # acknowledged at 0, partition not past it
    await process(guard, HOME, 0)
    assert gate.is_open(JANE, JANE, HOME)


async def test_an_assignment_forgets_the_leads_and_waits_for_the_partitions_to_catch_up() -> None:
    gate, guard = gate_with()
    gate.rekeyed(JANE, source(7), acknowledged_at(0))
    await asyncio.sleep(0)

    keyed = [Partition(KEYED, p) for p in range(PARTITIONS)]
    guard.assigned(dict.fromkeys(keyed, 0), {tp: 1 if tp.partition == HOME else 0 for tp in keyed})

    assert not gate.is_open(JANE, JANE, HOME)  # offset 0 is not processed yet
    await process(guard, HOME, 0)
    assert gate.is_open(JANE, JANE, HOME)
    assert len(gate) == 0


async def test_a_re_key_acknowledged_after_an_assignment_holds_its_partition() -> None:
    gate, guard = gate_with()
    sent: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    gate.rekeyed(JANE, source(7), sent)
    keyed = [Partition(KEYED, p) for p in range(PARTITIONS)]
    guard.assigned(dict.fromkeys(keyed, 0), dict.fromkeys(keyed, 0))

    sent.set_result(SimpleNamespace(offset=0))  # past the end the partition caught up to
    await asyncio.sleep(0)

    assert not gate.is_open(JANE, JANE, HOME)
    await process(guard, HOME, 0)
    assert gate.is_open(JANE, JANE, HOME)


def test_a_partition_not_assigned_here_never_opens() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    gate = DirectGate(guard, KEYED, INPUT, lambda topic: PARTITIONS)

    assert not gate.is_open(JANE, JANE, HOME)


async def test_a_partition_whose_leads_are_mostly_held_back_re_keys_for_a_while() -> None:
    gate, _ = gate_with(tracked=WINDOW * 2)
    # Jane has a re-keyed record in flight for a whole window: every one of her events is held.
    gate.rekeyed(JANE, source(0), acknowledged_at(0))
    for _ in range(WINDOW):
        assert not gate.is_open(JANE, JANE, HOME)
    gate.processed(source(0))

    # Nothing holds her back now, but the partition re-keys the next PAUSE records unasked.
    assert [gate.is_open(JANE, JANE, HOME) for _ in range(PAUSE)] == [False] * PAUSE
    assert gate.is_open(JANE, JANE, HOME)


async def test_a_partition_with_few_leads_held_back_keeps_going_direct() -> None:
    gate, _ = gate_with()
    gate.rekeyed(JANE, source(0), acknowledged_at(0))
    for _ in range(WINDOW // 4):
        assert not gate.is_open(JANE, JANE, HOME)
    gate.processed(source(0))

    assert all(gate.is_open(JANE, JANE, HOME) for _ in range(WINDOW))
