"""Routing decisions and what leadrouter publishes to sales, marketing and the audit trail."""

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from schemas.base import OutputModel
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Grade, LearnedLine, Score, ScoreSource

Outcome = Literal["routed", "nurtured", "already_routed"]
CandidateOutcome = Literal[
    "assigned",
    "not_next_in_rotation",
    "at_capacity",
    "out_of_office",
    "outside_working_hours",
    "inactive",
    "not_in_pool",
    "unknown_rep",
    "excluded",
]


class RuleTrace(OutputModel):
    rule_id: str
    matched: bool


class CandidateTrace(OutputModel):
    """Why one rep did or did not get the lead."""

    rep_id: str
    outcome: CandidateOutcome
    detail: str | None = None
    queue: str | None = Field(
        default=None, description="the queue the rep was considered in (set on overflow paths)"
    )


class Decision(OutputModel):
    """The why of one decision: which rule matched, who was considered, which counters were used."""

    decision_id: str = Field(description="stable across replays: hash of identity + generation")
    lead_identity: str
    generation: int
    outcome: Outcome
    queue: str | None = None
    strategy: str | None = None
    rep_id: str | None = None
    rule_id: str | None = None
    ruleset_version: str
    reason: str
    rules_evaluated: tuple[RuleTrace, ...] = ()
    candidates: tuple[CandidateTrace, ...] = ()
    counters: dict[str, int] = Field(default_factory=dict)
    overflowed_from: tuple[str, ...] = ()
    decided_at: AwareDatetime
    decided_by: ScoreSource = Field(
        default="rules", description="which score made the sales-ready call (see Score)"
    )
    model_version: str | None = None
    conversion_probability: float | None = Field(default=None, ge=0, le=1)
    learned_grade: Grade | None = None
    learned: tuple[LearnedLine, ...] = ()


def scored_fields(score: Score | None) -> dict[str, Any]:
    """What a decision repeats of the score that led to it: which score decided, and the
    learned probability, grade, model version and contributions."""
    if score is None:
        return {}
    return {
        "decided_by": score.decided_by,
        "model_version": score.model_version,
        "conversion_probability": score.conversion_probability,
        "learned_grade": score.learned_grade,
        "learned": score.learned,
    }


class LeadTimestamps(OutputModel):
    occurred_at: AwareDatetime = Field(description="when the marketing system saw the event")
    received_at: AwareDatetime = Field(description="Kafka timestamp of the event on intake")
    sales_ready_at: AwareDatetime | None = Field(
        default=None, description="Kafka timestamp of the event that made the lead sales-ready"
    )
    routed_at: AwareDatetime | None = None


class LeadRouted(OutputModel):
    """What a sales tool reads from `sales.queue.<queue>.v1`."""

    decision_id: str
    lead_identity: str
    event_id: str = Field(description="the event that made the lead sales-ready")
    queue: str
    rep_id: str | None
    lead: LeadAttributes
    enrichment: Enrichment
    score: Score
    decision: Decision
    timestamps: LeadTimestamps
    sla_due_at: AwareDatetime


class SalesReturn(OutputModel):
    """Why sales gave a lead back to marketing: the verdict, its reason, the rep, the decision."""

    outcome: str = Field(description="rejected, disqualified or lost")
    reason: str | None = None
    rep_id: str | None = None
    decision_id: str = Field(description="the routing decision sales gave back")
    occurred_at: AwareDatetime


class LeadNurtured(OutputModel):
    """What marketing reads from `leads.nurture.v1`: the lead stays with marketing, and why.

    `returned_by_sales` is set when sales rejected, disqualified or lost a routed lead: the
    nurture program learns why, from whom, and for which decision.
    """

    lead_identity: str
    event_id: str
    reason: str
    lead: LeadAttributes
    enrichment: Enrichment
    score: Score
    decision_id: str
    timestamps: LeadTimestamps
    returned_by_sales: SalesReturn | None = None


class LeadUpdate(OutputModel):
    """What a sales tool reads from `sales.updates.v1`: new activity on a lead sales already
    has, keyed by lead identity and naming the routing decision the rep holds.

    Hand-raising activity (a demo request, contact sales, a trial, an unsubscribe) is sent at
    once; other activity at most once per interval per lead, `folded` counting the events it
    stands for since the previous update.
    """

    decision_id: str
    lead_identity: str
    event_id: str
    activity: str | None
    score: Score
    previous_total: int | None = Field(description="the score sales last heard of")
    changes: tuple[str, ...] = Field(description="what changed, readable by a rep")
    folded: int = Field(ge=1, description="events this update stands for")
    timestamps: LeadTimestamps
