"""The delivery guard: what may be committed, per input partition."""

import asyncio
from typing import Any

import pytest

from agents.plumbing.delivery import (
    CURRENT_TRACK,
    DeliveryGuard,
    DroppedRecordsError,
    Partition,
    Track,
    track_send,
    when_delivered,
)
from tests.unit.tracks import finished_awaiting_ack

TP = Partition("leads.events.v1", 0)


class ExitedError(Exception):
    pass


def raise_exit(message: str, error: BaseException) -> None:
    raise ExitedError(message) from error


def guard_with(first_record_at: dict[int, int | None] | None = None) -> DeliveryGuard:
    """A guard whose broker says where the first record at or after an offset is."""
    answers = first_record_at or {}

    async def check(tp: Partition, offset: int) -> int | None:
        return answers.get(offset, offset)

    return DeliveryGuard(check, raise_exit)


def test_an_assignment_logs_every_partitions_start_and_end_on_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    guard = guard_with()
    starts = {Partition("keyed", p): p * 10 for p in range(12)}
    caplog.set_level("INFO", logger="agents.plumbing.delivery")

    guard.assigned(starts, {Partition("keyed", 11): 115})

    [line] = [record.getMessage() for record in caplog.records]
    assert "assignment 1 starts 12 input partitions" in line
    assert "keyed[0] 0/?" in line
    assert "keyed[11] 110/115" in line


async def test_nothing_past_the_start_is_committable_before_an_event_completes() -> None:
    guard = guard_with()
    guard.assigned({TP: 40})

    track = await guard.begin(TP, 40)

    assert track is not None
    assert guard.committable(TP) == 40
    track.finish()
    assert guard.committable(TP) == 41


async def test_an_event_is_committable_only_once_kafka_acknowledged_its_sends() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    track = await guard.begin(TP, 0)
    assert track is not None
    sent: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    token = CURRENT_TRACK.set(track)
    track_send(sent)
    CURRENT_TRACK.reset(token)

    track.finish()
    assert guard.committable(TP) == 0
    sent.set_result("metadata")
    await asyncio.sleep(0)
    assert guard.committable(TP) == 1


async def test_a_refused_send_keeps_its_event_uncommitted_for_good() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    track = await guard.begin(TP, 0)
    assert track is not None
    refused: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    track.add(refused)
    track.finish()

    refused.set_exception(RuntimeError("MessageSizeTooLarge"))
    await asyncio.sleep(0)

    assert track.failed
    assert guard.committable(TP) == 0


async def test_commits_stop_at_the_first_unfinished_event_even_when_later_ones_finished() -> None:
    guard = guard_with()
    guard.assigned({TP: 10})
    first, second, third = [await guard.begin(TP, offset) for offset in (10, 11, 12)]
    assert first is not None
    assert second is not None
    assert third is not None

    second.finish()
    third.finish()
    assert guard.committable(TP) == 10
    first.finish()
    assert guard.committable(TP) == 13


async def test_an_event_delivered_again_after_a_seek_is_not_processed_twice() -> None:
    guard = guard_with()
    guard.assigned({TP: 5})
    track = await guard.begin(TP, 5)
    assert track is not None
    track.finish()

    assert await guard.begin(TP, 5) is None
    assert guard.committable(TP) == 6


async def test_the_first_event_after_an_assignment_past_its_start_stops_the_worker() -> None:
    guard = guard_with()  # the broker holds records at every offset
    guard.assigned({TP: 100})

    with pytest.raises(ExitedError, match="first event after the assignment is at offset 107"):
        await guard.begin(TP, 107)
    assert guard.committable(TP) == 100


async def test_a_jump_mid_stream_over_records_that_exist_stops_the_worker() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    track = await guard.begin(TP, 0)
    assert track is not None
    track.finish()

    with pytest.raises(ExitedError) as stopped:
        await guard.begin(TP, 9)
    assert isinstance(stopped.value.__cause__, DroppedRecordsError)
    assert guard.committable(TP) == 1


async def test_offsets_without_records_such_as_transaction_markers_are_passed_over() -> None:
    guard = guard_with({3: 5})  # offsets 3 and 4 hold control records only
    guard.assigned({TP: 3})

    track = await guard.begin(TP, 5)

    assert track is not None
    track.finish()
    assert guard.committable(TP) == 6


async def test_an_event_of_a_partition_not_assigned_here_is_skipped() -> None:
    guard = guard_with()

    assert await guard.begin(TP, 0) is None
    assert guard.committable(TP) is None
    assert not guard.manages(TP)


