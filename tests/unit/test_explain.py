"""`leadrouter explain`: replaying a lead on the shipped data and reporting why it went where."""

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

from agents.tools.demo import default_rules_text, demo_accounts, demo_reps
from agents.tools.explain import Explanation, explain_lead
from agents.tools.explain_inputs import ExplainError, index_accounts, read_lead_events
from agents.tools.explain_report import build_report
from agents.tools.explain_text import format_report
from schemas.events import LeadEvent
from schemas.reps import Rep
from service.accounts import AccountIndex
from service.policy import Policy, load_policy

# A Tuesday, 10:00 in Chicago: the demo's North American reps are at work.
WORKING_HOURS = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
# A Saturday night in the Americas, early Saturday in Europe: the field and inside reps are off.
WEEKEND = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


@cache
def policy() -> Policy:
    return load_policy(default_rules_text(), "default")


@cache
def accounts() -> AccountIndex:
    return index_accounts(demo_accounts())


@cache
def reps() -> dict[str, Rep]:
    return {rep.rep_id: rep for rep in demo_reps()}


def event(
    event_id: str,
    email: str,
    activity: str | None = None,
    event_type: str = "lead.activity",
    **lead: Any,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "event_type": event_type,
        "occurred_at": "2026-11-24T15:00:00Z",
        "source": "webform",
        "lead": {"email": email, **lead},
        **({"activity": {"type": activity}} if activity else {}),
    }


def explain(documents: list[dict[str, Any]], now: datetime = WORKING_HOURS) -> Explanation:
    events = read_lead_events(json.dumps(documents))
    return explain_lead(events, accounts(), reps(), policy(), now)


def key_account_lead() -> list[dict[str, Any]]:
    """A VP at Initech (strategic account, US, owned by rep-na-02) who asks for a demo."""
    return [
        event(
            "e1",
            "ada.lovelace@initech.com",
            "form_submit",
            event_type="lead.created",
            first_name="Ada",
            last_name="Lovelace",
            job_title="VP Engineering",
            country="United States",
        ),
        event("e2", "ada.lovelace@initech.com", "demo_request"),
    ]


def free_mail_lead() -> list[dict[str, Any]]:
    return [event("f1", "joe1987@gmail.com", "email_open", "lead.created", job_title="Student")]


def test_key_account_lead_goes_to_the_account_owner_and_the_report_names_rule_and_owner() -> None:
    explanation = explain(key_account_lead())

    report = build_report(explanation)
    text = format_report(report)
    assert report["decision"]["outcome"] == "routed"
    assert report["decision"]["queue"] == "key-accounts"
    assert report["decision"]["rep_id"] == "rep-na-02"
    assert report["decision"]["rule_id"] == "key-accounts-na"
    assert report["decision"]["ruleset_version"] == "2026.11.1"
    assert "key-accounts-na" in text
    assert "rep-na-02 Ben Okafor" in text
    assert "account owner of Initech" in text


def test_report_shows_the_enrichment_that_decided() -> None:
    report = build_report(explain(key_account_lead()))

    enrichment = report["enrichment"]
    text = format_report(report)
    assert enrichment["account"]["account_id"] == "acct-0002"
    assert enrichment["account"]["method"] == "email_domain"
    assert (enrichment["seniority"], enrichment["territory"]) == ("vp", "NA")
    assert (enrichment["size_band"], enrichment["motion"]) == ("5000+", "enterprise")
    assert "Initech (acct-0002) by email_domain; tier strategic, prospect" in text
    assert "owner rep-na-02, cover rep-na-03" in text


def test_events_apply_in_order_and_the_report_lists_each_with_its_outcome() -> None:
    report = build_report(explain(key_account_lead()))

    outcomes = [(entry["event_id"], entry["outcome"]) for entry in report["events"]]
    assert outcomes == [("e1", "nurtured"), ("e2", "routed")]
    assert report["events"][1]["score"] == report["score"]["total"]


def test_score_section_lists_every_breakdown_line_and_the_total() -> None:
    report = build_report(explain(key_account_lead()))

    score = report["score"]
    text = format_report(report)
    assert sum(line["points"] for line in score["breakdown"]) == score["total"]
    for line in score["breakdown"]:
        assert f"{line['points']:+d}  {line['factor']}" in text
    assert f"Score {score['total']}/100, grade {score['grade']}, threshold 60: sales-ready" in text


def test_free_mail_low_fit_lead_is_nurtured_with_its_breakdown() -> None:
    report = build_report(explain(free_mail_lead()))

    text = format_report(report)
    assert report["decision"]["outcome"] == "nurtured"
    assert report["decision"]["rule_id"] == "not-sales-ready"
    assert report["decision"]["assignments"] == []
    assert "-5  email: free" in text
    assert "+1  activity: email_open x1" in text
    assert "+4  seniority: individual_contributor" in text
    assert "not sales-ready" in text
    assert "matched  not-sales-ready" in text


def test_rules_evaluated_are_listed_in_order_with_the_match_last() -> None:
    report = build_report(explain(key_account_lead()))

    evaluated = report["rules"]["evaluated"]
    assert [(rule["rule_id"], rule["matched"]) for rule in evaluated] == [
        ("not-sales-ready", False),
        ("key-accounts-na", True),
    ]
    assert evaluated[1]["description"].startswith("Key and strategic accounts in North America")


def test_owner_and_cover_away_means_overflow_and_each_rep_passed_over_says_why() -> None:
    report = build_report(explain(key_account_lead(), now=WEEKEND))

    decision = report["decision"]
    text = format_report(report)
    assert decision["overflowed_from"][:2] == ["key-accounts", "field-sales-na"]
    first = decision["assignments"][0]
    assert [(c["rep_id"], c["outcome"]) for c in first["candidates"]] == [
        ("rep-na-02", "outside_working_hours"),
        ("rep-na-03", "outside_working_hours"),
    ]
    assert first["overflow_to"] == "field-sales-na"
    assert "rep-is-04" in text
    assert "inactive" in text


def test_an_existing_customer_goes_to_its_account_team() -> None:
    lead = [
        event(
            "c1",
            "max@dundermifflin.com",
            "contact_sales",
            "lead.created",
            job_title="Director of Operations",
            country="US",
        )
    ]

    decision = build_report(explain(lead))["decision"]

    assert (decision["queue"], decision["rule_id"]) == ("customer-success", "existing-customers")
    assert decision["rep_id"] == "rep-cs-01"


def test_a_redelivered_event_is_reported_as_a_duplicate() -> None:
    first = free_mail_lead()[0]

    report = build_report(explain([first, first]))

    assert [entry["outcome"] for entry in report["events"]] == ["nurtured", "duplicate"]


def test_events_about_different_leads_are_refused() -> None:
    with pytest.raises(ExplainError, match="different leads"):
        explain([*free_mail_lead(), event("x", "someone@else.com", "email_open")])


def test_an_invalid_event_is_refused_with_the_field_named() -> None:
    with pytest.raises(ExplainError, match=r"lead\.email: not an email address"):
        read_lead_events(json.dumps(event("bad", "not-an-email", "email_open")))


def test_a_single_event_object_is_read_as_a_list_of_one() -> None:
    events = read_lead_events(json.dumps(free_mail_lead()[0]))

    assert [type(e) for e in events] == [LeadEvent]


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(ExplainError, match="not JSON"):
        read_lead_events("{nope")


def test_report_is_json_ready() -> None:
    report = build_report(explain(key_account_lead(), now=WEEKEND))

    assert json.loads(json.dumps(report)) == report
