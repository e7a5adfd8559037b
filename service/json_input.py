"""Strict JSON for intake: an object, valid UTF-8, unique names, nesting a lead event can have.

orjson parses (fast, rejects NaN and Infinity, which are not JSON, and stops at 1,024 levels);
two checks it cannot make follow. Duplicate names are rejected, not resolved: RFC 8259 leaves
their meaning open, readers differ (first wins, last wins), and a record that routes one lead
for us and another for the producer's other consumers must not be taken. Nesting is bounded
because a lead event nests three levels; a deeper record is not one, and the bound keeps the
duplicate check (Python's recursive `json` reader) far from the interpreter's recursion limit.

That check reads the document a second time, and cost over a quarter of intake's decode. It
runs only when a count cannot rule duplicates out: every name in the document ends in a match of
`_NAME_END` (its closing quote, blanks, the colon), and a string holding a quote and a colon
only adds matches. So when the matches are as many as the names in the parsed objects (where a
name given twice counts once), no name was given twice.
"""

import json
import re
from typing import Any, Final

import orjson

from service.cloudevents import json_kind
from service.dead_letters import Rejection

MAX_DEPTH: Final = 64
# JSON's blanks are space, tab, line feed and carriage return.
_NAME_END: Final = re.compile(rb'"[ \t\n\r]*:')
_QUOTE_BLANK: Final = re.compile(rb'"[ \t\n\r]')


class _DuplicateNameError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def parse_json_object(value: bytes, what: str) -> dict[str, Any] | Rejection:
    """`value` as a JSON object, or why it is not one (`what` names it in the message)."""
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError as error:
        if not is_utf8(value):
            return Rejection("not_utf8", f"{what} is not valid UTF-8")
        # orjson's message names the problem and position, never the document.
        return Rejection("not_json", f"{what} is not valid JSON: {error}")
    if not isinstance(parsed, dict):
        return Rejection("not_json", f"{what} is a JSON {json_kind(parsed)}, not an object")
    # Without that many brackets (in strings or not) the document cannot nest that deep.
    if value.count(b"{") + value.count(b"[") > MAX_DEPTH and _depth(parsed) > MAX_DEPTH:
        return Rejection("not_json", f"{what} nests deeper than {MAX_DEPTH} levels")
    if _name_ends(value) == _name_count(parsed):
        return parsed
    duplicate = _duplicate_name(value)
    if duplicate is not None:
        return Rejection(
            "duplicate_key",
            f"{what} has the name {_preview(duplicate)} twice in one object; "
            "JSON names must be unique",
        )
    return parsed


def is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _duplicate_name(value: bytes) -> str | None:
    try:
        # orjson accepted it, so it is UTF-8; a str spares json its encoding detection.
        json.loads(value.decode("utf-8"), object_pairs_hook=_unique_object)
    except _DuplicateNameError as duplicate:
        return duplicate.name
    return None


def _name_ends(value: bytes) -> int:
    """Matches of `_NAME_END` in `value`: at least one per name. Where no quote is followed by
    a blank (compact JSON), each name ends in `":`, which is quicker to count."""
    if _QUOTE_BLANK.search(value) is None:
        return value.count(b'":')
    return len(_NAME_END.findall(value))


def _name_count(parsed: object) -> int:
    """How many names the objects of a parsed document hold, without recursion."""
    count = 0
    pending: list[Any] = [parsed]
    while pending:
        node = pending.pop()
        if type(node) is dict:
            count += len(node)
            node = node.values()
        for child in node:  # only containers are pushed: the root is an object
            if type(child) is dict or type(child) is list:
                pending.append(child)
    return count


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _DuplicateNameError(name)
            seen.add(name)
    return result


def _depth(parsed: object) -> int:
    """How deep containers nest in a parsed document, without recursion."""
    deepest = 0
    pending: list[tuple[object, int]] = [(parsed, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _preview(name: str) -> str:
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."
