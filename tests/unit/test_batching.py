"""Producer batching that follows the load."""

from types import SimpleNamespace
from typing import Any

from prometheus_client import CollectorRegistry

from agents.plumbing.batching import LingerPolicy, accumulator_of, register_adaptive_linger
from agents.plumbing.metrics import Metrics
from agents.plumbing.outputs import Output
from agents.plumbing.settings import KafkaSettings
from tests.unit.timers import HandTimers

POLICY = LingerPolicy(idle_s=0.0, busy_s=0.002, busy_rate=2000.0)


def test_an_idle_worker_sends_every_record_at_once() -> None:
    assert POLICY.next(0.0, records_per_s=150.0) == 0.0


def test_from_the_busy_rate_on_new_batches_wait_to_fill() -> None:
    assert POLICY.next(0.0, records_per_s=2000.0) == 0.002
    assert POLICY.next(0.0, records_per_s=9000.0) == 0.002


def test_between_half_the_busy_rate_and_the_busy_rate_the_linger_stays_as_it_was() -> None:
    assert POLICY.next(0.002, records_per_s=1500.0) == 0.002
    assert POLICY.next(0.0, records_per_s=1500.0) == 0.0


def test_below_half_the_busy_rate_the_configured_linger_is_back() -> None:
    assert POLICY.next(0.002, records_per_s=999.0) == 0.0


def test_a_busy_linger_no_longer_than_the_configured_one_turns_adapting_off() -> None:
    assert POLICY.adapts
    assert not LingerPolicy(idle_s=0.005, busy_s=0.002, busy_rate=2000.0).adapts


def test_before_the_producer_started_there_is_no_accumulator_to_adjust() -> None:
    app = SimpleNamespace(producer=SimpleNamespace(_producer=None))

    assert accumulator_of(app) is None


def test_the_linger_is_read_from_the_running_aiokafka_producer() -> None:
    accumulator = SimpleNamespace(_linger_time=0.0)
    app = SimpleNamespace(
        producer=SimpleNamespace(_producer=SimpleNamespace(_message_accumulator=accumulator))
    )

    assert accumulator_of(app) is accumulator


class TimerApp(HandTimers):
    """An app whose timer the test runs by hand, on a started producer."""

    def __init__(self) -> None:
        super().__init__()
        self.accumulator = SimpleNamespace(_linger_time=0.0)
        self.producer = SimpleNamespace(
            _producer=SimpleNamespace(_message_accumulator=self.accumulator)
        )


def runtime_of(app: TimerApp, busy_linger_ms: float = 2.0) -> Any:
    kafka = KafkaSettings(producer_busy_linger_ms=busy_linger_ms)
    return SimpleNamespace(
        app=app,
        settings=SimpleNamespace(kafka=kafka),
        metrics=Metrics.create(CollectorRegistry()),
    )


async def test_the_worker_lingers_while_it_sends_fast_and_stops_when_it_slows_down() -> None:
    app = TimerApp()
    runtime = runtime_of(app)
    register_adaptive_linger(runtime)
    [adapt] = app.timers

    Output.records += 1_000  # 4,000 records/s over the 0.25 s interval
    await adapt()
    assert app.accumulator._linger_time == 0.002
    assert runtime.metrics.producer_linger._value.get() == 0.002

    Output.records += 100  # 400 records/s
    await adapt()
    assert app.accumulator._linger_time == 0.0


def test_with_no_busy_linger_configured_nothing_adapts() -> None:
    app = TimerApp()
    register_adaptive_linger(runtime_of(app, busy_linger_ms=0.0))

    assert app.timers == []


def test_by_default_the_worker_does_not_linger_under_load() -> None:
    app = TimerApp()
    runtime = runtime_of(app)
    runtime.settings.kafka = KafkaSettings()
    register_adaptive_linger(runtime)

    assert app.timers == []
