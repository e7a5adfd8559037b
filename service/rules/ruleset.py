"""A compiled ruleset: queues, ordered rules and the first-match search over them."""

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from schemas.decisions import RuleTrace
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.conditions import CompiledCondition
from service.rules.fields import Getter

Strategy = Literal[
    "account_owner", "account_team", "round_robin", "weighted_round_robin", "unassigned"
]
STRATEGIES: tuple[Strategy, ...] = (
    "account_owner",
    "account_team",
    "round_robin",
    "weighted_round_robin",
    "unassigned",
)

# Below this many rules a plain walk is as fast as consulting the index.
_INDEX_FROM = 32


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A sales queue: how its leads are assigned, how fast they must be worked, where overflow goes.

    `respect_availability` skips reps who are out of office or outside their working hours;
    `respect_capacity` skips reps who reached their daily capacity. Inactive reps never get leads.
    """

    name: str
    strategy: Strategy
    sla_minutes: int
    overflow: str | None = None
    respect_availability: bool = True
    respect_capacity: bool = True


@dataclass(frozen=True, slots=True)
class RuleAction:
    """What a matching rule decides: nurture, or a queue (optionally overriding its strategy
    or overflow target)."""

    nurture: bool = False
    queue: str | None = None
    strategy: Strategy | None = None
    overflow: str | None = None
    # The queue's settings with this rule's overrides applied, resolved once at load.
    queue_config: QueueConfig | None = None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    description: str | None
    condition: CompiledCondition
    action: RuleAction
    reason: str
    # Built once so that a decision's trace costs a tuple slice, not one object per rule.
    missed: RuleTrace
    hit: RuleTrace


@dataclass(frozen=True, slots=True)
class _FieldIndex:
    getter: Getter
    positions: Mapping[Any, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """Rules grouped by an equality they require, so a lead only visits rules it could match.

    Rules without such an equality (ranges, patterns, `any`, `not`) are always visited.
    """

    by_field: tuple[_FieldIndex, ...]
    unindexed: tuple[int, ...]

    @classmethod
    def build(cls, rules: tuple[CompiledRule, ...]) -> "RuleIndex":
        fields: dict[str, tuple[Getter, dict[Any, list[int]]]] = {}
        unindexed: list[int] = []
        for position, rule in enumerate(rules):
            dispatch = rule.condition.dispatch
            if dispatch is None:
                unindexed.append(position)
                continue
            _, table = fields.setdefault(dispatch.field.path, (dispatch.field.getter, {}))
            for value in dispatch.values:
                table.setdefault(value, []).append(position)
        by_field = tuple(
            _FieldIndex(getter, {value: tuple(found) for value, found in table.items()})
            for getter, table in fields.values()
        )
        return cls(by_field, tuple(unindexed))

    def candidates(
        self, lead: LeadAttributes, enrichment: Enrichment, score: Score
    ) -> Iterable[int]:
        """Positions of the rules this lead could match, in rule order."""
        lists: list[tuple[int, ...]] = [self.unindexed] if self.unindexed else []
        for index in self.by_field:
            found = index.positions.get(index.getter(lead, enrichment, score))
            if found:
                lists.append(found)
        if len(lists) == 1:
            return lists[0]
        return heapq.merge(*lists)


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """An ordered, versioned ruleset ready to decide; build it with `load_ruleset`."""

    version: str
    source: str
    queues: Mapping[str, QueueConfig]
    rules: tuple[CompiledRule, ...]
    fallback: str
    scoring: dict[str, Any] | None = None
    index: RuleIndex | None = field(default=None, repr=False)
    _missed: tuple[RuleTrace, ...] = field(default=(), repr=False)

    @classmethod
    def assemble(
        cls,
        *,
        version: str,
        source: str,
        queues: Mapping[str, QueueConfig],
        rules: tuple[CompiledRule, ...],
        fallback: str,
        scoring: dict[str, Any] | None,
    ) -> "CompiledRuleset":
        index = RuleIndex.build(rules) if len(rules) >= _INDEX_FROM else None
        missed = tuple(rule.missed for rule in rules)
        return cls(
            version=version,
            source=source,
            queues=queues,
            rules=rules,
            fallback=fallback,
            scoring=scoring,
            index=index,
            _missed=missed,
        )

    def first_match(self, lead: LeadAttributes, enrichment: Enrichment, score: Score) -> int | None:
        """Position of the first rule, in order, whose condition holds for this lead."""
        rules = self.rules
        positions: Iterable[int] = (
            range(len(rules))
            if self.index is None
            else self.index.candidates(lead, enrichment, score)
        )
        for position in positions:
            if rules[position].condition.predicate(lead, enrichment, score):
                return position
        return None

    def trace(self, matched: int | None) -> tuple[RuleTrace, ...]:
        """Every rule considered, in order: all rules before the match missed, then the match.

        With no match every rule is listed as missed.
        """
        if matched is None:
            return self._missed
        return (*self._missed[:matched], self.rules[matched].hit)
