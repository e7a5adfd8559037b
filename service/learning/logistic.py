"""Online logistic regression by FTRL-Proximal, over sparse features named by what they mean.

Why hand-written rather than `river`: the model has to be replayable bit for bit and its state
has to live on a compacted Kafka topic as compact JSON that any worker can read. FTRL-Proximal
(McMahan et al., "Ad Click Prediction: a View from the Trenches", 2013) keeps two numbers per
feature (`z`, `n`); the weights follow from them in closed form. That is about forty lines of
pure Python with no randomness and no hidden state, its JSON is exactly those numbers, and the
per-coordinate learning rate copes with features as different as a one-hot lead source and a
log page count. A library would add a dependency whose pickled estimators are neither compact
nor stable across its versions, for the same arithmetic.
"""

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

BIAS = "(bias)"
# Logits are clipped before the sigmoid: beyond this, probabilities are 0 or 1 to machine
# precision anyway, and exp() would overflow.
MAX_LOGIT = 35.0


def sigmoid(logit: float) -> float:
    """The probability a log-odds value stands for."""
    clipped = max(-MAX_LOGIT, min(MAX_LOGIT, logit))
    return 1.0 / (1.0 + math.exp(-clipped))


@dataclass(frozen=True, slots=True)
class FtrlSettings:
    """FTRL-Proximal's learning rate (`alpha`, `beta`), its L1 and L2 penalties, and how many
    distinct features it keeps (a feature first seen once the limit is reached is ignored)."""

    alpha: float = 0.1
    beta: float = 1.0
    l1: float = 0.0
    l2: float = 1.0
    max_features: int = 20_000


class FtrlLogistic:
    """A logistic regression that learns one labelled example at a time.

    The same examples in the same order always give the same state: every update is plain
    float arithmetic in a fixed order (features are visited sorted by name).
    """

    __slots__ = ("_n", "_settings", "_z")

    def __init__(
        self,
        settings: FtrlSettings | None = None,
        z: Mapping[str, float] | None = None,
        n: Mapping[str, float] | None = None,
    ) -> None:
        self._settings = settings or FtrlSettings()
        self._z: dict[str, float] = dict(z or {})
        self._n: dict[str, float] = dict(n or {})

    @property
    def settings(self) -> FtrlSettings:
        return self._settings

    def weight(self, name: str) -> float:
        """The feature's current weight in log-odds per unit (0 for an unknown feature)."""
        z = self._z.get(name)
        if z is None:
            return 0.0
        settings = self._settings
        if abs(z) <= settings.l1:
            return 0.0
        shrunk = z - math.copysign(settings.l1, z)
        rate = (settings.beta + math.sqrt(self._n[name])) / settings.alpha + settings.l2
        return -shrunk / rate

    def contributions(self, vector: Mapping[str, float]) -> list[tuple[str, float]]:
        """What each feature adds to the log-odds (weight times value), the bias first; they sum
        to `logit(vector)`. Features the model gives no weight are left out."""
        lines = [(BIAS, self.weight(BIAS))]
        for name in sorted(vector):
            contribution = self.weight(name) * vector[name]
            if contribution != 0.0:
                lines.append((name, contribution))
        return lines

    def logit(self, vector: Mapping[str, float]) -> float:
        """The predicted log-odds of conversion for a feature vector."""
        return math.fsum(value for _, value in self.contributions(vector))

    def learn(self, vector: Mapping[str, float], converted: bool) -> None:
        """One FTRL-Proximal step on a labelled example (log loss; the bias is a feature)."""
        inputs = {BIAS: 1.0, **{name: vector[name] for name in sorted(vector)}}
        weights = {name: self.weight(name) for name in inputs}
        logit = math.fsum(weights[name] * value for name, value in inputs.items())
        error = sigmoid(logit) - (1.0 if converted else 0.0)
        alpha = self._settings.alpha
        for name, value in inputs.items():
            if value == 0.0:
                continue
            if name not in self._z and len(self._z) >= self._settings.max_features:
                continue
            gradient = error * value
            n = self._n.get(name, 0.0)
            updated = n + gradient * gradient
            sigma = (math.sqrt(updated) - math.sqrt(n)) / alpha
            self._z[name] = self._z.get(name, 0.0) + gradient - sigma * weights[name]
            self._n[name] = updated

    def to_state(self) -> dict[str, Any]:
        """The learner as plain JSON-ready data: settings and, per feature, [z, n]."""
        return {
            "settings": asdict(self._settings),
            "features": {name: [self._z[name], self._n[name]] for name in sorted(self._z)},
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> "FtrlLogistic":
        features: Mapping[str, list[float]] = state["features"]
        return cls(
            FtrlSettings(**state["settings"]),
            z={name: float(pair[0]) for name, pair in features.items()},
            n={name: float(pair[1]) for name, pair in features.items()},
        )
