"""The fault suite's input: most valid events keyed by their lead's identity, the rest by its
external id, each classified by the worker's own intake whatever its key."""

from datetime import UTC, datetime
from functools import cache

import orjson
import pytest

from agents.tools.demo import demo_reps
from agents.tools.synthetic_accounts import synthetic_accounts
from dev.faults.__main__ import parse_args, specs, workload_reps
from dev.faults.accounting import account
from dev.faults.feed import PlannedRecord, plan_input
from dev.faults.observations import DecisionRecord, Faults, Outputs, ProducedRecord
from dev.faults.records import classify
from dev.faults.runs import ABORTED, BROKER_PAUSE, FREEZE, FUZZ, KILL9, REPLAY
from schemas.accounts import Account
from service.decision_ids import decision_id


@cache
def accounts() -> tuple[Account, ...]:
    return tuple(synthetic_accounts(100, 7))


@cache
def planned(identity_keyed: float = 0.8, malformed: int = 0) -> tuple[PlannedRecord, ...]:
    return tuple(
        plan_input(2000, 3, accounts(), malformed=malformed, identity_keyed=identity_keyed)
    )


def keyed_by_identity(item: PlannedRecord) -> bool:
    assert item.event is not None
    return item.record[0] == item.event[1].encode()


def external_id(item: PlannedRecord) -> bytes:
    """The key a marketing system gives the record: its lead's external id."""
    document = orjson.loads(item.record[1] or b"{}")
    return str(document["lead"]["external_id"]).encode()


def test_four_in_five_valid_events_are_keyed_by_the_identity_intake_computes() -> None:
    valid = [item for item in planned() if item.event is not None]

    assert len(valid) == 2000
    share = sum(keyed_by_identity(item) for item in valid) / len(valid)
    assert 0.75 < share < 0.85
    assert all(keyed_by_identity(item) or item.record[0] == external_id(item) for item in valid)


def test_one_leads_events_arrive_keyed_both_ways() -> None:
    ways: dict[str, set[bool]] = {}
    for item in planned():
        if item.event is not None:
            ways.setdefault(item.event[1], set()).add(keyed_by_identity(item))

    assert sum(seen == {True, False} for seen in ways.values()) > 10


def test_the_share_is_chosen_by_the_caller_and_malformed_records_stay_invalid() -> None:
    assert not any(keyed_by_identity(item) for item in planned(0.0))
    assert all(keyed_by_identity(item) for item in planned(1.0))
    mixed = planned(1.0, malformed=200)
    assert sum(item.event is None for item in mixed) == 200
    assert [item.event for item in mixed if item.event is not None] == [
        item.event for item in planned(1.0)
    ]


def test_classify_reads_the_event_and_not_the_key() -> None:
    now = datetime.now(UTC)
    for item in planned()[:200]:
        _, value, headers = item.record
        assert classify((external_id(item), value, headers), now) == item.event
        assert classify((None, value, headers), now) == item.event


def test_identity_keyed_events_are_accounted_for_like_any_other() -> None:
    events = [item.event for item in planned() if item.event is not None]
    produced = [ProducedRecord(0, offset, *event) for offset, event in enumerate(events)]
    nurtured = [
        DecisionRecord(decision_id(f"{identity}|{event_id}", 0), "nurtured", identity, 0)
        for event_id, identity in events
    ]

    row = account("kill9", 3, produced, Outputs(decisions=nurtured), Faults())

    assert (row.produced, row.accounted, row.lost) == (2000, 2000, 0)


def test_the_suite_keys_four_in_five_by_identity_unless_told() -> None:
    assert {spec.identity_keyed for spec in specs(parse_args([]), "")} == {0.8}
    told = specs(parse_args(["--identity-keyed", "1", "--scenarios", f"{KILL9},{FUZZ}"]), "")
    assert {spec.identity_keyed for spec in told} == {1.0}
    with pytest.raises(SystemExit):
        parse_args(["--identity-keyed", "1.2"])


def test_a_real_shaped_feed_is_planned_as_valid_page_views_of_leads_keyed_both_ways() -> None:
    plan = plan_input(2000, 3, accounts(), workload="real-shaped")

    assert all(item.event is not None for item in plan)
    activities = [orjson.loads(item.record[1] or b"{}").get("activity") or {} for item in plan]
    assert sum(activity.get("type") == "page_view" for activity in activities) > len(plan) / 2
    ways: dict[str, set[bool]] = {}
    for item in plan:
        assert item.event is not None
        ways.setdefault(item.event[1], set()).add(keyed_by_identity(item))
    assert sum(seen == {True, False} for seen in ways.values()) > 10


def test_real_shaped_runs_route_to_the_demo_reps_with_their_caps_synthetic_ones_uncapped() -> None:
    assert {spec.workload for spec in specs(parse_args([]), "")} == {"synthetic"}
    told = specs(parse_args(["--workload", "real-shaped"]), "")
    assert {spec.workload for spec in told} == {"real-shaped"}
    real_shaped = workload_reps("real-shaped")
    assert {rep.rep_id for rep in real_shaped} == {rep.rep_id for rep in demo_reps()}
    assert all(rep.daily_capacity for rep in real_shaped if "field-sales-na" in rep.queues)
    assert all(rep.daily_capacity is None for rep in workload_reps("synthetic"))


def test_only_the_aborted_scenarios_feed_aborts_transactions() -> None:
    runs = specs(parse_args(["--scenarios", "aborted,kill9", "--aborted-share", "0.3"]), "")

    shares = {(spec.scenario, spec.seed): spec.aborted_share for spec in runs}
    assert shares == {(ABORTED, 1): 0.3, (KILL9, 1): 0.0, (KILL9, 2): 0.0, (KILL9, 3): 0.0}


def test_the_broker_pause_and_the_replay_run_once_the_pause_as_long_as_told() -> None:
    runs = specs(parse_args(["--scenarios", "broker-pause,replay", "--pause", "90"]), "")

    assert [(spec.scenario, spec.seed, spec.pause) for spec in runs] == [
        (BROKER_PAUSE, 1, 90.0),
        (REPLAY, 1, 90.0),
    ]


def test_the_freeze_runs_per_seed_with_two_workers_fed_at_half_rate() -> None:
    runs = specs(parse_args(["--scenarios", "freeze", "--seeds", "4,5", "--rate", "400"]), "")

    assert [(spec.scenario, spec.seed, spec.rate) for spec in runs] == [
        (FREEZE, 4, 200.0),
        (FREEZE, 5, 200.0),
    ]
