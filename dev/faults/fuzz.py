"""Malformed records for `leads.events.v1`, reproducible from a seed, with the reason each earns.

`malformed_records(count, seed)` gives (key, value, headers) records an aiokafka producer can send;
every one must be dead-lettered. `labelled_records` gives the same records with their kind, and
`EXPECTED_REASONS[kind]` the dead-letter reasons intake may give that kind. Header names that are
not valid UTF-8 cannot be sent with aiokafka (it encodes names from `str`): `raw_header_records`
makes those, and `send_raw` sends them with kcat, which passes header names byte for byte.

Values up to 1,000,000 bytes are sent: a producer needs `max_request_size` above that (aiokafka's
default, 1,048,576, is). Large values are rare (about 1%) and share a few buffers, so 10,000
records stay small in memory.
"""

import os
import random
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from typing import Final

import orjson

Record = tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]
RawRecord = tuple[bytes | None, bytes | None, list[tuple[bytes, bytes]]]
Maker = Callable[[random.Random, int], Record]

LARGE_SIZES: Final = (65_537, 200_000, 524_289, 800_000, 900_000, 1_000_000)
DEPTHS: Final = (65, 300, 1_024, 1_025, 5_000, 10_000)
INVALID_UTF8: Final = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c\x28", b"\x80")
CONTRACT_REASONS: Final = frozenset(
    {"missing_field", "wrong_type", "invalid_value", "invalid_email", "unknown_event_type"}
)


def event(n: int) -> dict[str, object]:
    """A valid lead event (ASCII only), the base that most malformed records break."""
    return {
        "event_id": f"fuzz-{n}",
        "event_type": "lead.created",
        "occurred_at": "2026-11-20T10:00:00Z",
        "source": "fuzz",
        "lead": {"email": f"fuzz{n}@example.com", "first_name": "Ada", "employee_count": 40},
    }


def _text(n: int) -> bytes:
    return orjson.dumps(event(n))


def _key(rng: random.Random, n: int) -> bytes | None:
    return rng.choice((None, f"key-{n}".encode(), rng.randbytes(rng.randint(1, 24))))


def _binary_headers(n: int, content_type: bytes = b"application/json") -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", f"ce-{n}".encode()),
        ("ce_type", b"com.example.lead.created"),
        ("ce_source", b"/fuzz"),
        ("ce_time", b"2026-11-20T10:00:00Z"),
        ("content-type", content_type),
    ]


def _random_bytes(rng: random.Random, n: int) -> Record:
    return _key(rng, n), rng.randbytes(rng.randint(1, 4096)), []


def _registry_framed_binary(rng: random.Random, n: int) -> Record:
    """An Avro or Protobuf value in Schema Registry's frame: a zero byte, a schema id, binary
    (its first byte a varint, as Protobuf's message index is; never a JSON object's start)."""
    schema_id = rng.randint(1, 100_000).to_bytes(4, "big")
    return _key(rng, n), b"\x00" + schema_id + b"\x02" + rng.randbytes(rng.randint(0, 511)), []


def _truncated_json(rng: random.Random, n: int) -> Record:
    text = _text(n)
    return _key(rng, n), text[: rng.randint(1, len(text) - 1)], []


def _not_an_object(rng: random.Random, n: int) -> Record:
    return _key(rng, n), rng.choice((b"[]", b"42", b'"lead"', b"null", b"true", b"")), []


def _deep_nesting(rng: random.Random, n: int) -> Record:
    depth = rng.choice(DEPTHS)
    nested = rng.choice((b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth))
    return _key(rng, n), _text(n)[:-1] + b',"extra":' + nested + b"}", []


_LARGE: dict[int, bytes] = {}


def _too_large(rng: random.Random, n: int) -> Record:
    size = rng.choice(LARGE_SIZES)
    if size not in _LARGE:  # shared: a thousand large records cost six buffers
        _LARGE[size] = b'{"pad":"' + b"x" * (size - 10) + b'"}'
    return _key(rng, n), _LARGE[size], []


