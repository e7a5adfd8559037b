"""A lead score with the breakdown that explains every point."""

from typing import Literal

from pydantic import Field, model_validator

from schemas.base import OutputModel

Grade = Literal["A", "B", "C", "D"]


class ScoreLine(OutputModel):
    component: Literal["fit", "engagement", "adjustment"]
    factor: str = Field(description="what earned or cost the points, readable by a rep")
    points: int


class Score(OutputModel):
    """`total` is exactly the sum of `breakdown` points and lies in 0..100."""

    fit: int
    engagement: int
    total: int = Field(ge=0, le=100)
    grade: Grade
    sales_ready: bool
    threshold: int
    breakdown: tuple[ScoreLine, ...]

    @model_validator(mode="after")
    def _breakdown_sums_to_total(self) -> "Score":
        if sum(line.points for line in self.breakdown) != self.total:
            raise ValueError("score breakdown must sum exactly to the total")
        return self