async def test_a_revoked_partition_forgets_its_events_and_starts_again_when_reassigned() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    old = await guard.begin(TP, 0)
    assert old is not None

    guard.revoked({TP})
    guard.assigned({TP: 0})
    old.finish()

    assert guard.committable(TP) == 0
    again = await guard.begin(TP, 0)
    assert again is not None


async def test_the_replay_floor_is_the_higher_of_the_start_and_the_last_commit() -> None:
    guard = guard_with()
    guard.assigned({TP: 20})
    assert guard.replay_floor(TP) == 20

    guard.note_committed(TP, 35)
    guard.note_committed(TP, None)

    assert guard.replay_floor(TP) == 35


async def test_faust_and_aiokafka_partitions_are_the_same_partition() -> None:
    from aiokafka import TopicPartition
    from faust.types import TP as FAUST_TP

    guard = guard_with()
    guard.assigned({FAUST_TP("leads.events.v1", 0): 7})

    assert guard.committable(TopicPartition("leads.events.v1", 0)) == 7
    assert guard.committable(TP) == 7


async def test_settling_waits_for_finished_events_until_kafka_acknowledged_their_sends() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    sent = await finished_awaiting_ack(guard, TP, 0)

    waiting = asyncio.ensure_future(guard.settled(timeout=5, poll=0.001))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    sent.set_result("metadata")

    assert await asyncio.wait_for(waiting, 1) is True


async def test_settling_gives_up_after_its_timeout_and_says_so() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    await finished_awaiting_ack(guard, TP, 0)

    assert await guard.settled(timeout=0.02, poll=0.001) is False


async def test_an_event_still_being_processed_does_not_hold_up_settling() -> None:
    guard = guard_with()
    guard.assigned({TP: 0})
    assert await guard.begin(TP, 0) is not None

    assert await guard.settled(timeout=0.02, poll=0.001) is True


async def test_a_partition_is_caught_up_once_what_it_held_at_assignment_is_complete() -> None:
    guard = guard_with()
    guard.assigned({TP: 40}, {TP: 42})
    first, second = await guard.begin(TP, 40), await guard.begin(TP, 41)
    assert first is not None
    assert second is not None

    first.finish()
    assert not guard.caught_up(TP)
    second.finish()
    assert guard.caught_up(TP)


def test_a_partition_whose_end_is_not_known_never_counts_as_caught_up() -> None:
    guard = guard_with()
    guard.assigned({TP: 40})

    assert not guard.caught_up(TP)
    assert not guard.caught_up(Partition("elsewhere.v1", 0))


async def test_the_progress_line_says_where_the_stage_stands_in_a_partition() -> None:
    guard = guard_with()
    assert guard.progress(TP) == "not assigned to the stage"
    guard.assigned({TP: 4})
    await guard.begin(TP, 4)
    await guard.begin(TP, 5)

    assert guard.progress(TP) == (
        "started at 4, next expected 6, 2 event(s) in flight from offset 4"
    )


async def waiting_for_one_send() -> tuple[Track, "asyncio.Future[Any]", list[str]]:
    """An event with one send in flight, and a list `when_delivered` appends to."""
    guard = guard_with()
    guard.assigned({TP: 0})
    track = await guard.begin(TP, 0)
    assert track is not None
    ack: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    ran: list[str] = []
    CURRENT_TRACK.set(track)
    track_send(ack)
    when_delivered(lambda: ran.append("delivered"))
    return track, ack, ran


async def test_what_waits_for_an_event_runs_once_it_finished_and_its_sends_were_acknowledged() -> (
    None
):
    track, ack, ran = await waiting_for_one_send()

    track.finish()
    assert ran == []
    ack.set_result(None)
    await asyncio.sleep(0)

    assert ran == ["delivered"]
    track.finish()
    assert ran == ["delivered"], "it runs once"


async def test_what_waits_for_an_event_never_runs_when_a_send_failed() -> None:
    track, ack, ran = await waiting_for_one_send()
    track.finish()

    ack.set_exception(RuntimeError("refused"))
    await asyncio.sleep(0)

    assert ran == []


def test_outside_an_event_nothing_waits_and_nothing_runs() -> None:
    ran: list[str] = []
    CURRENT_TRACK.set(None)

    when_delivered(lambda: ran.append("delivered"))

    assert ran == []
