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

This module runs the phases in that order; the options are in bench/options.py, the runs in
bench/passthrough_runs.py, bench/router_runs.py, bench/latency_runs.py and bench/micro.py, what
they measured in bench/measurements.py, the ratios, goals and JSON in bench/report.py, the table
in bench/table.py and the files in bench/results_files.py.

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
import os
import platform
import shlex
import shutil
import signal
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import NoReturn

from agents.plumbing.native import domain_package, extension_sources
from agents.plumbing.topics import LEAD_EVENTS, TopicNames
from agents.tools.synthetic_accounts import synthetic_accounts
from bench import micro
from bench.broker import LocalBroker
from bench.latency_runs import run_latency
from bench.loading import EVENT_INTERVAL, bench_reps, load_events
from bench.measurements import AIOKAFKA, FAUST, ROUTER, TOPOLOGY, BenchResults, Machine
from bench.options import parse_args, run_settings
from bench.passthrough_runs import run_aiokafka, run_faust, run_topology
from bench.processes import Children
from bench.results_files import counted_lines, write_results
from bench.router_runs import router_mix, run_router, run_scaled_router
from bench.run_setup import Names, Setup, prepare_router_topics
from bench.table import format_table
from bench.topics import TopicProbe
from bench.topology_shares import SYNTHETIC_SHARES
from bench.workers import ROOT, worker_settings
from bench.workloads import make_feed, rep_capacity


class Interrupted(BaseException):
    """SIGTERM: unwind like Ctrl-C so every child and the broker are stopped."""


def interrupt(signum: int, _: FrameType | None) -> NoReturn:
    raise Interrupted(f"signal {signum}")


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
