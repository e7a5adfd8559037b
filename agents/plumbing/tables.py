"""Tables whose writes are tracked like outputs, and can be awaited before an output is sent.

A Faust table write goes to its changelog through `send_soon` and a buffer whose flush gives up
after 0.1 s without progress: nothing tells the stage when (or whether) it reached Kafka, so a
routed record could be acknowledged before the ledger entry that makes its replay idempotent.
`DurableTable.put` writes the local store and sends the changelog record itself, through the
worker's producer, to the partition of the event being processed (where Faust's recovery reads
it back): the send is counted on the event's track, and the caller may await it. Once Kafka
acknowledged it, the store is told the changelog offset it now holds (as Faust's own changelog
sends do): a persistent store (`rocksdb://`) then recovers from there at the next start instead
of reading the whole changelog again.
"""

import asyncio
from typing import Any

from agents.plumbing.outputs import Output, Send
from agents.plumbing.runtime import Runtime
from agents.plumbing.topics import changelog_topic


class DurableTable:
    """A bytes-to-bytes Faust table written through a tracked changelog send."""

    def __init__(self, table: Any, changelog: Output) -> None:
        self._table = table
        self._changelog = changelog

    @property
    def table(self) -> Any:
        return self._table

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self._table.data.get(key)
        return value

    async def put(self, key: bytes, value: bytes | None, partition: int) -> "asyncio.Future[Any]":
        """Store locally, then send to the changelog; the future resolves once Kafka has it.

        `value=None` deletes the key (a tombstone in the compacted changelog).
        """
        data = self._table.data
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        return await self._changelog.send(
            key, value, partition=partition, on_acknowledged=self._persisted
        )

    def store(self, key: bytes, value: bytes, partition: int) -> Send:
        """Store locally now (reads see it at once); the returned send takes it to the
        changelog, for the caller to send once what it must follow is durable."""
        self._table.data[key] = value
        return Send(self._changelog, key, value, partition, self._persisted)

    def _persisted(self, metadata: Any) -> None:
        self._table.data.set_persisted_offset(metadata.topic_partition, metadata.offset)


def durable_table(runtime: Runtime, name: str) -> DurableTable:
    """A bytes table of the app (changelog `<app id>-<name>-changelog`), written durably."""
    table = runtime.app.Table(
        name,
        # bytes in and out: the app's default serializers are raw.
        key_type=bytes,
        value_type=bytes,
        partitions=runtime.settings.topics.partitions,
    )
    return DurableTable(table, Output(runtime.app, changelog_topic(runtime.settings.app_id, name)))
