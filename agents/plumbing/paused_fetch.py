"""Changelog partitions that Faust pauses are paused in aiokafka's fetcher too.

faust-streaming 0.15.3 pauses a partition in its own bookkeeping only: `Consumer.pause_partitions`
takes it out of the set its fetch asks aiokafka for, and aiokafka's fetcher goes on fetching it.
Once the tables are recovered their changelog partitions (the worker's own table writes) are
paused so. aiokafka fetched each one's new records, Faust never took them, and while a fetched
result waits to be taken aiokafka sends its broker no new fetch for `prefetch_backoff` (100 ms):
every partition led by that broker waits, the input's too. Traced at 200 events/s on one broker,
intake saw 100 ms with nothing delivered each time a changelog partition's records were fetched
(its p99 since the input record 40 ms, p50 2 ms), and every fetch waited so until the
recovered tables' changelog partitions had been fetched once.

The fix, installed once per process (`install()`): when Faust pauses or resumes changelog
partitions, aiokafka's consumer does the same, on the consumer thread's loop where its fetcher
runs (in the order Faust asked), and what it had fetched for a paused partition is dropped. Those
records were not consumed, so the partition's position has not moved: a resume fetches them
again. Input partitions are left as Faust handles them (paused only while it rebalances).
"""

import asyncio
import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from aiokafka import TopicPartition
from faust.transport.consumer import ThreadDelegateConsumer

log = logging.getLogger(__name__)

_installed = False


def install() -> None:
    """Mirror Faust's pauses and resumes of changelog partitions into aiokafka (once)."""
    global _installed  # noqa: PLW0603 - one process-wide patch, installed once
    if _installed:
        return
    _installed = True
    cls = ThreadDelegateConsumer
    for name, mirror in (
        ("pause_partitions", pause_fetching),
        ("resume_partitions", resume_fetching),
    ):
        setattr(cls, name, _mirrored(getattr(cls, name), mirror))


def pause_fetching(consumer: Any, partitions: Iterable[Any]) -> None:
    """Pause the assigned ones of `partitions` in an aiokafka consumer, and drop what its
    fetcher holds for them (run on the consumer's own loop)."""
    paused = _assigned(consumer, partitions)
    if not paused:
        return
    consumer.pause(*paused)
    records = consumer._fetcher._records
    for tp in paused:
        records.pop(tp, None)


def resume_fetching(consumer: Any, partitions: Iterable[Any]) -> None:
    """Resume the assigned ones of `partitions` in an aiokafka consumer (run on its loop)."""
    resumed = _assigned(consumer, partitions)
    if resumed:
        consumer.resume(*resumed)


def _assigned(consumer: Any, partitions: Iterable[Any]) -> list[TopicPartition]:
    assignment = consumer.assignment()
    return [TopicPartition(tp[0], tp[1]) for tp in partitions if tp in assignment]


def _mirrored(
    method: Callable[[Any, Iterable[Any]], None],
    mirror: Callable[[Any, Iterable[Any]], None],
) -> Callable[[Any, Iterable[Any]], None]:
    @wraps(method)
    def patched(self: Any, tps: Iterable[Any]) -> None:
        tps = list(tps)
        method(self, tps)
        changelogs = [tp for tp in tps if self._is_changelog_tp(tp)]
        if changelogs:
            _on_consumer_thread(self, mirror, changelogs)

    return patched


def _on_consumer_thread(
    delegate: Any, mirror: Callable[[Any, Iterable[Any]], None], tps: list[Any]
) -> None:
    """Run `mirror(aiokafka consumer, tps)` on the consumer thread's loop; nothing before the
    consumer started (it fetches nothing yet) or once its loop closed."""
    thread = getattr(delegate, "_thread", None)
    consumer = getattr(thread, "_consumer", None)
    loop: asyncio.AbstractEventLoop | None = getattr(thread, "thread_loop", None)
    if consumer is None or loop is None or loop.is_closed():
        return
    try:
        loop.call_soon_threadsafe(mirror, consumer, tps)
    except RuntimeError:  # the loop closed meanwhile: the consumer is stopping
        log.debug("consumer loop closed; %d changelog partitions not mirrored", len(tps))
