"""What sales feedback does to a lead: the loop from sales back to marketing."""

from dataclasses import dataclass
from typing import Literal

from schemas.feedback import NEGATIVE_OUTCOMES, SalesFeedback
from schemas.profiles import LeadProfile
from service.decision_ids import decision_chain
from service.profiles import mark_nurtured

FeedbackEffect = Literal["recycled", "recorded", "stale"]


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    profile: LeadProfile
    effect: FeedbackEffect


def apply_feedback(profile: LeadProfile | None, feedback: SalesFeedback) -> FeedbackResult | None:
    """Apply a sales tool's verdict on a routed lead.

    - Feedback that names a decision other than the lead's current routing (its first decision
      or an escalation's re-route of it) is stale (a late message about an older generation)
      and changes nothing.
    - Rejected, disqualified or lost: the lead goes back to marketing nurture and may qualify
      again later, under a new generation (a new decision).
    - Accepted and converted are recorded; the lead stays with sales.
    Returns None for a lead this worker has never seen.
    """
    if profile is None:
        return None
    current = decision_chain(profile.identity, profile.generation)
    if profile.status != "routed" or feedback.decision_id not in current:
        return FeedbackResult(profile=profile, effect="stale")
    if feedback.outcome in NEGATIVE_OUTCOMES:
        return FeedbackResult(profile=mark_nurtured(profile), effect="recycled")
    return FeedbackResult(profile=profile, effect="recorded")
