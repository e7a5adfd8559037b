"""A compiled ruleset: queues, ordered rules and the first-match search over them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from schemas.decisions import RuleTrace
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.conditions import CompiledCondition
from service.rules.index import RuleIndex

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
# Rules a large ruleset walks in order before it consults its index.
_LINEAR_HEAD = 16


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
        index = (
            RuleIndex.build([rule.condition for rule in rules], _LINEAR_HEAD)
            if len(rules) >= _INDEX_FROM
            else None
        )
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

    def evaluate(
        self, lead: LeadAttributes, enrichment: Enrichment, score: Score
    ) -> tuple[int | None, tuple[RuleTrace, ...]]:
        """The position of the first rule, in order, whose condition holds, and the trace.

        The trace lists the rules evaluated, in order, ending with the match. Small rulesets
        evaluate every rule up to the match. Large ones evaluate their first rules in order
        and then consult the index, which leaves out rules whose required equality, bound
        or literal text start or end cannot hold for this lead: those are not evaluated and
        not listed.
        """
        rules = self.rules
        head = len(rules) if self.index is None else _LINEAR_HEAD
        # Most leads match one of the first rules: they never pay for the index.
        for position in range(min(head, len(rules))):
            if rules[position].condition.predicate(lead, enrichment, score):
                return position, (*self._missed[:position], rules[position].hit)
        if self.index is None:
            return None, self._missed
        evaluated: list[int] = []
        best = self.index.first_match(lead, enrichment, score, evaluated)
        missed = self._missed
        before = sorted(p for p in evaluated if best is None or p < best)
        trace = (*missed[:head], *(missed[p] for p in before))
        if best is None:
            return None, trace
        return best, (*trace, rules[best].hit)
