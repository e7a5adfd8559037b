from dataclasses import replace
from datetime import timedelta

from schemas.pipeline import QualifiedLead, SourceRecord
from service.pipeline import evaluate_event
from service.queues import queue_config
from service.records import qualified_lead
from service.rules.ruleset import Escalation
from service.sla_clocks import clock_ladder, new_clock
from tests.unit.domain_fixtures import (
    GLOBEX,
    KEY_ACCOUNT_VP,
    NOW,
    accounts,
    default_policy,
    lead_event,
)

LADDER = Escalation(
    remind_after_minutes=30, reroute_after_minutes=60, max_steps=2, then_queue="inside-sales"
)
DUE = NOW + timedelta(hours=4)


def routed_lead() -> QualifiedLead:
    event = lead_event("e1", KEY_ACCOUNT_VP, "demo_request")
    evaluation = evaluate_event(
        None, event, "email:vp", NOW, accounts(GLOBEX), default_policy(), offset=0
    )
    source = SourceRecord(topic="leads.events.v1", partition=0, offset=0, timestamp=NOW)
    return qualified_lead(evaluation, "email:vp", event, source)


def test_a_clock_is_due_when_the_queue_promised_and_names_the_lead_and_its_rep() -> None:
    lead = routed_lead()
    clock = new_clock(lead, queue_config(lead), "rep-1", NOW, DUE)
    assert (clock.decision_id, clock.lead_identity, clock.queue) == (
        lead.decision_id,
        "email:vp",
        lead.queue,
    )
    assert (clock.rep_id, clock.routed_at, clock.due_at, clock.steps_done) == ("rep-1", NOW, DUE, 0)


def test_without_a_ladder_the_clock_only_watches_and_does_not_carry_the_lead() -> None:
    lead = routed_lead()
    clock = new_clock(lead, replace(queue_config(lead), escalation=None), "rep-1", NOW, DUE)
    assert clock.escalation is None
    assert clock.lead is None
    assert clock_ladder(clock) is None


def test_a_clock_keeps_the_ladder_the_queue_had_when_the_lead_was_routed() -> None:
    lead = routed_lead()
    clock = new_clock(lead, replace(queue_config(lead), escalation=LADDER), "rep-1", NOW, DUE)
    assert clock.lead == lead
    assert clock_ladder(clock) == LADDER


def test_the_rep_who_had_the_lead_is_never_given_it_again_by_a_reroute() -> None:
    lead = routed_lead().model_copy(update={"excluded_reps": ("rep-0",), "escalation_step": 1})
    config = replace(queue_config(lead), escalation=LADDER)
    clock = new_clock(lead, config, "rep-1", NOW, DUE)
    assert clock.excluded_reps == ("rep-0", "rep-1")
    assert clock.steps_done == 1
    assert new_clock(lead, config, "rep-0", NOW, DUE).excluded_reps == ("rep-0",)
    assert new_clock(lead, config, None, NOW, DUE).excluded_reps == ("rep-0",)
