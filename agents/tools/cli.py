"""The `leadrouter` command: worker, topics, demo, rules, explain, dead-letter replay, model."""

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.native import register_native_line, stale_build_error
from agents.plumbing.settings import Settings
from agents.tools.demo_cli import add_demo_commands
from agents.tools.reach import reach_broker
from schemas.deadletters import DeadLetterReason


def run_worker(args: argparse.Namespace) -> int:
    from agents.plumbing.collector import register_sweep, time_collections, tune_collector
    from agents.plumbing.event_loop import use_event_loop
    from agents.worker import create_runtime

    settings = Settings()
    use_event_loop(settings.tuning.event_loop)
    if not reach_broker(settings):
        return 2
    asyncio.run(ensure_topics(settings.kafka, topic_specs(settings)))
    runtime = create_runtime(settings)
    register_native_line(runtime.app)
    port = args.web_port if args.web_port is not None else settings.web.port
    sys.argv = ["leadrouter", "worker", "-l", args.loglevel or settings.log_level]
    sys.argv += ["--web-port", str(port), "--web-host", settings.web.host]
    tuning = settings.tuning
    if tune_collector(tuning.gc_young_threshold, freeze_after_pass=tuning.gc_freeze_survivors):
        register_sweep(runtime.app, tuning.gc_sweep_minutes)
    time_collections(runtime.metrics.gc_pause)
    runtime.app.main()
    return 0


def create_topics(args: argparse.Namespace) -> int:
    settings = Settings()
    if not reach_broker(settings):
        return 2
    created = asyncio.run(ensure_topics(settings.kafka, topic_specs(settings)))
    print(f"created {len(created)} topic(s)" + (": " + ", ".join(created) if created else ""))
    return 0


def check_rules(args: argparse.Namespace) -> int:
    from service.policy import load_policy
    from service.rules import RulesetError

    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {path}: {error}", file=sys.stderr)
        return 2
    try:
        policy = load_policy(text, str(path))
    except RulesetError as error:
        print(f"{path}: {len(error.problems)} problem(s)")
        for problem in error.problems:
            print(problem)
        return 1
    rules, queues = policy.ruleset.rules, policy.ruleset.queues
    print(f"ok: version {policy.version}, {len(rules)} rules, {len(queues)} queues")
    return 0


def replay_dead_letters(args: argparse.Namespace) -> int:
    from aiokafka.errors import KafkaError

    from agents.tools.deadletter_replay import ReplayError
    from agents.tools.deadletter_replay import replay_dead_letters as replay
    from service.deadletter_replay import ReplayFilter

    logging.getLogger("aiokafka").setLevel(logging.WARNING)  # the summary says what matters
    selection = ReplayFilter(reasons=frozenset(args.reason or ()), since=args.since)
    settings = Settings()
    if not reach_broker(settings):
        return 2
    try:
        tally = asyncio.run(replay(settings, selection, dry_run=args.dry_run))
    except (ReplayError, KafkaError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in tally.summary_lines(dry_run=args.dry_run):
        print(line)
    return 0


def parse_since(text: str) -> datetime:
    """--since: an ISO 8601 moment, or a duration ago (`90s`, `30m`, `12h`, `7d`)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = text[:-1], text[-1:]
    if unit in units and number.isdigit():
        return datetime.now(UTC) - timedelta(seconds=int(number) * units[unit])
    return parse_moment(text)


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment for --now; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def explain(args: argparse.Namespace) -> int:
    from agents.tools import demo
    from agents.tools.explain import explain_lead
    from agents.tools.explain_inputs import (
        index_accounts,
        read_accounts,
        read_lead_events,
        read_reps,
    )
    from agents.tools.explain_report import build_report
    from agents.tools.explain_text import format_report
    from agents.tools.model_cli import read_model
    from service.policy import load_policy
    from service.rules import RulesetError

    try:
        events = read_lead_events(args.lead.read_bytes())
        learned = read_model(args.model.read_bytes()) if args.model else None
        rules_text = args.rules.read_text() if args.rules else demo.default_rules_text()
        policy = load_policy(rules_text, str(args.rules or "shipped default rules"))
        accounts = read_accounts(args.accounts.read_bytes()) if args.accounts else None
        reps = read_reps(args.reps.read_bytes()) if args.reps else demo.demo_reps()
        explanation = explain_lead(
            events,
            index_accounts(accounts if accounts is not None else demo.demo_accounts()),
            {rep.rep_id: rep for rep in reps},
            policy,
            args.now or datetime.now(UTC),
            learned,
        )
    except (OSError, ValueError, RulesetError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = build_report(explanation)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def evaluate_model(args: argparse.Namespace) -> int:
    from agents.tools.model_cli import evaluate_command

    return evaluate_command(args.events, args.outcomes, args.split)


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

    add_demo_commands(commands)

    rules = commands.add_parser("rules", help="routing rulesets")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_commands.add_parser("check", help="validate a ruleset file")
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(func=check_rules)

    letters = commands.add_parser("deadletters", help="the dead-letter topic")
    letters_commands = letters.add_subparsers(dest="deadletters_command", required=True)
    replay = letters_commands.add_parser(
        "replay",
        help="re-publish dead-lettered records (original key, value, headers) to their topic",
    )
    replay.add_argument(
        "--reason",
        action="append",
        choices=get_args(DeadLetterReason),
        metavar="R",
        help="only letters with this reason (repeatable; default: every reason)",
    )
    replay.add_argument(
        "--since",
        type=parse_since,
        default=None,
        metavar="T",
        help="only letters that failed at or after T (ISO 8601, or 30m, 12h, 7d ago)",
    )
    replay.add_argument(
        "--dry-run", action="store_true", help="print what would be sent, send nothing"
    )
    replay.set_defaults(func=replay_dead_letters)

    why = commands.add_parser(
        "explain", help="replay a lead's events and explain its score and routing (no Kafka)"
    )
    why.add_argument(
        "lead", type=Path, metavar="LEAD.json", help="a lead event, or a JSON list of one lead's"
    )
    why.add_argument("--rules", type=Path, default=None, help="ruleset YAML (default: shipped)")
    why.add_argument("--accounts", type=Path, default=None, help="JSON list of accounts")
    why.add_argument("--reps", type=Path, default=None, help="JSON list of reps")
    why.add_argument(
        "--now", type=parse_moment, default=None, help="assign as of this ISO time (default: now)"
    )
    why.add_argument(
        "--model",
        type=Path,
        default=None,
        help="a conversion model: a leadrouter.model.v1 record or a model state (default: none)",
    )
    why.add_argument("--json", action="store_true", help="print the report as JSON")
    why.set_defaults(func=explain)

    model = commands.add_parser("model", help="the learned conversion score")
    model_commands = model.add_subparsers(dest="model_command", required=True)
    evaluate = model_commands.add_parser(
        "evaluate",
        help="replay labelled events and outcomes: learn from the first part, score the rest",
    )
    evaluate.add_argument("events", type=Path, metavar="EVENTS", help="lead events, JSONL")
    evaluate.add_argument("outcomes", type=Path, metavar="OUTCOMES", help="sales outcomes, JSONL")
    evaluate.add_argument(
        "--split", type=float, default=0.7, help="share of the outcomes learned from (0.7)"
    )
    evaluate.set_defaults(func=evaluate_model)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    stale = stale_build_error()
    if stale is not None:  # every command runs the domain: none on code older than its sources
        print(f"error: {stale}", file=sys.stderr)
        return 2
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
