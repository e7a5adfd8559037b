"""Intake turns raw records into lead events or reasoned rejections.

CloudEvents records are produced with the official SDK (cloudevents 2.x Kafka binding).
"""

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from cloudevents.core.bindings import kafka
from cloudevents.core.v1.event import CloudEvent

from schemas.events import LeadEvent
from service.intake import Rejection, build_dead_letter, decode_lead_event

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LEAD = {"email": "ada@example.com", "first_name": "Ada", "company_name": "Analytical Engines"}

Headers = list[tuple[str, bytes | None]]


def lead_event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": "evt-1",
        "event_type": "lead.created",
        "occurred_at": "2024-05-01T11:30:00Z",
        "source": "webforms",
        "lead": dict(LEAD),
    }
    event.update(overrides)
    return event


def decode(
    payload: dict[str, Any] | bytes | None, headers: Headers | None = None
) -> LeadEvent | Rejection:
    value = orjson.dumps(payload) if isinstance(payload, dict) else payload
    return decode_lead_event(value, headers or [], NOW)


def accepted(result: LeadEvent | Rejection) -> LeadEvent:
    assert isinstance(result, LeadEvent), result
    return result


def rejected(result: LeadEvent | Rejection) -> Rejection:
    assert isinstance(result, Rejection), result
    return result


def cloud_event(data: dict[str, Any] | str | bytes | None = None, **attributes: Any) -> CloudEvent:
    defaults: dict[str, Any] = {
        "id": "ce-1",
        "type": "com.example.lead.created",
        "source": "/marketing/webforms",
        "time": datetime(2024, 5, 1, 11, 30, tzinfo=UTC),
        "datacontenttype": "application/json",
    }
    return CloudEvent({**defaults, **attributes}, {"lead": dict(LEAD)} if data is None else data)


def binary(event: CloudEvent) -> tuple[bytes, Headers]:
    message = kafka.to_binary_event(event)
    return message.value, list(message.headers.items())


def structured(event: CloudEvent) -> tuple[bytes, Headers]:
    message = kafka.to_structured_event(event)
    return message.value, list(message.headers.items())


def without(headers: Headers, name: str) -> Headers:
    return [(key, value) for key, value in headers if key != name]


def replaced(headers: Headers, name: str, value: bytes) -> Headers:
    return [*without(headers, name), (name, value)]


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


def test_binary_mode_cloudevent_attributes_become_the_envelope() -> None:
    value, headers = binary(cloud_event())

    event = accepted(decode_lead_event(value, headers, NOW))

    assert event.event_id == "ce-1"
    assert event.event_type == "lead.created"
    assert event.source == "/marketing/webforms"
    assert event.occurred_at == datetime(2024, 5, 1, 11, 30, tzinfo=UTC)
    assert event.lead.company_name == "Analytical Engines"


def test_structured_mode_cloudevent_becomes_a_lead_event() -> None:
    value, headers = structured(cloud_event(type="lead.updated"))

    event = accepted(decode_lead_event(value, headers, NOW))

    assert (event.event_id, event.event_type, event.source) == (
        "ce-1",
        "lead.updated",
        "/marketing/webforms",
    )
    assert event.lead.email == "ada@example.com"


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


def test_cloudevent_data_carries_activity_and_schema_version() -> None:
    data = {
        "lead": {"external_id": "mkto-42"},
        "activity": {"type": "demo_request", "campaign": "spring"},
        "schema_version": "1.3",
    }
    value, headers = binary(cloud_event(data, type="com.example.marketing.lead.activity"))

    event = accepted(decode_lead_event(value, headers, NOW))

    assert event.event_type == "lead.activity"
    assert event.activity is not None
    assert event.activity.type == "demo_request"
    assert event.schema_version == "1.3"


def test_envelope_fields_inside_cloudevent_data_do_not_override_attributes() -> None:
    data = {"lead": dict(LEAD), "event_id": "from-data", "source": "from-data"}
    value, headers = binary(cloud_event(data))

    event = accepted(decode_lead_event(value, headers, NOW))

    assert (event.event_id, event.source) == ("ce-1", "/marketing/webforms")


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


def test_value_that_is_not_utf8_is_rejected_as_not_utf8() -> None:
    assert rejected(decode(b'{"event_id": "\xff\xfe"}')).reason == "not_utf8"


def test_cloudevent_header_that_is_not_utf8_is_rejected_as_not_utf8() -> None:
    value, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(value, replaced(headers, "ce_id", b"\xff"), NOW))

    assert rejection.reason == "not_utf8"
    assert "ce_id" in rejection.message


def test_value_that_is_not_json_is_rejected_as_not_json() -> None:
    assert rejected(decode(b"event_id=evt-1&email=ada@example.com")).reason == "not_json"


@pytest.mark.parametrize("value", [b"[1, 2]", b'"lead"', b"42", b"null", b"true"])
def test_json_value_that_is_not_an_object_is_rejected_as_not_json(value: bytes) -> None:
    rejection = rejected(decode(value))

    assert rejection.reason == "not_json"
    assert "not an object" in rejection.message


def test_rejection_message_never_repeats_the_payload() -> None:
    rejection = rejected(decode(b'{"lead": {"email": "secret@example.com"}, oops}'))

    assert rejection.reason == "not_json"
    assert "secret" not in rejection.message


