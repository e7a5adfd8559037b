import copy
import json
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta

import pytest

from schemas.enrichment import AccountMatch
from schemas.reps import OutOfOffice, Rep, WorkingHours
from service.assignment import assign_lead, pool_of
from service.assignment_book import Assignment
from service.queue_state import QueueState
from service.rules import QueueConfig, Strategy

# Wednesday 2026-03-18 14:00 UTC: mid-morning in New York, mid-afternoon in Europe.
NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)
AWAY = (OutOfOffice(start=NOW - timedelta(days=1), end=NOW + timedelta(days=7)),)


def _queue(strategy: Strategy, name: str = "inside-sales", **flags: bool) -> QueueConfig:
    return QueueConfig(
        name=name,
        strategy=strategy,
        sla_minutes=30,
        overflow="sales-fallback",
        respect_availability=flags.get("respect_availability", True),
        respect_capacity=flags.get("respect_capacity", True),
    )


def _rep(rep_id: str, queues: tuple[str, ...] = ("inside-sales",), **changes: object) -> Rep:
    return Rep.model_validate(
        {"rep_id": rep_id, "name": rep_id.title(), "queues": queues, **changes}
    )


def _directory(*reps: Rep) -> dict[str, Rep]:
    return {rep.rep_id: rep for rep in reps}


def _account(
    owner: str | None = "owner", cover: str | None = "cover", team: tuple[str, ...] = ()
) -> AccountMatch:
    return AccountMatch(
        account_id="acct-1",
        name="Globex",
        method="email_domain",
        tier="key",
        customer_status="customer",
        owner_rep_id=owner,
        cover_rep_id=cover,
        account_team=team,
    )


def _run(
    queue: QueueConfig,
    reps: Mapping[str, Rep],
    leads: int,
    *,
    now: datetime = NOW,
    account: AccountMatch | None = None,
) -> tuple[list[Assignment], QueueState]:
    state = QueueState()
    results = []
    for _ in range(leads):
        result = assign_lead(queue, state, reps, account, now)
        results.append(result)
        state = result.new_state
    return results, state


def _winners(results: list[Assignment]) -> Counter[str | None]:
    return Counter(result.rep_id for result in results)


def _outcomes(result: Assignment) -> dict[str, str]:
    return {trace.rep_id: trace.outcome for trace in result.candidates}


def test_round_robin_gives_each_of_five_reps_a_fifth_of_a_thousand_leads() -> None:
    reps = _directory(*(_rep(f"rep-{i}") for i in range(5)))
    results, _ = _run(_queue("round_robin"), reps, 1000)
    assert all(199 <= count <= 201 for count in _winners(results).values())
    assert len(_winners(results)) == 5


def test_round_robin_goes_round_in_rep_id_order() -> None:
    reps = _directory(_rep("c"), _rep("a"), _rep("b"))
    results, state = _run(_queue("round_robin"), reps, 4)
    assert [r.rep_id for r in results] == ["a", "b", "c", "a"]
    assert state.last_rep_id == "a"
    assert _outcomes(results[1]) == {
        "a": "not_next_in_rotation",
        "b": "assigned",
        "c": "not_next_in_rotation",
    }
    assert results[1].counters["rotation_position"] == 2


def test_weighted_round_robin_splits_two_one_one_exactly() -> None:
    reps = _directory(_rep("heavy", weight=2), _rep("light-a"), _rep("light-b"))
    results, _ = _run(_queue("weighted_round_robin"), reps, 1000)
    counts = _winners(results)
    assert abs(counts["heavy"] / 1000 - 0.50) <= 0.01
    assert abs(counts["light-a"] / 1000 - 0.25) <= 0.01
    assert abs(counts["light-b"] / 1000 - 0.25) <= 0.01


def test_weighted_round_robin_interleaves_rather_than_bunching() -> None:
    reps = _directory(_rep("heavy", weight=2), _rep("light-a"), _rep("light-b"))
    results, _ = _run(_queue("weighted_round_robin"), reps, 4)
    assert [r.rep_id for r in results] == ["heavy", "light-a", "light-b", "heavy"]


def test_daily_capacity_is_respected_then_the_queue_overflows() -> None:
    reps = _directory(_rep("a", daily_capacity=2), _rep("b", daily_capacity=1))
    results, _ = _run(_queue("round_robin"), reps, 4)
    assert [r.rep_id for r in results] == ["a", "b", "a", None]
    full = results[3]
    assert full.overflow_to == "sales-fallback"
    assert _outcomes(full) == {"a": "at_capacity", "b": "at_capacity"}
    assert full.candidates[0].detail == "2 of 2 leads today"
    assert results[2].counters["assigned_today"] == 2
    assert results[2].counters["daily_capacity"] == 2


