"""Plain JSON lead events as producers send them to intake, and intake's answer to each."""

from datetime import UTC, datetime
from typing import Any

import orjson

from schemas.events import LeadEvent
from service.intake import Rejection, decode_lead_event

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LEAD = {"email": "ada@example.com", "first_name": "Ada", "company_name": "Analytical Engines"}

Headers = list[tuple[str, bytes | None]]


def lead_event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": "evt-1",
        "event_type": "lead.created",
        "occurred_at": "2024-05-01T11:30:00Z",
        "source": "webforms",
        "lead": dict(LEAD),
    }
    event.update(overrides)
    return event


def decode(
    payload: dict[str, Any] | bytes | None, headers: Headers | None = None
) -> LeadEvent | Rejection:
    value = orjson.dumps(payload) if isinstance(payload, dict) else payload
    return decode_lead_event(value, headers or [], NOW)


def accepted(result: LeadEvent | Rejection) -> LeadEvent:
    assert isinstance(result, LeadEvent), result
    return result


def rejected(result: LeadEvent | Rejection) -> Rejection:
    assert isinstance(result, Rejection), result
    return result
