"""The direct path: a lead event already keyed by its lead's identity skips the re-key hop.

Intake normally re-keys every event by lead identity onto the keyed topic, where the profile
stage reads it: one more produce, fetch and delivery per event. An input record needs none of
that when its Kafka key is already the identity intake computes (`email:…` or `ext:…`) and it
sits in the partition Kafka's default partitioner gives that key in the keyed topic: the
profile table's partition for the lead then has the same number as the input partition, and
(input and keyed topics having the same partition count) Faust assigns both to the same worker.
Intake then hands the event to the profile stage in-process (`DirectProfile`), inside the input
event's own delivery track: its input offset is committed only once the profile, the outbox
entry and every send are acknowledged, as on the keyed path.

One lead's events keep their order when some arrive keyed by identity and some not. A lead's
event goes direct only when nothing that could still reach the lead through the keyed topic
ahead of it is unprocessed:
- after an assignment, every record its keyed partition held then (`DeliveryGuard.caught_up`),
  which covers what an earlier owner or a crashed run re-keyed;
- every record of that lead this worker re-keyed since, known by its input coordinates until
  the profile stage reports it processed (at most `tracked` of them; past that, and for a
  re-key acknowledged across an assignment, the lead's whole partition waits until it is
  complete past the record's offset).
A partition whose identity-keyed records are mostly held back that way re-keys all of them for
a while (`WINDOW`, `PAUSE`): with the profile work split between two agents, input that mixes
keys record by record cost more CPU per event than the hop saves. Re-keying is always order-safe.
A record read again after a crash may take the other path the second time; the profile stage
recognises it by its input coordinates (`schemas.profiles.LeadProfile.direct_offsets`).
"""

import asyncio
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from agents.plumbing.delivery import DeliveryGuard, Partition, Track
from agents.plumbing.partitioner import keyed_partition
from schemas.pipeline import KeyedLeadEvent

# Where an input record was read: (topic, partition, offset); a keyed record carries its source's.
Source = tuple[str, int, int]

# The partition count held once the input and keyed topics' counts differ: nothing goes direct.
_NEVER = 0


