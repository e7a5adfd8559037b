"""The bench report: measured figures, ratios, goals, the JSON document and the printed table.

Everything here is pure: the runner measures, this module only computes and formats.
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.stats import LatencySummary, Stage

AIOKAFKA = "aiokafka passthrough"
FAUST = "faust passthrough"
ROUTER = "leadrouter"
# leadrouter's topology and delivery machinery without its domain (bench/passthrough_topology.py)
TOPOLOGY = "three-stage passthrough"
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
class ConsumerRun:
    """One consumer of the input topic, from its first output to its last.

    `events` is how many of the `input_events` it completed (all of them unless `time_boxed`).
    `window_seconds` runs from the Kafka timestamp of the first record the process wrote to the
    timestamp of its last output, so start-up (imports, group join) is not counted as processing;
    it is `startup_seconds` (launch to first output). `cpu_seconds` is the process's user+system
    CPU from its first output to its stop, spent on `cpu_events` events.
    """

    name: str
    events: int
    input_events: int
    outputs: dict[str, int]
    window_seconds: float
    startup_seconds: float
    cpu_seconds: float
    cpu_events: int
    total_cpu_seconds: float
    peak_rss_bytes: int
    completion: str
    time_boxed: bool = False
    notes: tuple[str, ...] = ()

    @property
    def events_per_second(self) -> float:
        return self.events / self.window_seconds if self.window_seconds > 0 else math.inf

    @property
    def cpu_ms_per_event(self) -> float:
        """CPU milliseconds per event, which is also CPU seconds per 1,000 events."""
        return self.cpu_seconds / self.cpu_events * 1000 if self.cpu_events else math.nan


@dataclass(frozen=True, slots=True)
class LoadRun:
    events: int
    seconds: float
    megabytes: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else math.inf


@dataclass(frozen=True, slots=True)
class LatencyPhase:
    """One open-loop rate against a running router: the router's own histogram (delta between
    scrapes; to the broker's acknowledgement) and Kafka timestamps (routed record's timestamp
    minus the timestamp of the input record that made the lead sales-ready).

    `saturated`: the rate is above what the router sustained in the throughput run, so the feed
    was cut short (`seconds`) to keep the backlog bounded; latency grows with feed time there.
    """

    name: str
    target_rate: float
    achieved_rate: float
    seconds: float
    sent: int
    saturated: bool
    feed_late_max: float
    drain_seconds: float
    histogram: LatencySummary
    kafka: LatencySummary
    workers: int = 1
    # The router's stage histograms over the phase (from the input's Kafka timestamp to the
    # end of each stage), in pipeline order: where a handoff's time goes.
    stages: tuple[Stage, ...] = ()
    # The router's collector passes over the phase, per generation ("0" young, "2" full): every
    # pass stopped a worker for that long, and the events behind it waited.
    collector: tuple[Stage, ...] = ()


@dataclass(frozen=True, slots=True)
class MicroCase:
    """Microseconds per event for evaluate_event (merge, enrich, score, route) on one setup."""

    case: str
    rules: int
    accounts: int
    events: int
    us_per_event: float


@dataclass(frozen=True, slots=True)
class AccountsLoad:
    """How long an AccountIndex took to grow to `accounts` (upserts only, generation excluded)."""

    accounts: int
    upsert_seconds: float
    us_per_upsert: float


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A function's share of the profiled samples: itself (`self_share`) and with callees."""

    function: str
    self_share: float
    total_share: float


@dataclass(frozen=True, slots=True)
class Profile:
    """py-spy samples of the router: `hotspots` by own share, `leadrouter` its own functions by
    share with callees, `tasks` by asyncio task (agent, producer sender, fetcher...), `areas` by
    package of the innermost frame."""

    samples: int
    raw_file: str
    hotspots: tuple[Hotspot, ...]
    leadrouter: tuple[Hotspot, ...]
    tasks: tuple[tuple[str, float], ...]
    areas: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class CallCounts:
    """cProfile's count of the router's calls per input event (its main thread, start to
    exit): in all, by area, the functions called most, and named counters of the per-event
    machinery (`bench/call_counts.py`)."""

    events: int
    per_event: float
    areas: tuple[tuple[str, float], ...]
    top: tuple[tuple[str, float], ...]
    counters: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Goal:
    goal: str
    measured: str
    met: bool | None


@dataclass(frozen=True, slots=True)
class Machine:
    """The machine: `load_average` (1, 5, 15 min) at the start of the run and at its end."""

    cores: int
    kafka_version: str
    python: str
    load_average: tuple[float, float, float]
    load_average_end: tuple[float, float, float] | None = None
    # the domain's modules compiled by mypyc in the tree measured (0: it ran its sources)
    domain_compiled: int = 0


