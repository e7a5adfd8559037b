"""Faust's delivery without its futures when nothing waits, still abortable when something does."""

import asyncio
import inspect
from typing import Any

import pytest
from mode import Service
from mode.services import WaitResults

from agents.plumbing import faust_speedups
from agents.plumbing.faust_speedups import LightMonitor, fast_wait_first


class FakeApp:
    def __init__(self, fast: bool) -> None:
        faust_speedups.install(self, fast_delivery=fast)


class Drainer(Service):
    """Stands for Faust's consumer: a mode service with an app."""

    def __init__(self, fast: bool = True) -> None:
        super().__init__()
        self.app = FakeApp(fast)
        self.original_calls = 0

    async def original(self, *coros: Any, timeout: Any = None) -> WaitResults:
        self.original_calls += 1
        return await Service.wait_first(self, *coros, timeout=timeout)

    async def wait_first(self, *coros: Any, timeout: Any = None) -> WaitResults:
        patched = fast_wait_first(type(self).original)
        result: WaitResults = await patched(self, *coros, timeout=timeout)
        return result


async def deliver(queue: "asyncio.Queue[str]", item: str) -> str:
    await queue.put(item)
    return f"delivered {item}"


async def test_a_delivery_with_room_finishes_without_faust_s_futures() -> None:
    drainer, queue, suspend = Drainer(), asyncio.Queue[str](maxsize=2), asyncio.Event()
    other = suspend.wait()

    result = await drainer.wait_first(deliver(queue, "a"), other)

    assert result == WaitResults([result.done[0]], ["delivered a"], False)
    assert queue.get_nowait() == "a"
    assert drainer.original_calls == 0
    assert inspect.getcoroutinestate(other) == inspect.CORO_CLOSED


async def test_a_delivery_blocked_on_a_full_queue_is_still_aborted_by_a_rebalance() -> None:
    drainer, queue, suspend = Drainer(), asyncio.Queue[str](maxsize=1), asyncio.Event()
    queue.put_nowait("earlier")
    asyncio.get_running_loop().call_later(0.01, suspend.set)

    result = await drainer.wait_first(deliver(queue, "blocked"), suspend.wait())

    assert result.results == [True]  # the suspension won
    assert drainer.original_calls == 1
    assert queue.get_nowait() == "earlier"
    await asyncio.sleep(0.01)
    assert queue.empty()  # the aborted delivery never puts its item


async def test_a_blocked_delivery_finishes_where_it_stopped_once_there_is_room() -> None:
    drainer, queue, suspend = Drainer(), asyncio.Queue[str](maxsize=1), asyncio.Event()
    queue.put_nowait("earlier")
    asyncio.get_running_loop().call_later(0.01, queue.get_nowait)

    result = await drainer.wait_first(deliver(queue, "later"), suspend.wait())

    assert result.results == ["delivered later"]
    assert queue.get_nowait() == "later"


async def test_an_error_before_any_wait_reaches_the_drain() -> None:
    async def broken() -> None:
        raise ValueError("cannot decode")

    drainer, other = Drainer(), asyncio.Event().wait()

    with pytest.raises(ValueError, match="cannot decode"):
        await drainer.wait_first(broken(), other)
    assert inspect.getcoroutinestate(other) == inspect.CORO_CLOSED


async def test_an_error_after_a_wait_reaches_the_drain() -> None:
    async def broken_later() -> None:
        await asyncio.sleep(0)
        raise ValueError("failed later")

    with pytest.raises(ValueError, match="failed later"):
        await Drainer().wait_first(broken_later(), asyncio.Event().wait())


async def test_an_app_without_the_setting_and_other_callers_keep_faust_s_path() -> None:
    queue = asyncio.Queue[str]()
    plain = Drainer(fast=False)
    await plain.wait_first(deliver(queue, "a"), asyncio.Event().wait())
    timed = Drainer()
    await timed.wait_first(deliver(queue, "b"), asyncio.Event().wait(), timeout=1.0)
    single = Drainer()
    await single.wait_first(deliver(queue, "c"))

    assert (plain.original_calls, timed.original_calls, single.original_calls) == (1, 1, 1)


def test_the_light_monitor_keeps_what_faust_reads_back() -> None:
    monitor = LightMonitor()
    tp: Any = ("leads.events.v1", 0)

    monitor.on_message_in(tp, 41, object())
    monitor.on_stream_event_in(tp, 41, object(), object())
    monitor.on_stream_event_out(tp, 41, object(), object(), None)

    assert monitor.tp_read_offsets[tp] == 41
    assert tp in monitor.stream_inbound_time
    assert monitor.events_total == 0  # the statistics nobody reads are not kept