class DirectGate:
    """May an event of a lead skip the keyed topic now?"""

    def __init__(
        self,
        guard: DeliveryGuard,
        keyed_topic: str,
        input_topic: str,
        partitions: Callable[[str], int | None],
        *,
        tracked: int = 100_000,
    ) -> None:
        self._guard = guard
        self._topic = keyed_topic
        self._input = input_topic
        self._partitions = partitions
        self._count: int | None = None
        self._tracked = tracked
        self._assignments = guard.assignments
        # Records this worker re-keyed and the profile stage has not processed yet, by their
        # input coordinates, and how many each lead has.
        self._pending: dict[Source, bytes] = {}
        self._leads: Counter[bytes] = Counter()
        # Per keyed partition, re-keys not tracked per lead (past `tracked`, or acknowledged
        # across an assignment): how many are not acknowledged yet, and the offset after the
        # last acknowledged one (the partition must be complete up to it).
        self._unacknowledged: defaultdict[int, int] = defaultdict(int)
        self._after: dict[int, int] = {}
        self._splits: defaultdict[int, _Split] = defaultdict(_Split)

    def partition_count(self) -> int | None:
        """The keyed topic's partition count, once known; None (nothing goes direct) while it
        is not, and for good when the input topic has another count: partitions of one number
        in both are then not assigned together, and a lead's input and keyed partitions differ.
        """
        if self._count is None:
            keyed, given = self._partitions(self._topic), self._partitions(self._input)
            if keyed is None or given is None:
                return None
            self._count = keyed if keyed == given else _NEVER
        return None if self._count == _NEVER else self._count

    def __len__(self) -> int:
        """Re-keyed records tracked per lead, not processed yet."""
        return len(self._pending)

    def is_open(self, key: bytes | None, identity: bytes, partition: int) -> bool:
        """Whether the input record (`key`, in `partition`) of the lead `identity` may go
        straight to the profile stage."""
        count = self.partition_count()
        if key != identity or count is None or keyed_partition(identity, count) != partition:
            return False
        split = self._splits[partition]
        if split.paused:
            split.paused -= 1
            return False
        opened = self._opens(identity, partition)
        split.count(opened)
        return opened

    def _opens(self, identity: bytes, partition: int) -> bool:
        self._forget_on_assignment()
        if self._leads[identity] or self._unacknowledged[partition]:
            return False
        keyed = Partition(self._topic, partition)
        if not self._guard.caught_up(keyed):
            return False
        after = self._after.get(partition)
        if after is None:
            return True
        committable = self._guard.committable(keyed)
        if committable is None or committable < after:
            return False
        del self._after[partition]
        return True

    def rekeyed(self, identity: bytes, source: Source, sent: "asyncio.Future[Any]") -> None:
        """The record at `source` of the lead `identity` was sent to the keyed topic: the
        lead's events are re-keyed too until the profile stage processed it."""
        count = self.partition_count()
        if count is None:
            return  # nothing goes direct before the count is known
        self._forget_on_assignment()
        partition = keyed_partition(identity, count)
        if len(self._pending) < self._tracked:
            self._pending[source] = identity
            self._leads[identity] += 1
            sent.add_done_callback(
                partial(self._tracked_acknowledged, partition, self._assignments)
            )
        else:
            self._unacknowledged[partition] += 1
            sent.add_done_callback(partial(self._acknowledged, partition))

    def processed(self, source: Source) -> None:
        """The profile stage is done with a keyed record read from `source`."""
        identity = self._pending.pop(source, None)
        if identity is None:
            return
        left = self._leads[identity] - 1
        if left:
            self._leads[identity] = left
        else:
            del self._leads[identity]

    def _forget_on_assignment(self) -> None:
        """After an assignment the keyed partitions must catch up with everything they held
        (`DeliveryGuard.caught_up`), which covers every acknowledged re-key: the per-lead
        records are forgotten (their partition may have moved to another worker)."""
        if self._guard.assignments != self._assignments:
            self._assignments = self._guard.assignments
            self._pending.clear()
            self._leads.clear()

    def _tracked_acknowledged(
        self, partition: int, assignments: int, sent: "asyncio.Future[Any]"
    ) -> None:
        if assignments != self._guard.assignments:
            # Acknowledged after an assignment, perhaps past the end it was caught up to.
            self._wait_past(partition, sent)

    def _acknowledged(self, partition: int, sent: "asyncio.Future[Any]") -> None:
        self._unacknowledged[partition] -= 1
        self._wait_past(partition, sent)

    def _wait_past(self, partition: int, sent: "asyncio.Future[Any]") -> None:
        """The partition waits until it is complete past the acknowledged record."""
        if sent.cancelled() or sent.exception() is not None:
            return  # the worker exits without committing (outputs.py)
        after = sent.result().offset + 1
        self._after[partition] = max(self._after.get(partition, 0), after)


# Per keyed partition: out of each WINDOW identity-keyed records, when more than half were held
# back (their lead had a re-keyed record in flight), the next PAUSE are re-keyed without asking.
# Splitting a partition's leads between intake and the profile agent cost more CPU per event
# than the hop saved (README, Performance); re-keying is always safe for order.
WINDOW = 200
PAUSE = 2_000


@dataclass(slots=True)
class _Split:
    tried: int = 0
    held: int = 0
    paused: int = 0

    def count(self, opened: bool) -> None:
        self.tried += 1
        self.held += not opened
        if self.tried == WINDOW:
            if self.held * 2 > self.tried:
                self.paused = PAUSE
            self.tried = self.held = 0


@dataclass(frozen=True, slots=True)
class DirectEvent:
    """A lead event intake hands the profile stage, with its input record and delivery track."""

    key: bytes  # the lead's identity
    record: KeyedLeadEvent
    message: Any
    track: Track | None


@dataclass(frozen=True, slots=True)
class DirectProfile:
    """What intake needs of the profile stage: whether it can decide now, and how."""

    # Returns once the profile stage can decide (its reference views caught up).
    wait_ready: Callable[[], Awaitable[None]]
    # Decide lead events of distinct leads, in order, each positioned by its input record; each
    # event's track is finished when the stage is done with it (never after a failure of Kafka's).
    handle: Callable[[Sequence[DirectEvent]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DirectPath:
    gate: DirectGate
    profile: DirectProfile
