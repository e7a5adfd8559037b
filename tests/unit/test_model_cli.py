"""`leadrouter model evaluate`: reads JSONL files and prints the metrics."""

from pathlib import Path

from rich.console import Console

from agents.tools.model_cli import evaluate_command
from bench.labelled import generate, write_files


def _console() -> Console:
    return Console(record=True, width=120, force_terminal=False)


def test_evaluate_prints_auc_brier_and_a_reliability_table(tmp_path: Path) -> None:
    events, outcomes = write_files(generate(300, seed=8), tmp_path)
    with events.open("a") as out:
        out.write("not json\n\n")
    console = _console()

    assert evaluate_command(events, outcomes, 0.7, console=console) == 0

    text = console.export_text()
    assert "learned from 210 outcomes, scored 90 held-out leads" in text
    assert "left out 1 invalid event line(s), 0 outcome line(s)" in text
    for name in ("rule score", "naive Bayes", "online logistic (FTRL)", "offline logistic"):
        assert name in text
    assert "ROC AUC" in text
    assert "Brier" in text
    assert "reliability" in text
    assert "0.9-1.0" in text


def test_evaluate_of_a_missing_file_says_so_and_exits_2(tmp_path: Path) -> None:
    console = _console()

    assert evaluate_command(tmp_path / "none.jsonl", tmp_path / "x.jsonl", console=console) == 2
    assert "cannot read" in console.export_text()


def test_evaluate_with_a_split_outside_0_to_1_exits_2(tmp_path: Path) -> None:
    assert evaluate_command(tmp_path / "e", tmp_path / "o", 1.0, console=_console()) == 2


def test_evaluate_without_held_out_leads_exits_1(tmp_path: Path) -> None:
    events, outcomes = write_files(generate(0, seed=8), tmp_path)
    console = _console()

    assert evaluate_command(events, outcomes, console=console) == 1
    assert "no held-out leads" in console.export_text()
