"""The learned score of one lead, as a routing decision uses it: probability, grade, why.

`LearnedModel` is the model in force with its version read once (computing a version hashes the
whole state, far too slow for every event). `learned_assessment` turns a lead's features into
what the `Score` carries: the calibrated conversion probability, a grade by the ruleset's
probability bands, and the contributions in log-odds: the baseline, the `top` largest facts,
and the rest in one line, so the lines always sum to the model's log-odds.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from schemas.scores import Grade, LearnedLine, Score, ScoreLine
from service.config import ScoringConfig
from service.learning.features import LeadFeatures
from service.learning.logistic import sigmoid
from service.learning.model import CALIBRATION, ConversionModel

BASELINE = "(baseline)"
OTHER_FACTS = "(other facts)"
DEFAULT_TOP = 5


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """A conversion model in force: the model, its version, how many facts an explanation
    names. Treat `model` as read-only: learning changes its version."""

    model: ConversionModel
    version: str
    top: int = DEFAULT_TOP

    @classmethod
    def of(cls, model: ConversionModel, top: int = DEFAULT_TOP) -> "LearnedModel":
        return cls(model=model, version=model.version, top=top)

    @property
    def is_ready(self) -> bool:
        return self.model.is_ready

    @property
    def half_life_days(self) -> float:
        return self.model.settings.half_life_days


@dataclass(frozen=True, slots=True)
class LearnedAssessment:
    conversion_probability: float
    logit: float
    grade: Grade
    lines: tuple[LearnedLine, ...]


def learned_grade(probability: float, bands: Mapping[Grade, float]) -> Grade:
    """A for probabilities at or above the A band, then B, then C; D below the C band."""
    for grade in ("A", "B", "C"):
        if probability >= bands[grade]:
            return grade
    return "D"


def learned_assessment(
    learned: LearnedModel, features: LeadFeatures, bands: Mapping[Grade, float]
) -> LearnedAssessment:
    """The lead's learned conversion probability, its grade and the log-odds that explain it."""
    explained = learned.model.explain(features)
    logit = math.fsum(value for _, value in explained)
    probability = sigmoid(logit)
    # `explain` lists the learner's bias (or prior) first, then the calibration's offset.
    assert explained[1][0] == CALIBRATION
    baseline = explained[0][1] + explained[1][1]
    facts = explained[2:]
    lines = [LearnedLine(factor=BASELINE, log_odds=baseline)]
    lines += [LearnedLine(factor=name, log_odds=value) for name, value in facts[: learned.top]]
    rest = facts[learned.top :]
    if rest:
        lines.append(LearnedLine(factor=OTHER_FACTS, log_odds=math.fsum(v for _, v in rest)))
    return LearnedAssessment(
        conversion_probability=probability,
        logit=logit,
        grade=learned_grade(probability, bands),
        lines=tuple(lines),
    )


def score_with_model(
    score: Score, learned: LearnedModel, features: LeadFeatures | None, config: ScoringConfig
) -> Score:
    """The rule score with the learned score beside it, once the model is ready.

    The learned probability decides whether the lead is sales-ready when the ruleset names a
    `sales_ready_probability`; otherwise the rule score still decides and the probability is
    there for rules to test. During the cold start only the model version is added: the rule
    score decides (`features` are needed only once the model is ready).
    """
    if not learned.is_ready:
        return score.model_copy(update={"model_version": learned.version})
    if features is None:
        raise ValueError("a ready model scores the lead's features")
    assessment = learned_assessment(learned, features, config.learned_grade_bands)
    threshold = config.sales_ready_probability
    probability = assessment.conversion_probability
    learned_fields = {
        "probability_threshold": threshold,
        "conversion_probability": probability,
        "learned_grade": assessment.grade,
        "learned": assessment.lines,
        "model_version": learned.version,
    }
    if threshold is None:
        return score.model_copy(update={"decided_by": "rules", **learned_fields})
    # The model decides: the total becomes its probability in percent, the difference shown as
    # one "learned" line, so the total ranks leads as the model does and still sums exactly.
    total = min(100, max(0, round(probability * 100)))
    line = ScoreLine(
        component="learned",
        factor=f"conversion model {learned.version}: p={probability:.2f}",
        points=total - score.total,
    )
    return score.model_copy(
        update={
            "decided_by": "model",
            "sales_ready": probability >= threshold,
            "total": total,
            "grade": assessment.grade,
            "threshold": round(threshold * 100),
            "breakdown": (*score.breakdown, line),
            **learned_fields,
        }
    )
