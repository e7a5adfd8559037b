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

from typing import Any

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.compiled_conditions import Affix, Bound, CompiledCondition, Equality, Requirement
from service.rules.field_conditions import FieldConditionCompiler
from service.rules.problems import Problem

_COMBINATORS = ("all", "any", "not", "always")
# Which requirement of an `all` the index files the rule under: an equality or an affix is
# one dict look-up per lead; a bound selects every rule on the near side of the lead's value.
_PREFERENCE: tuple[type[Requirement], ...] = (Equality, Affix, Bound)


class _Compiler(FieldConditionCompiler):
    """Walks one rule's condition tree, collecting problems instead of stopping at the first."""

    def compile(self, raw: Any, at: str) -> CompiledCondition | None:
        if not isinstance(raw, dict):
            self.fail(at, "a condition must be a mapping")
            return None
        if "field" in raw:
            return self.field_condition(raw, at)
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


def _grouped(text: str) -> str:
    return f"({text})" if " or " in text or " and " in text else text


def compile_condition(
    raw: Any, rule: str, at: str, problems: list[Problem]
) -> CompiledCondition | None:
    """Validate and compile one condition; problems are appended, None returned if any."""
    before = len(problems)
    compiled = _Compiler(rule, problems).compile(raw, at)
    return compiled if len(problems) == before else None
