"""Rule conditions: validated once at load and compiled into predicates over a lead.

A condition is a mapping of one of these shapes:

- `{field: <path>, equals: <value>}`: exact equality (case-sensitive; `null` only for fields that
  can be empty).
- `{field: <path>, in: [<value>, ...]}`: equality with any listed value.
- `{field: <path>, gt|gte|lt|lte: <number>}`: numeric range; several bounds may be combined
  (`{field: lead.employee_count, gte: 200, lt: 1000}`). An empty value never matches.
- `{field: <path>, exists: true|false}`: the field has a value (`null` and `""` count as empty).
- `{field: <path>, glob: "*@globex.com"}`: shell-style pattern over the whole text,
  case-insensitive.
- `{field: <path>, regex: "..."}`: Python regular expression searched in the text, as written.
- `{all: [<condition>, ...]}`, `{any: [<condition>, ...]}`, `{not: <condition>}`, `{always: true}`.

Values are checked against the field: `Literal` fields accept only their declared choices, ranges
need a number field, glob and regex need a text field. Compiled predicates are closures over
attribute getters; user text is never evaluated. A compiled condition may also name one
`Requirement` that must hold for it to hold (an equality, a bound, a literal start or end of a
text), which lets a large ruleset skip the rules a lead cannot match.
"""

import fnmatch
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from operator import ge, gt, le, lt
from typing import Any, Literal

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.fields import FIELDS, FieldSpec
from service.rules.problems import Problem

Predicate = Callable[[LeadAttributes, Enrichment, Score], bool]

_RANGE_OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "gt": (gt, ">"),
    "gte": (ge, ">="),
    "lt": (lt, "<"),
    "lte": (le, "<="),
}
_VALUE_OPERATORS = ("equals", "in", "exists", "glob", "regex")
_FIELD_KEYS = frozenset({"field", *_VALUE_OPERATORS, *_RANGE_OPERATORS})
_COMBINATORS = ("all", "any", "not", "always")
_GLOB_WILDCARDS = frozenset("*?[")

RangeOperator = Literal["gt", "gte", "lt", "lte"]
# A range is indexed by its lower bound when it has one: any bound would do, one is enough.
_INDEXED_FIRST: tuple[RangeOperator, ...] = ("gte", "gt", "lte", "lt")


@dataclass(frozen=True, slots=True)
class Equality:
    """The field must equal one of `values` for the condition to hold."""

    field: FieldSpec
    values: frozenset[Any]


@dataclass(frozen=True, slots=True)
class Bound:
    """The number field must satisfy `value <operator> bound` (and not be empty)."""

    field: FieldSpec
    operator: RangeOperator
    bound: int | float


@dataclass(frozen=True, slots=True)
class Affix:
    """The text field must start (`prefix`) or end (`suffix`) with `text`, ignoring case.

    `text` is ASCII and lower case: for ASCII, lower-casing both sides is exactly the
    comparison glob makes with re.IGNORECASE. Outside ASCII it is not (the long s, U+017F,
    matches `s`; the Kelvin sign, U+212A, matches `k`), so a value that is not ASCII must be
    compared by the predicate.
    """

    field: FieldSpec
    end: Literal["prefix", "suffix"]
    text: str


Requirement = Equality | Bound | Affix
# Which requirement of an `all` the index files the rule under: an equality or an affix is
# one dict look-up per lead; a bound selects every rule on the near side of the lead's value.
_PREFERENCE: tuple[type[Requirement], ...] = (Equality, Affix, Bound)


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    predicate: Predicate
    text: str
    # Something that must hold for the condition to hold; None when nothing simple must.
    requirement: Requirement | None = None


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Compiler:
    """Walks one rule's condition tree, collecting problems instead of stopping at the first."""

    def __init__(self, rule: str, problems: list[Problem]) -> None:
        self.rule = rule
        self.problems = problems

    def fail(self, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.rule, field, message))

    def compile(self, raw: Any, at: str) -> CompiledCondition | None:
        if not isinstance(raw, dict):
            self.fail(at, "a condition must be a mapping")
            return None
        if "field" in raw:
            return self._field_condition(raw, at)
        present = [key for key in _COMBINATORS if key in raw]
        unknown = [key for key in raw if key not in _COMBINATORS]
        for key in unknown:
            self.fail(
                f"{at}.{key}",
                f"unknown key {key!r}; a condition has `field` plus an operator, "
                "or one of all, any, not, always",
            )
        if not present:
            if not unknown:
                self.fail(at, "empty condition")
            return None
        if len(present) > 1:
            self.fail(at, f"a condition has one of all, any, not, always; got {present}")
            return None
        if unknown:
            return None
        key = present[0]
        value = raw[key]
        if key == "always":
            if value is not True:
                self.fail(f"{at}.always", "always takes the value true")
                return None
            return CompiledCondition(lambda lead, enrichment, score: True, "always")
        if key == "not":
            inner = self.compile(value, f"{at}.not")
            if inner is None:
                return None
            negated = inner.predicate
            return CompiledCondition(
                lambda lead, enrichment, score: not negated(lead, enrichment, score),
                f"not ({inner.text})",
            )
        return self._combination(key, value, f"{at}.{key}")

    def _combination(self, key: str, value: Any, at: str) -> CompiledCondition | None:
        if not isinstance(value, list) or not value:
            self.fail(at, f"{key} takes a non-empty list of conditions")
            return None
        parts = [self.compile(item, f"{at}[{i}]") for i, item in enumerate(value)]
        compiled = [part for part in parts if part is not None]
        if len(compiled) != len(parts):
            return None
        predicates = tuple(part.predicate for part in compiled)
        if key == "all":
            text = " and ".join(_grouped(part.text) for part in compiled)
            # Every conjunct must hold, so the requirement of any one of them is the rule's.
            requirements = [p.requirement for p in compiled if p.requirement is not None]
            requirement = min(requirements, key=lambda r: _PREFERENCE.index(type(r)), default=None)

            def all_of(lead: LeadAttributes, enrichment: Enrichment, score: Score) -> bool:
                # A plain loop: all() over a generator costs a frame per evaluation.
                for predicate in predicates:  # noqa: SIM110
                    if not predicate(lead, enrichment, score):
                        return False
                return True

            return CompiledCondition(all_of, text, requirement)

        def any_of(lead: LeadAttributes, enrichment: Enrichment, score: Score) -> bool:
            for predicate in predicates:  # noqa: SIM110
                if predicate(lead, enrichment, score):
                    return True
            return False

        return CompiledCondition(any_of, " or ".join(_grouped(p.text) for p in compiled))

    def _field_condition(self, raw: dict[str, Any], at: str) -> CompiledCondition | None:
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


def _grouped(text: str) -> str:
    return f"({text})" if " or " in text or " and " in text else text


def compile_condition(
    raw: Any, rule: str, at: str, problems: list[Problem]
) -> CompiledCondition | None:
    """Validate and compile one condition; problems are appended, None returned if any."""
    before = len(problems)
    compiled = _Compiler(rule, problems).compile(raw, at)
    return compiled if len(problems) == before else None
