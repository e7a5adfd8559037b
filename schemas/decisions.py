"""Routing decisions and what leadrouter publishes to sales, marketing and the audit trail."""

from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.base import OutputModel
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score

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


class LeadNurtured(OutputModel):
    """What marketing reads from `leads.nurture.v1`: the lead stays with marketing, and why."""

    lead_identity: str
    event_id: str
    reason: str
    lead: LeadAttributes
    enrichment: Enrichment
    score: Score
    decision_id: str
    timestamps: LeadTimestamps
