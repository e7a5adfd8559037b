"""Records that could not be processed, with everything needed to inspect and replay them."""

from typing import Literal

from pydantic import AwareDatetime, Field

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
    key_b64: str | None = Field(
        default=None,
        description="the header name's original bytes (base64) when they are not valid UTF-8; "
        "`key` then holds a readable rendering of them",
    )


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
    value_truncated: bool = Field(
        default=False,
        description="true when `value_b64` holds only a prefix of the original value (the whole "
        "would not fit in a dead letter); `value_size` and `value_sha256` describe the original",
    )
    value_size: int | None = Field(default=None, ge=0, description="the original value's bytes")
    value_sha256: str | None = Field(default=None, description="hex SHA-256 of the original value")
