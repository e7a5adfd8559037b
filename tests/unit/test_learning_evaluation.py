"""Replaying labelled leads: the learned scores against the rule score and the offline yardstick."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bench.labelled import generate
from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback
from service.decision_ids import decision_id
from service.learning.evaluation import OFFLINE_LOGISTIC, RULE_SCORE, evaluate_replay

LEADS = generate(800, seed=5)
EVENTS = [LeadEvent.model_validate(event) for lead in LEADS for event in lead.events]
OUTCOMES = [SalesFeedback.model_validate(outcome) for lead in LEADS for outcome in lead.outcomes]
REPORT = evaluate_replay(EVENTS, OUTCOMES, split=0.7)
LEARNED = ("naive Bayes", "online logistic (FTRL)")
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_the_first_70_percent_of_labelled_outcomes_are_learned_and_the_rest_scored() -> None:
    assert REPORT.training_outcomes == 560
    assert REPORT.test_outcomes == 240
    assert [score.leads for score in REPORT.scores] == [240] * 4


def test_accepted_outcomes_and_repeated_outcomes_are_not_labels() -> None:
    accepted = sum(1 for outcome in OUTCOMES if outcome.outcome == "accepted")
    repeats = len(OUTCOMES) - accepted - len(LEADS)

    assert REPORT.skipped_outcomes == accepted + repeats


def test_learned_scores_rank_converters_far_better_than_the_rule_score() -> None:
    rule = REPORT.score(RULE_SCORE).auc
    for name in LEARNED:
        assert REPORT.score(name).auc > max(rule + 0.1, 0.7)


def test_online_logistic_regression_comes_within_003_auc_of_the_offline_one() -> None:
    online = REPORT.score("online logistic (FTRL)").auc
    offline = REPORT.score(OFFLINE_LOGISTIC).auc

    assert online >= offline - 0.03


def test_learned_probabilities_beat_the_brier_score_of_the_base_rate() -> None:
    for name in (*LEARNED, OFFLINE_LOGISTIC):
        quality = REPORT.score(name)
        assert quality.brier is not None
        assert quality.brier < quality.base_rate_brier
        assert sum(row.count for row in quality.reliability) == quality.leads


def test_the_rule_score_is_measured_at_its_sales_ready_threshold_in_points() -> None:
    rule = REPORT.score(RULE_SCORE)

    assert rule.threshold == 60
    assert rule.brier is None


def test_the_same_replay_gives_the_same_report_and_model_versions() -> None:
    again = evaluate_replay(EVENTS[:600], OUTCOMES, split=0.7)
    once_more = evaluate_replay(EVENTS[:600], OUTCOMES, split=0.7)

    assert again == once_more


def _event(number: int, at: datetime, **lead: Any) -> LeadEvent:
    return LeadEvent.model_validate(
        {
            "event_id": f"e{number}",
            "event_type": "lead.created",
            "occurred_at": at,
            "source": "web",
            "lead": {"email": f"lead{number}@acme.com", **lead},
        }
    )


def _outcome(number: int, outcome: str, at: datetime) -> SalesFeedback:
    return SalesFeedback.model_validate(
        {
            "decision_id": decision_id(f"email:lead{number}@acme.com", 1),
            "lead_identity": f"email:lead{number}@acme.com",
            "outcome": outcome,
            "occurred_at": at,
        }
    )


def test_outcomes_are_learned_in_time_order_and_the_latest_are_held_out() -> None:
    # Referral leads convert, chat leads do not; the last two outcomes are held out.
    events, outcomes = [], []
    for number in range(10):
        source = "Referral" if number % 2 == 0 else "Live Chat"
        events.append(_event(number, T0 + timedelta(hours=number), lead_source=source))
        won = "converted" if number % 2 == 0 else "lost"
        outcomes.append(_outcome(number, won, T0 + timedelta(days=1, hours=number)))

    report = evaluate_replay(list(reversed(events)), outcomes, split=0.8)

    assert (report.training_outcomes, report.test_outcomes) == (8, 2)
    assert report.score("online logistic (FTRL)").auc == 1.0
    assert report.score("naive Bayes").auc == 1.0


def test_an_outcome_for_a_lead_no_event_introduced_is_skipped() -> None:
    events = [_event(number, T0) for number in range(4)]
    outcomes = [_outcome(number, "converted", T0 + timedelta(days=1)) for number in range(5)]

    report = evaluate_replay(events, outcomes, split=0.5)

    assert report.skipped_outcomes == 1


@pytest.mark.parametrize("split", [0.0, 1.0, 1.5])
def test_a_split_outside_0_to_1_is_refused(split: float) -> None:
    with pytest.raises(ValueError, match="split"):
        evaluate_replay(EVENTS[:10], OUTCOMES[:10], split=split)
