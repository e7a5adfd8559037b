"""A key's state, a pydantic model, stored with its outbox entries and kept decoded in memory.

The state is written as JSON in the same table value as the key's outbox entries
(`agents/plumbing/outbox.py`), so that one record holds both. Parsing a lead's whole profile on
every event cost the profile stage more than deciding on it did, so states stay decoded while
the table holds the bytes they came from (`agents/plumbing/derived.py`).
"""

import asyncio
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from agents.plumbing.derived import Derived
from agents.plumbing.outbox import LaneMarks, Outbox, Send
from agents.plumbing.tables import DurableTable
from schemas.profiles import KEYED_LANE

M = TypeVar("M", bound=BaseModel)


class DecodedStates(Generic[M]):
    def __init__(self, table: DurableTable, outbox: Outbox, model: type[M], capacity: int) -> None:
        """`outbox` writes `table`."""
        self._table = table
        self._outbox = outbox
        self._parse = model.model_validate_json
        self._decoded: Derived[M | None] = Derived(table, capacity)

    def __len__(self) -> int:
        """How many states are held decoded."""
        return len(self._decoded)

    def get(self, key: bytes) -> M | None:
        """The key's state, or None."""
        return self._decoded.get(key, self._decode)

    def recorded(self, key: bytes, offset: int, lane: str = KEYED_LANE) -> list[Send] | None:
        """See `Outbox.recorded`."""
        return self._outbox.recorded(key, offset, lane)

    async def record(
        self,
        key: bytes,
        offset: int,
        sends: list[Send],
        partition: int,
        floor: int,
        lane: str = KEYED_LANE,
        marks: LaneMarks | None = None,
        state: M | None = None,
    ) -> "asyncio.Future[Any]":
        """Record the event's sends with the key's new `state` (None: the one it has), in one
        value (see `Outbox.record`), and keep that state decoded."""
        raw = None if state is None else state.model_dump_json().encode()
        future = await self._outbox.record(key, offset, sends, partition, floor, lane, marks, raw)
        if state is not None:
            written = self._table.get(key)
            assert written is not None  # the store has a write at once
            self._decoded.hold(key, written, state)
        return future

    def _decode(self, key: bytes, raw: bytes) -> M | None:
        state = self._outbox.state(key)
        return self._parse(state) if state else None
