from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from schemas.events import LeadAttributes, LeadEvent
from schemas.pipeline import SourceRecord
from schemas.profiles import LeadProfile
from schemas.scores import Score, ScoreLine
from service.profiles import apply_event, merge_event

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
IDENTITY = "email:jane@acme.com"


def _event(event_id: str, minutes: int = 0, activity: str | None = None, **lead: Any) -> LeadEvent:
    payload: dict[str, Any] = {
        "event_id": event_id,
        "event_type": "lead.activity" if activity else "lead.updated",
        "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat(),
        "source": "webforms",
        "lead": {"email": "jane@acme.com", **lead},
    }
    if activity:
        payload["activity"] = {"type": activity, "campaign": f"c-{event_id}"}
    return LeadEvent.model_validate(payload)


def _apply(profile: LeadProfile | None, event: LeadEvent, **options: Any) -> LeadProfile:
    received = event.occurred_at + timedelta(seconds=1)
    update = apply_event(profile, event, IDENTITY, received, **options)
    assert not update.is_duplicate
    return update.profile


def _score(sales_ready: bool) -> Score:
    total = 70 if sales_ready else 30
    return Score(
        fit=total,
        engagement=0,
        total=total,
        grade="B" if sales_ready else "D",
        sales_ready=sales_ready,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="seniority: vp", points=total),),
    )


def test_the_first_event_creates_the_profile() -> None:
    event = _event("e1", first_name="Jane", job_title="VP Sales")
    update = apply_event(None, event, IDENTITY, T0 + timedelta(seconds=2))
    profile = update.profile
    assert not update.is_duplicate
    assert (profile.identity, profile.source, profile.event_count) == (IDENTITY, "webforms", 1)
    assert profile.attributes.job_title == "VP Sales"
    assert profile.first_seen_at == profile.last_event_at == T0 + timedelta(seconds=2)
    assert (profile.status, profile.generation) == ("nurture", 0)
    assert profile.recent_event_ids == ("e1",)


def test_incoming_values_overwrite_and_missing_ones_never_erase() -> None:
    profile = _apply(None, _event("e1", job_title="Manager", country="Germany", phone="123"))
    profile = _apply(profile, _event("e2", 5, job_title="Director", phone=None))
    assert profile.attributes.job_title == "Director"
    assert profile.attributes.country == "Germany"
    assert profile.attributes.phone == "123"
    assert profile.event_count == 2


def test_placeholders_and_blanks_never_erase_known_values() -> None:
    profile = _apply(None, _event("e1", country="France", company_name="Acme", last_name="Doe"))
    profile = _apply(profile, _event("e2", 1, country="-- Select --", company_name="N/A"))
    profile = _apply(profile, _event("e3", 2, country="  ", last_name="0"))
    assert profile.attributes.country == "France"
    assert profile.attributes.company_name == "Acme"
    assert profile.attributes.last_name == "Doe"


def test_placeholders_are_not_stored_on_a_new_profile() -> None:
    profile = _apply(None, _event("e1", country="Select", industry="N/A"))
    assert profile.attributes.country is None
    assert profile.attributes.industry is None


def test_an_opt_out_sticks_once_given() -> None:
    profile = _apply(None, _event("e1", do_not_email=True))
    profile = _apply(profile, _event("e2", 1, do_not_email=False, do_not_call=True))
    profile = _apply(profile, _event("e3", 2))
    assert profile.attributes.do_not_email
    assert profile.attributes.do_not_call


def test_numbers_overwrite_and_zero_counts_as_a_value() -> None:
    profile = _apply(None, _event("e1", employee_count=500))
    profile = _apply(profile, _event("e2", 1, employee_count=0))
    assert profile.attributes.employee_count == 0


def test_a_redelivered_event_is_a_duplicate_and_changes_nothing() -> None:
    profile = _apply(None, _event("e1", activity="demo_request"))
    update = apply_event(profile, _event("e1", activity="demo_request"), IDENTITY, T0)
    assert update.is_duplicate
    assert update.profile is profile


def test_the_dedup_window_keeps_only_the_last_event_ids() -> None:
    profile = _apply(None, _event("e0"), window=3)
    for number in range(1, 5):
        profile = _apply(profile, _event(f"e{number}", number), window=3)
    assert profile.recent_event_ids == ("e2", "e3", "e4")
    assert not apply_event(profile, _event("e0"), IDENTITY, T0, window=3).is_duplicate
    assert apply_event(profile, _event("e4"), IDENTITY, T0, window=3).is_duplicate


