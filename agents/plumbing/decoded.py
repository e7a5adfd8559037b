"""A durable table of pydantic models that keeps the newest decoded values in memory.

The table holds each value as JSON bytes (its changelog is the durable copy). Parsing a lead's
whole profile on every event cost the profile stage more than deciding on it did, so the values
last read or written stay decoded, at most `capacity` of them (least recently used first out).
A decoded value is used only while the table still holds the very bytes it was decoded from:
a recovery, an expiry or any other writer replaces them, and the value is parsed again.
"""

import asyncio
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from agents.plumbing.tables import DurableTable

M = TypeVar("M", bound=BaseModel)


class DecodedTable(Generic[M]):
    def __init__(self, table: DurableTable, model: type[M], capacity: int) -> None:
        self._table = table
        self._model = model
        self._capacity = capacity
        self._decoded: OrderedDict[bytes, tuple[bytes, M]] = OrderedDict()

    def __len__(self) -> int:
        """How many values are held decoded."""
        return len(self._decoded)

    def get(self, key: bytes) -> M | None:
        raw = self._table.get(key)
        if raw is None:
            self._decoded.pop(key, None)
            return None
        held = self._decoded.get(key)
        if held is not None and held[0] == raw:  # the very object (memory), equal bytes (RocksDB)
            self._decoded.move_to_end(key)
            return held[1]
        value = self._model.model_validate_json(raw)
        self._hold(key, raw, value)
        return value

    async def put(
        self, key: bytes, value: M, partition: int, after: "asyncio.Future[Any] | None" = None
    ) -> "asyncio.Future[Any]":
        """Write `value` durably (see `DurableTable.put`, also for `after`) and keep it
        decoded."""
        raw = value.model_dump_json().encode()
        future = await self._table.put(key, raw, partition, after)
        self._hold(key, raw, value)
        return future

    def _hold(self, key: bytes, raw: bytes, value: M) -> None:
        if self._capacity <= 0:
            return
        self._decoded[key] = (raw, value)
        self._decoded.move_to_end(key)
        while len(self._decoded) > self._capacity:
            self._decoded.popitem(last=False)
