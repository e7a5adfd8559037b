"""The records the profile stage sends for one evaluated event, built from its evaluation."""

from datetime import datetime

from schemas.decisions import Decision, LeadNurtured, LeadTimestamps, LeadUpdate, scored_fields
from schemas.events import LeadEvent
from schemas.pipeline import QualifiedLead, SourceRecord
from service.decision_ids import decision_id as routing_decision_id
from service.pipeline import Evaluation
from service.queues import queue_fields


def nurture_decision(evaluation: Evaluation, identity: str, decided_at: datetime) -> Decision:
    route = evaluation.route
    if route is None:
        raise ValueError("a decision needs the evaluated route")
    return Decision(
        decision_id=evaluation.decision_id,
        lead_identity=identity,
        generation=evaluation.generation,
        outcome=evaluation.outcome or "nurtured",
        ruleset_version=route.ruleset_version,
        rule_id=route.rule_id,
        reason=route.reason
        if evaluation.outcome == "nurtured"
        else "sales already has this lead; not routed again",
        rules_evaluated=route.rules_evaluated,
        decided_at=decided_at,
        **scored_fields(evaluation.score),
    )


def qualified_lead(
    evaluation: Evaluation, identity: str, event: LeadEvent, source: SourceRecord
) -> QualifiedLead:
    route, score, enrichment = evaluation.route, evaluation.score, evaluation.enrichment
    if route is None or score is None or enrichment is None or route.queue_config is None:
        raise ValueError("a qualified lead needs its route, score and enrichment")
    config = route.queue_config
    return QualifiedLead(
        decision_id=evaluation.decision_id,
        identity=identity,
        generation=evaluation.generation,
        event_id=event.event_id,
        lead=evaluation.profile.attributes,
        enrichment=enrichment,
        score=score,
        **queue_fields(config),
        rule_id=route.rule_id,
        ruleset_version=route.ruleset_version,
        reason=route.reason,
        rules_evaluated=route.rules_evaluated,
        occurred_at=event.occurred_at,
        received_at=source.timestamp,
        sales_ready_at=source.timestamp,
    )


def nurtured_record(
    evaluation: Evaluation, decision: Decision, event: LeadEvent, source: SourceRecord
) -> LeadNurtured:
    score, enrichment = evaluation.score, evaluation.enrichment
    if score is None or enrichment is None:
        raise ValueError("a nurtured lead needs its score and enrichment")
    return LeadNurtured(
        lead_identity=decision.lead_identity,
        event_id=event.event_id,
        reason=decision.reason,
        lead=evaluation.profile.attributes,
        enrichment=enrichment,
        score=score,
        decision_id=decision.decision_id,
        timestamps=LeadTimestamps(occurred_at=event.occurred_at, received_at=source.timestamp),
    )


def update_record(evaluation: Evaluation, event: LeadEvent, source: SourceRecord) -> LeadUpdate:
    """What the rep of a lead sales already has hears of its new activity."""
    update, score = evaluation.update, evaluation.score
    if update is None or score is None:
        raise ValueError("an update needs the evaluated update and score")
    profile = evaluation.profile
    return LeadUpdate(
        decision_id=routing_decision_id(profile.identity, profile.generation),
        lead_identity=profile.identity,
        event_id=event.event_id,
        activity=event.activity.type if event.activity is not None else None,
        score=score,
        previous_total=update.previous_total,
        changes=update.changes,
        folded=update.folded,
        timestamps=LeadTimestamps(occurred_at=event.occurred_at, received_at=source.timestamp),
    )
