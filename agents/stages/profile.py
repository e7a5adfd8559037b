"""Profile stage: per-lead state, enrichment, scoring and the queue decision.

Reads the keyed topic (one lead's events are in one partition, in order), keeps each lead's
profile in a table keyed by identity, and sends the outcome: sales-ready leads to the assign
stage keyed by queue, the others back to marketing nurture; every decision to the audit topic.
"""

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.decoded import DecodedStates
from agents.plumbing.delivery import Partition, when_delivered
from agents.plumbing.direct import DirectGate, DirectProfile
from agents.plumbing.expiry import Expiring, json_time, register_expiry
from agents.plumbing.key_locks import KeyLocks
from agents.plumbing.lanes import keyed_record_lane
from agents.plumbing.outbox import Outbox, state_of
from agents.plumbing.outputs import Send
from agents.plumbing.pipelined import SendQueue
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
    SALES_UPDATES,
)
from schemas.events import LeadEvent
from schemas.feedback import NEGATIVE_OUTCOMES, SalesFeedback
from schemas.pipeline import KeyedLeadEvent
from schemas.profiles import KEYED_LANE, LeadProfile
from service.feedback import FeedbackResult, apply_feedback
from service.handback import handed_back
from service.pipeline import Evaluation, evaluate_event
from service.records import nurture_decision, nurtured_record, qualified_lead, update_record

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _At:
    """Where a lead event stands: its lane, offset there, the lane's replay floor, and the
    partition of the lead (the tables' partition)."""

    lane: str
    offset: int
    floor: int
    partition: int


