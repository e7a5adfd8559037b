from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import TypeAdapter

import service
from schemas.accounts import Account
from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.reps import Rep
from schemas.scores import Score, ScoreLine
from service.accounts import AccountIndex
from service.assignment import assign_lead, pool_of
from service.queue_state import QueueState
from service.routing import decide_route
from service.rules import CompiledRuleset, load_ruleset

DATA = Path(service.__file__).parent / "data"
RULESET = load_ruleset((DATA / "default_rules.yaml").read_text(), "default_rules.yaml")
REPS = {
    rep.rep_id: rep
    for rep in TypeAdapter(list[Rep]).validate_json((DATA / "demo_reps.json").read_bytes())
}
ACCOUNTS = {
    account.name: account
    for account in TypeAdapter(list[Account]).validate_json(
        (DATA / "demo_accounts.json").read_bytes()
    )
}
LEAD = LeadAttributes(email="someone@example.com")


def _score(*, sales_ready: bool = True) -> Score:
    total = 75 if sales_ready else 30
    return Score(
        fit=total,
        engagement=0,
        total=total,
        grade="B" if sales_ready else "D",
        sales_ready=sales_ready,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="fit", points=total),),
    )


def _match(name: str) -> AccountMatch:
    account = ACCOUNTS[name]
    return AccountMatch(
        account_id=account.account_id,
        name=account.name,
        method="email_domain",
        tier=account.tier,
        customer_status=account.customer_status,
        owner_rep_id=account.owner_rep_id,
        cover_rep_id=account.cover_rep_id,
        account_team=account.account_team,
    )


def test_the_shipped_ruleset_lets_the_learned_probability_decide_once_the_model_is_ready() -> None:
    assert isinstance(RULESET, CompiledRuleset)
    assert RULESET.version == "2026.11.1"
    assert RULESET.scoring == {"sales_ready_probability": 0.4}
    assert RULESET.fallback == "sales-fallback"


def test_the_shipped_ruleset_declares_the_account_management_queues() -> None:
    strategies = {name: queue.strategy for name, queue in RULESET.queues.items()}
    assert strategies == {
        "key-accounts": "account_owner",
        "customer-success": "account_team",
        "specialists-pharma": "round_robin",
        "specialists-finserv": "round_robin",
        "field-sales-na": "weighted_round_robin",
        "field-sales-emea": "weighted_round_robin",
        "field-sales-apac": "weighted_round_robin",
        "field-sales-latam": "weighted_round_robin",
        "inside-sales": "weighted_round_robin",
        "sales-fallback": "unassigned",
    }


def test_every_rotation_queue_has_demo_reps_and_every_rep_queue_exists() -> None:
    for name, queue in RULESET.queues.items():
        if queue.strategy in ("round_robin", "weighted_round_robin"):
            assert pool_of(name, REPS), name
    for rep in REPS.values():
        assert set(rep.queues) <= set(RULESET.queues), rep.rep_id


def test_demo_reps_cover_weights_capacities_time_zones_and_absences() -> None:
    assert 18 <= len(REPS) <= 25
    assert any(rep.weight == 2 for rep in REPS.values())
    assert any(rep.daily_capacity is not None for rep in REPS.values())
    assert len({rep.timezone for rep in REPS.values()}) >= 5
    assert sum(not rep.active for rep in REPS.values()) == 1
    assert any(w.start.year == 2026 for rep in REPS.values() for w in rep.out_of_office)


def test_every_rep_an_account_names_exists() -> None:
    assert 35 <= len(ACCOUNTS) <= 45
    for account in ACCOUNTS.values():
        named = [account.owner_rep_id, account.cover_rep_id, *account.account_team]
        assert {rep for rep in named if rep is not None} <= set(REPS), account.name
        if account.tier != "standard":
            assert account.owner_rep_id is not None, account.name
        if account.customer_status == "customer":
            assert account.account_team, account.name


