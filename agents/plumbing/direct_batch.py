"""Direct events gathered for the profile stage while more input waits.

Intake gathers the events that skip the keyed topic, at most `most`, and hands them to the
profile stage in batches of distinct leads (`agents/stages/profile_batches.py`): a lead's
second gathered event goes to the batch after its first, its third to the one after that, and
the batches are handed on in order, so every lead's events are decided in their input order.
Before an event of a gathered lead is re-keyed, everything gathered is handed on (`before`).
Intake hands the events on once no more input is waiting, so an idle worker decides each
event as it comes, and a rebalance hands them on before its commit
(`DeliveryGuard.before_revoking`), so that the events of the partitions that move are
complete and committed, not left to their next owner. One hand-on runs at a time, in the order
they were asked for.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from agents.plumbing.direct import DirectEvent


class DirectBatch:
    """The direct events gathered so far, in batches of distinct leads."""

    __slots__ = ("_batches", "_count", "_handle", "_latest", "_most", "_observe", "_turn")

    def __init__(
        self,
        handle: Callable[[Sequence[DirectEvent]], Awaitable[None]],
        most: int,
        observe: Callable[[float], None],
    ) -> None:
        self._handle = handle
        self._most = most
        self._observe = observe  # each batch's size, as it is handed on
        self._batches: list[list[DirectEvent]] = []
        # The batch holding each gathered lead's latest event.
        self._latest: dict[bytes, int] = {}
        self._count = 0
        self._turn = asyncio.Lock()  # held while a hand-on runs

    def __len__(self) -> int:
        return self._count

    @property
    def full(self) -> bool:
        return self._count >= self._most

    async def before(self, key: bytes) -> None:
        """An event of the lead `key` is about to take another path: when an event of that lead
        is gathered, or a hand-on is running (it may hold one), what is gathered is handed on
        first."""
        if key in self._latest or self._turn.locked():
            await self.hand_on()

    def add(self, event: DirectEvent) -> None:
        """Gather `event`, in the batch after its lead's latest one."""
        batches = self._batches
        index = self._latest.get(event.key, -1) + 1
        if index == len(batches):
            batches.append([])
        batches[index].append(event)
        self._latest[event.key] = index
        self._count += 1

    async def hand_on(self) -> None:
        """Hand what is gathered to the profile stage, batch after batch, once any hand-on
        running ends (events gathered meanwhile wait for the next one)."""
        async with self._turn:
            batches = self._batches
            self._batches = []
            self._latest.clear()
            self._count = 0
            for events in batches:
                self._observe(len(events))
                await self._handle(events)
