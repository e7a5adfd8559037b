"""Profile stage: per-lead state, enrichment, scoring and the queue decision.

Reads the keyed topic (one lead's events are in one partition, in order), keeps each lead's
profile in a table keyed by identity, and sends the outcome: sales-ready leads to the assign
stage keyed by queue, the others back to marketing nurture; every decision to the audit topic.
"""

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import timedelta
from functools import partial
from typing import Any

from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.decoded import DecodedStates
from agents.plumbing.delivery import when_delivered
from agents.plumbing.direct import DirectEvent, DirectGate, DirectProfile
from agents.plumbing.expiry import Expiring, json_time, register_expiry
from agents.plumbing.key_locks import KeyLocks
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
from agents.stages.profile_batches import Decided, DecidedInBatches
from agents.stages.profile_lanes import At, ProfileLanes
from agents.stages.profile_sends import ProfileSends
from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback
from schemas.pipeline import KeyedLeadEvent
from schemas.profiles import KEYED_LANE, LeadProfile
from service.feedback import apply_feedback
from service.pipeline import evaluate_event

log = logging.getLogger(__name__)


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
    outgoing = ProfileSends(
        runtime,
        reference,
        qualified=qualified,
        nurture=nurture,
        decisions=decisions,
        updates=updates,
        examples=examples,
    )
    lanes = ProfileLanes(delivery, source_topic.get_topic_name())
    lane_floor = lanes.lane_floor

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
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, at: At, applied: LeadProfile
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
            sends = outgoing.for_event(evaluation, key, record, event)
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

    async def decide(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, message: Any, direct: bool
    ) -> Decided | None:
        """Decide a lead event on its lead's profile; None when nothing is left to do (a
        replay, sent again here, or a duplicate). The decision's profile is not kept yet."""
        previous = states.get(key)
        if direct:
            floor = lanes.floor_of(message.topic, message.partition)
            at = At(message.topic, message.offset, floor, message.partition)
        else:
            at = lanes.keyed_at(record, message, previous)
        if previous is not None and at.offset <= previous.position(at.lane):
            await replay(key, record, event, at, previous)
            return None
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
            return None
        sends = outgoing.for_event(evaluation, key, record, event)
        return Decided(key, record, at, evaluation, sends)

    async def keep(decided: Decided) -> None:
        """Record the decision with its profile, then send its records."""
        key, at, evaluation, sends = decided.key, decided.at, decided.evaluation, decided.sends
        score = evaluation.score
        assert score is not None
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
            max(0.0, (runtime.clock() - decided.record.source.timestamp).total_seconds())
        )
        if evaluation.outcome == "nurtured":
            (nurtured_below if not score.sales_ready else nurtured_rule).inc()
        elif evaluation.outcome == "already_routed":
            metrics.already_routed.inc()

    async def handle_event(
        key: bytes, record: KeyedLeadEvent, event: LeadEvent, message: Any, direct: bool
    ) -> None:
        decided = await decide(key, record, event, message, direct)
        if decided is not None:
            await keep(decided)

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
            sends = outgoing.for_feedback(result, feedback, record, key)
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

    async def decide_direct(event: DirectEvent) -> Decided | None:
        """A lead event straight from its input record (see `agents/plumbing/direct.py`)."""
        directed.inc()
        assert event.record.event is not None
        return await decide(event.key, event.record, event.record.event, event.message, True)

    batches = DecidedInBatches(writer, locks, decide_direct, keep)

    @runtime.app.agent(source_topic, name="profile", concurrency=1)
    async def profile(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)

    return DirectProfile(wait_ready=reference.wait_ready, handle=batches.handle)
