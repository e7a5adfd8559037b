"""Feedback stage: sales tools' verdicts, re-keyed by lead so the profile stage applies them,
and keyed by decision id to the assign stage, whose partition of that id holds the decision's
SLA clock (`accepted` stops it)."""

from typing import Any

from pydantic import ValidationError

from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.runtime import Runtime, kafka_time
from agents.plumbing.topics import DEAD_LETTER, FEEDBACK, LEADS_KEYED, LEADS_QUALIFIED
from schemas.feedback import SalesFeedback
from schemas.pipeline import KeyedLeadEvent, SourceRecord
from schemas.sla import SlaFeedback
from service.connect_envelope import read_model
from service.intake import reject_invalid
from service.registry_framing import FramedNotJsonError


def register_feedback(runtime: Runtime) -> None:
    source = runtime.topic(FEEDBACK)
    keyed = runtime.output(LEADS_KEYED)
    clocks = runtime.output(LEADS_QUALIFIED)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    consumed = runtime.metrics.events_consumed.labels(topic=FEEDBACK)

    async def handle(event: Any) -> None:
        message = event.message
        try:
            # Plain JSON, or inside Kafka Connect's envelope, perhaps framed for Schema Registry.
            feedback = read_model(SalesFeedback, message.value or b"")
        except ValidationError as error:
            await writer.reject(message, reject_invalid(error))
            return
        except FramedNotJsonError as error:
            await writer.reject(message, error.rejection)
            return
        record = KeyedLeadEvent(
            identity=feedback.lead_identity,
            feedback=feedback,
            source=SourceRecord(
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                timestamp=kafka_time(message),
            ),
        )
        await keyed.send(
            key=feedback.lead_identity.encode(), value=record.model_dump_json().encode()
        )
        verdict = SlaFeedback(
            decision_id=feedback.decision_id,
            outcome=feedback.outcome,
            rep_id=feedback.rep_id,
            reason=feedback.reason,
            occurred_at=feedback.occurred_at,
        )
        await clocks.send(
            key=feedback.decision_id.encode(), value=verdict.model_dump_json().encode()
        )

    @runtime.app.agent(source, name="feedback", concurrency=1)
    async def feedback(stream: Any) -> None:
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)