def test_activities_are_recorded_with_the_event_time_as_default() -> None:
    profile = _apply(None, _event("e1", 10, activity="pricing_page_view"))
    (record,) = profile.activities
    assert (record.type, record.occurred_at, record.campaign) == (
        "pricing_page_view",
        T0 + timedelta(minutes=10),
        "c-e1",
    )


def test_an_activitys_own_time_is_kept() -> None:
    event = LeadEvent.model_validate(
        {
            "event_id": "e1",
            "event_type": "lead.activity",
            "occurred_at": T0.isoformat(),
            "source": "webinars",
            "lead": {"email": "jane@acme.com"},
            "activity": {"type": "webinar_attended", "occurred_at": "2025-02-20T15:00:00Z"},
        }
    )
    profile = _apply(None, event)
    assert profile.activities[0].occurred_at == datetime(2025, 2, 20, 15, 0, tzinfo=UTC)


def test_activities_stay_in_time_order_when_events_arrive_out_of_order() -> None:
    profile = _apply(None, _event("late", 30, activity="email_open"))
    profile = _apply(profile, _event("early", 5, activity="email_click"))
    profile = _apply(profile, _event("middle", 20, activity="form_submit"))
    assert [record.type for record in profile.activities] == [
        "email_click",
        "form_submit",
        "email_open",
    ]


def test_only_the_newest_activities_are_kept() -> None:
    profile = _apply(None, _event("e0", 0, activity="email_open"), max_activities=3)
    for number in range(1, 6):
        profile = _apply(
            profile, _event(f"e{number}", number, activity="email_open"), max_activities=3
        )
    assert [record.campaign for record in profile.activities] == ["c-e3", "c-e4", "c-e5"]


def test_last_event_at_never_goes_back_in_time() -> None:
    profile = _apply(None, _event("e1", 60))
    later_seen = profile.last_event_at
    update = apply_event(profile, _event("e2", 0), IDENTITY, T0)
    assert update.profile.last_event_at == later_seen
    assert update.profile.first_seen_at == profile.first_seen_at


def _same(built: LeadProfile, expected: LeadProfile) -> None:
    """Equal field by field, with the same fields set (as model_copy leaves them)."""
    assert built == expected
    assert built.model_fields_set == expected.model_fields_set
    assert built.attributes.model_fields_set == expected.attributes.model_fields_set


def test_merge_event_builds_the_profile_apply_event_gives() -> None:
    profile = None
    events = [
        _event("e1", 0, first_name="Jane", job_title="Select"),
        _event("e2", 5, "demo_request", job_title="VP Sales", do_not_call=True),
        _event("e3", 2, "email_open", company_name="N/A", employee_count=0),
    ]
    for event in events:
        received = event.occurred_at
        merge = merge_event(profile, event, IDENTITY, received, window=2, max_activities=1)
        update = apply_event(profile, event, IDENTITY, received, window=2, max_activities=1)
        assert merge is not None
        _same(merge.profile(), update.profile)
        assert merge.attributes == update.profile.attributes
        assert merge.activities == update.profile.activities
        assert merge.status == update.profile.status
        profile = update.profile


def test_merge_event_gives_none_for_a_duplicate() -> None:
    profile = _apply(None, _event("e1"))
    assert merge_event(profile, _event("e1", 3, job_title="CEO"), IDENTITY, T0) is None


def _read_at(offset: int, partition: int = 2, minutes: int = 0) -> SourceRecord:
    """The input record an event came from: `offset` of the input topic's `partition`."""
    return SourceRecord(
        topic="leads.events.v1",
        partition=partition,
        offset=offset,
        timestamp=T0 + timedelta(minutes=minutes),
    )


def _millis_at(minutes: int) -> int:
    """The Kafka timestamp (ms) of a record written `minutes` after T0."""
    return round((T0 + timedelta(minutes=minutes)).timestamp() * 1000)


def _merged(profile: LeadProfile | None, event_id: str, source: SourceRecord) -> LeadProfile:
    merge = merge_event(profile, _event(event_id), IDENTITY, T0, window=3, source=source)
    assert merge is not None
    return merge.profile()


