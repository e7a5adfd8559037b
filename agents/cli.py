"""The `leadrouter` command: worker, topics, demo, rules and explain."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from agents.admin import ensure_topics, topic_specs
from agents.settings import Settings


def run_worker(args: argparse.Namespace) -> int:
    from agents.app import create_runtime

    settings = Settings()
    asyncio.run(ensure_topics(settings.kafka, topic_specs(settings)))
    runtime = create_runtime(settings)
    port = args.web_port if args.web_port is not None else settings.web.port
    sys.argv = ["leadrouter", "worker", "-l", args.loglevel or settings.log_level]
    sys.argv += ["--web-port", str(port), "--web-host", settings.web.host]
    runtime.app.main()
    return 0


def create_topics(args: argparse.Namespace) -> int:
    settings = Settings()
    created = asyncio.run(ensure_topics(settings.kafka, topic_specs(settings)))
    print(f"created {len(created)} topic(s)" + (": " + ", ".join(created) if created else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadrouter", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    worker = commands.add_parser("worker", help="run the Faust worker (all stages)")
    worker.add_argument("--web-port", type=int, default=None, help="metrics/web port")
    worker.add_argument("-l", "--loglevel", default=None)
    worker.set_defaults(func=run_worker)

    topics = commands.add_parser("topics", help="manage leadrouter's topics")
    topics_commands = topics.add_subparsers(dest="topics_command", required=True)
    create = topics_commands.add_parser("create", help="create every topic that is missing")
    create.set_defaults(func=create_topics)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
