"""Latency statistics of the bench: exact percentiles and histogram estimates."""

import math
from collections.abc import Mapping

import pytest

from bench.stats import (
    bucket_delta,
    combined_buckets,
    histogram_buckets,
    histogram_buckets_by,
    metric_total,
    pauses_between,
    percentile,
    stages_between,
    summarize_histogram,
    summarize_samples,
)

METRICS = """\
# HELP leadrouter_handoff_latency_seconds handoff
# TYPE leadrouter_handoff_latency_seconds histogram
leadrouter_handoff_latency_seconds_bucket{le="0.01",queue="a"} 2.0
leadrouter_handoff_latency_seconds_bucket{le="0.1",queue="a"} 4.0
leadrouter_handoff_latency_seconds_bucket{le="+Inf",queue="a"} 4.0
leadrouter_handoff_latency_seconds_count{queue="a"} 4.0
leadrouter_handoff_latency_seconds_sum{queue="a"} 0.2
leadrouter_handoff_latency_seconds_bucket{le="0.01",queue="b"} 1.0
leadrouter_handoff_latency_seconds_bucket{le="0.1",queue="b"} 1.0
leadrouter_handoff_latency_seconds_bucket{le="+Inf",queue="b"} 2.0
leadrouter_handoff_latency_seconds_count{queue="b"} 2.0
leadrouter_handoff_latency_seconds_sum{queue="b"} 5.0
# HELP leadrouter_duplicates_total dups
# TYPE leadrouter_duplicates_total counter
leadrouter_duplicates_total 3.0
"""


def test_median_of_an_even_count_lies_between_the_middle_samples() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


def test_percentile_interpolates_between_closest_ranks() -> None:
    samples = [float(value) for value in range(101)]  # 0..100
    assert percentile(samples, 0.99) == pytest.approx(99.0)
    assert percentile([10.0, 20.0], 0.95) == pytest.approx(19.5)


def test_extreme_quantiles_are_the_smallest_and_largest_samples() -> None:
    assert percentile([3.0, 5.0, 9.0], 0.0) == 3.0
    assert percentile([3.0, 5.0, 9.0], 1.0) == 9.0


def test_percentile_of_no_samples_is_an_error() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_sample_summary_sorts_and_keeps_the_true_maximum() -> None:
    summary = summarize_samples([0.3, 0.1, 0.2])
    assert (summary.count, summary.p50, summary.max) == (3, 0.2, 0.3)


def test_sample_summary_of_nothing_has_no_figures() -> None:
    summary = summarize_samples([])
    assert summary.count == 0
    assert summary.p99 is None


def test_histogram_adds_every_queue_together() -> None:
    assert histogram_buckets(METRICS) == ((0.01, 3.0), (0.1, 5.0), (math.inf, 6.0))


def test_metric_total_adds_every_label_set() -> None:
    assert metric_total(METRICS, "leadrouter_duplicates_total") == 3.0
    assert metric_total(METRICS, "leadrouter_missing_total") == 0.0


def test_bucket_delta_keeps_only_what_was_observed_between_scrapes() -> None:
    before = ((0.01, 3.0), (0.1, 5.0), (math.inf, 6.0))
    after = ((0.01, 4.0), (0.1, 9.0), (math.inf, 10.0))
    assert bucket_delta(before, after) == ((0.01, 1.0), (0.1, 4.0), (math.inf, 4.0))


def test_histogram_quantiles_interpolate_within_the_bucket() -> None:
    # 10 observations under 10 ms, 10 between 10 and 100 ms.
    summary = summarize_histogram(((0.01, 10.0), (0.1, 20.0), (math.inf, 20.0)))
    assert summary.count == 20
    assert summary.p50 == pytest.approx(0.01)
    assert summary.p95 == pytest.approx(0.01 + 0.09 * 0.9)
    assert summary.max == 0.1


def test_histogram_maximum_is_infinite_when_something_fell_past_the_last_bound() -> None:
    summary = summarize_histogram(((0.01, 1.0), (0.1, 1.0), (math.inf, 2.0)))
    assert summary.max == math.inf
    assert summary.p99 == 0.1  # a rank in +Inf reports the largest finite bound


def test_empty_histogram_has_no_figures() -> None:
    summary = summarize_histogram(((0.01, 0.0), (math.inf, 0.0)))
    assert summary.count == 0
    assert summary.p50 is None


