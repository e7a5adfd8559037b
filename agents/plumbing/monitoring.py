"""Periodic ops signals Faust does not provide: consumer lag per input partition, and how long
records have waited in a partition that stopped moving, with a warning that says where they
stand (`agents/plumbing/stalls.py`), or that an upstream transaction left open holds them back."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from agents.plumbing.delivery import Partition
from agents.plumbing.runtime import Runtime
from agents.plumbing.stalls import StallWatch
from agents.plumbing.transient import is_transient

log = logging.getLogger(__name__)
LAG_INTERVAL_SECONDS = 5.0


# Where an upstream transaction still open holds an input partition's records back, from an
# offset on (`holes.BrokerHoleCheck.held_back`).
HeldBack = Callable[[Partition, int], Awaitable[int | None]]


def register_lag_monitor(runtime: Runtime, held_back: HeldBack | None = None) -> None:
    gauge = runtime.metrics.consumer_lag
    stalled = runtime.metrics.input_stalled
    prefix = runtime.names.prefix
    stalls = StallWatch(runtime.settings.limits.stall_report_s)
    pending: set[asyncio.Future[None]] = set()

    @runtime.app.timer(LAG_INTERVAL_SECONDS, name="consumer-lag")
    async def consumer_lag() -> None:
        consumer: Any = runtime.app.consumer
        # Inputs only: a changelog partition is never committed, so its "lag" would be its size.
        assigned = [
            tp
            for tp in consumer.assignment()
            if tp.topic.startswith(prefix) and not consumer._is_changelog_tp(tp)
        ]
        if not assigned:
            return
        # Ask the broker for end offsets: the fetcher's cached highwater is stale for idle ones.
        try:
            ends = await consumer.highwaters(*assigned)
        except Exception as error:
            if not is_transient(error):
                raise
            # A reading missed while Kafka is away; raised, it would stop the worker.
            log.warning("consumer lag not read: %s: %s", type(error).__name__, error)
            return
        stalls.forget_all_but(assigned)
        now = time.monotonic()
        for tp in assigned:
            committed = consumer._committed_offset.get(tp)
            end = _end_of(consumer, tp, ends.get(tp))
            if end is None:
                continue
            lag = end - (committed if committed is not None else 0)
            topic = tp.topic.removeprefix(prefix)
            gauge.labels(topic=topic, partition=str(tp.partition)).set(max(0, lag))
            stall = stalls.check(tp, committed, end, now)
            stalled.labels(topic=topic, partition=str(tp.partition)).set(stall.seconds)
            if stall.report:
                # Not awaited: the broker may take its time to say that nothing waits.
                confirming = asyncio.ensure_future(
                    _confirm_stall(runtime, stalls, held_back, tp, committed, end, stall.seconds)
                )
                pending.add(confirming)
                confirming.add_done_callback(pending.discard)


def _end_of(consumer: Any, tp: Any, stable_end: int | None) -> int | None:
    """The partition's end, records held back by an upstream transaction still open included.
    The broker answers a `read_committed` consumer's end offsets with the last stable offset,
    which stops at such a transaction; the fetcher keeps the high watermark from its last fetch
    answer (none before the first), which does not."""
    try:
        fetched: int | None = consumer.highwater(tp)
    except Exception:  # an assignment that changed under the reading: the broker's end alone
        fetched = None
    if stable_end is None or fetched is None:
        return stable_end
    return max(stable_end, fetched)


async def _confirm_stall(
    runtime: Runtime,
    stalls: StallWatch,
    held_back: HeldBack | None,
    tp: Any,
    committed: int | None,
    end: int,
    waited: float,
) -> None:
    """Ask the broker whether a record waits after the commit; if one does, say where the
    partition's records stand: not fetched (the fetch position is at the commit), fetched and
    not begun by the stage, or begun and not finished. Records an upstream transaction left
    open holds back wait too, though no stage can read them yet."""
    delivery = runtime.delivery
    first: int | str | None = "not asked"
    if delivery is not None:
        try:
            first = await delivery.first_record_from(tp, committed or 0)
        except Exception as error:  # the warning goes out anyway
            first = f"unknown ({error})"
        if first is None and await _held_open(held_back, tp, committed, end, waited):
            return
        if first is None:
            log.info(
                "input %s[%d]: nothing but markers after committed offset %s (end %d); idle",
                tp.topic,
                tp.partition,
                committed,
                end,
            )
            stalls.idle(tp, committed, end)
            return
    consumer: Any = runtime.app.consumer
    try:
        position = await consumer.position(tp)
    except Exception as error:  # only the log line depends on it
        position = f"unknown ({error})"
    stage = delivery.progress(tp) if delivery is not None else "no delivery guard"
    log.warning(
        "input %s[%d] has not moved for %.0f s with record(s) waiting: committed %s, first "
        "record %s, end %d, fetch position %s, last handed to the streams %s; stage: %s",
        tp.topic,
        tp.partition,
        waited,
        committed,
        first,
        end,
        position,
        consumer._read_offset.get(tp),
        stage,
    )


async def _held_open(
    held_back: HeldBack | None, tp: Any, committed: int | None, end: int, waited: float
) -> bool:
    """Whether an upstream transaction left open holds the partition's records back (then
    says so): `read_committed` reads nothing past its first record, so the partition looks
    like one that ends in markers, and is not idle."""
    if held_back is None:
        return False
    try:
        stable = await held_back(Partition(tp.topic, tp.partition), committed or 0)
    except Exception as error:  # a stall not told from an idle partition is still reported
        log.warning(
            "input %s[%d] has not moved for %.0f s; whether a transaction holds it: unknown (%s)",
            tp.topic,
            tp.partition,
            waited,
            error,
        )
        return True
    if stable is None:
        return False
    log.warning(
        "input %s[%d] has not moved for %.0f s: its records are held back by an upstream "
        "transaction open since offset %d (committed %s, end %d); no stage reads past it until "
        "its producer commits or aborts, or the broker times the transaction out",
        tp.topic,
        tp.partition,
        waited,
        stable,
        committed,
        end,
    )
    return True
