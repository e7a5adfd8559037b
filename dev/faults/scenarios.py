"""The fault scenarios, each in its own topic prefix and consumer group: a worker under the
supervisor, a paced feed, the fault, then a quiet pipeline read back whole and accounted for."""

import asyncio
import random
import signal
import time
from collections.abc import Awaitable, Callable

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.settings import KafkaSettings, Settings, TopicSettings
from agents.plumbing.topics import LEAD_EVENTS, TopicNames
from bench.loading import load_reference
from bench.processes import ChildProcess
from bench.topics import TopicProbe
from dev.faults.accounting import Row, account
from dev.faults.broker import FaultBroker
from dev.faults.feed import PacedFeed, plan_input
from dev.faults.observations import Faults
from dev.faults.quiet import output_topics, wait_quiet
from dev.faults.rebalance import freeze_faults, rebalance_faults
from dev.faults.records import read_outputs
from dev.faults.replay import replay_fault
from dev.faults.runs import (
    ABORTED,
    BROKER_PAUSE,
    BROKER_RESTART,
    FREEZE,
    FUZZ,
    KILL9,
    PAIRED,
    REBALANCE,
    REPLAY,
    SIGTERM,
    Fault,
    Harness,
    Run,
    Spec,
    has_work,
)
from dev.faults.supervisor import ROOT, Supervisor, free_port, worker_command, worker_env
from dev.faults.watch import OutputWatch


async def _kill_faults(fault: Fault, signum: int) -> None:
    """`spec.faults` signals at seeded moments while the pipeline has work, each followed by a
    restart with the same app id; the next one once the pipeline produced again (or after
    `resume_wait`)."""
    spec, run = fault.spec, fault.run
    rng = random.Random(spec.seed)
    await fault.watch.wait_after(fault.started, timeout=120)
    for number in range(spec.faults):
        await asyncio.sleep(rng.uniform(*spec.gap))
        if not await has_work(fault):
            run.notes.append(f"only {number} of {spec.faults} faults: the pipeline ran dry")
            return
        moment = await fault.supervisor.signal_and_restart(signum)
        run.resume_points.append(moment)
        if spec.resume_wait and not await fault.watch.wait_after(moment, spec.resume_wait):
            run.notes.append(f"restart {number + 1} did not resume in {spec.resume_wait:.0f} s")


async def _feed_paused_mid_stream(fault: Fault, what: str) -> FaultBroker | None:
    """The suite's broker, once the pipeline produced and a seeded while later the feed paused
    (a record half-sent would be neither counted nor lost); None without a broker of its own."""
    broker = fault.harness.broker
    if broker is None:
        fault.run.notes.append(f"no broker of the suite's own: {what} skipped")
        return None
    await fault.watch.wait_after(fault.started, timeout=120)
    await asyncio.sleep(random.Random(fault.spec.seed).uniform(*fault.spec.gap))
    await fault.feed.pause()
    return broker


async def _broker_fault(fault: Fault) -> None:
    """The broker stopped for `spec.outage` seconds mid-stream, then started again (same data,
    same port). The feed pauses meanwhile: a record half-sent would be neither counted nor lost."""
    spec, run, feed = fault.spec, fault.run, fault.feed
    broker = await _feed_paused_mid_stream(fault, "broker restart")
    if broker is None:
        return
    await asyncio.to_thread(broker.halt)
    stopped = time.monotonic()
    await asyncio.sleep(spec.outage)
    # Resume is measured from the broker's start command: its start-up (~7 s) is included.
    run.resume_points.append(time.time())
    await asyncio.to_thread(broker.restart)
    run.notes.append(f"broker away {time.monotonic() - stopped:.1f} s (start-up included)")
    feed.resume()


async def _broker_pause(fault: Fault) -> None:
    """The broker frozen (SIGSTOP) for `spec.pause` seconds mid-stream, then let go: a hung
    broker, as a long pause or a stalled network leaves it. Connections stay open and requests
    go unanswered past the clients' timeouts and the group's session. The feed pauses
    meanwhile, as for a restart."""
    spec, run, feed = fault.spec, fault.run, fault.feed
    broker = await _feed_paused_mid_stream(fault, "broker pause")
    if broker is None:
        return
    broker.freeze()
    frozen = time.monotonic()
    try:
        await asyncio.sleep(spec.pause)
    finally:
        broker.thaw()
    run.resume_points.append(time.time())
    run.notes.append(f"broker frozen {time.monotonic() - frozen:.1f} s")
    feed.resume()


async def _prepare(harness: Harness, spec: Spec) -> None:
    settings = Settings(
        app_id=spec.app_id,
        kafka=KafkaSettings(bootstrap_servers=harness.bootstrap),
        topics=TopicSettings(prefix=spec.prefix, partitions=spec.partitions),
    )
    await ensure_topics(settings.kafka, topic_specs(settings))
    await load_reference(harness.bootstrap, TopicNames(spec.prefix), harness.accounts, harness.reps)


