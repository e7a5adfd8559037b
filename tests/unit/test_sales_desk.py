"""The simulated sales desk: reading queue records, answering on time, following withdrawals."""

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from agents.tools.sales_desk import (
    RoutedLeadSeen,
    SalesDesk,
    WithdrawalSeen,
    read_queue_record,
)
from agents.tools.sales_policy import SalesTeam, Verdict, answer_for, demo_sales_team
from schemas.sla import LeadWithdrawn

ROUTED_AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LATER = ROUTED_AT + timedelta(hours=1)
TEAM = demo_sales_team()


def routed(decision: str, identity: str = "email:buyer@shop.io") -> RoutedLeadSeen:
    return RoutedLeadSeen.model_validate(
        {
            "decision_id": decision,
            "lead_identity": identity,
            "queue": "inside-sales",
            "rep_id": "rep-is-01",
            "timestamps": {"routed_at": ROUTED_AT.isoformat()},
        }
    )


def withdrawal(decision: str) -> WithdrawalSeen:
    return WithdrawalSeen(type="lead_withdrawn", decision_id=decision)


def decision_that(verdict: Verdict, *, converts: bool = False) -> str:
    """The first decision id the shipped team answers this way."""
    for n in range(10_000):
        answer = answer_for(f"decision-{n}", TEAM)
        if answer.verdict == verdict and (answer.converts_after is not None) == converts:
            return f"decision-{n}"
    raise AssertionError(f"no decision is {verdict}")


def test_an_accepted_lead_is_answered_once_its_delay_after_routing_has_passed() -> None:
    desk = SalesDesk(TEAM)
    decision = decision_that("accepted")
    after = answer_for(decision, TEAM).after

    desk.receive(routed(decision), read_at=ROUTED_AT)

    assert desk.due(ROUTED_AT + after - timedelta(milliseconds=1)) == []
    [reply] = desk.due(ROUTED_AT + after)
    feedback = reply.feedback
    assert (feedback.decision_id, feedback.outcome, feedback.rep_id) == (
        decision,
        "accepted",
        "rep-is-01",
    )
    assert feedback.lead_identity == "email:buyer@shop.io"
    assert feedback.occurred_at == ROUTED_AT + after
    assert reply.queue == "inside-sales"
    assert desk.due(LATER) == []


def test_a_lead_that_is_won_is_accepted_first_and_converted_later() -> None:
    desk = SalesDesk(TEAM)
    decision = decision_that("accepted", converts=True)

    desk.receive(routed(decision), read_at=ROUTED_AT)

    outcomes = [reply.feedback.outcome for reply in desk.due(LATER)]
    assert outcomes == ["accepted", "converted"]


def test_a_rejected_lead_is_answered_with_a_reason_of_the_team() -> None:
    desk = SalesDesk(TEAM)

    desk.receive(routed(decision_that("rejected")), read_at=ROUTED_AT)

    [reply] = desk.due(LATER)
    assert reply.feedback.outcome == "rejected"
    assert reply.feedback.reason in {choice.reason for choice in TEAM.rejection_reasons}


def test_an_ignored_lead_is_never_answered() -> None:
    desk = SalesDesk(TEAM)

    answer = desk.receive(routed(decision_that("ignored")), read_at=ROUTED_AT)

    assert answer is not None
    assert answer.verdict == "ignored"
    assert desk.due(LATER) == []
    assert desk.waiting == 0


def test_a_withdrawn_assignment_is_never_answered_afterwards() -> None:
    desk = SalesDesk(TEAM)
    decision = decision_that("accepted", converts=True)
    desk.receive(routed(decision), read_at=ROUTED_AT)

    desk.receive(withdrawal(decision), read_at=ROUTED_AT + timedelta(seconds=1))

    assert desk.due(LATER) == []


def test_a_withdrawal_after_the_accept_stops_the_win_that_was_still_to_come() -> None:
    desk = SalesDesk(TEAM)
    decision = decision_that("accepted", converts=True)
    desk.receive(routed(decision), read_at=ROUTED_AT)
    [accepted] = desk.due(ROUTED_AT + answer_for(decision, TEAM).after)

    desk.receive(withdrawal(decision), read_at=ROUTED_AT + timedelta(seconds=10))

    assert accepted.feedback.outcome == "accepted"
    assert desk.due(LATER) == []


def test_a_decision_read_again_is_answered_once_and_a_withdrawn_one_not_again() -> None:
    desk = SalesDesk(TEAM)
    answered, withdrawn = decision_that("accepted"), decision_that("rejected")
    desk.receive(withdrawal(withdrawn), read_at=ROUTED_AT)

    for decision in (answered, answered, withdrawn):
        desk.receive(routed(decision), read_at=ROUTED_AT)

    assert [reply.feedback.decision_id for reply in desk.due(LATER)] == [answered]


def test_the_re_routed_decision_is_answered_by_the_same_policy_as_any_other() -> None:
    always = SalesTeam.model_validate(
        TEAM.model_dump() | {"accept_share": 1.0, "ignore_share": 0.0, "convert_share": 0.0}
    )
    desk = SalesDesk(always)
    desk.receive(routed("first"), read_at=ROUTED_AT)
    desk.receive(withdrawal("first"), read_at=ROUTED_AT)

    desk.receive(routed("second"), read_at=ROUTED_AT)

    assert [reply.feedback.decision_id for reply in desk.due(LATER)] == ["second"]


def test_a_lead_without_its_routing_time_is_timed_from_when_it_was_read() -> None:
    desk = SalesDesk(TEAM)
    decision = decision_that("accepted")
    lead = RoutedLeadSeen(decision_id=decision, lead_identity="email:a@b.io", queue="inside-sales")

    desk.receive(lead, read_at=LATER)

    assert desk.due(LATER) == []
    assert len(desk.due(LATER + answer_for(decision, TEAM).after)) == 1


def queue_value(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)


def test_queue_records_are_read_as_routed_leads_or_withdrawals_and_anything_else_skipped() -> None:
    withdrawn = LeadWithdrawn(
        decision_id="d1",
        lead_identity="email:buyer@shop.io",
        queue="inside-sales",
        rep_id="rep-is-01",
        withdrawn_at=ROUTED_AT,
        reason="SLA breached",
        next_decision_id="d2",
    )
    lead = {
        "decision_id": "d2",
        "lead_identity": "email:buyer@shop.io",
        "queue": "inside-sales",
        "rep_id": None,
        "timestamps": {"routed_at": "2026-11-24T12:00:00Z", "received_at": "2026-11-24T11:59Z"},
        "score": {"total": 80},  # fields a sales tool does not need are ignored
    }

    assert read_queue_record(withdrawn.model_dump_json().encode()) == withdrawal("d1")
    seen = read_queue_record(queue_value(lead))
    assert isinstance(seen, RoutedLeadSeen)
    assert (seen.decision_id, seen.rep_id, seen.timestamps.routed_at) == ("d2", None, ROUTED_AT)
    assert read_queue_record(b"not json") is None
    assert read_queue_record(b"[1, 2]") is None
    assert read_queue_record(queue_value({"decision_id": "d3"})) is None
    assert read_queue_record(None) is None
