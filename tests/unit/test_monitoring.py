"""The lag reading: input partitions only, and a stall told apart from a marker-ended partition."""

import asyncio
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError
from prometheus_client import CollectorRegistry

from agents.plumbing.delivery import DeliveryGuard, Partition
from agents.plumbing.metrics import Metrics
from agents.plumbing.monitoring import register_lag_monitor
from agents.plumbing.settings import LimitSettings
from tests.unit.timers import HandTimers

KEYED = Partition("leadrouter.leads.keyed.v1", 2)
CHANGELOG = Partition("leadrouter-lead-profiles-changelog", 2)


class FakeConsumer:
    """Two assigned partitions, an input and a changelog; one record waits in the input."""

    def __init__(self) -> None:
        self._committed_offset = {KEYED: 4}
        self._read_offset = {KEYED: 4}

    def assignment(self) -> set[Partition]:
        return {KEYED, CHANGELOG}

    def _is_changelog_tp(self, tp: Partition) -> bool:
        return tp.topic.endswith("-changelog")

    async def highwaters(self, *tps: Partition) -> dict[Partition, int]:
        assert CHANGELOG not in tps, "a changelog partition is never committed: not an input"
        return {KEYED: 5}

    async def position(self, tp: Partition) -> int:
        return 5

    def highwater(self, tp: Partition) -> int | None:
        """The fetcher's high watermark, past a transaction still open (None: not fetched)."""
        return self.fetched_end

    fetched_end: int | None = None


class TimerApp(HandTimers):
    def __init__(self) -> None:
        super().__init__()
        self.consumer = FakeConsumer()


def monitored(
    first_record: Callable[[Partition, int], Awaitable[int | None]],
    held_back: Callable[[Partition, int], Awaitable[int | None]] | None = None,
) -> Any:
    def refuse(message: str, error: BaseException) -> None:
        raise AssertionError(message)

    delivery = DeliveryGuard(first_record, refuse)
    delivery.assigned({KEYED: 4}, {KEYED: 5})
    runtime: Any = SimpleNamespace(
        app=TimerApp(),
        names=SimpleNamespace(prefix=""),
        settings=SimpleNamespace(limits=LimitSettings(stall_report_s=0.01)),
        metrics=Metrics.create(CollectorRegistry()),
        delivery=delivery,
    )
    register_lag_monitor(runtime, held_back)
    return runtime


async def read_lag_until_reported(runtime: Any) -> None:
    [reading] = runtime.app.timers
    await reading()
    await asyncio.sleep(0.02)
    await reading()  # past the report threshold: the broker is asked
    await asyncio.sleep(0.01)  # the question runs beside the readings


def stalled(runtime: Any) -> float:
    gauge = runtime.metrics.input_stalled
    return float(gauge.labels(topic=KEYED.topic, partition="2")._value.get())


async def test_a_record_waiting_behind_the_commit_is_reported_with_where_it_stands(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def record_at(tp: Partition, offset: int) -> int | None:
        return offset

    runtime = monitored(record_at)

    await read_lag_until_reported(runtime)

    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "leadrouter.leads.keyed.v1[2] has not moved" in warning
    assert "committed 4, first record 4, end 5, fetch position 5" in warning
    assert "next expected 4, 0 event(s) in flight" in warning
    assert stalled(runtime) > 0
    lag = runtime.metrics.consumer_lag
    assert lag.labels(topic=KEYED.topic, partition="2")._value.get() == 1
    assert "changelog" not in str(lag.collect())


async def test_only_a_marker_after_the_commit_makes_the_partition_idle_and_its_gauge_zero(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def nothing_after(tp: Partition, offset: int) -> int | None:
        return None

    runtime = monitored(nothing_after)

    await read_lag_until_reported(runtime)
    await runtime.app.timers[0]()

    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    assert stalled(runtime) == 0


async def nothing_readable(tp: Partition, offset: int) -> int | None:
    return None


async def test_records_an_open_upstream_transaction_holds_back_are_a_stall_not_idle(
    caplog: pytest.LogCaptureFixture,
) -> None:
    asked: list[tuple[Partition, int]] = []

    async def open_since(tp: Partition, offset: int) -> int | None:
        asked.append((tp, offset))
        return offset

    runtime = monitored(nothing_readable, open_since)
    # The broker's end for a read_committed reader stops at the open transaction (5); the
    # fetcher saw three more records behind it.
    runtime.app.consumer.fetched_end = 8

    await read_lag_until_reported(runtime)
    await runtime.app.timers[0]()

    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "held back by an upstream transaction open since offset 4" in warning
    assert "(committed 4, end 8)" in warning
    lag = runtime.metrics.consumer_lag
    assert lag.labels(topic=KEYED.topic, partition="2")._value.get() == 4
    assert asked == [(KEYED, 4)]
    assert stalled(runtime) > 0  # still counting: the alert can fire


async def test_markers_alone_after_the_commit_stay_idle_when_no_transaction_is_open(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def none_open(tp: Partition, offset: int) -> int | None:
        return None

    runtime = monitored(nothing_readable, none_open)

    await read_lag_until_reported(runtime)
    await runtime.app.timers[0]()

    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    assert stalled(runtime) == 0


async def test_a_transaction_check_that_fails_reports_the_stall_rather_than_hide_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broker_away(tp: Partition, offset: int) -> int | None:
        raise ConnectionError("broker away")

    runtime = monitored(nothing_readable, broker_away)

    await read_lag_until_reported(runtime)
    await runtime.app.timers[0]()

    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "whether a transaction holds it: unknown (broker away)" in warning
    assert stalled(runtime) > 0


async def test_a_broker_that_cannot_answer_still_lets_the_stall_be_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broker_down(tp: Partition, offset: int) -> int | None:
        raise ConnectionError("broker away")

    runtime = monitored(broker_down)

    await read_lag_until_reported(runtime)

    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "first record unknown (broker away)" in warning


async def test_a_lag_reading_kafka_cannot_answer_is_skipped_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Raised in the timer, it stopped the worker while the broker hung."""

    async def record_at(tp: Partition, offset: int) -> int | None:
        return offset

    async def no_answer(*tps: Partition) -> dict[Partition, int]:
        raise KafkaTimeoutError("Failed to get offsets by times in 90000 ms")

    runtime = monitored(record_at)
    runtime.app.consumer.highwaters = no_answer

    await runtime.app.timers[0]()

    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith("consumer lag not read: KafkaTimeoutError")


async def test_a_fetcher_that_cannot_say_its_high_watermark_leaves_the_broker_end_alone() -> None:
    async def record_at(tp: Partition, offset: int) -> int | None:
        return offset

    runtime = monitored(record_at)

    def reassigned(tp: Partition) -> int | None:
        raise RuntimeError("partition not assigned")

    runtime.app.consumer.highwater = reassigned

    await runtime.app.timers[0]()

    lag = runtime.metrics.consumer_lag
    assert lag.labels(topic=KEYED.topic, partition="2")._value.get() == 1  # broker's end 5 - 4