def test_workers_histograms_combine_by_adding_counts_per_bound() -> None:
    first = ((0.01, 2.0), (0.1, 5.0), (math.inf, 6.0))
    second = ((0.01, 1.0), (0.1, 1.0), (math.inf, 3.0))

    assert combined_buckets([first, second]) == ((0.01, 3.0), (0.1, 6.0), (math.inf, 9.0))


def histogram_page(name: str, label: str, counts: Mapping[str, tuple[float, float, float]]) -> str:
    """A /metrics page with histogram `name`: per value of `label`, cumulative counts at 10 ms,
    100 ms and +Inf."""
    lines = [f"# TYPE {name} histogram"]
    for value, (fast, slow, total) in counts.items():
        for bound, count in (("0.01", fast), ("0.1", slow), ("+Inf", total)):
            lines.append(f'{name}_bucket{{le="{bound}",{label}="{value}"}} {count}')
    return "\n".join(lines) + "\n"


def stage_page(counts: Mapping[str, tuple[float, float, float]]) -> str:
    return histogram_page("leadrouter_stage_latency_seconds", "stage", counts)


def test_labelled_histogram_keeps_each_stage_apart() -> None:
    page = stage_page({"intake": (2, 3, 3), "routing": (0, 1, 2)})
    assert histogram_buckets_by(page, "stage") == {
        "intake": ((0.01, 2.0), (0.1, 3.0), (math.inf, 3.0)),
        "routing": ((0.01, 0.0), (0.1, 1.0), (math.inf, 2.0)),
    }


def test_stages_between_scrapes_count_only_new_observations_of_every_worker() -> None:
    before = [stage_page({"intake": (5, 5, 5)}), stage_page({"intake": (1, 1, 1)})]
    after = [
        stage_page({"intake": (5, 9, 9), "routing": (0, 2, 2)}),
        stage_page({"intake": (1, 5, 5)}),
    ]
    stages = dict(stages_between(before, after))
    assert stages["intake"].count == 8  # 4 new on each worker, all between 10 and 100 ms
    assert stages["intake"].p50 is not None
    assert 0.01 < stages["intake"].p50 <= 0.1
    assert stages["routing"].count == 2


def test_stages_come_in_the_order_of_their_medians_and_idle_ones_are_left_out() -> None:
    before = [stage_page({"routing": (0, 0, 0), "intake": (0, 0, 0), "idle": (3, 3, 3)})]
    after = [stage_page({"routing": (0, 4, 4), "intake": (4, 4, 4), "idle": (3, 3, 3)})]
    assert [name for name, _ in stages_between(before, after)] == ["intake", "routing"]


def test_stages_with_equal_medians_come_in_pipeline_order() -> None:
    saturated = {"routing": (0, 0, 4), "scoring": (0, 0, 4), "intake": (0, 0, 4)}
    before = [stage_page(dict.fromkeys(saturated, (0, 0, 0)))]
    stages = stages_between(before, [stage_page(saturated)])
    assert [name for name, _ in stages] == ["intake", "scoring", "routing"]


def pause_page(counts: Mapping[str, tuple[float, float, float]]) -> str:
    return histogram_page("leadrouter_gc_pause_seconds", "generation", counts)


def test_collector_passes_between_scrapes_are_counted_per_generation_over_every_worker() -> None:
    before = [pause_page({"0": (10, 10, 10)}), pause_page({"0": (3, 3, 3), "2": (1, 1, 1)})]
    after = [
        pause_page({"0": (15, 16, 16), "1": (1, 1, 1)}),
        pause_page({"0": (5, 5, 5), "2": (1, 1, 2)}),
    ]
    pauses = pauses_between(before, after)
    assert [generation for generation, _ in pauses] == ["0", "1", "2"]
    young = dict(pauses)["0"]
    assert young.count == 8  # 6 new on the first worker (one over 10 ms), 2 on the second
    assert young.max == 0.1
    assert dict(pauses)["2"].count == 1
    assert dict(pauses)["2"].max == math.inf


def test_a_generation_without_new_passes_is_left_out() -> None:
    page = pause_page({"0": (4, 4, 4), "2": (1, 1, 1)})
    assert pauses_between([page], [page]) == ()
