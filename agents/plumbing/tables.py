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

A write may also wait for another (`after`): its changelog record is sent only once Kafka
acknowledged that one, while the local store has the value at once. The profile stage writes a
lead's profile after its outbox entry that way, so a profile found in Kafka after a crash always
comes with the outbox entries of the events it holds (see `agents/stages/profile.py`). Once one
write waits, the table's later writes queue behind it, so that the changelog keeps their order.
"""

import asyncio
from collections import deque
from functools import partial
from typing import Any

from agents.plumbing.delivery import track_send
from agents.plumbing.failures import exit_without_commit
from agents.plumbing.outputs import Output
from agents.plumbing.runtime import Runtime
from agents.plumbing.topics import changelog_topic

# A write waiting for its turn: what it waits for, key, value, partition, and its future.
_Waiting = tuple["asyncio.Future[Any] | None", bytes, bytes | None, int, "asyncio.Future[Any]"]


class DurableTable:
    """A bytes-to-bytes Faust table written through a tracked changelog send."""

    def __init__(self, table: Any, changelog: Output) -> None:
        self._table = table
        self._changelog = changelog
        self._waiting: deque[_Waiting] = deque()
        self._sender: asyncio.Task[None] | None = None

    @property
    def table(self) -> Any:
        return self._table

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self._table.data.get(key)
        return value

    async def put(
        self,
        key: bytes,
        value: bytes | None,
        partition: int,
        after: "asyncio.Future[Any] | None" = None,
    ) -> "asyncio.Future[Any]":
        """Store locally, then send to the changelog; the future resolves once Kafka has it.

        `value=None` deletes the key (a tombstone in the compacted changelog). With `after`,
        the changelog record is sent once that future resolved (a failed one stops the worker
        uncommitted, as a refused send does).
        """
        data = self._table.data
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        if not self._waiting and (after is None or _acknowledged(after)):
            return await self._send(key, value, partition)
        written: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        track_send(written)  # the event is not committable before this record is acknowledged
        self._waiting.append((after, key, value, partition, written))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_waiting(), name="leadrouter-table-writes")
        return written

    async def _send(self, key: bytes, value: bytes | None, partition: int) -> "asyncio.Future[Any]":
        return await self._changelog.send(
            key, value, partition=partition, on_acknowledged=self._persisted
        )

    async def _send_waiting(self) -> None:
        waiting = self._waiting
        while waiting:
            after, key, value, partition, written = waiting[0]
            try:
                if after is not None:
                    await after
                sent = await self._send(key, value, partition)
            except BaseException as error:
                for *_, future in waiting:
                    if not future.done():
                        future.set_exception(RuntimeError("a table write did not go out"))
                        future.exception()  # read: a missing track must not warn about it
                waiting.clear()
                if isinstance(error, asyncio.CancelledError):
                    raise
                exit_without_commit("a table write that waited could not be sent", error)
                return
            waiting.popleft()
            sent.add_done_callback(partial(_pass_on, written=written))

    def _persisted(self, metadata: Any) -> None:
        self._table.data.set_persisted_offset(metadata.topic_partition, metadata.offset)


def _acknowledged(future: "asyncio.Future[Any]") -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _pass_on(sent: "asyncio.Future[Any]", written: "asyncio.Future[Any]") -> None:
    """The changelog send's outcome is the waiting write's."""
    if written.done():
        return
    if sent.cancelled():
        written.cancel()
    elif (error := sent.exception()) is not None:
        written.set_exception(error)
    else:
        written.set_result(sent.result())


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
