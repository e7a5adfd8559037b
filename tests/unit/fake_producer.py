"""A producer that acknowledges every record at once and remembers what it was sent, and a
table store as Faust's memory store is to `DurableTable`."""

import asyncio
from types import SimpleNamespace
from typing import Any

from aiokafka.structs import RecordMetadata, TopicPartition


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None, int | None]] = []

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *_: Any
    ) -> "asyncio.Future[Any]":
        offset = len(self.sent)
        self.sent.append((topic, key, value, partition))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        tp = TopicPartition(topic, partition or 0)
        future.set_result(RecordMetadata(topic, partition or 0, tp, offset, -1, -1, -1))
        return future


class FakeStore(dict[bytes, bytes]):
    """A table's data: a dict that remembers the changelog offsets it was told it holds."""

    def __init__(self, data: dict[bytes, bytes] | None = None) -> None:
        super().__init__(data or {})
        self.persisted: dict[TopicPartition, int] = {}

    def set_persisted_offset(self, tp: TopicPartition, offset: int) -> None:
        self.persisted[tp] = offset


def fake_table(data: dict[bytes, bytes] | None = None) -> Any:
    """A Faust table as `DurableTable` uses it: only its `data`."""
    return SimpleNamespace(data=FakeStore(data))
