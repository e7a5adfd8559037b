"""Prometheus histograms read back from a scrape: quantiles and what changed between scrapes."""

import math
from collections.abc import Sequence

# (upper bound, cumulative count) pairs, ordered by bound; the last is normally +Inf.
Buckets = tuple[tuple[float, float], ...]


def estimate_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float | None:
    """The q-quantile of a Prometheus histogram, estimated as `histogram_quantile` does.

    `buckets` are (upper bound, cumulative count) pairs, the last normally +Inf. The rank q * total
    falls in the first bucket whose cumulative count reaches it, and the value is interpolated
    linearly between that bucket's lower and upper bounds (the first bucket starts at 0). A rank
    in the +Inf bucket gives the largest finite bound. None when the histogram is empty or has
    no +Inf bucket (Prometheus answers NaN).
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError("q is between 0 and 1")
    ordered = sorted(buckets)
    # Like Prometheus: without a +Inf bucket the total is unknown; one bucket says nothing.
    if len(ordered) < 2 or not math.isinf(ordered[-1][0]) or ordered[-1][1] <= 0:
        return None
    rank = q * ordered[-1][1]
    previous_bound, previous_count = 0.0, 0.0
    for position, (bound, cumulative) in enumerate(ordered):
        if cumulative >= rank:
            if math.isinf(bound):
                return previous_bound
            if position == 0 and bound <= 0:
                return bound
            in_bucket = cumulative - previous_count
            if in_bucket <= 0:
                return bound
            return previous_bound + (bound - previous_bound) * (rank - previous_count) / in_bucket
        previous_bound, previous_count = bound, cumulative
    return previous_bound


def bucket_increase(before: Buckets, after: Buckets) -> Buckets | None:
    """The histogram of what was observed between two scrapes (what `rate()` feeds
    `histogram_quantile` in PromQL); None when the counts went down (a restart in between)."""
    earlier = dict(before)
    recent = tuple((bound, count - earlier.get(bound, 0.0)) for bound, count in after)
    if any(count < 0 for _, count in recent):
        return None
    return recent
