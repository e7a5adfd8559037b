"""A minimal lead event as an upstream system sends it, for the tests of the shapes around it
(Kafka Connect's envelope, Schema Registry's frame), and the moment they decode it at."""

from datetime import UTC, datetime
from typing import Any, Final

NOW: Final = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EVENT: Final[dict[str, Any]] = {
    "event_id": "evt-1",
    "event_type": "lead.created",
    "occurred_at": "2024-05-01T11:30:00Z",
    "source": "cdp",
    "lead": {"email": "ada@example.com", "company_name": "Analytical Engines"},
}
