"""Latency statistics: exact percentiles of samples and estimates from Prometheus histograms."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

from agents.tools.histograms import estimate_quantile

Buckets = tuple[tuple[float, float], ...]
HANDOFF_HISTOGRAM = "leadrouter_handoff_latency_seconds"
# From an input record's Kafka timestamp to the end of each stage, labelled by stage.
STAGE_HISTOGRAM = "leadrouter_stage_latency_seconds"
GC_PAUSE_HISTOGRAM = "leadrouter_gc_pause_seconds"
# Its stages along the pipeline: the order of equal medians (a saturated worker's all top out).
STAGE_ORDER = ("intake", "scoring", "routing")


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """p50/p95/p99/max in seconds over `count` observations; None where nothing was observed.

    From a histogram, `max` is the upper bound of the highest bucket holding an observation
    (infinity when one fell in the +Inf bucket): a histogram does not keep the true maximum.
    """

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None


# A stage's name and its latency over one phase.
Stage = tuple[str, LatencySummary]


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of sorted samples, interpolated linearly between the two closest
    ranks (numpy's default): the median of [1, 2, 3, 4] is 2.5."""
    if not ordered:
        raise ValueError("no samples")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q is between 0 and 1")
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def summarize_samples(samples: Iterable[float]) -> LatencySummary:
    ordered = sorted(samples)
    if not ordered:
        return LatencySummary(0, None, None, None, None)
    return LatencySummary(
        count=len(ordered),
        p50=percentile(ordered, 0.50),
        p95=percentile(ordered, 0.95),
        p99=percentile(ordered, 0.99),
        max=ordered[-1],
    )


def histogram_buckets(metrics_text: str, name: str = HANDOFF_HISTOGRAM) -> Buckets:
    """A histogram's cumulative (upper bound, count) pairs from a /metrics page, every label
    set (here: every queue) added together."""
    totals: dict[float, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name == f"{name}_bucket":
                bound = float(sample.labels["le"])
                totals[bound] = totals.get(bound, 0.0) + sample.value
    return tuple(sorted(totals.items()))


def histogram_buckets_by(
    metrics_text: str, label: str, name: str = STAGE_HISTOGRAM
) -> dict[str, Buckets]:
    """A labelled histogram's buckets per value of `label`, its other labels added together."""
    totals: dict[str, dict[float, float]] = {}
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name == f"{name}_bucket" and label in sample.labels:
                counts = totals.setdefault(sample.labels[label], {})
                bound = float(sample.labels["le"])
                counts[bound] = counts.get(bound, 0.0) + sample.value
    return {value: tuple(sorted(counts.items())) for value, counts in totals.items()}


def stages_between(
    before: Sequence[str], after: Sequence[str], label: str = "stage"
) -> tuple[Stage, ...]:
    """Per stage, what the workers observed between two scrapes of their /metrics pages (one
    page per worker each time), in the order of their medians (stage latencies count from the
    input record, so a later stage has the larger one), equal medians in pipeline order."""
    observed = _observed_between(before, after, label, STAGE_HISTOGRAM)
    return tuple(sorted(observed, key=lambda stage: (stage[1].p50 or 0.0, _position(stage[0]))))


def pauses_between(before: Sequence[str], after: Sequence[str]) -> tuple[Stage, ...]:
    """The workers' collector passes between two scrapes, per generation ("0" young, "2" full)
    in that order: how many there were and how long they stopped a worker."""
    return tuple(sorted(_observed_between(before, after, "generation", GC_PAUSE_HISTOGRAM)))


def _observed_between(
    before: Sequence[str], after: Sequence[str], label: str, name: str
) -> list[Stage]:
    """Per value of `label` of histogram `name`, the observations new between the scrapes."""
    earlier = [histogram_buckets_by(page, label, name) for page in before]
    later = [histogram_buckets_by(page, label, name) for page in after]
    values = sorted({value for page in later for value in page})
    summaries = [
        (
            value,
            summarize_histogram(
                bucket_delta(
                    combined_buckets([page.get(value, ()) for page in earlier]),
                    combined_buckets([page.get(value, ()) for page in later]),
                )
            ),
        )
        for value in values
    ]
    return [(value, summary) for value, summary in summaries if summary.count > 0]


def _position(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def metric_total(metrics_text: str, name: str) -> float:
    """The sum of every sample of one series name (all label sets) on a /metrics page."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics_text)
        for sample in family.samples
        if sample.name == name
    )


def combined_buckets(histograms: Sequence[Buckets]) -> Buckets:
    """One histogram from several workers' (their buckets share bounds): counts added."""
    totals: dict[float, float] = {}
    for buckets in histograms:
        for bound, count in buckets:
            totals[bound] = totals.get(bound, 0.0) + count
    return tuple(sorted(totals.items()))


def bucket_delta(before: Buckets, after: Buckets) -> Buckets:
    """What was observed between two scrapes of the same histogram (counts are cumulative)."""
    earlier = dict(before)
    return tuple((bound, count - earlier.get(bound, 0.0)) for bound, count in after)


def summarize_histogram(buckets: Buckets) -> LatencySummary:
    """Quantiles interpolated within buckets as PromQL's histogram_quantile does."""
    total = int(buckets[-1][1]) if buckets else 0
    if total <= 0:
        return LatencySummary(0, None, None, None, None)
    highest = next(bound for bound, count in buckets if count >= buckets[-1][1])
    return LatencySummary(
        count=total,
        p50=estimate_quantile(0.50, buckets),
        p95=estimate_quantile(0.95, buckets),
        p99=estimate_quantile(0.99, buckets),
        max=highest,
    )
