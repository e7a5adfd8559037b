"""Records that could not be processed, with everything needed to inspect and replay them."""

from typing import Literal

from pydantic import AwareDatetime

from schemas.base import OutputModel

DeadLetterReason = Literal[
    "not_json",
    "not_utf8",
    "too_large",
    "invalid_cloudevent",
    "unsupported_content_type",
    "unknown_event_type",
    "unsupported_schema_version",
    "missing_field",
    "wrong_type",
    "invalid_value",
    "invalid_email",
    "future_timestamp",
    "processing_error",
]


class DeadLetterHeader(OutputModel):
    key: str
    value_b64: str


class DeadLetter(OutputModel):
    reason: DeadLetterReason
    message: str
    source_topic: str
    source_partition: int
    source_offset: int
    key_b64: str | None
    value_b64: str
    headers: tuple[DeadLetterHeader, ...] = ()
    failed_at: AwareDatetime
