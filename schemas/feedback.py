"""Feedback that sales tools send on `sales.feedback.v1` to close the loop with marketing.

An outcome names the routing decision it is about (`decision_id`). What sales said is data the
score learns from: `converted` (won) is a positive label; `rejected`, `disqualified` and `lost`
are negative ones (with a `reason` where sales gave one); `accepted` only says that a rep took
the lead, which is not a label yet.
"""

from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.base import InputModel

FeedbackOutcome = Literal["accepted", "rejected", "converted", "disqualified", "lost"]

# Outcomes that close a decision as not won; for the lead's lifecycle they act like `rejected`.
NEGATIVE_OUTCOMES: frozenset[FeedbackOutcome] = frozenset({"rejected", "disqualified", "lost"})


class SalesFeedback(InputModel):
    decision_id: str = Field(min_length=1, max_length=128)
    lead_identity: str = Field(min_length=1, max_length=512)
    outcome: FeedbackOutcome
    rep_id: str | None = None
    reason: str | None = Field(
        default=None, max_length=512, description="why, e.g. for a disqualified or lost lead"
    )
    occurred_at: AwareDatetime


def label_of(outcome: FeedbackOutcome) -> bool | None:
    """What an outcome teaches a conversion model: True for a won lead, False for one rejected,
    disqualified or lost, None for `accepted` (a rep took it; whether it converts is unknown)."""
    if outcome == "converted":
        return True
    if outcome in NEGATIVE_OUTCOMES:
        return False
    return None
