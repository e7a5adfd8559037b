from datetime import UTC, datetime

import pytest

from schemas.feedback import SalesFeedback
from service.decision_ids import decision_id, escalation_decision_id
from service.feedback import apply_feedback
from service.pipeline import evaluate_event
from tests.unit.domain_fixtures import (
    GLOBEX,
    KEY_ACCOUNT_VP,
    NOW,
    accounts,
    default_policy,
    lead_event,
)

POLICY = default_policy()
INDEX = accounts(GLOBEX)
ROUTED = evaluate_event(
    None, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), "email:vp", NOW, INDEX, POLICY, offset=0
).profile


def feedback(outcome: str, decision: str | None = None) -> SalesFeedback:
    return SalesFeedback.model_validate(
        {
            "decision_id": decision or decision_id("email:vp", 1),
            "lead_identity": "email:vp",
            "outcome": outcome,
            "occurred_at": datetime(2026, 11, 21, tzinfo=UTC),
        }
    )


@pytest.mark.parametrize("outcome", ["rejected", "disqualified", "lost"])
def test_a_rejected_disqualified_or_lost_lead_goes_back_to_nurture_and_keeps_its_generation(
    outcome: str,
) -> None:
    result = apply_feedback(ROUTED, feedback(outcome))

    assert result is not None
    assert result.effect == "recycled"
    assert result.profile.status == "nurture"
    assert result.profile.generation == 1


def test_a_recycled_lead_that_qualifies_again_is_routed_under_the_next_generation() -> None:
    result = apply_feedback(ROUTED, feedback("rejected"))
    assert result is not None

    again = evaluate_event(
        result.profile,
        lead_event("e2", KEY_ACCOUNT_VP, "contact_sales"),
        "email:vp",
        NOW,
        INDEX,
        POLICY,
        offset=1,
    )

    assert again.outcome == "routed"
    assert again.generation == 2
    assert again.decision_id == decision_id("email:vp", 2)


def test_accepted_and_converted_leads_stay_with_sales() -> None:
    for outcome in ("accepted", "converted"):
        result = apply_feedback(ROUTED, feedback(outcome))
        assert result is not None
        assert result.effect == "recorded"
        assert result.profile.status == "routed"


def test_feedback_about_an_older_decision_is_stale_and_changes_nothing() -> None:
    result = apply_feedback(ROUTED, feedback("rejected", decision="0" * 24))

    assert result is not None
    assert result.effect == "stale"
    assert result.profile == ROUTED


def test_feedback_for_an_unknown_lead_has_no_effect() -> None:
    assert apply_feedback(None, feedback("accepted")) is None


def test_a_repeated_lost_outcome_after_the_lead_was_recycled_is_stale() -> None:
    recycled = apply_feedback(ROUTED, feedback("lost"))
    assert recycled is not None

    again = apply_feedback(recycled.profile, feedback("lost"))

    assert again is not None
    assert again.effect == "stale"
    assert again.profile == recycled.profile


# --- training examples ---------------------------------------------------------------------


def test_the_first_label_of_a_decision_is_an_example_with_the_features_it_was_routed_with() -> None:
    snapshot = ROUTED.routed_snapshot
    assert snapshot is not None

    result = apply_feedback(ROUTED, feedback("converted"))

    assert result is not None
    assert result.example is not None
    assert result.example.converted is True
    assert result.example.decision_id == decision_id("email:vp", 1)
    assert result.example.categories == snapshot.categories
    assert result.example.numbers == snapshot.numbers
    assert result.profile.labelled_decisions == (decision_id("email:vp", 1),)
    assert result.profile.routed_snapshot is None


@pytest.mark.parametrize("outcome", ["rejected", "disqualified", "lost"])
def test_a_negative_outcome_is_a_negative_example(outcome: str) -> None:
    result = apply_feedback(ROUTED, feedback(outcome))

    assert result is not None
    assert result.example is not None
    assert result.example.converted is False
    assert result.example.outcome == outcome


def test_accepted_is_not_a_label_and_keeps_the_features_for_the_outcome_to_come() -> None:
    result = apply_feedback(ROUTED, feedback("accepted"))

    assert result is not None
    assert result.example is None
    assert result.profile.routed_snapshot == ROUTED.routed_snapshot
    later = apply_feedback(result.profile, feedback("converted"))
    assert later is not None
    assert later.example is not None


def test_a_repeated_or_late_label_of_the_same_decision_teaches_nothing_more() -> None:
    first = apply_feedback(ROUTED, feedback("converted"))
    assert first is not None

    again = apply_feedback(first.profile, feedback("converted"))
    late = apply_feedback(first.profile, feedback("lost"))

    assert again is not None
    assert late is not None
    assert again.example is None
    assert late.example is None


def test_a_label_for_an_older_decision_is_stale_and_no_example() -> None:
    result = apply_feedback(ROUTED, feedback("converted", decision_id("email:vp", 0)))

    assert result is not None
    assert result.effect == "stale"
    assert result.example is None


NURTURED = evaluate_event(
    None, lead_event("n1", KEY_ACCOUNT_VP), "email:vp", NOW, INDEX, POLICY, offset=0
)


def test_an_outcome_for_a_lead_marketing_kept_is_learned_from_its_nurture_decision() -> None:
    assert NURTURED.outcome == "nurtured"

    result = apply_feedback(NURTURED.profile, feedback("converted", NURTURED.decision_id))

    assert result is not None
    assert result.effect == "recorded"
    assert result.profile.status == "nurture"
    assert result.example is not None
    assert result.example.converted is True
    assert result.example.categories == NURTURED.profile.routed_snapshot.categories  # type: ignore[union-attr]


def test_a_nurtured_lead_teaches_once_per_generation_however_many_outcomes_name_it() -> None:
    first = apply_feedback(NURTURED.profile, feedback("lost", NURTURED.decision_id))
    assert first is not None

    again = apply_feedback(first.profile, feedback("converted", NURTURED.decision_id))

    assert again is not None
    assert again.example is None
    assert again.effect == "stale"


def test_an_outcome_naming_no_decision_of_the_lead_teaches_nothing() -> None:
    result = apply_feedback(NURTURED.profile, feedback("converted", "not-a-decision"))

    assert result is not None
    assert result.effect == "stale"
    assert result.example is None


def test_feedback_about_a_decision_the_escalation_ladder_rerouted_is_about_the_lead() -> None:
    first = decision_id("email:vp", 1)
    rerouted = escalation_decision_id(first, 2)
    again = escalation_decision_id(rerouted, 4)
    for decision in (rerouted, again):
        result = apply_feedback(ROUTED, feedback("rejected", decision=decision))
        assert result is not None
        assert result.effect == "recycled"
    # A reminder step (odd) never names a decision.
    result = apply_feedback(ROUTED, feedback("rejected", decision=escalation_decision_id(first, 1)))
    assert result is not None
    assert result.effect == "stale"
