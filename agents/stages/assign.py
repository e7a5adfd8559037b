"""Assign stage: picks the rep in a queue and puts the lead on the queue's topic.

The input is keyed by queue, so one partition owns each queue's rotation and capacity state and
a burst of leads to one queue is assigned strictly in order. A ledger keyed by decision id makes
assignment idempotent: a lead seen again (a replay after a crash) gets the same rep, and no
counter advances twice. The same topic carries the SLA records (`agents.stages.sla`): every
routed lead starts a clock, and escalation steps (`agents.stages.escalation`) are taken here,
on the queue's partition, through the same ledger.

The stage does not wait for Kafka between leads. A lead's ledger entry is written at once; the
queue's new counters are stored locally (the next lead is assigned from them) and go to their
changelog, with the lead's records, only once the ledger entry is acknowledged, through one
`SendQueue` in the order the leads came. So Kafka never holds counters without the ledger
entries they count, and no counter advances twice. A crash can lose the counters still queued;
each entry records the queue's state after its assignment, and the replay of a lead whose entry
is known stores that state again when the stored one has not seen it (`QueueState.
is_newer_than`), so the counters come back exact before the next lead is decided. A command
(SLA, escalation, credit) writes counters and ledger entries itself, so it first waits until
the queued sends are out.
"""

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import orjson

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.expiry import Expiring, json_text, json_time, register_expiry
from agents.plumbing.outputs import Output, Send
from agents.plumbing.pipelined import SendQueue
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from agents.plumbing.tables import durable_table
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEADS_QUALIFIED,
    LEDGER_TABLE,
    QUEUE_STATES_TABLE,
    SLA,
    queue_topic,
)
from agents.plumbing.transient import retry_transient
from agents.stages.escalation import Escalations
from agents.stages.ledger import (
    LedgerEntry,
    excluded_traces,
    ledger_key,
    overflowed,
    routed_record,
)
from agents.stages.sla import SlaClocks, is_command
from schemas.pipeline import QualifiedLead
from service.assignment import assign_lead
from service.queue_state import QueueState
from service.queues import queue_config, queue_fields
from service.rules import QueueConfig
from service.sla import sla_due_at
from service.sla_clocks import new_clock

log = logging.getLogger(__name__)
MAX_OVERFLOW_HOPS = 5


