"""Periodic ops signals Faust does not provide: consumer lag per input partition, and how long
records have waited in a partition that stopped moving, with a warning that says where they
stand (`agents/plumbing/stalls.py`)."""

import asyncio
import logging
import time
from typing import Any

from agents.plumbing.runtime import Runtime
from agents.plumbing.stalls import StallWatch
from agents.plumbing.transient import is_transient

log = logging.getLogger(__name__)
LAG_INTERVAL_SECONDS = 5.0


def register_lag_monitor(runtime: Runtime) -> None:
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
            end = ends.get(tp)
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
                    _confirm_stall(runtime, stalls, tp, committed, end, stall.seconds)
                )
                pending.add(confirming)
                confirming.add_done_callback(pending.discard)


async def _confirm_stall(
    runtime: Runtime, stalls: StallWatch, tp: Any, committed: int | None, end: int, waited: float
) -> None:
    """Ask the broker whether a record waits after the commit; if one does, say where the
    partition's records stand: not fetched (the fetch position is at the commit), fetched and
    not begun by the stage, or begun and not finished."""
    delivery = runtime.delivery
    first: int | str | None = "not asked"
    if delivery is not None:
        try:
            first = await delivery.first_record_from(tp, committed or 0)
        except Exception as error:  # the warning goes out anyway
            first = f"unknown ({error})"
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
