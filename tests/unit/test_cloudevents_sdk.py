"""CloudEvents as the official SDK writes them to Kafka (binary and structured mode) become lead
events on intake, or are rejected for the CloudEvents rule they break."""

from datetime import UTC, datetime

import orjson
import pytest

from service.intake import decode_lead_event
from tests.unit.cloudevent_records import binary, cloud_event, replaced, structured, without
from tests.unit.intake_records import LEAD, NOW, Headers, accepted, decode, rejected


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


def test_structured_cloudevent_whose_data_is_not_an_object_is_rejected_as_not_json() -> None:
    value, headers = structured(cloud_event("just a string", datacontenttype="application/json"))

    assert rejected(decode_lead_event(value, headers, NOW)).reason == "not_json"


def test_cloudevent_of_an_unknown_type_is_rejected_as_unknown_event_type() -> None:
    value, headers = binary(cloud_event(type="com.example.lead.deleted"))

    rejection = rejected(decode_lead_event(value, headers, NOW))

    assert rejection.reason == "unknown_event_type"
    assert "com.example.lead.deleted" in rejection.message
