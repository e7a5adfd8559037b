"""SLA clocks: the records that start, stop and escalate them, and what sales is told.

Internal commands travel on `leadrouter.leads.qualified.v1` beside the qualified leads, told
apart by their `kind` (a qualified lead has none): the clock records (`sla_started`,
`sla_feedback`, `sla_step_taken`) are keyed by decision id, so one partition owns each clock;
`sla_breach` and `sla_credit` are keyed by queue, so the partition that owns the queue escalates.
"""

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, TypeAdapter

from schemas.base import OutputModel
from schemas.feedback import FeedbackOutcome
from schemas.pipeline import QualifiedLead

StepAction = Literal["remind", "reroute", "breached"]


class EscalationSettings(OutputModel):
    """The queue's ladder when the clock started (a later ruleset does not change it)."""

    remind_after_minutes: float
    reroute_after_minutes: float
    max_steps: int
    then_queue: str | None = None


class SlaClock(OutputModel):
    """One routed decision's clock (table `sla-clocks`, keyed by decision id)."""

    decision_id: str
    lead_identity: str
    queue: str
    rep_id: str | None
    routed_at: AwareDatetime
    due_at: AwareDatetime
    steps_done: int = 0
    reminded: bool = False
    # Why the clock stopped: accepted, rejected, ..., rerouted, exhausted; None while it runs.
    closed: str | None = None
    closed_at: AwareDatetime | None = None
    escalation: EscalationSettings | None = None
    # Reps who had the lead, this one included: a re-route never goes back to them.
    excluded_reps: tuple[str, ...] = ()
    lead: QualifiedLead | None = Field(default=None, description="the lead as routed")


class SlaStarted(OutputModel):
    kind: Literal["sla_started"] = "sla_started"
    clock: SlaClock


class SlaFeedback(OutputModel):
    """A sales tool's verdict on a decision, for its clock."""

    kind: Literal["sla_feedback"] = "sla_feedback"
    decision_id: str
    outcome: FeedbackOutcome
    rep_id: str | None = None
    reason: str | None = None
    occurred_at: AwareDatetime


class SlaStepTaken(OutputModel):
    """The queue's partition did a step: the clock moves on (or stops)."""

    kind: Literal["sla_step_taken"] = "sla_step_taken"
    decision_id: str
    step: int
    action: StepAction
    closed: str | None = None
    at: AwareDatetime


class SlaBreach(OutputModel):
    """Command: take escalation step `step` for the clock's decision (idempotent per step)."""

    kind: Literal["sla_breach"] = "sla_breach"
    decision_id: str
    step: int
    action: StepAction
    clock: SlaClock


class SlaCredit(OutputModel):
    """Command: give the rep their rotation turn back, for a lead sales rejected as not a fit."""

    kind: Literal["sla_credit"] = "sla_credit"
    decision_id: str
    queue: str
    rep_id: str
    reason: str
    at: AwareDatetime


SlaCommand = Annotated[
    SlaStarted | SlaFeedback | SlaStepTaken | SlaBreach | SlaCredit, Field(discriminator="kind")
]
SLA_COMMAND = TypeAdapter(SlaCommand)


class SlaNotice(OutputModel):
    """What `leads.sla.v1` carries: a lead nobody accepted in time, and what was done."""

    decision_id: str
    lead_identity: str
    queue: str
    rep_id: str | None
    action: StepAction
    step: int
    max_steps: int
    due_at: AwareDatetime
    at: AwareDatetime
    why: str
    next_decision_id: str | None = Field(
        default=None, description="the decision that re-routed the lead (action reroute)"
    )


class LeadWithdrawn(OutputModel):
    """On `sales.queue.<queue>.v1`: the decision is void, the rep no longer has the lead.

    Told apart from a `LeadRouted` by `type` (a routed record has none).
    """

    type: Literal["lead_withdrawn"] = "lead_withdrawn"
    decision_id: str
    lead_identity: str
    queue: str
    rep_id: str | None
    withdrawn_at: AwareDatetime
    reason: str
    next_decision_id: str
