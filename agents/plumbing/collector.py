"""Python's cyclic garbage collector tuned for a worker that keeps decoded state in memory.

Each event builds and drops pydantic models, dicts and futures, and replaces its lead's decoded
profile (`agents/plumbing/decoded.py`): about 30 objects the collector tracks, which live until
the lead's next event or the profile's eviction. Python's collector was made for other heaps:
- each pass walks every object of its generation and the younger ones, and a pass stops the
  worker: nothing else runs in the process meanwhile;
- the young generation's count is new objects less freed ones, and every replaced profile frees
  as many objects as its successor allocates. So young passes came late and found 20,000 to
  78,000 objects at a threshold of 10,000; middle passes up to 180,000 (the bench, 60,000
  events: young passes up to 99 ms, middle ones up to 186 ms, 13 passes over 50 ms);
- a full pass walks every profile held (20,000 by default: about 600,000 objects, 0.5 to 0.8 s
  in the bench).

So once the worker is built, what exists is frozen (`gc.freeze`: moved to a permanent generation
no collection walks), the young generation collects every `young_threshold` new objects, and
with `freeze_survivors` every pass ends by freezing what survived it. No object is walked twice:
a pass walks only what was made since the last one, and the middle and full generations stay
empty. Frozen objects are still freed by reference counting the moment they are dropped, which
is how profiles and events end. What a frozen object cannot be is found in a cycle of garbage:
cycles formed by objects older than one pass wait for `sweep`, which unfreezes everything,
collects once (one long pass, every `sweep_minutes`) and freezes again. In the bench the
worker's cyclic garbage was almost all made at start (a 30,000-event run collected 3,062 objects,
argument parsers and classes among them); the frozen garbage left at the end of a 60,000-event
run was about 900 objects, and over 150,000 events the sweeps after the first found nothing to
free.

`time_collections` puts each pass's length in `leadrouter_gc_pause_seconds`, per generation,
so that a latency spike can be told from a collector pause.
"""

import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
GENERATIONS = 3


def freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """A `gc.callbacks` entry: what survived the pass that just ended is frozen."""
    if phase == "stop":
        gc.freeze()


def tune_collector(young_threshold: int, *, freeze_after_pass: bool = True) -> bool:
    """Freeze what exists and collect the youngest generation every `young_threshold` new
    container objects; with `freeze_after_pass`, every pass freezes what survived it (0 leaves
    Python's collector as it is). True when survivors are frozen: only then can garbage wait
    for `sweep`."""
    if young_threshold <= 0:
        return False
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, oldest)
    if freeze_after_pass and freeze_survivors not in gc.callbacks:
        gc.callbacks.append(freeze_survivors)
    log.debug(
        "collector: %d objects frozen, young threshold %d, survivors %s",
        gc.get_freeze_count(),
        young_threshold,
        "frozen" if freeze_after_pass else "aged",
    )
    return freeze_after_pass


@dataclass(frozen=True, slots=True)
class Swept:
    collected: int
    seconds: float
    frozen: int


def sweep(clock: Callable[[], float] = time.perf_counter) -> Swept:
    """Walk everything once: unfreeze, collect every generation, freeze what is left."""
    started = clock()
    gc.unfreeze()
    collected = gc.collect()
    gc.freeze()
    return Swept(collected, clock() - started, gc.get_freeze_count())


def register_sweep(app: Any, minutes: float) -> None:
    """Sweep the frozen objects every `minutes` on `app`'s loop (0: never)."""
    if minutes <= 0:
        return

    @app.timer(interval=minutes * 60, name="collector-sweep")
    async def sweep_frozen() -> None:
        swept = sweep()
        log.info(
            "collector sweep: %d objects collected in %.0f ms, %d frozen",
            swept.collected,
            swept.seconds * 1000,
            swept.frozen,
        )


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
