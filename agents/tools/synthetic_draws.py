"""The draws the synthetic generators make: picks from a `random.Random` that cost one `random()`
call each, running totals of weights to pick by, and company sizes spread over orders of
magnitude.
"""

import math
import random
from collections.abc import Sequence
from typing import Final, TypeVar

_T = TypeVar("_T")

_LOG_MIN: Final = math.log(5)
_LOG_MAX: Final = math.log(50_000)


def cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    running = []
    for weight in weights:
        total += weight
        running.append(total)
    return running


def log_uniform(draw: float) -> int:
    """Company sizes from 5 to 50,000 spread over orders of magnitude: as many 5-50 as
    5,000-50,000. `draw` is uniform in [0, 1)."""
    return int(math.exp(_LOG_MIN + draw * (_LOG_MAX - _LOG_MIN)))


class Draws:
    """A maker that draws from `rng`. The synthetic feed and its parts share one generator, and
    each draws in turn: the same seed and the same calls give the same values."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._random = rng.random

    # random.Random.choice and randrange cost several times more than one random() call, and the
    # feed makes about twenty draws per event.
    def _choose(self, values: Sequence[_T]) -> _T:
        return values[int(self._random() * len(values))]

    def _below(self, bound: int) -> int:
        return int(self._random() * bound)

    def _pick(self, cumulative: list[float]) -> int:
        target = self._random() * cumulative[-1]
        for index, bound in enumerate(cumulative):
            if target < bound:
                return index
        return len(cumulative) - 1
