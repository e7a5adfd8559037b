"""A key's state, a pydantic model, stored with its outbox entries and kept decoded in memory.

The state is written as JSON in the same table value as the key's outbox entries
(`Outbox.record(state=...)` in `agents/plumbing/outbox.py`), so that one record holds both.
Parsing a lead's whole profile on every event cost the profile stage more than deciding on it
did, so states stay decoded while the table holds the bytes they came from
(`agents/plumbing/derived.py`).
"""

from typing import Generic, TypeVar

from pydantic import BaseModel

from agents.plumbing.derived import Derived
from agents.plumbing.outbox import state_of
from agents.plumbing.tables import DurableTable

M = TypeVar("M", bound=BaseModel)


class DecodedStates(Generic[M]):
    def __init__(self, table: DurableTable, model: type[M], capacity: int) -> None:
        self._table = table
        self._parse = model.model_validate_json
        self._decoded: Derived[M | None] = Derived(table, capacity)

    def __len__(self) -> int:
        """How many states are held decoded."""
        return len(self._decoded)

    def get(self, key: bytes) -> M | None:
        """The key's state, or None."""
        return self._decoded.get(key, self._decode)

    def written(self, key: bytes, state: M) -> None:
        """`state` was just written for the key (`Outbox.record`): keep it decoded."""
        value = self._table.get(key)
        if value is not None:
            self._decoded.hold(key, value, state)

    def _decode(self, key: bytes, raw: bytes) -> M | None:
        state = state_of(raw)
        return self._parse(state) if state else None