@pytest.mark.parametrize(
    ("enrichment", "queue", "rule_id"),
    [
        (
            Enrichment(account=_match("Globex Corporation"), territory="NA"),
            "key-accounts",
            "key-accounts-na",
        ),
        (
            Enrichment(
                account=_match("Umbrella Pharmaceuticals"),
                territory="EMEA",
                vertical="Pharmaceuticals",
            ),
            "key-accounts",
            "key-accounts-emea",
        ),
        (
            Enrichment(account=_match("Tyrell Systems"), territory="UNKNOWN"),
            "key-accounts",
            "key-accounts",
        ),
        (
            Enrichment(
                account=_match("Gringotts Bank"), territory="EMEA", vertical="Financial Services"
            ),
            "customer-success",
            "existing-customers",
        ),
        (
            Enrichment(
                account=_match("Contoso Pharma"), vertical="Pharmaceuticals", motion="enterprise"
            ),
            "specialists-pharma",
            "specialists-pharma",
        ),
        (
            Enrichment(account=_match("Woodgrove Bank"), vertical="Financial Services"),
            "specialists-finserv",
            "specialists-finserv",
        ),
        (Enrichment(territory="NA", motion="enterprise"), "field-sales-na", "enterprise-na"),
        (Enrichment(territory="EMEA", motion="enterprise"), "field-sales-emea", "enterprise-emea"),
        (Enrichment(territory="APAC", motion="enterprise"), "field-sales-apac", "enterprise-apac"),
        (
            Enrichment(territory="LATAM", motion="enterprise"),
            "field-sales-latam",
            "enterprise-latam",
        ),
        (
            Enrichment(account=_match("Tailspin Toys"), territory="EMEA"),
            "inside-sales",
            "transactional",
        ),
        (Enrichment(territory="UNKNOWN", motion="enterprise"), "sales-fallback", None),
    ],
)
def test_representative_leads_route_to_the_right_queue(
    enrichment: Enrichment, queue: str, rule_id: str | None
) -> None:
    route = decide_route(RULESET, LEAD, enrichment, _score())
    assert (route.queue, route.rule_id) == (queue, rule_id)


def test_a_lead_below_the_threshold_is_nurtured_even_for_a_key_account() -> None:
    enrichment = Enrichment(account=_match("Globex Corporation"), territory="NA")
    route = decide_route(RULESET, LEAD, enrichment, _score(sales_ready=False))
    assert route.nurture is True


def test_a_key_account_overflows_to_its_territorys_field_team() -> None:
    enrichment = Enrichment(account=_match("Vandelay Industries"), territory="LATAM")
    route = decide_route(RULESET, LEAD, enrichment, _score())
    assert route.queue_config is not None
    assert route.queue_config.overflow == "field-sales-latam"


def test_umbrellas_cover_rep_takes_leads_while_the_owner_is_away_in_august() -> None:
    enrichment = Enrichment(account=_match("Umbrella Pharmaceuticals"), territory="EMEA")
    route = decide_route(RULESET, LEAD, enrichment, _score())
    assert route.queue_config is not None
    # Tuesday 11 August 2026, 10:00 in London: the owner is on holiday.
    august = datetime(2026, 8, 11, 9, 0, tzinfo=UTC)
    result = assign_lead(route.queue_config, QueueState(), REPS, enrichment.account, august)
    assert result.rep_id == ACCOUNTS["Umbrella Pharmaceuticals"].cover_rep_id
    # A week later the owner is back.
    later = datetime(2026, 8, 25, 9, 0, tzinfo=UTC)
    back = assign_lead(route.queue_config, QueueState(), REPS, enrichment.account, later)
    assert back.rep_id == ACCOUNTS["Umbrella Pharmaceuticals"].owner_rep_id


def test_inside_sales_never_assigns_the_inactive_rep() -> None:
    queue = RULESET.queues["inside-sales"]
    inactive = {rep.rep_id for rep in REPS.values() if not rep.active}
    state = QueueState()
    # Wednesday 18 March 2026, 15:00 UTC: Dublin and Denver are working.
    now = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)
    winners = set()
    for _ in range(20):
        result = assign_lead(queue, state, REPS, None, now)
        state = result.new_state
        winners.add(result.rep_id)
    assert winners
    assert not winners & inactive


def test_a_lead_of_an_ownerless_subsidiary_goes_to_the_parents_account_owner() -> None:
    index = AccountIndex()
    index.upsert(ACCOUNTS["Globex Corporation"])
    index.upsert(
        Account(account_id="acct-9001", name="Globex Pharma Inc", parent_account_id="acct-0001")
    )
    match = index.match(None, None, "Globex-Pharma")
    assert match is not None
    assert match.via_parent_account_id == "acct-0001"
    enrichment = Enrichment(account=match, territory="NA")
    route = decide_route(RULESET, LEAD, enrichment, _score())
    assert route.queue_config is not None
    assert route.queue_config.name == "key-accounts"
    monday = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    result = assign_lead(route.queue_config, QueueState(), REPS, match, monday)
    assert result.rep_id == ACCOUNTS["Globex Corporation"].owner_rep_id
