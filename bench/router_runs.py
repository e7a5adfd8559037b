"""The router's throughput runs: `leadrouter worker` on the loaded events (one worker, sampled by
py-spy or counted by cProfile), the same events again with several workers in one group, and
the accounting of what the router wrote."""

import asyncio
import dataclasses
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEAD_EVENTS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    NURTURE,
    TopicNames,
)
from bench import call_counts, latency, profiler
from bench.consumers import Watch, measure_consumer
from bench.loading import EVENT_INTERVAL, load_events
from bench.measurements import ROUTER, BenchResults, ConsumerRun
from bench.processes import ChildProcess
from bench.run_setup import Setup, prepare_router_topics, router_topics, router_workers
from bench.stats import metric_total
from bench.topics import TopicProbe
from bench.topology_shares import Shares, router_shares
from bench.workers import worker_settings
from bench.workloads import make_feed
from bench.written import bytes_note, records_note, records_written

# The router of a run that counts its calls (`--call-counts`): slowed by cProfile, not a speed.
COUNTED = f"{ROUTER} (calls counted)"


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
