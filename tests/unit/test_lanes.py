"""A keyed lead record's replay lane: keyed, unless its input record itself went direct."""

from datetime import UTC, datetime

from agents.plumbing.lanes import keyed_record_lane
from schemas.events import LeadAttributes, LeadEvent
from schemas.pipeline import KeyedLeadEvent, SourceRecord
from schemas.profiles import KEYED_LANE, LeadProfile

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
IDENTITY = "email:jane@acme.com"
INPUT = "leads.events.v1"
HOME = 2  # the lead's partition, in the keyed and the input topic


def profile(keyed: int, direct: int, latest_lane: str = INPUT) -> LeadProfile:
    """Jane's profile: applied up to keyed offset `keyed`, and directly up to input `direct`."""
    return LeadProfile(
        identity=IDENTITY,
        source="webforms",
        attributes=LeadAttributes(email="jane@acme.com"),
        first_seen_at=T0,
        last_event_at=T0,
        last_offset=keyed,
        direct_offsets={INPUT: direct},
        latest_lane=latest_lane,
    )


def keyed(input_offset: int, partition: int = HOME, by_identity: bool = True) -> KeyedLeadEvent:
    """Jane's event read from `INPUT` at `input_offset` of `partition`, re-keyed."""
    event = LeadEvent.model_validate(
        {
            "event_id": f"e{input_offset}",
            "event_type": "lead.updated",
            "occurred_at": T0.isoformat(),
            "source": "webforms",
            "lead": {"email": "jane@acme.com"},
        }
    )
    source = SourceRecord(topic=INPUT, partition=partition, offset=input_offset, timestamp=T0)
    return KeyedLeadEvent(
        identity=IDENTITY, event=event, source=source, keyed_by_identity=by_identity
    )


def test_a_new_lead_s_record_is_in_the_keyed_lane() -> None:
    assert keyed_record_lane(None, keyed(200), HOME, 50) == (KEYED_LANE, 50)


def test_a_record_the_keyed_lane_applied_is_replayed_there_though_later_input_went_direct() -> None:
    # Read at input 200, re-keyed to keyed 50 and applied; input 300 then went direct; a crash
    # rewinds the keyed topic to 50: its sends are recorded under keyed 50, not input 200.
    assert keyed_record_lane(profile(keyed=50, direct=300), keyed(200), HOME, 50) == (
        KEYED_LANE,
        50,
    )


def test_the_keyed_copy_of_an_input_record_applied_directly_is_its_replay_in_the_direct_lane() -> (
    None
):
    # Input 300 went direct before a crash; read again, it was re-keyed (to keyed 60).
    assert keyed_record_lane(profile(keyed=50, direct=300), keyed(300), HOME, 60) == (INPUT, 300)


def test_a_record_whose_input_key_was_not_the_identity_never_went_direct() -> None:
    assert keyed_record_lane(
        profile(keyed=40, direct=300), keyed(200, by_identity=False), HOME, 50
    ) == (KEYED_LANE, 50)


def test_a_record_read_from_another_input_partition_never_went_direct() -> None:
    assert keyed_record_lane(profile(keyed=40, direct=300), keyed(200, partition=1), HOME, 50) == (
        KEYED_LANE,
        50,
    )


def test_a_record_past_the_direct_lane_s_position_is_new_in_the_keyed_lane() -> None:
    assert keyed_record_lane(profile(keyed=40, direct=300), keyed(301), HOME, 50) == (
        KEYED_LANE,
        50,
    )