def _supervisor(harness: Harness, spec: Spec, member: str = "") -> Supervisor:
    """The supervised worker `member` ("" for the only one). One address for every
    incarnation, as a production worker (a pod, a container) has; with static group membership
    the restarted worker takes the crashed one's place at once. The rebalance scenario's
    workers have none, so that every start and stop moves partitions."""
    logs = harness.run_dir / spec.prefix.rstrip(".")
    port = free_port()

    def make_child(incarnation: int) -> ChildProcess:
        data = logs / f"data{member}"
        env = worker_env(harness.bootstrap, spec.app_id, spec.prefix, spec.partitions, data, port)
        if spec.scenario not in PAIRED:
            env["LEADROUTER_KAFKA__GROUP_INSTANCE_ID"] = f"{spec.app_id}-{{port}}"
        env["LEADROUTER_STORE"] = spec.store  # the data directory outlives each incarnation
        name = f"worker{member}-{incarnation}"
        return ChildProcess(name, worker_command(), logs / f"{name}.log", env, ROOT)

    return Supervisor(make_child, harness.children)


async def run_scenario(harness: Harness, spec: Spec) -> Row:
    """Run one scenario end to end and account for its outputs."""
    names = TopicNames(spec.prefix)
    malformed = spec.malformed if spec.scenario == FUZZ else 0
    planned = plan_input(
        spec.events, spec.seed, harness.accounts, garbage_share=spec.garbage_share,
        malformed=malformed, identity_keyed=spec.identity_keyed, workload=spec.workload,
    )  # fmt: skip
    await _prepare(harness, spec)
    supervisor = _supervisor(harness, spec)
    partner = _supervisor(harness, spec, "-b") if spec.scenario in PAIRED else None
    workers = [supervisor] if partner is None else [supervisor, partner]
    await supervisor.start()
    feed = PacedFeed(
        harness.bootstrap,
        names.name(LEAD_EVENTS),
        planned,
        spec.rate,
        aborted_share=spec.aborted_share,
        seed=spec.seed,
    )
    run = Run()
    faults: dict[str, Callable[[Fault], Awaitable[None]]] = {
        KILL9: lambda fault: _kill_faults(fault, signal.SIGKILL),
        ABORTED: lambda fault: _kill_faults(fault, signal.SIGKILL),
        SIGTERM: lambda fault: _kill_faults(fault, signal.SIGTERM),
        BROKER_RESTART: _broker_fault,
        BROKER_PAUSE: _broker_pause,
        REPLAY: replay_fault,
        REBALANCE: rebalance_faults,
        FREEZE: freeze_faults,
    }

    def unplanned() -> int:
        return sum(len(worker.unplanned) for worker in workers)

    try:
        async with OutputWatch(harness.bootstrap, output_topics(names)) as watch:
            feeding = asyncio.create_task(feed.run())
            inject = faults.get(spec.scenario)
            if inject is not None:
                await inject(Fault(harness, spec, supervisor, feed, watch, run, partner))
            await feeding
        exits_before = unplanned()
        quiet = await wait_quiet(
            harness.bootstrap, spec.app_id, names, idle=spec.quiet_idle,
            timeout=spec.quiet_timeout, crashes=lambda: unplanned() - exits_before,
        )  # fmt: skip
        run.notes.append(f"quiet: {quiet}")
        async with TopicProbe(harness.bootstrap) as probe:
            records = await probe.read_all(output_topics(names))
    finally:
        for worker in workers:
            await worker.stop()
    outputs, read_notes = read_outputs(records, spec.prefix, harness.reps)
    if feed.failed:
        run.notes.append(f"{feed.failed} records the producer could not send (not counted)")
    incarnations = [child for worker in workers for child in worker.incarnations]
    errors = sum(child.log_text().count("[ERROR]") for child in incarnations)
    run.notes.append(f"{errors:,} ERROR lines in the worker logs")
    for exit_ in [exit_ for worker in workers for exit_ in worker.unplanned][:3]:
        last = exit_.log.strip().splitlines()[-1:] or [""]
        run.notes.append(f"worker exited by itself with code {exit_.code}: {last[0][:160]}")
    restarts = [moment for worker in workers for moment in worker.restarts]
    # With two workers the other one goes on producing: no restart-to-resume to measure.
    resume_points = [] if partner else sorted({*run.resume_points, *restarts})
    return account(
        spec.scenario,
        spec.seed,
        feed.produced,
        outputs,
        Faults(resume_points, len(restarts), unplanned()),
        notes=[*run.notes, *read_notes],
        aborted=feed.aborted,
    )
