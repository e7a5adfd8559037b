"""Intake: one raw Kafka record in, a validated lead event or a reasoned rejection out."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import orjson
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from schemas.deadletters import DeadLetter, DeadLetterHeader, DeadLetterReason
from schemas.events import LeadEvent
from service.cloudevents import (
    CONTENT_TYPE_HEADER,
    HEADER_PREFIX,
    STRUCTURED_MEDIA_TYPE,
    CloudEventError,
    envelope_from_binary,
    envelope_from_structured,
    is_json_content_type,
    is_structured_content_type,
    json_kind,
    media_type,
)

Headers = Sequence[tuple[str, bytes | None]]

DEFAULT_MAX_BYTES: Final = 65_536
DEFAULT_MAX_FUTURE: Final = timedelta(hours=1)

# JSON carries numbers and booleans natively: a string where one is expected is the wrong type.
_WRONG_TYPE_PARSING: Final = frozenset(
    {"int_parsing", "float_parsing", "bool_parsing", "int_from_float"}
)
# Enough errors to fix a record in one go, few enough to keep a dead letter readable.
_MAX_ERRORS_LISTED: Final = 10


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a record cannot become a lead event; it goes to the dead-letter topic with it."""

    reason: DeadLetterReason
    message: str


def decode_lead_event(
    value: bytes | None,
    headers: Headers,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_future: timedelta = DEFAULT_MAX_FUTURE,
) -> LeadEvent | Rejection:
    """Read one record from `leads.events.v1` as a lead event, or say why it cannot be one.

    Three shapes are accepted: a plain JSON lead event envelope; a CloudEvents 1.0 binary-mode
    record (`ce_*` headers, the value is the data); a structured-mode record (content-type
    `application/cloudevents+json`, the value is the whole event). A plain JSON object carrying
    `specversion` is read as structured mode even without the header. In CloudEvents, `id`,
    `type`, `time` and `source` become the envelope; the data holds `lead`, `activity` and an
    optional `schema_version`; `type` may carry a reverse-DNS prefix (`com.example.lead.created`).

    A record is rejected when it is a tombstone, larger than `max_bytes`, not UTF-8, not a JSON
    object, a broken CloudEvent, data in another format than JSON, fails the contract, or happened
    more than `max_future` after `now` (its clock is wrong, and it would distort engagement decay).
    Header names compare case-insensitively; the first occurrence of a header wins.
    """
    if value is None:
        return Rejection("not_json", "the record has no value (a tombstone); expected a lead event")
    if len(value) > max_bytes:
        return Rejection("too_large", f"the value is {len(value)} bytes; the limit is {max_bytes}")
    found = _read_headers(headers)
    if isinstance(found, Rejection):
        return found
    envelope = _read_envelope(value, found)
    if isinstance(envelope, Rejection):
        return envelope
    try:
        event = LeadEvent.model_validate(envelope)
    except ValidationError as error:
        return reject_invalid(error)
    return _reject_future(event, now + max_future, max_future) or event


def reject_invalid(error: ValidationError) -> Rejection:
    """The rejection for a lead event that fails the contract: the first error decides the reason,
    the message lists every error with its location (`lead.email: not an email address`)."""
    details = error.errors(include_url=False, include_input=False)
    listed = [f"{_location(detail)}: {_explanation(detail)}" for detail in details]
    if len(listed) > _MAX_ERRORS_LISTED:
        listed = [*listed[:_MAX_ERRORS_LISTED], f"and {len(listed) - _MAX_ERRORS_LISTED} more"]
    return Rejection(_reason_for(details[0]), "; ".join(listed))


def build_dead_letter(
    rejection: Rejection,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    headers: Headers,
    failed_at: datetime,
) -> DeadLetter:
    """The dead letter for a rejected record: the reason, and the original key, value and headers
    as base64 so the record can be inspected and replayed byte for byte.

    A tombstone's value and a null header value are written as empty (the message says tombstone).
    """
    return DeadLetter(
        reason=rejection.reason,
        message=rejection.message,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        key_b64=None if key is None else _b64(key),
        value_b64=_b64(value or b""),
        headers=tuple(
            DeadLetterHeader(key=name, value_b64=_b64(raw or b"")) for name, raw in headers
        ),
        failed_at=failed_at,
    )


