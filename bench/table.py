"""The bench's printed table (the end of `make bench`) and its hotspots file, from a run's
results (`bench/measurements.py`) and their ratios and goals (`bench/report.py`)."""

from bench.measurements import ROUTER, BenchResults, LatencyPhase
from bench.report import (
    BASELINES,
    consumer_ratios,
    evaluate_goals,
    find_run,
    format_seconds,
    scaled_runs,
)
from bench.stats import LatencySummary


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