@dataclass
class BenchResults:
    """Everything one run measured; sections a run skipped stay empty."""

    started_at: str
    command: str
    machine: Machine
    settings: dict[str, Any]
    load: LoadRun | None = None
    consumers: list[ConsumerRun] = field(default_factory=list)
    latency: list[LatencyPhase] = field(default_factory=list)
    micro: list[MicroCase] = field(default_factory=list)
    accounts_loads: list[AccountsLoad] = field(default_factory=list)
    profile: Profile | None = None
    call_counts: CallCounts | None = None
    topology_call_counts: CallCounts | None = None
    domain_profile: tuple[Hotspot, ...] = ()
    wall_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


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


# --- the printed table ------------------------------------------------------------------------


def format_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "inf"
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def format_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _latency_cells(summary: LatencySummary) -> str:
    return (
        "".join(
            f"{format_seconds(value):>10}"
            for value in (summary.p50, summary.p95, summary.p99, summary.max)
        )
        + f"{summary.count:>8,}"
    )


def _stage_cells(phase: LatencyPhase) -> str:
    return ", ".join(
        f"{name} {format_seconds(summary.p50)}/{format_seconds(summary.p99)}"
        for name, summary in phase.stages
    )


def _phase_lines(phase: LatencyPhase) -> list[str]:
    """A latency phase's rows: its histogram and Kafka-timestamp figures, its stages, and the
    collector's passes."""
    name = phase.name + (" *" if phase.saturated else "")
    fed = f"  {phase.seconds:.0f}s fed, <= {format_seconds(phase.feed_late_max)} late"
    lines = [
        f"{name:<16}{phase.achieved_rate:>9,.0f}{phase.drain_seconds:>7.1f}s  "
        f"{'histogram':<10}{_latency_cells(phase.histogram)}",
        f"{fed:<35}{'kafka ts':<10}{_latency_cells(phase.kafka)}",
    ]
    if phase.stages:
        lines.append(f"  stages, p50/p99 since the input record: {_stage_cells(phase)}")
    if phase.collector:
        lines.append(f"  collector passes, p99/longest: {_pause_cells(phase)}")
    return lines


def _pause_cells(phase: LatencyPhase) -> str:
    """Per generation: passes, p99 and the bucket bound the longest pass was under."""
    return ", ".join(
        f"gen {generation} {summary.count:,} passes "
        f"{format_seconds(summary.p99)}/<={format_seconds(summary.max)}"
        for generation, summary in phase.collector
    )


_NAME = 26  # width of the consumer column


def identity_keyed_note(share: float | None) -> str:
    """How the loaded events were keyed (runs before the setting was recorded: nothing)."""
    return "" if share is None else f" ({share:.0%} keyed by lead identity)"


