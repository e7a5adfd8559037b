from schemas.events import LeadEvent
from schemas.profiles import LeadProfile
from service.decision_ids import decision_id
from service.pipeline import Evaluation, evaluate_event
from service.profiles import apply_event
from service.updates import heard_at_routing
from tests.unit.domain_fixtures import (
    GLOBEX,
    KEY_ACCOUNT_VP,
    NOW,
    STUDENT,
    accounts,
    default_policy,
    lead_event,
)

POLICY = default_policy()
INDEX = accounts(GLOBEX)


def evaluate(previous: LeadProfile | None, event: LeadEvent, offset: int) -> Evaluation:
    return evaluate_event(previous, event, "email:x", NOW, INDEX, POLICY, offset=offset)


def test_a_sales_ready_key_account_lead_is_routed_to_key_accounts_under_generation_1() -> None:
    result = evaluate(None, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), 0)

    assert result.outcome == "routed"
    assert result.generation == 1
    assert result.route is not None
    assert result.route.queue == "key-accounts"
    assert result.decision_id == decision_id("email:x", 1)
    assert result.profile.status == "routed"
    assert result.profile.routed_event_id == "e1"


def test_a_lead_below_the_threshold_is_nurtured_and_keeps_generation_0() -> None:
    result = evaluate(None, lead_event("e1", STUDENT), 0)

    assert result.outcome == "nurtured"
    assert result.generation == 0
    assert result.route is not None
    assert result.route.rule_id == "not-sales-ready"
    assert result.profile.status == "nurture"


def test_more_activity_on_a_routed_lead_does_not_route_it_again() -> None:
    routed = evaluate(None, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), 0).profile

    again = evaluate(routed, lead_event("e2", KEY_ACCOUNT_VP, "pricing_page_view"), 1)

    assert again.outcome == "already_routed"
    assert again.generation == 1


def test_a_nurtured_lead_that_becomes_sales_ready_is_routed_then() -> None:
    nurtured = evaluate(None, lead_event("e1", KEY_ACCOUNT_VP), 0)
    assert nurtured.outcome == "nurtured"

    ready = evaluate(nurtured.profile, lead_event("e2", KEY_ACCOUNT_VP, "demo_request"), 1)

    assert ready.outcome == "routed"
    assert ready.generation == 1


def test_an_event_delivered_twice_upstream_is_a_duplicate_with_no_outcome() -> None:
    first = evaluate(None, lead_event("e1", STUDENT), 0)

    second = evaluate(first.profile, lead_event("e1", STUDENT), 1)

    assert second.is_duplicate
    assert second.profile == first.profile


def test_a_replay_after_a_crash_sends_the_same_routing_decision_again() -> None:
    routed = evaluate(None, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), 5)

    replay = evaluate(routed.profile, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), 5)

    assert replay.outcome == "routed"
    assert replay.decision_id == routed.decision_id
    assert replay.profile == routed.profile


def test_a_replayed_nurture_event_is_nurtured_again_not_dropped_as_duplicate() -> None:
    nurtured = evaluate(None, lead_event("e1", STUDENT), 3)

    replay = evaluate(nurtured.profile, lead_event("e1", STUDENT), 3)

    assert replay.outcome == "nurtured"
    assert replay.decision_id == nurtured.decision_id


def test_nurture_decisions_are_named_per_event_and_routing_decisions_per_generation() -> None:
    first = evaluate(None, lead_event("e1", STUDENT), 0)
    second = evaluate(first.profile, lead_event("e2", STUDENT), 1)

    assert first.decision_id != second.decision_id


def _applied(previous: LeadProfile | None, event: LeadEvent, offset: int) -> LeadProfile:
    """The profile as apply_event, then the offset, then the routing changes make it."""
    profile = apply_event(previous, event, "email:x", NOW).profile
    return profile.model_copy(update={"last_offset": offset, "latest_lane": ""})


