"""Lead events inside Kafka Connect's JSON envelope (`JsonConverter` with schemas enabled, its
default) are read as the events they carry; an envelope without one is a reasoned rejection."""

from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from schemas.accounts import Account
from schemas.events import LeadEvent
from service.connect_envelope import connect_payload, read_model
from service.intake import Rejection, decode_lead_event
from tests.unit.upstream_event import EVENT, NOW

# The schema JsonConverter writes for a struct; for a schemaless value it writes null.
STRUCT_SCHEMA = {"type": "struct", "fields": [], "optional": False, "name": "lead"}


def decode(document: Any) -> LeadEvent | Rejection:
    return decode_lead_event(orjson.dumps(document), [], NOW)


@pytest.mark.parametrize("schema", [STRUCT_SCHEMA, None])
def test_a_lead_event_in_a_connect_envelope_is_read_as_the_event(schema: Any) -> None:
    event = decode({"schema": schema, "payload": EVENT})

    assert isinstance(event, LeadEvent)
    assert (event.event_id, event.lead.email) == ("evt-1", "ada@example.com")


def test_a_structured_cloudevent_in_a_connect_envelope_is_read_as_a_cloudevent() -> None:
    cloud_event = {
        "specversion": "1.0",
        "id": "ce-1",
        "type": "com.example.lead.created",
        "source": "/cdp",
        "time": "2024-05-01T11:30:00Z",
        "data": {"lead": EVENT["lead"]},
    }

    event = decode({"schema": None, "payload": cloud_event})

    assert isinstance(event, LeadEvent)
    assert (event.event_id, event.source) == ("ce-1", "/cdp")


def test_a_connect_tombstone_is_rejected_as_a_tombstone() -> None:
    rejection = decode({"schema": STRUCT_SCHEMA, "payload": None})

    assert rejection == Rejection(
        "not_json",
        "the Kafka Connect envelope's payload is null (a tombstone); expected a lead event",
    )


def test_a_payload_that_is_not_an_object_is_rejected_saying_what_it_is() -> None:
    rejection = decode({"schema": {"type": "string"}, "payload": "evt-1"})

    assert isinstance(rejection, Rejection)
    assert rejection.reason == "not_json"
    assert "payload is a JSON str, not an object" in rejection.message


@pytest.mark.parametrize(
    "document",
    [
        {"schema": STRUCT_SCHEMA, "payload": EVENT, "event_id": "evt-2"},
        {"schema": "lead-v1", "payload": EVENT},
        {"payload": EVENT},
        EVENT,
    ],
)
def test_only_an_object_of_schema_and_payload_alone_is_an_envelope(document: Any) -> None:
    assert connect_payload(document) is None


ACCOUNT = {"account_id": "acct-1", "name": "Globex", "domains": ["globex.com"], "tier": "key"}


@pytest.mark.parametrize("schema", [STRUCT_SCHEMA, None])
def test_a_reference_record_is_read_plain_or_from_inside_a_connect_envelope(schema: Any) -> None:
    plain = read_model(Account, orjson.dumps(ACCOUNT))
    enveloped = read_model(Account, orjson.dumps({"schema": schema, "payload": ACCOUNT}))

    assert enveloped == plain
    assert (plain.account_id, plain.tier) == ("acct-1", "key")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (b'{"name": "no id"}', "account_id"),
        (b'{"schema": null, "payload": {"name": "no id"}}', "account_id"),
        (b'{"schema": null, "payload": null}', "account_id"),
        (b"not json", "Invalid JSON"),
    ],
)
def test_a_reference_record_that_is_no_account_either_way_raises_a_validation_error(
    value: bytes, error: str
) -> None:
    with pytest.raises(ValidationError, match=error):
        read_model(Account, value)
