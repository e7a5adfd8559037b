"""How the simulated sales team answers routed decisions: shares, delays and reasons."""

from collections import Counter
from datetime import timedelta

import pytest
from pydantic import ValidationError

from agents.tools.sales_policy import SalesTeam, answer_for, demo_sales_team
from service.decision_ids import decision_id, escalation_decision_id

TEAM = demo_sales_team()
DECISIONS = [decision_id(f"lead-{n}@example.com", 1) for n in range(20_000)]
ANSWERS = [answer_for(decision, TEAM) for decision in DECISIONS]


def test_three_quarters_are_accepted_a_tenth_ignored_and_the_rest_rejected() -> None:
    verdicts = Counter(answer.verdict for answer in ANSWERS)

    shares = {verdict: count / len(DECISIONS) for verdict, count in verdicts.items()}
    assert shares["accepted"] == pytest.approx(0.75, abs=0.015)
    assert shares["ignored"] == pytest.approx(0.10, abs=0.01)
    assert shares["rejected"] == pytest.approx(0.15, abs=0.01)


def test_about_a_third_of_the_accepted_leads_are_later_converted() -> None:
    accepted = [answer for answer in ANSWERS if answer.verdict == "accepted"]

    converted = sum(1 for answer in accepted if answer.converts_after is not None)
    assert converted / len(accepted) == pytest.approx(0.30, abs=0.015)


def test_the_same_decision_always_gets_the_same_answer() -> None:
    again = [answer_for(decision, demo_sales_team()) for decision in DECISIONS]

    assert again == ANSWERS
    assert len({answer.after for answer in ANSWERS}) > 1000  # and not one answer for all


def test_re_routed_decisions_are_answered_by_the_same_shares() -> None:
    reroutes = [escalation_decision_id(decision, 2) for decision in DECISIONS]

    verdicts = Counter(answer_for(decision, TEAM).verdict for decision in reroutes)

    assert verdicts["accepted"] / len(reroutes) == pytest.approx(0.75, abs=0.015)
    assert verdicts["ignored"] / len(reroutes) == pytest.approx(0.10, abs=0.01)


def test_answers_come_within_the_profile_s_seconds_and_ignored_leads_get_none() -> None:
    for answer in ANSWERS:
        if answer.verdict == "accepted":
            assert timedelta(seconds=2) <= answer.after <= timedelta(seconds=8)
            assert answer.reason is None
        elif answer.verdict == "rejected":
            assert timedelta(seconds=4) <= answer.after <= timedelta(seconds=15)
        else:
            assert (answer.after, answer.reason, answer.converts_after) == (
                timedelta(0),
                None,
                None,
            )
        if answer.converts_after is not None:
            assert timedelta(seconds=20) <= answer.converts_after <= timedelta(seconds=90)


def test_every_rejection_gives_a_reason_of_the_profile_most_often_the_heaviest() -> None:
    reasons = Counter(answer.reason for answer in ANSWERS if answer.verdict == "rejected")

    assert set(reasons) == {choice.reason for choice in TEAM.rejection_reasons}
    [(most_often, _)] = reasons.most_common(1)
    assert most_often == "no budget this year"


def team(**changes: object) -> dict[str, object]:
    profile: dict[str, object] = {
        "accept_share": 0.75,
        "ignore_share": 0.10,
        "convert_share": 0.3,
        "accept_after_seconds": [2, 8],
        "reject_after_seconds": [4, 15],
        "convert_after_seconds": [20, 90],
        "rejection_reasons": [{"reason": "no budget", "weight": 1}],
    }
    return profile | changes


def test_a_team_that_always_accepts_accepts_every_decision() -> None:
    always = SalesTeam.model_validate(team(accept_share=1.0, ignore_share=0.0))

    assert {answer_for(decision, always).verdict for decision in DECISIONS[:1000]} == {"accepted"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accept_share": 0.95}, "more than 1"),
        ({"reject_after_seconds": [15, 4]}, "below the lower one"),
        ({"rejection_reasons": []}, "at least 1"),
    ],
)
def test_a_team_profile_that_cannot_be_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SalesTeam.model_validate(team(**changes))
