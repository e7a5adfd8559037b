"""The real-shaped workload: seeded, schema 1.1 website visits of returning leads; reps with
capacity for it; both workloads key a share of their records by the lead's identity."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import orjson
import pytest

from agents.tools.synthetic import DEFAULT_START, Record, SyntheticFeed
from agents.tools.synthetic_accounts import synthetic_accounts
from bench.loading import bench_reps
from bench.options import parse_args, run_settings
from bench.workloads import (
    IDENTITY_KEYED,
    REAL_SHAPED_REP_CAPACITY,
    WORKLOADS,
    Feed,
    RealShapedFeed,
    make_feed,
    rep_capacity,
)
from schemas.accounts import Account
from schemas.events import LeadEvent
from service.intake import Rejection, decode_lead_event
from tests.unit.intake_keys import intake_identity

NOW = DEFAULT_START + timedelta(days=1)


@cache
def accounts() -> tuple[Account, ...]:
    return tuple(synthetic_accounts(200, 3))


@cache
def records(seed: int = 11, n: int = 4000, garbage_share: float = 0.0) -> tuple[Record, ...]:
    return tuple(RealShapedFeed(seed, accounts(), garbage_share=garbage_share).events(n))


def events(batch: tuple[Record, ...]) -> list[LeadEvent]:
    decoded = [decode_lead_event(value, headers, NOW) for _, value, headers in batch]
    return [event for event in decoded if isinstance(event, LeadEvent)]


def test_the_same_seed_gives_the_same_bytes() -> None:
    again = tuple(RealShapedFeed(11, accounts()).events(4000))

    assert again == records()
    assert tuple(RealShapedFeed(12, accounts()).events(50)) != records()[:50]


def test_every_valid_record_decodes_as_a_schema_1_1_event() -> None:
    decoded = events(records())

    assert len(decoded) == len(records())
    assert {event.schema_version for event in decoded} == {"1.1"}


def test_most_events_are_page_views_with_a_duration_and_the_visits_page_count() -> None:
    decoded = events(records())
    views = [
        e.activity for e in decoded if e.activity is not None and e.activity.type == "page_view"
    ]

    assert len(views) / len(decoded) > 0.7
    assert all(view.duration_seconds is not None and view.page_count for view in views)
    assert max(view.page_count or 0 for view in views) > 3  # visits of several pages
    durations = sorted(view.duration_seconds or 0.0 for view in views)
    assert 15 < durations[len(durations) // 2] < 60  # a median dwell of half a minute or so


def test_leads_come_back_and_carry_their_attribution() -> None:
    decoded = events(records())
    per_lead = Counter(event.lead.external_id for event in decoded)
    sources = Counter(event.lead.lead_source for event in decoded)

    assert sum(per_lead.values()) / len(per_lead) > 5  # repeat visits, not one event a lead
    assert all(event.lead.lead_source and event.lead.landing_page for event in decoded)
    assert {"Organic Search", "Paid Search", "Referral"} <= set(sources)
    paid = [event.lead for event in decoded if event.lead.lead_source == "Paid Search"]
    assert all(lead.utm_source == "google" and lead.utm_medium == "cpc" for lead in paid)


def test_some_leads_raise_their_hand_after_looking_at_pricing() -> None:
    decoded = events(records())
    kinds = Counter(event.activity.type for event in decoded if event.activity is not None)

    assert kinds["pricing_page_view"] > 0
    assert 0 < kinds["demo_request"] + kinds["contact_sales"] < 0.05 * len(decoded)
    assert sum(event.event_type == "lead.created" for event in decoded) < 0.15 * len(decoded)


def test_garbage_is_rejected_at_intake() -> None:
    batch = records(garbage_share=0.1)
    decoded = [decode_lead_event(value, headers, NOW) for _, value, headers in batch]
    rejected = [item for item in decoded if isinstance(item, Rejection)]

    assert 0.07 < len(rejected) / len(batch) < 0.13
    assert {item.reason for item in rejected} == {"not_json", "missing_field"}


def test_workloads_are_chosen_by_name() -> None:
    assert isinstance(make_feed("synthetic", 1, accounts()), SyntheticFeed)
    assert isinstance(make_feed("real-shaped", 1, accounts()), RealShapedFeed)
    assert rep_capacity("synthetic") is None
    assert rep_capacity("real-shaped") == REAL_SHAPED_REP_CAPACITY


def test_bench_reps_get_a_daily_capacity_only_when_asked() -> None:
    free = bench_reps(50)
    capped = bench_reps(50, capacity=7)
    rotating = [rep for rep in capped if rep.rep_id.startswith("rep-bench-")]

    assert all(rep.daily_capacity is None and rep.working_hours is None for rep in free)
    assert rotating
    assert {rep.daily_capacity for rep in rotating} == {7}
    # The demo reps keep their own capacities (inside sales takes 30 to 40 leads a day).
    inside = [rep for rep in capped if rep.rep_id.startswith("rep-is-")]
    assert {rep.daily_capacity for rep in inside} == {30, 40}
    assert all(rep.working_hours is None for rep in capped)


def test_timestamps_are_rfc3339_in_utc() -> None:
    feed = RealShapedFeed(1, accounts())
    when = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)

    _, value, _ = feed.next_event(when)

    assert b'"occurred_at":"2026-11-02T09:30:15.123Z"' in value


# --- keys: the lead's external id, or its identity as intake computes it -----------------------


def made(feed: Feed, n: int) -> tuple[Record, ...]:
    return tuple(feed.events(n, DEFAULT_START, timedelta(milliseconds=50)))


def keyed_share(batch: Sequence[Record]) -> float:
    """Share of the valid records keyed by their lead's identity."""
    identities = [(record[0], intake_identity(record, NOW)) for record in batch]
    valid = [(key, identity) for key, identity in identities if identity is not None]
    return sum(key == identity for key, identity in valid) / len(valid)


