from datetime import UTC, datetime

from schemas.reps import Rep
from service.assignment import assign_lead
from service.credits import return_turn
from service.queue_state import QueueState
from service.rules import QueueConfig

NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)
QUEUE = QueueConfig(name="inside-sales", strategy="weighted_round_robin", sla_minutes=30)
REPS = {
    rep_id: Rep(rep_id=rep_id, name=rep_id, queues=("inside-sales",), daily_capacity=5)
    for rep_id in ("rep-a", "rep-b")
}


def _states(leads: int) -> list[QueueState]:
    """The queue's state after each of `leads` assignments, starting empty."""
    states = [QueueState()]
    for _ in range(leads):
        states.append(assign_lead(QUEUE, states[-1], REPS, None, NOW).new_state)
    return states


def test_a_recorded_state_the_store_never_got_is_put_back() -> None:
    states = _states(3)

    assert states[3].is_newer_than(states[1])
    assert states[1].is_newer_than(None)


def test_a_recorded_state_the_store_already_has_or_passed_is_not_put_back() -> None:
    states = _states(3)

    assert not states[2].is_newer_than(states[2])
    assert not states[2].is_newer_than(states[3])


def test_a_credit_given_after_the_recorded_assignment_is_kept() -> None:
    states = _states(2)
    credited = return_turn("inside-sales", states[2], "rep-a", REPS, NOW)
    assert credited is not None

    assert not states[2].is_newer_than(credited[0])


def test_the_day_counts_put_back_stop_a_rep_at_capacity() -> None:
    states = _states(10)  # five leads each: both reps are full
    stale = states[8]  # the last two writes were lost

    assert states[10].is_newer_than(stale)

    assert assign_lead(QUEUE, stale, REPS, None, NOW).rep_id is not None
    assert assign_lead(QUEUE, states[10], REPS, None, NOW).rep_id is None
