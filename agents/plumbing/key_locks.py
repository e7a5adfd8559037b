"""One asyncio lock per key, held only while someone holds or awaits it."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyLocks:
    """Serialises the holders of one key; different keys never wait for each other."""

    def __init__(self) -> None:
        # key -> (its lock, how many hold or await it); gone when nobody does.
        self._held: dict[bytes, tuple[asyncio.Lock, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._held)

    @asynccontextmanager
    async def hold(self, key: bytes) -> AsyncIterator[None]:
        entry = self._held.get(key)
        if entry is None:
            entry = self._held[key] = (asyncio.Lock(), [0])
        lock, users = entry
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._held[key]
