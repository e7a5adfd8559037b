"""`make faults`: leadrouter under faults, on a local broker the suite starts itself.

Scenarios (`--scenarios`, all by default), each in its own topic prefix and consumer group:
  kill9           SIGKILL the worker `--faults` times at seeded moments while `--events` flow,
                  restarting it each time with the same app id (one run per `--seeds` seed)
  sigterm         the same with SIGTERM (a graceful stop) (one run per seed)
  rebalance       two workers in one group without static membership: the second joins
                  mid-stream, then `--faults` times one is killed (-9) or stopped (SIGTERM), down
                  for a seeded 0-15 s (its partitions move to the other), and started again;
                  fed at half `--rate` (one run per seed)
  freeze          two workers as in rebalance; `--faults` times one is frozen (SIGSTOP) for a
                  seeded 12-25 s, past the session timeout, so that its partitions move to the
                  other, then let go (SIGCONT): it comes back believing it still owns them
                  (one run per seed)
  broker-restart  the broker stopped for `--outage` s mid-stream, started again on its data
  broker-pause    the broker frozen (SIGSTOP) for `--pause` s mid-stream, then let go (SIGCONT):
                  a hung broker, its connections open and its answers late
  replay          after the feed, the group's offsets reset to the beginning of every topic it
                  reads (as `kafka-consumer-groups --reset-offsets --to-earliest` does) and the
                  worker started again: every record read a second time over the same tables
  fuzz            `--malformed` malformed records interleaved with `--events` / 4 valid events
  aborted         the feed writes as a transactional producer, each tick's records in one
                  transaction, `--aborted-share` of them aborted; the worker is killed (-9)
                  `--faults` times as in kill9. No aborted record may reach any output
The feed keys `--identity-keyed` (0.8) of the valid events by the lead's identity (the worker's
direct path) and the rest by its external id, so one lead's events arrive both ways. Its events
are the bench's `--workload`: synthetic, or real-shaped website traffic, routed to the demo reps
with their daily capacities, so that full queues overflow (the overflow hops and the reps' day
counts then cross every fault; the notes count the routed leads that overflowed).
Any worker exit is restarted by a supervisor loop and counted. Once the pipeline is quiet, every
output topic is read back and every produced valid event accounted for. Results: a table, and
dev/faults/results/<UTC stamp>.json; logs of every process in .run/faults/<stamp>/.

Usage: .venv/bin/python -m dev.faults [--events 20000] [--seeds 1,2,3] [--check-resume] ...
"""

import argparse
import asyncio
import json
import logging
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from agents.tools.demo import demo_reps
from agents.tools.feed_keys import MIXED_IDENTITY_KEYED, share_argument
from agents.tools.synthetic_accounts import synthetic_accounts
from bench.loading import bench_reps
from bench.workloads import WORKLOADS, Workload, rep_capacity
from dev.faults.accounting import Row
from dev.faults.broker import FaultBroker
from dev.faults.report import format_table, row_json
from dev.faults.runs import (
    ABORTED,
    FREEZE,
    FUZZ,
    KILL9,
    OWN_BROKER,
    PAIRED,
    REBALANCE,
    SCENARIOS,
    SIGTERM,
    Harness,
    Spec,
)
from dev.faults.scenarios import run_scenario
from dev.faults.verdict import Verdict, judge
from schemas.reps import Rep

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "dev" / "faults" / "results"
SEEDED = (KILL9, SIGTERM, REBALANCE, FREEZE)  # the others run once, with the first seed
KILLED = (KILL9, ABORTED)  # the scenarios whose restarts `--check-resume` times


class Interrupted(BaseException):
    """SIGTERM: unwind like Ctrl-C so every worker and the broker are stopped."""


def interrupt(signum: int, _: FrameType | None) -> NoReturn:
    raise Interrupted(f"signal {signum}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--events", type=int, default=20_000, help="valid events per run")
    parser.add_argument("--rate", type=float, default=500.0, help="events/s the feed sends")
    parser.add_argument("--faults", type=int, default=5, help="kills or SIGTERMs per run")
    parser.add_argument("--outage", type=float, default=20.0, help="broker stop, seconds")
    parser.add_argument("--pause", type=float, default=120.0, help="broker freeze, seconds")
    parser.add_argument("--malformed", type=int, default=10_000, help="fuzz records")
    parser.add_argument(
        "--aborted-share",
        type=share_argument,
        default=0.2,
        metavar="SHARE",
        help="share of the aborted scenario's transactions the feed aborts (default 0.2)",
    )
    parser.add_argument("--garbage-share", type=float, default=0.0, help="invalid feed share")
    parser.add_argument(
        "--identity-keyed",
        type=share_argument,
        default=MIXED_IDENTITY_KEYED,
        metavar="SHARE",
        help="share of the valid events keyed by the lead's identity (the worker's direct path), "
        f"the others by its external id (default {MIXED_IDENTITY_KEYED:g})",
    )
    parser.add_argument(
        "--workload",
        choices=WORKLOADS,
        default="synthetic",
        help="the feed's events (bench/workloads.py); real-shaped gives reps a daily capacity",
    )
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument(
        "--check-resume",
        action="store_true",
        help="kill9 and aborted fail when a restart takes longer than --resume-limit to resume",
    )
    parser.add_argument("--resume-limit", type=float, default=10.0)
    parser.add_argument("--quiet-timeout", type=float, default=300.0)
    parser.add_argument("--bootstrap", default="", help="use a running broker (no broker-restart)")
    parser.add_argument("--keep-state", action="store_true", help="keep the broker's data")
    parser.add_argument(
        "--store", default="memory://", help="the worker's table store (memory:// or rocksdb://)"
    )
    args = parser.parse_args(argv)
    args.scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; known: {', '.join(SCENARIOS)}")
    args.seeds = [int(seed) for seed in args.seeds.split(",") if seed.strip()]
    return args


