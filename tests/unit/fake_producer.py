"""A producer that acknowledges every record at once and remembers what it was sent."""

import asyncio
from typing import Any


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None, int | None]] = []

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *_: Any
    ) -> "asyncio.Future[Any]":
        self.sent.append((topic, key, value, partition))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future
