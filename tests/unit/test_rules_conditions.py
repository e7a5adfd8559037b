"""Conditions combine (all, any, not, always), read like the rule, collect every problem, and
name one simple thing that must hold for them to hold."""

from typing import Any

import pytest

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from service.rules.compiled_conditions import Affix, Bound, Equality, Requirement
from service.rules.conditions import compile_condition
from service.rules.fields import FIELDS
from service.rules.problems import Problem
from tests.unit.condition_fixtures import holds as _holds
from tests.unit.condition_fixtures import problems_of as _problems


def test_all_needs_every_condition() -> None:
    both = [
        {"field": "enrichment.territory", "equals": "NA"},
        {"field": "enrichment.motion", "equals": "enterprise"},
    ]
    assert _holds({"all": both})
    assert not _holds({"all": [*both, {"field": "lead.do_not_call", "equals": True}]})


def test_any_needs_one_condition() -> None:
    assert _holds(
        {
            "any": [
                {"field": "enrichment.territory", "equals": "EMEA"},
                {"field": "enrichment.territory", "equals": "NA"},
            ]
        }
    )
    assert not _holds({"any": [{"field": "enrichment.territory", "equals": "EMEA"}]})


def test_not_inverts_a_condition() -> None:
    assert _holds({"not": {"field": "enrichment.territory", "equals": "EMEA"}})
    assert not _holds({"not": {"field": "enrichment.territory", "equals": "NA"}})


def test_always_matches_every_lead() -> None:
    assert _holds({"always": True}, lead=LeadAttributes(), enrichment=Enrichment())


def test_problems_inside_combinations_are_all_collected() -> None:
    problems = _problems(
        {
            "all": [
                {"field": "lead.contry", "equals": "US"},
                {"not": {"field": "enrichment.motion", "equals": "big"}},
                {"any": []},
                {"always": False},
            ]
        }
    )
    assert len(problems) == 4
    assert problems[0].startswith("rule 'r', field 'lead.contry': unknown field")
    assert problems[1].startswith("rule 'r', field 'enrichment.motion': 'big' is not one of")
    assert (
        problems[2] == "rule 'r', field 'when.all[2].any': any takes a non-empty list of conditions"
    )
    assert problems[3] == "rule 'r', field 'when.all[3].always': always takes the value true"


def test_condition_text_reads_like_the_rule() -> None:
    problems: list[Problem] = []
    compiled = compile_condition(
        {
            "all": [
                {"field": "enrichment.account.tier", "in": ["key", "strategic"]},
                {"any": [{"field": "lead.country", "equals": "US"}, {"always": True}]},
            ]
        },
        "r",
        "when",
        problems,
    )
    assert compiled is not None
    assert compiled.text == (
        "enrichment.account.tier in [key, strategic] and (lead.country == US or always)"
    )


EMAIL_REGEX = {"field": "lead.email", "regex": "@"}


@pytest.mark.parametrize(
    ("condition", "requirement"),
    [
        (
            {"field": "lead.country", "equals": "US"},
            Equality(FIELDS["lead.country"], frozenset({"US"})),
        ),
        (
            {"field": "lead.country", "in": ["US", "CA"]},
            Equality(FIELDS["lead.country"], frozenset({"US", "CA"})),
        ),
        ({"field": "lead.employee_count", "lt": 5}, Bound(FIELDS["lead.employee_count"], "lt", 5)),
        (
            {"field": "lead.employee_count", "lt": 1000, "gte": 200},
            Bound(FIELDS["lead.employee_count"], "gte", 200),
        ),
        (
            {"field": "lead.annual_revenue", "gte": float("nan"), "lt": 5.5},
            Bound(FIELDS["lead.annual_revenue"], "lt", 5.5),
        ),
        ({"field": "lead.annual_revenue", "gte": float("nan")}, None),
        (
            {"field": "lead.email", "glob": "*@Globex.COM"},
            Affix(FIELDS["lead.email"], "suffix", "@globex.com"),
        ),
        (
            {"field": "lead.job_title", "glob": "VP *"},
            Affix(FIELDS["lead.job_title"], "prefix", "vp "),
        ),
        ({"field": "lead.email", "glob": "*"}, None),
        ({"field": "lead.email", "glob": "*@*.com"}, None),
        ({"field": "lead.email", "glob": "?ank*"}, None),
        ({"field": "lead.email", "glob": "[hx]*"}, None),
        ({"field": "lead.email", "glob": "*@b\u00fccher.de"}, None),
        ({"field": "lead.email", "glob": "hank@globex.com"}, None),
        (EMAIL_REGEX, None),
        ({"field": "enrichment.account", "exists": True}, None),
        (
            {
                "all": [
                    EMAIL_REGEX,
                    {"field": "lead.employee_count", "gte": 10},
                    {"field": "lead.email", "glob": "*.com"},
                ]
            },
            Affix(FIELDS["lead.email"], "suffix", ".com"),
        ),
        (
            {
                "all": [
                    {"field": "lead.employee_count", "gte": 10},
                    {"field": "lead.email", "glob": "*.com"},
                    {"field": "enrichment.motion", "equals": "enterprise"},
                ]
            },
            Equality(FIELDS["enrichment.motion"], frozenset({"enterprise"})),
        ),
        (
            {"all": [EMAIL_REGEX, {"all": [{"field": "lead.employee_count", "gt": 10}]}]},
            Bound(FIELDS["lead.employee_count"], "gt", 10),
        ),
        (
            {
                "any": [
                    {"field": "lead.country", "equals": "US"},
                    {"field": "lead.country", "equals": "CA"},
                ]
            },
            None,
        ),
        ({"not": {"field": "lead.country", "equals": "US"}}, None),
        ({"always": True}, None),
    ],
)
def test_a_condition_names_one_simple_thing_that_must_hold_for_it_to_hold(
    condition: Any, requirement: Requirement | None
) -> None:
    problems: list[Problem] = []
    compiled = compile_condition(condition, "r", "when", problems)
    assert compiled is not None
    assert compiled.requirement == requirement