def register_assigning(runtime: Runtime, reference: ReferenceData) -> None:
    settings = runtime.settings
    metrics = runtime.metrics
    source_topic = runtime.topic(LEADS_QUALIFIED)
    qualified = runtime.output(LEADS_QUALIFIED)
    decisions = runtime.output(DECISIONS)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    queue_states = durable_table(runtime, QUEUE_STATES_TABLE)
    ledger = durable_table(runtime, LEDGER_TABLE)
    register_expiry(
        runtime,
        [
            Expiring(
                name=LEDGER_TABLE,
                table=ledger,
                source_topic=source_topic.get_topic_name(),
                ttl=timedelta(days=settings.limits.ledger_ttl_days),
                stamp=json_time("routed_at"),
                # The ledger lives on the partition of the lead's queue.
                routing_key=json_text("queue"),
            )
        ],
        settings.limits.expiry_sweep_s,
    )
    consumed = metrics.events_consumed.labels(topic=LEADS_QUALIFIED)
    routing_latency = metrics.stage_latency.labels(stage="routing")
    known_queues: set[str] = set()
    clocks = SlaClocks(runtime, qualified, source_topic.get_topic_name())
    clocks.register()

    async def queue_topic_for(queue: str) -> Output:
        """The queue's topic, created first if a reloaded ruleset introduced the queue. Asked
        once per queue and process, after what the lead's decision wrote: while Kafka is away
        the stage waits here, and the lead is never dead-lettered for it."""
        if queue not in known_queues:
            specs = topic_specs(settings, queues=[queue])
            await retry_transient(
                lambda: ensure_topics(settings.kafka, specs), f"creating the topic of {queue}"
            )
            known_queues.add(queue)
        return runtime.output(queue_topic(queue))

    escalations = Escalations(
        runtime,
        reference,
        ledger,
        queue_states,
        {"qualified": qualified, "sla": runtime.output(SLA)},
        queue_topic_for,
    )

    def config_of(lead: QualifiedLead) -> QueueConfig:
        """The lead's queue settings, with the SLA settings of the ruleset in force."""
        config = queue_config(lead)
        declared = reference.policy.ruleset.queues.get(lead.queue)
        if declared is None:
            return config
        if lead.escalation_step:
            # A re-route never goes to a rep who is away at breach time.
            config = replace(config, respect_availability=True)
        return replace(
            config, business_hours=declared.business_hours, escalation=declared.escalation
        )

    per_queue: dict[str, tuple[Any, Any]] = {}

    def observe_handoff(
        queue: str, ready_at: datetime, received_at: datetime, *, handoff: bool
    ) -> Any:
        if queue not in per_queue:
            per_queue[queue] = (
                metrics.handoff_latency.labels(queue=queue),
                metrics.leads_routed.labels(queue=queue),
            )
        histogram, routed = per_queue[queue]

        def on_acknowledged(_: Any) -> None:
            # Runs when Kafka acknowledged the routed record: the lead now sits in the queue,
            # so it is counted as routed only now. A re-route by the escalation ladder is not a
            # handoff from marketing (its `sales_ready_at` is the first one's): no latency.
            # The routing stage ends here too, with the lead in its queue.
            now = runtime.clock()
            if handoff:
                histogram.observe(max(0.0, (now - ready_at).total_seconds()))
            routing_latency.observe(max(0.0, (now - received_at).total_seconds()))
            routed.inc()

        return on_acknowledged

    def overflow_entry(
        lead: QualifiedLead, target: str, assignment: Any, now: datetime
    ) -> LedgerEntry:
        queues = reference.policy.ruleset.queues
        hops = (*lead.overflowed_from, lead.queue)
        if len(hops) > MAX_OVERFLOW_HOPS or target not in queues:
            target = reference.policy.ruleset.fallback
        fields = queue_fields(queues[target])
        if len(hops) > MAX_OVERFLOW_HOPS:
            # The last stop: the lead stays in the fallback queue (unassigned if nobody there
            # can take it). Following the fallback's own overflow would only bring it back here.
            fields["overflow"] = None
        return LedgerEntry(
            queue=lead.queue,
            rep_id=None,
            routed_at=now,
            candidates=assignment.candidates,
            counters=assignment.counters,
            note=assignment.note,
            overflow_to=target,
            overflow_fields=fields,
        )

    async def decide(
        lead: QualifiedLead, key: bytes, partition: int
    ) -> tuple[LedgerEntry, "asyncio.Future[Any]", list[Send]]:
        """Assign the lead in its queue: the entry, the future of its ledger write and the
        sends that must wait for it (the queue's new counters)."""
        queue_key = lead.queue.encode()
        raw_state = queue_states.get(queue_key)
        state = QueueState() if raw_state is None else QueueState.from_dict(orjson.loads(raw_state))
        now = runtime.clock()
        reps = reference.reps
        if lead.excluded_reps:
            reps = {rep_id: rep for rep_id, rep in reps.items() if rep_id not in lead.excluded_reps}
        config = config_of(lead)
        assignment = assign_lead(config, state, reps, lead.enrichment.account, now)
        if lead.excluded_reps:
            assignment = replace(
                assignment, candidates=(*excluded_traces(lead), *assignment.candidates)
            )
        if assignment.overflow_to is not None:
            entry = overflow_entry(lead, assignment.overflow_to, assignment, now)
            metrics.overflows.labels(queue=lead.queue).inc()
            return entry, await ledger.put(key, entry.model_dump_json().encode(), partition), []
        new_state = assignment.new_state.to_dict()
        entry = LedgerEntry(
            queue=lead.queue,
            rep_id=assignment.rep_id,
            routed_at=now,
            candidates=assignment.candidates,
            counters=assignment.counters,
            note=assignment.note,
            due_at=sla_due_at(config, now),
            state_after=new_state,
        )
        # Ledger first, and acknowledged before the counters or the lead are sent: a replay
        # finds the entry and sends the same rep again.
        written = await ledger.put(key, entry.model_dump_json().encode(), partition)
        counters = queue_states.store(queue_key, orjson.dumps(new_state), partition)
        return entry, written, [counters]

    def restored_counters(entry: LedgerEntry, partition: int) -> list[Send]:
        """The queue's state recorded with a known entry, stored again if a crash lost it."""
        if entry.state_after is None:
            return []
        queue_key = entry.queue.encode()
        raw = queue_states.get(queue_key)
        stored = None if raw is None else QueueState.from_dict(orjson.loads(raw))
        recorded = QueueState.from_dict(entry.state_after)
        if not recorded.is_newer_than(stored):
            return []
        log.warning(
            "queue %s: counters a crash lost put back to those after its assignment %d "
            "(the store was at %d)",
            entry.queue,
            recorded.assigned_total,
            0 if stored is None else stored.assigned_total,
        )
        # The recorded mapping is what `decide` stored: no need to build it again.
        return [queue_states.store(queue_key, orjson.dumps(entry.state_after), partition)]

    queue = SendQueue(settings.limits.queued_events)

    async def handle(event: Any) -> None:
        if is_command(event.value):
            await queue.drained()
            await clocks.handle(
                event.value, event.message.partition, escalations.escalate, escalations.credit
            )
            return
        lead = QualifiedLead.model_validate_json(event.value)
        key = ledger_key(lead)
        known = ledger.get(key)
        durable: tuple[asyncio.Future[Any], ...] = ()
        sends: list[Send] = []
        if known is not None:
            # Queued behind the lead's first pass, whose sends wait for its ledger entry.
            entry = LedgerEntry.model_validate_json(known)
            log.info("decision %s seen again: the same outputs again", lead.decision_id)
            sends = restored_counters(entry, event.message.partition)
        else:
            entry, written, sends = await decide(lead, key, event.message.partition)
            durable = (written,)
        if entry.overflow_to is not None:
            moved = overflowed(lead, entry)
            sends.append(Send(qualified, moved.queue.encode(), moved.model_dump_json().encode()))
            await queue.after(durable, sends)
            return
        config = config_of(lead)
        routed = routed_record(lead, entry, config)
        topic = await queue_topic_for(lead.queue)
        identity = lead.identity.encode()
        handoff = observe_handoff(
            lead.queue, lead.sales_ready_at, lead.received_at, handoff=not lead.escalation_step
        )
        clock = new_clock(lead, config, entry.rep_id, entry.routed_at, routed.sla_due_at)
        sends += [
            Send(topic, identity, routed.model_dump_json().encode(), on_acknowledged=handoff),
            Send(decisions, identity, routed.decision.model_dump_json().encode()),
            clocks.started(clock),
        ]
        await queue.after(durable, sends)

    @runtime.app.agent(source_topic, name="assign", concurrency=1)
    async def assign(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)
