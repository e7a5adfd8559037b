"""Synthetic accounts: distinct, valid, owned by demo reps, published keyed by id, and found by
the synthetic feed's leads."""

from agents.tools.demo import demo_reps
from agents.tools.synthetic import SyntheticFeed
from agents.tools.synthetic_accounts import synthetic_account_records, synthetic_accounts
from schemas.accounts import Account
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.enrichment import enrich_lead
from tests.unit.feed_records import valid_events


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
