"""A lead score with the breakdown that explains every point, and the learned score beside it."""

from typing import Literal

from pydantic import Field, model_validator

from schemas.base import OutputModel

Grade = Literal["A", "B", "C", "D"]
# Which score decided whether the lead is sales-ready: the rule score (fit + engagement points),
# or the learned conversion probability once the model learned enough outcomes.
ScoreSource = Literal["rules", "model"]


class ScoreLine(OutputModel):
    # "learned": once the conversion model decides, the points that bring the total to the
    # learned probability in percent (so the total ranks leads as the model does).
    component: Literal["fit", "engagement", "adjustment", "learned"]
    factor: str = Field(description="what earned or cost the points, readable by a rep")
    points: int


class LearnedLine(OutputModel):
    """What one fact about the lead adds to the learned log-odds of conversion."""

    factor: str = Field(description="a fact as the model names it, e.g. lead_source=referral")
    log_odds: float


class Score(OutputModel):
    """`total` is exactly the sum of `breakdown` points and lies in 0..100.

    The learned fields are set only once the conversion model is ready (it learned its minimum
    number of outcomes), so a rule that tests them never acts on an untrained model:
    `conversion_probability` (0..1), `learned_grade` and `learned`, whose log-odds (the
    baseline, the largest facts, then the rest in one line) sum to the model's log-odds.
    `model_version` names the model in force, also during its cold start. `decided_by` says
    which score made the sales-ready call.
    """

    fit: int
    engagement: int
    total: int = Field(ge=0, le=100)
    grade: Grade
    sales_ready: bool
    threshold: int
    breakdown: tuple[ScoreLine, ...]
    decided_by: ScoreSource = "rules"
    conversion_probability: float | None = Field(default=None, ge=0, le=1)
    learned_grade: Grade | None = None
    probability_threshold: float | None = Field(
        default=None, ge=0, le=1, description="the learned sales-ready criterion, when it decides"
    )
    model_version: str | None = None
    learned: tuple[LearnedLine, ...] = ()

    @model_validator(mode="after")
    def _breakdown_sums_to_total(self) -> "Score":
        if sum(line.points for line in self.breakdown) != self.total:
            raise ValueError("score breakdown must sum exactly to the total")
        return self
