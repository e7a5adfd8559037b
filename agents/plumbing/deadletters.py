"""Writes dead letters and guards every event: a failure is dead-lettered, never acked silently;
a failure of Kafka's availability leaves the event uncommitted instead (`transient.py`).

`guard_event` is also where an event meets the delivery guard: it is begun at its offset (or
skipped when it was processed already), every send it makes is counted on its track, and it
becomes committable once the stage finished it and Kafka acknowledged those sends.
"""

import base64
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from agents.plumbing.delivery import CURRENT_TRACK, Track
from agents.plumbing.failures import exit_without_commit
from agents.plumbing.outputs import Output
from agents.plumbing.runtime import Runtime
from agents.plumbing.transient import is_transient
from service.intake import Rejection, build_dead_letter

log = logging.getLogger(__name__)
T = TypeVar("T")


class DeadLetterWriter:
    def __init__(self, runtime: Runtime, topic: Output) -> None:
        self.runtime = runtime
        self._topic = topic
        self._counter = runtime.metrics.deadletters

    async def reject(self, message: Any, rejection: Rejection) -> None:
        """Send the original record with the reason; wait for Kafka to acknowledge it."""
        letter = build_dead_letter(
            rejection,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
            value=message.value,
            headers=list(message.headers or ()),
            failed_at=self.runtime.clock(),
            budget=self.runtime.settings.limits.dead_letter_budget_bytes,
        )
        # An oversized key travels as the prefix the letter keeps, so the record stays publishable.
        key = base64.b64decode(letter.key_b64 or "") if letter.key_truncated else message.key
        future = await self._topic.send(key, letter.model_dump_json().encode())
        await future
        self._counter.labels(reason=rejection.reason).inc()
        log.info(
            "dead-lettered %s[%s]@%s: %s (%s)",
            message.topic,
            message.partition,
            message.offset,
            rejection.reason,
            rejection.message,
        )


async def guard_event(
    writer: DeadLetterWriter, event: Any, handle: Callable[[Any], Awaitable[None]]
) -> None:
    """Run one event's handler; an unexpected error dead-letters the event with the error."""
    message = event.message
    begun, track = await begin_event(writer, message)
    if begun and (await run_guarded(writer, message, track, partial(handle, event)))[0]:
        finish(track)


async def begin_event(writer: DeadLetterWriter, message: Any) -> tuple[bool, Track | None]:
    """Begin the event of `message` at the delivery guard: whether to process it (False: it
    was processed already, or is not this worker's), and its track (None: no guard)."""
    delivery = writer.runtime.delivery
    if delivery is None:
        return True, None
    track = await delivery.begin(message.tp, message.offset)
    return track is not None, track


async def run_guarded(
    writer: DeadLetterWriter,
    message: Any,
    track: Track | None,
    step: Callable[[], Awaitable[T]],
) -> tuple[bool, T | None]:
    """Run a step of the event of `message`, its sends counted on `track`. An unexpected error
    dead-letters the event; Kafka away exits the worker without committing. Whether the event
    may go on (False: Kafka was away, its track must never finish), and what the step returned
    (None after an error). A cancellation propagates, leaving the offset uncommitted."""
    token = CURRENT_TRACK.set(track)
    try:
        return True, await step()
    except Exception as error:
        if is_transient(error):
            # Kafka was away or did not answer: nothing is wrong with the record, which must
            # not leave the flow as a dead letter. Processed again after the restart.
            exit_without_commit(
                f"Kafka unavailable while processing {message.tp}@{message.offset}", error
            )
            return False, None
        log.exception("processing failed for %s@%s", message.tp, message.offset)
        rejection = Rejection("processing_error", f"{type(error).__name__}: {error}"[:1000])
        try:
            await writer.reject(message, rejection)
        except Exception as send_error:
            exit_without_commit("could not dead-letter a failed event", send_error)
    finally:
        CURRENT_TRACK.reset(token)
    return True, None


def finish(track: Track | None) -> None:
    """The stage is done with the event: committable once its sends are acknowledged."""
    if track is not None:
        track.finish()
