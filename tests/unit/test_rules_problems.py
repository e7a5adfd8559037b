from service.rules.problems import Problem, RulesetError


def test_a_problem_reads_rule_then_field_then_message() -> None:
    problem = Problem("key-accounts", "enrichment.acount.tier", "unknown field")
    assert str(problem) == "rule 'key-accounts', field 'enrichment.acount.tier': unknown field"


def test_a_ruleset_wide_problem_names_only_the_field() -> None:
    assert str(Problem(None, "fallback", "required")) == "field 'fallback': required"
    assert str(Problem(None, None, "not valid YAML")) == "ruleset: not valid YAML"


def test_ruleset_error_lists_every_problem_with_its_source() -> None:
    error = RulesetError(
        (Problem("a", "when", "missing"), Problem(None, "fallback", "required")), "rules.yaml"
    )
    assert error.problems[1].field == "fallback"
    assert str(error) == (
        "rules.yaml: 2 problem(s) in ruleset\n"
        "  - rule 'a', field 'when': missing\n"
        "  - field 'fallback': required"
    )
