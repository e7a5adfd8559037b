"""The options of `bench/run.py` (`--help`), and the settings a run's results record from them."""

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.tools.feed_keys import share_argument
from bench.workloads import IDENTITY_KEYED, WORKLOADS, rep_capacity


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="leadrouter throughput and handoff latency against passthrough baselines"
    )
    parser.add_argument("--events", type=int, default=200_000, help="events loaded (200,000)")
    parser.add_argument("--partitions", type=int, default=4, help="input partitions (4)")
    parser.add_argument("--accounts", type=int, default=10_000, help="CRM accounts (10,000)")
    parser.add_argument("--reps", type=int, default=50, help="sales reps (50)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workload",
        choices=WORKLOADS,
        default="synthetic",
        help="synthetic (SyntheticFeed, the default) or real-shaped (website visits: page views "
        "with durations, attribution, repeat visits, buyers; rotating reps get a daily capacity "
        "so many sales-ready leads overflow); see bench/workloads.py",
    )
    parser.add_argument(
        "--worker-setting",
        action="append",
        default=[],
        metavar="LEADROUTER_NAME=VALUE",
        help="a setting of every Faust process, router and passthrough (repeatable), e.g. "
        "LEADROUTER_KAFKA__PRODUCER_LINGER_MS=5",
    )
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers",
        type=int,
        default=cores,
        help=f"also run the router with this many workers in one group (cores: {cores}; 1: no)",
    )
    parser.add_argument(
        "--latency-workers",
        type=int,
        default=1,
        help="router workers fed by the latency phase (1: on 2 cores shared with the broker and "
        "the feed, 2 workers were slower per event than 1)",
    )
    parser.add_argument(
        "--garbage-share", type=float, default=0.01, help="invalid records, dead-lettered (0.01)"
    )
    parser.add_argument(
        "--identity-keyed",
        type=share_argument,
        default=None,
        metavar="SHARE",
        help="share of the valid events keyed by the lead's identity, which the router takes "
        "without re-keying; the others by its external id (default: "
        + ", ".join(f"{share:g} {name}" for name, share in IDENTITY_KEYED.items())
        + ")",
    )
    parser.add_argument("--latency-seconds", type=float, default=20.0, help="per rate (20)")
    parser.add_argument(
        "--rates",
        default="200,1000,50%,80%",
        help="latency rates: events/s, or %% of the measured maximum (200,1000,50%%,80%%)",
    )
    parser.add_argument(
        "--max-rate", type=float, default=None, help="router max events/s (default: measured)"
    )
    parser.add_argument(
        "--drain-budget",
        type=float,
        default=60.0,
        help="above the router's max rate, feed only what it clears in this many seconds (60)",
    )
    parser.add_argument("--micro-events", type=int, default=5_000)
    parser.add_argument("--micro-rounds", type=int, default=5)
    parser.add_argument(
        "--million-accounts",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="micro-benchmark an index of 1,000,000 accounts too (minutes of loading; off by "
        "default: a full run already takes far longer than 25 minutes at the router's rate)",
    )
    parser.add_argument(
        "--profile", action=argparse.BooleanOptionalAction, default=True, help="py-spy the router"
    )
    parser.add_argument(
        "--call-counts",
        action="store_true",
        help="count the throughput router's calls per input event with cProfile instead of "
        "measuring its speed (bench/call_counts.py; needs --skip-latency)",
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--skip-topology", action="store_true", help="no three-stage Faust passthrough"
    )
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument(
        "--time-box",
        type=float,
        default=0.0,
        help="stop each consumer this many seconds after its first output and measure what it "
        "completed (default 0: consume everything). Quick looks only: the router's intake runs "
        "ahead of its later stages, so its time-boxed rate is low and its CPU per event high",
    )
    parser.add_argument(
        "--stall-timeout", type=float, default=180.0, help="fail after this long without progress"
    )
    parser.add_argument(
        "--keep-state", action="store_true", help="keep the broker's data after the run"
    )
    parser.add_argument(
        "--bootstrap",
        default=None,
        help="use this running broker instead of starting one (development; names get a tag)",
    )
    args = parser.parse_args(argv)
    for item in args.worker_setting:
        if not item.startswith("LEADROUTER_") or "=" not in item:
            parser.error(f"--worker-setting {item!r}: LEADROUTER_NAME=VALUE")
    if args.identity_keyed is None:
        args.identity_keyed = IDENTITY_KEYED[args.workload]
    args.workers = max(1, min(args.workers, args.partitions))
    if args.latency_workers > args.partitions:
        parser.error("--latency-workers: at most one worker per partition")
    if args.call_counts and not args.skip_latency:
        parser.error("--call-counts: the counted router measures no rate to feed; --skip-latency")
    return args


def run_settings(args: argparse.Namespace, run_dir: Path) -> dict[str, Any]:
    """What the run was asked to do, as its results and report record it."""
    return {
        "events": args.events,
        "partitions": args.partitions,
        "workers": args.workers,
        "worker_settings": args.worker_setting,
        "latency_workers": args.latency_workers,
        "accounts": args.accounts,
        "reps": args.reps,
        "seed": args.seed,
        "garbage_share": args.garbage_share,
        "workload": args.workload,
        "identity_keyed": args.identity_keyed,
        "rep_capacity": rep_capacity(args.workload),
        "rules": "shipped default",
        "latency_seconds": args.latency_seconds,
        "time_box_seconds": args.time_box,
        "micro_events": args.micro_events,
        "micro_rounds": args.micro_rounds,
        "million_accounts": args.million_accounts,
        "logs": str(run_dir),
    }
