import pytest

from service.policy import load_policy
from service.rules import RulesetError
from tests.unit.domain_fixtures import default_rules_text


def test_the_shipped_rules_load_with_the_default_scoring() -> None:
    policy = load_policy(default_rules_text())

    assert policy.version == policy.ruleset.version
    assert policy.scoring.sales_ready_threshold == 60


def test_a_scoring_section_in_the_ruleset_sets_the_threshold() -> None:
    text = default_rules_text() + "\nscoring:\n  sales_ready_threshold: 75\n"

    assert load_policy(text).scoring.sales_ready_threshold == 75


def test_an_invalid_scoring_section_is_reported_as_a_ruleset_problem_naming_the_field() -> None:
    text = default_rules_text() + "\nscoring:\n  sales_ready_threshold: 175\n"

    with pytest.raises(RulesetError) as raised:
        load_policy(text, "rules.yaml")

    [problem] = raised.value.problems
    assert problem.field == "scoring.sales_ready_threshold"
    assert "rules.yaml" in str(raised.value)
