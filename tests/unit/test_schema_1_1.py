"""Schema 1.1 of the lead events and the sales outcomes: new fields, old events still read."""

from typing import Any

import pytest
from pydantic import ValidationError

from schemas.events import CURRENT_SCHEMA_VERSION, LeadEvent
from schemas.feedback import FeedbackOutcome, SalesFeedback, label_of

# A 1.0 event exactly as a 1.0 publisher wrote it (no version field: 1.0 is the default).
EVENT_1_0: dict[str, Any] = {
    "event_id": "evt-1",
    "event_type": "lead.activity",
    "occurred_at": "2024-05-01T11:30:00Z",
    "source": "webforms",
    "lead": {"email": "ada@example.com", "job_title": "CTO", "country": "DE"},
    "activity": {"type": "pricing_page_view", "campaign": "spring"},
}

EVENT_1_1: dict[str, Any] = {
    **EVENT_1_0,
    "schema_version": "1.1",
    "lead": {
        "email": "ada@example.com",
        "lead_source": "Organic Search",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "spring-2024",
        "utm_term": "lead routing",
        "utm_content": "banner-a",
        "form_name": "contact-us",
        "landing_page": "https://example.com/pricing",
    },
    "activity": {"type": "page_view", "duration_seconds": 93.5, "page_count": 4},
}


def test_a_1_0_event_is_still_read_and_has_no_attribution_or_visit_length() -> None:
    event = LeadEvent.model_validate(EVENT_1_0)

    assert event.schema_version == "1.0"
    assert event.lead.lead_source is None
    assert event.activity is not None
    assert event.activity.duration_seconds is None
    assert event.activity.page_count is None


def test_a_1_1_event_carries_attribution_and_page_views_with_duration() -> None:
    event = LeadEvent.model_validate(EVENT_1_1)

    assert event.schema_version == CURRENT_SCHEMA_VERSION
    assert event.lead.lead_source == "Organic Search"
    assert event.lead.utm_campaign == "spring-2024"
    assert event.lead.form_name == "contact-us"
    assert event.lead.landing_page == "https://example.com/pricing"
    assert event.activity is not None
    assert event.activity.type == "page_view"
    assert event.activity.duration_seconds == 93.5
    assert event.activity.page_count == 4


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "page_view", "duration_seconds": -1},
        {"type": "page_view", "page_count": -2},
    ],
)
def test_negative_visit_lengths_are_refused(activity: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        LeadEvent.model_validate({**EVENT_1_1, "activity": activity})


def _feedback(outcome: str, **more: Any) -> SalesFeedback:
    return SalesFeedback.model_validate(
        {
            "decision_id": "d1",
            "lead_identity": "email:ada@example.com",
            "outcome": outcome,
            "occurred_at": "2024-05-02T09:00:00Z",
            **more,
        }
    )


@pytest.mark.parametrize("outcome", ["accepted", "rejected", "converted", "disqualified", "lost"])
def test_every_sales_outcome_is_valid_feedback(outcome: str) -> None:
    assert _feedback(outcome).outcome == outcome


def test_a_lost_outcome_may_say_why() -> None:
    assert _feedback("lost", reason="went with a competitor").reason == "went with a competitor"


def test_an_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValidationError):
        _feedback("maybe")


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        ("converted", True),
        ("rejected", False),
        ("disqualified", False),
        ("lost", False),
        ("accepted", None),
    ],
)
def test_only_a_closed_outcome_is_a_label_and_accepted_alone_is_not(
    outcome: FeedbackOutcome, label: bool | None
) -> None:
    assert label_of(outcome) is label
