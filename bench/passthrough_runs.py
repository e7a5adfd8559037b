"""The throughput runs of the baselines: the aiokafka and bare Faust passthroughs (one hop) and
the three-stage Faust passthrough (`bench/passthrough_topology.py`), each a measured process."""

import dataclasses
import sys
import time

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    NURTURE,
    TopicNames,
)
from bench import call_counts
from bench.consumers import Watch, measure_consumer
from bench.measurements import AIOKAFKA, FAUST, TOPOLOGY, BenchResults, ConsumerRun
from bench.passthrough_topology import QUEUE as TOPOLOGY_QUEUE
from bench.processes import ChildProcess
from bench.run_setup import Setup
from bench.topics import TopicProbe
from bench.topology_shares import Shares
from bench.workers import ROOT, free_port, worker_env, worker_settings
from bench.written import records_note, records_written


async def run_aiokafka(setup: Setup, probe: TopicProbe, source: str) -> ConsumerRun:
    output = setup.names.passthrough_output("aiokafka")
    child = ChildProcess(
        AIOKAFKA,
        [
            sys.executable,
            "-m",
            "bench.passthrough_aiokafka",
            setup.bootstrap,
            source,
            output,
            setup.names.app("aiokafka"),
        ],
        setup.run_dir / "aiokafka-passthrough.log",
        cwd=ROOT,
    )
    return await measure_passthrough(setup, probe, child, output)


async def run_faust(setup: Setup, probe: TopicProbe, source: str) -> ConsumerRun:
    names = setup.names
    settings = worker_settings(
        setup.bootstrap, names.app("faust"), names.prefix, setup.args.partitions
    )
    output = names.passthrough_output("faust")
    child = ChildProcess(
        FAUST,
        [sys.executable, "-m", "bench.passthrough_faust", source, output],
        setup.run_dir / "faust-passthrough.log",
        env=worker_env(settings, free_port(), setup.run_dir / "faust-data", setup.worker_settings),
        cwd=ROOT,
    )
    return await measure_passthrough(setup, probe, child, output)


async def start_and_measure(
    setup: Setup, probe: TopicProbe, child: ChildProcess, watch: Watch
) -> ConsumerRun:
    """Start a baseline's process and measure it from its launch, within the run's limits."""
    launched = time.time()
    setup.children.start(child)
    return await measure_consumer(
        child,
        probe,
        watch,
        launched_at=launched,
        time_box=setup.args.time_box or None,
        stall_timeout=setup.args.stall_timeout,
    )


async def measure_passthrough(
    setup: Setup, probe: TopicProbe, child: ChildProcess, output: str
) -> ConsumerRun:
    watch = Watch(
        outputs=(output,),
        completed=(output,),
        first=(output,),
        progress=(output,),
        expected=setup.args.events,
    )
    run = await start_and_measure(setup, probe, child, watch)
    extra = sum(run.outputs.values()) - run.input_events
    if run.time_boxed or extra == 0:
        return run
    return dataclasses.replace(run, notes=(*run.notes, f"{extra:+,} records against the input"))


async def run_topology(
    setup: Setup,
    probe: TopicProbe,
    results: BenchResults,
    source: str,
    shares: Shares,
    measured: bool,
) -> ConsumerRun:
    """The three-stage Faust passthrough (`bench.passthrough_topology`) on the router's input,
    in a namespace of its own, splitting records by the router's `shares`."""
    names = setup.names
    app_id = names.app("topology")
    settings = worker_settings(
        setup.bootstrap, app_id, names.topology_prefix, setup.args.partitions
    )
    await ensure_topics(settings.kafka, topic_specs(settings, queues=[TOPOLOGY_QUEUE]))
    topics = topology_topics(TopicNames(settings.topics.prefix), source)
    module = ["bench.passthrough_topology", source, *shares.as_args()]
    # Counted like the router (`--call-counts`): named apart, its speed is no baseline.
    counted = setup.run_dir / "topology.calls.pstats" if setup.args.call_counts else None
    name, command = TOPOLOGY, [sys.executable, "-m", *module]
    if counted is not None:
        name, command = f"{TOPOLOGY} (calls counted)", call_counts.command(counted, module)
    child = ChildProcess(
        name,
        command,
        setup.run_dir / "topology-passthrough.log",
        env=worker_env(
            settings, free_port(), setup.run_dir / "topology-data", setup.worker_settings
        ),
        cwd=ROOT,
    )
    watch = Watch(
        outputs=topics["outputs"],
        completed=topics["completed"],
        first=topics["written"],
        progress=topics["progress"],
        expected=setup.args.events,
        group=app_id,
        sources=topics["sources"],
    )
    run = await start_and_measure(setup, probe, child, watch)
    if counted is not None:
        results.topology_call_counts = call_counts.read(counted, run.events)
    origin = "the router's run on these events" if measured else "the default synthetic mix"
    written = await records_written(probe, topics["written"], app_id)
    return dataclasses.replace(
        run,
        notes=(
            f"shares from {origin}: routed {shares.routed:.1%}, nurtured {shares.nurtured:.1%}, "
            f"decision only {shares.decided:.1%}, overflow per hop {shares.overflow:.1%}",
            records_note(written, run.input_events),
        ),
    )


def topology_topics(names: TopicNames, source: str) -> dict[str, tuple[str, ...]]:
    """The three-stage passthrough's topics by role, as `router_topics` gives the router's."""
    outputs = (
        names.queue(TOPOLOGY_QUEUE),
        names.name(NURTURE),
        names.name(DECISIONS),
        names.name(DEAD_LETTER),
    )
    internal = (names.name(LEADS_KEYED), names.name(LEADS_QUALIFIED))
    return {
        "outputs": outputs,
        "completed": (names.name(DECISIONS), names.name(DEAD_LETTER)),
        "written": outputs + internal,
        "sources": (source, *internal),
        "progress": (names.name(LEADS_KEYED),),
    }
