"""Validation of a queue's SLA settings: business hours and the escalation ladder.

```yaml
inside-sales:
  strategy: weighted_round_robin
  sla_minutes: 30                 # a positive number; fractions allowed (0.05 = 3 s, for tests)
  business_hours: {timezone: Europe/Berlin, days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00"}
  escalation: {remind_after_minutes: 0, reroute_after_minutes: 15, then_queue: sales-fallback,
               max_steps: 4}
```

`days` are ISO weekdays (1 = Monday, default Monday to Friday); `end` is after `start`.
`remind_after_minutes` (default 0) and `reroute_after_minutes` count from the breach, the
re-route strictly after the reminder; `max_steps` (default 4, at least 1) bounds the reminders
and re-routes of one lead; `then_queue` (optional, a declared queue other than this one) takes
the lead when no rep of the queue who has not had it yet can take it.
"""

import re
from datetime import time
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from service.decision_ids import MAX_ESCALATION_STEPS
from service.rules.problems import Problem
from service.rules.ruleset import BusinessHours, Escalation

_HOURS_KEYS = ("timezone", "days", "start", "end")
_ESCALATION_KEYS = ("remind_after_minutes", "reroute_after_minutes", "then_queue", "max_steps")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def is_positive_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _is_minutes(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _unknown(raw: dict[Any, Any], allowed: tuple[str, ...], at: str) -> list[Problem]:
    return [
        Problem(None, f"{at}.{key}", f"unknown key {key!r}; expected one of {', '.join(allowed)}")
        for key in raw
        if key not in allowed
    ]


def _clock(value: Any, at: str, problems: list[Problem]) -> time | None:
    found = _CLOCK.match(value) if isinstance(value, str) else None
    if found is None:
        problems.append(Problem(None, at, 'needs a quoted 24-hour time such as "09:00"'))
        return None
    return time(int(found.group(1)), int(found.group(2)))


def parse_business_hours(raw: Any, at: str, problems: list[Problem]) -> BusinessHours | None:
    """The queue's business hours, or None (with problems added) when they are invalid."""
    if not isinstance(raw, dict):
        problems.append(Problem(None, at, "needs a mapping with timezone, days, start and end"))
        return None
    before = len(problems)
    problems.extend(_unknown(raw, _HOURS_KEYS, at))
    zone = raw.get("timezone")
    try:
        if not isinstance(zone, str):
            raise ValueError(zone)
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(None, f"{at}.timezone", f"unknown time zone {zone!r}"))
    days = raw.get("days", [1, 2, 3, 4, 5])
    if (
        not isinstance(days, list)
        or not days
        or any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days)
    ):
        problems.append(Problem(None, f"{at}.days", "needs a list of ISO weekdays 1 to 7"))
    start = _clock(raw.get("start"), f"{at}.start", problems)
    end = _clock(raw.get("end"), f"{at}.end", problems)
    if start is not None and end is not None and end <= start:
        problems.append(Problem(None, f"{at}.end", "must be after start"))
    if len(problems) != before or start is None or end is None:
        return None
    return BusinessHours(timezone=str(zone), days=tuple(sorted(set(days))), start=start, end=end)


def parse_escalation(
    raw: Any, queue: str, declared: set[str], at: str, problems: list[Problem]
) -> Escalation | None:
    """The queue's escalation ladder, or None (with problems added) when it is invalid."""
    if not isinstance(raw, dict):
        problems.append(Problem(None, at, "needs a mapping with reroute_after_minutes"))
        return None
    before = len(problems)
    problems.extend(_unknown(raw, _ESCALATION_KEYS, at))
    remind = raw.get("remind_after_minutes", 0)
    if not _is_minutes(remind):
        problems.append(Problem(None, f"{at}.remind_after_minutes", "needs a number >= 0"))
    reroute = raw.get("reroute_after_minutes")
    if not _is_minutes(reroute):
        problems.append(Problem(None, f"{at}.reroute_after_minutes", "required: a number >= 0"))
    elif _is_minutes(remind) and reroute <= remind:
        problems.append(
            Problem(None, f"{at}.reroute_after_minutes", "must be after remind_after_minutes")
        )
    steps = raw.get("max_steps", 4)
    if (
        not isinstance(steps, int)
        or isinstance(steps, bool)
        or not 1 <= steps <= MAX_ESCALATION_STEPS
    ):
        problems.append(
            Problem(
                None, f"{at}.max_steps", f"needs a whole number from 1 to {MAX_ESCALATION_STEPS}"
            )
        )
    then = raw.get("then_queue")
    if then is not None and (not isinstance(then, str) or then not in declared or then == queue):
        problems.append(
            Problem(None, f"{at}.then_queue", f"needs another declared queue, not {then!r}")
        )
    if len(problems) != before:
        return None
    return Escalation(
        remind_after_minutes=float(remind),
        reroute_after_minutes=float(cast(float, reroute)),
        max_steps=steps,
        then_queue=then,
    )
