from typing import Any

import pytest

from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score, ScoreLine
from service.rules.compiled_conditions import Affix, Bound, Equality, Requirement
from service.rules.conditions import compile_condition
from service.rules.fields import FIELDS
from service.rules.problems import Problem


def _score(total: int = 70, *, sales_ready: bool = True) -> Score:
    return Score(
        fit=total,
        engagement=0,
        total=total,
        grade="B",
        sales_ready=sales_ready,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="fit", points=total),),
    )


ACCOUNT = AccountMatch(
    account_id="acct-1",
    name="Globex Corporation",
    method="email_domain",
    tier="key",
    customer_status="customer",
    owner_rep_id="rep-1",
)
LEAD = LeadAttributes(
    email="hank@globex.com", country="United States", employee_count=4800, job_title="VP Sales"
)
ENRICHMENT = Enrichment(
    email="hank@globex.com",
    email_domain="globex.com",
    account=ACCOUNT,
    vertical="Consumer Products",
    territory="NA",
    motion="enterprise",
)


def _holds(
    condition: Any,
    lead: LeadAttributes = LEAD,
    enrichment: Enrichment = ENRICHMENT,
    score: Score | None = None,
) -> bool:
    problems: list[Problem] = []
    compiled = compile_condition(condition, "r", "when", problems)
    assert problems == []
    assert compiled is not None
    return compiled.predicate(lead, enrichment, score or _score())


def _problems(condition: Any) -> list[str]:
    problems: list[Problem] = []
    compiled = compile_condition(condition, "r", "when", problems)
    assert compiled is None
    return [str(problem) for problem in problems]


def test_equals_matches_the_exact_value_only() -> None:
    assert _holds({"field": "enrichment.territory", "equals": "NA"})
    assert not _holds({"field": "enrichment.territory", "equals": "EMEA"})


def test_equals_on_a_boolean_score_field() -> None:
    assert _holds({"field": "score.sales_ready", "equals": False}, score=_score(sales_ready=False))
    assert not _holds({"field": "score.sales_ready", "equals": False})


def test_equals_null_matches_an_empty_optional_field() -> None:
    assert _holds({"field": "lead.region", "equals": None})
    assert not _holds({"field": "lead.country", "equals": None})


def test_in_matches_any_listed_value() -> None:
    assert _holds({"field": "enrichment.account.tier", "in": ["key", "strategic"]})
    assert not _holds({"field": "enrichment.account.tier", "in": ["standard"]})


def test_a_nested_account_field_is_empty_when_no_account_matched() -> None:
    no_account = Enrichment()
    assert not _holds({"field": "enrichment.account.tier", "in": ["key"]}, enrichment=no_account)
    assert _holds({"field": "enrichment.account.tier", "exists": False}, enrichment=no_account)


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({"gt": 4799}, True),
        ({"gt": 4800}, False),
        ({"gte": 4800}, True),
        ({"lt": 4800}, False),
        ({"lte": 4800}, True),
        ({"gte": 1000, "lt": 5000}, True),
        ({"gte": 1000, "lt": 4800}, False),
    ],
)
def test_numeric_range_bounds(bounds: dict[str, int], expected: bool) -> None:
    assert _holds({"field": "lead.employee_count", **bounds}) is expected


def test_a_range_never_matches_an_empty_number() -> None:
    assert not _holds({"field": "lead.annual_revenue", "lt": 1_000_000})


def test_exists_tells_present_from_empty_values() -> None:
    assert _holds({"field": "lead.job_title", "exists": True})
    assert _holds({"field": "lead.phone", "exists": False})
    assert _holds({"field": "enrichment.account", "exists": True})


def test_exists_treats_an_empty_string_as_empty() -> None:
    assert not _holds(
        {"field": "lead.company_name", "exists": True}, lead=LeadAttributes(company_name="")
    )


def test_glob_matches_the_whole_text_ignoring_case() -> None:
    assert _holds({"field": "lead.email", "glob": "*@GLOBEX.com"})
    assert not _holds({"field": "lead.email", "glob": "*@globex"})


def test_regex_is_searched_as_written() -> None:
    assert _holds({"field": "lead.job_title", "regex": r"\bVP\b"})
    assert not _holds({"field": "lead.job_title", "regex": r"^vp"})


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


def test_unknown_field_is_named_with_a_suggestion() -> None:
    assert _problems({"field": "enrichment.acount.tier", "in": ["key"]}) == [
        "rule 'r', field 'enrichment.acount.tier': unknown field; "
        "did you mean 'enrichment.account.tier'?"
    ]


def test_a_value_outside_a_literal_fields_choices_is_an_error() -> None:
    [problem] = _problems({"field": "enrichment.territory", "equals": "Europe"})
    assert problem.startswith("rule 'r', field 'enrichment.territory': 'Europe' is not one of")


def test_a_range_on_a_text_field_is_an_error() -> None:
    [problem] = _problems({"field": "lead.country", "gt": 3})
    assert problem == "rule 'r', field 'lead.country': gt needs a number field; this is str"


def test_a_range_bound_must_be_a_number() -> None:
    [problem] = _problems({"field": "lead.employee_count", "gte": "1000"})
    assert "gte needs a number" in problem


def test_equals_with_the_wrong_type_is_an_error() -> None:
    [problem] = _problems({"field": "score.sales_ready", "equals": "no"})
    assert problem.startswith("rule 'r', field 'score.sales_ready': equals no: expected a bool")


def test_a_regex_that_does_not_compile_is_an_error() -> None:
    [problem] = _problems({"field": "lead.email", "regex": "(unclosed"})
    assert problem.startswith("rule 'r', field 'lead.email': regex does not compile")


def test_glob_on_a_number_field_is_an_error() -> None:
    [problem] = _problems({"field": "lead.employee_count", "glob": "1*"})
    assert "glob needs a text field" in problem


def test_exists_on_a_field_that_always_has_a_value_is_an_error() -> None:
    [problem] = _problems({"field": "enrichment.territory", "exists": True})
    assert "always has a value" in problem


def test_a_record_field_only_supports_exists() -> None:
    [problem] = _problems({"field": "enrichment.account", "equals": "x"})
    assert "only exists applies" in problem


def test_unknown_keys_in_a_condition_are_named() -> None:
    problems = _problems({"field": "lead.country", "equal": "US"})
    assert "rule 'r', field 'when.equal': unknown key 'equal'" in problems


def test_two_operators_in_one_condition_are_an_error() -> None:
    [problem] = _problems({"field": "lead.country", "equals": "US", "in": ["US"]})
    assert "one operator per condition" in problem


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
