from datetime import UTC, datetime

from schemas.reps import Rep
from service.assignment import assign_lead
from service.capacity import capacity_share
from service.queue_state import QueueState
from service.rules import QueueConfig

NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)


def _rep(queues: list[str], capacity: int | None) -> Rep:
    return Rep.model_validate(
        {
            "rep_id": "rep-1",
            "name": "rep-1",
            "queues": queues,
            "daily_capacity": capacity,
            "timezone": "UTC",
        }
    )


def test_a_rep_in_one_queue_has_the_whole_capacity_there() -> None:
    assert capacity_share(_rep(["inside-sales"], 5), "inside-sales") == 5


def test_the_shares_of_a_rep_in_several_queues_add_up_to_the_capacity() -> None:
    rep = _rep(["inside-sales", "field-sales-na", "specialists-pharma"], 7)
    shares = [capacity_share(rep, q) for q in sorted(rep.queues)]
    assert shares == [3, 2, 2]
    assert sum(s for s in shares if s is not None) == 7


def test_no_capacity_means_no_share() -> None:
    assert capacity_share(_rep(["a", "b"], None), "a") is None


def test_a_rep_at_their_share_in_one_queue_is_passed_over_with_the_share_named() -> None:
    rep = _rep(["inside-sales", "specialists-pharma"], 2)
    queue = QueueConfig(name="inside-sales", strategy="round_robin", sla_minutes=30)
    first = assign_lead(queue, QueueState(), {"rep-1": rep}, None, NOW)
    assert first.rep_id == "rep-1"
    assert first.counters["daily_capacity"] == 1
    assert first.counters["daily_capacity_all_queues"] == 2
    second = assign_lead(queue, first.new_state, {"rep-1": rep}, None, NOW)
    assert second.rep_id is None
    [trace] = second.candidates
    assert trace.outcome == "at_capacity"
    assert trace.detail == "1 of 1 leads today (this queue's share of 2)"
