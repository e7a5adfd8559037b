"""Feedback that sales tools send on `sales.feedback.v1` to close the loop with marketing."""

from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.base import InputModel

FeedbackOutcome = Literal["accepted", "rejected", "converted"]


class SalesFeedback(InputModel):
    decision_id: str = Field(min_length=1, max_length=128)
    lead_identity: str = Field(min_length=1, max_length=512)
    outcome: FeedbackOutcome
    rep_id: str | None = None
    reason: str | None = Field(default=None, max_length=512)
    occurred_at: AwareDatetime