def format_table(results: BenchResults) -> str:
    """The human summary printed at the end of `make bench`."""
    machine = results.machine
    settings = results.settings
    lines = [
        f"leadrouter bench {results.started_at}: {machine.cores} cores, Kafka "
        f"{machine.kafka_version}, Python {machine.python}"
        + (
            f" (domain: {machine.domain_compiled} modules compiled)"
            if machine.domain_compiled
            else ""
        )
        + ", load average "
        + " ".join(f"{value:.2f}" for value in machine.load_average)
        + (
            " at start, "
            + " ".join(f"{value:.2f}" for value in machine.load_average_end)
            + " at end"
            if machine.load_average_end
            else ""
        ),
        f"{settings.get('events', 0):,} {settings.get('workload', 'synthetic')} events"
        + identity_keyed_note(settings.get("identity_keyed"))
        + f", {settings.get('partitions')} partitions, "
        f"{settings.get('accounts', 0):,} accounts, {settings.get('reps')} reps, "
        f"rules: {settings.get('rules')}",
    ]
    if results.load is not None:
        load = results.load
        lines.append(
            f"load: {load.events:,} events ({load.megabytes:.0f} MB) in {load.seconds:.1f} s = "
            f"{load.events_per_second:,.0f} events/s"
        )
    if results.consumers:
        lines += [
            "",
            f"{'throughput':<{_NAME}}{'events/s':>10}{'CPU s/1k ev':>13}{'peak RSS':>11}"
            f"{'startup':>10}{'window':>10}  completion",
        ]
        for run in results.consumers:
            lines.append(
                f"{run.name:<{_NAME}}{run.events_per_second:>10,.0f}{run.cpu_ms_per_event:>13.3f}"
                f"{run.peak_rss_bytes / 2**20:>8.0f} MiB{run.startup_seconds:>9.1f}s"
                f"{run.window_seconds:>9.1f}s  {run.completion}"
            )
            lines += [f"{'':<{_NAME}}note: {note}" for note in run.notes]
        ratios = consumer_ratios(results.consumers)
        for label, name in BASELINES:
            if find_run(results.consumers, name) is None:
                continue
            throughput = ratios.get(f"throughput_router_vs_{label}")
            cpu = ratios.get(f"cpu_per_event_router_vs_{label}")
            lines.append(
                f"router / {name}: throughput {format_ratio(throughput)}, "
                f"CPU per event {format_ratio(cpu)}"
            )
            for scaled in scaled_runs(results.consumers):
                key = scaled.name.removeprefix(f"{ROUTER}, ").replace(" ", "_")
                lines.append(
                    f"router with {scaled.name.removeprefix(f'{ROUTER}, ')} / {name}: "
                    "throughput " + format_ratio(ratios.get(f"throughput_router_{key}_vs_{label}"))
                )
    if results.latency:
        header = "".join(f"{name:>10}" for name in ("p50", "p95", "p99", "max")) + f"{'n':>8}"
        workers = results.latency[0].workers
        lines += [
            "",
            f"handoff latency, {workers} router worker{'s' if workers > 1 else ''} in one group:",
            f"{'rate':<16}{'sent/s':>9}{'drain':>8}  {'source':<10}{header}",
        ]
        for phase in results.latency:
            lines.extend(_phase_lines(phase))
        if any(phase.saturated for phase in results.latency):
            lines.append(
                "* saturated: above the router's measured max rate; fed only as long as the "
                "backlog clears within the drain budget, latency grows with feed time"
            )
    if results.micro:
        lines += ["", f"{'evaluate_event':<44}{'rules':>7}{'accounts':>11}{'us/event':>10}"]
        for case in results.micro:
            lines.append(
                f"{case.case:<44}{case.rules:>7,}{case.accounts:>11,}{case.us_per_event:>10.1f}"
            )
    if results.accounts_loads:
        lines.append(
            "AccountIndex load: "
            + ", ".join(
                f"{load.accounts:,} in {load.upsert_seconds:.1f} s "
                f"({load.us_per_upsert:.0f} us each)"
                for load in results.accounts_loads
            )
        )
    if results.profile is not None and results.profile.hotspots:
        profile = results.profile
        lines += ["", f"router hotspots ({profile.samples:,} samples; self %, total %):"]
        for spot in profile.hotspots[:12]:
            lines.append(
                f"  {spot.self_share * 100:5.1f}% {spot.total_share * 100:5.1f}%  {spot.function}"
            )
        lines.append(
            "  by task: "
            + ", ".join(f"{task} {share * 100:.0f}%" for task, share in profile.tasks[:8])
        )
        lines.append(
            "  by area: "
            + ", ".join(f"{area} {share * 100:.0f}%" for area, share in profile.areas[:8])
        )
    if results.domain_profile:
        lines += ["", "evaluate_event hotspots (cProfile, default rules; own %, with callees %):"]
        for spot in results.domain_profile[:10]:
            lines.append(
                f"  {spot.self_share * 100:5.1f}% {spot.total_share * 100:5.1f}%  {spot.function}"
            )
    lines += ["", "goals:"]
    for goal in evaluate_goals(results):
        verdict = {True: "MET", False: "MISSED", None: "not measured"}[goal.met]
        lines.append(f"  {verdict:<13}{goal.goal}: {goal.measured}")
    lines += [f"  error: {error}" for error in results.errors]
    lines.append(f"wall time {results.wall_seconds / 60:.1f} min; command: {results.command}")
    return "\n".join(lines)


def format_hotspots(results: BenchResults) -> str:
    """The profiles in full, for bench/results/<stamp>-hotspots.txt; empty without profiles."""
    lines: list[str] = []
    profile = results.profile
    if profile is not None and profile.hotspots:
        lines += [f"py-spy samples of the router: {profile.samples:,}", "", "by own time:"]
        lines += [
            f"{spot.self_share * 100:6.2f}% self {spot.total_share * 100:6.2f}% total  "
            f"{spot.function}"
            for spot in profile.hotspots
        ]
        lines += ["", "leadrouter functions by time with callees:"]
        lines += [
            f"{spot.total_share * 100:6.2f}% total {spot.self_share * 100:6.2f}% self  "
            f"{spot.function}"
            for spot in profile.leadrouter
        ]
        lines += ["", "by asyncio task (agent, producer, fetcher...):"]
        lines += [f"{share * 100:6.2f}%  {task}" for task, share in profile.tasks]
        lines += ["", "by area (innermost frame):"]
        lines += [f"{share * 100:6.2f}%  {area}" for area, share in profile.areas]
    if results.domain_profile:
        lines += ["", "evaluate_event by own time (cProfile over the micro-benchmark events):"]
        lines += [
            f"{spot.self_share * 100:6.2f}% self {spot.total_share * 100:6.2f}% total  "
            f"{spot.function}"
            for spot in results.domain_profile
        ]
    return "\n".join(lines) + "\n" if lines else ""
