"""Periodic ops signals Faust does not provide: consumer lag per input partition."""

import logging
from typing import Any

from agents.plumbing.runtime import Runtime

log = logging.getLogger(__name__)
LAG_INTERVAL_SECONDS = 5.0


def register_lag_monitor(runtime: Runtime) -> None:
    gauge = runtime.metrics.consumer_lag
    prefix = runtime.names.prefix

    @runtime.app.timer(LAG_INTERVAL_SECONDS, name="consumer-lag")
    async def consumer_lag() -> None:
        consumer: Any = runtime.app.consumer
        assigned = [tp for tp in consumer.assignment() if tp.topic.startswith(prefix)]
        if not assigned:
            return
        # Ask the broker for end offsets: the fetcher's cached highwater is stale for idle ones.
        ends = await consumer.highwaters(*assigned)
        for tp in assigned:
            committed = consumer._committed_offset.get(tp)
            end = ends.get(tp)
            if end is None:
                continue
            lag = end - (committed if committed is not None else 0)
            topic = tp.topic.removeprefix(prefix)
            gauge.labels(topic=topic, partition=str(tp.partition)).set(max(0, lag))
