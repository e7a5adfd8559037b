"""Service levels: by when sales must work a routed lead."""

from datetime import datetime, timedelta

from service.rules import QueueConfig


def sla_due_at(queue: QueueConfig, routed_at: datetime) -> datetime:
    """A routed lead must be worked within the queue's SLA minutes of being routed.

    Minutes are calendar minutes: the clock does not stop outside working hours, because
    assignment already skips reps who are not working.
    """
    if routed_at.tzinfo is None:
        raise ValueError("routed_at must be timezone-aware")
    return routed_at + timedelta(minutes=queue.sla_minutes)
