"""The real-shaped workload: seeded, schema 1.1 website visits of returning leads, keyed by
their id or a share of them by their identity."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache

from agents.tools.synthetic import DEFAULT_START, Record
from agents.tools.synthetic_accounts import synthetic_accounts
from bench.website_traffic import RealShapedFeed
from schemas.accounts import Account
from schemas.events import LeadEvent
from service.intake import Rejection, decode_lead_event
from tests.unit.intake_keys import keyed_share

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


def test_timestamps_are_rfc3339_in_utc() -> None:
    feed = RealShapedFeed(1, accounts())
    when = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)

    _, value, _ = feed.next_event(when)

    assert b'"occurred_at":"2026-11-02T09:30:15.123Z"' in value


def test_the_real_shaped_share_changes_keys_and_nothing_else() -> None:
    keyed = RealShapedFeed(11, accounts(), garbage_share=0.1, identity_keyed=0.8).events(4000)

    assert [record[1:] for record in keyed] == [record[1:] for record in records(garbage_share=0.1)]
    assert keyed_share(records(), NOW) == 0.0  # the class's default: keyed by the lead's id
