"""An index over a large ruleset's rules: which of them a given lead could match at all.

Each rule is filed under the requirement its condition names (an equality, a numeric bound, a
literal start or end of a text); rules without one are visited for every lead.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.compiled_conditions import (
    Bound,
    CompiledCondition,
    Equality,
    Predicate,
    RangeOperator,
)
from service.rules.fields import Getter

Cut = Callable[[Sequence[Any], Any], int]

# For each operator, how to cut the bounds (sorted ascending) at a lead's value, and whether
# the rules that could hold are those before the cut: `value >= bound` holds for every bound
# up to the last one <= value, `value > bound` for those < value, and so on.
_CUTS: dict[RangeOperator, tuple[Cut, bool]] = {
    "gte": (bisect_right, True),
    "gt": (bisect_left, True),
    "lte": (bisect_left, False),
    "lt": (bisect_right, False),
}


@dataclass(frozen=True, slots=True)
class _EqualityIndex:
    getter: Getter
    positions: Mapping[Any, tuple[int, ...]]


class _Bounds(NamedTuple):
    """The rules filed under one operator on one field, in order of their bound."""

    bounds: tuple[Any, ...]
    positions: tuple[int, ...]
    cut: Cut
    before: bool


@dataclass(frozen=True, slots=True)
class _RangeIndex:
    getter: Getter
    by_operator: tuple[_Bounds, ...]

    def collect(self, value: Any, into: list[Sequence[int]]) -> None:
        if value is None:  # an empty value never satisfies a range
            return
        # A NaN value cuts anywhere; it satisfies no range, so whatever it selects is right.
        found: list[int] = []
        for bounds, positions, cut, before in self.by_operator:
            at = cut(bounds, value)
            found.extend(positions[:at] if before else positions[at:])
        if found:
            found.sort()  # the candidates are visited in rule order
            into.append(found)


@dataclass(frozen=True, slots=True)
class _AffixIndex:
    """Rules filed under a literal prefix (or suffix) of one text field, by that text."""

    getter: Getter
    suffix: bool
    positions: Mapping[str, tuple[int, ...]]
    lengths: tuple[int, ...]
    every: tuple[int, ...]

    def collect(self, value: Any, into: list[Sequence[int]]) -> None:
        if value is None:
            return
        if not value.isascii():
            # Case-insensitive matching is not lower-casing outside ASCII: let glob decide.
            into.append(self.every)
            return
        text = value.lower()
        size = len(text)
        for length in self.lengths:
            if length > size:
                break
            found = self.positions.get(text[-length:] if self.suffix else text[:length])
            if found:
                into.append(found)


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """Rules grouped by what they require, so a lead only visits rules it could match.

    A rule is skipped when its required equality does not hold for the lead, when the lead's
    value is outside (or empty for) its required bound, or when the lead's text does not start
    or end with its required literal. Rules requiring none of these are always visited.
    """

    predicates: tuple[Predicate, ...]
    equalities: tuple[_EqualityIndex, ...]
    ranges: tuple[_RangeIndex, ...]
    affixes: tuple[_AffixIndex, ...]
    unindexed: tuple[int, ...]

    @classmethod
    def build(cls, conditions: Sequence[CompiledCondition], start: int) -> "RuleIndex":
        """Index the rules from position `start` on."""
        getters: dict[str, Getter] = {}
        equalities: dict[str, dict[Any, list[int]]] = {}
        ranges: dict[str, dict[RangeOperator, list[tuple[Any, int]]]] = {}
        affixes: dict[tuple[str, bool], dict[str, list[int]]] = {}
        unindexed: list[int] = []
        for position in range(start, len(conditions)):
            requirement = conditions[position].requirement
            if requirement is None:
                unindexed.append(position)
                continue
            path = requirement.field.path
            getters.setdefault(path, requirement.field.getter)
            if isinstance(requirement, Equality):
                table = equalities.setdefault(path, {})
                for value in requirement.values:
                    table.setdefault(value, []).append(position)
            elif isinstance(requirement, Bound):
                by_operator = ranges.setdefault(path, {})
                by_operator.setdefault(requirement.operator, []).append(
                    (requirement.bound, position)
                )
            else:
                key = (path, requirement.end == "suffix")
                affixes.setdefault(key, {}).setdefault(requirement.text, []).append(position)
        return cls(
            predicates=tuple(condition.predicate for condition in conditions),
            equalities=tuple(
                _EqualityIndex(
                    getters[path], {value: tuple(found) for value, found in table.items()}
                )
                for path, table in equalities.items()
            ),
            ranges=tuple(
                _RangeIndex(getters[path], tuple(_bounds(op, found) for op, found in ops.items()))
                for path, ops in ranges.items()
            ),
            affixes=tuple(
                _AffixIndex(
                    getters[path],
                    suffix,
                    {text: tuple(found) for text, found in table.items()},
                    tuple(sorted({len(text) for text in table})),
                    tuple(sorted(p for found in table.values() for p in found)),
                )
                for (path, suffix), table in affixes.items()
            ),
            unindexed=tuple(unindexed),
        )

    def first_match(
        self, lead: LeadAttributes, enrichment: Enrichment, score: Score, evaluated: list[int]
    ) -> int | None:
        """The first indexed rule this lead matches; appends every position it evaluates.

        Each candidate list is in rule order and no rule is in two lists, so the answer is the
        smallest first match over the lists; a list is abandoned as soon as it passes the best
        match found so far.
        """
        lists: list[Sequence[int]] = [self.unindexed] if self.unindexed else []
        for index in self.equalities:
            found = index.positions.get(index.getter(lead, enrichment, score))
            if found:
                lists.append(found)
        for ranges in self.ranges:
            ranges.collect(ranges.getter(lead, enrichment, score), lists)
        for affixes in self.affixes:
            affixes.collect(affixes.getter(lead, enrichment, score), lists)
        if len(lists) > 1:
            lists.sort(key=itemgetter(0))
        predicates = self.predicates
        best: int | None = None
        for candidates in lists:
            for position in candidates:
                if best is not None and position >= best:
                    break
                evaluated.append(position)
                if predicates[position](lead, enrichment, score):
                    best = position
                    break
        return best


def _bounds(operator: RangeOperator, found: list[tuple[Any, int]]) -> _Bounds:
    # Ties keep rule order, so candidates cut from one list often need no reordering.
    found.sort(key=itemgetter(0))
    cut, before = _CUTS[operator]
    return _Bounds(tuple(bound for bound, _ in found), tuple(p for _, p in found), cut, before)
