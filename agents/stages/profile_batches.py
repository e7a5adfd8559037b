"""The profile stage's direct events, decided a batch at a time.

Intake hands the profile stage the lead events that skip the keyed topic in batches, gathered
while more input waits (`agents/plumbing/direct_batch.py`). The stage decides every event of a
batch first, then records each decision with its profile and sends its records. Measured, the
worker spends about a quarter less CPU per event so than deciding and keeping each event in turn
(bench/RESULTS.md, 8 December); where the saving comes from is not isolated.

A batch holds events of distinct leads, whose locks it holds throughout, so one event's failure
never touches another's decision. Each event is guarded as `guard_event` guards one: a failure
dead-letters it alone, Kafka away leaves it uncommitted, and its track finishes only when the
stage is done with it.
"""

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import partial

from agents.plumbing.deadletters import DeadLetterWriter, finish, run_guarded
from agents.plumbing.direct import DirectEvent
from agents.plumbing.key_locks import KeyLocks
from agents.plumbing.outputs import Send
from agents.stages.profile_lanes import At
from schemas.pipeline import KeyedLeadEvent
from service.pipeline import Evaluation


@dataclass(frozen=True, slots=True)
class Decided:
    """A lead event decided, its records built; its profile is kept once they are recorded."""

    key: bytes
    record: KeyedLeadEvent
    at: At
    evaluation: Evaluation
    sends: list[Send]


class DecidedInBatches:
    """Decides a batch of direct events, then keeps each decision (`keep`)."""

    __slots__ = ("_decide", "_keep", "_locks", "_writer")

    def __init__(
        self,
        writer: DeadLetterWriter,
        locks: KeyLocks,
        decide: Callable[[DirectEvent], Awaitable[Decided | None]],
        keep: Callable[[Decided], Awaitable[None]],
    ) -> None:
        self._writer = writer
        self._locks = locks
        self._decide = decide
        self._keep = keep

    async def handle(self, events: Sequence[DirectEvent]) -> None:
        """Decide `events` (of distinct leads, in their input order), then keep each decision;
        every event's track is finished once the stage is done with it."""
        writer = self._writer
        async with AsyncExitStack() as held:
            for event in events:
                await held.enter_async_context(self._locks.hold(event.key))
            decided: list[tuple[DirectEvent, Decided]] = []
            for event in events:
                step = partial(self._decide, event)
                going_on, decision = await run_guarded(writer, event.message, event.track, step)
                if not going_on:
                    continue  # Kafka away: the worker exits, the event stays uncommitted
                if decision is not None:
                    decided.append((event, decision))
                else:
                    finish(event.track)  # replayed, a duplicate, or dead-lettered
            for event, decision in decided:
                keep = partial(self._keep, decision)
                if (await run_guarded(writer, event.message, event.track, keep))[0]:
                    finish(event.track)
