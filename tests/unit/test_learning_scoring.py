"""The learned score in a routing decision: cold start, the learned sales-ready call, why."""

import math
from typing import Any

import pytest

from service.learning.features import LeadFeatures, features_of, profile_features
from service.learning.model import ConversionModel, ModelSettings
from service.learning.scoring import BASELINE, OTHER_FACTS, LearnedModel, learned_grade
from service.pipeline import Evaluation, evaluate_event
from service.policy import Policy, load_policy
from tests.unit.domain_fixtures import (
    GLOBEX,
    KEY_ACCOUNT_VP,
    NOW,
    STUDENT,
    accounts,
    default_policy,
    default_rules_text,
    lead_event,
)

POLICY = default_policy()
INDEX = accounts(GLOBEX)
# The shipped rules without `sales_ready_probability`: the rule score keeps deciding.
RULES_DECIDE = load_policy(
    default_rules_text().replace("sales_ready_probability: 0.4", "sales_ready_threshold: 60"),
    "rules without a learned criterion",
)


def evaluate(
    lead: dict[str, Any],
    learned: LearnedModel | None = None,
    policy: Policy = POLICY,
    event_id: str = "e1",
) -> Evaluation:
    event = lead_event(event_id, lead, "demo_request")
    return evaluate_event(None, event, "email:x", NOW, INDEX, policy, offset=0, learned=learned)


def features(lead: dict[str, Any]) -> LeadFeatures:
    evaluation = evaluate(lead)
    assert evaluation.enrichment is not None
    return profile_features(evaluation.profile, evaluation.enrichment, NOW)


def trained(
    outcomes: int, *, min_outcomes: int = 10, student_converts: bool = True
) -> LearnedModel:
    """A model that learned that students convert and key-account VPs do not (or the reverse)."""
    model = ConversionModel(ModelSettings(min_outcomes=min_outcomes))
    student, vp = features(STUDENT), features(KEY_ACCOUNT_VP)
    for number in range(outcomes):
        is_student = number % 2 == 0
        model.learn(student if is_student else vp, is_student == student_converts)
    return LearnedModel.of(model, top=3)


def test_without_a_model_the_rule_score_decides_and_no_learned_field_is_set() -> None:
    score = evaluate(KEY_ACCOUNT_VP).score

    assert score is not None
    assert score.decided_by == "rules"
    assert score.conversion_probability is None
    assert score.model_version is None


def test_during_the_cold_start_the_rule_score_decides_and_the_decision_names_the_model() -> None:
    learned = trained(4)
    evaluation = evaluate(KEY_ACCOUNT_VP, learned)

    assert evaluation.score is not None
    assert evaluation.score.decided_by == "rules"
    assert evaluation.score.model_version == learned.version
    assert evaluation.score.conversion_probability is None
    assert evaluation.score.learned_grade is None
    assert evaluation.outcome == "routed"


def test_a_ready_model_decides_sales_readiness_when_the_ruleset_names_a_probability() -> None:
    learned = trained(40, student_converts=True)

    vp = evaluate(KEY_ACCOUNT_VP, learned)
    student = evaluate(STUDENT, learned)

    assert vp.score is not None
    assert student.score is not None
    assert vp.score.decided_by == student.score.decided_by == "model"
    assert vp.score.probability_threshold == 0.4
    assert vp.score.conversion_probability is not None
    assert vp.score.conversion_probability < 0.4 < (student.score.conversion_probability or 0)
    assert vp.outcome == "nurtured", "a high rule score no longer routes an unlikely converter"
    assert student.outcome == "routed", "a low rule score does not hold back a likely converter"


def test_when_the_model_decides_the_total_is_its_probability_and_still_sums_exactly() -> None:
    learned = trained(40, student_converts=True)

    vp = evaluate(KEY_ACCOUNT_VP, learned).score
    student = evaluate(STUDENT, learned).score

    assert vp is not None
    assert student is not None
    assert vp.total == round((vp.conversion_probability or 0) * 100)
    assert vp.total < vp.threshold == 40 < student.total
    assert sum(line.points for line in vp.breakdown) == vp.total
    assert vp.breakdown[-1].component == "learned"
    assert vp.grade == vp.learned_grade


def test_a_ready_model_without_a_probability_criterion_leaves_the_decision_to_the_rules() -> None:
    learned = trained(40, student_converts=True)

    vp = evaluate(KEY_ACCOUNT_VP, learned, RULES_DECIDE)

    assert vp.score is not None
    assert vp.score.decided_by == "rules"
    assert vp.score.conversion_probability is not None
    assert vp.score.learned_grade == "D"
    assert vp.outcome == "routed"


def test_the_learned_lines_are_the_baseline_the_top_facts_and_the_rest_summing_to_the_logit() -> (
    None
):
    learned = trained(40)
    lead = features(STUDENT)

    score = evaluate(STUDENT, learned).score

    assert score is not None
    factors = [line.factor for line in score.learned]
    assert factors[0] == BASELINE
    assert factors[-1] == OTHER_FACTS
    assert len(factors) == 1 + 3 + 1
    total = math.fsum(line.log_odds for line in score.learned)
    assert total == pytest.approx(learned.model.logit(lead), abs=1e-12)
    assert score.conversion_probability == pytest.approx(1 / (1 + math.exp(-total)))
    facts = [abs(line.log_odds) for line in score.learned[1:-1]]
    assert facts == sorted(facts, reverse=True)


@pytest.mark.parametrize(
    ("probability", "grade"), [(0.9, "A"), (0.6, "A"), (0.45, "B"), (0.2, "C"), (0.1, "D")]
)
def test_the_learned_grade_follows_the_probability_bands(probability: float, grade: str) -> None:
    assert learned_grade(probability, {"A": 0.6, "B": 0.4, "C": 0.2}) == grade


def test_a_routed_lead_keeps_the_features_and_the_prediction_of_its_decision() -> None:
    learned = trained(40)
    evaluation = evaluate(STUDENT, learned)

    snapshot = evaluation.profile.routed_snapshot
    assert snapshot is not None
    assert snapshot.decision_id == evaluation.decision_id
    assert snapshot.model_version == learned.version
    assert snapshot.predicted == evaluation.score.conversion_probability  # type: ignore[union-attr]
    stored = features_of(snapshot.categories, snapshot.numbers)
    assert stored == features(STUDENT)


def test_a_routed_lead_keeps_its_features_during_the_cold_start_too() -> None:
    evaluation = evaluate(KEY_ACCOUNT_VP)

    snapshot = evaluation.profile.routed_snapshot
    assert snapshot is not None
    assert snapshot.predicted is None
    assert snapshot.model_version is None
    assert snapshot.categories["seniority"] == "vp"


def test_a_nurtured_lead_keeps_the_features_of_its_nurture_decision() -> None:
    nurtured = evaluate(STUDENT)
    snapshot = nurtured.profile.routed_snapshot

    assert nurtured.outcome == "nurtured"
    assert snapshot is not None
    assert snapshot.decision_id == nurtured.decision_id
    assert snapshot.categories
