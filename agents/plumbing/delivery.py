"""leadrouter's own delivery guarantee: what may be committed, per input partition.

An input offset is committable only when the event there finished processing and every record
it caused (outputs, dead letters, the table writes replays depend on) was acknowledged by
Kafka, and only contiguously from a start offset that was checked when the partition was
assigned (the committed offset, or the earliest offset when nothing was committed yet).

Faust's own bookkeeping (acks, gaps) is not consulted: `faust_fixes` makes Faust's consumer ask
this guard which offset to commit. Events are begun in offset order per partition (the stages
run with concurrency 1). An event at an unexpected offset is a hole: `HoleCheck` asks the broker
whether the skipped offsets hold records. If they do not (compaction, transaction markers) the
guard moves on; if they do, records were dropped before they reached the stage, and the worker
exits without committing (the tripwire), so they are read again after the restart.
"""

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from agents.plumbing.lease import MembershipLease

log = logging.getLogger(__name__)


class Partition(NamedTuple):
    """A topic partition (Faust's TP and aiokafka's TopicPartition compare equal to it)."""

    topic: str
    partition: int


# First offset >= the asked one that holds a record, or None when there is none yet.
HoleCheck = Callable[[Partition, int], Awaitable[int | None]]
Exit = Callable[[str, BaseException], None]


class DroppedRecordsError(RuntimeError):
    """Records between the expected and the delivered offset exist but never reached a stage."""


@dataclass(eq=False)
class _PartitionState:
    start: int
    next_offset: int
    # The partition's end offset when it was assigned (None: not known).
    end: int | None = None
    committed: int = 0
    # Offsets begun and not yet complete, in offset order (dicts keep insertion order).
    in_flight: dict[int, "Track"] = field(default_factory=dict)
    # Left to the next owner (a rebalance began while the membership was not confirmed): no
    # later event of this assignment is begun either.
    abandoned: bool = False

    def committable(self) -> int:
        return next(iter(self.in_flight)) if self.in_flight else self.next_offset