def workload_reps(workload: Workload) -> list[Rep]:
    """The bench's reps. For real-shaped traffic only the shipped demo reps, with their daily
    capacities (8 to 40 leads a day): a run of 20,000 events fills the field and specialist
    queues, and their leads overflow (the bench's rotating reps would take them all)."""
    capacity = rep_capacity(workload)
    if capacity is None:
        return bench_reps()
    return bench_reps(len(demo_reps()), capacity)


def specs(args: argparse.Namespace, tag: str) -> list[Spec]:
    """One run per scenario and seed. The rebalance scenario's feed runs at half `--rate`: its
    faults take longer (a stopped worker stays down up to 15 s), and they must come while events
    still flow."""
    runs: list[Spec] = []
    for scenario in args.scenarios:
        for seed in args.seeds if scenario in SEEDED else args.seeds[:1]:
            runs.append(
                Spec(
                    scenario=scenario,
                    seed=seed,
                    events=args.events // 4 if scenario == FUZZ else args.events,
                    rate=args.rate / 2 if scenario in PAIRED else args.rate,
                    partitions=args.partitions,
                    faults=args.faults,
                    outage=args.outage,
                    pause=args.pause,
                    malformed=args.malformed,
                    aborted_share=args.aborted_share if scenario == ABORTED else 0.0,
                    garbage_share=args.garbage_share,
                    identity_keyed=args.identity_keyed,
                    workload=args.workload,
                    store=args.store,
                    quiet_timeout=args.quiet_timeout,
                    tag=tag,
                )
            )
    return runs


async def run_all(
    harness: Harness, runs: Sequence[Spec], resume_limit: float | None
) -> tuple[list[tuple[Row, Verdict]], list[str]]:
    results: list[tuple[Row, Verdict]] = []
    errors: list[str] = []
    for spec in runs:
        if spec.scenario in OWN_BROKER and harness.broker is None:
            errors.append(f"{spec.scenario} skipped: --bootstrap broker is not the suite's own")
            continue
        print(f"[faults] {spec.scenario} seed {spec.seed}: {spec.events:,} events", flush=True)
        began = time.monotonic()
        try:
            row = await run_scenario(harness, spec)
        except Exception as error:
            errors.append(f"{spec.scenario} seed {spec.seed}: {type(error).__name__}: {error}")
            print(f"[faults]   FAILED to run: {errors[-1]}", file=sys.stderr, flush=True)
            continue
        verdict = judge(row, resume_limit=resume_limit if spec.scenario in KILLED else None)
        results.append((row, verdict))
        print(format_table([(row, verdict)]).splitlines()[2], flush=True)
        print(f"[faults]   {time.monotonic() - began:.0f} s", flush=True)
    return results, errors


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    run_dir = ROOT / ".run" / "faults" / stamp
    run_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, interrupt)
    # aiokafka logs every retried send and reconnect (new topics, the broker away): the table
    # says what matters.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    broker = None if args.bootstrap else FaultBroker(run_dir / "kafka")
    harness: Harness | None = None
    results: list[tuple[Row, Verdict]] = []
    errors: list[str] = []
    try:
        bootstrap = args.bootstrap
        if broker is not None:
            print(f"[faults] starting the local broker in {broker.state_dir}", flush=True)
            bootstrap = broker.start(args.partitions)
        harness = Harness(
            bootstrap=bootstrap,
            run_dir=run_dir,
            accounts=synthetic_accounts(args.accounts, 7),
            reps=workload_reps(args.workload),
            broker=broker,
        )
        limit = args.resume_limit if args.check_resume else None
        tag = stamp.lower() if args.bootstrap else ""
        results, errors = asyncio.run(run_all(harness, specs(args, tag), limit))
    except (Exception, KeyboardInterrupt, Interrupted) as error:
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        if harness is not None:
            harness.children.stop_all()
        if broker is not None:
            broker.stop()
            if not args.keep_state:
                shutil.rmtree(broker.state_dir, ignore_errors=True)
    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join(["python -m dev.faults", *(argv or sys.argv[1:])]),
        "settings": {k: v for k, v in vars(args).items() if k != "bootstrap"},
        "resume_check": args.check_resume,
        "rows": [row_json(row, verdict) for row, verdict in results],
        "errors": errors,
        "logs": str(run_dir),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(format_table(results))
    for problem in errors:
        print(f"error: {problem}")
    print(f"\nresults: {path}\nlogs: {run_dir}")
    return 0 if results and not errors and all(v.passed for _, v in results) else 1


if __name__ == "__main__":
    sys.exit(main())
