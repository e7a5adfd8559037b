"""The `leadrouter` command: rules check, explain, and the pieces behind `demo load` and `feed`."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agents.plumbing.topics import ACCOUNTS, REPS, RULES
from agents.tools.cli import build_parser, main
from agents.tools.demo import RULESET_KEY, reference_records
from bench.labelled import generate, write_files
from schemas.accounts import Account
from schemas.learning import TrainingExample
from schemas.reps import Rep
from service.learning.model import ModelSettings
from service.learning.training import Trainer
from service.policy import load_policy

DATA = Path(__file__).resolve().parents[2] / "service" / "data"

BROKEN_RULES = """\
version: "1"
queues:
  inside-sales: {strategy: round_robin, sla_minutes: 30}
  odd: {strategy: coin_toss, sla_minutes: 30}
rules:
  - id: vip
    when: {field: enrichment.bogus, equals: 1}
    then: {queue: inside-sales}
  - id: lost
    when: {field: score.total, gte: 50}
    then: {queue: nowhere}
fallback: inside-sales
"""

LEAD = {
    "event_id": "e1",
    "event_type": "lead.created",
    "occurred_at": "2026-11-24T15:00:00Z",
    "source": "webform",
    "lead": {"email": "ada@initech.com", "job_title": "VP Engineering", "country": "US"},
    "activity": {"type": "demo_request"},
}


# --- rules check ------------------------------------------------------------------------------


def test_rules_check_accepts_the_shipped_rules_and_says_what_they_hold(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["rules", "check", str(DATA / "default_rules.yaml")])

    assert status == 0
    assert capsys.readouterr().out.strip() == "ok: version 2026.11.1, 15 rules, 10 queues"


def test_rules_check_rejects_a_broken_file_with_one_line_per_problem_naming_rule_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(BROKEN_RULES)

    status = main(["rules", "check", str(path)])

    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 1
    assert lines[0] == f"{path}: 3 problem(s)"
    assert any(line.startswith("field 'queues.odd.strategy': unknown strategy") for line in lines)
    assert any(line.startswith("rule 'vip', field 'enrichment.bogus': ") for line in lines)
    assert "rule 'lost', field 'then.queue': unknown queue 'nowhere'" in lines


def test_rules_check_of_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["rules", "check", str(tmp_path / "absent.yaml")])

    assert status == 2
    assert "cannot read" in capsys.readouterr().err


# --- explain ----------------------------------------------------------------------------------


def test_explain_prints_the_report_for_a_lead_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lead.json"
    path.write_text(json.dumps(LEAD))

    status = main(["explain", str(path), "--now", "2026-11-24T16:00:00+00:00"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Lead email:ada@initech.com" in out
    assert "Decision: routed" in out
    assert "rep        rep-na-02 Ben Okafor" in out


def test_explain_json_uses_the_given_files_and_reads_now_without_offset_as_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, accounts, reps = tmp_path / "lead.json", tmp_path / "a.json", tmp_path / "r.json"
    lead.write_text(json.dumps([LEAD]))
    accounts.write_text(
        json.dumps([{"account_id": "a-1", "name": "Initech", "domains": ["initech.com"]}])
    )
    reps.write_text(json.dumps([{"rep_id": "r-1", "name": "Rita", "queues": ["inside-sales"]}]))

    status = main(
        [
            *("explain", str(lead), "--accounts", str(accounts), "--reps", str(reps)),
            *("--now", "2026-11-24T16:00:00", "--json"),
        ]
    )

    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["now"] == "2026-11-24T16:00:00+00:00"
    assert report["enrichment"]["account"]["account_id"] == "a-1"
    # A standard prospect of 0 known employees is transactional: inside sales, the only rep.
    assert (report["decision"]["queue"], report["decision"]["rep_id"]) == ("inside-sales", "r-1")


def test_explain_reports_a_bad_rules_file_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, rules = tmp_path / "lead.json", tmp_path / "rules.yaml"
    lead.write_text(json.dumps(LEAD))
    rules.write_text(BROKEN_RULES)

    status = main(["explain", str(lead), "--rules", str(rules)])

    assert status == 2
    assert "unknown queue 'nowhere'" in capsys.readouterr().err


def _published_model(outcomes: int) -> bytes:
    trainer = Trainer.fresh(ModelSettings(min_outcomes=4))
    for offset in range(outcomes):
        trainer.apply(
            offset,
            TrainingExample(
                decision_id=f"d{offset}",
                outcome="converted" if offset % 2 else "lost",
                converted=bool(offset % 2),
                categories={"seniority": "vp" if offset % 2 else "manager", "email": "business"},
                numbers={"count:demo_request": 0.69},
                labelled_at=datetime(2026, 11, 21, tzinfo=UTC),
            ),
        )
    return trainer.publish().model_dump_json().encode()


def test_explain_with_a_published_model_shows_the_learned_probability_and_contributions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, model = tmp_path / "lead.json", tmp_path / "model.json"
    lead.write_text(json.dumps(LEAD))
    model.write_bytes(_published_model(8))

    status = main(["explain", str(lead), "--model", str(model), "--now", "2026-11-24T16:00:00Z"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Learned score 0." in out
    assert "model decided, sales-ready from 0.40" in out
    assert "(baseline)" in out
    assert "seniority=vp" in out
    assert "log-odds" in out


def test_explain_with_a_model_in_its_cold_start_says_the_rule_score_decides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, model = tmp_path / "lead.json", tmp_path / "model.json"
    lead.write_text(json.dumps(LEAD))
    model.write_bytes(_published_model(2))

    status = main(["explain", str(lead), "--model", str(model), "--json"])

    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["score"]["model_version"].startswith("2-")
    assert report["score"]["decided_by"] == "rules"
    assert report["score"]["conversion_probability"] is None


def test_explain_with_a_file_that_is_no_model_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead, model = tmp_path / "lead.json", tmp_path / "model.json"
    lead.write_text(json.dumps(LEAD))
    model.write_text("{}")

    assert main(["explain", str(lead), "--model", str(model)]) == 2
    assert "unknown model state format" in capsys.readouterr().err


# --- model evaluate ---------------------------------------------------------------------------


def test_model_evaluate_replays_the_files_and_prints_the_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, outcomes = write_files(generate(200, seed=3), tmp_path)

    status = main(["model", "evaluate", str(events), str(outcomes), "--split", "0.6"])

    out = capsys.readouterr().out
    assert status == 0
    assert "learned from 120 outcomes, scored 80 held-out leads" in out
    assert "online logistic (FTRL)" in out


def test_model_evaluate_reads_the_split_and_defaults_it_to_0_7() -> None:
    args = build_parser().parse_args(["model", "evaluate", "e.jsonl", "o.jsonl"])

    assert args.split == 0.7
    assert (args.events, args.outcomes) == (Path("e.jsonl"), Path("o.jsonl"))


# --- demo load --------------------------------------------------------------------------------


def test_demo_records_key_accounts_and_reps_by_id_and_the_ruleset_by_a_fixed_key() -> None:
    records = reference_records()

    accounts = [(key, Account.model_validate_json(value)) for key, value in records[ACCOUNTS]]
    reps = [(key, Rep.model_validate_json(value)) for key, value in records[REPS]]
    [(rules_key, rules_text)] = records[RULES]
    assert len(accounts) == 42
    assert all(key == account.account_id.encode() for key, account in accounts)
    assert len(reps) == 22
    assert all(key == rep.rep_id.encode() for key, rep in reps)
    assert rules_key == RULESET_KEY == b"ruleset"
    assert load_policy(rules_text.decode()).version == "2026.11.1"


def test_demo_load_publishes_the_default_rules_unless_asked_for_short_slas() -> None:
    assert build_parser().parse_args(["demo", "load"]).short_slas is False
    assert build_parser().parse_args(["demo", "load", "--short-slas"]).short_slas is True


def test_demo_feed_defaults_to_twenty_per_second_forever_with_a_fresh_seed() -> None:
    args = build_parser().parse_args(["demo", "feed"])

    assert (args.rate, args.count, args.garbage_share, args.seed) == (20.0, None, 0.02, None)


def test_the_demo_feed_keys_four_in_five_records_by_identity_unless_told() -> None:
    assert build_parser().parse_args(["demo", "feed"]).identity_keyed == 0.8
    told = build_parser().parse_args(["demo", "feed", "--identity-keyed", "0"])
    assert told.identity_keyed == 0.0
