"""A lead sales gives back: what marketing's nurture program hears, and why."""

from datetime import datetime

from schemas.decisions import LeadNurtured, LeadTimestamps, SalesReturn
from schemas.feedback import SalesFeedback
from schemas.profiles import LeadProfile
from service.accounts import AccountIndex
from service.enrichment import enrich_lead
from service.policy import Policy
from service.scoring import score_lead


def handed_back(
    profile: LeadProfile,
    feedback: SalesFeedback,
    received_at: datetime,
    accounts: AccountIndex,
    policy: Policy,
) -> LeadNurtured:
    """The nurture record for a lead sales rejected, disqualified or lost: the lead as it is
    now (scored at the verdict's time), sales' reason, the rep and the decision."""
    enrichment = enrich_lead(profile.attributes, accounts, policy.enrichment)
    score = score_lead(enrichment, profile.activities, feedback.occurred_at, policy.scoring)
    why = f"sales {feedback.outcome} the lead" + (f": {feedback.reason}" if feedback.reason else "")
    return LeadNurtured(
        lead_identity=profile.identity,
        event_id=f"feedback:{feedback.decision_id}:{feedback.outcome}",
        reason=why,
        lead=profile.attributes,
        enrichment=enrichment,
        score=score,
        decision_id=feedback.decision_id,
        timestamps=LeadTimestamps(occurred_at=feedback.occurred_at, received_at=received_at),
        returned_by_sales=SalesReturn(
            outcome=feedback.outcome,
            reason=feedback.reason,
            rep_id=feedback.rep_id,
            decision_id=feedback.decision_id,
            occurred_at=feedback.occurred_at,
        ),
    )
