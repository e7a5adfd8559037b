"""Records that could not be processed, with everything needed to inspect and replay them."""

from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.base import OutputModel

DeadLetterReason = Literal[
    "not_json",
    "not_utf8",
    "too_large",
    "duplicate_key",
    "invalid_header",
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
    key: str = Field(
        description="the header name; a name that is not valid UTF-8 is decoded with "
        "replacement characters here and kept byte for byte in key_b64"
    )
    value_b64: str
    key_b64: str | None = Field(
        default=None,
        description="the header name's original bytes (base64) when they are not valid UTF-8; "
        "`key` then holds a readable rendering of them",
    )


class DeadLetter(OutputModel):
    """A rejected record. Its original bytes are kept whole unless the letter would outgrow its
    budget (a publishable size): then a part keeps a prefix, its original size and SHA-256 digest,
    and `*_truncated` says so. A truncated record cannot be replayed byte for byte."""

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
    key_truncated: bool = False
    key_size: int | None = Field(default=None, description="original bytes, when truncated")
    key_sha256: str | None = Field(default=None, description="hex digest, when truncated")
    headers_truncated: bool = Field(
        default=False, description="headers past the budget were left out"
    )
    headers_count: int | None = Field(
        default=None, description="the original number of headers, when truncated"
    )
