"""Records passed between leadrouter's own stages on its internal topics."""

from pydantic import AwareDatetime

from schemas.base import OutputModel
from schemas.decisions import CandidateTrace, RuleTrace
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes, LeadEvent
from schemas.feedback import SalesFeedback
from schemas.scores import Score


class SourceRecord(OutputModel):
    """Where an input record sat in Kafka, for tracing and for dead-lettering later failures."""

    topic: str
    partition: int
    offset: int
    timestamp: AwareDatetime


class KeyedLeadEvent(OutputModel):
    """A validated event or sales feedback, re-keyed by lead identity (-> profile stage).

    Exactly one of `event` and `feedback` is set.
    """

    identity: str
    event: LeadEvent | None = None
    feedback: SalesFeedback | None = None
    source: SourceRecord
    # Whether the input record's Kafka key was the lead's identity: only such a record can have
    # gone direct (`agents/plumbing/lanes.py`). Records written before the field say True, which
    # leaves them to the offsets alone, as then.
    keyed_by_identity: bool = True


class QualifiedLead(OutputModel):
    """A sales-ready lead with its chosen queue, keyed by queue (profile -> assign stage)."""

    decision_id: str
    identity: str
    generation: int
    event_id: str
    lead: LeadAttributes
    enrichment: Enrichment
    score: Score
    queue: str
    strategy: str
    overflow: str | None
    sla_minutes: int | float
    respect_availability: bool
    respect_capacity: bool
    rule_id: str | None
    ruleset_version: str
    reason: str
    rules_evaluated: tuple[RuleTrace, ...]
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    sales_ready_at: AwareDatetime
    overflowed_from: tuple[str, ...] = ()
    # Everyone considered in the queues the lead overflowed from, and why each was passed over.
    passed_over: tuple[CandidateTrace, ...] = ()
    # Set on a lead the escalation ladder re-routes: reps who had it (never assigned it again),
    # the ladder steps taken so far and the decision it was taken away from.
    excluded_reps: tuple[str, ...] = ()
    escalation_step: int = 0
    escalated_from: str | None = None
