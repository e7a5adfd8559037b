"""Intake reads JSON strictly: an object, UTF-8, unique names, shallow nesting, no NaN."""

import json
import random
import time

import pytest

from service.dead_letters import Rejection
from service.json_input import MAX_DEPTH, parse_json_object
from tests.unit.intake_records import decode, rejected


def rejection(value: bytes) -> Rejection:
    result = parse_json_object(value, "the value")
    assert isinstance(result, Rejection), result
    return result


def test_an_object_is_read() -> None:
    assert parse_json_object(b'{"a": {"b": [1, 2]}}', "the value") == {"a": {"b": [1, 2]}}


@pytest.mark.parametrize(
    "document",
    [b'{"lead": {"email": "a@x.io", "email": "b@y.io"}}', b'{"a": 1, "b": 2, "a": 3}'],
)
def test_a_name_twice_in_one_object_is_rejected_with_the_name(document: bytes) -> None:
    found = rejection(document)

    assert found.reason == "duplicate_key"
    assert "twice" in found.message


def test_the_same_name_in_different_objects_is_fine() -> None:
    assert parse_json_object(b'{"a": {"id": 1}, "b": {"id": 2}}', "v") == {
        "a": {"id": 1},
        "b": {"id": 2},
    }


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_numbers_json_cannot_carry_are_not_json(literal: bytes) -> None:
    assert rejection(b'{"employee_count": ' + literal + b"}").reason == "not_json"


@pytest.mark.parametrize("depth", [MAX_DEPTH, 1_024, 1_025, 10_000, 100_000])
def test_deep_nesting_is_rejected_fast_without_recursion_errors(depth: int) -> None:
    document = b'{"x":' + b"[" * depth + b"]" * depth + b"}"
    started = time.perf_counter()

    found = rejection(document)

    assert found.reason == "not_json"
    assert time.perf_counter() - started < 0.1


def test_nesting_up_to_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 1
    document = b'{"x":' + b"[" * depth + b"]" * depth + b"}"

    assert isinstance(parse_json_object(document, "the value"), dict)


def test_many_brackets_in_strings_do_not_count_as_nesting() -> None:
    document = b'{"note": "' + b"[{" * 500 + b'"}'

    assert isinstance(parse_json_object(document, "the value"), dict)


def test_invalid_utf8_is_told_apart_from_broken_json() -> None:
    assert rejection(b'{"a": "\xff"}').reason == "not_utf8"
    assert rejection(b'{"a": "\xed\xa0\x80"}').reason == "not_utf8"  # an encoded surrogate
    assert rejection(b'{"a": ').reason == "not_json"


@pytest.mark.parametrize(
    "document",
    [
        b'{"a": "x\\": 1", "a": 2}',  # an escaped quote and a colon inside a value
        b'{"k\\\\": 1, "k\\\\" : 2}',  # a name ending in an escaped backslash, space before ':'
        b'{"list": [{"id": 1, "id": 2}]}',  # in an object inside an array
        b'{"t": "10:00", "u": {"v": "w:"}, "t": "11:00"}',
        '{"caf\u00e9": 1, "caf\u00e9": 2}'.encode(),
    ],
)
def test_a_name_twice_is_found_whatever_the_strings_around_it_hold(document: bytes) -> None:
    assert rejection(document).reason == "duplicate_key"


@pytest.mark.parametrize(
    "document",
    [
        b'{"a": "b\\":", "c": "\\"d\\": e"}',  # values that look like names
        b'{"time": "2026-12-05T10:00:00Z", "url": "https://x.io/a?b=c:d"}',
        b'{"a" \n\t: 1, "b": "a"}',
        b'{"x\\\\": {"x": 1}, "y": ["x", {"x": 2}]}',
    ],
)
def test_strings_that_look_like_names_are_no_duplicates(document: bytes) -> None:
    assert not isinstance(parse_json_object(document, "the value"), Rejection)


NAMES = ["a", "b", 'q"', "c:", 'x":', "\\", "caf\u00e9", " ", ""]
BLANKS = ["", " ", "\n", "\t ", "\r\n  "]


def _text(rng: random.Random, depth: int = 0) -> tuple[str, bool]:
    """A random JSON value as text, and whether some object in it has a name twice: names with
    quotes, colons and backslashes, written escaped or not, with blanks around the colons."""
    kind = rng.random()
    if depth > 3 or kind < 0.4:
        scalar = rng.choice([*NAMES, 'v":1', 3, None, 1.5])
        return json.dumps(scalar, ensure_ascii=rng.random() < 0.5), False
    if kind < 0.6:
        items = [_text(rng, depth + 1) for _ in range(rng.randrange(4))]
        return "[" + ",".join(text for text, _ in items) + "]", any(dup for _, dup in items)
    pairs = [(rng.choice(NAMES), _text(rng, depth + 1)) for _ in range(rng.randrange(5))]
    names = [name for name, _ in pairs]
    duplicated = len(set(names)) != len(names) or any(dup for _, (_, dup) in pairs)
    body = ",".join(
        rng.choice(BLANKS)
        + json.dumps(name, ensure_ascii=rng.random() < 0.5)
        + rng.choice(BLANKS)
        + ":"
        + rng.choice(BLANKS)
        + text
        for name, (text, _) in pairs
    )
    return "{" + body + "}", duplicated


@pytest.mark.parametrize("seed", range(20))
def test_a_name_twice_is_found_in_any_document_and_only_then(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        text, duplicated = _text(rng)
        if not text.startswith("{"):
            continue
        result = parse_json_object(text.encode(), "the value")
        if duplicated:
            assert isinstance(result, Rejection), text
            assert result.reason == "duplicate_key", text
        else:
            assert result == json.loads(text), text


def test_value_that_is_not_utf8_is_rejected_as_not_utf8() -> None:
    assert rejected(decode(b'{"event_id": "\xff\xfe"}')).reason == "not_utf8"


def test_value_that_is_not_json_is_rejected_as_not_json() -> None:
    assert rejected(decode(b"event_id=evt-1&email=ada@example.com")).reason == "not_json"


@pytest.mark.parametrize("value", [b"[1, 2]", b'"lead"', b"42", b"null", b"true"])
def test_json_value_that_is_not_an_object_is_rejected_as_not_json(value: bytes) -> None:
    rejection = rejected(decode(value))

    assert rejection.reason == "not_json"
    assert "not an object" in rejection.message


def test_rejection_message_never_repeats_the_payload() -> None:
    rejection = rejected(decode(b'{"lead": {"email": "secret@example.com"}, oops}'))

    assert rejection.reason == "not_json"
    assert "secret" not in rejection.message
