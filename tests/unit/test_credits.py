from datetime import UTC, datetime, timedelta

from schemas.reps import Rep
from service.assignment import assign_lead
from service.credits import MAX_CREDITS_PER_DAY, return_turn
from service.queue_state import QueueState
from service.rules import QueueConfig

NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)
QUEUE = QueueConfig(name="inside-sales", strategy="weighted_round_robin", sla_minutes=30)


def _reps() -> dict[str, Rep]:
    return {
        rep_id: Rep.model_validate(
            {
                "rep_id": rep_id,
                "name": rep_id,
                "email": f"{rep_id}@example.com",
                "queues": ["inside-sales"],
                "timezone": "UTC",
            }
        )
        for rep_id in ("rep-a", "rep-b", "rep-c")
    }


def test_a_rep_who_lost_a_lead_gets_their_turn_back_and_the_decision_shows_the_credit() -> None:
    reps = _reps()
    first = assign_lead(QUEUE, QueueState(), reps, None, NOW)
    assert first.rep_id == "rep-a"
    returned = return_turn("inside-sales", first.new_state, "rep-a", reps, NOW)
    assert returned is not None
    state, credits = returned
    assert credits == 1
    again = assign_lead(QUEUE, state, reps, None, NOW)
    assert again.rep_id == "rep-a", "the turn came back"
    assert again.counters["credits_today"] == 1


def test_credits_are_capped_per_rep_per_day() -> None:
    reps = _reps()
    state = QueueState()
    for n in range(1, MAX_CREDITS_PER_DAY + 1):
        returned = return_turn("inside-sales", state, "rep-b", reps, NOW)
        assert returned is not None
        assert returned[1] == n
        state = returned[0]
    assert return_turn("inside-sales", state, "rep-b", reps, NOW) is None
    tomorrow = return_turn("inside-sales", state, "rep-b", reps, NOW + timedelta(days=1))
    assert tomorrow is not None
    assert tomorrow[1] == 1


def test_credits_survive_the_state_round_trip() -> None:
    reps = _reps()
    returned = return_turn("inside-sales", QueueState(), "rep-c", reps, NOW)
    assert returned is not None
    assert QueueState.from_dict(returned[0].to_dict()) == returned[0]


def test_no_credit_for_a_rep_outside_the_queue() -> None:
    assert return_turn("field-sales-na", QueueState(), "rep-a", _reps(), NOW) is None
