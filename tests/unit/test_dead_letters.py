"""A dead letter carries the original bytes, and never more than its budget of them."""

import base64
import hashlib
from datetime import UTC, datetime

from schemas.deadletters import DeadLetter
from service.dead_letters import (
    DEFAULT_BUDGET,
    Headers,
    Rejection,
    build_dead_letter,
    header_name_bytes,
)
from service.intake import decode_lead_event
from tests.unit.intake_records import decode, rejected

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
REJECTION = Rejection("too_large", "the value is too large")
# The producer refuses requests over 1,000,000 bytes; the dead letter's key travels beside it.
PRODUCER_LIMIT = 1_000_000


def letter(
    value: bytes | None,
    key: bytes | None = b"k",
    headers: Headers = (),
    budget: int = DEFAULT_BUDGET,
) -> DeadLetter:
    return build_dead_letter(
        REJECTION,
        topic="leads.events.v1",
        partition=1,
        offset=2,
        key=key,
        value=value,
        headers=headers,
        failed_at=NOW,
        budget=budget,
    )


def publishable(dead: DeadLetter) -> bool:
    key = base64.b64decode(dead.key_b64 or "")
    return len(dead.model_dump_json()) + len(key) < PRODUCER_LIMIT


def test_a_value_within_the_budget_is_kept_whole_and_not_flagged() -> None:
    value = b"x" * DEFAULT_BUDGET
    dead = letter(value, key=None)

    assert base64.b64decode(dead.value_b64) == value
    assert (dead.value_truncated, dead.value_size, dead.value_sha256) == (False, None, None)
    assert dead.message == REJECTION.message


def test_a_value_over_the_budget_keeps_a_prefix_its_size_and_digest_and_says_so() -> None:
    value = bytes(range(256)) * 3907  # 1,000,192 bytes: over the broker's usual limit even
    dead = letter(value)

    kept = base64.b64decode(dead.value_b64)
    assert dead.value_truncated
    assert dead.value_size == len(value)
    assert dead.value_sha256 == hashlib.sha256(value).hexdigest()
    assert value.startswith(kept)
    assert len(kept) == DEFAULT_BUDGET - 1
    assert f"the value was {len(value)} bytes" in dead.message
    assert publishable(dead)


def test_an_oversized_key_and_headers_are_bounded_too() -> None:
    key = b"k" * 900_000
    headers = [(f"h{n}", b"v" * 10_000) for n in range(100)]
    dead = letter(b"{}", key=key, headers=headers)

    assert dead.key_truncated
    assert (dead.key_size, dead.key_sha256) == (len(key), hashlib.sha256(key).hexdigest())
    assert key.startswith(base64.b64decode(dead.key_b64 or ""))
    assert dead.headers_truncated
    assert dead.headers_count == 100
    assert 0 < len(dead.headers) < 100
    assert [h.key for h in dead.headers] == [f"h{n}" for n in range(len(dead.headers))]
    assert base64.b64decode(dead.value_b64) == b"{}"
    assert "headers are kept" in dead.message
    assert publishable(dead)


def test_a_flood_of_tiny_headers_stays_within_the_budget() -> None:
    headers = [("h", b"") for _ in range(200_000)]
    dead = letter(b"x" * 600_000, headers=headers)

    assert dead.headers_truncated
    assert publishable(dead)


def test_a_header_name_that_is_not_utf8_keeps_its_raw_bytes() -> None:
    raw_name = b"trace\xff-id"
    name = raw_name.decode("utf-8", "surrogateescape")  # as the worker's fetcher hands it over
    dead = letter(b"{}", headers=[(name, b"v"), ("ok", b"w")])

    first, second = dead.headers
    assert first.key == "trace\ufffd-id"
    assert base64.b64decode(first.key_b64 or "") == raw_name
    assert base64.b64decode(first.value_b64) == b"v"
    assert (second.key, second.key_b64) == ("ok", None)
    dead.model_dump_json()  # the replacement text serializes; lone surrogates would not


def test_header_name_bytes_tells_valid_names_from_undecodable_ones() -> None:
    assert header_name_bytes("content-type") is None
    assert header_name_bytes("größe") is None
    assert header_name_bytes(b"\xc3\x28".decode("utf-8", "surrogateescape")) == b"\xc3\x28"


def test_a_long_message_is_shortened() -> None:
    dead = build_dead_letter(
        Rejection("processing_error", "x" * 10_000),
        topic="t",
        partition=0,
        offset=0,
        key=None,
        value=b"",
        headers=[],
        failed_at=NOW,
    )

    assert len(dead.message) == 2000


def test_dead_letter_carries_the_original_bytes_round_trippable_from_base64() -> None:
    value = b'{"lead": \xff}'
    headers: Headers = [("ce_id", b"\x00\x01"), ("trace", b"abc")]
    rejection = rejected(decode_lead_event(value, headers, NOW))

    letter = build_dead_letter(
        rejection,
        topic="leads.events.v1",
        partition=3,
        offset=1234,
        key=b"lead-key",
        value=value,
        headers=headers,
        failed_at=NOW,
    )

    assert (letter.reason, letter.message) == (rejection.reason, rejection.message)
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
        "leads.events.v1",
        3,
        1234,
    )
    assert letter.key_b64 is not None
    assert base64.b64decode(letter.key_b64) == b"lead-key"
    assert base64.b64decode(letter.value_b64) == value
    assert [(h.key, base64.b64decode(h.value_b64)) for h in letter.headers] == headers
    assert letter.failed_at == NOW


def test_dead_letter_of_a_keyless_tombstone_has_no_key_and_an_empty_value() -> None:
    letter = build_dead_letter(
        rejected(decode(None)),
        topic="leads.events.v1",
        partition=0,
        offset=7,
        key=None,
        value=None,
        headers=[],
        failed_at=NOW,
    )

    assert letter.key_b64 is None
    assert letter.value_b64 == ""
    assert letter.reason == "not_json"
