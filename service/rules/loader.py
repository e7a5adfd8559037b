"""Reads a routing ruleset from YAML text, validates all of it, and compiles it.

The caller reads the file; this module only parses text. The shape:

```yaml
version: "2026.11.1"             # required, a string (quote it)
scoring: {...}                   # optional mapping, kept opaque for the scoring configuration
queues:                          # every queue a rule or overflow names is declared here
  key-accounts: {strategy: account_owner, sla_minutes: 60, overflow: inside-sales}
  inside-sales: {strategy: weighted_round_robin, sla_minutes: 30, overflow: sales-fallback,
                 respect_capacity: true, respect_availability: true}
  sales-fallback: {strategy: unassigned, sla_minutes: 240}
rules:                           # evaluated in order; the first match decides
  - id: not-sales-ready
    description: Leads below the sales-ready threshold go back to marketing nurture
    when: {field: score.sales_ready, equals: false}
    then: {nurture: true}
  - id: key-accounts-emea
    when: {all: [{field: enrichment.account.tier, in: [key, strategic]},
                 {field: enrichment.territory, equals: EMEA}]}
    then: {queue: key-accounts, overflow: field-sales-emea}   # strategy/overflow may be overridden
fallback: sales-fallback         # required: a lead no rule matched goes here, never dropped
```

Queue keys: see `service.rules.queue_declarations`.
Rule keys: `id` (unique), `description` (optional), `when` (see `service.rules.conditions`),
`then` (`{nurture: true}` or `{queue: <name>}` with optional `strategy` and `overflow`).

Unknown keys, unknown fields, values of the wrong type, patterns that do not compile, unknown
queues or strategies, duplicate rule ids and a missing fallback are all reported together in
one `RulesetError`.
"""

import re
import types
from dataclasses import replace
from typing import Any, cast

import yaml

from schemas.decisions import RuleTrace
from service.rules.conditions import compile_condition
from service.rules.problems import Problem, RulesetError, unknown_keys
from service.rules.queue_declarations import check_overflow, is_strategy, loops_back, parse_queue
from service.rules.ruleset import (
    STRATEGIES,
    CompiledRule,
    CompiledRuleset,
    QueueConfig,
    RuleAction,
    Strategy,
)

_TOP_KEYS = ("version", "scoring", "queues", "rules", "fallback")
_RULE_KEYS = ("id", "description", "when", "then")
_ACTION_KEYS = ("nurture", "queue", "strategy", "overflow")
_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


def _parse_action(
    raw: Any, rule: str, queues: dict[str, QueueConfig], declared: set[str], problems: list[Problem]
) -> RuleAction | None:
    if not isinstance(raw, dict):
        problems.append(Problem(rule, "then", "then is a mapping: {nurture: true} or {queue: ...}"))
        return None
    before = len(problems)
    problems.extend(unknown_keys(raw, _ACTION_KEYS, rule, "then."))
    nurture = raw.get("nurture", False)
    queue = raw.get("queue")
    strategy = raw.get("strategy")
    overflow = raw.get("overflow")
    if not isinstance(nurture, bool):
        problems.append(Problem(rule, "then.nurture", "needs true or false"))
    elif nurture and any(key in raw for key in ("queue", "strategy", "overflow")):
        problems.append(
            Problem(rule, "then", "a nurture rule names no queue, strategy or overflow")
        )
    elif not nurture and queue is None:
        problems.append(Problem(rule, "then", "needs a queue (or nurture: true)"))
    if queue is not None and (not isinstance(queue, str) or queue not in declared):
        problems.append(Problem(rule, "then.queue", f"unknown queue {queue!r}"))
    if strategy is not None and not is_strategy(strategy):
        problems.append(
            Problem(
                rule,
                "then.strategy",
                f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}",
            )
        )
    if overflow is not None and (not isinstance(overflow, str) or overflow not in declared):
        problems.append(Problem(rule, "then.overflow", f"unknown queue {overflow!r}"))
    if isinstance(queue, str) and isinstance(overflow, str) and loops_back(queue, overflow, queues):
        problems.append(Problem(rule, "then.overflow", f"overflow from {queue!r} loops back to it"))
    if len(problems) != before:
        return None
    config = queues.get(queue) if queue is not None else None
    if queue is not None and config is None:
        return None  # the queue's own settings are wrong; that problem is already reported
    if config is not None and (strategy is not None or overflow is not None):
        config = replace(
            config,
            strategy=strategy or config.strategy,
            overflow=overflow or config.overflow,
        )
    return RuleAction(
        nurture=nurture,
        queue=queue,
        strategy=cast(Strategy | None, strategy),
        overflow=overflow,
        queue_config=config,
    )