def _read_headers(headers: Headers) -> dict[str, str] | Rejection:
    """The headers intake reads (content-type and `ce_*`), lower-cased names, UTF-8 values."""
    found: dict[str, str] = {}
    for name, raw in headers:
        lowered = name.lower()
        if lowered in found or raw is None:
            continue
        if lowered != CONTENT_TYPE_HEADER and not lowered.startswith(HEADER_PREFIX):
            continue
        try:
            found[lowered] = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Rejection("not_utf8", f"header {name!r} is not valid UTF-8")
    return found


def _read_envelope(value: bytes, headers: dict[str, str]) -> dict[str, Any] | Rejection:
    content_type = headers.get(CONTENT_TYPE_HEADER)
    try:
        if is_structured_content_type(content_type):
            return _read_structured(value, content_type or "")
        attributes = {
            name[len(HEADER_PREFIX) :]: text
            for name, text in headers.items()
            if name.startswith(HEADER_PREFIX)
        }
        if not is_json_content_type(content_type):
            return Rejection(
                "unsupported_content_type",
                f"content-type {content_type!r} is not supported; send JSON",
            )
        if attributes:
            # CloudEvents allows an event without data; validation then reports the missing lead.
            data = _parse_object(value, "the CloudEvent data") if value else {}
            if isinstance(data, Rejection):
                return data
            return envelope_from_binary(attributes, data)
        document = _parse_object(value, "the value")
        if isinstance(document, Rejection) or "specversion" not in document:
            return document
        # A structured CloudEvent whose producer forgot the content-type header.
        return envelope_from_structured(document)
    except CloudEventError as error:
        return Rejection(error.reason, error.message)


def _read_structured(value: bytes, content_type: str) -> dict[str, Any] | Rejection:
    if media_type(content_type) != STRUCTURED_MEDIA_TYPE:
        return Rejection(
            "unsupported_content_type",
            f"content-type {media_type(content_type)!r} is not supported; "
            f"send one event per record as {STRUCTURED_MEDIA_TYPE}",
        )
    document = _parse_object(value, "the structured CloudEvent")
    if isinstance(document, Rejection):
        return document
    return envelope_from_structured(document)


def _parse_object(value: bytes, what: str) -> dict[str, Any] | Rejection:
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError as error:
        if not _is_utf8(value):
            return Rejection("not_utf8", f"{what} is not valid UTF-8")
        # orjson's message names the problem and position, never the document.
        return Rejection("not_json", f"{what} is not valid JSON: {error}")
    if not isinstance(parsed, dict):
        return Rejection("not_json", f"{what} is a JSON {json_kind(parsed)}, not an object")
    return parsed


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _reject_future(event: LeadEvent, latest: datetime, max_future: timedelta) -> Rejection | None:
    moments = [("occurred_at", event.occurred_at)]
    if event.activity is not None and event.activity.occurred_at is not None:
        moments.append(("activity.occurred_at", event.activity.occurred_at))
    for name, moment in moments:
        if moment > latest:
            return Rejection(
                "future_timestamp",
                f"{name} {moment.isoformat()} is later than {latest.isoformat()} "
                f"(now plus {max_future}); the producer's clock is wrong",
            )
    return None


def _reason_for(detail: ErrorDetails) -> DeadLetterReason:
    kind, location = detail["type"], detail["loc"]
    wrong_type = kind.endswith("_type") or kind in _WRONG_TYPE_PARSING
    if kind == "missing":
        return "missing_field"
    if location == ("event_type",):
        return "unknown_event_type"
    if location == ("schema_version",) and kind == "value_error":
        return "unsupported_schema_version"
    if location == ("lead", "email") and not wrong_type:
        return "invalid_email"
    if location == ():
        # The envelope-wide rules are presence rules: an identity, and an activity when announced.
        return "missing_field"
    return "wrong_type" if wrong_type else "invalid_value"


def _location(detail: ErrorDetails) -> str:
    return ".".join(str(part) for part in detail["loc"]) or "event"


def _explanation(detail: ErrorDetails) -> str:
    # Our own validators raise ValueError; pydantic prefixes their text with "Value error, ".
    return detail["msg"].removeprefix("Value error, ")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