def test_the_synthetic_workload_keys_every_valid_event_by_the_identity_intake_computes() -> None:
    batch = made(make_feed("synthetic", 5, accounts(), garbage_share=0.05), 2000)

    for key, value, headers in batch:
        identity = intake_identity((key, value, headers), NOW)
        assert key == identity or (identity is None and not key.startswith((b"email:", b"ext:")))
    assert keyed_share(batch) == 1.0


def test_the_real_shaped_workload_keys_four_in_five_by_identity_and_the_rest_by_id() -> None:
    batch = made(make_feed("real-shaped", 5, accounts(), garbage_share=0.05), 4000)

    assert 0.75 < keyed_share(batch) < 0.85
    for key, value, headers in batch:
        identity = intake_identity((key, value, headers), NOW)
        if identity is None:  # garbage keeps the lead's id
            assert key.startswith(b"web-")
        else:
            assert key == identity or key == orjson.loads(value)["lead"]["external_id"].encode()


def test_a_share_given_to_the_bench_overrides_the_workloads() -> None:
    for workload in WORKLOADS:
        for share in (0.0, 0.5, 1.0):
            batch = made(make_feed(workload, 5, accounts(), identity_keyed=share), 2000)
            assert abs(keyed_share(batch) - share) < 0.05


def test_the_real_shaped_share_changes_keys_and_nothing_else() -> None:
    keyed = RealShapedFeed(11, accounts(), garbage_share=0.1, identity_keyed=0.8).events(4000)

    assert [record[1:] for record in keyed] == [record[1:] for record in records(garbage_share=0.1)]
    assert keyed_share(records()) == 0.0  # the class's default: keyed by the lead's id


def test_the_bench_records_the_identity_keyed_share_of_its_workload() -> None:
    def recorded(*argv: str) -> object:
        return run_settings(parse_args(list(argv)), Path("logs"))["identity_keyed"]

    assert recorded() == IDENTITY_KEYED["synthetic"] == 1.0
    assert recorded("--workload", "real-shaped") == IDENTITY_KEYED["real-shaped"] == 0.8
    assert recorded("--workload", "real-shaped", "--identity-keyed", "0.3") == 0.3
    with pytest.raises(SystemExit):
        parse_args(["--identity-keyed", "2"])
