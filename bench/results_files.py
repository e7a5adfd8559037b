"""The files a bench run leaves in bench/results/: `<stamp>.json` (the report), and, when there
is something to write, `<stamp>-hotspots.txt` (the profiles) and `<stamp>-calls.txt` (the
counted calls, which the run also prints)."""

import json
from pathlib import Path

from bench import call_counts
from bench.measurements import TOPOLOGY, BenchResults
from bench.report import build_report
from bench.table import format_hotspots
from bench.workers import ROOT

RESULTS = ROOT / "bench" / "results"


def counted_lines(results: BenchResults) -> list[str]:
    """The counted calls of the router and of the three-stage passthrough, and their ratio."""
    router, topology = results.call_counts, results.topology_call_counts
    lines = [] if router is None else call_counts.format_lines(router, "the router")
    if topology is not None:
        lines += call_counts.format_lines(topology, f"the {TOPOLOGY}")
    if router is not None and topology is not None:
        lines.append(call_counts.format_ratio(router, topology, TOPOLOGY))
    return lines


def write_results(results: BenchResults, stamp: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(build_report(results), indent=2) + "\n")
    hotspots = format_hotspots(results)
    if hotspots:
        (RESULTS / f"{stamp}-hotspots.txt").write_text(hotspots)
    counted = counted_lines(results)
    if counted:
        (RESULTS / f"{stamp}-calls.txt").write_text("\n".join(counted) + "\n")
    return path