class Track:
    """One event's processing: complete once finished and every send it made is acknowledged."""

    __slots__ = ("_finished", "_on_complete", "_outstanding", "_state", "failed", "offset")

    def __init__(self, state: _PartitionState, offset: int) -> None:
        self._state = state
        self.offset = offset
        self._outstanding = 0
        self._finished = False
        self.failed = False
        self._on_complete: list[Callable[[], None]] = []

    def when_complete(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the event is complete: finished, every send acknowledged. A
        failed event never completes, and never runs it."""
        self._on_complete.append(callback)

    def add(self, future: "asyncio.Future[Any]") -> None:
        """Count a send: the event is not complete before Kafka acknowledged it."""
        self._outstanding += 1
        future.add_done_callback(self._settled)

    def finish(self) -> None:
        """The stage is done with the event (its sends may still be in flight)."""
        self._finished = True
        self._maybe_complete()

    @property
    def settling(self) -> bool:
        """Finished by the stage, and waiting for acknowledgements that may still come."""
        return self._finished and self._outstanding > 0 and not self.failed

    def _settled(self, future: "asyncio.Future[Any]") -> None:
        self._outstanding -= 1
        if future.cancelled() or future.exception() is not None:
            # Never completes: the offset stays uncommitted (outputs.py exits the worker).
            self.failed = True
        self._maybe_complete()

    def _maybe_complete(self) -> None:
        if self._finished and self._outstanding == 0 and not self.failed:
            self._state.in_flight.pop(self.offset, None)
            callbacks, self._on_complete = self._on_complete, []
            for callback in callbacks:
                callback()


CURRENT_TRACK: contextvars.ContextVar[Track | None] = contextvars.ContextVar(
    "leadrouter_current_track", default=None
)


def track_send(future: "asyncio.Future[Any]") -> None:
    """Make the event being processed (if any) wait for this send before it is committable."""
    track = CURRENT_TRACK.get()
    if track is not None:
        track.add(future)


def when_delivered(callback: Callable[[], None]) -> None:
    """Run `callback` once the event being processed is complete (never without one)."""
    track = CURRENT_TRACK.get()
    if track is not None:
        track.when_complete(callback)


def _starts_text(starts: Mapping[Any, int], ends: Mapping[Any, int]) -> str:
    """`topic[partition] start/end` for each partition, sorted; `?` where the end is unknown."""
    parts = sorted((tp[0], tp[1], offset, ends.get(tp)) for tp, offset in starts.items())
    return ", ".join(
        f"{topic}[{partition}] {offset}/{'?' if end is None else end}"
        for topic, partition, offset, end in parts
    )


class DeliveryGuard:
    """Per input partition: the checked start, the next expected offset, events in flight."""

    def __init__(
        self,
        check_hole: HoleCheck,
        exit_without_commit: Exit,
        lease: MembershipLease | None = None,
    ) -> None:
        self._check_hole = check_hole
        self._exit = exit_without_commit
        # No event is begun while the worker's group membership is not confirmed (`lease.py`).
        self._lease = lease
        self._partitions: dict[Partition, _PartitionState] = {}
        # How many assignments there were (a reader can tell that one happened since it looked).
        self.assignments = 0
        # What must run before a rebalance commits: stages handing on events they gathered.
        self._before_revoking: list[Callable[[], Awaitable[None]]] = []

    def assigned(self, starts: Mapping[Any, int], ends: Mapping[Any, int] | None = None) -> None:
        """Partitions (re)assigned and sought: processing restarts at `starts`; `ends` holds
        their end offsets at that moment, where known (see `caught_up`)."""
        ends = ends or {}
        self.assignments += 1
        if self._lease is not None:  # an assignment: the group has the member now
            self._lease.confirmed()
        for tp, offset in starts.items():
            key = Partition(tp[0], tp[1])
            end = ends.get(tp)
            self._partitions[key] = _PartitionState(start=offset, next_offset=offset, end=end)
        # One line per assignment (a line per partition met the log's repeat limit after ten).
        log.info(
            "delivery: assignment %d starts %d input partitions at (offset/end): %s",
            self.assignments,
            len(starts),
            _starts_text(starts, ends),
        )

    def before_revoking(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run `step` when a rebalance begins, before its commit (`ahead_of_revoking`): a
        stage that holds begun events back hands them on there."""
        self._before_revoking.append(step)

    async def ahead_of_revoking(self, timeout: float) -> bool:
        """Run the steps registered to run before a rebalance commits, waiting at most
        `timeout` seconds (they go on after it); False when they did not end in time."""
        if not self._before_revoking:
            return True
        steps = asyncio.gather(*(step() for step in self._before_revoking))
        done, _ = await asyncio.wait([steps], timeout=timeout)
        if done and steps.exception() is not None:
            # The events it held stay uncommitted: their next owner processes them.
            log.error("delivery: a step before the rebalance failed", exc_info=steps.exception())
        return bool(done)

    def revoking(self) -> None:
        """A rebalance began: an event waiting for the membership is left to the next owner."""
        if self._lease is not None:
            self._lease.revoking()

    def revoked(self, partitions: Any) -> None:
        for tp in partitions:
            self._partitions.pop(Partition(tp[0], tp[1]), None)

    async def settled(self, timeout: float, poll: float = 0.01) -> bool:
        """Wait (at most `timeout` seconds) until no finished event waits for Kafka to
        acknowledge its sends, so that a commit that follows covers them; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while any(
            track.settling
            for state in self._partitions.values()
            for track in state.in_flight.values()
        ):
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(poll)
        return True

    def manages(self, tp: Any) -> bool:
        return Partition(tp[0], tp[1]) in self._partitions

    def committable(self, tp: Any) -> int | None:
        """The offset to commit for a partition: everything before it is complete."""
        state = self._partitions.get(Partition(tp[0], tp[1]))
        return None if state is None else state.committable()

    def caught_up(self, tp: Any) -> bool:
        """Whether every record the partition held when it was assigned here is complete
        (processed, and its sends acknowledged); False when it is not assigned here or its end
        was not known."""
        state = self._partitions.get(Partition(tp[0], tp[1]))
        return state is not None and state.end is not None and state.committable() >= state.end

    def start_of(self, tp: Any) -> int | None:
        """The offset this assignment of the partition started at (checked at the seek)."""
        state = self._partitions.get(Partition(tp[0], tp[1]))
        return None if state is None else state.start

    async def first_record_from(self, tp: Any, offset: int) -> int | None:
        """The first offset at or after `offset` in `tp` that holds a record (None: none)."""
        return await self._check_hole(Partition(tp[0], tp[1]), offset)

    def progress(self, tp: Any) -> str:
        """Where the stage stands in the partition, for a log line."""
        state = self._partitions.get(Partition(tp[0], tp[1]))
        if state is None:
            return "not assigned to the stage"
        flying = state.in_flight
        first = f" from offset {next(iter(flying))}" if flying else ""
        return (
            f"started at {state.start}, next expected {state.next_offset}, "
            f"{len(flying)} event(s) in flight{first}"
        )

    def note_committed(self, tp: Any, offset: int | None) -> None:
        """Kafka holds this committed offset for the partition (Faust's last commit)."""
        state = self._partitions.get(Partition(tp[0], tp[1]))
        if state is not None and offset is not None:
            state.committed = max(state.committed, offset)

    def replay_floor(self, tp: Any) -> int:
        """No restart can replay an offset below this one: it was committed (or never read)."""
        state = self._partitions.get(Partition(tp[0], tp[1]))
        return 0 if state is None else max(state.start, state.committed)

    async def begin(self, tp: Any, offset: int) -> Track | None:
        """Start one event; None when it must not be processed (it was already)."""
        key = Partition(tp[0], tp[1])
        state = self._partitions.get(key)
        if state is None:
            # Not assigned here, or assigned and not yet sought: the seek reads it again.
            log.warning("delivery: %s@%d arrived outside an assignment; skipped", key, offset)
            return None
        if offset < state.next_offset or state.abandoned:
            log.debug("delivery: %s@%d delivered again or left; not processed", key, offset)
            return None
        if self._lease is not None and not self._lease.holds():
            # Perhaps no longer this worker's partition: wait until the group says so.
            if not await self._lease.wait():
                state.abandoned = True
            if state.abandoned or self._partitions.get(key) is not state:
                return None
        if offset > state.next_offset:
            await self._hole(key, state, offset)
        if self._partitions.get(key) is not state:  # revoked while the broker was asked
            return None
        state.next_offset = offset + 1
        track = Track(state, offset)
        state.in_flight[offset] = track
        return track

    async def _hole(self, key: Partition, state: _PartitionState, offset: int) -> None:
        expected = state.next_offset
        first = await self._check_hole(key, expected)
        if first is not None and first >= offset:
            log.info(
                "delivery: %s[%d] offsets %d..%d hold no records (compaction or transaction "
                "markers); moving on",
                key.topic,
                key.partition,
                expected,
                offset - 1,
            )
            return
        where = "first event after the assignment" if expected == state.start else "event"
        self._exit(
            f"{key.topic}[{key.partition}]: the {where} is at offset {offset}, but offset "
            f"{first} (expected {expected}) holds a record that never reached the stage",
            DroppedRecordsError(key, expected, offset),
        )
