"""Python's cyclic garbage collector tuned for a worker that allocates per event.

Each event builds and drops pydantic models, dicts and futures: with Python's default threshold
(700 new container objects) the collector ran about every 30 events in the bench, and each older
generation pass walked everything the worker had loaded at start (modules, schemas, the rules).
So once the worker is built, what exists is frozen (`gc.freeze`: moved to a permanent generation
no collection walks) and the youngest generation collects every `young_threshold` new objects.
Cycles are still found, later and in larger passes; reference counting frees everything else
at once either way.

Every pass stops the worker: nothing else runs in the process meanwhile. In the bench a young
pass took 5-30 ms and a middle one 30-130 ms (the decoded profiles kept in memory survive their
first passes), enough to show in the handoff latency's p99. `time_collections` puts each pass's
length in `leadrouter_gc_pause_seconds`, per generation, so that a latency spike can be told
from a collector pause.
"""

import gc
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
GENERATIONS = 3


def tune_collector(young_threshold: int) -> None:
    """Freeze what exists and collect the youngest generation every `young_threshold` new
    container objects (0 leaves Python's collector as it is)."""
    if young_threshold <= 0:
        return
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, oldest)
    frozen = gc.get_freeze_count()
    log.debug("collector: %d objects frozen, young threshold %d", frozen, young_threshold)


class PauseTimer:
    """A `gc.callbacks` entry: observes how long each collector pass took, per generation.

    Collections run one at a time (under the interpreter lock) and never nest, so a pass's
    start and stop come in pairs and one start time serves every generation. The histogram's
    children are made once, up front, so that a pass costs one clock read at each end and one
    observation."""

    def __init__(self, histogram: Any, clock: Callable[[], float] = time.perf_counter) -> None:
        self._children = [histogram.labels(generation=str(g)) for g in range(GENERATIONS)]
        self._started = 0.0
        self._clock = clock

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = self._clock()
        else:
            self._children[info["generation"]].observe(self._clock() - self._started)


def time_collections(histogram: Any) -> PauseTimer:
    """Observe every collector pass of the process in `histogram` (label `generation`)."""
    timer = PauseTimer(histogram)
    gc.callbacks.append(timer)
    return timer