def _invalid_utf8_value(rng: random.Random, n: int) -> Record:
    return _key(rng, n), _text(n).replace(b"Ada", b"A" + rng.choice(INVALID_UTF8) + b"da"), []


def _invalid_utf8_key(rng: random.Random, n: int) -> Record:
    key = b"lead-" + rng.choice(INVALID_UTF8) + rng.randbytes(4)
    return key, _truncated_json(rng, n)[1], []


def _not_a_number(rng: random.Random, n: int) -> Record:
    literal = rng.choice((b"NaN", b"Infinity", b"-Infinity", b"1e400", b"nan"))
    return (
        _key(rng, n),
        _text(n).replace(b'"employee_count":40', b'"employee_count":' + literal),
        [],
    )


def _duplicate_key(rng: random.Random, n: int) -> Record:
    text = _text(n)
    if rng.random() < 0.5:
        text = text.replace(b'"email":', b'"email":"other@example.com","email":')
    else:
        text = text.replace(b'"source":', b'"event_id":"again","source":')
    return _key(rng, n), text, []


def _wrong_content_type(rng: random.Random, n: int) -> Record:
    structured: dict[str, object] = {
        "specversion": "1.0",
        "id": f"ce-{n}",
        "type": "lead.created",
        "source": "/f",
    }
    structured |= {"time": "2026-11-20T10:00:00Z", "data": event(n)["lead"]}
    choice = rng.randrange(5)
    if choice == 0:
        return (
            _key(rng, n),
            orjson.dumps({"lead": event(n)["lead"]}),
            _binary_headers(n, b"text/xml"),
        )
    if choice == 1:
        kind = b"application/cloudevents-batch+json"
        return _key(rng, n), orjson.dumps([structured]), [("content-type", kind)]
    if choice == 2:
        value = orjson.dumps({**structured, "datacontenttype": "application/xml"})
        return _key(rng, n), value, [("content-type", b"application/cloudevents+json")]
    if choice == 3:
        return _key(rng, n), _text(n), [("content-type", b"text/plain")]
    value = orjson.dumps({**structured, "data": None, "data_base64": "AAEC"})
    return _key(rng, n), value, [("content-type", b"application/cloudevents+json")]


def _tombstone(rng: random.Random, n: int) -> Record:
    # A record needs a key or a value (aiokafka refuses neither); a tombstone has its key.
    return _key(rng, n) or f"tombstone-{n}".encode(), None, []


def _invalid_utf8_header_value(rng: random.Random, n: int) -> Record:
    headers = _binary_headers(n)
    headers[1] = ("ce_id", b"ce-" + rng.choice(INVALID_UTF8))
    return _key(rng, n), orjson.dumps({"lead": event(n)["lead"]}), headers


def _broken_cloudevent(rng: random.Random, n: int) -> Record:
    headers = _binary_headers(n)
    headers[0] = ("ce_specversion", rng.choice((b"0.3", b"2.0")))
    if rng.random() < 0.5:
        headers = [header for header in headers if header[0] != "ce_source"]
    return _key(rng, n), orjson.dumps({"lead": event(n)["lead"]}), headers


_CONTRACT_BREAKS: Final[tuple[tuple[str, object], ...]] = (
    ("lead", {"first_name": "no identity"}),
    ("event_type", "lead.deleted"),
    ("occurred_at", "yesterday"),
    ("event_id", ""),
    ("lead", {"email": "not-an-email"}),
)


def _contract(rng: random.Random, n: int) -> Record:
    broken = event(n)
    field, bad = rng.choice(_CONTRACT_BREAKS)
    broken[field] = bad
    if rng.random() < 0.3:
        del broken["source"]
    return _key(rng, n), orjson.dumps(broken), []