def test_capacity_starts_again_on_the_reps_next_local_day() -> None:
    reps = _directory(_rep("a", daily_capacity=1, timezone="Asia/Tokyo"))
    queue = _queue("round_robin")
    # 14:00 UTC is 23:00 in Tokyo; two hours later it is the next day there.
    first = assign_lead(queue, QueueState(), reps, None, NOW)
    same_day = assign_lead(queue, first.new_state, reps, None, NOW + timedelta(minutes=30))
    next_day = assign_lead(queue, first.new_state, reps, None, NOW + timedelta(hours=2))
    assert first.rep_id == "a"
    assert same_day.rep_id is None
    assert next_day.rep_id == "a"
    assert next_day.counters["assigned_today"] == 1


def test_a_queue_that_ignores_capacity_keeps_assigning() -> None:
    reps = _directory(_rep("a", daily_capacity=1))
    results, _ = _run(_queue("round_robin", respect_capacity=False), reps, 3)
    assert [r.rep_id for r in results] == ["a", "a", "a"]


def test_a_queue_without_overflow_leaves_the_lead_unassigned() -> None:
    queue = QueueConfig(name="inside-sales", strategy="round_robin", sla_minutes=30)
    result = assign_lead(queue, QueueState(), _directory(_rep("a", active=False)), None, NOW)
    assert (result.rep_id, result.overflow_to) == (None, None)
    assert result.note == "nobody can take it; left unassigned for a manager"


def test_out_of_office_and_inactive_reps_are_skipped() -> None:
    reps = _directory(_rep("a", out_of_office=AWAY), _rep("b", active=False), _rep("c"))
    results, _ = _run(_queue("weighted_round_robin"), reps, 6)
    assert _winners(results) == {"c": 6}
    assert _outcomes(results[0]) == {"a": "out_of_office", "b": "inactive", "c": "assigned"}


def test_reps_outside_their_working_hours_are_skipped_across_time_zones() -> None:
    hours = WorkingHours(start=time(9), end=time(17))
    reps = _directory(
        _rep("new-york", timezone="America/New_York", working_hours=hours),
        _rep("tokyo", timezone="Asia/Tokyo", working_hours=hours),
        _rep("berlin", timezone="Europe/Berlin", working_hours=hours),
    )
    results, _ = _run(_queue("round_robin"), reps, 4)
    assert _winners(results) == {"berlin": 2, "new-york": 2}
    assert _outcomes(results[0])["tokyo"] == "outside_working_hours"
    # At 08:00 UTC it is 17:00 in Tokyo (closed), 09:00 in Berlin and 04:00 in New York.
    early = assign_lead(_queue("round_robin"), QueueState(), reps, None, NOW.replace(hour=8))
    assert early.rep_id == "berlin"


def test_a_queue_that_ignores_availability_still_skips_inactive_reps() -> None:
    reps = _directory(_rep("a", out_of_office=AWAY), _rep("b", active=False))
    result = assign_lead(
        _queue("round_robin", respect_availability=False), QueueState(), reps, None, NOW
    )
    assert result.rep_id == "a"


def test_a_key_accounts_owner_wins_over_every_pool() -> None:
    queue = _queue("account_owner", name="key-accounts")
    reps = _directory(
        _rep("owner", queues=()),
        _rep("cover", queues=()),
        _rep("pool-a", queues=("key-accounts", "inside-sales"), weight=5),
        _rep("pool-b", queues=("key-accounts",)),
    )
    results, _ = _run(queue, reps, 5, account=_account())
    assert _winners(results) == {"owner": 5}
    assert results[0].candidates[0].detail == "account owner"


def test_the_cover_rep_takes_the_lead_while_the_owner_is_out_of_office() -> None:
    queue = _queue("account_owner", name="key-accounts")
    reps = _directory(_rep("owner", out_of_office=AWAY), _rep("cover"))
    result = assign_lead(queue, QueueState(), reps, _account(), NOW)
    assert result.rep_id == "cover"
    assert _outcomes(result) == {"owner": "out_of_office", "cover": "assigned"}
    assert result.note == "account cover of Globex"


def test_a_key_account_overflows_when_neither_owner_nor_cover_can_take_it() -> None:
    queue = QueueConfig(
        name="key-accounts", strategy="account_owner", sla_minutes=60, overflow="field-sales-na"
    )
    reps = _directory(_rep("owner", out_of_office=AWAY))
    result = assign_lead(queue, QueueState(), reps, _account(), NOW)
    assert (result.rep_id, result.overflow_to) == (None, "field-sales-na")
    assert _outcomes(result) == {"owner": "out_of_office", "cover": "unknown_rep"}


