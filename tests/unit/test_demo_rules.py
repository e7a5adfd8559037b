"""The demo ruleset (`demo load --short-slas`): the default rules with SLAs of minutes."""

from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from agents.plumbing.topics import RULES
from agents.tools.demo import default_rules_text, demo_rules_text, reference_records
from service.policy import load_policy
from service.sla import next_step, sla_due_at

DEMO = load_policy(demo_rules_text(), "demo_rules.yaml")
FALLBACK = "sales-fallback"
# Service-level keys the demo changes; everything else routes as the default rules do.
SERVICE_LEVEL_KEYS = ("sla_minutes", "escalation", "respect_availability")


def without_service_levels(text: str) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(text)
    raw.pop("version")
    for queue in raw["queues"].values():
        for key in SERVICE_LEVEL_KEYS:
            queue.pop(key, None)
    return raw


def test_the_demo_ruleset_validates_with_the_rules_loader_under_its_own_version() -> None:
    default = load_policy(default_rules_text(), "default_rules.yaml")

    assert DEMO.version == "2026.11.1-demo"
    assert DEMO.version != default.version


def test_the_demo_ruleset_routes_as_the_default_rules_and_differs_only_in_service_levels() -> None:
    assert without_service_levels(demo_rules_text()) == without_service_levels(default_rules_text())


def test_every_demo_queue_is_due_within_two_minutes_around_the_clock() -> None:
    sunday_night = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

    for queue in DEMO.ruleset.queues.values():
        assert queue.business_hours is None
        # Reps are taken at any hour (an unassigned queue picks nobody).
        assert queue.respect_availability is False or queue.strategy == "unassigned"
        assert sla_due_at(queue, sunday_night) <= sunday_night + timedelta(minutes=2)


def test_an_unaccepted_demo_lead_is_reminded_then_rerouted_within_three_minutes() -> None:
    routed = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    for name, queue in DEMO.ruleset.queues.items():
        if name == FALLBACK:
            continue
        ladder = queue.escalation
        assert ladder is not None, name
        assert ladder.then_queue == FALLBACK
        due = sla_due_at(queue, routed)
        remind = next_step(ladder, due, steps_done=0, reminded=False)
        reroute = next_step(ladder, due, steps_done=1, reminded=True)
        assert remind is not None
        assert reroute is not None
        assert remind.action == "remind"
        assert reroute.action == "reroute"
        assert routed < remind.at < reroute.at <= routed + timedelta(minutes=3)


def test_the_last_stop_has_no_ladder_and_reports_its_breach_once() -> None:
    fallback = DEMO.ruleset.queues[FALLBACK]

    assert DEMO.ruleset.fallback == FALLBACK
    assert fallback.escalation is None
    assert fallback.sla_minutes == 2


def test_demo_load_with_short_slas_publishes_the_demo_ruleset_instead_of_the_default() -> None:
    [(_, default)] = reference_records()[RULES]
    [(_, short)] = reference_records(short_slas=True)[RULES]

    assert default.decode() == default_rules_text()
    assert short.decode() == demo_rules_text()
