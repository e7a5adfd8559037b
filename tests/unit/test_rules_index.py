"""A large ruleset's index skips the rules a lead cannot match (below or above a bound, an
empty value, another literal start or end) and never changes which rule matches."""

import random

import pytest
import yaml

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules import CompiledRuleset, load_ruleset
from tests.unit.random_rules import random_condition as _condition
from tests.unit.random_rules import random_lead as _lead

SCORE = Score(fit=0, engagement=0, total=0, grade="D", sales_ready=True, threshold=60, breakdown=())
HEAD = """
version: "1"
queues:
  a: {strategy: round_robin, sla_minutes: 10}
fallback: a
rules:
"""
# A large ruleset walks its first 16 rules in order and consults the index after them.
LINEAR_HEAD = 16


def _rule(rule_id: str, when: str) -> str:
    return f"  - id: {rule_id}\n    when: {when}\n    then: {{queue: a}}\n"


def _ruleset(*rules: str) -> CompiledRuleset:
    """The rules under test after 16 rules no lead matches, padded to an indexed size and
    ending with a rule every lead matches."""
    head = [_rule(f"head-{i}", f"{{field: lead.country, equals: Nowhere-{i}}}") for i in range(16)]
    padding = [
        _rule(f"pad-{i}", f"{{field: lead.country, equals: Nowhere-pad-{i}}}")
        for i in range(32 - len(head) - len(rules) - 1)
    ]
    ruleset = load_ruleset(
        HEAD + "".join([*head, *rules, *padding, _rule("anyone", "{always: true}")])
    )
    assert ruleset.index is not None
    return ruleset


def _visited(
    ruleset: CompiledRuleset, lead: LeadAttributes, enrichment: Enrichment | None = None
) -> tuple[str, list[str]]:
    """The matching rule and the rules evaluated after the linear head, in order."""
    position, trace = ruleset.evaluate(lead, enrichment or Enrichment(), SCORE)
    assert position is not None
    assert [t.rule_id for t in trace[:LINEAR_HEAD]] == [f"head-{i}" for i in range(16)]
    return ruleset.rules[position].id, [t.rule_id for t in trace[LINEAR_HEAD:]]


def _plain_walk(
    ruleset: CompiledRuleset, lead: LeadAttributes, enrichment: Enrichment, score: Score
) -> int | None:
    for position, rule in enumerate(ruleset.rules):
        if rule.condition.predicate(lead, enrichment, score):
            return position
    return None


def test_a_lower_bound_rule_is_skipped_below_its_bound_and_matched_from_it() -> None:
    ruleset = _ruleset(
        _rule("over-100", "{field: lead.employee_count, gt: 100}"),
        _rule("from-100", "{field: lead.employee_count, gte: 100}"),
    )
    assert _visited(ruleset, LeadAttributes(employee_count=99)) == ("anyone", ["anyone"])
    assert _visited(ruleset, LeadAttributes(employee_count=100)) == ("from-100", ["from-100"])
    assert _visited(ruleset, LeadAttributes(employee_count=101)) == ("over-100", ["over-100"])


def test_an_upper_bound_rule_is_skipped_above_its_bound_and_matched_up_to_it() -> None:
    ruleset = _ruleset(
        _rule("under-100", "{field: lead.employee_count, lt: 100}"),
        _rule("up-to-100", "{field: lead.employee_count, lte: 100}"),
    )
    assert _visited(ruleset, LeadAttributes(employee_count=101)) == ("anyone", ["anyone"])
    assert _visited(ruleset, LeadAttributes(employee_count=100)) == ("up-to-100", ["up-to-100"])
    assert _visited(ruleset, LeadAttributes(employee_count=99)) == ("under-100", ["under-100"])


def test_an_empty_value_skips_every_range_rule_on_its_field() -> None:
    ruleset = _ruleset(
        _rule("at-least-0", "{field: lead.employee_count, gte: 0}"),
        _rule("at-most-0", "{field: lead.employee_count, lte: 0}"),
        _rule("revenue", "{field: lead.annual_revenue, lt: 1.0e+13}"),
        _rule("account-size", "{field: enrichment.employee_count, gt: -1}"),
    )
    assert _visited(ruleset, LeadAttributes()) == ("anyone", ["anyone"])
    assert _visited(ruleset, LeadAttributes(employee_count=0)) == ("at-least-0", ["at-least-0"])


def test_a_float_bound_compares_exactly_with_the_lead_value() -> None:
    ruleset = _ruleset(
        _rule("over-a-million", "{field: lead.annual_revenue, gt: 1000000}"),
        _rule("under-a-half", "{field: lead.annual_revenue, lt: 0.5}"),
    )
    assert _visited(ruleset, LeadAttributes(annual_revenue=1e6)) == ("anyone", ["anyone"])
    assert _visited(ruleset, LeadAttributes(annual_revenue=1000000.5))[0] == "over-a-million"
    assert _visited(ruleset, LeadAttributes(annual_revenue=0.5)) == ("anyone", ["anyone"])
    assert _visited(ruleset, LeadAttributes(annual_revenue=0.4999))[0] == "under-a-half"


