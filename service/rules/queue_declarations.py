"""The queues a ruleset declares: each queue's settings checked, and overflow chains that loop.

Queue keys: `strategy` (account_owner, account_team, round_robin, weighted_round_robin, unassigned)
and `sla_minutes` (a positive number) are required; `overflow` (a declared queue; overflow
chains may not loop), `respect_availability` and `respect_capacity` (both default true) are
optional, and so are `business_hours` and `escalation` (see `service.rules.queue_settings`).
Queue names are lowercase letters, digits and dashes, since they name Kafka topics.
"""

import re
from typing import Any, cast

from service.rules.problems import Problem, unknown_keys
from service.rules.queue_settings import is_positive_number, parse_business_hours, parse_escalation
from service.rules.ruleset import STRATEGIES, QueueConfig, Strategy

_QUEUE_KEYS = (
    "strategy",
    "sla_minutes",
    "overflow",
    "respect_availability",
    "respect_capacity",
    "business_hours",
    "escalation",
)
# Queue names become topic names (`sales.queue.<queue>.v1`).
_QUEUE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def is_strategy(value: Any) -> bool:
    return isinstance(value, str) and value in STRATEGIES


def parse_queue(
    name: Any, raw: Any, declared: set[str], problems: list[Problem]
) -> QueueConfig | None:
    at = f"queues.{name}"
    if not isinstance(name, str) or not _QUEUE_NAME.match(name):
        problems.append(Problem(None, at, "queue names are lowercase letters, digits and dashes"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(None, at, "a queue is a mapping with strategy and sla_minutes"))
        return None
    before = len(problems)
    problems.extend(unknown_keys(raw, _QUEUE_KEYS, None, f"{at}."))
    strategy = raw.get("strategy")
    if not is_strategy(strategy):
        problems.append(
            Problem(
                None,
                f"{at}.strategy",
                f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}",
            )
        )
    sla = raw.get("sla_minutes")
    if not is_positive_number(sla):
        problems.append(Problem(None, f"{at}.sla_minutes", "needs a positive number"))
    overflow = raw.get("overflow")
    if overflow is not None and not isinstance(overflow, str):
        problems.append(Problem(None, f"{at}.overflow", "needs a queue name"))
    flags = {}
    for flag in ("respect_availability", "respect_capacity"):
        value = raw.get(flag, True)
        if not isinstance(value, bool):
            problems.append(Problem(None, f"{at}.{flag}", "needs true or false"))
        flags[flag] = value is True
    hours = raw.get("business_hours")
    if hours is not None:
        hours = parse_business_hours(hours, f"{at}.business_hours", problems)
    escalation = raw.get("escalation")
    if escalation is not None:
        escalation = parse_escalation(escalation, name, declared, f"{at}.escalation", problems)
    if len(problems) != before:
        return None
    return QueueConfig(
        name=name,
        strategy=cast(Strategy, strategy),
        sla_minutes=sla if isinstance(sla, int) else float(cast(float, sla)),
        overflow=overflow,
        respect_availability=flags["respect_availability"],
        respect_capacity=flags["respect_capacity"],
        business_hours=hours,
        escalation=escalation,
    )


def check_overflow(
    queues: dict[str, QueueConfig], declared: set[str], problems: list[Problem]
) -> None:
    for name, queue in queues.items():
        if queue.overflow is not None and queue.overflow not in declared:
            problems.append(
                Problem(None, f"queues.{name}.overflow", f"unknown queue {queue.overflow!r}")
            )
    for name, queue in queues.items():
        seen = [name]
        current = queue.overflow
        while current is not None and current in queues:
            if current in seen:
                chain = " -> ".join([*seen, current])
                problems.append(
                    Problem(None, f"queues.{name}.overflow", f"overflow loops: {chain}")
                )
                break
            seen.append(current)
            current = queues[current].overflow


def loops_back(queue: str, overflow: str, queues: dict[str, QueueConfig]) -> bool:
    seen = {queue}
    current: str | None = overflow
    while current is not None and current in queues:
        if current in seen:
            return True
        seen.add(current)
        current = queues[current].overflow
    return False
