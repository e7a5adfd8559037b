"""Service levels: by when sales must work a routed lead, and what happens when nobody does.

Pure arithmetic: every function takes the times it needs (`now` is passed in, never read).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from service.rules import QueueConfig
from service.rules.ruleset import BusinessHours, Escalation

StepAction = Literal["remind", "reroute", "breached"]

# A year of days is more than any SLA needs; the bound only stops a malformed calendar looping.
_MAX_DAYS = 400


def _add_business_minutes(hours: BusinessHours, start: datetime, minutes: float) -> datetime:
    zone = ZoneInfo(hours.timezone)
    remaining = timedelta(minutes=minutes)
    current = start.astimezone(UTC)
    day = current.astimezone(zone).date()
    for _ in range(_MAX_DAYS):
        if day.isoweekday() in hours.days:
            opens = datetime.combine(day, hours.start, tzinfo=zone).astimezone(UTC)
            closes = datetime.combine(day, hours.end, tzinfo=zone).astimezone(UTC)
            begin = max(current, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
        current = max(current, datetime.combine(day, hours.start, tzinfo=zone).astimezone(UTC))
    raise ValueError("business hours leave no time to work the lead")


def sla_due_at(queue: QueueConfig, routed_at: datetime) -> datetime:
    """A routed lead must be worked within the queue's SLA minutes of being routed.

    Without business hours the minutes are calendar minutes. With them, only minutes inside the
    queue's working days and hours (in its time zone) count: a lead routed on Friday evening
    with a 30-minute SLA is due 30 minutes after the queue opens on Monday.
    """
    if routed_at.tzinfo is None:
        raise ValueError("routed_at must be timezone-aware")
    if queue.business_hours is None:
        return routed_at + timedelta(minutes=queue.sla_minutes)
    return _add_business_minutes(queue.business_hours, routed_at, queue.sla_minutes)


@dataclass(frozen=True, slots=True)
class NextStep:
    """The next rung of a lead's escalation ladder: its number, what it does and when."""

    step: int
    action: StepAction
    at: datetime


def next_step(
    escalation: Escalation | None, due_at: datetime, steps_done: int, reminded: bool
) -> NextStep | None:
    """What happens next to a routed lead nobody has accepted, or None when nothing will.

    Without a ladder the breach is reported once, at the due time. With one, the rep is
    reminded `remind_after_minutes` after the breach and the lead is re-routed
    `reroute_after_minutes` after it. Steps are counted over the lead's whole ladder
    (`steps_done` before this assignment); at `max_steps` the ladder ends.
    """
    if escalation is None:
        return None if reminded else NextStep(steps_done + 1, "breached", due_at)
    if steps_done >= escalation.max_steps:
        return None
    if not reminded:
        return NextStep(
            steps_done + 1, "remind", due_at + timedelta(minutes=escalation.remind_after_minutes)
        )
    return NextStep(
        steps_done + 1, "reroute", due_at + timedelta(minutes=escalation.reroute_after_minutes)
    )


def is_due(step: NextStep | None, now: datetime) -> bool:
    return step is not None and step.at <= now


def escalation_why(
    *,
    decision_id: str,
    rep_id: str | None,
    due_at: datetime,
    step: int,
    max_steps: int,
    excluded: tuple[str, ...],
    target: str,
) -> str:
    """The why of a re-route: the breach, the step and who is excluded."""
    holder = rep_id or "nobody"
    shut_out = ", ".join(excluded) if excluded else "nobody"
    return (
        f"SLA breached: decision {decision_id} ({holder}) not accepted by "
        f"{due_at.isoformat()}; escalation step {step} of {max_steps}: re-routed to {target}, "
        f"excluding {shut_out}"
    )
