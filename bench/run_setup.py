"""One bench run's setup: the names it gives its topics and groups, what it works with (broker,
directories, reference data, child processes), and the router's topics and worker processes."""

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.reference import default_rules_text
from agents.plumbing.settings import Settings
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEAD_EVENTS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    NURTURE,
    TopicNames,
)
from bench.loading import load_reference
from bench.measurements import ROUTER
from bench.processes import ChildProcess, Children, Process, ProcessGroup
from bench.workers import ROOT, free_port, router_command, worker_env
from schemas.accounts import Account
from schemas.reps import Rep
from service.policy import load_policy


@dataclasses.dataclass(frozen=True, slots=True)
class Names:
    """Topic prefixes, app ids and groups of one run, tagged so runs never share a name (on
    the bench's own broker the tag is empty; on a --bootstrap broker it is the run's stamp)."""

    tag: str = ""

    @property
    def prefix(self) -> str:
        return f"bench{self.tag}."

    @property
    def topology_prefix(self) -> str:
        return f"benchtopo{self.tag}."

    @property
    def latency_prefix(self) -> str:
        return f"benchlat{self.tag}."

    def scaled_prefix(self, workers: int) -> str:
        return f"benchx{workers}{self.tag}."

    def app(self, role: str) -> str:
        return f"bench{self.tag}-{role}"

    def passthrough_output(self, kind: str) -> str:
        return f"{self.prefix}passthrough.{kind}.v1"


@dataclasses.dataclass(frozen=True, slots=True)
class Setup:
    """What one run works with: the broker, its directories and the reference data."""

    args: argparse.Namespace
    bootstrap: str
    run_dir: Path
    names: Names
    accounts: Sequence[Account]
    reps: Sequence[Rep]
    children: Children

    @property
    def worker_settings(self) -> dict[str, str]:
        """`--worker-setting NAME=VALUE`s: environment of every Faust process (router and Faust
        passthrough alike, so they keep the same settings)."""
        return dict(item.split("=", 1) for item in self.args.worker_setting)


def router_topics(names: TopicNames) -> dict[str, tuple[str, ...]]:
    """The router's topics by role: final outputs, everything it writes, the ones it reads."""
    policy = load_policy(default_rules_text(), "shipped default rules")
    queues = tuple(names.queue(queue) for queue in sorted(policy.ruleset.queues))
    outputs = (*queues, names.name(NURTURE), names.name(DECISIONS), names.name(DEAD_LETTER))
    internal = (names.name(LEADS_KEYED), names.name(LEADS_QUALIFIED))
    return {
        "queues": queues,
        "outputs": outputs,
        "completed": (names.name(DECISIONS), names.name(DEAD_LETTER)),
        "written": outputs + internal,
        "sources": (names.name(LEAD_EVENTS), *internal),
        # One record per input event, whichever path it took (direct events skip the keyed topic).
        "progress": (names.name(DECISIONS), names.name(DEAD_LETTER)),
    }


async def prepare_router_topics(setup: Setup, settings: Settings) -> None:
    """Every topic of a router namespace, then its reference data, before the worker starts."""
    await ensure_topics(settings.kafka, topic_specs(settings))
    await load_reference(
        setup.bootstrap, TopicNames(settings.topics.prefix), setup.accounts, setup.reps
    )


def router_workers(
    setup: Setup,
    role: str,
    settings: Settings,
    count: int,
    name: str = ROUTER,
    command: list[str] | None = None,
) -> tuple[Process, list[str]]:
    """`count` router workers in one consumer group (one process, called `name`, when `count`
    is 1), each with its own web port and state directory, run by `command` (the router's by
    default); and their /metrics URLs."""
    members: list[ChildProcess] = []
    urls: list[str] = []
    for number in range(count):
        port = free_port()
        suffix = "" if count == 1 else f"-{number + 1}"
        members.append(
            ChildProcess(
                name if count == 1 else f"{role}{suffix}",
                command or router_command(),
                setup.run_dir / f"{role}{suffix}.log",
                env=worker_env(
                    settings, port, setup.run_dir / f"{role}{suffix}-data", setup.worker_settings
                ),
                cwd=ROOT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}/metrics")
    if count == 1:
        return members[0], urls
    return ProcessGroup(f"{ROUTER}, {count} workers", members), urls
