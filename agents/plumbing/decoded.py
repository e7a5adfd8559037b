"""A durable table of pydantic models that keeps the newest decoded values in memory.

The table holds each value as JSON bytes (its changelog is the durable copy). Parsing a lead's
whole profile on every event cost the profile stage more than deciding on it did, so values
stay decoded while the table holds the bytes they came from (`agents/plumbing/derived.py`).
"""

import asyncio
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from agents.plumbing.derived import Derived
from agents.plumbing.tables import DurableTable

M = TypeVar("M", bound=BaseModel)


class DecodedTable(Generic[M]):
    def __init__(self, table: DurableTable, model: type[M], capacity: int) -> None:
        self._table = table
        self._parse = model.model_validate_json
        self._decoded: Derived[M] = Derived(table, capacity)

    def __len__(self) -> int:
        """How many values are held decoded."""
        return len(self._decoded)

    def get(self, key: bytes) -> M | None:
        return self._decoded.get(key, self._parse)

    async def put(
        self, key: bytes, value: M, partition: int, after: "asyncio.Future[Any] | None" = None
    ) -> "asyncio.Future[Any]":
        """Write `value` durably (see `DurableTable.put`, also for `after`) and keep it
        decoded."""
        raw = value.model_dump_json().encode()
        future = await self._table.put(key, raw, partition, after)
        self._decoded.hold(key, raw, value)
        return future