def test_a_copy_of_an_applied_input_record_is_a_duplicate_after_its_id_left_the_window() -> None:
    profile = None
    for offset in range(10):
        profile = _merged(profile, f"e{offset}", _read_at(offset, minutes=offset))
    assert profile is not None
    assert "e0" not in profile.recent_event_ids

    again = merge_event(profile, _event("e0"), IDENTITY, T0, window=3, source=_read_at(0))

    assert again is None
    assert profile.applied_inputs == {"leads.events.v1:2": (9, _millis_at(9))}


def test_records_of_another_partition_or_past_the_highest_applied_are_new() -> None:
    profile = _merged(None, "e0", _read_at(5, partition=2, minutes=5))

    assert merge_event(profile, _event("e1"), IDENTITY, T0, source=_read_at(5, 3, 5)) is not None
    assert merge_event(profile, _event("e1"), IDENTITY, T0, source=_read_at(6, 2, 6)) is not None


def test_a_topic_created_again_is_told_apart_by_its_records_later_timestamps() -> None:
    profile = _merged(None, "e0", _read_at(5, minutes=5))

    # Offset 1 again, written after everything applied: the topic numbers its records anew.
    renumbered = _read_at(1, minutes=60)

    assert merge_event(profile, _event("e1"), IDENTITY, T0, source=renumbered) is not None


def test_a_merged_profile_takes_further_changes_in_the_same_copy() -> None:
    profile = _apply(None, _event("e1", first_name="Jane"))
    event = _event("e2", 1, "demo_request", job_title="VP Sales")
    merge = merge_event(profile, event, IDENTITY, T0)
    assert merge is not None
    built = merge.profile(last_offset=7, generation=1, routed_event_id="e2", status="routed")
    applied = apply_event(profile, event, IDENTITY, T0).profile
    expected = (
        applied.model_copy(update={"last_offset": 7})
        .model_copy(update={"generation": 1, "routed_event_id": "e2"})
        .model_copy(update={"status": "routed"})
    )
    _same(built, expected)
    assert merge.base == profile  # the profile before the event is left as it was


def test_new_leads_with_nothing_to_keep_start_from_empty_attributes() -> None:
    first = _apply(None, _event("e1", email="test@test.com", first_name="x", country="Select"))
    second = _apply(None, _event("e2", email="none@none.com", company_name="asdf"))
    for profile in (first, second):
        assert profile.attributes == LeadAttributes()
        assert profile.attributes.model_fields_set == set()
    named = _apply(None, _event("e3", first_name="Jane"))
    assert named.attributes.first_name == "Jane"
    assert first.attributes == LeadAttributes()  # what one new lead kept is not another's


def test_a_value_is_judged_the_same_way_every_time_it_comes_back() -> None:
    profile = _apply(None, _event("e1", first_name="Jane", phone="0", company_name="Acme"))
    for number in range(2, 5):
        profile = _apply(profile, _event(f"e{number}", first_name="x", phone="0", company_name="0"))
        # "0" is a placeholder for a name, not for a phone number; "x" for a name.
        assert (profile.attributes.first_name, profile.attributes.phone) == ("Jane", "0")
        assert profile.attributes.company_name == "Acme"


def test_a_page_views_duration_and_page_count_are_kept_on_the_activity() -> None:
    event = LeadEvent.model_validate(
        {
            "event_id": "pv1",
            "event_type": "lead.activity",
            "occurred_at": "2025-03-01T09:00:00Z",
            "source": "web",
            "schema_version": "1.1",
            "lead": {"email": "jane@acme.com", "lead_source": "Referral"},
            "activity": {"type": "page_view", "duration_seconds": 42.0, "page_count": 3},
        }
    )

    profile = _apply(None, event)

    (record,) = profile.activities
    assert (record.type, record.duration_seconds, record.page_count) == ("page_view", 42.0, 3)
    assert profile.attributes.lead_source == "Referral"


def test_a_stored_profile_reads_back_as_the_same_profile() -> None:
    profile = _apply(None, _event("e1", company="Acme", activity="page_view"))
    profile = _apply(profile, _event("e2", minutes=5, job_title="CTO"))

    assert LeadProfile.model_validate_json(profile.stored()) == profile


def test_a_stored_profile_leaves_out_the_fields_at_their_default() -> None:
    profile = _apply(None, _event("e1"))

    stored = orjson.loads(profile.stored())

    assert "routed_snapshot" not in stored
    assert "status" not in stored  # "nurture", the default
    assert None not in stored["attributes"].values()
    assert stored["identity"] == IDENTITY
    assert len(profile.stored()) < len(profile.model_dump_json())