# kind -> (how to make one, relative frequency, the reasons intake may give it)
KINDS: Final[dict[str, tuple[Maker, int, frozenset[str]]]] = {
    # A blob that starts with a zero byte is framed like Schema Registry's Avro or Protobuf.
    "random_bytes": (
        _random_bytes,
        8,
        frozenset({"not_json", "not_utf8", "unsupported_content_type"}),
    ),
    "registry_framed_binary": (_registry_framed_binary, 3, frozenset({"unsupported_content_type"})),
    "truncated_json": (_truncated_json, 8, frozenset({"not_json"})),
    "not_an_object": (_not_an_object, 4, frozenset({"not_json"})),
    "deep_nesting": (_deep_nesting, 6, frozenset({"not_json"})),
    "too_large": (_too_large, 1, frozenset({"too_large"})),
    "invalid_utf8_value": (_invalid_utf8_value, 6, frozenset({"not_utf8"})),
    "invalid_utf8_key": (_invalid_utf8_key, 6, frozenset({"not_json"})),
    "not_a_number": (_not_a_number, 6, frozenset({"not_json"})),
    "duplicate_key": (_duplicate_key, 6, frozenset({"duplicate_key"})),
    "wrong_content_type": (_wrong_content_type, 8, frozenset({"unsupported_content_type"})),
    "tombstone": (_tombstone, 4, frozenset({"not_json"})),
    "invalid_utf8_header_value": (_invalid_utf8_header_value, 4, frozenset({"not_utf8"})),
    "broken_cloudevent": (_broken_cloudevent, 4, frozenset({"invalid_cloudevent"})),
    "contract": (_contract, 8, CONTRACT_REASONS),
}
EXPECTED_REASONS: Final = {kind: reasons for kind, (_, _, reasons) in KINDS.items()}
RAW_HEADER_REASONS: Final = frozenset({"invalid_header"})


def labelled_records(count: int, seed: int) -> list[tuple[str, Record]]:
    """`count` malformed records with their kind: every kind once first, then by frequency."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    weights = [weight for _, weight, _ in KINDS.values()]
    picked = kinds[:count] + rng.choices(kinds, weights, k=max(0, count - len(kinds)))
    return [(kind, KINDS[kind][0](rng, n)) for n, kind in enumerate(picked)]


def malformed_records(count: int, seed: int) -> list[Record]:
    """`count` malformed records (key, value, headers), the same for the same seed."""
    return [record for _, record in labelled_records(count, seed)]


def raw_header_records(count: int, seed: int) -> list[RawRecord]:
    """Records whose only fault is a header name that is not valid UTF-8 (send with `send_raw`).

    No byte is NUL and no name holds `=`, which kcat's command line cannot carry.
    """
    rng = random.Random(seed)
    records: list[RawRecord] = []
    for n in range(count):
        name = rng.choice((b"trace", b"", b"x-")) + rng.choice(INVALID_UTF8) + b"-id"
        headers = [(b"origin", b"fuzz"), (name, f"v{n}".encode())]
        rng.shuffle(headers)
        records.append((f"raw-{n}".encode(), orjson.dumps(event(1_000_000 + n)), headers))
    return records


def send_raw(bootstrap: str, topic: str, records: Iterable[RawRecord]) -> None:
    """Produce records with kcat, header names as raw bytes; one kcat run per record."""
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "value")
        for key, value, headers in records:
            command = [b"kcat", b"-P", b"-q", b"-b", bootstrap.encode(), b"-t", topic.encode()]
            if key is not None:
                command += [b"-k", _argument(key)]
            for name, raw in headers:
                if b"=" in name:
                    raise ValueError(f"kcat cannot send a header name holding '=': {name!r}")
                command += [b"-H", _argument(name + b"=" + raw)]
            with open(path, "wb") as file:
                file.write(value or b"")
            command += [b"-Z", path.encode()]
            subprocess.run(command, check=True, capture_output=True, timeout=30)


def _argument(raw: bytes) -> bytes:
    if b"\x00" in raw:
        raise ValueError("a command-line argument cannot hold a NUL byte")
    return raw