def _parse_rule(
    *,
    position: int,
    raw: Any,
    queues: dict[str, QueueConfig],
    declared: set[str],
    seen: set[str],
    problems: list[Problem],
) -> CompiledRule | None:
    label = f"rules[{position}]"
    if not isinstance(raw, dict):
        problems.append(Problem(label, None, "a rule is a mapping with id, when and then"))
        return None
    rule_id = raw.get("id")
    if isinstance(rule_id, str) and _RULE_ID.match(rule_id):
        label = rule_id
        if rule_id in seen:
            problems.append(Problem(label, "id", "duplicate rule id"))
        seen.add(rule_id)
    else:
        problems.append(
            Problem(label, "id", "needs an id: letters, digits and - _ . : (up to 128)")
        )
        rule_id = None
    before = len(problems)
    problems.extend(unknown_keys(raw, _RULE_KEYS, label, ""))
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(Problem(label, "description", "needs text"))
    if "when" not in raw:
        problems.append(Problem(label, "when", "missing; use {always: true} to match everything"))
        condition = None
    else:
        condition = compile_condition(raw["when"], label, "when", problems)
    action = _parse_action(raw.get("then"), label, queues, declared, problems)
    if len(problems) != before or rule_id is None or condition is None or action is None:
        return None
    return CompiledRule(
        id=rule_id,
        description=description,
        condition=condition,
        action=action,
        reason=f"rule {rule_id}: {condition.text}",
        missed=RuleTrace(rule_id=rule_id, matched=False),
        hit=RuleTrace(rule_id=rule_id, matched=True),
    )


def load_ruleset(text: str, source: str = "<rules>") -> CompiledRuleset:
    """Parse, validate and compile a ruleset; raises RulesetError listing every problem.

    `source` names where the text came from (a path, a topic) in error messages.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulesetError((Problem(None, None, f"not valid YAML: {error}"),), source) from None
    if not isinstance(raw, dict):
        raise RulesetError((Problem(None, None, "a ruleset is a YAML mapping"),), source)
    problems: list[Problem] = unknown_keys(raw, _TOP_KEYS, None, "")

    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(
            Problem(None, "version", 'required, as a quoted string such as "2026.11.1"')
        )
    scoring = raw.get("scoring")
    if scoring is not None and not isinstance(scoring, dict):
        problems.append(Problem(None, "scoring", "needs a mapping"))

    raw_queues = raw.get("queues")
    queues: dict[str, QueueConfig] = {}
    declared: set[str] = set()
    if not isinstance(raw_queues, dict) or not raw_queues:
        problems.append(Problem(None, "queues", "required: a mapping of queue name to settings"))
    else:
        declared = {name for name in raw_queues if isinstance(name, str)}
        for name, settings in raw_queues.items():
            queue = parse_queue(name, settings, declared, problems)
            if queue is not None:
                queues[name] = queue
        check_overflow(queues, declared, problems)

    fallback = raw.get("fallback")
    if fallback is None:
        problems.append(Problem(None, "fallback", "required: the queue for leads no rule matches"))
    elif not isinstance(fallback, str) or fallback not in declared:
        problems.append(Problem(None, "fallback", f"unknown queue {fallback!r}"))

    raw_rules = raw.get("rules")
    rules: list[CompiledRule] = []
    if raw_rules is None:
        raw_rules = []
    if not isinstance(raw_rules, list):
        problems.append(Problem(None, "rules", "needs a list of rules"))
    else:
        seen: set[str] = set()
        for position, raw_rule in enumerate(raw_rules):
            rule = _parse_rule(
                position=position,
                raw=raw_rule,
                queues=queues,
                declared=declared,
                seen=seen,
                problems=problems,
            )
            if rule is not None:
                rules.append(rule)

    if problems:
        raise RulesetError(tuple(problems), source)
    return CompiledRuleset.assemble(
        version=cast(str, version),
        source=source,
        queues=types.MappingProxyType(queues),
        rules=tuple(rules),
        fallback=cast(str, fallback),
        scoring=scoring,
    )