def register_profiling(
    runtime: Runtime, reference: ReferenceData, gate: DirectGate | None = None
) -> DirectProfile:
    """The profile stage; what it returns lets intake hand it events directly, and `gate`
    hears of every keyed lead event it processed (`agents/plumbing/direct.py`)."""
    settings = runtime.settings
    metrics = runtime.metrics
    delivery = runtime.delivery
    source_topic = runtime.topic(LEADS_KEYED)
    qualified = runtime.output(LEADS_QUALIFIED)
    nurture = runtime.output(NURTURE)
    decisions = runtime.output(DECISIONS)
    examples = runtime.output(MODEL_EXAMPLES)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    # A lead's profile and the outbox entries of its recent events, in one value; the outbox
    # table holds entries written before they moved there.
    profiles = durable_table(runtime, PROFILES_TABLE)
    legacy_outbox = durable_table(runtime, OUTBOX_TABLE)
    updates = runtime.output(SALES_UPDATES)
    written = (qualified, nurture, decisions, updates, examples)
    outputs = {output.name: output for output in written}
    capacity = settings.limits.decoded_profiles
    outbox = Outbox(profiles, outputs, capacity, legacy=legacy_outbox)
    states = DecodedStates(profiles, LeadProfile, capacity)
    # Every send of the stage goes through it, so that one lead's records keep their order.
    queue = SendQueue(settings.limits.queued_events)
    register_expiry(
        runtime,
        [
            Expiring(
                name=PROFILES_TABLE,
                table=profiles,
                source_topic=source_topic.get_topic_name(),
                ttl=timedelta(days=settings.limits.profile_ttl_days),
                stamp=json_time("last_event_at", within=state_of),
                companions=(legacy_outbox,),
            )
        ],
        settings.limits.expiry_sweep_s,
    )
    consumed = metrics.events_consumed.labels(topic=LEADS_KEYED)
    directed = metrics.direct_events
    scoring_latency = metrics.stage_latency.labels(stage="scoring")
    nurtured_below = metrics.leads_nurtured.labels(reason="below_threshold")
    nurtured_rule = metrics.leads_nurtured.labels(reason="rule")
    sales_updates = metrics.sales_updates
    handed_back_total = metrics.handed_back
    for outcome in NEGATIVE_OUTCOMES:
        handed_back_total.labels(outcome=outcome)  # each series exists at 0 from the start

    def outputs_of(
        evaluation: Evaluation, key: bytes, record: KeyedLeadEvent, event: LeadEvent
    ) -> list[Send]:
        """What the decision sends: the qualified lead; or the decision, with a nurture record
        for a nurtured lead and an update for the rep of a lead sales already has."""
        identity = record.identity
        if evaluation.outcome == "routed":
            lead = qualified_lead(evaluation, identity, event, record.source)
            return [Send(qualified, lead.queue.encode(), lead.model_dump_json().encode())]
        decision = nurture_decision(evaluation, identity, runtime.clock())
        sends = [Send(decisions, key, decision.model_dump_json().encode())]
        if evaluation.outcome == "nurtured":
            nurtured = nurtured_record(evaluation, decision, event, record.source)
            sends.insert(0, Send(nurture, key, nurtured.model_dump_json().encode()))
        elif evaluation.update is not None:
            update = update_record(evaluation, event, record.source)
            sends.append(Send(updates, key, update.model_dump_json().encode()))
            sales_updates.inc()
        return sends

    async def send_then_mark(
        key: bytes,
        offset: int,
        durable: Sequence["asyncio.Future[Any]"],
        sends: list[Send],
        lane: str = KEYED_LANE,
    ) -> None:
        """Queue `sends` after `durable`; once the event is complete, its entry needs no sends:
        a replay of it must send nothing (`Outbox.delivered`)."""
        await queue.after(durable, sends)
        when_delivered(partial(outbox.delivered, key, offset, lane))

    async def replay(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, at: _At, applied: LeadProfile
    ) -> None:
        """An event applied before a crash: send again what was recorded for it."""
        sends = outbox.recorded(key, at.offset, at.lane)
        if sends is None and (at.offset < at.floor or not applied.is_latest(at.lane, at.offset)):
            # Nothing to send again: below the floor it was delivered (entries are pruned only
            # there); before the lead's latest event it was a duplicate, which sends nothing (a
            # later event's entry, written after it, would hold its sends otherwise).
            log.info("event %s@%s has nothing to send again", at.lane or LEADS_KEYED, at.offset)
            return
        metrics.replays.inc()
        lane_name = at.lane or LEADS_KEYED
        if sends is None:
            log.info("event %s@%s replayed, nothing recorded: decided again", lane_name, at.offset)
            # The profile reached Kafka and the recorded sends did not (written before they
            # shared one value), so nothing was sent (sends wait for both): decide again from
            # the stored profile, record, then send.
            evaluation = evaluate_event(
                applied,
                event,
                record.identity,
                record.source.timestamp,
                reference.accounts,
                reference.policy,
                offset=at.offset,
                lane=at.lane,
                learned=reference.model,
                half_life_days=settings.learning.half_life_days,
            )
            sends = outputs_of(evaluation, key, record, event)
            recorded = await outbox.record(
                key, at.offset, sends, at.partition, at.floor, at.lane, lane_floor
            )
            await send_then_mark(key, at.offset, [recorded], sends, at.lane)
            return
        if not sends:  # its sends were acknowledged: Kafka has them
            log.info("event %s@%s replayed: delivered before, nothing sent", lane_name, at.offset)
            return
        log.info(
            "event %s@%s replayed: %d recorded records sent again", lane_name, at.offset, len(sends)
        )
        await send_then_mark(key, at.offset, (), sends, at.lane)

    def floor_of(topic: str, partition: int) -> int:
        return delivery.replay_floor(Partition(topic, partition)) if delivery is not None else 0

    keyed_name = source_topic.get_topic_name()

    def lane_floor(lane: str, partition: int) -> int:
        """A lane's replay floor in the lead's `partition` (lanes number it alike)."""
        return floor_of(lane or keyed_name, partition)

    def keyed_at(record: KeyedLeadEvent, message: Any, previous: LeadProfile | None) -> _At:
        """Where a keyed record stands: in the keyed lane, unless it is the replay of an input
        record applied directly (`agents/plumbing/lanes.py`)."""
        lane, offset = keyed_record_lane(previous, record, message.partition, message.offset)
        if lane == KEYED_LANE:
            return _At(lane, offset, floor_of(message.topic, message.partition), message.partition)
        floor = floor_of(record.source.topic, record.source.partition)
        return _At(lane, offset, floor, message.partition)

    async def handle_event(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, message: Any, direct: bool
    ) -> None:
        previous = states.get(key)
        if direct:
            floor = floor_of(message.topic, message.partition)
            at = _At(message.topic, message.offset, floor, message.partition)
        else:
            at = keyed_at(record, message, previous)
        if previous is not None and at.offset <= previous.position(at.lane):
            await replay(key, record, event, at, previous)
            return
        evaluation = evaluate_event(
            previous,
            event,
            record.identity,
            record.source.timestamp,
            reference.accounts,
            reference.policy,
            offset=at.offset,
            lane=at.lane,
            window=settings.limits.dedupe_window,
            learned=reference.model,
            half_life_days=settings.learning.half_life_days,
            source=record.source,
        )
        if evaluation.is_duplicate:
            metrics.duplicates.inc()
            return
        score = evaluation.score
        assert score is not None
        sends = outputs_of(evaluation, key, record, event)
        # Durable before anything is sent: the new profile and the sends a replay repeats, in
        # one record (a profile that reached Kafka comes with the entries its replays re-send).
        # The stage goes on meanwhile; the event is committed once its sends are acknowledged.
        profile = evaluation.profile
        recorded = await outbox.record(
            key, at.offset, sends, at.partition, at.floor, at.lane, lane_floor, profile.stored()
        )
        states.written(key, profile)
        await send_then_mark(key, at.offset, (recorded,), sends, at.lane)
        metrics.lead_score.observe(score.total)
        scoring_latency.observe(
            max(0.0, (runtime.clock() - record.source.timestamp).total_seconds())
        )
        if evaluation.outcome == "nurtured":
            (nurtured_below if not score.sales_ready else nurtured_rule).inc()
        elif evaluation.outcome == "already_routed":
            metrics.already_routed.inc()

    def feedback_sends(
        result: FeedbackResult, feedback: SalesFeedback, record: KeyedLeadEvent, key: bytes
    ) -> list[Send]:
        """The example to learn, and for a lead sales gives back its nurture record."""
        sends = []
        if result.example is not None:
            example = result.example
            body = example.model_dump_json().encode()
            sends.append(Send(examples, example.decision_id.encode(), body))
        if result.effect == "recycled":
            back = handed_back(
                result.profile,
                feedback,
                record.source.timestamp,
                reference.accounts,
                reference.policy,
            )
            sends.append(Send(nurture, key, back.model_dump_json().encode()))
            handed_back_total.labels(outcome=feedback.outcome).inc()
        return sends

    async def handle_feedback(
        key: bytes, record: KeyedLeadEvent, feedback: SalesFeedback, message: Any
    ) -> None:
        """Apply sales' verdict. Its sends are recorded with the new profile, and acknowledged,
        before anything is sent; a replay sends them again and re-applies the verdict, which
        changes nothing twice."""
        result = apply_feedback(states.get(key), feedback)
        sends = outbox.recorded(key, message.offset)
        if sends is None:  # the first time this record is handled
            metrics.feedback.labels(outcome=feedback.outcome).inc()
            if result is None or result.effect == "stale":
                log.info("feedback for %s ignored (unknown lead or stale decision)", key[:12])
                return
            sends = feedback_sends(result, feedback, record, key)
        elif result is None or result.effect == "stale":
            await send_then_mark(key, message.offset, (), sends)
            return
        floor = delivery.replay_floor(message.tp) if delivery is not None else 0
        recorded = await outbox.record(
            key,
            message.offset,
            sends,
            message.partition,
            floor,
            floors=lane_floor,
            state=result.profile.stored(),
        )
        states.written(key, result.profile)
        await send_then_mark(key, message.offset, (recorded,), sends)

    # One lead's state is changed by one handler at a time: the keyed stream's and intake's
    # direct events meet here (without the direct path only the keyed stream changes it).
    locks = KeyLocks()

    def holding(key: bytes) -> AbstractAsyncContextManager[None]:
        return nullcontext() if gate is None else locks.hold(key)

    async def handle(event: Any) -> None:
        message = event.message
        record = KeyedLeadEvent.model_validate_json(event.value)
        key = record.identity.encode()
        async with holding(key):
            if record.event is not None:
                try:
                    await handle_event(key, record, record.event, message, direct=False)
                finally:
                    if gate is not None:
                        source = record.source
                        gate.processed((source.topic, source.partition, source.offset))
            elif record.feedback is not None:
                await handle_feedback(key, record, record.feedback, message)

    async def handle_direct(record: KeyedLeadEvent, message: Any) -> None:
        """A lead event straight from its input record (see `agents/plumbing/direct.py`)."""
        assert record.event is not None
        directed.inc()
        key = record.identity.encode()
        async with holding(key):
            await handle_event(key, record, record.event, message, direct=True)

    @runtime.app.agent(source_topic, name="profile", concurrency=1)
    async def profile(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)

    return DirectProfile(wait_ready=reference.wait_ready, handle=handle_direct)
