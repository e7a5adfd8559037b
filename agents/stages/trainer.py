"""Trainer stage: learns labelled outcomes in order and publishes the model every worker uses.

The examples topic has one partition, so one worker of the group learns, in offset order. Its
state (`service.learning.training.Trainer`) names the next example it needs and is published to
the compacted model topic every `publish_every` examples, or `publish_interval_s` after an
unpublished one. Every worker, this one included, follows that topic into `ReferenceData`.

Restarts: the trainer starts from the published state the model view read, never from the
group's committed offset alone. Examples before the state's offset are replays and change
nothing; a jump past it (the group committed examples that were never published) is filled by
reading the missing offsets again (`read_range`), so every example is learned exactly once.
A trainer that takes the partition over adopts a published state further along than its own.
"""

import asyncio
import logging
from typing import Any

from pydantic import ValidationError

from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.ranges import read_range
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from agents.plumbing.topics import DEAD_LETTER, MODEL, MODEL_EXAMPLES, MODEL_KEY
from schemas.learning import TrainingExample
from service.intake import reject_invalid
from service.learning.model import ModelSettings
from service.learning.training import Trainer

log = logging.getLogger(__name__)
GAP_READ_TIMEOUT_S = 60.0


def register_training(runtime: Runtime, reference: ReferenceData) -> None:
    learning = runtime.settings.learning
    kafka = runtime.settings.kafka
    examples_topic = runtime.names.name(MODEL_EXAMPLES)
    source = runtime.topic(MODEL_EXAMPLES, partitions=1)
    model_output = runtime.output(MODEL)
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    consumed = runtime.metrics.events_consumed.labels(topic=MODEL_EXAMPLES)
    learned_total = runtime.metrics.outcomes_learned
    fresh_settings = ModelSettings(
        kind=learning.kind,
        min_outcomes=learning.min_outcomes,
        half_life_days=learning.half_life_days,
    )
    state: dict[str, Any] = {"trainer": None, "unpublished": 0}

    def current() -> Trainer:
        """This worker's trainer, or the published one when that is further along."""
        trainer: Trainer | None = state["trainer"]
        published = reference.published
        if published is not None and (
            trainer is None or published.next_offset > trainer.next_offset
        ):
            trainer = Trainer.from_published(published, window=learning.quality_window)
            state["unpublished"] = 0
            log.info(
                "trainer resumes from model %s at offset %d", published.version, trainer.next_offset
            )
        elif trainer is None:
            trainer = Trainer.fresh(fresh_settings, window=learning.quality_window)
        state["trainer"] = trainer
        return trainer

    def learn(trainer: Trainer, offset: int, example: TrainingExample) -> None:
        if trainer.apply(offset, example) == "learned":
            learned_total.labels(outcome=example.outcome).inc()
            state["unpublished"] += 1

    async def fill_gap(trainer: Trainer, partition: int, end: int) -> None:
        start = trainer.next_offset
        first, records = await asyncio.wait_for(
            read_range(kafka, examples_topic, partition, start, end), GAP_READ_TIMEOUT_S
        )
        if first > start:
            log.error("examples %d..%d are gone (retention): not learned", start, first - 1)
            trainer.skip_to(first)
        for record in records:
            try:
                example = TrainingExample.model_validate_json(record.value or b"")
            except ValidationError:
                # Dead-lettered when it was first delivered.
                trainer.skip_to(record.offset + 1)
                continue
            learn(trainer, record.offset, example)
        log.info("trainer read examples %d..%d again (never published)", start, end - 1)

    async def publish() -> None:
        trainer: Trainer | None = state["trainer"]
        if trainer is None or state["unpublished"] == 0:
            return
        record = trainer.publish()
        state["unpublished"] = 0
        await model_output.send(MODEL_KEY, record.model_dump_json().encode())
        log.info("published model %s (next example %d)", record.version, record.next_offset)

    async def handle(event: Any) -> None:
        message = event.message
        trainer = current()
        if message.offset > trainer.next_offset:
            await fill_gap(trainer, message.partition, message.offset)
        try:
            example = TrainingExample.model_validate_json(message.value or b"")
        except ValidationError as error:
            trainer.skip_to(message.offset + 1)
            await writer.reject(message, reject_invalid(error))
            return
        learn(trainer, message.offset, example)
        if state["unpublished"] >= learning.publish_every:
            await publish()

    @runtime.app.agent(source, name="trainer", concurrency=1)
    async def trainer(stream: Any) -> None:
        await reference.wait_ready()
        async for event in stream.events():
            consumed.inc()
            await guard_event(writer, event, handle)

    @runtime.app.timer(learning.publish_interval_s, name="model-publish")
    async def publish_pending() -> None:
        await publish()
