"""Direct events gathered for the profile stage while more input waits.

Intake gathers the events that skip the keyed topic and hands them to the profile stage
together (`agents/stages/profile_batches.py`), at most `most` at a time and of distinct leads. A
lead's events keep their order: before another event of a lead it gathered is gathered, or
re-keyed, the gathered ones are handed on (`before`). Intake hands them on once no more input
is waiting, so an idle worker decides each event as it comes.
"""

from collections.abc import Awaitable, Callable, Sequence

from agents.plumbing.direct import DirectEvent


class DirectBatch:
    """The direct events gathered so far, of distinct leads."""

    __slots__ = ("_events", "_handle", "_leads", "_most", "_observe")

    def __init__(
        self,
        handle: Callable[[Sequence[DirectEvent]], Awaitable[None]],
        most: int,
        observe: Callable[[float], None],
    ) -> None:
        self._handle = handle
        self._most = most
        self._observe = observe  # each batch's size, as it is handed on
        self._events: list[DirectEvent] = []
        self._leads: set[bytes] = set()

    def __len__(self) -> int:
        return len(self._events)

    @property
    def full(self) -> bool:
        return len(self._events) >= self._most

    async def before(self, key: bytes) -> None:
        """An event of the lead `key` comes next: what of it is gathered is handed on first."""
        if key in self._leads:
            await self.hand_on()

    def add(self, event: DirectEvent) -> None:
        """Gather `event`; `before` was awaited for its lead."""
        self._events.append(event)
        self._leads.add(event.key)

    async def hand_on(self) -> None:
        """Hand what is gathered to the profile stage (nothing when nothing is)."""
        if not self._events:
            return
        events = self._events
        self._events = []
        self._leads.clear()
        self._observe(len(events))
        await self._handle(events)
