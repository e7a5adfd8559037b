"""Intake stage: raw records from marketing -> validated events keyed by lead identity.

Invalid records go to the dead-letter topic with their original bytes; nothing is skipped.
Events that skip the keyed topic (`agents/plumbing/direct.py`) are gathered while more input
waits and handed to the profile stage together (`agents/plumbing/direct_batch.py`).
"""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from agents.plumbing.deadletters import (
    DeadLetterWriter,
    begin_event,
    finish,
    run_guarded,
)
from agents.plumbing.delivery import Track
from agents.plumbing.direct import DirectEvent, DirectPath
from agents.plumbing.direct_batch import DirectBatch
from agents.plumbing.runtime import Runtime, kafka_time
from agents.plumbing.topics import DEAD_LETTER, LEAD_EVENTS, LEADS_KEYED
from schemas.pipeline import KeyedLeadEvent, SourceRecord
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event

log = logging.getLogger(__name__)


def register_intake(runtime: Runtime, direct: DirectPath | None = None) -> None:
    """Validate and key every input record; `direct` lets records already keyed by identity
    skip the keyed topic."""
    settings = runtime.settings
    source = runtime.topic(LEAD_EVENTS)
    keyed = runtime.output(LEADS_KEYED)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    consumed = runtime.metrics.events_consumed.labels(topic=LEAD_EVENTS)
    intake_latency = runtime.metrics.stage_latency.labels(stage="intake")
    max_future = timedelta(seconds=settings.limits.max_future_seconds)
    batch = (
        None
        if direct is None
        else DirectBatch(
            direct.profile.handle,
            settings.tuning.direct_batch,
            runtime.metrics.direct_batch_events.observe,
        )
    )
    if batch is not None and runtime.delivery is not None:
        runtime.delivery.before_revoking(batch.hand_on)

    async def handle(message: Any, track: Track | None) -> DirectEvent | None:
        """Decode and key one input record: the event to gather when it goes direct (None when
        it was dead-lettered or re-keyed)."""
        now = runtime.clock()
        decoded = decode_lead_event(
            message.value,
            message.headers or (),
            now,
            max_bytes=settings.limits.max_event_bytes,
            max_future=max_future,
        )
        if isinstance(decoded, Rejection):
            await writer.reject(message, decoded)
            return None
        identity = lead_identity(decoded.lead, decoded.source)
        if identity is None:  # the contract requires email or external id; defensive
            await writer.reject(
                message, Rejection("missing_field", "the lead has no email or external_id")
            )
            return None
        received = kafka_time(message)
        key = identity.encode()
        record = KeyedLeadEvent(
            identity=identity,
            event=decoded,
            source=SourceRecord(
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                timestamp=received,
            ),
            keyed_by_identity=message.key == key,
        )
        if direct is not None and direct.gate.is_open(message.key, key, message.partition):
            intake_latency.observe(max(0.0, (runtime.clock() - received).total_seconds()))
            return DirectEvent(key, record, message, track)
        if batch is not None:
            await batch.before(key)  # the lead's gathered events are decided first
        sent = await keyed.send(key=key, value=record.model_dump_json().encode())
        if direct is not None:
            direct.gate.rekeyed(key, (message.topic, message.partition, message.offset), sent)
        intake_latency.observe(max(0.0, (runtime.clock() - received).total_seconds()))
        return None

    async def take(event: Any) -> None:
        """Begin, decode and key one input record; a direct event is gathered, its track
        finished by the profile stage."""
        message = event.message
        begun, track = await begin_event(writer, message)
        if not begun:
            return
        going_on, gathered = await run_guarded(
            writer, message, track, partial(handle, message, track)
        )
        if not going_on:
            return  # Kafka away: the worker exits, the event stays uncommitted
        if gathered is not None and batch is not None:
            batch.add(gathered)
        else:
            finish(track)

    @runtime.app.agent(source, name="intake", concurrency=1)
    async def intake(stream: Any) -> None:
        if direct is not None:
            # Events go direct only once the profile stage can decide: no backlog is re-keyed
            # meanwhile that its leads' later events would then have to follow.
            await direct.profile.wait_ready()
        waiting = stream.channel.queue  # where Faust puts the fetched events for this stream
        async for event in stream.events():
            consumed.inc()
            await take(event)
            if batch is not None and (batch.full or waiting.empty()):
                await batch.hand_on()
