"""Profile stage: per-lead state, enrichment, scoring and the queue decision.

Reads the keyed topic (one lead's events are in one partition, in order), keeps each lead's
profile in a table keyed by identity, and sends the outcome: sales-ready leads to the assign
stage keyed by queue, the others back to marketing nurture; every decision to the audit topic.
"""

import logging
from datetime import datetime
from typing import Any

from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    NURTURE,
    PROFILES_TABLE,
)
from schemas.decisions import Decision, LeadNurtured, LeadTimestamps
from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback
from schemas.pipeline import KeyedLeadEvent, QualifiedLead, SourceRecord
from schemas.profiles import LeadProfile
from service.feedback import apply_feedback
from service.pipeline import Evaluation, evaluate_event
from service.queues import queue_fields

log = logging.getLogger(__name__)


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


def register_profiling(runtime: Runtime, reference: ReferenceData) -> None:
    settings = runtime.settings
    metrics = runtime.metrics
    source_topic = runtime.topic(LEADS_KEYED)
    qualified = runtime.output(LEADS_QUALIFIED)
    nurture = runtime.output(NURTURE)
    decisions = runtime.output(DECISIONS)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    profiles = runtime.app.Table(
        PROFILES_TABLE,
        # bytes in and out: the app's default serializers are raw.
        key_type=bytes,
        value_type=bytes,
        partitions=settings.topics.partitions,
    )
    consumed = metrics.events_consumed.labels(topic=LEADS_KEYED)
    scoring_latency = metrics.stage_latency.labels(stage="scoring")
    nurtured_below = metrics.leads_nurtured.labels(reason="below_threshold")
    nurtured_rule = metrics.leads_nurtured.labels(reason="rule")

    def load_profile(key: bytes) -> LeadProfile | None:
        raw = profiles.get(key)
        return None if raw is None else LeadProfile.model_validate_json(raw)

    async def handle_event(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, offset: int
    ) -> None:
        identity = record.identity
        evaluation = evaluate_event(
            load_profile(key),
            event,
            identity,
            record.source.timestamp,
            reference.accounts,
            reference.policy,
            offset=offset,
            window=settings.limits.dedupe_window,
        )
        if evaluation.is_duplicate:
            metrics.duplicates.inc()
            return
        profiles[key] = evaluation.profile.model_dump_json().encode()
        score = evaluation.score
        assert score is not None
        metrics.lead_score.observe(score.total)
        now = runtime.clock()
        scoring_latency.observe(max(0.0, (now - record.source.timestamp).total_seconds()))
        if evaluation.outcome == "routed":
            lead = qualified_lead(evaluation, identity, event, record.source)
            await qualified.send(key=lead.queue.encode(), value=lead.model_dump_json().encode())
            return
        decision = nurture_decision(evaluation, identity, now)
        if evaluation.outcome == "nurtured":
            enrichment = evaluation.enrichment
            assert enrichment is not None
            nurtured = LeadNurtured(
                lead_identity=identity,
                event_id=event.event_id,
                reason=decision.reason,
                lead=evaluation.profile.attributes,
                enrichment=enrichment,
                score=score,
                decision_id=decision.decision_id,
                timestamps=LeadTimestamps(
                    occurred_at=event.occurred_at, received_at=record.source.timestamp
                ),
            )
            await nurture.send(key=key, value=nurtured.model_dump_json().encode())
            below = not score.sales_ready
            (nurtured_below if below else nurtured_rule).inc()
        else:
            metrics.already_routed.inc()
        await decisions.send(key=key, value=decision.model_dump_json().encode())

    async def handle_feedback(key: bytes, feedback: SalesFeedback) -> None:
        result = apply_feedback(load_profile(key), feedback)
        metrics.feedback.labels(outcome=feedback.outcome).inc()
        if result is None or result.effect == "stale":
            log.info("feedback for %s ignored (unknown lead or stale decision)", key[:12])
            return
        profiles[key] = result.profile.model_dump_json().encode()

    async def handle(event: Any) -> None:
        record = KeyedLeadEvent.model_validate_json(event.value)
        key = record.identity.encode()
        if record.event is not None:
            await handle_event(key, record, record.event, event.message.offset)
        elif record.feedback is not None:
            await handle_feedback(key, record.feedback)

    @runtime.app.agent(source_topic, name="profile", concurrency=1)
    async def profile(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)
