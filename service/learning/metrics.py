"""How good a conversion score is: ranking (ROC AUC), the threshold's precision and recall,
probability quality (Brier score) and a reliability table."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

RELIABILITY_BINS = 10


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """Leads whose predicted probability fell in [low, high): how many, what was predicted on
    average, and how many of them actually converted."""

    low: float
    high: float
    count: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True, slots=True)
class ScoreQuality:
    """The quality of one score on labelled leads. `brier` is None for a score that is not a
    probability (the rule score's points), and so is the reliability table then."""

    name: str
    leads: int
    converted: int
    auc: float
    threshold: float
    precision: float
    recall: float
    brier: float | None = None
    reliability: tuple[ReliabilityBin, ...] = ()

    @property
    def base_rate(self) -> float:
        return self.converted / self.leads if self.leads else 0.0

    @property
    def base_rate_brier(self) -> float:
        """The Brier score of always predicting the base rate: a probability must beat this."""
        rate = self.base_rate
        return rate * (1.0 - rate)


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The probability that a random converter scores above a random non-converter (ties count
    half): 1.0 for a perfect ranking, 0.5 for chance. 0.5 when one class is missing."""
    _same_length(scores, labels)
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return 0.5
    order = sorted(range(len(scores)), key=lambda index: scores[index])
    rank_sum = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        average_rank = (start + end) / 2.0 + 1.0  # tied scores share their average rank
        rank_sum += average_rank * sum(1 for index in order[start : end + 1] if labels[index])
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def precision_recall(
    scores: Sequence[float], labels: Sequence[bool], threshold: float
) -> tuple[float, float]:
    """Precision and recall of calling every lead scoring at or above `threshold` a converter
    (precision is 0.0 when no lead reaches it; recall 0.0 when nobody converted)."""
    _same_length(scores, labels)
    called = [label for score, label in zip(scores, labels, strict=True) if score >= threshold]
    hits = sum(1 for label in called if label)
    positives = sum(1 for label in labels if label)
    precision = hits / len(called) if called else 0.0
    recall = hits / positives if positives else 0.0
    return precision, recall


def brier_score(probabilities: Sequence[float], labels: Sequence[bool]) -> float:
    """The mean squared difference between the probability and the outcome (1 or 0): 0 is
    perfect; always saying 0.5 scores 0.25."""
    _same_length(probabilities, labels)
    if not labels:
        return 0.0
    return math.fsum(
        (p - (1.0 if label else 0.0)) ** 2 for p, label in zip(probabilities, labels, strict=True)
    ) / len(labels)


def reliability_table(
    probabilities: Sequence[float], labels: Sequence[bool], bins: int = RELIABILITY_BINS
) -> tuple[ReliabilityBin, ...]:
    """Equal-width bins of predicted probability (the last one includes 1.0); a calibrated
    score has each bin's observed rate close to its mean prediction. Empty bins are listed."""
    _same_length(probabilities, labels)
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for probability, label in zip(probabilities, labels, strict=True):
        members[min(int(probability * bins), bins - 1)].append((probability, label))
    table = []
    for number, items in enumerate(members):
        count = len(items)
        table.append(
            ReliabilityBin(
                low=number / bins,
                high=(number + 1) / bins,
                count=count,
                mean_predicted=math.fsum(p for p, _ in items) / count if count else 0.0,
                observed_rate=sum(1 for _, label in items if label) / count if count else 0.0,
            )
        )
    return tuple(table)


def measure_score(
    name: str,
    scores: Sequence[float],
    labels: Sequence[bool],
    threshold: float,
    *,
    is_probability: bool = True,
) -> ScoreQuality:
    """Every measure of one score on the same labelled leads."""
    precision, recall = precision_recall(scores, labels, threshold)
    return ScoreQuality(
        name=name,
        leads=len(labels),
        converted=sum(1 for label in labels if label),
        auc=roc_auc(scores, labels),
        threshold=threshold,
        precision=precision,
        recall=recall,
        brier=brier_score(scores, labels) if is_probability else None,
        reliability=reliability_table(scores, labels) if is_probability else (),
    )


def _same_length(scores: Sequence[float], labels: Sequence[bool]) -> None:
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores for {len(labels)} labels")
