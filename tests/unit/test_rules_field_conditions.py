"""Conditions on one field (equals, in, ranges, exists, glob, regex) hold for the leads they
describe, and name the problem when they do not fit their field."""

import pytest

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from tests.unit.condition_fixtures import holds as _holds
from tests.unit.condition_fixtures import lead_score as _score
from tests.unit.condition_fixtures import problems_of as _problems


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
