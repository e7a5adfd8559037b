"""CloudEvents attributes and data become a lead event envelope, or a reasoned error."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from service.cloudevents import (
    CloudEventError,
    envelope_from_binary,
    envelope_from_structured,
    is_json_content_type,
    is_structured_content_type,
    lead_event_type,
    media_type,
)

ATTRIBUTES = {
    "specversion": "1.0",
    "id": "ce-1",
    "type": "lead.created",
    "source": "/marketing/webforms",
    "time": "2024-05-01T11:30:00Z",
}
DATA: dict[str, Any] = {"lead": {"email": "ada@example.com"}}


def error_of(attributes: dict[str, Any], data: dict[str, Any] | None = None) -> CloudEventError:
    with pytest.raises(CloudEventError) as raised:
        envelope_from_binary(attributes, DATA if data is None else data)
    return raised.value


@pytest.mark.parametrize(
    ("ce_type", "expected"),
    [
        ("lead.created", "lead.created"),
        ("lead.updated", "lead.updated"),
        ("com.example.lead.activity", "lead.activity"),
        ("io.acme.marketing.lead.created", "lead.created"),
    ],
)
def test_exact_and_reverse_dns_types_name_a_lead_event_type(ce_type: str, expected: str) -> None:
    assert lead_event_type(ce_type) == expected


@pytest.mark.parametrize(
    "ce_type",
    ["com.example.lead.created.v1", "com.examplelead.created", "lead.deleted", "LEAD.CREATED", ""],
)
def test_other_types_name_no_lead_event_type(ce_type: str) -> None:
    assert lead_event_type(ce_type) is None


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "Application/JSON; charset=utf-8",
        "text/json",
        "application/vnd.acme.lead+json",
    ],
)
def test_json_content_types_are_json(content_type: str | None) -> None:
    assert is_json_content_type(content_type)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/avro", "application/octet-stream", "jsonish"]
)
def test_other_content_types_are_not_json(content_type: str) -> None:
    assert not is_json_content_type(content_type)


def test_media_type_drops_parameters_and_case() -> None:
    assert media_type(" Application/CloudEvents+JSON ; charset=UTF-8") == (
        "application/cloudevents+json"
    )


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/cloudevents+json", True),
        ("application/cloudevents+json; charset=utf-8", True),
        ("application/cloudevents-batch+json", True),
        ("application/json", False),
        (None, False),
    ],
)
def test_structured_mode_is_announced_by_content_type(
    content_type: str | None, expected: bool
) -> None:
    assert is_structured_content_type(content_type) is expected


def test_binary_attributes_map_to_the_envelope() -> None:
    envelope = envelope_from_binary({**ATTRIBUTES, "subject": "ada"}, DATA)

    assert envelope == {
        "event_id": "ce-1",
        "event_type": "lead.created",
        "occurred_at": datetime(2024, 5, 1, 11, 30, tzinfo=UTC),
        "source": "/marketing/webforms",
        "lead": {"email": "ada@example.com"},
    }


def test_time_keeps_its_offset_and_fraction() -> None:
    envelope = envelope_from_binary({**ATTRIBUTES, "time": "2024-05-01T13:30:00.250+02:00"}, DATA)

    expected = datetime(2024, 5, 1, 13, 30, 0, 250_000, tzinfo=timezone(timedelta(hours=2)))
    assert envelope["occurred_at"] == expected


def test_only_lead_activity_and_schema_version_are_taken_from_data() -> None:
    data = {
        "lead": {"external_id": "x-1"},
        "activity": {"type": "form_submit"},
        "schema_version": "1.1",
        "event_id": "ignored",
        "occurred_at": "ignored",
        "utm": "ignored",
    }

    envelope = envelope_from_binary(ATTRIBUTES, data)

    assert envelope["event_id"] == "ce-1"
    assert set(envelope) == {
        "event_id",
        "event_type",
        "occurred_at",
        "source",
        "lead",
        "activity",
        "schema_version",
    }


def test_specversion_other_than_1_0_is_an_invalid_cloudevent() -> None:
    error = error_of({**ATTRIBUTES, "specversion": "0.3"})

    assert error.reason == "invalid_cloudevent"
    assert "'0.3'" in error.message


@pytest.mark.parametrize("name", ["specversion", "id", "source", "type", "time"])
def test_missing_attribute_is_an_invalid_cloudevent(name: str) -> None:
    attributes = {key: value for key, value in ATTRIBUTES.items() if key != name}

    error = error_of(attributes)

    assert (error.reason, error.message) == ("invalid_cloudevent", f"attribute {name!r} is missing")


def test_unknown_type_is_an_unknown_event_type() -> None:
    assert error_of({**ATTRIBUTES, "type": "com.example.order.created"}).reason == (
        "unknown_event_type"
    )


def test_long_attribute_values_are_cut_short_in_messages() -> None:
    error = error_of({**ATTRIBUTES, "type": "x" * 5000})

    assert len(error.message) < 300


def test_structured_event_maps_like_a_binary_one() -> None:
    document = {**ATTRIBUTES, "datacontenttype": "application/json", "data": DATA}

    assert envelope_from_structured(document) == envelope_from_binary(ATTRIBUTES, DATA)


def test_structured_event_without_data_has_no_lead() -> None:
    assert "lead" not in envelope_from_structured(dict(ATTRIBUTES))


def test_structured_event_with_non_json_data_is_unsupported() -> None:
    document = {**ATTRIBUTES, "datacontenttype": "text/csv", "data": "ada,example.com"}

    with pytest.raises(CloudEventError) as raised:
        envelope_from_structured(document)

    assert raised.value.reason == "unsupported_content_type"


def test_structured_event_with_an_array_as_data_is_not_json() -> None:
    with pytest.raises(CloudEventError) as raised:
        envelope_from_structured({**ATTRIBUTES, "data": [DATA]})

    assert (raised.value.reason, raised.value.message) == (
        "not_json",
        "CloudEvent data is a JSON array, not an object",
    )


def test_structured_event_with_a_numeric_time_is_an_invalid_cloudevent() -> None:
    with pytest.raises(CloudEventError) as raised:
        envelope_from_structured({**ATTRIBUTES, "time": 1714563000, "data": DATA})

    assert raised.value.reason == "invalid_cloudevent"
