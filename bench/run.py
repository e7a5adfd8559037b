"""`make bench`: leadrouter's throughput and handoff latency against passthrough baselines.

One run, on a local broker it starts itself (throughput JVM settings, its own state dir, stopped
at the end whatever happens, like every process the bench starts):
1. loads N synthetic events (about 20% new leads, 1% invalid, the valid ones keyed by lead
   identity: `--identity-keyed`) once, with 10,000 accounts and 50 always-available reps, into
   `bench.leads.events.v1` (the router's input under the topic prefix `bench.`);
2. consumes them four times, one consumer after the other, each in a fresh consumer group: a
   plain aiokafka passthrough, a bare Faust passthrough with leadrouter's Faust settings,
   `leadrouter worker` (sampled by py-spy while it runs), and a three-stage Faust passthrough
   with the router's topology, delivery machinery and records per event but no domain work
   (`bench.passthrough_topology`, splitting records as the router just did). Rates run from the
   Kafka timestamp of the first record a consumer writes to that of its last output; the router
   and the three-stage passthrough are complete when their group has committed all their input
   and their outputs stopped growing;
3. feeds a fresh worker open-loop at 200/s, 1,000/s and 50% and 80% of the router's measured
   rate, and measures handoff latency from its histogram and from Kafka timestamps;
4. micro-benchmarks evaluate_event by ruleset size and by number of accounts (no broker);
5. writes bench/results/<UTC stamp>.json (+ -hotspots.txt) and prints a table with the ratios
   router / three-stage passthrough (what leadrouter's own code costs), router / Faust
   passthrough and router / aiokafka passthrough (the limits), and the goals.

Usage: .venv/bin/python bench/run.py [--events 200000] [--partitions 4] ...   (see --help)
Logs of every process: .run/bench/<UTC stamp>/.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script (`make bench`): make `bench.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import shlex
import shutil
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import NoReturn

from agents.plumbing.native import domain_package, extension_sources
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEAD_EVENTS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    NURTURE,
    TopicNames,
)
from agents.tools.synthetic import synthetic_accounts
from bench import call_counts, latency, micro, profiler
from bench.broker import LocalBroker
from bench.consumers import Watch, measure_consumer
from bench.loading import bench_reps, create_producer, load_events
from bench.measurements import (
    AIOKAFKA,
    FAUST,
    ROUTER,
    TOPOLOGY,
    BenchResults,
    ConsumerRun,
    LatencyPhase,
    Machine,
)
from bench.options import parse_args, run_settings
from bench.passthrough_runs import run_aiokafka, run_faust, run_topology
from bench.processes import ChildProcess, Children
from bench.report import build_report
from bench.run_setup import Names, Setup, prepare_router_topics, router_topics, router_workers
from bench.stats import (
    Buckets,
    LatencySummary,
    Stage,
    bucket_delta,
    combined_buckets,
    histogram_buckets,
    metric_total,
    pauses_between,
    stages_between,
    summarize_histogram,
)
from bench.table import format_hotspots, format_table
from bench.topics import TopicProbe
from bench.topology_shares import SYNTHETIC_SHARES, Shares, router_shares
from bench.workers import ROOT, worker_settings
from bench.workloads import make_feed, rep_capacity
from bench.written import bytes_note, records_note, records_written

RESULTS = ROOT / "bench" / "results"
# Event time of the loaded events: one every 10 ms, ending a few minutes before the run.
EVENT_INTERVAL = timedelta(milliseconds=10)
# The router of a run that counts its calls (`--call-counts`): slowed by cProfile, not a speed.
COUNTED = f"{ROUTER} (calls counted)"


class Interrupted(BaseException):
    """SIGTERM: unwind like Ctrl-C so every child and the broker are stopped."""


def interrupt(signum: int, _: FrameType | None) -> NoReturn:
    raise Interrupted(f"signal {signum}")


# --- throughput ---------------------------------------------------------------------------------


async def router_mix(probe: TopicProbe, prefix: str) -> Shares | None:
    """The router's split of keyed events, from its topics' counts (see router_shares)."""
    names = TopicNames(prefix)
    topics = router_topics(names)
    counts = await probe.counts(
        [
            *topics["queues"],
            *(names.name(base) for base in (LEADS_KEYED, LEADS_QUALIFIED, NURTURE, DECISIONS)),
        ]
    )
    return router_shares(
        keyed=counts[names.name(LEADS_KEYED)],
        qualified=counts[names.name(LEADS_QUALIFIED)],
        queued=sum(counts[queue] for queue in topics["queues"]),
        nurtured=counts[names.name(NURTURE)],
        decisions=counts[names.name(DECISIONS)],
    )


async def run_router(
    setup: Setup,
    probe: TopicProbe,
    results: BenchResults,
    prefix: str,
    workers: int = 1,
    load: Callable[[], Awaitable[object]] | None = None,
) -> ConsumerRun:
    """The full pipeline on the input under `prefix`; one worker is sampled by py-spy once it
    produces, several workers share one consumer group and are not profiled. With `load`, the
    workers are started on an empty input and `load` runs once their group is stable, so the
    measured window holds no start-up rebalance (which would replay uncommitted work)."""
    args = setup.args
    group = setup.names.app("router" if workers == 1 else f"router-x{workers}")
    settings = worker_settings(setup.bootstrap, group, prefix, args.partitions)
    topics = router_topics(TopicNames(prefix))
    role = "router" if workers == 1 else f"router-x{workers}"
    # Counted calls (bench/call_counts.py) slow the worker: its run is named apart, so that no
    # ratio or goal takes it for the router's speed, and py-spy stays off.
    counted = setup.run_dir / "router.calls.pstats" if args.call_counts and workers == 1 else None
    if counted is None:
        child, urls = router_workers(setup, role, settings, workers)
    else:
        command = call_counts.command(counted)
        child, urls = router_workers(setup, role, settings, workers, COUNTED, command)
    profiling = args.profile and counted is None and isinstance(child, ChildProcess)
    py_spy = profiler.ensure_py_spy() if profiling else None
    raw_profile = setup.run_dir / "router.pyspy.txt"
    spy: ChildProcess | None = None
    pages: list[str] = []

    async def attach_profiler() -> None:
        nonlocal spy
        if py_spy is not None and isinstance(child, ChildProcess):
            spy = ChildProcess(
                "py-spy",
                profiler.record_command(py_spy, child.pid, raw_profile),
                setup.run_dir / "py-spy.log",
            )
            setup.children.start(spy)

    async def before_stop() -> None:
        if spy is not None:
            spy.stop(timeout=60, signum=signal.SIGINT)  # SIGINT: py-spy writes its output
        pages.extend([await latency.scrape_async(url) for url in urls])

    watch = Watch(
        outputs=topics["outputs"],
        completed=topics["completed"],
        first=topics["written"],
        progress=topics["progress"],
        expected=args.events,
        group=group,
        sources=topics["sources"],
    )
    launched = time.time()
    setup.children.start(child)
    if load is not None:
        for url in urls:
            await latency.wait_worker_ready(child, url, len(setup.accounts), len(setup.reps))
        await wait_group_stable(probe, group, workers)
        launched = time.time()
        await load()
    run = await measure_consumer(
        child,
        probe,
        watch,
        launched_at=launched,
        time_box=args.time_box or None,
        stall_timeout=args.stall_timeout,
        on_first_output=attach_profiler,
        before_stop=before_stop,
    )
    if workers == 1 and raw_profile.exists():
        lines = raw_profile.read_text(errors="replace").splitlines()
        results.profile = profiler.summarize_profile(lines, str(raw_profile))
    if counted is not None:
        results.call_counts = call_counts.read(counted, run.events)
    notes = router_accounting(run, topics, pages)
    if workers == 1:
        written = await records_written(probe, topics["written"], group)
        notes = (*notes, records_note(written, run.input_events))
        if not args.bootstrap:  # the bench's own broker: its logs are here
            data = setup.run_dir / "kafka" / "data"
            notes = (*notes, bytes_note(data, topics["written"], group, run.input_events))
    return dataclasses.replace(run, notes=notes)


async def wait_group_stable(
    probe: TopicProbe, group: str, members: int, timeout: float = 120.0
) -> None:
    """Until the consumer group is Stable with `members` members (and stays so for 2 s)."""
    deadline = time.monotonic() + timeout
    stable_since: float | None = None
    while time.monotonic() < deadline:
        state, count = await probe.group_state(group)
        if state == "Stable" and count == members:
            stable_since = stable_since or time.monotonic()
            if time.monotonic() - stable_since >= 2.0:
                return
        else:
            stable_since = None
        await asyncio.sleep(0.25)
    raise TimeoutError(f"group {group} not stable with {members} members in {timeout:.0f}s")


def router_accounting(
    run: ConsumerRun, topics: dict[str, tuple[str, ...]], metrics_pages: Sequence[str]
) -> tuple[str, ...]:
    """Every input is accounted for: one decision (routed, nurtured or already routed) or one
    dead letter, except duplicates (counted by the worker)."""
    outputs = run.outputs

    def count(names: Sequence[str]) -> int:
        return sum(outputs.get(name, 0) for name in names)

    def ending(suffix: str) -> int:
        return count([name for name in topics["written"] if name.endswith(suffix)])

    decisions, dead = ending(DECISIONS), ending(DEAD_LETTER)
    duplicates = int(
        sum(metric_total(page, "leadrouter_duplicates_total") for page in metrics_pages)
    )
    notes = [
        f"routed {count(topics['queues']):,}, nurtured {ending(NURTURE):,}, "
        f"decisions {decisions:,}, dead-lettered {dead:,}, duplicates {duplicates:,}"
    ]
    accounted = decisions + dead + duplicates
    if run.time_boxed:
        ahead = ending(LEADS_KEYED) - accounted
        notes.append(
            f"stopped by the time box; intake was {ahead:,} events ahead of the last stage, so "
            "CPU per event is an upper bound (it includes their intake)"
        )
    else:
        verdict = "every input accounted for" if accounted == run.input_events else "MISMATCH"
        notes.append(
            f"decisions + dead letters + duplicates = {accounted:,} of {run.input_events:,}: "
            f"{verdict}"
        )
    return tuple(notes)


# --- latency ------------------------------------------------------------------------------------


async def run_latency(
    setup: Setup, probe: TopicProbe, max_rate: float | None, workers: int
) -> list[LatencyPhase]:
    """Fresh workers (one consumer group) in their own namespace, fed open-loop at each rate in
    turn; `max_rate` is what that many workers sustained in the throughput run."""
    args = setup.args
    group = setup.names.app("latency")
    prefix = setup.names.latency_prefix
    settings = worker_settings(setup.bootstrap, group, prefix, args.partitions)
    names = TopicNames(prefix)
    topics = router_topics(names)
    await prepare_router_topics(setup, settings)
    child, urls = router_workers(setup, "latency-worker", settings, workers, "latency worker")
    setup.children.start(child)
    for url in urls:
        await latency.wait_worker_ready(child, url, len(setup.accounts), len(setup.reps))
    feed = make_feed(
        args.workload, args.seed + 1, setup.accounts, args.garbage_share, args.identity_keyed
    )
    source = names.name(LEAD_EVENTS)
    rates = latency.latency_rates(args.rates, max_rate)
    producer = create_producer(setup.bootstrap, linger_ms=0)
    await producer.start()
    measured: list[
        tuple[
            str,
            float,
            latency.FeedRun,
            float,
            LatencySummary,
            tuple[Stage, ...],
            tuple[Stage, ...],
        ]
    ] = []

    async def scrape_workers() -> list[str]:
        return [await latency.scrape_async(url) for url in urls]

    def handoff_buckets(pages: list[str]) -> Buckets:
        return combined_buckets([histogram_buckets(page) for page in pages])

    try:
        await latency.feed_open_loop(producer, source, feed, 100.0, 3.0)  # warm-up
        await latency.wait_drained(child, probe, group, topics["sources"])
        for name, rate in rates:
            before = await scrape_workers()
            seconds = latency.feed_seconds(rate, args.latency_seconds, max_rate, args.drain_budget)
            print(f"[bench] latency: {name} ({rate:,.0f} events/s) for {seconds:.1f}s")
            fed = await latency.feed_open_loop(producer, source, feed, rate, seconds)
            drain = await latency.wait_drained(child, probe, group, topics["sources"])
            after = await scrape_workers()
            handoff = bucket_delta(handoff_buckets(before), handoff_buckets(after))
            stages = stages_between(before, after)
            pauses = pauses_between(before, after)
            handoff_summary = summarize_histogram(handoff)
            measured.append((name, rate, fed, drain, handoff_summary, stages, pauses))
    finally:
        await producer.stop()
    routed = await probe.read_all(topics["queues"])
    child.stop()
    by_kafka = latency.latencies_by_window(
        routed, [(fed.started, fed.ended) for _, _, fed, _, _, _, _ in measured]
    )
    return [
        LatencyPhase(
            name=name,
            target_rate=rate,
            achieved_rate=fed.achieved_rate,
            seconds=fed.ended - fed.started,
            sent=fed.sent,
            saturated=max_rate is not None and rate > max_rate,
            feed_late_max=fed.max_behind,
            drain_seconds=drain,
            histogram=histogram,
            kafka=kafka,
            workers=workers,
            stages=stages,
            collector=pauses,
        )
        for (name, rate, fed, drain, histogram, stages, pauses), kafka in zip(
            measured, by_kafka, strict=True
        )
    ]


# --- the run ------------------------------------------------------------------------------------


async def run_kafka_phases(setup: Setup, results: BenchResults) -> None:
    args = setup.args
    names = setup.names
    settings = worker_settings(setup.bootstrap, names.app("router"), names.prefix, args.partitions)
    source = TopicNames(names.prefix).name(LEAD_EVENTS)
    async with TopicProbe(setup.bootstrap) as probe:
        max_rate: float | None = args.max_rate
        if not args.skip_throughput:
            await prepare_router_topics(setup, settings)
            outputs = [names.passthrough_output(kind) for kind in ("aiokafka", "faust")]
            await probe.create(outputs, args.partitions)
            feed = make_feed(
                args.workload, args.seed, setup.accounts, args.garbage_share, args.identity_keyed
            )
            start = datetime.now(UTC) - EVENT_INTERVAL * args.events - timedelta(minutes=5)
            print(f"[bench] loading {args.events:,} {args.workload} events into {source}")
            results.load = await load_events(
                setup.bootstrap, source, feed, args.events, start, EVENT_INTERVAL
            )
            for name, run in (
                (AIOKAFKA, run_aiokafka),
                (FAUST, run_faust),
            ):
                print(f"[bench] throughput: {name}")
                results.consumers.append(await run(setup, probe, source))
            print(f"[bench] throughput: {ROUTER}")
            router = await run_router(setup, probe, results, names.prefix)
            results.consumers.append(router)
            if not args.skip_topology:
                mix = await router_mix(probe, names.prefix)
                print(f"[bench] throughput: {TOPOLOGY}")
                results.consumers.append(
                    await run_topology(
                        setup,
                        probe,
                        results,
                        source,
                        mix or SYNTHETIC_SHARES,
                        measured=mix is not None,
                    )
                )
            rates = {1: router.events_per_second}
            if args.workers > 1:
                rates[args.workers] = await run_scaled_router(setup, probe, results, start)
            max_rate = max_rate or rates.get(args.latency_workers)
        if not args.skip_latency:
            results.latency = await run_latency(setup, probe, max_rate, args.latency_workers)


async def run_scaled_router(
    setup: Setup, probe: TopicProbe, results: BenchResults, start: datetime
) -> float:
    """The router again with `--workers` processes in one group, on the same events loaded
    into a namespace of its own; returns its events/s."""
    args = setup.args
    prefix = setup.names.scaled_prefix(args.workers)
    settings = worker_settings(
        setup.bootstrap, setup.names.app(f"router-x{args.workers}"), prefix, args.partitions
    )
    await prepare_router_topics(setup, settings)
    feed = make_feed(
        args.workload, args.seed, setup.accounts, args.garbage_share, args.identity_keyed
    )
    source = TopicNames(prefix).name(LEAD_EVENTS)
    print(f"[bench] throughput: {ROUTER}, {args.workers} workers (input loaded once stable)")
    run = await run_router(
        setup,
        probe,
        results,
        prefix,
        workers=args.workers,
        load=lambda: load_events(setup.bootstrap, source, feed, args.events, start, EVENT_INTERVAL),
    )
    results.consumers.append(run)
    return run.events_per_second


def run_micro(args: argparse.Namespace, results: BenchResults) -> None:
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    sizes = [1000, 100_000] + ([1_000_000] if args.million_accounts else [])
    print(
        f"[bench] micro: evaluate_event over {args.micro_events:,} events (best of "
        f"{args.micro_rounds}), rulesets and index sizes {', '.join(f'{n:,}' for n in sizes)}"
    )
    domain = micro.bench_domain(sizes, args.seed, args.micro_events, start, args.micro_rounds)
    results.micro += domain.cases
    results.accounts_loads += domain.loads
    results.domain_profile = domain.hotspots


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


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    started_at = datetime.now(UTC)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    run_dir = ROOT / ".run" / "bench" / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, interrupt)
    broker = LocalBroker(run_dir / "kafka")
    children = Children()
    accounts = synthetic_accounts(args.accounts, args.seed)
    results = BenchResults(
        started_at=started_at.isoformat(timespec="seconds"),
        command=shlex.join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
        machine=Machine(
            cores=os.cpu_count() or 0,
            kafka_version="-",
            python=platform.python_version(),
            load_average=os.getloadavg(),
            domain_compiled=len(extension_sources(domain_package())),
        ),
        settings=run_settings(args, run_dir),
    )
    failed = False
    try:
        if not (args.skip_throughput and args.skip_latency):
            if args.bootstrap:
                bootstrap, version = args.bootstrap, "external broker"
            else:
                print(f"[bench] starting the local broker in {broker.state_dir}")
                bootstrap, version = broker.start(args.partitions), broker.version
            results.machine = dataclasses.replace(results.machine, kafka_version=version)
            setup = Setup(
                args=args,
                bootstrap=bootstrap,
                run_dir=run_dir,
                names=Names(stamp.lower() if args.bootstrap else ""),
                accounts=accounts,
                reps=bench_reps(args.reps, rep_capacity(args.workload)),
                children=children,
            )
            asyncio.run(run_kafka_phases(setup, results))
    except (Exception, KeyboardInterrupt, Interrupted) as error:
        failed = True
        results.errors.append(f"{type(error).__name__}: {error}")
        print(f"[bench] FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        print(f"[bench] logs in {run_dir}", file=sys.stderr)
    finally:
        children.stop_all()
        broker.stop()
        if not args.keep_state:
            shutil.rmtree(broker.state_dir, ignore_errors=True)
    if not failed and not args.skip_micro:
        run_micro(args, results)
    results.wall_seconds = time.monotonic() - began
    results.machine = dataclasses.replace(results.machine, load_average_end=os.getloadavg())
    path = write_results(results, stamp)
    print()
    print(format_table(results))
    counted = counted_lines(results)
    if counted:
        print("\n".join(counted))
    print(f"\nresults: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
