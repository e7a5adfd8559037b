"""The synthetic labelled leads: seeded, realistic in shape, readable by the contracts."""

from pathlib import Path

from bench.labelled import generate, main, write_files
from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = write_files(generate(200, seed=1), tmp_path / "a")
    second = write_files(generate(200, seed=1), tmp_path / "b")

    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes()


def test_another_seed_gives_other_leads() -> None:
    assert generate(50, seed=1) != generate(50, seed=2)


def test_a_third_or_so_of_the_leads_convert() -> None:
    leads = generate(1000, seed=4)

    share = sum(1 for lead in leads if lead.converted) / len(leads)

    assert 0.30 <= share <= 0.40


def test_every_event_and_outcome_is_valid_under_the_contracts() -> None:
    for lead in generate(100, seed=9):
        events = [LeadEvent.model_validate(event) for event in lead.events]
        outcomes = [SalesFeedback.model_validate(outcome) for outcome in lead.outcomes]
        assert events[0].event_type == "lead.created"
        assert events[0].schema_version == "1.1"
        assert events[0].lead.lead_source is not None
        assert outcomes[-1].outcome != "accepted"
        assert (outcomes[-1].outcome == "converted") is lead.converted


def test_live_chat_leads_convert_less_than_referrals_as_in_real_data() -> None:
    leads = generate(1500, seed=2)

    def rate(source: str) -> float:
        chosen = [lead for lead in leads if lead.events[0]["lead"]["lead_source"] == source]
        return sum(1 for lead in chosen if lead.converted) / len(chosen)

    assert rate("Live Chat") < 0.2
    assert rate("Referral") > 0.5


def test_the_command_writes_events_and_outcomes_files(tmp_path: Path) -> None:
    assert main(["--leads", "20", "--seed", "3", "--out", str(tmp_path)]) == 0

    assert (tmp_path / "events.jsonl").read_text().count("\n") > 20
    assert (tmp_path / "outcomes.jsonl").read_text().count("\n") >= 20
