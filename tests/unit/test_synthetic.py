"""The synthetic lead feed: deterministic, realistic, decodable; garbage is rejected; records are
keyed by the lead's external id or, a share of them, by its identity as intake computes it."""

import argparse
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache

import orjson
import pytest

from agents.tools.cli import build_parser
from agents.tools.demo import demo_accounts, demo_reps
from agents.tools.feed_keys import identity_key, share_argument
from agents.tools.synthetic import DEFAULT_START, Record, SyntheticFeed
from agents.tools.synthetic_accounts import synthetic_account_records, synthetic_accounts
from schemas.accounts import Account
from schemas.enrichment import Enrichment
from schemas.events import LeadEvent
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.enrichment import enrich_lead
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event
from tests.unit.intake_keys import intake_identity

# Later than every event the feed stamps, so no event is "from the future".
NOW = DEFAULT_START + timedelta(days=1)


@cache
def accounts() -> tuple[Account, ...]:
    return tuple(demo_accounts())


@cache
def index() -> AccountIndex:
    found = AccountIndex()
    for account in accounts():
        found.upsert(account)
    return found


@cache
def records(seed: int = 11, n: int = 3000, garbage_share: float = 0.0) -> tuple[Record, ...]:
    return tuple(SyntheticFeed(seed, accounts(), garbage_share=garbage_share).events(n))


def decoded(batch: tuple[Record, ...]) -> list[LeadEvent | Rejection]:
    return [decode_lead_event(value, headers, NOW) for _, value, headers in batch]


def valid_events(batch: tuple[Record, ...]) -> list[LeadEvent]:
    return [event for event in decoded(batch) if isinstance(event, LeadEvent)]


@cache
def default_events() -> tuple[LeadEvent | Rejection, ...]:
    return tuple(decoded(records()))


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


def test_synthetic_accounts_are_distinct_valid_and_owned_by_demo_reps() -> None:
    made = synthetic_accounts(2000, seed=9)
    rep_ids = {rep.rep_id for rep in demo_reps()}

    assert len({account.account_id for account in made}) == 2000
    assert len({account.domains[0] for account in made}) == 2000
    assert len({account.name for account in made}) == 2000
    named = {a.owner_rep_id for a in made} | {a.cover_rep_id for a in made}
    assert named - {None} <= rep_ids
    assert {rep for a in made for rep in a.account_team} <= rep_ids
    assert {a.tier for a in made} == {"key", "strategic", "standard"}
    assert all(a.owner_rep_id and a.cover_rep_id != a.owner_rep_id for a in made if a.tier == "key")
    assert synthetic_accounts(50, seed=9) == made[:50]


def test_feed_leads_match_synthetic_accounts() -> None:
    made = synthetic_accounts(500, seed=2)
    found = AccountIndex()
    for account in made:
        found.upsert(account)
    created = [
        e
        for e in valid_events(tuple(SyntheticFeed(6, made).events(1000)))
        if e.event_type == "lead.created"
    ]

    matched = [enrich_lead(e.lead, found, EnrichmentConfig()).account for e in created]
    assert sum(1 for account in matched if account is not None) > len(created) * 0.25


def test_synthetic_account_records_are_the_same_accounts_keyed_by_id() -> None:
    records = list(synthetic_account_records(300, seed=9))

    assert [Account.model_validate_json(value) for _, value in records] == synthetic_accounts(
        300, seed=9
    )
    assert all(
        key == Account.model_validate_json(value).account_id.encode() for key, value in records
    )


# --- keys: the lead's external id, or its identity as intake computes it -----------------------


@cache
def keyed_records(share: float, garbage_share: float = 0.0, seed: int = 11) -> tuple[Record, ...]:
    feed = SyntheticFeed(seed, accounts(), garbage_share=garbage_share, identity_keyed=share)
    return tuple(feed.events(3000))


def test_by_default_every_record_is_keyed_by_the_leads_external_id() -> None:
    for (key, _, _), event in zip(records(), default_events(), strict=True):
        assert isinstance(event, LeadEvent)
        assert key == (event.lead.external_id or "").encode()


def test_fully_identity_keyed_every_valid_record_is_keyed_by_the_identity_intake_computes() -> None:
    valid = [
        (record, identity)
        for record in keyed_records(1.0, garbage_share=0.1)
        if (identity := intake_identity(record, NOW)) is not None
    ]

    assert [record[0] for record, _ in valid] == [identity for _, identity in valid]
    assert len(valid) > 2500
    # Leads with an email and leads known only by the source's id; plain JSON and CloudEvents.
    assert {identity.split(b":")[0] for _, identity in valid} == {b"email", b"ext"}
    assert any(name == "ce_id" for record, _ in valid for name, _ in record[2])


def test_the_identity_keyed_share_changes_valid_records_keys_and_nothing_else() -> None:
    keyed = keyed_records(1.0, garbage_share=0.1)
    plain = keyed_records(0.0, garbage_share=0.1)

    assert [record[1:] for record in keyed] == [record[1:] for record in plain]
    garbage = [
        (by_identity[0], by_id[0])
        for by_identity, by_id in zip(keyed, plain, strict=True)
        if intake_identity(by_identity, NOW) is None
    ]
    assert len(garbage) > 200
    assert all(key == kept for key, kept in garbage)  # garbage keeps its key


def test_half_identity_keyed_one_leads_events_arrive_keyed_both_ways() -> None:
    ways: dict[bytes, list[bool]] = {}
    for record in keyed_records(0.5):
        identity = intake_identity(record, NOW)
        assert identity is not None
        ways.setdefault(identity, []).append(record[0] == identity)

    both = [identity for identity, seen in ways.items() if set(seen) == {True, False}]
    assert len(both) > 10
    by_identity = [way for seen in ways.values() for way in seen]
    assert 0.45 < sum(by_identity) / len(by_identity) < 0.55


def test_identity_keys_are_the_same_for_the_same_seed() -> None:
    again = tuple(SyntheticFeed(11, accounts(), identity_keyed=0.5).events(3000))

    assert again == keyed_records(0.5)
    assert [key for key, _, _ in keyed_records(0.5, seed=12)] != [
        key for key, _, _ in keyed_records(0.5)
    ]


def test_an_identity_keyed_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        SyntheticFeed(1, accounts(), identity_keyed=1.5)
    for text in ("1.5", "-0.1", "nan", "most"):
        with pytest.raises(argparse.ArgumentTypeError):
            share_argument(text)
    assert share_argument("0.25") == 0.25


def test_the_identity_key_is_the_identity_intake_computes_and_none_without_one() -> None:
    assert identity_key({"external_id": " Ab-1 ", "email": "Jane@ACME.com "}, "hubspot") == (
        b"email:jane@acme.com"
    )
    assert identity_key({"external_id": "ab-1"}, " HubSpot ") == b"ext:hubspot:ab-1"
    assert identity_key({"external_id": "n/a"}, "hubspot") is None
    assert identity_key({"email": "jane at acme.com", "external_id": "1"}, "hubspot") is None


def test_the_demo_feed_keys_four_in_five_records_by_identity_unless_told() -> None:
    assert build_parser().parse_args(["demo", "feed"]).identity_keyed == 0.8
    told = build_parser().parse_args(["demo", "feed", "--identity-keyed", "0"])
    assert told.identity_keyed == 0.0