def test_an_owner_strategy_without_a_matched_account_overflows() -> None:
    result = assign_lead(_queue("account_owner"), QueueState(), _directory(), None, NOW)
    assert result.overflow_to == "sales-fallback"
    assert result.note == "no matched account; overflow to sales-fallback"


def test_an_account_team_rotates_among_its_available_members() -> None:
    queue = _queue("account_team", name="customer-success")
    reps = _directory(_rep("cs-a"), _rep("cs-b", out_of_office=AWAY), _rep("cs-c"))
    account = _account(owner=None, cover=None, team=("cs-c", "cs-b", "cs-a"))
    results, _ = _run(queue, reps, 4, account=account)
    assert [r.rep_id for r in results] == ["cs-a", "cs-c", "cs-a", "cs-c"]
    assert _outcomes(results[0]) == {
        "cs-a": "assigned",
        "cs-b": "out_of_office",
        "cs-c": "not_next_in_rotation",
    }


def test_an_account_without_a_team_overflows() -> None:
    queue = _queue("account_team", name="customer-success")
    result = assign_lead(queue, QueueState(), _directory(), _account(team=()), NOW)
    assert result.overflow_to == "sales-fallback"


def test_an_unassigned_queue_leaves_the_pick_to_a_manager() -> None:
    queue = QueueConfig(name="sales-fallback", strategy="unassigned", sla_minutes=240)
    state = QueueState(last_rep_id="x")
    result = assign_lead(queue, state, _directory(_rep("a", queues=("sales-fallback",))), None, NOW)
    assert (result.rep_id, result.overflow_to, result.candidates) == (None, None, ())
    assert result.new_state is state


def test_a_burst_of_500_leads_at_one_instant_keeps_the_rotation_fair() -> None:
    reps = _directory(
        _rep("a", weight=2), _rep("b"), _rep("c"), _rep("d", out_of_office=AWAY), _rep("e")
    )
    results, _ = _run(_queue("weighted_round_robin"), reps, 500)
    assert _winners(results) == {"a": 200, "b": 100, "c": 100, "e": 100}


def test_a_burst_beyond_capacity_fills_every_rep_then_overflows() -> None:
    reps = _directory(*(_rep(f"rep-{i}", daily_capacity=100) for i in range(4)))
    results, _ = _run(_queue("round_robin"), reps, 500)
    counts = _winners(results)
    assert counts.pop(None) == 100
    assert counts == {f"rep-{i}": 100 for i in range(4)}


def test_a_rep_joining_the_pool_enters_the_rotation_in_rep_id_order() -> None:
    queue = _queue("round_robin")
    first = assign_lead(queue, QueueState(), _directory(_rep("a"), _rep("c")), None, NOW)
    second = assign_lead(
        queue, first.new_state, _directory(_rep("a"), _rep("b"), _rep("c")), None, NOW
    )
    assert (first.rep_id, second.rep_id) == ("a", "b")


def test_assign_lead_is_pure() -> None:
    queue = _queue("weighted_round_robin")
    reps = _directory(_rep("a", weight=2, daily_capacity=5), _rep("b"), _rep("c", active=False))
    _, state = _run(queue, reps, 7)
    reps_before = copy.deepcopy(reps)
    state_before = copy.deepcopy(state)
    first = assign_lead(queue, state, reps, None, NOW)
    second = assign_lead(queue, state, reps, None, NOW)
    assert first == second
    assert state == state_before
    assert reps == reps_before


def test_queue_state_survives_a_json_round_trip() -> None:
    queue = _queue("weighted_round_robin")
    reps = _directory(_rep("a", weight=3, daily_capacity=9), _rep("b"))
    _, state = _run(queue, reps, 5)
    restored = QueueState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state
    assert assign_lead(queue, restored, reps, None, NOW) == assign_lead(
        queue, state, reps, None, NOW
    )


def test_a_malformed_queue_state_is_refused() -> None:
    with pytest.raises(ValueError, match="not a queue state"):
        QueueState.from_dict({"day_counts": {"a": "oops"}})


def test_the_pool_is_every_rep_naming_the_queue_in_rep_id_order() -> None:
    reps = _directory(_rep("b"), _rep("a"), _rep("z", queues=("other",)))
    assert pool_of("inside-sales", reps) == ("a", "b")


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        assign_lead(_queue("round_robin"), QueueState(), {}, None, NOW.replace(tzinfo=None))