@pytest.mark.parametrize(
    ("employees", "expected"),
    [(199, "anyone"), (200, "mid-market"), (999, "mid-market"), (1000, "anyone")],
)
def test_a_range_with_two_bounds_matches_only_inside_both(employees: int, expected: str) -> None:
    ruleset = _ruleset(_rule("mid-market", "{field: lead.employee_count, gte: 200, lt: 1000}"))
    assert _visited(ruleset, LeadAttributes(employee_count=employees))[0] == expected


def test_a_range_rule_is_skipped_below_its_lower_bound_when_it_has_two() -> None:
    ruleset = _ruleset(_rule("mid-market", "{field: lead.employee_count, gte: 200, lt: 1000}"))
    assert _visited(ruleset, LeadAttributes(employee_count=199)) == ("anyone", ["anyone"])


def test_a_bound_required_by_all_lets_the_index_skip_the_rule() -> None:
    ruleset = _ruleset(
        _rule(
            "big-with-email",
            "{all: [{field: lead.email, regex: '@'}, {field: lead.employee_count, gte: 500}]}",
        )
    )
    lead = LeadAttributes(email="hank@globex.com", employee_count=100)
    assert _visited(ruleset, lead) == ("anyone", ["anyone"])
    bigger = LeadAttributes(email="hank@globex.com", employee_count=600)
    assert _visited(ruleset, bigger) == ("big-with-email", ["big-with-email"])


def test_a_suffix_glob_rule_matches_in_any_case_and_is_skipped_otherwise() -> None:
    ruleset = _ruleset(_rule("globex", "{field: lead.email, glob: '*@Globex.COM'}"))
    for email in ("hank@globex.com", "Hank@GLOBEX.com"):
        assert _visited(ruleset, LeadAttributes(email=email)) == ("globex", ["globex"])
    for other in ("hank@notglobex.com", "hank@globex.co", "hank@globex.com.au", None):
        assert _visited(ruleset, LeadAttributes(email=other)) == ("anyone", ["anyone"])


def test_a_prefix_glob_rule_matches_in_any_case_and_is_skipped_otherwise() -> None:
    ruleset = _ruleset(_rule("vp", "{field: lead.job_title, glob: 'VP *'}"))
    for title in ("vp sales", "VP Marketing"):
        assert _visited(ruleset, LeadAttributes(job_title=title)) == ("vp", ["vp"])
    for other in ("VP", "SVP Sales", "", None):
        assert _visited(ruleset, LeadAttributes(job_title=other)) == ("anyone", ["anyone"])


@pytest.mark.parametrize(
    ("pattern", "email"),
    [
        ("*@kelvin.example", "x@\u212aelvin.example"),  # the Kelvin sign matches k
        ("sam*", "\u017fam@acme.io"),  # the long s matches s
        ("*@globex.com", "jos\u00e9@GLOBEX.com"),
    ],
)
def test_a_glob_rule_is_still_decided_by_glob_for_a_value_outside_ascii(
    pattern: str, email: str
) -> None:
    ruleset = _ruleset(_rule("glob", f"{{field: lead.email, glob: '{pattern}'}}"))
    lead = LeadAttributes(email=email)
    assert _visited(ruleset, lead) == ("glob", ["glob"])


def test_globs_that_are_not_a_literal_start_or_end_are_evaluated_for_every_lead() -> None:
    patterns = [
        "*@*.com",
        "?ank@globex.com",
        "[hx]*",
        "*globex*",
        "hank@globex.com",
        "*@b\u00fccher.de",
    ]
    ruleset = _ruleset(
        *(_rule(f"glob-{i}", f"{{field: lead.email, glob: '{p}'}}") for i, p in enumerate(patterns))
    )
    _, visited = _visited(ruleset, LeadAttributes(email="nobody@else.org"))
    assert visited == [*(f"glob-{i}" for i in range(len(patterns))), "anyone"]


def test_a_large_mixed_ruleset_decides_exactly_like_a_plain_walk() -> None:
    rng = random.Random(20261201)
    document = {
        "version": "1",
        "queues": {"a": {"strategy": "round_robin", "sla_minutes": 10}},
        "fallback": "a",
        "rules": [
            {"id": f"r-{i}", "when": _condition(rng), "then": {"queue": "a"}} for i in range(200)
        ],
    }
    ruleset = load_ruleset(yaml.safe_dump(document))
    assert ruleset.index is not None
    assert ruleset.index.ranges
    assert ruleset.index.affixes
    decided: set[int | None] = set()
    evaluated = walked = past_head = 0
    for _ in range(600):
        lead, enrichment, score = _lead(rng)
        position, trace = ruleset.evaluate(lead, enrichment, score)
        expected = _plain_walk(ruleset, lead, enrichment, score)
        assert position == expected, (lead, enrichment, score)
        positions = [int(t.rule_id.removeprefix("r-")) for t in trace]
        assert positions == sorted(set(positions))
        assert [t.matched for t in trace] == [False] * (len(trace) - 1) + [position is not None]
        if position is not None:
            assert positions[-1] == position
        decided.add(position)
        past_head += position is None or position >= LINEAR_HEAD
        evaluated += len(trace)
        walked += len(ruleset.rules) if expected is None else expected + 1
    # The leads reach the index often and end at many different rules; it skips a lot.
    assert past_head > 250
    assert len(decided) > 30
    assert evaluated < walked * 0.7
