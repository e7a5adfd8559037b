"""Python's cyclic garbage collector tuned for a worker that allocates per event.

Each event builds and drops pydantic models, dicts and futures: with Python's default threshold
(700 new container objects) the collector ran about every 30 events in the bench, and each older
generation pass walked everything the worker had loaded at start (modules, schemas, the rules).
So once the worker is built, what exists is frozen (`gc.freeze`: moved to a permanent generation
no collection walks) and the youngest generation collects every `young_threshold` new objects.
Cycles are still found, later and in larger passes; reference counting frees everything else
at once either way.
"""

import gc
import logging

log = logging.getLogger(__name__)


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
