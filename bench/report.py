"""The bench report: the router's ratios to its baselines, the goals, and the JSON document.

Everything here is pure: the runner measures (`bench/measurements.py` holds what it measured),
this module only computes; `bench/table.py` prints the table.
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.measurements import (
    AIOKAFKA,
    FAUST,
    ROUTER,
    TOPOLOGY,
    BenchResults,
    ConsumerRun,
    LatencyPhase,
    MicroCase,
)

# Baselines the router is compared with, by the label of their ratios: the like-for-like one
# first (router over it = what leadrouter's own code costs), then the two limits.
BASELINES = (("three_stage", TOPOLOGY), ("faust", FAUST), ("aiokafka", AIOKAFKA))

# The goals the bench reports against.
THROUGHPUT_GOAL = 0.8  # router events/s at least this share of the bare Faust passthrough's
TOPOLOGY_GOAL = 0.6  # router events/s at least this share of the three-stage passthrough's
HANDOFF_P99_GOAL = 0.050  # seconds, at HANDOFF_GOAL_RATE events/s
HANDOFF_GOAL_RATE = 1000.0
RULES_GROWTH_GOAL = 2.0  # evaluate_event cost at 1,000 rules over its cost at 10


@dataclass(frozen=True, slots=True)
class Goal:
    goal: str
    measured: str
    met: bool | None


def find_run(runs: Sequence[ConsumerRun], name: str) -> ConsumerRun | None:
    return next((run for run in runs if run.name == name), None)


def ratio(numerator: float, denominator: float) -> float | None:
    if denominator == 0 or math.isnan(numerator) or math.isnan(denominator):
        return None
    return numerator / denominator


def scaled_runs(runs: Sequence[ConsumerRun]) -> list[ConsumerRun]:
    """Router runs with several workers in one group ("leadrouter, N workers")."""
    return [run for run in runs if run.name.startswith(f"{ROUTER}, ")]


def consumer_ratios(runs: Sequence[ConsumerRun]) -> dict[str, float | None]:
    """Router over each passthrough: throughput (higher is better for the router) and CPU per
    event (how many times the passthrough's CPU the router spends on an event). A router run
    with several workers adds its throughput ratios under `throughput_<its name>_vs_<label>`."""
    router = find_run(runs, ROUTER)
    ratios: dict[str, float | None] = {}
    if router is None:
        return ratios
    for label, name in BASELINES:
        baseline = find_run(runs, name)
        if baseline is None:
            continue
        ratios[f"throughput_router_vs_{label}"] = ratio(
            router.events_per_second, baseline.events_per_second
        )
        ratios[f"cpu_per_event_router_vs_{label}"] = ratio(
            router.cpu_ms_per_event, baseline.cpu_ms_per_event
        )
        for scaled in scaled_runs(runs):
            key = scaled.name.removeprefix(f"{ROUTER}, ").replace(" ", "_")
            ratios[f"throughput_router_{key}_vs_{label}"] = ratio(
                scaled.events_per_second, baseline.events_per_second
            )
    return ratios


def rules_growth(micro: Sequence[MicroCase]) -> float | None:
    """evaluate_event's cost with 1,000 synthetic rules over its cost with 10."""
    by_rules = {case.rules: case.us_per_event for case in micro if case.case == "rules"}
    if 10 not in by_rules or 1000 not in by_rules:
        return None
    return ratio(by_rules[1000], by_rules[10])


def worst_p99(phase: LatencyPhase) -> float | None:
    values = [value for value in (phase.histogram.p99, phase.kafka.p99) if value is not None]
    return max(values) if values else None


def evaluate_goals(results: BenchResults) -> list[Goal]:
    goals: list[Goal] = []
    ratios = consumer_ratios(results.consumers)
    faust_ratio = ratios.get("throughput_router_vs_faust")
    goals.append(
        Goal(
            goal=f"router throughput >= {THROUGHPUT_GOAL}x bare Faust passthrough",
            measured="-" if faust_ratio is None else f"{faust_ratio:.2f}x",
            met=None if faust_ratio is None else faust_ratio >= THROUGHPUT_GOAL,
        )
    )
    at_rate = next(
        (phase for phase in results.latency if phase.target_rate == HANDOFF_GOAL_RATE), None
    )
    p99 = worst_p99(at_rate) if at_rate is not None else None
    goals.append(
        Goal(
            goal=f"p99 handoff <= {HANDOFF_P99_GOAL * 1000:.0f} ms at "
            f"{HANDOFF_GOAL_RATE:,.0f} events/s (worse of histogram and Kafka timestamps)",
            measured="-" if p99 is None else format_seconds(p99),
            met=None if p99 is None else p99 <= HANDOFF_P99_GOAL,
        )
    )
    growth = rules_growth(results.micro)
    goals.append(
        Goal(
            goal=f"decision cost grows <= {RULES_GROWTH_GOAL:.0f}x from 10 to 1,000 rules",
            measured="-" if growth is None else f"{growth:.2f}x",
            met=None if growth is None else growth <= RULES_GROWTH_GOAL,
        )
    )
    topology_ratio = ratios.get("throughput_router_vs_three_stage")
    goals.append(
        Goal(
            goal=f"router throughput >= {TOPOLOGY_GOAL}x three-stage Faust passthrough",
            measured="-" if topology_ratio is None else f"{topology_ratio:.2f}x",
            met=None if topology_ratio is None else topology_ratio >= TOPOLOGY_GOAL,
        )
    )
    return goals


def _json_safe(value: Any) -> Any:
    """JSON has no infinity or NaN: write them as strings."""
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def build_report(results: BenchResults) -> dict[str, Any]:
    """The JSON document of a run: raw figures, derived rates, ratios and goals."""
    report = asdict(results)
    report["load"] = (
        None
        if results.load is None
        else {**asdict(results.load), "events_per_second": results.load.events_per_second}
    )
    report["consumers"] = [
        {
            **asdict(run),
            "events_per_second": run.events_per_second,
            "cpu_seconds_per_1k_events": run.cpu_ms_per_event,
            "peak_rss_mib": run.peak_rss_bytes / 2**20,
        }
        for run in results.consumers
    ]
    report["ratios"] = consumer_ratios(results.consumers)
    report["rules_growth_10_to_1000"] = rules_growth(results.micro)
    report["goals"] = [asdict(goal) for goal in evaluate_goals(results)]
    result: dict[str, Any] = _json_safe(report)
    return result


# --- seconds, as the goals and the table write them -------------------------------------------


def format_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "inf"
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"
