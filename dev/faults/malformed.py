"""A minimal, seeded generator of malformed input records, until `dev/faults/fuzz.py` lands.

`malformed_records(count, seed)` has the signature `fuzz.malformed_records` will have, so the
suite switches over in `dev/faults/feed.py` with one import. Kinds: random bytes, truncated JSON,
deep nesting, invalid UTF-8 in values and keys, NaN, wrong types, tombstones (null values),
null keys, and large values from 64 KiB up to about 900 KB (rare: they are heavy).
"""

import random
from collections.abc import Callable

import orjson

Header = tuple[str, bytes]
MalformedRecord = tuple[bytes | None, bytes | None, list[Header]]

JSON: list[Header] = [("content-type", b"application/json")]
LARGE_SHARE = 0.005
LARGE_MIN = 64 * 1024
LARGE_MAX = 900 * 1024


def _envelope(rng: random.Random, number: int) -> dict[str, object]:
    """An envelope that would be valid: the malformed kinds each break one thing in it."""
    return {
        "event_id": f"evt-fuzz-{number:06d}-{rng.getrandbits(32):08x}",
        "event_type": "lead.created",
        "occurred_at": "2026-11-02T08:00:00.000Z",
        "source": "webform",
        "schema_version": "1.0",
        "lead": {"email": f"fuzz{number}@example.org", "external_id": f"fz-{number}"},
    }


def _random_bytes(rng: random.Random, number: int) -> MalformedRecord:
    return rng.randbytes(4), rng.randbytes(rng.randint(1, 2048)), []


def _truncated_json(rng: random.Random, number: int) -> MalformedRecord:
    text = orjson.dumps(_envelope(rng, number))
    return b"fz-key", text[: rng.randint(1, len(text) - 1)], list(JSON)


def _deep_nesting(rng: random.Random, number: int) -> MalformedRecord:
    depth = rng.choice((100, 1_000, 10_000))
    return b"fz-key", b'{"lead":' * depth + b"{}" + b"}" * depth, list(JSON)


def _invalid_utf8_value(rng: random.Random, number: int) -> MalformedRecord:
    text = orjson.dumps(_envelope(rng, number))
    cut = rng.randint(1, len(text) - 1)
    return b"fz-key", text[:cut] + b"\xff\xfe\xc3(" + text[cut:], list(JSON)


def _invalid_utf8_key(rng: random.Random, number: int) -> MalformedRecord:
    # The value is broken too: the record must be rejected, the key only must not crash anyone.
    return b"\xc3(\xa0\xa1" + rng.randbytes(4), b"\x80not json", list(JSON)


def _nan(rng: random.Random, number: int) -> MalformedRecord:
    envelope = _envelope(rng, number)
    text = orjson.dumps(envelope).replace(b'"schema_version":"1.0"', b'"schema_version":NaN')
    return b"fz-key", text, list(JSON)


def _wrong_type(rng: random.Random, number: int) -> MalformedRecord:
    envelope = _envelope(rng, number)
    # Pydantic would read a number as a Unix time, so a bad time is a word.
    name, bad = rng.choice((("lead", [1, 2]), ("occurred_at", "yesterday"), ("event_type", 42)))
    envelope[name] = bad
    return b"fz-key", orjson.dumps(envelope), list(JSON)


def _tombstone(rng: random.Random, number: int) -> MalformedRecord:
    return b"fz-tombstone", None, []


def _null_key(rng: random.Random, number: int) -> MalformedRecord:
    return None, rng.randbytes(rng.randint(1, 64)), []


def _large(rng: random.Random, number: int) -> MalformedRecord:
    envelope = _envelope(rng, number)
    envelope["context"] = {"padding": "x" * rng.randint(LARGE_MIN, LARGE_MAX)}
    return b"fz-large", orjson.dumps(envelope), list(JSON)


KINDS: tuple[Callable[[random.Random, int], MalformedRecord], ...] = (
    _random_bytes,
    _truncated_json,
    _deep_nesting,
    _invalid_utf8_value,
    _invalid_utf8_key,
    _nan,
    _wrong_type,
    _tombstone,
    _null_key,
)


def malformed_records(count: int, seed: int) -> list[MalformedRecord]:
    """`count` malformed records (key, value, headers), the same for the same seed."""
    rng = random.Random(seed)
    records: list[MalformedRecord] = []
    for number in range(count):
        kind = _large if rng.random() < LARGE_SHARE else rng.choice(KINDS)
        records.append(kind(rng, number))
    return records
