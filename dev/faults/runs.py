"""What a fault scenario is made of: its spec, the harness it runs in, what it saw, and what a
fault works on."""

import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agents.plumbing.topics import TopicNames
from agents.tools.feed_keys import MIXED_IDENTITY_KEYED
from bench.processes import Children
from bench.topics import TopicProbe
from bench.workloads import Workload
from dev.faults.broker import FaultBroker
from dev.faults.feed import PacedFeed
from dev.faults.quiet import source_topics
from dev.faults.supervisor import Supervisor
from dev.faults.watch import OutputWatch
from schemas.accounts import Account
from schemas.reps import Rep

KILL9, SIGTERM, BROKER_RESTART, FUZZ = "kill9", "sigterm", "broker-restart", "fuzz"
REBALANCE, ABORTED, BROKER_PAUSE, REPLAY = "rebalance", "aborted", "broker-pause", "replay"
FREEZE = "freeze"
SCENARIOS = (KILL9, SIGTERM, REBALANCE, FREEZE, BROKER_RESTART, BROKER_PAUSE, FUZZ, ABORTED, REPLAY)
# The scenarios with two workers in one group, without static membership.
PAIRED = (REBALANCE, FREEZE)
# The scenarios that need the suite's own broker.
OWN_BROKER = (BROKER_RESTART, BROKER_PAUSE)


@dataclass(frozen=True, slots=True)
class Spec:
    """One scenario run. `gap`: seconds (drawn from the seed) between the pipeline producing
    and a fault; `resume_wait`: how long a fault waits for the pipeline to produce again before
    the next one (0: the next fault comes `gap` after the restart, resumed or not); `down`:
    seconds (drawn from the seed) a stopped worker of the rebalance scenario stays down, and
    `signals` the signals it draws from; `frozen`: seconds (drawn from the seed) a worker of the
    freeze scenario stays frozen; `outage` and `pause`: seconds the broker is stopped or
    frozen; `aborted_share`: the share of the feed's transactions
    it aborts (0: the feed is not transactional)."""

    scenario: str
    seed: int
    events: int = 20_000
    rate: float = 500.0
    partitions: int = 4
    faults: int = 5
    gap: tuple[float, float] = (1.0, 6.0)
    resume_wait: float = 90.0
    down: tuple[float, float] = (0.0, 15.0)
    frozen: tuple[float, float] = (12.0, 25.0)
    signals: tuple[int, ...] = (signal.SIGKILL, signal.SIGTERM)
    outage: float = 20.0
    pause: float = 120.0
    malformed: int = 0
    aborted_share: float = 0.0
    garbage_share: float = 0.0
    identity_keyed: float = MIXED_IDENTITY_KEYED
    workload: Workload = "synthetic"
    store: str = "memory://"
    quiet_idle: float = 20.0
    quiet_timeout: float = 300.0
    tag: str = ""

    @property
    def prefix(self) -> str:
        return f"faults{self.tag}.{self.scenario}.s{self.seed}."

    @property
    def app_id(self) -> str:
        return f"faults{self.tag}-{self.scenario}-s{self.seed}"


@dataclass
class Harness:
    bootstrap: str
    run_dir: Path
    accounts: Sequence[Account]
    reps: Sequence[Rep]
    children: Children = field(default_factory=Children)
    broker: FaultBroker | None = None


@dataclass
class Run:
    """What one scenario saw while it ran (besides the outputs it reads at the end)."""

    resume_points: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Fault:
    """What a fault works on: the scenario, its worker (and the rebalance scenario's second
    one, not started yet), its feed and a tail on its outputs."""

    harness: Harness
    spec: Spec
    supervisor: Supervisor
    feed: PacedFeed
    watch: OutputWatch
    run: Run
    partner: Supervisor | None = None
    started: float = field(default_factory=time.time)


async def has_work(fault: Fault) -> bool:
    """Whether the feed is still sending or the consumer group has input left."""
    if not fault.feed.is_done:
        return True
    async with TopicProbe(fault.harness.bootstrap) as probe:
        names = source_topics(TopicNames(fault.spec.prefix))
        return await probe.lag(fault.spec.app_id, names) > 0
