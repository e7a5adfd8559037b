"""The worker's garbage collector: what it built is frozen, the youngest generation waits longer."""

import gc
import weakref
from collections.abc import Iterator

import pytest

from agents.plumbing.collector import tune_collector
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
