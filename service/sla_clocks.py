"""The SLA clock a routed lead starts, and the escalation ladder it carries.

A clock is a record (`schemas.sla.SlaClock`) so that it survives in a table; the ladder is
copied into it from the queue's configuration when the lead is routed, so a later change of
the rules does not change the promise made for a lead already with sales.
"""

from datetime import datetime

from schemas.pipeline import QualifiedLead
from schemas.sla import EscalationSettings, SlaClock
from service.rules import QueueConfig
from service.rules.ruleset import Escalation


def clock_ladder(clock: SlaClock) -> Escalation | None:
    """The escalation ladder the clock carries (None: the lead is only watched, never moved)."""
    ladder = clock.escalation
    if ladder is None:
        return None
    return Escalation(
        remind_after_minutes=ladder.remind_after_minutes,
        reroute_after_minutes=ladder.reroute_after_minutes,
        max_steps=ladder.max_steps,
        then_queue=ladder.then_queue,
    )


def new_clock(
    lead: QualifiedLead,
    config: QueueConfig,
    rep_id: str | None,
    routed_at: datetime,
    due_at: datetime,
) -> SlaClock:
    """The clock of a lead routed to `rep_id` (None: to the queue) and due at `due_at`.

    A re-route never hands the lead back to a rep who already let it wait: the rep joins the
    lead's excluded reps. Only a ladder re-routes, so only a clock with one carries the lead.
    """
    ladder = config.escalation
    excluded = lead.excluded_reps
    if rep_id is not None and rep_id not in excluded:
        excluded = (*excluded, rep_id)
    return SlaClock(
        decision_id=lead.decision_id,
        lead_identity=lead.identity,
        queue=lead.queue,
        rep_id=rep_id,
        routed_at=routed_at,
        due_at=due_at,
        steps_done=lead.escalation_step,
        escalation=None
        if ladder is None
        else EscalationSettings(
            remind_after_minutes=ladder.remind_after_minutes,
            reroute_after_minutes=ladder.reroute_after_minutes,
            max_steps=ladder.max_steps,
            then_queue=ladder.then_queue,
        ),
        excluded_reps=excluded,
        lead=lead if ladder is not None else None,
    )
