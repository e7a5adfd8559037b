"""What the assign stage records and sends for a decision: the ledger entry that makes it
idempotent, and the records built from it (routed, overflowed)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from schemas.decisions import CandidateTrace, Decision, LeadRouted, LeadTimestamps, scored_fields
from schemas.pipeline import QualifiedLead
from service.rules import QueueConfig
from service.sla import sla_due_at


class LedgerEntry(BaseModel):
    """What the ledger remembers of an assignment: enough to send the same record again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    queue: str
    rep_id: str | None
    routed_at: datetime
    candidates: tuple[CandidateTrace, ...]
    counters: dict[str, int]
    note: str
    # The SLA due time as decided (None in entries written before it was kept).
    due_at: datetime | None = None
    # Set when the queue could not take the lead: where it went, with that queue's settings.
    overflow_to: str | None = None
    overflow_fields: dict[str, Any] | None = None
    # The queue's state after this assignment (`QueueState.to_dict`; None for an overflow or
    # an entry written before it was kept): a replay stores it again if a crash lost its write.
    state_after: dict[str, Any] | None = None


def ledger_key(lead: QualifiedLead) -> bytes:
    """One entry per decision and hop: an overflowed lead is decided again in the next queue."""
    hop = len(lead.overflowed_from)
    return (lead.decision_id if hop == 0 else f"{lead.decision_id}#{hop}").encode()


def considered(lead: QualifiedLead, entry: LedgerEntry) -> tuple[CandidateTrace, ...]:
    """Everyone considered for the lead so far, each with the queue they were considered in."""
    here = tuple(c.model_copy(update={"queue": entry.queue}) for c in entry.candidates)
    return (*lead.passed_over, *here)


def overflowed(lead: QualifiedLead, entry: LedgerEntry) -> QualifiedLead:
    """The lead as the next queue on its overflow path receives it."""
    assert entry.overflow_to is not None
    assert entry.overflow_fields is not None
    why = f"{lead.queue} passed it on to {entry.overflow_to}" + (
        f" ({entry.note})" if entry.note else ""
    )
    return lead.model_copy(
        update={
            **entry.overflow_fields,
            "overflowed_from": (*lead.overflowed_from, lead.queue),
            "passed_over": considered(lead, entry),
            "reason": f"{lead.reason}; {why}",
        }
    )


def excluded_traces(lead: QualifiedLead) -> tuple[CandidateTrace, ...]:
    detail = "had the lead before it was escalated"
    return tuple(
        CandidateTrace(rep_id=rep_id, outcome="excluded", detail=detail)
        for rep_id in lead.excluded_reps
    )


def routed_record(lead: QualifiedLead, entry: LedgerEntry, config: QueueConfig) -> LeadRouted:
    decision = Decision(
        decision_id=lead.decision_id,
        lead_identity=lead.identity,
        generation=lead.generation,
        outcome="routed",
        queue=lead.queue,
        strategy=lead.strategy,
        rep_id=entry.rep_id,
        rule_id=lead.rule_id,
        ruleset_version=lead.ruleset_version,
        reason=f"{lead.reason}; {entry.note}" if entry.note else lead.reason,
        rules_evaluated=lead.rules_evaluated,
        candidates=considered(lead, entry),
        counters=entry.counters,
        overflowed_from=lead.overflowed_from,
        decided_at=entry.routed_at,
        **scored_fields(lead.score),
    )
    return LeadRouted(
        decision_id=lead.decision_id,
        lead_identity=lead.identity,
        event_id=lead.event_id,
        queue=lead.queue,
        rep_id=entry.rep_id,
        lead=lead.lead,
        enrichment=lead.enrichment,
        score=lead.score,
        decision=decision,
        timestamps=LeadTimestamps(
            occurred_at=lead.occurred_at,
            received_at=lead.received_at,
            sales_ready_at=lead.sales_ready_at,
            routed_at=entry.routed_at,
        ),
        sla_due_at=entry.due_at or sla_due_at(config, entry.routed_at),
    )
