"""Conditions on one field (equals, in, ranges, exists, glob, regex), checked and compiled.

Values are checked against the field: `Literal` fields accept only their declared choices, ranges
need a number field, glob and regex need a text field (the language: `service.rules.conditions`).
"""

import fnmatch
import math
import re
from collections.abc import Callable
from difflib import get_close_matches
from operator import ge, gt, le, lt
from typing import Any, Literal

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.compiled_conditions import (
    Affix,
    Bound,
    CompiledCondition,
    Equality,
    RangeOperator,
)
from service.rules.fields import FIELDS, FieldSpec
from service.rules.problems import Problem

_RANGE_OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "gt": (gt, ">"),
    "gte": (ge, ">="),
    "lt": (lt, "<"),
    "lte": (le, "<="),
}
_VALUE_OPERATORS = ("equals", "in", "exists", "glob", "regex")
_FIELD_KEYS = frozenset({"field", *_VALUE_OPERATORS, *_RANGE_OPERATORS})
_GLOB_WILDCARDS = frozenset("*?[")
# A range is indexed by its lower bound when it has one: any bound would do, one is enough.
_INDEXED_FIRST: tuple[RangeOperator, ...] = ("gte", "gt", "lte", "lt")


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class FieldConditionCompiler:
    """Compiles the conditions on one field of a rule, collecting problems instead of stopping."""

    def __init__(self, rule: str, problems: list[Problem]) -> None:
        self.rule = rule
        self.problems = problems

    def fail(self, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.rule, field, message))

    def field_condition(self, raw: dict[str, Any], at: str) -> CompiledCondition | None:
        ok = True
        for key in raw:
            if key not in _FIELD_KEYS:
                self.fail(f"{at}.{key}", f"unknown key {key!r}")
                ok = False
        path = raw["field"]
        if not isinstance(path, str):
            self.fail(f"{at}.field", "field must be a dotted path such as lead.country")
            return None
        spec = FIELDS.get(path)
        if spec is None:
            close = get_close_matches(path, list(FIELDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.fail(path, f"unknown field{hint}")
            return None
        operators = [key for key in raw if key in _FIELD_KEYS and key != "field"]
        ranges = [key for key in operators if key in _RANGE_OPERATORS]
        others = [key for key in operators if key not in _RANGE_OPERATORS]
        if not operators:
            self.fail(path, "needs an operator: equals, in, gt, gte, lt, lte, exists, glob, regex")
            return None
        if others and (ranges or len(others) > 1):
            self.fail(path, f"one operator per condition (got {operators}); combine with all")
            return None
        if not ok:
            return None
        if spec.kind == "object" and operators != ["exists"]:
            self.fail(path, "this field is a record: only exists applies")
            return None
        if ranges:
            return self._range(spec, {key: raw[key] for key in ranges})
        operator = others[0]
        value = raw[operator]
        if operator == "equals":
            return self._equals(spec, value)
        if operator == "in":
            return self._in(spec, value)
        if operator == "exists":
            return self._exists(spec, value)
        return self._pattern(spec, operator, value)

    def _value_fits(self, spec: FieldSpec, value: Any, operator: str) -> bool:
        if value is None:
            if not spec.optional:
                self.fail(spec.path, f"{operator} null: this field always has a value")
                return False
            return True
        if spec.kind == "bool":
            fits = isinstance(value, bool)
        elif spec.is_number:
            fits = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            fits = isinstance(value, str)
        if not fits:
            # YAML reads unquoted yes/no/on/off (and NO, Norway's code) as booleans.
            hint = "; quote it" if isinstance(value, bool) and spec.kind == "str" else ""
            self.fail(
                spec.path,
                f"{operator} {_show(value)!s}: expected a {spec.kind} value, "
                f"got {type(value).__name__}{hint}",
            )
            return False
        if spec.choices is not None and value not in spec.choices:
            allowed = ", ".join(sorted(spec.choices))
            self.fail(spec.path, f"{value!r} is not one of {allowed}")
            return False
        return True

    def _equals(self, spec: FieldSpec, value: Any) -> CompiledCondition | None:
        if not self._value_fits(spec, value, "equals"):
            return None
        get = spec.getter
        return CompiledCondition(
            lambda lead, enrichment, score: get(lead, enrichment, score) == value,
            f"{spec.path} == {_show(value)}",
            Equality(spec, frozenset((value,))),
        )

    def _in(self, spec: FieldSpec, values: Any) -> CompiledCondition | None:
        if not isinstance(values, list) or not values:
            self.fail(spec.path, "in takes a non-empty list of values")
            return None
        fits = [self._value_fits(spec, value, "in") for value in values]
        if not all(fits):
            return None
        allowed = frozenset(values)
        get = spec.getter
        return CompiledCondition(
            lambda lead, enrichment, score: get(lead, enrichment, score) in allowed,
            f"{spec.path} in [{', '.join(_show(value) for value in values)}]",
            Equality(spec, allowed),
        )

    def _range(self, spec: FieldSpec, bounds: dict[str, Any]) -> CompiledCondition | None:
        if not spec.is_number:
            self.fail(spec.path, f"{', '.join(bounds)} needs a number field; this is {spec.kind}")
            return None
        checks: list[tuple[Callable[[Any, Any], bool], Any]] = []
        texts = []
        for key, bound in bounds.items():
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                self.fail(spec.path, f"{key} needs a number, got {type(bound).__name__}")
                return None
            compare, symbol = _RANGE_OPERATORS[key]
            checks.append((compare, bound))
            texts.append(f"{spec.path} {symbol} {_show(bound)}")
        get = spec.getter
        frozen_checks = tuple(checks)

        def in_range(lead: LeadAttributes, enrichment: Enrichment, score: Score) -> bool:
            value = get(lead, enrichment, score)
            if value is None:
                return False
            for compare, bound in frozen_checks:  # noqa: SIM110
                if not compare(value, bound):
                    return False
            return True

        return CompiledCondition(in_range, " and ".join(texts), _indexed_bound(spec, bounds))

    def _exists(self, spec: FieldSpec, wanted: Any) -> CompiledCondition | None:
        if not isinstance(wanted, bool):
            self.fail(spec.path, "exists takes true or false")
            return None
        if not spec.optional:
            self.fail(spec.path, "exists: this field always has a value")
            return None
        get = spec.getter

        def has_value(lead: LeadAttributes, enrichment: Enrichment, score: Score) -> bool:
            value = get(lead, enrichment, score)
            return (value is not None and value != "") is wanted

        text = f"{spec.path} exists" if wanted else f"{spec.path} is empty"
        return CompiledCondition(has_value, text)

    def _pattern(self, spec: FieldSpec, operator: str, pattern: Any) -> CompiledCondition | None:
        if not spec.is_text:
            self.fail(spec.path, f"{operator} needs a text field; this is {spec.kind}")
            return None
        if not isinstance(pattern, str):
            self.fail(spec.path, f"{operator} takes a text pattern")
            return None
        source = fnmatch.translate(pattern) if operator == "glob" else pattern
        flags = re.IGNORECASE if operator == "glob" else 0
        try:
            compiled = re.compile(source, flags)
        except re.error as error:
            self.fail(spec.path, f"regex does not compile: {error}")
            return None
        # fnmatch.translate anchors the whole text; a user's regex is searched as written.
        find = compiled.match if operator == "glob" else compiled.search
        get = spec.getter

        def matches(lead: LeadAttributes, enrichment: Enrichment, score: Score) -> bool:
            value = get(lead, enrichment, score)
            return value is not None and find(value) is not None

        affix = _literal_affix(spec, pattern) if operator == "glob" else None
        return CompiledCondition(matches, f"{spec.path} matches {operator} {pattern}", affix)


def _indexed_bound(spec: FieldSpec, bounds: dict[str, Any]) -> Bound | None:
    """The one bound of a range the index files it under; every bound must hold, so any will do.

    A NaN bound is left out: it orders with nothing, and a range with one never holds anyway.
    """
    for operator in _INDEXED_FIRST:
        bound = bounds.get(operator)
        if bound is None or (isinstance(bound, float) and math.isnan(bound)):
            continue
        return Bound(spec, operator, bound)
    return None


def _literal_affix(spec: FieldSpec, pattern: str) -> Affix | None:
    """The literal start or end a glob `text*` or `*text` requires; None for other patterns."""
    if pattern.startswith("*"):
        end: Literal["prefix", "suffix"] = "suffix"
        text = pattern[1:]
    elif pattern.endswith("*"):
        end, text = "prefix", pattern[:-1]
    else:
        return None
    if not text or not text.isascii() or not _GLOB_WILDCARDS.isdisjoint(text):
        return None
    return Affix(spec, end, text.lower())