def test_cloudevent_of_another_spec_version_is_rejected_as_invalid_cloudevent() -> None:
    value, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(value, replaced(headers, "ce_specversion", b"0.3"), NOW))

    assert rejection.reason == "invalid_cloudevent"
    assert "specversion" in rejection.message


@pytest.mark.parametrize("header", ["ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion"])
def test_cloudevent_missing_a_required_attribute_is_rejected_as_invalid_cloudevent(
    header: str,
) -> None:
    value, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(value, without(headers, header), NOW))

    assert rejection.reason == "invalid_cloudevent"
    assert header.removeprefix("ce_") in rejection.message


def test_cloudevent_with_empty_id_is_rejected_as_invalid_cloudevent() -> None:
    value, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(value, replaced(headers, "ce_id", b"  "), NOW))

    assert rejection.reason == "invalid_cloudevent"


@pytest.mark.parametrize("time", [b"2024-05-01T11:30:00", b"yesterday", b"2024-05-01"])
def test_cloudevent_time_without_offset_is_rejected_as_invalid_cloudevent(time: bytes) -> None:
    value, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(value, replaced(headers, "ce_time", time), NOW))

    assert rejection.reason == "invalid_cloudevent"
    assert "time" in rejection.message


def test_structured_cloudevent_with_non_string_attribute_is_rejected() -> None:
    document = orjson.loads(structured(cloud_event())[0])
    document["id"] = 42
    headers: Headers = [("content-type", b"application/cloudevents+json")]

    assert rejected(decode(document, headers)).reason == "invalid_cloudevent"


def test_binary_cloudevent_with_text_data_is_rejected_as_unsupported_content_type() -> None:
    value, headers = binary(
        cloud_event("Ada from Analytical Engines", datacontenttype="text/plain")
    )

    assert rejected(decode_lead_event(value, headers, NOW)).reason == "unsupported_content_type"


def test_plain_record_declaring_a_non_json_content_type_is_rejected() -> None:
    headers: Headers = [("content-type", b"application/avro")]

    assert rejected(decode(lead_event(), headers)).reason == "unsupported_content_type"


def test_structured_cloudevent_with_binary_data_is_rejected_as_unsupported_content_type() -> None:
    value, headers = structured(
        cloud_event(b"\x00\x01", datacontenttype="application/octet-stream")
    )

    rejection = rejected(decode_lead_event(value, headers, NOW))

    assert rejection.reason == "unsupported_content_type"


def test_structured_cloudevent_base64_data_is_rejected_as_unsupported_content_type() -> None:
    value, headers = structured(cloud_event(b'{"lead": {}}', datacontenttype="application/json"))

    rejection = rejected(decode_lead_event(value, headers, NOW))

    assert rejection.reason == "unsupported_content_type"
    assert "data_base64" in rejection.message


def test_cloudevent_batch_is_rejected_as_unsupported_content_type() -> None:
    headers: Headers = [("content-type", b"application/cloudevents-batch+json")]

    rejected_batch = rejected(decode(b"[]", headers))

    assert rejected_batch.reason == "unsupported_content_type"


def test_structured_cloudevent_whose_data_is_not_an_object_is_rejected_as_not_json() -> None:
    value, headers = structured(cloud_event("just a string", datacontenttype="application/json"))

    assert rejected(decode_lead_event(value, headers, NOW)).reason == "not_json"


def test_binary_cloudevent_without_data_is_rejected_for_its_missing_lead() -> None:
    _, headers = binary(cloud_event())

    rejection = rejected(decode_lead_event(b"", headers, NOW))

    assert rejection.reason == "missing_field"
    assert rejection.message == "lead: Field required"


def test_cloudevent_of_an_unknown_type_is_rejected_as_unknown_event_type() -> None:
    value, headers = binary(cloud_event(type="com.example.lead.deleted"))

    rejection = rejected(decode_lead_event(value, headers, NOW))

    assert rejection.reason == "unknown_event_type"
    assert "com.example.lead.deleted" in rejection.message


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


# Dead letters


def test_dead_letter_carries_the_original_bytes_round_trippable_from_base64() -> None:
    value = b'{"lead": \xff}'
    headers: Headers = [("ce_id", b"\x00\x01"), ("trace", b"abc")]
    rejection = rejected(decode_lead_event(value, headers, NOW))

    letter = build_dead_letter(
        rejection,
        topic="leads.events.v1",
        partition=3,
        offset=1234,
        key=b"lead-key",
        value=value,
        headers=headers,
        failed_at=NOW,
    )

    assert (letter.reason, letter.message) == (rejection.reason, rejection.message)
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
        "leads.events.v1",
        3,
        1234,
    )
    assert letter.key_b64 is not None
    assert base64.b64decode(letter.key_b64) == b"lead-key"
    assert base64.b64decode(letter.value_b64) == value
    assert [(h.key, base64.b64decode(h.value_b64)) for h in letter.headers] == headers
    assert letter.failed_at == NOW


def test_dead_letter_of_a_keyless_tombstone_has_no_key_and_an_empty_value() -> None:
    letter = build_dead_letter(
        rejected(decode(None)),
        topic="leads.events.v1",
        partition=0,
        offset=7,
        key=None,
        value=None,
        headers=[],
        failed_at=NOW,
    )

    assert letter.key_b64 is None
    assert letter.value_b64 == ""
    assert letter.reason == "not_json"
