"""What sales feedback does to a lead: the loop from sales back to marketing, and the model."""

from dataclasses import dataclass
from typing import Literal

from schemas.feedback import NEGATIVE_OUTCOMES, SalesFeedback, label_of
from schemas.learning import TrainingExample
from schemas.profiles import LeadProfile
from service.decision_ids import decision_id
from service.profiles import mark_nurtured

FeedbackEffect = Literal["recycled", "recorded", "stale"]
# Decisions a lead remembers as learned: a lead has one open decision at a time, so a few
# cover every late or repeated outcome.
LABELLED_DECISIONS_KEPT = 16


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    """The lead after the feedback, and the example to learn when the feedback is the first
    label of its decision."""

    profile: LeadProfile
    effect: FeedbackEffect
    example: TrainingExample | None = None


def apply_feedback(profile: LeadProfile | None, feedback: SalesFeedback) -> FeedbackResult | None:
    """Apply a sales tool's verdict on a routed lead.

    - Feedback that names a decision other than the lead's current routing is stale (a late
      message about an older generation) and changes nothing.
    - Rejected, disqualified or lost: the lead goes back to marketing nurture and may qualify
      again later, under a new generation (a new decision).
    - Accepted and converted are recorded; the lead stays with sales.
    - The first label of a decision (converted, or rejected, disqualified, lost; not accepted)
      becomes a training example: the features the lead had when it was routed, and the label.
      The decision is remembered as learned, so a repeated or late label teaches nothing more.
    Returns None for a lead this worker has never seen.
    """
    if profile is None:
        return None
    current = decision_id(profile.identity, profile.generation)
    if profile.status != "routed" or feedback.decision_id != current:
        return FeedbackResult(profile=profile, effect="stale")
    profile, example = _labelled(profile, feedback)
    if feedback.outcome in NEGATIVE_OUTCOMES:
        return FeedbackResult(profile=mark_nurtured(profile), effect="recycled", example=example)
    return FeedbackResult(profile=profile, effect="recorded", example=example)


def _labelled(
    profile: LeadProfile, feedback: SalesFeedback
) -> tuple[LeadProfile, TrainingExample | None]:
    label = label_of(feedback.outcome)
    snapshot = profile.routed_snapshot
    if (
        label is None
        or snapshot is None
        or snapshot.decision_id != feedback.decision_id
        or feedback.decision_id in profile.labelled_decisions
    ):
        return profile, None
    example = TrainingExample(
        decision_id=feedback.decision_id,
        outcome=feedback.outcome,
        converted=label,
        categories=snapshot.categories,
        numbers=snapshot.numbers,
        predicted=snapshot.predicted,
        model_version=snapshot.model_version,
        labelled_at=feedback.occurred_at,
    )
    labelled = (*profile.labelled_decisions, feedback.decision_id)[-LABELLED_DECISIONS_KEPT:]
    # The features served their purpose: the profile need not carry them any longer.
    updated = profile.model_copy(update={"labelled_decisions": labelled, "routed_snapshot": None})
    return updated, example
