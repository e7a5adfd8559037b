"""The worker's garbage collector: what it built is frozen, what survives a pass is frozen
too, a sweep frees the cycles left among frozen objects, and every pass's pause is observed per
generation."""

import gc
import logging
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from agents.plumbing.collector import (
    PauseTimer,
    freeze_survivors,
    register_sweep,
    sweep,
    time_collections,
    tune_collector,
)
from agents.plumbing.metrics import Metrics
from agents.plumbing.settings import TuningSettings


@pytest.fixture(autouse=True)
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    while freeze_survivors in gc.callbacks:
        gc.callbacks.remove(freeze_survivors)
    gc.unfreeze()
    gc.set_threshold(*threshold)


class Node:
    other: "Node"


def dropped_cycle() -> "weakref.ref[Node]":
    """Two objects that refer to each other, dropped: only the collector can free them."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def walked_by_some_generation(thing: object) -> bool:
    return any(thing is tracked for g in range(3) for tracked in gc.get_objects(g))


def test_tuning_freezes_what_exists_and_sets_the_young_threshold() -> None:
    _, middle, oldest = gc.get_threshold()
    built = [[index] for index in range(1000)]  # container objects alive at start
    tune_collector(10_000)
    assert gc.get_freeze_count() >= len(built)
    assert gc.get_threshold() == (10_000, middle, oldest)


def test_cycles_made_after_tuning_are_collected_without_being_asked() -> None:
    tune_collector(100)
    watched = dropped_cycle()
    allocated = [[index] for index in range(1000)]  # enough new objects for young passes
    assert gc.isenabled()
    assert watched() is None
    assert len(allocated) == 1000


def test_what_survives_a_pass_is_frozen_so_no_later_pass_walks_it() -> None:
    assert tune_collector(100)  # says survivors are frozen: the worker then sweeps
    survivor = [[index] for index in range(10)]
    assert walked_by_some_generation(survivor)
    gc.collect(0)
    assert not walked_by_some_generation(survivor)


def test_without_freezing_survivors_they_age_into_older_generations() -> None:
    assert not tune_collector(100, freeze_after_pass=False)  # nothing to sweep
    survivor = [[index] for index in range(10)]
    gc.collect(0)
    assert freeze_survivors not in gc.callbacks
    assert any(survivor is tracked for tracked in gc.get_objects(1))


def test_frozen_objects_are_still_freed_when_dropped() -> None:
    tune_collector(100)
    survivor = Node()
    watched = weakref.ref(survivor)
    gc.collect(0)
    assert not walked_by_some_generation(survivor)
    del survivor
    assert watched() is None


def test_a_cycle_frozen_while_alive_waits_for_the_sweep() -> None:
    tune_collector(100)
    first, second = Node(), Node()
    first.other, second.other = second, first
    gc.collect(0)  # both survive, frozen
    watched = weakref.ref(first)
    del first, second
    gc.collect()
    assert watched() is not None  # no pass walks frozen objects
    swept = sweep()
    assert watched() is None
    assert swept.collected >= 2
    assert swept.frozen == gc.get_freeze_count() > 0


def test_a_sweep_times_itself_on_the_clock_it_is_given() -> None:
    ticks = iter([5.0, 5.25])
    assert sweep(clock=lambda: next(ticks)).seconds == 0.25


class TimerApp:
    """What `register_sweep` needs of a Faust app: `timer(interval, name)`."""

    def __init__(self) -> None:
        self.timers: list[tuple[float, str, Callable[[], Any]]] = []

    def timer(self, interval: float, name: str) -> Callable[[Any], Any]:
        def register(function: Callable[[], Any]) -> Callable[[], Any]:
            self.timers.append((interval, name, function))
            return function

        return register


async def test_the_worker_sweeps_on_a_timer_and_logs_what_it_freed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tune_collector(100)
    app = TimerApp()
    register_sweep(app, 60)
    [(interval, name, tick)] = app.timers
    assert (interval, name) == (3600, "collector-sweep")
    first, second = Node(), Node()
    first.other, second.other = second, first
    gc.collect(0)
    watched = weakref.ref(first)
    del first, second
    with caplog.at_level(logging.INFO, logger="agents.plumbing.collector"):
        await tick()
    assert watched() is None
    assert "collector sweep:" in caplog.text


def test_no_sweep_is_registered_at_zero_minutes() -> None:
    app = TimerApp()
    register_sweep(app, 0)
    assert app.timers == []


def test_a_zero_threshold_leaves_the_collector_as_it_is() -> None:
    threshold = gc.get_threshold()
    assert not tune_collector(0)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold
    assert freeze_survivors not in gc.callbacks


def test_the_worker_tunes_the_collector_by_default() -> None:
    tuning = TuningSettings()
    assert tuning.gc_young_threshold == 700
    assert tuning.gc_freeze_survivors
    assert tuning.gc_sweep_minutes == 60


def pauses(registry: CollectorRegistry, generation: str) -> float:
    count = registry.get_sample_value(
        "leadrouter_gc_pause_seconds_count", {"generation": generation}
    )
    return count or 0.0


def test_a_pass_is_observed_in_its_generation_for_as_long_as_it_took() -> None:
    registry = CollectorRegistry()
    ticks = iter([10.0, 10.03])
    timer = PauseTimer(Metrics.create(registry).gc_pause, clock=lambda: next(ticks))
    timer("start", {"generation": 1})
    timer("stop", {"generation": 1, "collected": 0, "uncollectable": 0})
    assert pauses(registry, "1") == 1
    assert pauses(registry, "0") == pauses(registry, "2") == 0
    total = registry.get_sample_value("leadrouter_gc_pause_seconds_sum", {"generation": "1"})
    assert total == pytest.approx(0.03)
    in_50ms = registry.get_sample_value(
        "leadrouter_gc_pause_seconds_bucket", {"generation": "1", "le": "0.05"}
    )
    in_25ms = registry.get_sample_value(
        "leadrouter_gc_pause_seconds_bucket", {"generation": "1", "le": "0.025"}
    )
    assert (in_25ms, in_50ms) == (0, 1)


def test_every_collection_of_the_process_is_timed_once_installed() -> None:
    registry = CollectorRegistry()
    timer = time_collections(Metrics.create(registry).gc_pause)
    try:
        gc.collect(0)
        gc.collect(2)
    finally:
        gc.callbacks.remove(timer)
    assert pauses(registry, "0") >= 1
    assert pauses(registry, "2") >= 1
