"""`leadrouter model evaluate EVENTS OUTCOMES [--split 0.7]`: how well the scores rank leads.

Reads lead events and sales outcomes from JSONL files (one JSON object a line), replays them
through the domain (`service.learning.evaluation`) and prints, for the held-out leads, each
score's ROC AUC, precision and recall at its threshold and Brier score, and a reliability table
of the learned probabilities. Lines that are not valid events or outcomes are counted and left
out. Only the parsing, the progress bar and the printing live here.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback
from schemas.learning import PublishedModel
from service.learning.evaluation import EvaluationReport, evaluate_replay
from service.learning.metrics import ScoreQuality
from service.learning.model import ConversionModel
from service.learning.scoring import DEFAULT_TOP, LearnedModel
from service.learning.training import model_of

_Model = TypeVar("_Model", bound=BaseModel)


def evaluate_command(
    events_path: str | Path,
    outcomes_path: str | Path,
    split: float = 0.7,
    *,
    threshold: float = 0.5,
    console: Console | None = None,
) -> int:
    """Evaluate the rule score and the learned scores on labelled leads; print the metrics.

    Exit status: 0 when the held-out part had leads to measure, 1 when it had none, 2 when a
    file cannot be read or `split` is not between 0 and 1.
    """
    out = console or Console()
    if not 0.0 < split < 1.0:
        out.print(f"[red]--split must lie strictly between 0 and 1, not {split}[/red]")
        return 2
    try:
        with _progress(out) as progress:
            events, bad_events = _read(Path(events_path), LeadEvent, progress, "events")
            outcomes, bad_outcomes = _read(Path(outcomes_path), SalesFeedback, progress, "outcomes")
            task = progress.add_task("replaying", total=None)

            def advance(done: int, total: int) -> None:
                if done % 500 == 0 or done == total:
                    progress.update(task, completed=done, total=total)

            report = evaluate_replay(
                events, outcomes, split=split, threshold=threshold, progress=advance
            )
    except OSError as error:
        out.print(f"[red]cannot read {error.filename}: {error.strerror}[/red]")
        return 2
    if bad_events or bad_outcomes:
        out.print(f"left out {bad_events} invalid event line(s), {bad_outcomes} outcome line(s)")
    _print_report(out, report)
    return 0 if report.test_outcomes else 1


def read_model(data: bytes, top: int = DEFAULT_TOP) -> LearnedModel:
    """A model for `leadrouter explain --model`: a record of `leadrouter.model.v1` (as
    `kcat -C -t leadrouter.model.v1 -o -1 -e` prints it) or a `ConversionModel.to_bytes` state.
    ValueError when it is neither."""
    try:
        published = PublishedModel.model_validate_json(data)
    except ValidationError:
        return LearnedModel.of(ConversionModel.from_bytes(data), top=top)
    return LearnedModel(model=model_of(published), version=published.version, top=top)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _read(
    path: Path, model: type[_Model], progress: Progress, name: str
) -> tuple[list[_Model], int]:
    task = progress.add_task(f"reading {name}", total=path.stat().st_size)
    parsed: list[_Model] = []
    invalid = 0
    for line in _lines(path, lambda size: progress.advance(task, size)):
        if not line.strip():
            continue
        try:
            parsed.append(model.model_validate_json(line))
        except ValidationError:
            invalid += 1
    return parsed, invalid


def _lines(path: Path, advance: Callable[[int], None]) -> Iterator[bytes]:
    with path.open("rb") as source:
        for line in source:
            advance(len(line))
            yield line


def _print_report(out: Console, report: EvaluationReport) -> None:
    out.print(
        f"{report.events} events; learned from {report.training_outcomes} outcomes, "
        f"scored {report.test_outcomes} held-out leads "
        f"({report.skipped_outcomes} outcomes were not labels, repeats or of unknown leads)"
    )
    if not report.test_outcomes:
        out.print("[yellow]no held-out leads to measure[/yellow]")
        return
    first = report.scores[0]
    out.print(
        f"held-out base rate {first.base_rate:.3f}; "
        f"Brier of always predicting it {first.base_rate_brier:.4f}"
    )
    scores = Table(title="held-out leads")
    for column in ("score", "ROC AUC", "threshold", "precision", "recall", "Brier"):
        scores.add_column(column, justify="left" if column == "score" else "right")
    for quality in report.scores:
        scores.add_row(
            quality.name,
            f"{quality.auc:.4f}",
            f"{quality.threshold:g}",
            f"{quality.precision:.3f}",
            f"{quality.recall:.3f}",
            "-" if quality.brier is None else f"{quality.brier:.4f}",
        )
    out.print(scores)
    out.print(_reliability(report.scores))
    for name, version in report.model_versions.items():
        out.print(f"model {name}: version {version}")


def _reliability(scores: tuple[ScoreQuality, ...]) -> Table:
    probabilities = [quality for quality in scores if quality.reliability]
    table = Table(title="reliability: mean predicted / observed rate (leads)")
    table.add_column("bin")
    for quality in probabilities:
        table.add_column(quality.name, justify="right")
    for number, first in enumerate(probabilities[0].reliability if probabilities else ()):
        cells = []
        for quality in probabilities:
            row = quality.reliability[number]
            cells.append(
                f"{row.mean_predicted:.2f} / {row.observed_rate:.2f} ({row.count})"
                if row.count
                else "-"
            )
        table.add_row(f"{first.low:.1f}-{first.high:.1f}", *cells)
    return table
