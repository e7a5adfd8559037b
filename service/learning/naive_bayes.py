"""Naive Bayes over categorical tokens with Laplace smoothing (what Odoo's lead scoring does).

Each lead has one value per group (lead source, country, a band of its page views...); the
model counts, per group and value, how many converted and how many did not. Its log-odds are
the prior odds plus, per group, the log-ratio of the value's smoothed frequency among
converters and among the others: an explanation for free, one line per fact about the lead.
"""

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

PRIOR = "(prior)"


@dataclass(frozen=True, slots=True)
class NaiveBayesSettings:
    """`smoothing` is Laplace's pseudo-count; `max_values` bounds the distinct values counted
    per group (a value first seen once a group is full is treated as unseen)."""

    smoothing: float = 1.0
    max_values: int = 2_000


class NaiveBayes:
    """Counts per class, per group and value. The same examples give the same counts in any
    order, as long as no group reached `max_values`; in the same order, always."""

    __slots__ = ("_classes", "_counts", "_settings")

    def __init__(
        self,
        settings: NaiveBayesSettings | None = None,
        classes: tuple[int, int] = (0, 0),
        counts: Mapping[str, Mapping[str, tuple[int, int]]] | None = None,
    ) -> None:
        self._settings = settings or NaiveBayesSettings()
        # (not converted, converted)
        self._classes = list(classes)
        self._counts: dict[str, dict[str, list[int]]] = {
            group: {value: list(pair) for value, pair in values.items()}
            for group, values in (counts or {}).items()
        }

    def contributions(self, tokens: Mapping[str, str]) -> list[tuple[str, float]]:
        """The prior log-odds first, then per group the log-likelihood ratio of the lead's value;
        they sum to `logit(tokens)`."""
        negatives, positives = self._classes
        alpha = self._settings.smoothing
        lines = [(PRIOR, math.log((positives + alpha) / (negatives + alpha)))]
        for group in sorted(tokens):
            values = self._counts.get(group)
            if values is None:
                continue  # a group never seen in a labelled lead says nothing yet
            value = tokens[group]
            neg, pos = values.get(value, (0, 0))
            # One extra slot for values never seen, so an unseen value has a finite ratio.
            slots = alpha * (len(values) + 1)
            ratio = ((pos + alpha) / (positives + slots)) / ((neg + alpha) / (negatives + slots))
            lines.append((f"{group}={value}", math.log(ratio)))
        return lines

    def logit(self, tokens: Mapping[str, str]) -> float:
        """The model's log-odds of conversion for a lead's tokens."""
        return math.fsum(value for _, value in self.contributions(tokens))

    def learn(self, tokens: Mapping[str, str], converted: bool) -> None:
        """Count one labelled lead."""
        label = 1 if converted else 0
        self._classes[label] += 1
        for group in sorted(tokens):
            values = self._counts.setdefault(group, {})
            value = tokens[group]
            pair = values.get(value)
            if pair is None:
                if len(values) >= self._settings.max_values:
                    continue
                pair = values[value] = [0, 0]
            pair[label] += 1

    def to_state(self) -> dict[str, Any]:
        """The counts as plain JSON-ready data."""
        return {
            "settings": asdict(self._settings),
            "classes": list(self._classes),
            "counts": {
                group: {value: list(values[value]) for value in sorted(values)}
                for group, values in sorted(self._counts.items())
            },
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> "NaiveBayes":
        counts: Mapping[str, Mapping[str, list[int]]] = state["counts"]
        negatives, positives = state["classes"]
        return cls(
            NaiveBayesSettings(**state["settings"]),
            classes=(int(negatives), int(positives)),
            counts={
                group: {value: (int(pair[0]), int(pair[1])) for value, pair in values.items()}
                for group, values in counts.items()
            },
        )
