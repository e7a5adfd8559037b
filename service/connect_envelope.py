"""Kafka Connect's JSON envelope around a record's value: `{"schema": ..., "payload": ...}`.

Kafka Connect's `JsonConverter` writes every value inside this envelope unless the connector
sets `value.converter.schemas.enable=false`, and `true` is its default: a CDP or a database
feeding leads through a Connect source connector sends lead events as the envelope's payload.
A JSON object is such an envelope when its names are exactly `schema` and `payload` and the
schema is an object or null (schemaless); no lead event has those two names alone. A null
payload is Connect's tombstone.

Reference records (accounts and reps from a CRM) may come the same way: `read_model` reads
either shape.
"""

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from service.dead_letters import Rejection
from service.registry_framing import FramedNotJsonError, unframed

Model = TypeVar("Model", bound=BaseModel)


def connect_payload(document: dict[str, Any]) -> dict[str, Any] | Rejection | None:
    """The value inside a Connect envelope; None when `document` is not one."""
    if document.keys() != {"schema", "payload"}:
        return None
    schema = document["schema"]
    if schema is not None and not isinstance(schema, dict):
        return None
    payload = document["payload"]
    if payload is None:
        return Rejection(
            "not_json",
            "the Kafka Connect envelope's payload is null (a tombstone); expected a lead event",
        )
    if not isinstance(payload, dict):
        return Rejection(
            "not_json",
            f"the Kafka Connect envelope's payload is a JSON {type(payload).__name__}, not an "
            "object; expected a lead event",
        )
    return payload


def read_model(model: type[Model], value: bytes) -> Model:
    """`value` as a `model`: plain JSON, or the payload of a Connect envelope, either perhaps
    framed for Schema Registry (`service.registry_framing`; another framed format raises
    `FramedNotJsonError`). Raises the plain reading's `ValidationError` when neither is one
    (an envelope's payload error, if it was one). The plain reading goes first: reference
    topics written by leadrouter's own tools are plain."""
    body = unframed(value)
    if isinstance(body, Rejection):
        raise FramedNotJsonError(body)
    try:
        return model.model_validate_json(body)
    except ValidationError:
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            document = None
        payload = connect_payload(document) if isinstance(document, dict) else None
        if not isinstance(payload, dict):
            raise
    return model.model_validate(payload)
