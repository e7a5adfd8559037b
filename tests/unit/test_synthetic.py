"""The synthetic lead feed: deterministic, realistic, decodable; garbage is rejected."""

from collections import Counter
from datetime import UTC, datetime
from functools import cache

import orjson

from agents.tools.synthetic import SyntheticFeed
from schemas.enrichment import Enrichment
from schemas.events import LeadEvent
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.enrichment import enrich_lead
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event
from tests.unit.feed_records import (
    NOW,
    accounts,
    decoded,
    default_events,
    records,
    valid_events,
)


@cache
def index() -> AccountIndex:
    found = AccountIndex()
    for account in accounts():
        found.upsert(account)
    return found


def default_valid_events() -> list[LeadEvent]:
    return [event for event in default_events() if isinstance(event, LeadEvent)]


@cache
def created_and_enriched() -> tuple[tuple[LeadEvent, Enrichment], ...]:
    created = [
        event
        for event in default_events()
        if isinstance(event, LeadEvent) and event.event_type == "lead.created"
    ]
    return tuple((event, enrich_lead(event.lead, index(), EnrichmentConfig())) for event in created)


def test_the_same_seed_gives_the_same_records() -> None:
    first = list(SyntheticFeed(5, accounts(), garbage_share=0.1).events(500))
    again = list(SyntheticFeed(5, accounts(), garbage_share=0.1).events(500))

    assert first == again


def test_different_seeds_give_different_records() -> None:
    assert records(seed=1, n=50) != records(seed=2, n=50)


def test_every_valid_record_decodes_as_a_lead_event() -> None:
    results = default_events()

    rejected = [result for result in results if isinstance(result, Rejection)]
    assert rejected == []


def test_about_a_fifth_of_events_create_leads_and_the_rest_are_activity() -> None:
    kinds = Counter(event.event_type for event in default_valid_events())

    share = kinds["lead.created"] / sum(kinds.values())
    assert 0.16 < share < 0.24
    assert set(kinds) == {"lead.created", "lead.activity"}


def test_activity_is_for_leads_created_earlier_in_the_feed() -> None:
    created: set[str | None] = set()
    strangers = 0
    for event in default_valid_events():
        identity = lead_identity(event.lead, event.source)
        if event.event_type == "lead.created":
            created.add(identity)
        elif identity not in created:
            strangers += 1

    assert strangers == 0


def test_open_and_click_are_common_and_hand_raisers_rare() -> None:
    activity = Counter(
        event.activity.type
        for event in default_valid_events()
        if event.event_type == "lead.activity" and event.activity is not None
    )

    total = sum(activity.values())
    assert activity["email_open"] / total > 0.2
    assert activity["pricing_page_view"] / total > 0.08
    assert 0 < activity["demo_request"] / total < 0.03
    assert 0 < activity["contact_sales"] / total < 0.03
    assert activity["email_open"] > 10 * activity["demo_request"]


def test_leads_come_from_known_accounts_other_companies_and_free_mail() -> None:
    enriched = [enrichment for _, enrichment in created_and_enriched()]

    matched = sum(1 for e in enriched if e.account is not None) / len(enriched)
    free = sum(1 for e in enriched if e.is_free_email) / len(enriched)
    other = sum(1 for e in enriched if e.account is None and e.email_domain and not e.is_free_email)
    assert 0.25 < matched < 0.45
    assert 0.15 < free < 0.30
    assert other / len(enriched) > 0.3
    tiers = {e.account.tier for e in enriched if e.account is not None}
    statuses = {e.account.customer_status for e in enriched if e.account is not None}
    assert tiers == {"key", "strategic", "standard"}
    assert {"customer", "prospect"} <= statuses


def test_leads_vary_in_seniority_territory_vertical_and_size() -> None:
    enriched = [enrichment for _, enrichment in created_and_enriched()]
    counts = [
        event.lead.employee_count
        for event, _ in created_and_enriched()
        if event.lead.employee_count is not None
    ]

    assert {e.seniority for e in enriched} >= {
        "c_level",
        "vp",
        "director",
        "manager",
        "individual_contributor",
        "unknown",
    }
    assert {e.territory for e in enriched} == {"NA", "EMEA", "APAC", "LATAM", "UNKNOWN"}
    assert len({e.vertical for e in enriched}) >= 9
    assert {e.size_band for e in enriched} >= {"1-49", "50-199", "200-999", "1000-4999", "5000+"}
    assert min(counts) < 10
    assert 40_000 < max(counts) <= 100_000


def test_valid_records_are_about_a_kilobyte() -> None:
    sizes = [len(value) for _, value, _ in records()]

    assert min(sizes) > 500
    assert max(sizes) < 1300
    assert 600 < sum(sizes) / len(sizes) < 1200


def test_a_few_records_are_cloudevents_in_binary_mode() -> None:
    batch = records()
    binary = [record for record in batch if any(name == "ce_id" for name, _ in record[2])]

    assert 0 < len(binary) < len(batch) * 0.1
    for _, value, headers in binary:
        event = decode_lead_event(value, headers, NOW)
        assert isinstance(event, LeadEvent)
        assert dict(headers)["ce_id"].decode() == event.event_id
        assert "event_id" not in orjson.loads(value)


def test_garbage_is_the_requested_share_and_every_kind_is_rejected() -> None:
    results = decoded(records(garbage_share=0.1))

    reasons = Counter(result.reason for result in results if isinstance(result, Rejection))
    assert 0.08 < sum(reasons.values()) / len(results) < 0.12
    assert set(reasons) == {"not_json", "missing_field", "invalid_email", "unknown_event_type"}


def test_next_event_is_stamped_at_the_time_given() -> None:
    feed = SyntheticFeed(3, accounts(), new_lead_share=1.0, cloudevents_share=0.0)
    moment = datetime(2026, 11, 26, 14, 30, 15, 250_000, tzinfo=UTC)

    _, value, _ = feed.next_event(moment)

    event = LeadEvent.model_validate_json(value)
    assert event.occurred_at == moment
    assert event.event_type == "lead.created"


def test_the_feed_works_without_any_known_account() -> None:
    events = valid_events(tuple(SyntheticFeed(4, []).events(300)))

    assert len(events) == 300
