"""Assign stage: picks the rep in a queue and puts the lead on the queue's topic.

The input is keyed by queue, so one partition owns each queue's rotation and capacity state and
a burst of leads to one queue is assigned strictly in order. A ledger keyed by decision id makes
assignment idempotent: a lead seen again (a replay after a crash) gets the same rep, and no
counter advances twice.
"""

import logging
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.outputs import Output
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEADS_QUALIFIED,
    LEDGER_TABLE,
    QUEUE_STATES_TABLE,
    queue_topic,
)
from schemas.decisions import CandidateTrace, Decision, LeadRouted, LeadTimestamps
from schemas.pipeline import QualifiedLead
from service.assignment import QueueState, assign_lead
from service.queues import queue_config, queue_fields
from service.sla import sla_due_at

log = logging.getLogger(__name__)
MAX_OVERFLOW_HOPS = 5


class LedgerEntry(BaseModel):
    """What the ledger remembers of an assignment: enough to send the same record again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    queue: str
    rep_id: str | None
    routed_at: datetime
    candidates: tuple[CandidateTrace, ...]
    counters: dict[str, int]
    note: str


def routed_record(lead: QualifiedLead, entry: LedgerEntry) -> LeadRouted:
    config = queue_config(lead)
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
        candidates=entry.candidates,
        counters=entry.counters,
        overflowed_from=lead.overflowed_from,
        decided_at=entry.routed_at,
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
        sla_due_at=sla_due_at(config, entry.routed_at),
    )


def register_assigning(runtime: Runtime, reference: ReferenceData) -> None:
    settings = runtime.settings
    metrics = runtime.metrics
    source_topic = runtime.topic(LEADS_QUALIFIED)
    qualified = runtime.output(LEADS_QUALIFIED)
    decisions = runtime.output(DECISIONS)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    table_options: dict[str, Any] = {
        "key_type": bytes,
        "value_type": bytes,
        "partitions": settings.topics.partitions,
    }
    queue_states = runtime.app.Table(QUEUE_STATES_TABLE, **table_options)
    ledger = runtime.app.Table(LEDGER_TABLE, **table_options)
    consumed = metrics.events_consumed.labels(topic=LEADS_QUALIFIED)
    routing_latency = metrics.stage_latency.labels(stage="routing")
    known_queues: set[str] = set()

    async def queue_topic_for(queue: str) -> Output:
        """The queue's topic, created first if a reloaded ruleset introduced the queue."""
        if queue not in known_queues:
            await ensure_topics(settings.kafka, topic_specs(settings, queues=[queue]))
            known_queues.add(queue)
        return runtime.output(queue_topic(queue))

    per_queue: dict[str, tuple[Any, Any]] = {}

    def observe_handoff(queue: str, ready_at: datetime) -> Any:
        if queue not in per_queue:
            per_queue[queue] = (
                metrics.handoff_latency.labels(queue=queue),
                metrics.leads_routed.labels(queue=queue),
            )
        histogram, routed = per_queue[queue]

        def on_acknowledged(_: Any) -> None:
            # Runs when Kafka acknowledged the routed record: the lead now sits in the queue,
            # so it is counted as routed only now.
            histogram.observe(max(0.0, (runtime.clock() - ready_at).total_seconds()))
            routed.inc()

        return on_acknowledged

    async def overflow(lead: QualifiedLead, target: str) -> None:
        metrics.overflows.labels(queue=lead.queue).inc()
        queues = reference.policy.ruleset.queues
        hops = (*lead.overflowed_from, lead.queue)
        if len(hops) > MAX_OVERFLOW_HOPS or target not in queues:
            target = reference.policy.ruleset.fallback
        fields = queue_fields(queues[target])
        if len(hops) > MAX_OVERFLOW_HOPS:
            # The last stop: the lead stays in the fallback queue (unassigned if nobody there
            # can take it). Following the fallback's own overflow would only bring it back here.
            fields["overflow"] = None
        moved = lead.model_copy(update={**fields, "overflowed_from": hops})
        await qualified.send(key=target.encode(), value=moved.model_dump_json().encode())

    async def handle(event: Any) -> None:
        lead = QualifiedLead.model_validate_json(event.value)
        ledger_key = lead.decision_id.encode()
        known = ledger.get(ledger_key)
        if known is not None:
            entry = LedgerEntry.model_validate_json(known)
            log.info("decision %s seen again: same rep, counters unchanged", lead.decision_id)
        else:
            queue_key = lead.queue.encode()
            raw_state = queue_states.get(queue_key)
            state = (
                QueueState() if raw_state is None else QueueState.from_dict(orjson.loads(raw_state))
            )
            now = runtime.clock()
            assignment = assign_lead(
                queue_config(lead),
                state,
                reference.reps,
                lead.enrichment.account,
                now,
            )
            if assignment.overflow_to is not None:
                await overflow(lead, assignment.overflow_to)
                return
            entry = LedgerEntry(
                queue=lead.queue,
                rep_id=assignment.rep_id,
                routed_at=now,
                candidates=assignment.candidates,
                counters=assignment.counters,
                note=assignment.note,
            )
            # Ledger first: after a crash between the two writes the ledger wins, so a counter
            # may lag by one but never advances twice.
            ledger[ledger_key] = entry.model_dump_json().encode()
            queue_states[queue_key] = orjson.dumps(assignment.new_state.to_dict())
        routed = routed_record(lead, entry)
        topic = await queue_topic_for(lead.queue)
        await topic.send(
            key=lead.identity.encode(),
            value=routed.model_dump_json().encode(),
            on_acknowledged=observe_handoff(lead.queue, lead.sales_ready_at),
        )
        await decisions.send(
            key=lead.identity.encode(), value=routed.decision.model_dump_json().encode()
        )
        routing_latency.observe(max(0.0, (runtime.clock() - lead.received_at).total_seconds()))

    @runtime.app.agent(source_topic, name="assign", concurrency=1)
    async def assign(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)
