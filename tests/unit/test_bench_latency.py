"""Open-loop feed planning and handoff latency from Kafka timestamps."""

import asyncio
import gc
from datetime import UTC, datetime

import orjson
import pytest
from aiokafka import ConsumerRecord

from bench.latency import (
    MIN_FEED_SECONDS,
    feed_open_loop,
    feed_seconds,
    handoff_seconds,
    latencies_by_window,
    latency_rates,
)

READY = datetime(2026, 11, 26, 12, 0, tzinfo=UTC).timestamp()


def routed(ready_at: float, latency: float) -> ConsumerRecord[bytes, bytes]:
    value = orjson.dumps(
        {"timestamps": {"sales_ready_at": datetime.fromtimestamp(ready_at, UTC).isoformat()}}
    )
    return ConsumerRecord(
        topic="sales.queue.inside-sales.v1",
        partition=0,
        offset=0,
        timestamp=round((ready_at + latency) * 1000),
        timestamp_type=0,
        key=b"lead",
        value=value,
        checksum=None,
        serialized_key_size=4,
        serialized_value_size=len(value),
        headers=(),
    )


def test_a_rate_the_router_sustains_is_fed_for_the_whole_time() -> None:
    assert feed_seconds(200.0, 20.0, 500.0, 60.0) == 20.0
    assert feed_seconds(200.0, 20.0, None, 60.0) == 20.0


def test_above_capacity_the_feed_stops_where_the_backlog_clears_within_the_budget() -> None:
    # 100/s over a capacity of 50/s: 50 more per second, 1 s to clear each second fed.
    assert feed_seconds(100.0, 20.0, 50.0, 10.0) == pytest.approx(10.0)
    assert feed_seconds(10_000.0, 20.0, 50.0, 10.0) == MIN_FEED_SECONDS


def test_handoff_is_the_queue_record_timestamp_minus_the_sales_ready_timestamp() -> None:
    measured = handoff_seconds(routed(READY, 0.042))
    assert measured is not None
    assert measured[0] == READY
    assert measured[1] == pytest.approx(0.042, abs=0.001)


def test_records_are_summarized_by_the_window_their_lead_became_ready_in() -> None:
    records = [routed(READY + 1, 0.010), routed(READY + 2, 0.030), routed(READY + 11, 2.0)]
    first, second = latencies_by_window(records, [(READY, READY + 5), (READY + 10, READY + 15)])
    assert first.count == 2
    assert first.max == pytest.approx(0.030, abs=0.001)
    assert second.count == 1
    assert second.p50 == pytest.approx(2.0, abs=0.001)


def test_records_outside_every_window_are_left_out() -> None:
    [summary] = latencies_by_window([routed(READY - 60, 0.01)], [(READY, READY + 5)])
    assert summary.count == 0


def test_rates_are_events_per_second_or_shares_of_the_measured_maximum_slowest_first() -> None:
    rates = latency_rates("1000, 200, 80%, 50%", 1200.0)

    assert rates == [
        ("200/s", 200.0),
        ("50% of max", 600.0),
        ("80% of max", 960.0),
        ("1,000/s", 1000.0),
    ]


def test_shares_of_the_maximum_are_left_out_when_no_maximum_was_measured() -> None:
    assert latency_rates("200,50%", None) == [("200/s", 200.0)]


class RecordingProducer:
    """Sends nothing; notes whether the collector could run at each send."""

    def __init__(self) -> None:
        self.collector_enabled: list[bool] = []

    async def send(self, topic: str, value: bytes, **_: object) -> "asyncio.Future[None]":
        self.collector_enabled.append(gc.isenabled())
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sent.set_result(None)
        return sent


class OneEventFeed:
    def next_event(self, now: datetime) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
        return b"lead", b"{}", []


async def test_the_collector_waits_while_the_feed_sends_and_runs_again_after() -> None:
    producer = RecordingProducer()

    fed = await feed_open_loop(producer, "leads", OneEventFeed(), 1000.0, 0.01)  # type: ignore[arg-type]

    assert fed.sent == 10
    assert producer.collector_enabled == [False] * 10
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
