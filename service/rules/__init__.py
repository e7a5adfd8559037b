"""The routing rules language: an ordered, versioned ruleset compiled into fast predicates."""

from service.rules.loader import load_ruleset
from service.rules.problems import Problem, RulesetError
from service.rules.ruleset import (
    STRATEGIES,
    CompiledRule,
    CompiledRuleset,
    QueueConfig,
    RuleAction,
    Strategy,
)

__all__ = [
    "STRATEGIES",
    "CompiledRule",
    "CompiledRuleset",
    "Problem",
    "QueueConfig",
    "RuleAction",
    "RulesetError",
    "Strategy",
    "load_ruleset",
]
