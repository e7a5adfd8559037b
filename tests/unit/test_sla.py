from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from service.decision_ids import escalation_decision_id
from service.rules import QueueConfig
from service.rules.ruleset import BusinessHours, Escalation
from service.sla import NextStep, escalation_why, is_due, next_step, sla_due_at

QUEUE = QueueConfig(name="inside-sales", strategy="round_robin", sla_minutes=30)


def test_a_lead_is_due_the_queues_sla_minutes_after_routing() -> None:
    routed = datetime(2026, 3, 18, 23, 45, tzinfo=UTC)
    assert sla_due_at(QUEUE, routed) == routed + timedelta(minutes=30)


def test_a_naive_routing_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sla_due_at(QUEUE, datetime(2026, 3, 18, 12, 0))


BERLIN_HOURS = BusinessHours(
    timezone="Europe/Berlin", days=(1, 2, 3, 4, 5), start=time(9, 0), end=time(17, 0)
)
OFFICE = replace(QUEUE, business_hours=BERLIN_HOURS)
LADDER = Escalation(remind_after_minutes=0, reroute_after_minutes=15, max_steps=3)
DUE = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def test_fractional_sla_minutes_count_seconds() -> None:
    queue = replace(QUEUE, sla_minutes=0.05)
    assert sla_due_at(queue, DUE) == DUE + timedelta(seconds=3)


def test_inside_business_hours_the_clock_runs_as_on_a_calendar() -> None:
    routed = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Berlin
    assert sla_due_at(OFFICE, routed) == routed + timedelta(minutes=30)


def test_a_lead_routed_on_friday_evening_is_due_after_the_queue_opens_on_monday() -> None:
    routed = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)  # Friday 19:00 in Berlin
    # Monday 09:30 Berlin (CET, UTC+1) is 08:30 UTC.
    assert sla_due_at(OFFICE, routed) == datetime(2026, 3, 23, 8, 30, tzinfo=UTC)


def test_the_minutes_left_at_closing_time_carry_over_to_the_next_working_day() -> None:
    routed = datetime(2026, 3, 18, 15, 50, tzinfo=UTC)  # Wednesday 16:50 in Berlin
    # 10 minutes on Wednesday, 20 on Thursday from 09:00 Berlin.
    assert sla_due_at(OFFICE, routed) == datetime(2026, 3, 19, 8, 20, tzinfo=UTC)


def test_business_hours_follow_daylight_saving_time() -> None:
    routed = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)  # Friday 17:00 CET: closed
    # Berlin moves to CEST (UTC+2) on Sunday 29 March: Monday 09:30 is 07:30 UTC.
    assert sla_due_at(OFFICE, routed) == datetime(2026, 3, 30, 7, 30, tzinfo=UTC)


def test_without_a_ladder_the_breach_is_reported_once_at_the_due_time() -> None:
    assert next_step(None, DUE, 0, reminded=False) == NextStep(1, "breached", DUE)
    assert next_step(None, DUE, 1, reminded=True) is None


def test_the_ladder_reminds_at_the_breach_then_reroutes_after_the_delay() -> None:
    first = next_step(LADDER, DUE, 0, reminded=False)
    assert first == NextStep(1, "remind", DUE)
    second = next_step(LADDER, DUE, 1, reminded=True)
    assert second == NextStep(2, "reroute", DUE + timedelta(minutes=15))
    assert not is_due(second, DUE + timedelta(minutes=14))
    assert is_due(second, DUE + timedelta(minutes=15))


def test_a_rerouted_lead_continues_the_ladder_and_stops_at_max_steps() -> None:
    # After the re-route (2 steps), the next clock reminds (step 3) and then nothing more.
    assert next_step(LADDER, DUE, 2, reminded=False) == NextStep(3, "remind", DUE)
    assert next_step(LADDER, DUE, 3, reminded=True) is None


def test_the_why_of_a_reroute_names_the_breach_the_step_and_the_excluded_reps() -> None:
    why = escalation_why(
        decision_id="d0",
        rep_id="rep-1",
        due_at=DUE,
        step=2,
        max_steps=3,
        excluded=("rep-1",),
        target="inside-sales",
    )
    assert why == (
        "SLA breached: decision d0 (rep-1) not accepted by 2026-03-18T12:00:00+00:00; "
        "escalation step 2 of 3: re-routed to inside-sales, excluding rep-1"
    )


def test_an_escalation_decision_id_is_stable_and_differs_per_step() -> None:
    assert escalation_decision_id("d0", 2) == escalation_decision_id("d0", 2)
    assert escalation_decision_id("d0", 2) != escalation_decision_id("d0", 4)
    assert len(escalation_decision_id("d0", 2)) == 24
