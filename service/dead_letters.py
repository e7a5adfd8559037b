"""Dead letters: why a record was rejected, and its original bytes within a publishable budget."""

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from schemas.deadletters import DeadLetter, DeadLetterHeader, DeadLetterReason

Headers = Sequence[tuple[str, bytes | None]]

# Original bytes a dead letter may carry. Base64 makes them 4/3 larger; 512 KiB becomes about
# 700 KB of JSON, well under the producer's 1,000,000-byte request limit with the key beside it.
DEFAULT_BUDGET: Final = 524_288
# A header costs its JSON around it too; charged so a flood of tiny headers stays in budget.
_HEADER_OVERHEAD: Final = 64
# The key and the headers may each take an eighth of the budget; the value gets the rest.
_SHARE: Final = 8
_MAX_MESSAGE_CHARS: Final = 2000
_PREVIEW_CHARS: Final = 80


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a record cannot become a lead event; it goes to the dead-letter topic with it."""

    reason: DeadLetterReason
    message: str


@dataclass(frozen=True, slots=True)
class _Part:
    kept: bytes
    size: int
    sha256: str | None  # set only when `kept` is a prefix

    @property
    def truncated(self) -> bool:
        return self.sha256 is not None


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
    budget: int = DEFAULT_BUDGET,
) -> DeadLetter:
    """The dead letter for a rejected record: the reason, and the original key, value and headers
    as base64 so the record can be inspected and replayed byte for byte.

    A tombstone's value and a null header value are written as empty (the message says tombstone).
    A letter never carries more than `budget` original bytes, so it can always be published: a key
    or headers over an eighth of the budget, or a value over what is left, keep a prefix (headers:
    those that fit, in order) with the original size and SHA-256 digest, flagged as truncated.
    """
    key_part = None if key is None else _bound(key, budget // _SHARE)
    kept_headers = _bound_headers(headers, budget // _SHARE)
    spent = (0 if key_part is None else len(key_part.kept)) + sum(map(_cost, kept_headers))
    value_part = _bound(value or b"", max(0, budget - spent))
    notes = [
        f"the {what} was {part.size} bytes; its first {len(part.kept)} are kept"
        for what, part in (("key", key_part), ("value", value_part))
        if part is not None and part.truncated
    ]
    if len(kept_headers) < len(headers):
        notes.append(f"{len(kept_headers)} of {len(headers)} headers are kept")
    message = rejection.message
    if len(message) > _MAX_MESSAGE_CHARS:
        message = message[: _MAX_MESSAGE_CHARS - 3] + "..."
    if notes:
        message = f"{message} ({'; '.join(notes)}: the letter stays publishable)"
    return DeadLetter(
        reason=rejection.reason,
        message=message,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        key_b64=None if key_part is None else _b64(key_part.kept),
        value_b64=_b64(value_part.kept),
        headers=tuple(_header(name, raw) for name, raw in kept_headers),
        failed_at=failed_at,
        value_truncated=value_part.truncated,
        value_size=value_part.size if value_part.truncated else None,
        value_sha256=value_part.sha256,
        key_truncated=key_part is not None and key_part.truncated,
        key_size=key_part.size if key_part is not None and key_part.truncated else None,
        key_sha256=None if key_part is None else key_part.sha256,
        headers_truncated=len(kept_headers) < len(headers),
        headers_count=len(headers) if len(kept_headers) < len(headers) else None,
    )


def header_name_bytes(name: str) -> bytes | None:
    """The raw bytes of a header name that was not valid UTF-8, or None for a valid name.

    Kafka clients cannot decode such a name; the worker hands it over decoded with
    `surrogateescape` (undecodable bytes become lone surrogates), which is lossless.
    """
    if name.isascii():
        return None
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return name.encode("utf-8", "surrogatepass")
    return None


def preview_header_name(name: str) -> str:
    """A header name as a short printable text, undecodable bytes replaced."""
    raw = header_name_bytes(name)
    text = repr(name if raw is None else raw.decode("utf-8", "replace"))
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 3] + "..."


def _bound(raw: bytes, limit: int) -> _Part:
    if len(raw) <= limit:
        return _Part(raw, len(raw), None)
    return _Part(raw[:limit], len(raw), hashlib.sha256(raw).hexdigest())


def _bound_headers(headers: Headers, limit: int) -> list[tuple[str, bytes | None]]:
    kept: list[tuple[str, bytes | None]] = []
    spent = 0
    for header in headers:
        spent += _cost(header)
        if spent > limit:
            break
        kept.append(header)
    return kept


def _cost(header: tuple[str, bytes | None]) -> int:
    name, raw = header
    return len(name) * 4 + len(raw or b"") + _HEADER_OVERHEAD


def _header(name: str, raw: bytes | None) -> DeadLetterHeader:
    name_bytes = header_name_bytes(name)
    if name_bytes is None:
        return DeadLetterHeader(key=name, value_b64=_b64(raw or b""))
    return DeadLetterHeader(
        key=name_bytes.decode("utf-8", "replace"),
        key_b64=_b64(name_bytes),
        value_b64=_b64(raw or b""),
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