def test_the_profile_is_the_event_applied_with_the_offset_and_the_routing_changes() -> None:
    nurtured = evaluate(None, lead_event("e1", KEY_ACCOUNT_VP), 0)
    kept = nurtured.profile.routed_snapshot
    assert kept is not None
    assert kept.decision_id == nurtured.decision_id
    expected = _applied(None, lead_event("e1", KEY_ACCOUNT_VP), 0).model_copy(
        update={"routed_snapshot": kept}
    )
    routing = lead_event("e2", KEY_ACCOUNT_VP, "demo_request")
    routed = evaluate(nurtured.profile, routing, 1)
    snapshot = routed.profile.routed_snapshot
    assert snapshot is not None
    assert snapshot.decision_id == routed.decision_id
    assert routed.score is not None
    expected_routed = (
        _applied(nurtured.profile, routing, 1)
        .model_copy(update={"generation": 1, "routed_event_id": "e2"})
        .model_copy(update={"status": "routed", "routed_snapshot": snapshot})
        .model_copy(update=heard_at_routing(routed.score.total))
    )
    again = lead_event("e3", KEY_ACCOUNT_VP, "pricing_page_view")
    already = evaluate(routed.profile, again, 2)
    assert already.score is not None
    for result, profile, outcome in (
        (nurtured, expected, "nurtured"),
        (routed, expected_routed, "routed"),
        (
            already,
            # The first pricing view after the handoff is news for the rep at once.
            _applied(routed.profile, again, 2).model_copy(
                update={
                    "sales_heard_at": again.occurred_at,
                    "sales_heard_total": already.score.total,
                }
            ),
            "already_routed",
        ),
    ):
        assert result.outcome == outcome
        assert result.profile == profile
        assert result.profile.model_fields_set == profile.model_fields_set


DIRECT = "leads.events.v1"


def evaluate_in(
    lane: str, previous: LeadProfile | None, event: LeadEvent, offset: int
) -> Evaluation:
    return evaluate_event(previous, event, "email:x", NOW, INDEX, POLICY, offset=offset, lane=lane)


def test_a_direct_record_records_its_input_offset_and_leaves_the_keyed_position() -> None:
    keyed = evaluate(None, lead_event("e1", STUDENT), 40).profile

    direct = evaluate_in(DIRECT, keyed, lead_event("e2", STUDENT), 7).profile

    assert direct.last_offset == 40
    assert direct.direct_offsets == {DIRECT: 7}
    assert direct.is_latest(DIRECT, 7)
    assert not direct.is_latest("", 40)


def test_offsets_of_one_lane_never_make_a_record_of_the_other_a_replay() -> None:
    keyed = evaluate(None, lead_event("e1", STUDENT), 40).profile

    # Offset 3 of the input topic is below the keyed position 40, yet a new event.
    direct = evaluate_in(DIRECT, keyed, lead_event("e2", STUDENT), 3)

    assert direct.outcome == "nurtured"
    assert direct.profile.event_count == keyed.event_count + 1


def test_a_direct_record_read_again_is_a_replay_that_decides_the_same() -> None:
    routed = evaluate_in(DIRECT, None, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), 9)

    replay = evaluate_in(
        DIRECT, routed.profile, lead_event("e1", KEY_ACCOUNT_VP, "demo_request"), 9
    )

    assert replay.outcome == "routed"
    assert replay.decision_id == routed.decision_id
    assert replay.profile == routed.profile


def test_a_keyed_record_after_a_direct_one_makes_the_keyed_lane_the_latest() -> None:
    direct = evaluate_in(DIRECT, None, lead_event("e1", STUDENT), 9).profile

    keyed = evaluate(direct, lead_event("e2", STUDENT), 0).profile

    assert keyed.is_latest("", 0)
    assert not keyed.is_latest(DIRECT, 9)
    assert keyed.direct_offsets == {DIRECT: 9}
