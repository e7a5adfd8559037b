"""What sales feedback does to a lead: the loop from sales back to marketing, and the model."""

from dataclasses import dataclass
from typing import Literal

from schemas.feedback import NEGATIVE_OUTCOMES, SalesFeedback, label_of
from schemas.learning import TrainingExample
from schemas.profiles import LeadProfile
from service.decision_ids import decision_chain, decision_id
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
    """Apply a verdict on a lead: sales' on a routed lead, or an outcome (converted, lost) that
    a CRM reports for a lead marketing still had.

    - Feedback that names a decision other than the lead's current routing (its first decision
      or an escalation's re-route of it) or one of its recent nurture decisions is stale (a late
      message about an older generation): nothing changes.
    - Rejected, disqualified or lost on a routed lead: it goes back to marketing nurture and may
      qualify again later, under a new generation (a new decision).
    - Accepted and converted are recorded; the lead stays with sales.
    - The first label of a decision (converted, or rejected, disqualified, lost; not accepted)
      becomes a training example: the features the lead had at that decision, and the label.
      The decision is remembered as learned, so a repeated or late label teaches nothing more.
      A nurtured lead teaches once per generation, from its latest nurture decision's features.
    Returns None for a lead this worker has never seen.
    """
    if profile is None:
        return None
    chain = decision_chain(profile.identity, profile.generation)
    if profile.status == "routed" and feedback.decision_id in chain:
        # A re-routed decision is the same qualification: it is learned once, as the first.
        profile, example = _labelled(profile, feedback, chain[0])
        if feedback.outcome in NEGATIVE_OUTCOMES:
            return FeedbackResult(
                profile=mark_nurtured(profile), effect="recycled", example=example
            )
        return FeedbackResult(profile=profile, effect="recorded", example=example)
    if profile.status != "routed" and feedback.decision_id in nurture_decisions(profile):
        profile, example = _labelled(profile, feedback, f"nurture:{profile.generation}")
        if example is not None:
            return FeedbackResult(profile=profile, effect="recorded", example=example)
    return FeedbackResult(profile=profile, effect="stale")


def nurture_decisions(profile: LeadProfile) -> frozenset[str]:
    """The decision ids of the lead's recent nurture decisions (one per event applied)."""
    return frozenset(
        decision_id(f"{profile.identity}|{event_id}", profile.generation)
        for event_id in profile.recent_event_ids
    )


def _labelled(
    profile: LeadProfile, feedback: SalesFeedback, learned_as: str
) -> tuple[LeadProfile, TrainingExample | None]:
    """The example for the lead's snapshot, unless `learned_as` was learned already."""
    label = label_of(feedback.outcome)
    snapshot = profile.routed_snapshot
    if label is None or snapshot is None or learned_as in profile.labelled_decisions:
        return profile, None
    if not learned_as.startswith("nurture:") and snapshot.decision_id != learned_as:
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
    labelled = (*profile.labelled_decisions, learned_as)[-LABELLED_DECISIONS_KEPT:]
    # The features served their purpose: the profile need not carry them any longer.
    updated = profile.model_copy(update={"labelled_decisions": labelled, "routed_snapshot": None})
    return updated, example
