from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score, ScoreLine
from service.routing import decide_route
from service.rules import load_ruleset

RULESET = load_ruleset(
    """
version: "2026.11.1"
queues:
  key-accounts: {strategy: account_owner, sla_minutes: 60, overflow: inside-sales}
  inside-sales: {strategy: weighted_round_robin, sla_minutes: 30, overflow: sales-fallback}
  field-sales-na: {strategy: weighted_round_robin, sla_minutes: 120, overflow: inside-sales}
  sales-fallback: {strategy: unassigned, sla_minutes: 240}
rules:
  - id: not-sales-ready
    when: {field: score.sales_ready, equals: false}
    then: {nurture: true}
  - id: key-accounts
    when: {field: enrichment.account.tier, in: [key, strategic]}
    then: {queue: key-accounts, overflow: field-sales-na}
  - id: transactional
    when: {field: enrichment.motion, equals: transactional}
    then: {queue: inside-sales, strategy: round_robin}
fallback: sales-fallback
""",
    "routing-test",
)
LEAD = LeadAttributes(email="hank@globex.com")


def _score(*, sales_ready: bool = True) -> Score:
    total = 80 if sales_ready else 20
    return Score(
        fit=total,
        engagement=0,
        total=total,
        grade="A" if sales_ready else "D",
        sales_ready=sales_ready,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="fit", points=total),),
    )


def _key_account() -> AccountMatch:
    return AccountMatch(
        account_id="acct-1",
        name="Globex",
        method="email_domain",
        tier="key",
        customer_status="customer",
        owner_rep_id="rep-1",
    )


def test_a_lead_below_the_threshold_goes_back_to_nurture() -> None:
    route = decide_route(
        RULESET, LEAD, Enrichment(account=_key_account()), _score(sales_ready=False)
    )
    assert route.nurture is True
    assert route.queue is None
    assert route.queue_config is None
    assert route.rule_id == "not-sales-ready"
    assert route.reason == "rule not-sales-ready: score.sales_ready == false"


def test_a_key_account_lead_goes_to_the_key_accounts_queue_with_a_readable_reason() -> None:
    route = decide_route(RULESET, LEAD, Enrichment(account=_key_account()), _score())
    assert route.nurture is False
    assert (route.queue, route.strategy, route.rule_id) == (
        "key-accounts",
        "account_owner",
        "key-accounts",
    )
    assert route.ruleset_version == "2026.11.1"
    assert route.reason == "rule key-accounts: enrichment.account.tier in [key, strategic]"
    assert [(t.rule_id, t.matched) for t in route.rules_evaluated] == [
        ("not-sales-ready", False),
        ("key-accounts", True),
    ]


def test_a_rule_can_override_the_queues_overflow_and_strategy() -> None:
    key = decide_route(RULESET, LEAD, Enrichment(account=_key_account()), _score())
    assert key.queue_config is not None
    assert key.queue_config.overflow == "field-sales-na"
    small = decide_route(RULESET, LEAD, Enrichment(motion="transactional"), _score())
    assert small.strategy == "round_robin"
    assert small.queue_config is not None
    assert small.queue_config.strategy == "round_robin"
    assert RULESET.queues["inside-sales"].strategy == "weighted_round_robin"


def test_a_lead_no_rule_matches_goes_to_the_fallback_queue() -> None:
    route = decide_route(RULESET, LEAD, Enrichment(motion="enterprise"), _score())
    assert route.nurture is False
    assert route.queue == "sales-fallback"
    assert route.strategy == "unassigned"
    assert route.rule_id is None
    assert route.reason == "no rule matched; fallback queue"
    assert [t.matched for t in route.rules_evaluated] == [False, False, False]
