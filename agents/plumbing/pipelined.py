"""Sends that wait for a stage's durable writes, without the stage waiting for them.

A stage may send what it decided only once Kafka acknowledged the writes a replay depends on
(the profile stage: the new profile with its outbox entry; the assign stage: the ledger entry,
and only then the queue's new counters, see `agents/stages/assign.py`). Awaiting that
acknowledgement inline cost every event a broker round trip: with one event in flight, the
profile stage sat idle in `select` a quarter of the time and managed fewer events per second
than round trips. `SendQueue.after` returns at once; the sends go out once their writes are
acknowledged, strictly in the order they were queued (so one lead's records keep their order),
while the stage goes on with the next events, whose writes then share the producer's requests.

Nothing is committed earlier than before: the event's track (`delivery.Track`) stays
incomplete until its sends were handed to the producer and acknowledged. A write Kafka refuses
stops the worker without committing (`outputs.py`); so does a send that fails here. The queue
holds at most `limit` events: a stage that runs ahead of its acknowledgements waits.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents.plumbing.delivery import CURRENT_TRACK, Track, track_send
from agents.plumbing.failures import exit_without_commit
from agents.plumbing.outputs import Send

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Pending:
    durable: Sequence["asyncio.Future[Any]"]
    sends: Sequence[Send]
    track: Track | None
    # On the event's track: resolved once its sends were handed to the producer.
    handed: "asyncio.Future[None]"


class SendQueue:
    """One stage's sends, each after its durable writes, in the order they were queued."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a send queue holds at least one event")
        self._limit = limit
        self._pending: deque[_Pending] = deque()
        self._room = asyncio.Event()
        self._drainer: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        """Events whose sends wait for their writes."""
        return len(self._pending)

    async def after(self, durable: Sequence["asyncio.Future[Any]"], sends: Sequence[Send]) -> None:
        """Send `sends` once every future in `durable` resolved, after everything queued
        earlier; returns as soon as they are queued (at once when nothing has to wait)."""
        if not self._pending and all(_acknowledged(future) for future in durable):
            await _send_all(sends)
            return
        while len(self._pending) >= self._limit:
            self._room.clear()
            await self._room.wait()
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        track_send(handed)
        self._pending.append(_Pending(durable, sends, CURRENT_TRACK.get(), handed))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="leadrouter-send-queue")

    async def drained(self) -> None:
        """Until every send queued so far was handed to the producer (or the queue failed,
        which stops the worker)."""
        while self._pending:
            # asyncio.wait: a caller cancelled meanwhile must not cancel the queue's future.
            await asyncio.wait([self._pending[-1].handed])

    async def _drain(self) -> None:
        pending = self._pending
        while pending:
            item = pending[0]
            try:
                for future in item.durable:
                    await future
                CURRENT_TRACK.set(item.track)  # this task's own context: the sends' event
                await _send_all(item.sends)
            except asyncio.CancelledError:
                self._fail_all(None)
                raise
            except Exception as error:
                self._fail_all(error)
                return
            pending.popleft()
            item.handed.set_result(None)
            self._room.set()

    def _fail_all(self, error: Exception | None) -> None:
        """Nothing queued may go out after a failed send: their events stay uncommitted."""
        while self._pending:
            handed = self._pending.popleft().handed
            if not handed.done():
                handed.set_exception(RuntimeError("a queued send did not go out"))
                handed.exception()  # read: a missing track must not warn about it
        if error is None:
            log.warning("the send queue was cancelled; its events stay uncommitted")
            return
        exit_without_commit("a queued send failed", error)


def _acknowledged(future: "asyncio.Future[Any]") -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


async def _send_all(sends: Sequence[Send]) -> None:
    for send in sends:
        await send.send()
