"""The suite's table (aligned text) and its JSON record."""

import dataclasses
from collections.abc import Sequence
from typing import Any

from dev.faults.accounting import Row
from dev.faults.verdict import Verdict

COLUMNS = (
    ("scenario", "scenario"),
    ("seed", "seed"),
    ("produced", "produced"),
    ("accounted", "accounted"),
    ("lost", "lost"),
    ("twice", "ended twice"),
    ("dup", "dup copies"),
    ("2rep", "two-rep decisions"),
    ("2x", "leads assigned twice"),
    ("recount", "day counts given to two leads"),
    ("restarts", "restarts"),
    ("resume max/med s", "restart-to-resume"),
    ("dead letters", "dead letters"),
    ("malformed→DL", "malformed dead-lettered"),
    ("aborted→out", "records of aborted transactions that reached an output"),
    ("exits", "worker exits not caused by the harness"),
    ("verdict", "verdict"),
)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def cells(row: Row, verdict: Verdict) -> list[str]:
    resume = f"{_seconds(row.resume_max)}/{_seconds(row.resume_median)}"
    if row.not_resumed:
        resume += f" ({row.not_resumed} never)"
    malformed = (
        f"{row.malformed_dead_lettered:,}/{row.malformed_produced:,}"
        if row.malformed_produced
        else "-"
    )
    aborted = f"{row.aborted_decided:,}/{row.aborted_produced:,}" if row.aborted_produced else "-"
    return [
        row.scenario,
        str(row.seed),
        f"{row.produced:,}",
        f"{row.accounted:,}",
        f"{row.lost:,}",
        f"{row.ended_twice:,}",
        f"{row.duplicate_copies:,}",
        f"{row.two_rep_decisions:,}",
        f"{row.leads_assigned_twice:,}",
        f"{row.counts_given_twice:,}",
        str(row.restarts),
        resume,
        f"{row.dead_letters:,}",
        malformed,
        aborted,
        str(row.unplanned_exits),
        "pass" if verdict.passed else "FAIL",
    ]


def format_table(results: Sequence[tuple[Row, Verdict]]) -> str:
    """The rows under their headers, then each row's failure reasons and notes."""
    lines = [[short for short, _ in COLUMNS], *(cells(row, v) for row, v in results)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    text = [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    for row, verdict in results:
        detail = [*verdict.reasons, *row.notes]
        if row.lost_sample:
            detail.append("lost e.g. " + ", ".join(row.lost_sample[:3]))
        if row.twice_sample:
            detail.append("ended two ways e.g. " + ", ".join(row.twice_sample[:3]))
        if row.two_queue_decisions:
            detail.append(f"{row.two_queue_decisions} decisions sent to two queues")
        if row.routed_without_queue_record:
            missing = row.routed_without_queue_record
            detail.append(f"{missing} routed decisions with no queue record")
        if detail:
            text.append(f"{row.scenario} seed {row.seed}: " + "; ".join(detail))
    text.append(
        "columns: " + "; ".join(f"{short} = {long}" for short, long in COLUMNS if short != long)
    )
    return "\n".join(text)


def row_json(row: Row, verdict: Verdict) -> dict[str, Any]:
    data = dataclasses.asdict(row)
    data.update(
        resume_max=row.resume_max,
        resume_median=row.resume_median,
        not_resumed=row.not_resumed,
        passed=verdict.passed,
        reasons=list(verdict.reasons),
    )
    return data
