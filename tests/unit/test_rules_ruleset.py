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
    assert ruleset.evaluate(lead, Enrichment(territory="EMEA"), SCORE)[0] == 0
    assert ruleset.evaluate(lead, Enrichment(territory="NA"), SCORE)[0] == 1
    assert ruleset.evaluate(LeadAttributes(), Enrichment(), SCORE)[0] == 2


def test_a_small_ruleset_traces_every_rule_up_to_the_match() -> None:
    ruleset = _ruleset(
        [_rule(f"r{i}", f"{{field: lead.employee_count, equals: {i}}}") for i in range(4)]
    )
    _, trace = ruleset.evaluate(LeadAttributes(employee_count=2), Enrichment(), SCORE)
    assert [(t.rule_id, t.matched) for t in trace] == [("r0", False), ("r1", False), ("r2", True)]
    _, no_match = ruleset.evaluate(LeadAttributes(employee_count=9), Enrichment(), SCORE)
    assert [t.matched for t in no_match] == [False] * 4


def test_a_large_ruleset_leaves_rules_the_index_rules_out_of_the_trace() -> None:
    rules = [_rule(f"size-{i}", f"{{field: lead.employee_count, equals: {i}}}") for i in range(40)]
    rules.append(_rule("any-size", "{field: lead.employee_count, gte: 0}"))
    ruleset = _ruleset(rules)
    position, trace = ruleset.evaluate(LeadAttributes(employee_count=30), Enrichment(), SCORE)
    assert position == 30
    # The first 16 rules are always walked; after them only the rule for 30 could match.
    assert [t.rule_id for t in trace] == [*(f"size-{i}" for i in range(16)), "size-30"]
    position, trace = ruleset.evaluate(LeadAttributes(employee_count=99), Enrichment(), SCORE)
    assert position == 40
    assert [t.rule_id for t in trace][-2:] == ["size-15", "any-size"]


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
        position, trace = ruleset.evaluate(lead, enrichment, SCORE)
        assert position == _linear_first_match(ruleset, lead, enrichment)
        ids = [t.rule_id for t in trace]
        positions = [int(rule_id.rsplit("-", 1)[1]) for rule_id in ids]
        assert positions == sorted(positions)
        assert [t.matched for t in trace] == [False] * (len(trace) - 1) + [position is not None]
        if position is not None:
            assert ids[-1] == ruleset.rules[position].id
        decided.add(position)
    assert len(decided) > 5
