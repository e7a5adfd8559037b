"""The worker's garbage collector: what it built is frozen, the youngest generation waits longer,
and every pass's pause is observed per generation."""

import gc
import weakref
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry

from agents.plumbing.collector import PauseTimer, time_collections, tune_collector
from agents.plumbing.metrics import Metrics
from agents.plumbing.settings import TuningSettings


@pytest.fixture(autouse=True)
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tuning_freezes_what_exists_and_raises_the_young_threshold() -> None:
    _, middle, oldest = gc.get_threshold()
    built = [[index] for index in range(1000)]  # container objects alive at start
    tune_collector(10_000)
    assert gc.get_freeze_count() >= len(built)
    assert gc.get_threshold() == (10_000, middle, oldest)


def test_cycles_made_after_tuning_are_collected_without_being_asked() -> None:
    tune_collector(100)

    class Node:
        other: "Node"

    first, second = Node(), Node()
    first.other, second.other = second, first
    watched = weakref.ref(first)
    del first, second
    allocated = [[index] for index in range(1000)]  # enough new objects for young passes
    assert gc.isenabled()
    assert watched() is None
    assert len(allocated) == 1000


def test_a_zero_threshold_leaves_the_collector_as_it_is() -> None:
    threshold = gc.get_threshold()
    tune_collector(0)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold


def test_the_worker_tunes_the_collector_by_default() -> None:
    assert TuningSettings().gc_young_threshold == 10_000


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
