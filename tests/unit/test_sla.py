from datetime import UTC, datetime, timedelta

import pytest

from service.rules import QueueConfig
from service.sla import sla_due_at

QUEUE = QueueConfig(name="inside-sales", strategy="round_robin", sla_minutes=30)


def test_a_lead_is_due_the_queues_sla_minutes_after_routing() -> None:
    routed = datetime(2026, 3, 18, 23, 45, tzinfo=UTC)
    assert sla_due_at(QUEUE, routed) == routed + timedelta(minutes=30)


def test_a_naive_routing_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sla_due_at(QUEUE, datetime(2026, 3, 18, 12, 0))
