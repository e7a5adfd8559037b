"""Intake: one raw Kafka record in, a validated lead event or a reasoned rejection out."""

from datetime import datetime, timedelta
from typing import Any, Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from schemas.deadletters import DeadLetterReason
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
    media_type,
)
from service.connect_envelope import connect_payload
from service.dead_letters import (
    Headers,
    Rejection,
    build_dead_letter,
    header_name_bytes,
    preview_header_name,
)
from service.json_input import parse_json_object
from service.registry_framing import unframed

# Where rejections and dead letters were first defined; importers keep working.
__all__ = ["Headers", "Rejection", "build_dead_letter", "decode_lead_event", "reject_invalid"]

DEFAULT_MAX_BYTES: Final = 65_536
DEFAULT_MAX_FUTURE: Final = timedelta(hours=1)

# JSON carries numbers and booleans natively: a string where one is expected is the wrong type.
_WRONG_TYPE_PARSING: Final = frozenset(
    {"int_parsing", "float_parsing", "bool_parsing", "int_from_float"}
)
# Enough errors to fix a record in one go, few enough to keep a dead letter readable.
_MAX_ERRORS_LISTED: Final = 10


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
    `specversion` is read as structured mode even without the header. A plain record may come in
    Kafka Connect's JSON envelope (`service.connect_envelope`): its payload is then the record.
    A value framed for Confluent Schema Registry is read without its frame when it holds JSON
    (`service.registry_framing`).
    In CloudEvents, `id`, `type`, `time` and `source` become the envelope; the data holds `lead`,
    `activity` and an optional `schema_version`; `type` may carry a reverse-DNS prefix
    (`com.example.lead.created`).

    A record is rejected when it is a tombstone, larger than `max_bytes`, has a header name that
    is not UTF-8, is not UTF-8 or not a JSON object (nesting over 64 levels or a name twice in one
    object included; see `service.json_input`), a broken CloudEvent, data in another format than
    JSON, fails the contract, or happened more than `max_future` after `now` (its clock is wrong,
    and it would distort engagement decay).
    Header names compare case-insensitively; the first occurrence of a header wins.
    """
    if value is None:
        return Rejection("not_json", "the record has no value (a tombstone); expected a lead event")
    if len(value) > max_bytes:
        return Rejection("too_large", f"the value is {len(value)} bytes; the limit is {max_bytes}")
    found = _read_headers(headers)
    if isinstance(found, Rejection):
        return found
    body = unframed(value)
    if isinstance(body, Rejection):
        return body
    envelope = _read_envelope(body, found)
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


def _read_headers(headers: Headers) -> dict[str, str] | Rejection:
    """The headers intake reads (content-type and `ce_*`), lower-cased names, UTF-8 values."""
    found: dict[str, str] = {}
    for name, raw in headers:
        if header_name_bytes(name) is not None:
            return Rejection(
                "invalid_header", f"header name {preview_header_name(name)} is not valid UTF-8"
            )
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
            data = parse_json_object(value, "the CloudEvent data") if value else {}
            if isinstance(data, Rejection):
                return data
            return envelope_from_binary(attributes, data)
        document = parse_json_object(value, "the value")
        if isinstance(document, Rejection):
            return document
        inner = connect_payload(document)
        if inner is not None:
            if isinstance(inner, Rejection):
                return inner
            document = inner
        if "specversion" not in document:
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
    document = parse_json_object(value, "the structured CloudEvent")
    if isinstance(document, Rejection):
        return document
    return envelope_from_structured(document)


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
