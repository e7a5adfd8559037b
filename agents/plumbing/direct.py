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

One lead's events keep their order when some arrive keyed by identity and some not. The gate
of a keyed partition opens only when everything that could still reach the lead through the
keyed topic ahead of a direct event has been processed there:
- after an assignment, every record the keyed partition held then (`DeliveryGuard.caught_up`),
  which covers what an earlier owner or a crashed run re-keyed;
- every record this worker re-keyed into that partition since: until Kafka acknowledged it
  (its offset is unknown before) and the keyed partition is complete past its offset.
A record read again after a crash may take the other path the second time; the profile stage
recognises it by its input coordinates (`schemas.profiles.LeadProfile.direct_offsets`).
"""

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiokafka.partitioner import murmur2

from agents.plumbing.delivery import DeliveryGuard, Partition
from schemas.pipeline import KeyedLeadEvent


@lru_cache(maxsize=65_536)
def keyed_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner (murmur2, as Faust's producer uses) gives `key`."""
    hashed: int = murmur2(key)
    return (hashed & 0x7FFFFFFF) % partitions


class DirectGate:
    """Per keyed partition: may an event of a lead there skip the keyed topic now?"""

    def __init__(
        self,
        guard: DeliveryGuard,
        keyed_topic: str,
        partitions: Callable[[str], int | None],
    ) -> None:
        self._guard = guard
        self._topic = keyed_topic
        self._partitions = partitions
        self._count: int | None = None
        # Per keyed partition: re-keyed records not yet acknowledged, and the offset after the
        # last acknowledged one (the partition must be complete up to it).
        self._unacknowledged: defaultdict[int, int] = defaultdict(int)
        self._after: dict[int, int] = {}

    def partition_count(self) -> int | None:
        if self._count is None:
            self._count = self._partitions(self._topic)
        return self._count

    def is_open(self, key: bytes | None, identity: bytes, partition: int) -> bool:
        """Whether the input record (`key`, in `partition`) of the lead `identity` may go
        straight to the profile stage."""
        count = self.partition_count()
        if key != identity or count is None or keyed_partition(identity, count) != partition:
            return False
        if self._unacknowledged[partition]:
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

    def rekeyed(self, identity: bytes, sent: "asyncio.Future[Any]") -> None:
        """A record of `identity` was sent to the keyed topic: the lead's partition stays
        closed until it is processed there."""
        count = self.partition_count()
        if count is None:
            return  # no partition opens before the count is known
        partition = keyed_partition(identity, count)
        self._unacknowledged[partition] += 1
        sent.add_done_callback(lambda future: self._acknowledged(partition, future))

    def _acknowledged(self, partition: int, sent: "asyncio.Future[Any]") -> None:
        self._unacknowledged[partition] -= 1
        if sent.cancelled() or sent.exception() is not None:
            return  # the worker exits without committing (outputs.py)
        after = sent.result().offset + 1
        self._after[partition] = max(self._after.get(partition, 0), after)


@dataclass(frozen=True, slots=True)
class DirectProfile:
    """What intake needs of the profile stage: whether it can decide now, and how."""

    ready: Callable[[], bool]
    # Decide one lead event in the profile stage, positioned by its input record (`message`).
    handle: Callable[[KeyedLeadEvent, Any], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class DirectPath:
    gate: DirectGate
    profile: DirectProfile

    def accepts(self, key: bytes | None, identity: bytes, partition: int) -> bool:
        return self.profile.ready() and self.gate.is_open(key, identity, partition)
