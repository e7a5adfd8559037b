"""Profile stage: per-lead state, enrichment, scoring and the queue decision.

Reads the keyed topic (one lead's events are in one partition, in order), keeps each lead's
profile in a table keyed by identity, and sends the outcome: sales-ready leads to the assign
stage keyed by queue, the others back to marketing nurture; every decision to the audit topic.
"""

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.expiry import Expiring, json_time, register_expiry
from agents.plumbing.outbox import Outbox, Send
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from agents.plumbing.tables import durable_table
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    MODEL_EXAMPLES,
    NURTURE,
    OUTBOX_TABLE,
    PROFILES_TABLE,
)
from schemas.decisions import Decision, LeadNurtured, LeadTimestamps, scored_fields
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


def register_profiling(runtime: Runtime, reference: ReferenceData) -> None:
    settings = runtime.settings
    metrics = runtime.metrics
    delivery = runtime.delivery
    source_topic = runtime.topic(LEADS_KEYED)
    qualified = runtime.output(LEADS_QUALIFIED)
    nurture = runtime.output(NURTURE)
    decisions = runtime.output(DECISIONS)
    examples = runtime.output(MODEL_EXAMPLES)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    profiles = durable_table(runtime, PROFILES_TABLE)
    outbox_table = durable_table(runtime, OUTBOX_TABLE)
    outbox = Outbox(outbox_table, {o.name: o for o in (qualified, nurture, decisions)})
    register_expiry(
        runtime,
        [
            Expiring(
                name=PROFILES_TABLE,
                table=profiles,
                source_topic=source_topic.get_topic_name(),
                ttl=timedelta(days=settings.limits.profile_ttl_days),
                stamp=json_time("last_event_at"),
                companions=(outbox_table,),
            )
        ],
        settings.limits.expiry_sweep_s,
    )
    consumed = metrics.events_consumed.labels(topic=LEADS_KEYED)
    scoring_latency = metrics.stage_latency.labels(stage="scoring")
    nurtured_below = metrics.leads_nurtured.labels(reason="below_threshold")
    nurtured_rule = metrics.leads_nurtured.labels(reason="rule")

    def load_profile(key: bytes) -> LeadProfile | None:
        raw = profiles.get(key)
        return None if raw is None else LeadProfile.model_validate_json(raw)

    def outputs_of(
        evaluation: Evaluation, key: bytes, record: KeyedLeadEvent, event: LeadEvent
    ) -> list[Send]:
        """What the decision sends: the qualified lead, or a nurture record and the decision."""
        identity = record.identity
        if evaluation.outcome == "routed":
            lead = qualified_lead(evaluation, identity, event, record.source)
            return [Send(qualified, lead.queue.encode(), lead.model_dump_json().encode())]
        decision = nurture_decision(evaluation, identity, runtime.clock())
        sends = [Send(decisions, key, decision.model_dump_json().encode())]
        if evaluation.outcome == "nurtured":
            score, enrichment = evaluation.score, evaluation.enrichment
            assert score is not None
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
            sends.insert(0, Send(nurture, key, nurtured.model_dump_json().encode()))
        return sends

    async def replay(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, message: Any, applied: LeadProfile
    ) -> None:
        """An event applied before a crash: send again what was recorded for it."""
        floor = delivery.replay_floor(message.tp) if delivery is not None else 0
        sends = outbox.recorded(key, message.offset)
        if sends is None and message.offset < floor:
            # Entries are pruned only below committed offsets: this one was delivered.
            log.info("event %s@%s was applied and delivered before", message.tp, message.offset)
            return
        metrics.replays.inc()
        if sends is None:
            # The profile reached Kafka and the recorded sends did not, so nothing was sent
            # (sends wait for both): decide again from the stored profile, record, then send.
            evaluation = evaluate_event(
                applied,
                event,
                record.identity,
                record.source.timestamp,
                reference.accounts,
                reference.policy,
                offset=message.offset,
                learned=reference.model,
                half_life_days=settings.learning.half_life_days,
            )
            sends = outputs_of(evaluation, key, record, event)
            await (await outbox.record(key, message.offset, sends, message.partition, floor))
        for send in sends:
            await send.output.send(send.key, send.value)

    async def handle_event(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, message: Any
    ) -> None:
        previous = load_profile(key)
        if previous is not None and message.offset <= previous.last_offset:
            await replay(key, record, event, message, previous)
            return
        evaluation = evaluate_event(
            previous,
            event,
            record.identity,
            record.source.timestamp,
            reference.accounts,
            reference.policy,
            offset=message.offset,
            window=settings.limits.dedupe_window,
            learned=reference.model,
            half_life_days=settings.learning.half_life_days,
        )
        if evaluation.is_duplicate:
            metrics.duplicates.inc()
            return
        score = evaluation.score
        assert score is not None
        sends = outputs_of(evaluation, key, record, event)
        floor = delivery.replay_floor(message.tp) if delivery is not None else 0
        # Durable before anything is sent: the profile, and the sends a replay repeats.
        await asyncio.gather(
            await profiles.put(
                key, evaluation.profile.model_dump_json().encode(), message.partition
            ),
            await outbox.record(key, message.offset, sends, message.partition, floor),
        )
        for send in sends:
            await send.output.send(send.key, send.value)
        metrics.lead_score.observe(score.total)
        scoring_latency.observe(
            max(0.0, (runtime.clock() - record.source.timestamp).total_seconds())
        )
        if evaluation.outcome == "nurtured":
            (nurtured_below if not score.sales_ready else nurtured_rule).inc()
        elif evaluation.outcome == "already_routed":
            metrics.already_routed.inc()

    async def handle_feedback(key: bytes, feedback: SalesFeedback, message: Any) -> None:
        result = apply_feedback(load_profile(key), feedback)
        metrics.feedback.labels(outcome=feedback.outcome).inc()
        if result is None or result.effect == "stale":
            log.info("feedback for %s ignored (unknown lead or stale decision)", key[:12])
            return
        if result.example is not None:
            # Acknowledged before the profile records the decision as learned: a crash in
            # between sends the example again, and the trainer learns a decision once.
            example = result.example
            await (
                await examples.send(
                    example.decision_id.encode(), example.model_dump_json().encode()
                )
            )
        await profiles.put(key, result.profile.model_dump_json().encode(), message.partition)

    async def handle(event: Any) -> None:
        record = KeyedLeadEvent.model_validate_json(event.value)
        key = record.identity.encode()
        if record.event is not None:
            await handle_event(key, record, record.event, event.message)
        elif record.feedback is not None:
            await handle_feedback(key, record.feedback, event.message)

    @runtime.app.agent(source_topic, name="profile", concurrency=1)
    async def profile(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)
