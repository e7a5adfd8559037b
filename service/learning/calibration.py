"""Platt scaling learned online: turning a model's raw log-odds into a probability one can trust.

A learner's raw log-odds are not always probabilities: naive Bayes counts correlated facts as
if they were independent and is overconfident. Platt scaling fits `a * raw + b` by logistic
regression on (raw log-odds, outcome) pairs. Online, each pair is taken *before* the learner
learns the outcome (prequential), so the calibration sees out-of-sample predictions as it will
in production. Steps are AdaGrad on the two parameters, from the identity (a=1, b=0):
deterministic, two numbers of state, no clock.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.learning.logistic import MAX_LOGIT, sigmoid


@dataclass(frozen=True, slots=True)
class PlattScaling:
    """`calibrated = slope * raw + offset`; `squares` are AdaGrad's sums of squared gradients."""

    slope: float = 1.0
    offset: float = 0.0
    squares: tuple[float, float] = (0.0, 0.0)
    rate: float = 0.05

    def calibrate(self, raw_logit: float) -> float:
        """The calibrated log-odds for a raw one."""
        return self.slope * _clip(raw_logit) + self.offset

    def learn(self, raw_logit: float, converted: bool) -> "PlattScaling":
        """One AdaGrad step on the log loss of the calibrated probability; a new calibration."""
        raw = _clip(raw_logit)
        error = sigmoid(self.calibrate(raw)) - (1.0 if converted else 0.0)
        grad_slope, grad_offset = error * raw, error
        square_slope = self.squares[0] + grad_slope * grad_slope
        square_offset = self.squares[1] + grad_offset * grad_offset
        slope = self.slope - self.rate * grad_slope / math.sqrt(square_slope or 1.0)
        offset = self.offset - self.rate * grad_offset / math.sqrt(square_offset or 1.0)
        return PlattScaling(slope, offset, (square_slope, square_offset), self.rate)

    def to_state(self) -> dict[str, Any]:
        return {
            "slope": self.slope,
            "offset": self.offset,
            "squares": list(self.squares),
            "rate": self.rate,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> "PlattScaling":
        squares = state["squares"]
        return cls(
            float(state["slope"]),
            float(state["offset"]),
            (float(squares[0]), float(squares[1])),
            float(state["rate"]),
        )


def _clip(logit: float) -> float:
    return max(-MAX_LOGIT, min(MAX_LOGIT, logit))
