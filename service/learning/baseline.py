"""The offline yardstick: a batch logistic regression fitted on all training leads at once.

The online learners are measured against it on the same split and the same features. It is a
full-batch L2-regularised logistic regression minimised by L-BFGS with a backtracking line
search, in pure Python over sparse vectors (no numpy among our dependencies, and a few thousand
leads of a few dozen active features each take seconds). Deterministic: no random start, no
shuffling; the same rows give the same weights.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import mul

from service.learning.logistic import BIAS, sigmoid

_HISTORY = 10
_MAX_ITERATIONS = 150
_TOLERANCE = 1e-6

_Row = tuple[tuple[int, ...], tuple[float, ...]]
_Objective = Callable[[list[float]], tuple[float, list[float]]]


@dataclass(frozen=True, slots=True)
class BatchLogistic:
    """Fitted weights by feature name (the bias under `(bias)`)."""

    weights: Mapping[str, float]

    def logit(self, vector: Mapping[str, float]) -> float:
        weights = self.weights
        total = weights.get(BIAS, 0.0)
        for name in sorted(vector):
            total += weights.get(name, 0.0) * vector[name]
        return total

    def probability(self, vector: Mapping[str, float]) -> float:
        return sigmoid(self.logit(vector))


def fit_batch_logistic(
    vectors: Sequence[Mapping[str, float]], labels: Sequence[bool], *, l2: float = 1.0
) -> BatchLogistic:
    """Minimise the summed log loss plus `l2`/2 times the squared weights (the bias is not
    penalised) over every training lead at once."""
    names = sorted({BIAS, *(name for vector in vectors for name in vector)})
    index = {name: number for number, name in enumerate(names)}
    bias = index[BIAS]
    rows: list[_Row] = []
    for vector in vectors:
        keys = sorted(vector)
        rows.append(((bias, *(index[k] for k in keys)), (1.0, *(vector[k] for k in keys))))
    targets = [1.0 if label else 0.0 for label in labels]

    def loss_and_gradient(weights: list[float]) -> tuple[float, list[float]]:
        gradient = [l2 * w for w in weights]
        gradient[bias] = 0.0
        loss = 0.5 * l2 * (math.fsum(w * w for w in weights) - weights[bias] ** 2)
        losses = []
        lookup = weights.__getitem__
        # The hot loop of the fit: map() keeps the dot products in C.
        for (columns, values), target in zip(rows, targets, strict=True):
            z = sum(map(mul, map(lookup, columns), values))
            # log(1 + e^z) - target * z, computed without overflow
            losses.append(max(z, 0.0) + math.log1p(math.exp(-abs(z))) - target * z)
            error = sigmoid(z) - target
            for c, v in zip(columns, values, strict=True):
                gradient[c] += error * v
        return loss + math.fsum(losses), gradient

    weights = _minimise(loss_and_gradient, [0.0] * len(names))
    return BatchLogistic(weights={name: weights[index[name]] for name in names})


def _minimise(
    objective: _Objective, start: list[float], iterations: int = _MAX_ITERATIONS
) -> list[float]:
    """L-BFGS (two-loop recursion) with Armijo backtracking."""
    x = start
    loss, gradient = objective(x)
    steps: list[tuple[list[float], list[float], float]] = []  # (s, y, 1 / y.s)
    for _ in range(iterations):
        direction = _direction(gradient, steps)
        slope = _dot(gradient, direction)
        if slope >= 0.0:  # not a descent direction: forget the curvature, go downhill
            steps.clear()
            direction = [-g for g in gradient]
            slope = -_dot(gradient, gradient)
        step = 1.0
        while True:
            candidate = [xi + step * di for xi, di in zip(x, direction, strict=True)]
            new_loss, new_gradient = objective(candidate)
            if new_loss <= loss + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s = [c - xi for c, xi in zip(candidate, x, strict=True)]
        y = [ng - g for ng, g in zip(new_gradient, gradient, strict=True)]
        curvature = _dot(y, s)
        if curvature > 1e-12:
            steps.append((s, y, 1.0 / curvature))
            del steps[:-_HISTORY]
        improvement = loss - new_loss
        x, loss, gradient = candidate, new_loss, new_gradient
        if 0.0 <= improvement <= _TOLERANCE * max(1.0, abs(loss)):
            break
    return x


def _direction(
    gradient: list[float], steps: list[tuple[list[float], list[float], float]]
) -> list[float]:
    q = list(gradient)
    alphas = []
    for s, y, rho in reversed(steps):
        alpha = rho * _dot(s, q)
        alphas.append(alpha)
        q = [qi - alpha * yi for qi, yi in zip(q, y, strict=True)]
    if steps:
        s, y, _ = steps[-1]
        q = [qi * _dot(s, y) / _dot(y, y) for qi in q]
    for (s, y, rho), alpha in zip(steps, reversed(alphas), strict=True):
        beta = rho * _dot(y, q)
        q = [qi + (alpha - beta) * si for qi, si in zip(q, s, strict=True)]
    return [-qi for qi in q]


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))
