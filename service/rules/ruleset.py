"""A compiled ruleset: queues, ordered rules and the first-match search over them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Literal

from schemas.decisions import RuleTrace
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.compiled_conditions import CompiledCondition
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
class BusinessHours:
    """When a queue's SLA clock runs: `days` (ISO weekdays, 1 = Monday) from `start` to `end`
    (local wall clock in `timezone`, end after start)."""

    timezone: str
    days: tuple[int, ...]
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Escalation:
    """What happens to a lead nobody accepted in time (the escalation ladder).

    `remind_after_minutes` after the breach the rep is reminded; `reroute_after_minutes` after
    the breach the lead is taken away and re-routed to the next available rep of the queue who
    has not had it yet, or to `then_queue` when there is none; a re-routed lead starts a new
    clock and climbs the same ladder. `max_steps` bounds the reminders and re-routes of a lead.
    """

    remind_after_minutes: float
    reroute_after_minutes: float
    max_steps: int
    then_queue: str | None = None


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A sales queue: how its leads are assigned, how fast they must be worked, where overflow goes.

    `respect_availability` skips reps who are out of office or outside their working hours;
    `respect_capacity` skips reps who reached their daily capacity. Inactive reps never get leads.
    """

    name: str
    strategy: Strategy
    sla_minutes: float
    overflow: str | None = None
    respect_availability: bool = True
    respect_capacity: bool = True
    # The SLA clock counts only these hours; None: calendar minutes.
    business_hours: BusinessHours | None = None
    escalation: Escalation | None = None


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
