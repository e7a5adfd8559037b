from itertools import product

from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules import CompiledRuleset, load_ruleset

SCORE = Score(fit=0, engagement=0, total=0, grade="D", sales_ready=True, threshold=60, breakdown=())
HEAD = """
version: "1"
queues:
  a: {strategy: round_robin, sla_minutes: 10}
  b: {strategy: round_robin, sla_minutes: 10}
fallback: b
rules:
"""


def _ruleset(rules: list[str]) -> CompiledRuleset:
    return load_ruleset(HEAD + "".join(rules))


def _rule(rule_id: str, when: str) -> str:
    return f"  - id: {rule_id}\n    when: {when}\n    then: {{queue: a}}\n"


def _linear_first_match(
    ruleset: CompiledRuleset, lead: LeadAttributes, enrichment: Enrichment
) -> int | None:
    for position, rule in enumerate(ruleset.rules):
        if rule.condition.predicate(lead, enrichment, SCORE):
            return position
    return None


def test_the_first_matching_rule_in_order_wins() -> None:
    ruleset = _ruleset(
        [
            _rule("emea", "{field: enrichment.territory, equals: EMEA}"),
            _rule("big", "{field: lead.employee_count, gte: 1000}"),
            _rule("everyone", "{always: true}"),
        ]
    )
    lead = LeadAttributes(employee_count=5000)
    assert ruleset.first_match(lead, Enrichment(territory="EMEA"), SCORE) == 0
    assert ruleset.first_match(lead, Enrichment(territory="NA"), SCORE) == 1
    assert ruleset.first_match(LeadAttributes(), Enrichment(), SCORE) == 2


def test_the_trace_lists_every_rule_before_the_match_as_missed() -> None:
    ruleset = _ruleset(
        [_rule(f"r{i}", f"{{field: lead.employee_count, equals: {i}}}") for i in range(4)]
    )
    trace = ruleset.trace(2)
    assert [(t.rule_id, t.matched) for t in trace] == [("r0", False), ("r1", False), ("r2", True)]
    assert [t.matched for t in ruleset.trace(None)] == [False] * 4


def test_a_large_ruleset_is_indexed_and_decides_exactly_like_a_plain_walk() -> None:
    rules = []
    for i in range(60):
        kind = i % 5
        if kind == 0:
            rules.append(_rule(f"country-{i}", f"{{field: lead.country, equals: C{i % 7}}}"))
        elif kind == 1:
            rules.append(
                _rule(
                    f"terr-{i}",
                    f"{{all: [{{field: enrichment.territory, in: [EMEA, APAC]}}, "
                    f"{{field: lead.employee_count, gte: {i * 10}}}]}}",
                )
            )
        elif kind == 2:
            rules.append(_rule(f"size-{i}", f"{{field: lead.employee_count, lt: {i}}}"))
        elif kind == 3:
            rules.append(_rule(f"tier-{i}", "{field: enrichment.account.tier, equals: key}"))
        else:
            rules.append(_rule(f"glob-{i}", f"{{field: lead.email, glob: '*@d{i}.com'}}"))
    ruleset = _ruleset(rules)
    assert ruleset.index is not None
    account = AccountMatch(
        account_id="x", name="X", method="none", tier="key", customer_status="prospect"
    )
    decided = set()
    for country, territory, size, has_account, domain in product(
        ["C1", "C3", "none"], ["EMEA", "NA"], [None, 5, 300, 900], [True, False], ["d4", "d59"]
    ):
        lead = LeadAttributes(country=country, employee_count=size, email=f"someone@{domain}.com")
        enrichment = Enrichment(territory=territory, account=account if has_account else None)
        position = ruleset.first_match(lead, enrichment, SCORE)
        assert position == _linear_first_match(ruleset, lead, enrichment)
        decided.add(position)
    assert len(decided) > 5
