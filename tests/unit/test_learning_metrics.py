"""Score quality measures on inputs small enough to check by hand."""

import pytest

from service.learning.metrics import (
    brier_score,
    measure_score,
    precision_recall,
    reliability_table,
    roc_auc,
)

LABELS = [False, False, True, True]


def test_a_perfect_ranking_has_an_auc_of_1() -> None:
    assert roc_auc([0.1, 0.2, 0.8, 0.9], LABELS) == 1.0


def test_a_reversed_ranking_has_an_auc_of_0() -> None:
    assert roc_auc([0.9, 0.8, 0.2, 0.1], LABELS) == 0.0


def test_equal_scores_rank_like_chance() -> None:
    assert roc_auc([0.5, 0.5, 0.5, 0.5], LABELS) == 0.5


def test_auc_counts_each_converter_non_converter_pair_and_ties_as_half() -> None:
    # pairs (positive, negative): (0.4 vs 0.1) win, (0.4 vs 0.4) tie, (0.9 vs both) win -> 3.5/4
    assert roc_auc([0.1, 0.4, 0.4, 0.9], LABELS) == 3.5 / 4


def test_auc_is_one_half_when_a_class_is_missing() -> None:
    assert roc_auc([0.1, 0.9], [True, True]) == 0.5


def test_precision_and_recall_count_leads_at_or_above_the_threshold() -> None:
    # called: 0.5 (no), 0.7 (yes), 0.9 (yes); 3 converters in all
    scores = [0.1, 0.5, 0.7, 0.9, 0.2]
    labels = [True, False, True, True, False]

    assert precision_recall(scores, labels, 0.5) == (2 / 3, 2 / 3)


def test_precision_is_0_when_no_lead_reaches_the_threshold() -> None:
    assert precision_recall([0.1, 0.2], [True, False], 0.5) == (0.0, 0.0)


def test_brier_score_is_the_mean_squared_error_of_the_probability() -> None:
    assert brier_score([1.0, 0.0], [True, False]) == 0.0
    assert brier_score([0.5, 0.5], [True, False]) == 0.25
    assert brier_score([0.8, 0.4], [True, False]) == pytest.approx((0.04 + 0.16) / 2)


def test_reliability_table_has_ten_bins_with_counts_means_and_observed_rates() -> None:
    table = reliability_table([0.05, 0.15, 0.15, 1.0, 0.95], [False, True, False, True, True])

    assert len(table) == 10
    assert (table[0].count, table[0].observed_rate) == (1, 0.0)
    assert (table[1].count, table[1].mean_predicted, table[1].observed_rate) == (2, 0.15, 0.5)
    assert table[5].count == 0
    assert (table[9].count, table[9].mean_predicted, table[9].observed_rate) == (2, 0.975, 1.0)
    assert (table[9].low, table[9].high) == (0.9, 1.0)


def test_a_points_score_has_no_brier_and_no_reliability_table() -> None:
    quality = measure_score("rule", [10.0, 70.0], [False, True], 60, is_probability=False)

    assert quality.auc == 1.0
    assert quality.brier is None
    assert quality.reliability == ()
    assert (quality.precision, quality.recall) == (1.0, 1.0)


def test_the_base_rate_brier_is_what_always_predicting_the_base_rate_scores() -> None:
    quality = measure_score("p", [0.5, 0.5, 0.5, 0.5], LABELS, 0.5)

    assert quality.base_rate == 0.5
    assert quality.base_rate_brier == brier_score([0.5] * 4, LABELS)


def test_scores_and_labels_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="3 scores for 2 labels"):
        roc_auc([0.1, 0.2, 0.3], [True, False])
