"""Values framed for Confluent Schema Registry: JSON is read without its frame, anything else is
a rejection that names the schema id, and a plain value is never taken for a framed one."""

import orjson
import pytest

from schemas.accounts import Account
from schemas.events import LeadEvent
from service.connect_envelope import read_model
from service.intake import Rejection, decode_lead_event
from service.registry_framing import FramedNotJsonError, unframed
from tests.unit.upstream_event import EVENT, NOW


def framed(body: bytes, schema_id: int = 42) -> bytes:
    return b"\x00" + schema_id.to_bytes(4, "big") + body


def test_a_lead_event_framed_by_a_json_schema_serializer_is_read_without_its_frame() -> None:
    event = decode_lead_event(framed(orjson.dumps(EVENT)), [], NOW)

    assert isinstance(event, LeadEvent)
    assert event.event_id == "evt-1"


def test_an_avro_value_is_rejected_naming_its_schema_id_and_what_to_send_instead() -> None:
    avro = framed(b"\x0aevt-1\x18lead.created", schema_id=1007)

    rejection = decode_lead_event(avro, [], NOW)

    assert isinstance(rejection, Rejection)
    assert rejection.reason == "unsupported_content_type"
    assert "schema id 1007" in rejection.message
    assert "use JsonConverter or JsonSchemaConverter" in rejection.message


@pytest.mark.parametrize("value", [orjson.dumps(EVENT), b" {}", b"\x00\x00", b""])
def test_a_value_without_a_frame_is_left_as_it_is(value: bytes) -> None:
    assert unframed(value) == value


def test_a_framed_account_reaches_the_view_and_a_framed_avro_account_raises_saying_why() -> None:
    account = {"account_id": "acct-1", "name": "Globex"}

    assert read_model(Account, framed(orjson.dumps(account))).account_id == "acct-1"
    with pytest.raises(FramedNotJsonError, match="schema id 42"):
        read_model(Account, framed(b"\x02\x0cacct-1"))
