"""Cheaper per-message paths through faust-streaming 0.15.3, with the same behaviour.

Measured from its source (`shared/design/faust-notes.md`, "What one event costs inside Faust"):

1. `Consumer._drain_messages` delivers every fetched message through
   `wait_first(callback(message), suspend_flow.wait())`: four futures and an `asyncio.wait` per
   message (about 80 µs), so that a rebalance can abort a delivery blocked on a full stream
   queue. Almost every delivery never blocks. `fast_wait_first` runs the delivery up to its
   first suspension in the caller's task; a delivery that finished there had nothing to abort
   and costs no futures. One that suspended (a full queue, the flow stopped, the producer
   buffer full) goes on inside the original `wait_first`, from where it stopped, so the
   rebalance still aborts it exactly as before.
2. The default `Monitor` sensor counts, times and stringifies every message, event, table
   access and send for Faust's own statistics page, which the worker does not serve.
   `LightMonitor` keeps only what Faust itself reads back: the time each partition's stream
   last took an event (its "stream is idle" warnings) and the read and committed offsets.

`install` applies 1 when `fast_delivery` is on; `create_faust_app` picks the monitor and
`cython_optimizations`.
"""

import types
from collections.abc import Coroutine, Generator
from functools import partial
from time import monotonic
from typing import Any

from faust.sensors.monitor import Monitor
from faust.transport.consumer import Consumer
from mode.services import WaitResults

_FAST = "_leadrouter_fast_delivery"
_patched = False


def install(app: Any, *, fast_delivery: bool) -> None:
    """Deliver `app`'s messages through `fast_wait_first` (the class is patched once; apps
    without the flag keep Faust's path)."""
    global _patched  # noqa: PLW0603 - patch Faust's consumer class once per process
    setattr(app, _FAST, fast_delivery)
    if fast_delivery and not _patched:
        _patched = True
        Consumer.wait_first = fast_wait_first(Consumer.wait_first)  # type: ignore[method-assign]


def fast_wait_first(original: Any) -> Any:
    """`Service.wait_first` that first runs a delivery coroutine as far as it goes without
    waiting. Only the drain's call (two coroutines, no timeout) takes the fast path."""

    async def wait_first(self: Any, *coros: Any, timeout: Any = None) -> WaitResults:
        if (
            not getattr(self.app, _FAST, False)
            or timeout is not None
            or len(coros) != 2
            or not isinstance(coros[0], Coroutine)
            or self._stopped.is_set()
            or self._crashed.is_set()
        ):
            results: WaitResults = await original(self, *coros, timeout=timeout)
            return results
        delivery, other = coros
        try:
            suspended_on = delivery.send(None)
        except StopIteration as done:
            _close(other)
            return WaitResults([delivery], [done.value], False)
        except BaseException:
            _close(other)
            raise
        resumed: WaitResults = await original(self, _resume(delivery, suspended_on), other)
        return resumed

    return wait_first


def _close(awaitable: Any) -> None:
    if isinstance(awaitable, Coroutine):
        awaitable.close()  # never started: closing it is all it needs


async def _resume(coro: Coroutine[Any, Any, Any], suspended_on: Any) -> Any:
    return await _carry_on(coro, suspended_on)


@types.coroutine
def _carry_on(coro: Coroutine[Any, Any, Any], suspended_on: Any) -> Generator[Any, Any, Any]:
    """Go on running `coro` from its suspension inside the task awaiting this: what it was
    waiting for is waited for by that task, and a cancellation of the task reaches `coro`."""
    while True:
        try:
            sent = yield suspended_on
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as thrown:
            step = partial(coro.throw, thrown)
        else:
            step = partial(coro.send, sent)
        try:
            suspended_on = step()
        except StopIteration as done:
            return done.value


class LightMonitor(Monitor):
    """The Faust monitor without the statistics nobody reads (see the module's docstring)."""

    def on_message_in(self, tp: Any, offset: int, message: Any) -> None:
        self.tp_read_offsets[tp] = offset

    def on_stream_event_in(self, tp: Any, offset: int, stream: Any, event: Any) -> None:
        self.stream_inbound_time[tp] = monotonic()

    def on_stream_event_out(
        self, tp: Any, offset: int, stream: Any, event: Any, state: Any = None
    ) -> None:
        pass

    def on_message_out(self, tp: Any, offset: int, message: Any) -> None:
        pass

    def on_table_get(self, table: Any, key: Any) -> None:
        pass

    def on_table_set(self, table: Any, key: Any, value: Any) -> None:
        pass

    def on_table_del(self, table: Any, key: Any) -> None:
        pass

    def on_send_initiated(
        self, producer: Any, topic: str, message: Any, keysize: int, valsize: int
    ) -> None:
        pass

    def on_send_completed(self, producer: Any, state: Any, metadata: Any) -> None:
        pass
