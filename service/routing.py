"""The queue decision: which rule a lead matches and what that rule decides."""

from dataclasses import dataclass

from schemas.decisions import RuleTrace
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules import CompiledRuleset, QueueConfig, Strategy

NO_MATCH_REASON = "no rule matched; fallback queue"


@dataclass(frozen=True, slots=True)
class RouteChoice:
    """Where a lead goes and why.

    `queue_config` is the queue's settings with the rule's strategy and overflow overrides
    applied: pass it to `assign_lead`. For nurture, queue, strategy and queue_config are None.
    """

    nurture: bool
    queue: str | None
    strategy: Strategy | None
    rule_id: str | None
    ruleset_version: str
    reason: str
    rules_evaluated: tuple[RuleTrace, ...]
    queue_config: QueueConfig | None


def decide_route(
    ruleset: CompiledRuleset, lead: LeadAttributes, enrichment: Enrichment, score: Score
) -> RouteChoice:
    """Decide where a lead goes: the first rule, in order, whose condition holds decides.

    A rule either sends the lead back to marketing nurture or names a sales queue. A lead no
    rule matches goes to the ruleset's fallback queue: nothing is dropped.
    """
    position, trace = ruleset.evaluate(lead, enrichment, score)
    if position is None:
        fallback = ruleset.queues[ruleset.fallback]
        return RouteChoice(
            nurture=False,
            queue=fallback.name,
            strategy=fallback.strategy,
            rule_id=None,
            ruleset_version=ruleset.version,
            reason=NO_MATCH_REASON,
            rules_evaluated=trace,
            queue_config=fallback,
        )
    rule = ruleset.rules[position]
    reason = rule.reason
    action = rule.action
    if action.nurture or action.queue is None:
        return RouteChoice(
            nurture=True,
            queue=None,
            strategy=None,
            rule_id=rule.id,
            ruleset_version=ruleset.version,
            reason=reason,
            rules_evaluated=trace,
            queue_config=None,
        )
    config = action.queue_config
    if config is None:  # a loaded ruleset resolves every queue; kept for the type checker
        config = ruleset.queues[action.queue]
    return RouteChoice(
        nurture=False,
        queue=config.name,
        strategy=config.strategy,
        rule_id=rule.id,
        ruleset_version=ruleset.version,
        reason=reason,
        rules_evaluated=trace,
        queue_config=config,
    )
