"""The contracts themselves: tolerant readers on input, strict writers on output."""

from datetime import UTC, datetime, time
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from schemas.accounts import Account
from schemas.deadletters import DeadLetter
from schemas.decisions import CandidateTrace, Decision, RuleTrace
from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes, LeadEvent
from schemas.feedback import SalesFeedback
from schemas.profiles import LeadProfile
from schemas.reps import Rep, WorkingHours
from schemas.scores import Score, ScoreLine

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def lead_event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": "evt-1",
        "event_type": "lead.created",
        "occurred_at": "2024-05-01T11:30:00Z",
        "source": "webforms",
        "lead": {"email": "ada@example.com"},
    }
    event.update(overrides)
    return event


def score(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "fit": 40,
        "engagement": 25,
        "total": 65,
        "grade": "B",
        "sales_ready": True,
        "threshold": 60,
        "breakdown": [
            {"component": "fit", "factor": "VP at a key account", "points": 40},
            {"component": "engagement", "factor": "demo request", "points": 30},
            {"component": "adjustment", "factor": "free email domain", "points": -5},
        ],
    }
    values.update(overrides)
    return values


# Lead events


def test_lead_identified_by_external_id_alone_is_valid() -> None:
    event = LeadEvent.model_validate(lead_event(lead={"external_id": "mkto-1"}))

    assert event.lead.external_id == "mkto-1"
    assert event.lead.email is None


def test_empty_email_counts_as_no_email() -> None:
    assert LeadAttributes(email="", external_id="mkto-1").email is None


def test_strings_are_trimmed_before_validation() -> None:
    attributes = LeadAttributes.model_validate({"email": "  ada@example.com ", "country": " DE "})

    assert (attributes.email, attributes.country) == ("ada@example.com", "DE")


@pytest.mark.parametrize("email", ["ada", "ada@example", "ada @example.com", "a@b@c.com"])
def test_email_without_the_shape_of_an_address_is_rejected(email: str) -> None:
    with pytest.raises(ValidationError, match="not an email address"):
        LeadAttributes(email=email)


def test_lead_without_email_or_external_id_is_rejected() -> None:
    with pytest.raises(ValidationError, match="email or an external_id"):
        LeadEvent.model_validate(lead_event(lead={"first_name": "Ada"}))


def test_activity_event_needs_an_activity() -> None:
    with pytest.raises(ValidationError, match="needs an activity"):
        LeadEvent.model_validate(lead_event(event_type="lead.activity"))


def test_activity_event_with_an_activity_is_valid() -> None:
    payload = lead_event(event_type="lead.activity", activity={"type": "pricing_page_view"})

    event = LeadEvent.model_validate(payload)

    assert event.activity is not None
    assert event.activity.type == "pricing_page_view"


@pytest.mark.parametrize("version", ["1", "1.0", "1.7"])
def test_any_1_x_schema_version_is_read(version: str) -> None:
    assert LeadEvent.model_validate(lead_event(schema_version=version)).schema_version == version


@pytest.mark.parametrize("version", ["2.0", "0.9", "v1", ""])
def test_other_schema_versions_are_refused(version: str) -> None:
    with pytest.raises(ValidationError, match="unsupported schema_version"):
        LeadEvent.model_validate(lead_event(schema_version=version))


def test_occurred_at_must_carry_a_time_zone() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        LeadEvent.model_validate(lead_event(occurred_at="2024-05-01T11:30:00"))


def test_oversized_free_text_is_rejected() -> None:
    with pytest.raises(ValidationError, match="at most 512"):
        LeadAttributes(external_id="x", job_title="Chief " * 200)


def test_lead_events_are_immutable() -> None:
    event = LeadEvent.model_validate(lead_event())

    with pytest.raises(ValidationError):
        event.source = "elsewhere"  # type: ignore[misc]


# Scores


def test_score_whose_breakdown_sums_to_the_total_is_valid() -> None:
    assert Score.model_validate(score()).total == 65


def test_score_whose_breakdown_does_not_sum_to_the_total_is_rejected() -> None:
    with pytest.raises(ValidationError, match="sum exactly to the total"):
        Score.model_validate(score(total=70))


def test_score_total_above_100_is_rejected() -> None:
    lines = [{"component": "fit", "factor": "everything", "points": 120}]

    with pytest.raises(ValidationError, match="less than or equal to 100"):
        Score.model_validate(score(total=120, breakdown=lines))


# Reps


def test_working_hours_default_to_weekdays_nine_to_five() -> None:
    hours = WorkingHours()

    assert (hours.days, hours.start, hours.end) == ((1, 2, 3, 4, 5), time(9), time(17))


@pytest.mark.parametrize("days", [(0, 1), (1, 8)])
def test_working_days_outside_iso_weekdays_are_rejected(days: tuple[int, ...]) -> None:
    with pytest.raises(ValidationError, match="ISO weekdays"):
        Rep.model_validate({"rep_id": "r1", "name": "Grace", "working_hours": {"days": days}})


def test_working_days_may_include_the_weekend() -> None:
    rep = Rep.model_validate({"rep_id": "r1", "name": "Grace", "working_hours": {"days": [6, 7]}})

    assert rep.working_hours is not None
    assert rep.working_hours.days == (6, 7)


# Input models ignore unknown fields; output models refuse them


@pytest.mark.parametrize(
    ("model", "valid"),
    [
        (LeadEvent, lead_event()),
        (Account, {"account_id": "a1", "name": "Acme"}),
        (Rep, {"rep_id": "r1", "name": "Grace"}),
        (
            SalesFeedback,
            {
                "decision_id": "d1",
                "lead_identity": "email:ada@example.com",
                "outcome": "accepted",
                "occurred_at": "2024-05-01T12:00:00Z",
            },
        ),
    ],
)
def test_input_models_ignore_unknown_fields(model: type[BaseModel], valid: dict[str, Any]) -> None:
    parsed = model.model_validate({**valid, "added_upstream_later": True})

    assert "added_upstream_later" not in parsed.model_dump()


@pytest.mark.parametrize(
    ("model", "valid"),
    [
        (Score, score()),
        (ScoreLine, {"component": "fit", "factor": "title", "points": 5}),
        (Enrichment, {}),
        (RuleTrace, {"rule_id": "r1", "matched": True}),
        (CandidateTrace, {"rep_id": "r1", "outcome": "assigned"}),
        (
            Decision,
            {
                "decision_id": "d1",
                "lead_identity": "email:ada@example.com",
                "generation": 1,
                "outcome": "nurtured",
                "ruleset_version": "v1",
                "reason": "below threshold",
                "decided_at": NOW,
            },
        ),
        (
            DeadLetter,
            {
                "reason": "not_json",
                "message": "tombstone",
                "source_topic": "leads.events.v1",
                "source_partition": 0,
                "source_offset": 1,
                "key_b64": None,
                "value_b64": "",
                "failed_at": NOW,
            },
        ),
        (
            LeadProfile,
            {
                "identity": "email:ada@example.com",
                "source": "webforms",
                "attributes": {"email": "ada@example.com"},
                "first_seen_at": NOW,
                "last_event_at": NOW,
            },
        ),
    ],
)
def test_output_models_refuse_unknown_fields(model: type[BaseModel], valid: dict[str, Any]) -> None:
    model.model_validate(valid)  # the base is valid, so only the extra field can fail

    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model.model_validate({**valid, "surprise": 1})
