"""CloudEvents 1.0 over Kafka: binary- and structured-mode records as lead event envelopes."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, get_args

from schemas.deadletters import DeadLetterReason
from schemas.events import EventType

SPECVERSION: Final = "1.0"
HEADER_PREFIX: Final = "ce_"
CONTENT_TYPE_HEADER: Final = "content-type"
STRUCTURED_MEDIA_TYPE: Final = "application/cloudevents+json"
LEAD_EVENT_TYPES: Final[tuple[EventType, ...]] = get_args(EventType)

# The CloudEvent attributes that become the lead event's envelope; the data holds the rest.
_ENVELOPE_FROM_DATA: Final = ("lead", "activity", "schema_version")
# Previews of producer-supplied strings in messages stay short: the record travels separately.
_PREVIEW_CHARS: Final = 80


class CloudEventError(Exception):
    """A record that claims to be a CloudEvent but cannot become a lead event, with the reason why.

    Raised inside intake only; `service.intake.decode_lead_event` turns it into a `Rejection`.
    """

    def __init__(self, reason: DeadLetterReason, message: str) -> None:
        super().__init__(message)
        self.reason: DeadLetterReason = reason
        self.message = message


def media_type(content_type: str) -> str:
    """The media type of a content-type value, lower-cased, without parameters (`; charset=`)."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json_content_type(content_type: str | None) -> bool:
    """Whether data with this content type is JSON; an absent content type means JSON.

    JSON is `application/json`, `text/json` or any `+json` structured-syntax suffix
    (`application/vnd.acme.lead+json`).
    """
    if content_type is None:
        return True
    kind, _, subtype = media_type(content_type).partition("/")
    return kind in ("application", "text") and (subtype == "json" or subtype.endswith("+json"))


def is_structured_content_type(content_type: str | None) -> bool:
    """Whether a record's content-type announces a structured-mode CloudEvent (or a batch)."""
    return content_type is not None and media_type(content_type).startswith(
        "application/cloudevents"
    )


def lead_event_type(ce_type: str) -> EventType | None:
    """The lead event type a CloudEvent `type` names, or None when it names none.

    Exact types (`lead.created`) match, and so do reverse-DNS forms that end in one after a dot
    (`com.example.lead.created`), the naming the CloudEvents spec recommends. A trailing version
    (`com.example.lead.created.v1`) does not match: versions travel in `schema_version`.
    """
    for event_type in LEAD_EVENT_TYPES:
        if ce_type == event_type or ce_type.endswith("." + event_type):
            return event_type
    return None


def envelope_from_binary(attributes: Mapping[str, str], data: Mapping[str, Any]) -> dict[str, Any]:
    """The lead event envelope of a binary-mode CloudEvent.

    `attributes` are the `ce_` headers without their prefix (`id`, `type`, ...); `data` is the
    record value parsed as a JSON object. Raises CloudEventError when the attributes are not a
    CloudEvents 1.0 lead event.
    """
    return _envelope(attributes, data)


def envelope_from_structured(document: Mapping[str, Any]) -> dict[str, Any]:
    """The lead event envelope of a structured-mode CloudEvent (the whole event as one JSON object).

    Only JSON data is accepted: `data_base64` or a non-JSON `datacontenttype` is refused as an
    unsupported content type, and JSON data that is not an object as not JSON. Raises
    CloudEventError when the event cannot become a lead event.
    """
    content_type = document.get("datacontenttype")
    if content_type is not None and not isinstance(content_type, str):
        raise CloudEventError("invalid_cloudevent", "attribute 'datacontenttype' must be a string")
    if not is_json_content_type(content_type):
        raise CloudEventError(
            "unsupported_content_type",
            f"CloudEvent data of type {_preview(content_type)} is not supported; send JSON",
        )
    data = document.get("data")
    if data is None and "data_base64" in document:
        raise CloudEventError(
            "unsupported_content_type",
            "CloudEvent data_base64 (binary data) is not supported; send JSON data",
        )
    if data is None:
        # No data: the envelope then lacks `lead`, which validation reports as a missing field.
        data = {}
    if not isinstance(data, dict):
        raise CloudEventError(
            "not_json", f"CloudEvent data is a JSON {json_kind(data)}, not an object"
        )
    return _envelope(document, data)


def json_kind(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _envelope(attributes: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    specversion = attributes.get("specversion")
    if specversion is None:
        raise CloudEventError("invalid_cloudevent", "attribute 'specversion' is missing")
    if specversion != SPECVERSION:
        raise CloudEventError(
            "invalid_cloudevent",
            f"specversion {_preview(specversion)} is not supported; this reader takes 1.0",
        )
    event_id = _required(attributes, "id")
    source = _required(attributes, "source")
    ce_type = _required(attributes, "type")
    event_type = lead_event_type(ce_type)
    if event_type is None:
        raise CloudEventError(
            "unknown_event_type",
            f"CloudEvent type {_preview(ce_type)} is not a lead event type; expected one of "
            f"{', '.join(LEAD_EVENT_TYPES)}, optionally after a reverse-DNS prefix",
        )
    envelope: dict[str, Any] = {
        "event_id": event_id,
        "event_type": event_type,
        "occurred_at": _occurred_at(attributes),
        "source": source,
    }
    for name in _ENVELOPE_FROM_DATA:
        if name in data:
            envelope[name] = data[name]
    return envelope


def _required(attributes: Mapping[str, Any], name: str) -> str:
    value = attributes.get(name)
    if value is None:
        raise CloudEventError("invalid_cloudevent", f"attribute {name!r} is missing")
    if not isinstance(value, str) or not value.strip():
        raise CloudEventError(
            "invalid_cloudevent", f"attribute {name!r} must be a non-empty string"
        )
    return value


def _occurred_at(attributes: Mapping[str, Any]) -> datetime:
    # `time` is optional in CloudEvents but a lead event cannot be scored or decayed without it.
    text = _required(attributes, "time")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CloudEventError(
            "invalid_cloudevent",
            f"attribute 'time' {_preview(text)} is not an RFC 3339 timestamp with an offset",
        )
    return moment


def _preview(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 3] + "..."
