"""Values derived from a table's bytes, kept in memory while the table holds those bytes.

Decoding a lead's value (its profile, its outbox index) on every event cost the profile stage
more than using it did, so the values last read or written stay derived, at most `capacity` of
them (least recently used first out). A derived value is used only while the table still holds
the very bytes it came from: a recovery, an expiry or any other writer replaces them, and the
value is derived again.
"""

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from agents.plumbing.tables import DurableTable

V = TypeVar("V")


class Derived(Generic[V]):
    def __init__(self, table: DurableTable, capacity: int) -> None:
        self._table = table
        self._capacity = capacity
        self._held: OrderedDict[bytes, tuple[bytes, V]] = OrderedDict()

    def __len__(self) -> int:
        """How many values are held derived."""
        return len(self._held)

    def get(self, key: bytes, derive: Callable[[bytes, bytes], V]) -> V | None:
        """The value `derive(key, bytes)` gives for the key's bytes in the table (None without
        any)."""
        raw = self._table.get(key)
        if raw is None:
            self._held.pop(key, None)
            return None
        held = self._held.get(key)
        if held is not None and held[0] == raw:  # the very object (memory), equal bytes (RocksDB)
            self._held.move_to_end(key)
            return held[1]
        value = derive(key, raw)
        self.hold(key, raw, value)
        return value

    def hold(self, key: bytes, raw: bytes, value: V) -> None:
        """Keep `value` as derived from `raw`, the bytes the table now holds for the key."""
        if self._capacity <= 0:
            return
        self._held[key] = (raw, value)
        self._held.move_to_end(key)
        while len(self._held) > self._capacity:
            self._held.popitem(last=False)
