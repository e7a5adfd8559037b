"""Confluent Schema Registry's wire format: a zero byte, the schema id (4 bytes, big-endian),
then the serialized value.

Connect's `JsonSchemaConverter` and Confluent's JSON Schema serializers frame JSON this way, and
the Avro and Protobuf serializers frame their binary encodings alike. leadrouter reads JSON: a
framed JSON value is read without its frame; any other framed value is a reasoned rejection that
names the schema id (Avro or Protobuf cannot be read without the registry's schema). No JSON
text starts with a zero byte, so a plain value is never taken for a framed one.
"""

from typing import Final

from service.dead_letters import Rejection

FRAME_BYTES: Final = 5  # the magic byte and the schema id


class FramedNotJsonError(ValueError):
    """A value framed for Schema Registry around something else than JSON; `rejection` says
    so, as a dead letter would."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.message)
        self.rejection = rejection


_JSON_BLANKS: Final = b" \t\r\n"


def unframed(value: bytes) -> bytes | Rejection:
    """`value` without its Schema Registry frame around JSON; `value` itself when unframed."""
    if len(value) < FRAME_BYTES or value[0] != 0:
        return value
    body = value[FRAME_BYTES:]
    if body.lstrip(_JSON_BLANKS)[:1] == b"{":
        return body
    schema_id = int.from_bytes(value[1:FRAME_BYTES], "big")
    return Rejection(
        "unsupported_content_type",
        f"the value is framed for Confluent Schema Registry (schema id {schema_id}) and is not "
        "JSON (Avro or Protobuf?); leadrouter reads JSON: use JsonConverter or "
        "JsonSchemaConverter",
    )
