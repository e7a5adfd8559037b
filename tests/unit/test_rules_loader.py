import pytest

from service.rules import RulesetError, load_ruleset

VALID = """
version: "2026.11.1"
queues:
  key-accounts: {strategy: account_owner, sla_minutes: 60, overflow: inside-sales}
  inside-sales: {strategy: weighted_round_robin, sla_minutes: 30, overflow: sales-fallback,
                 respect_capacity: true, respect_availability: true}
  field-sales-emea: {strategy: round_robin, sla_minutes: 120, overflow: inside-sales}
  sales-fallback: {strategy: unassigned, sla_minutes: 240}
rules:
  - id: not-sales-ready
    description: Leads below the sales-ready threshold go back to marketing nurture
    when: {field: score.sales_ready, equals: false}
    then: {nurture: true}
  - id: key-accounts
    when: {field: enrichment.account.tier, in: [key, strategic]}
    then: {queue: key-accounts, overflow: field-sales-emea}
fallback: sales-fallback
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        load_ruleset(text, "test.yaml")
    assert caught.value.source == "test.yaml"
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_ruleset_loads_with_its_queues_rules_and_fallback() -> None:
    ruleset = load_ruleset(VALID, "test.yaml")
    assert ruleset.version == "2026.11.1"
    assert ruleset.source == "test.yaml"
    assert [rule.id for rule in ruleset.rules] == ["not-sales-ready", "key-accounts"]
    assert ruleset.fallback == "sales-fallback"
    assert ruleset.scoring is None
    inside = ruleset.queues["inside-sales"]
    assert (inside.strategy, inside.sla_minutes, inside.overflow) == (
        "weighted_round_robin",
        30,
        "sales-fallback",
    )


def test_queue_flags_default_to_respecting_availability_and_capacity() -> None:
    queue = load_ruleset(VALID).queues["key-accounts"]
    assert queue.respect_availability is True
    assert queue.respect_capacity is True


def test_a_rule_overflow_override_is_resolved_into_its_queue_settings() -> None:
    rule = load_ruleset(VALID).rules[1]
    assert rule.action.queue_config is not None
    assert rule.action.queue_config.overflow == "field-sales-emea"
    assert rule.action.queue_config.strategy == "account_owner"


def test_the_scoring_section_is_kept_as_an_opaque_mapping() -> None:
    ruleset = load_ruleset(VALID + "scoring: {threshold: 65, anything: [1, 2]}\n")
    assert ruleset.scoring == {"threshold": 65, "anything": [1, 2]}


def test_text_that_is_not_yaml_is_one_problem() -> None:
    [problem] = _problems("version: [unclosed")
    assert problem.startswith("ruleset: not valid YAML")


def test_a_ruleset_must_be_a_mapping() -> None:
    assert _problems("- just\n- a list\n") == ["ruleset: a ruleset is a YAML mapping"]


def test_a_missing_fallback_is_an_error() -> None:
    text = VALID.replace("fallback: sales-fallback", "")
    assert _problems(text) == ["field 'fallback': required: the queue for leads no rule matches"]


def test_an_unquoted_version_number_is_an_error() -> None:
    [problem] = _problems(VALID.replace('"2026.11.1"', "2026.11"))
    assert problem.startswith("field 'version': required, as a quoted string")


def test_unknown_top_level_keys_are_errors() -> None:
    [problem] = _problems(VALID + "fallbak: sales-fallback\n")
    assert problem.startswith("field 'fallbak': unknown key 'fallbak'")


def test_an_unknown_queue_in_a_rule_names_the_rule() -> None:
    [problem] = _problems(
        VALID.replace("then: {queue: key-accounts,", "then: {queue: key-acounts,")
    )
    assert problem == "rule 'key-accounts', field 'then.queue': unknown queue 'key-acounts'"


def test_an_unknown_strategy_names_the_queue() -> None:
    [problem] = _problems(VALID.replace("strategy: account_owner", "strategy: owner"))
    assert problem.startswith("field 'queues.key-accounts.strategy': unknown strategy 'owner'")


def test_a_strategy_override_must_be_known() -> None:
    text = VALID.replace("then: {queue: key-accounts,", "then: {queue: key-accounts, strategy: x,")
    [problem] = _problems(text)
    assert problem.startswith("rule 'key-accounts', field 'then.strategy': unknown strategy 'x'")


def test_duplicate_rule_ids_are_errors() -> None:
    [problem] = _problems(VALID.replace("id: not-sales-ready", "id: key-accounts"))
    assert problem == "rule 'key-accounts', field 'id': duplicate rule id"


def test_a_rule_without_an_id_is_named_by_its_position() -> None:
    problems = _problems(VALID.replace("  - id: key-accounts\n", "  - description: x\n"))
    assert problems[0].startswith("rule 'rules[1]', field 'id': needs an id")


def test_unknown_rule_keys_are_errors() -> None:
    problems = _problems(VALID.replace("    then: {nurture: true}", "    than: {nurture: true}"))
    assert problems[0].startswith("rule 'not-sales-ready', field 'than': unknown key 'than'")
    assert problems[1] == (
        "rule 'not-sales-ready', field 'then': then is a mapping: {nurture: true} or {queue: ...}"
    )


def test_a_nurture_rule_cannot_also_name_a_queue() -> None:
    [problem] = _problems(VALID.replace("{nurture: true}", "{nurture: true, queue: inside-sales}"))
    assert problem.startswith("rule 'not-sales-ready', field 'then': a nurture rule names no queue")


def test_an_overflow_to_an_undeclared_queue_is_an_error() -> None:
    [problem] = _problems(VALID.replace("overflow: sales-fallback", "overflow: nowhere"))
    assert problem == "field 'queues.inside-sales.overflow': unknown queue 'nowhere'"


def test_an_overflow_loop_between_queues_is_an_error() -> None:
    text = VALID.replace(
        "sales-fallback: {strategy: unassigned, sla_minutes: 240}",
        "sales-fallback: {strategy: unassigned, sla_minutes: 240, overflow: key-accounts}",
    )
    problems = _problems(text)
    assert (
        "field 'queues.key-accounts.overflow': overflow loops: "
        "key-accounts -> inside-sales -> sales-fallback -> key-accounts"
    ) in problems


def test_a_rule_overflow_that_loops_back_to_its_queue_is_an_error() -> None:
    text = VALID.replace(
        "then: {queue: key-accounts, overflow: field-sales-emea}",
        "then: {queue: inside-sales, overflow: field-sales-emea}",
    )
    [problem] = _problems(text)
    assert problem == (
        "rule 'key-accounts', field 'then.overflow': overflow from 'inside-sales' loops back to it"
    )


def test_queue_names_must_suit_topic_names() -> None:
    problems = _problems(VALID.replace("field-sales-emea:", "Field Sales EMEA:"))
    assert problems[0].startswith("field 'queues.Field Sales EMEA': queue names are lowercase")


def test_queue_settings_are_type_checked() -> None:
    text = VALID.replace(
        "sales-fallback: {strategy: unassigned, sla_minutes: 240}",
        "sales-fallback: {strategy: unassigned, sla_minutes: 0, respect_capacity: maybe}",
    )
    assert _problems(text) == [
        "field 'queues.sales-fallback.sla_minutes': needs a positive number",
        "field 'queues.sales-fallback.respect_capacity': needs true or false",
    ]


def test_every_problem_is_reported_at_once() -> None:
    text = (
        VALID.replace("enrichment.account.tier", "enrichment.acount.tier")
        .replace("equals: false", "equals: nope")
        .replace("fallback: sales-fallback", "fallback: nowhere")
    )
    assert _problems(text) == [
        "field 'fallback': unknown queue 'nowhere'",
        "rule 'not-sales-ready', field 'score.sales_ready': "
        "equals nope: expected a bool value, got str",
        "rule 'key-accounts', field 'enrichment.acount.tier': unknown field; "
        "did you mean 'enrichment.account.tier'?",
    ]


def test_an_unquoted_yaml_boolean_for_a_text_field_asks_for_quotes() -> None:
    text = VALID.replace(
        "{field: enrichment.account.tier, in: [key, strategic]}",
        "{field: lead.country, equals: NO}",
    )
    assert _problems(text) == [
        "rule 'key-accounts', field 'lead.country': equals false: expected a str value, "
        "got bool; quote it"
    ]


def test_a_queue_may_count_its_sla_in_business_hours_and_climb_an_escalation_ladder() -> None:
    text = VALID.replace(
        "field-sales-emea: {strategy: round_robin, sla_minutes: 120, overflow: inside-sales}",
        "field-sales-emea: {strategy: round_robin, sla_minutes: 0.5, overflow: inside-sales,\n"
        "    business_hours: {timezone: Europe/Berlin, days: [1, 2, 3], start: '09:00',"
        " end: '17:30'},\n"
        "    escalation: {remind_after_minutes: 1, reroute_after_minutes: 5,"
        " then_queue: sales-fallback, max_steps: 3}}",
    )
    queue = load_ruleset(text).queues["field-sales-emea"]
    assert queue.sla_minutes == 0.5
    assert queue.business_hours is not None
    assert queue.business_hours.days == (1, 2, 3)
    assert str(queue.business_hours.end) == "17:30:00"
    assert queue.escalation is not None
    assert queue.escalation.then_queue == "sales-fallback"
    assert (queue.escalation.remind_after_minutes, queue.escalation.max_steps) == (1.0, 3)


def test_business_hours_and_the_ladder_are_validated() -> None:
    text = VALID.replace(
        "sales-fallback: {strategy: unassigned, sla_minutes: 240}",
        "sales-fallback: {strategy: unassigned, sla_minutes: 240,\n"
        "    business_hours: {timezone: Mars/Olympus, days: [0], start: '18:00', end: '09:00'},\n"
        "    escalation: {remind_after_minutes: 5, reroute_after_minutes: 5,"
        " then_queue: sales-fallback, max_steps: 0}}",
    )
    assert _problems(text) == [
        "field 'queues.sales-fallback.business_hours.timezone': unknown time zone 'Mars/Olympus'",
        "field 'queues.sales-fallback.business_hours.days': needs a list of ISO weekdays 1 to 7",
        "field 'queues.sales-fallback.business_hours.end': must be after start",
        "field 'queues.sales-fallback.escalation.reroute_after_minutes': must be after "
        "remind_after_minutes",
        "field 'queues.sales-fallback.escalation.max_steps': needs a whole number from 1 to 20",
        "field 'queues.sales-fallback.escalation.then_queue': needs another declared queue, "
        "not 'sales-fallback'",
    ]
