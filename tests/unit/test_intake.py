"""Intake turns raw records into lead events or reasoned rejections.

CloudEvents records are produced with the official SDK (cloudevents 2.x Kafka binding).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from service.intake import Rejection, decode_lead_event
from tests.unit.cloudevent_records import binary, cloud_event, replaced, structured, without
from tests.unit.intake_records import LEAD, NOW, Headers, accepted, decode, lead_event, rejected

# Accepted records


def test_plain_json_lead_event_is_accepted() -> None:
    event = accepted(decode(lead_event()))

    assert event.event_id == "evt-1"
    assert event.lead.email == "ada@example.com"
    assert event.occurred_at == datetime(2024, 5, 1, 11, 30, tzinfo=UTC)


def test_unknown_fields_are_ignored_so_producers_can_add_fields() -> None:
    payload = lead_event(campaign_cost=12.5, lead={**LEAD, "favourite_colour": "teal"})

    assert accepted(decode(payload)).lead.email == "ada@example.com"


def test_plain_json_with_a_json_content_type_is_accepted() -> None:
    headers: Headers = [("Content-Type", b"application/json; charset=utf-8")]

    assert accepted(decode(lead_event(), headers)).event_id == "evt-1"


def test_headers_intake_does_not_read_may_hold_any_bytes() -> None:
    headers: Headers = [("traceparent", b"\xff\xfe binary"), ("empty", None)]

    assert accepted(decode(lead_event(), headers)).event_id == "evt-1"


def test_structured_content_type_with_charset_is_recognised() -> None:
    value, headers = structured(cloud_event())
    headers = replaced(headers, "content-type", b"application/cloudevents+json; charset=utf-8")

    assert accepted(decode_lead_event(value, headers, NOW)).event_id == "ce-1"


def test_structured_cloudevent_without_content_type_header_is_still_recognised() -> None:
    value, _ = structured(cloud_event())

    assert accepted(decode_lead_event(value, [], NOW)).event_id == "ce-1"


def test_header_names_match_in_any_case() -> None:
    value, headers = binary(cloud_event())
    shouting = [
        (name.upper() if name.startswith("ce_") else "Content-Type", raw) for name, raw in headers
    ]

    assert accepted(decode_lead_event(value, shouting, NOW)).event_id == "ce-1"


def test_structured_mode_content_type_header_matches_in_any_case() -> None:
    value, _ = structured(cloud_event())
    headers: Headers = [("CONTENT-TYPE", b"Application/CloudEvents+JSON")]

    assert accepted(decode_lead_event(value, headers, NOW)).event_id == "ce-1"


def test_binary_cloudevent_without_content_type_is_read_as_json() -> None:
    value, headers = binary(cloud_event())

    assert accepted(decode_lead_event(value, without(headers, "content-type"), NOW))


def test_event_slightly_ahead_of_now_is_accepted_as_clock_skew() -> None:
    payload = lead_event(occurred_at="2024-05-01T12:59:00Z")

    assert accepted(decode(payload)).event_id == "evt-1"


def test_value_exactly_at_the_size_limit_is_parsed() -> None:
    value = orjson.dumps(lead_event())

    assert accepted(decode_lead_event(value, [], NOW, max_bytes=len(value)))


# Rejections, one reason at a time


def test_tombstone_is_rejected_as_not_json() -> None:
    rejection = rejected(decode(None))

    assert rejection.reason == "not_json"
    assert "tombstone" in rejection.message


def test_oversized_value_is_rejected_before_parsing() -> None:
    value = b"not even json " * 10

    rejection = rejected(decode_lead_event(value, [], NOW, max_bytes=len(value) - 1))

    assert rejection.reason == "too_large"
    assert str(len(value)) in rejection.message


def test_cloudevent_header_that_is_not_utf8_is_rejected_as_not_utf8() -> None:
    value, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(value, replaced(headers, "ce_id", b"\xff"), NOW))

    assert rejection.reason == "not_utf8"
    assert "ce_id" in rejection.message


def test_binary_cloudevent_with_text_data_is_rejected_as_unsupported_content_type() -> None:
    value, headers = binary(
        cloud_event("Ada from Analytical Engines", datacontenttype="text/plain")
    )

    assert rejected(decode_lead_event(value, headers, NOW)).reason == "unsupported_content_type"


def test_plain_record_declaring_a_non_json_content_type_is_rejected() -> None:
    headers: Headers = [("content-type", b"application/avro")]

    assert rejected(decode(lead_event(), headers)).reason == "unsupported_content_type"


def test_cloudevent_batch_is_rejected_as_unsupported_content_type() -> None:
    headers: Headers = [("content-type", b"application/cloudevents-batch+json")]

    rejected_batch = rejected(decode(b"[]", headers))

    assert rejected_batch.reason == "unsupported_content_type"


def test_binary_cloudevent_without_data_is_rejected_for_its_missing_lead() -> None:
    _, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(b"", headers, NOW))

    assert rejection.reason == "missing_field"
    assert rejection.message == "lead: Field required"


def test_plain_event_of_an_unknown_type_is_rejected_as_unknown_event_type() -> None:
    rejection = rejected(decode(lead_event(event_type="lead.deleted")))

    assert rejection.reason == "unknown_event_type"
    assert rejection.message.startswith("event_type: ")


def test_schema_version_2_is_rejected_as_unsupported_schema_version() -> None:
    rejection = rejected(decode(lead_event(schema_version="2.0")))

    assert rejection.reason == "unsupported_schema_version"
    assert "2.0" in rejection.message


def test_activity_event_without_activity_is_rejected_as_missing_field() -> None:
    rejection = rejected(decode(lead_event(event_type="lead.activity")))

    assert rejection.reason == "missing_field"
    assert "activity" in rejection.message


def test_lead_without_email_or_external_id_is_rejected_as_missing_field() -> None:
    rejection = rejected(decode(lead_event(lead={"first_name": "Ada", "email": ""})))

    assert rejection.reason == "missing_field"
    assert "email or an external_id" in rejection.message


def test_missing_envelope_field_is_rejected_as_missing_field() -> None:
    payload = lead_event()
    del payload["occurred_at"]

    rejection = rejected(decode(payload))

    assert rejection == Rejection("missing_field", "occurred_at: Field required")


@pytest.mark.parametrize(
    "payload",
    [
        lead_event(lead="ada@example.com"),
        lead_event(event_id=42),
        lead_event(lead={**LEAD, "employee_count": "lots"}),
        lead_event(lead={**LEAD, "do_not_email": "perhaps"}),
    ],
)
def test_value_of_the_wrong_json_type_is_rejected_as_wrong_type(payload: dict[str, Any]) -> None:
    assert rejected(decode(payload)).reason == "wrong_type"


@pytest.mark.parametrize(
    "payload",
    [
        lead_event(lead={**LEAD, "employee_count": -5}),
        lead_event(occurred_at="2024-05-01T11:30:00"),
        lead_event(occurred_at="last tuesday"),
        lead_event(event_id=""),
        lead_event(event_type="lead.activity", activity={"type": "tweeted"}),
    ],
)
def test_value_outside_the_contract_is_rejected_as_invalid_value(payload: dict[str, Any]) -> None:
    assert rejected(decode(payload)).reason == "invalid_value"


def test_malformed_email_is_rejected_as_invalid_email() -> None:
    rejection = rejected(decode(lead_event(lead={"email": "ada at example"})))

    assert rejection == Rejection("invalid_email", "lead.email: not an email address")


def test_first_error_decides_the_reason_and_the_message_lists_all() -> None:
    payload = lead_event(event_id=42, lead={"email": "nope", "employee_count": -1})

    rejection = rejected(decode(payload))

    assert rejection.reason == "wrong_type"
    assert rejection.message.split("; ") == [
        "event_id: Input should be a valid string",
        "lead.email: not an email address",
        "lead.employee_count: Input should be greater than or equal to 0",
    ]


def test_event_from_the_far_future_is_rejected_as_future_timestamp() -> None:
    rejection = rejected(decode(lead_event(occurred_at="2030-01-01T00:00:00Z")))

    assert rejection.reason == "future_timestamp"
    assert "occurred_at 2030-01-01" in rejection.message


def test_future_tolerance_is_configurable() -> None:
    value = orjson.dumps(lead_event(occurred_at="2024-05-01T12:10:00Z"))

    result = decode_lead_event(value, [], NOW, max_future=timedelta(minutes=5))

    assert rejected(result).reason == "future_timestamp"


def test_activity_from_the_far_future_is_rejected_as_future_timestamp() -> None:
    activity = {"type": "webinar_attended", "occurred_at": "2025-01-01T00:00:00Z"}

    rejection = rejected(decode(lead_event(event_type="lead.activity", activity=activity)))

    assert rejection.reason == "future_timestamp"
    assert rejection.message.startswith("activity.occurred_at")
