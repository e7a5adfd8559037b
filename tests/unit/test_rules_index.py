import random
from collections.abc import Sequence
from typing import Any

import pytest
import yaml

from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score, ScoreLine
from service.rules import CompiledRuleset, load_ruleset

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


# Values the generated rules test and the generated leads carry, so that both meet often,
# including on the boundaries of ranges and in mixed case; most rules match few leads, so
# that first matches spread over the ruleset instead of piling up in its first rules.
COUNTRIES = [f"C{i}" for i in range(20)]
SIZES = [0, 1, 49, 50, 199, 200, 999, 1000, 5000, 20000]
REVENUES = [0.0, 0.5, 1e6, 2.5e6, 1e7]
TOTALS = [0, 1, 49, 50, 60, 99, 100]
RANGED: list[tuple[str, Sequence[float]]] = [
    ("lead.employee_count", SIZES),
    ("lead.annual_revenue", REVENUES),
    ("score.total", TOTALS),
]
LOCALS = ["hank", "ANN", "x", "sales-lead", "Sam", "\u017fam", "k"]
DOMAINS = ["Globex.com", "initech.COM", "filler.example", "acme.io", "\u212aelvin.example"]
TITLES = ["VP Sales", "vp marketing", "Director of IT", "SVP", "Sales Manager"]
LITERAL_GLOBS = [
    "*@globex.com",
    "*@INITECH.com",
    "*@acme.io",
    "*@kelvin.example",
    "*.example",
    "hank@*",
    "sales*",
    "SAM*",
    "k@*",
    "vp *",
    "director*",
]
OTHER_GLOBS = ["*@*.com", "?nn@*", "[ah]*", "*", "*sales*", "x@filler.example"]
REGEXES = ["globex", "^ann", "io$", "(?i)vp", "Sales"]


def _glob_field(pattern: str) -> str:
    return "lead.job_title" if pattern in ("vp *", "director*") else "lead.email"


def _leaf(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["equals", "in", "range", "range", "glob", "glob", "regex", "exists"])
    if kind == "equals":
        return {"field": "lead.country", "equals": rng.choice(COUNTRIES)}
    if kind == "in":
        if rng.random() < 0.5:
            return {"field": "enrichment.territory", "in": rng.sample(["NA", "EMEA", "APAC"], 2)}
        return {"field": "lead.country", "in": rng.sample(COUNTRIES, 3)}
    if kind == "range":
        field, values = rng.choice(RANGED)
        operators = rng.sample(["gt", "gte", "lt", "lte"], rng.choice([1, 2]))
        condition: dict[str, Any] = {"field": field}
        for operator in operators:
            condition[operator] = float("nan") if rng.random() < 0.03 else rng.choice(values)
        return condition
    if kind == "glob":
        pattern = rng.choice(LITERAL_GLOBS if rng.random() < 0.8 else OTHER_GLOBS)
        return {"field": _glob_field(pattern), "glob": pattern}
    if kind == "regex":
        return {"field": rng.choice(["lead.email", "lead.job_title"]), "regex": rng.choice(REGEXES)}
    return {"field": "enrichment.account", "exists": rng.choice([True, False])}


def _conjunct(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.7:
        return _leaf(rng)
    if roll < 0.8:
        return {"all": [_leaf(rng), _leaf(rng)]}
    if roll < 0.9:
        return {"any": [_leaf(rng), _leaf(rng)]}
    return {"not": _leaf(rng)}


def _selective(rng: random.Random) -> dict[str, Any]:
    """A condition few leads meet: one country, a narrow or extreme range, a literal text."""
    kind = rng.choice(["equals", "range", "range", "glob", "glob", "regex", "not"])
    if kind == "equals":
        return {"field": "lead.country", "equals": rng.choice(COUNTRIES)}
    if kind == "range":
        field, values = rng.choice(RANGED)
        i = rng.randrange(len(values) - 1)
        return {
            "field": field,
            **rng.choice(
                [
                    {"gte": values[i], "lte": values[i]},
                    {"gt": values[i], "lt": values[i + 1]},
                    {"gte": values[i], "lt": values[i + 1]},
                    {"gte": values[-1]},
                    {"lte": values[0]},
                    {"gte": float("nan")},
                ]
            ),
        }
    if kind == "glob":
        pattern = rng.choice([*LITERAL_GLOBS, "?nn@*"])
        return {"field": _glob_field(pattern), "glob": pattern}
    if kind == "regex":
        return {"field": "lead.email", "regex": rng.choice(["^ann", "globex", "^k@"])}
    return {"not": {"field": "lead.employee_count", "gte": 0}}


def _condition(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.25:
        return _selective(rng)
    if roll < 0.3:
        return {"any": [_selective(rng), _selective(rng)]}
    conjuncts = [_conjunct(rng) for _ in range(rng.randint(1, 2))]
    conjuncts.insert(rng.randrange(len(conjuncts) + 1), _selective(rng))
    return {"all": conjuncts}


def _either(rng: random.Random, named: list[Any], unnamed: list[Any]) -> Any:
    """A value some rule names, or (as often) one no rule names."""
    return rng.choice(named if rng.random() < 0.5 else unnamed)


def _lead(rng: random.Random) -> tuple[LeadAttributes, Enrichment, Score]:
    local = _either(rng, LOCALS, ["mia", "zed", "Hanko"])
    domain = _either(rng, DOMAINS, ["hooli.xyz", "umbrella.org", "globex.co"])
    lead = LeadAttributes(
        country=_either(rng, COUNTRIES, ["X1", "X2", None]),
        employee_count=_either(rng, SIZES, [2, 750, 3000, 8000, None]),
        annual_revenue=_either(rng, REVENUES, [3.3e6, 4.2e5, None]),
        email=f"{local}@{domain}" if rng.random() < 0.9 else None,
        job_title=_either(rng, TITLES, ["Engineer", "CFO", None]),
    )
    account = AccountMatch(
        account_id="acct-1", name="A", method="none", tier="key", customer_status="prospect"
    )
    enrichment = Enrichment(
        territory=rng.choice(["NA", "EMEA", "APAC", "LATAM"]),
        account=account if rng.random() < 0.5 else None,
    )
    total = rng.choice(TOTALS)
    score = Score(
        fit=total,
        engagement=0,
        total=total,
        grade="D",
        sales_ready=True,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="fit", points=total),),
    )
    return lead, enrichment, score


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
