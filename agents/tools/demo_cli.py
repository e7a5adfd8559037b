"""`leadrouter demo`: load the demo data, feed leads, play the sales side, watch the worker."""

import argparse
import asyncio
from typing import Any

from agents.plumbing.settings import Settings
from agents.tools.feed_keys import MIXED_IDENTITY_KEYED, share_argument

# Where `demo sales` serves its counters and `demo watch` reads them.
DEFAULT_SALES_METRICS_PORT = 6067


def load_demo_data(args: argparse.Namespace) -> int:
    from agents.tools.demo import load_demo

    sent = asyncio.run(load_demo(Settings(), short_slas=args.short_slas))
    for topic, count in sent.items():
        print(f"{topic}: {count} record(s)")
    return 0


def feed_demo_events(args: argparse.Namespace) -> int:
    from agents.tools.demo import feed_demo, run_until_signalled

    settings = Settings()
    progress = run_until_signalled(
        lambda stop: feed_demo(
            settings,
            rate=args.rate,
            count=args.count,
            garbage_share=args.garbage_share,
            identity_keyed=args.identity_keyed,
            seed=args.seed,
            stop=stop,
        )
    )
    print(f"fed {progress.sent} event(s)")
    return 0


def answer_as_sales(args: argparse.Namespace) -> int:
    from agents.tools.demo import run_until_signalled
    from agents.tools.demo_sales import run_sales_desk, served_metrics
    from agents.tools.reach import reach_broker

    settings = Settings()
    if not reach_broker(settings):
        return 2
    with served_metrics(args.metrics_port or None) as metrics:
        progress = run_until_signalled(
            lambda stop: run_sales_desk(settings, stop, metrics=metrics, group_id=args.group_id)
        )
    print(progress.line())
    return 0


def watch_demo(args: argparse.Namespace) -> int:
    from agents.tools.demo_summary import watch_metrics

    url = args.metrics_url or f"http://127.0.0.1:{Settings().web.port}/metrics"
    sales_url = args.sales_metrics_url or None
    try:
        return watch_metrics(url, args.every, sales_url=sales_url, iterations=args.iterations)
    except KeyboardInterrupt:
        return 0


def add_demo_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    demo = commands.add_parser("demo", help="demo data, a synthetic lead feed, a live summary")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    load = demo_commands.add_parser(
        "load", help="publish the demo accounts, reps and the default ruleset"
    )
    load.add_argument(
        "--short-slas",
        action="store_true",
        help="publish the demo ruleset instead: SLAs of a minute and an escalation ladder",
    )
    load.set_defaults(func=load_demo_data)
    feed = demo_commands.add_parser(
        "feed", help="publish synthetic lead events at a steady rate (Ctrl-C stops)"
    )
    feed.add_argument("--rate", type=float, default=20.0, help="events per second (default 20)")
    feed.add_argument("--count", type=int, default=None, help="stop after this many events")
    feed.add_argument(
        "--garbage-share", type=float, default=0.02, help="share of invalid records (0.02)"
    )
    feed.add_argument(
        "--identity-keyed",
        type=share_argument,
        default=MIXED_IDENTITY_KEYED,
        metavar="SHARE",
        help="share of the valid records keyed by the lead's identity, which the worker takes "
        f"without re-keying; the others by its external id (default {MIXED_IDENTITY_KEYED:g})",
    )
    feed.add_argument(
        "--seed", type=int, default=None, help="random seed of the feed (default: a new one)"
    )
    feed.set_defaults(func=feed_demo_events)
    sales = demo_commands.add_parser(
        "sales",
        help="a simulated sales tool: answers the leads on every queue topic (Ctrl-C stops)",
    )
    sales.add_argument(
        "--group-id", default=None, help="consumer group (default: <app id>-demo-sales)"
    )
    sales.add_argument(
        "--metrics-port",
        type=int,
        default=DEFAULT_SALES_METRICS_PORT,
        help=f"serve its counters on 127.0.0.1 (default {DEFAULT_SALES_METRICS_PORT}; 0: none)",
    )
    sales.set_defaults(func=answer_as_sales)
    watch = demo_commands.add_parser(
        "watch", help="print a summary of a worker's metrics every few seconds"
    )
    watch.add_argument(
        "--metrics-url", default=None, help="default: http://127.0.0.1:<web port>/metrics"
    )
    watch.add_argument(
        "--sales-metrics-url",
        default=f"http://127.0.0.1:{DEFAULT_SALES_METRICS_PORT}/metrics",
        help="the counters of `demo sales`, for the reasons behind rejections ('': none)",
    )
    watch.add_argument("--every", type=float, default=5.0, help="seconds between summaries")
    watch.add_argument("--iterations", type=int, default=None, help="stop after N summaries")
    watch.set_defaults(func=watch_demo)
