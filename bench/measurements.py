"""What a bench run measured: the names of its consumers and the dataclasses of its results.

Plain records, no computation beyond a rate or two: `bench/report.py` derives the ratios, goals
and JSON document from them, `bench/table.py` prints them.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from bench.stats import LatencySummary, Stage

AIOKAFKA = "aiokafka passthrough"
FAUST = "faust passthrough"
ROUTER = "leadrouter"
# leadrouter's topology and delivery machinery without its domain (bench/passthrough_topology.py)
TOPOLOGY = "three-stage passthrough"


@dataclass(frozen=True, slots=True)
class ConsumerRun:
    """One consumer of the input topic, from its first output to its last.

    `events` is how many of the `input_events` it completed (all of them unless `time_boxed`).
    `window_seconds` runs from the Kafka timestamp of the first record the process wrote to the
    timestamp of its last output, so start-up (imports, group join) is not counted as processing;
    it is `startup_seconds` (launch to first output). `cpu_seconds` is the process's user+system
    CPU from its first output to its stop, spent on `cpu_events` events.
    """

    name: str
    events: int
    input_events: int
    outputs: dict[str, int]
    window_seconds: float
    startup_seconds: float
    cpu_seconds: float
    cpu_events: int
    total_cpu_seconds: float
    peak_rss_bytes: int
    completion: str
    time_boxed: bool = False
    notes: tuple[str, ...] = ()

    @property
    def events_per_second(self) -> float:
        return self.events / self.window_seconds if self.window_seconds > 0 else math.inf

    @property
    def cpu_ms_per_event(self) -> float:
        """CPU milliseconds per event, which is also CPU seconds per 1,000 events."""
        return self.cpu_seconds / self.cpu_events * 1000 if self.cpu_events else math.nan


@dataclass(frozen=True, slots=True)
class LoadRun:
    events: int
    seconds: float
    megabytes: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else math.inf


@dataclass(frozen=True, slots=True)
class LatencyPhase:
    """One open-loop rate against a running router: the router's own histogram (delta between
    scrapes; to the broker's acknowledgement) and Kafka timestamps (routed record's timestamp
    minus the timestamp of the input record that made the lead sales-ready).

    `saturated`: the rate is above what the router sustained in the throughput run, so the feed
    was cut short (`seconds`) to keep the backlog bounded; latency grows with feed time there.
    """

    name: str
    target_rate: float
    achieved_rate: float
    seconds: float
    sent: int
    saturated: bool
    feed_late_max: float
    drain_seconds: float
    histogram: LatencySummary
    kafka: LatencySummary
    workers: int = 1
    # The router's stage histograms over the phase (from the input's Kafka timestamp to the
    # end of each stage), in pipeline order: where a handoff's time goes.
    stages: tuple[Stage, ...] = ()
    # The router's collector passes over the phase, per generation ("0" young, "2" full): every
    # pass stopped a worker for that long, and the events behind it waited.
    collector: tuple[Stage, ...] = ()


@dataclass(frozen=True, slots=True)
class MicroCase:
    """Microseconds per event for evaluate_event (merge, enrich, score, route) on one setup."""

    case: str
    rules: int
    accounts: int
    events: int
    us_per_event: float


@dataclass(frozen=True, slots=True)
class AccountsLoad:
    """How long an AccountIndex took to grow to `accounts` (upserts only, generation excluded)."""

    accounts: int
    upsert_seconds: float
    us_per_upsert: float


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A function's share of the profiled samples: itself (`self_share`) and with callees."""

    function: str
    self_share: float
    total_share: float


@dataclass(frozen=True, slots=True)
class Profile:
    """py-spy samples of the router: `hotspots` by own share, `leadrouter` its own functions by
    share with callees, `tasks` by asyncio task (agent, producer sender, fetcher...), `areas` by
    package of the innermost frame."""

    samples: int
    raw_file: str
    hotspots: tuple[Hotspot, ...]
    leadrouter: tuple[Hotspot, ...]
    tasks: tuple[tuple[str, float], ...]
    areas: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class CallCounts:
    """cProfile's count of the router's calls per input event (its main thread, start to
    exit): in all, by area, the functions called most, and named counters of the per-event
    machinery (`bench/call_counts.py`)."""

    events: int
    per_event: float
    areas: tuple[tuple[str, float], ...]
    top: tuple[tuple[str, float], ...]
    counters: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Machine:
    """The machine: `load_average` (1, 5, 15 min) at the start of the run and at its end."""

    cores: int
    kafka_version: str
    python: str
    load_average: tuple[float, float, float]
    load_average_end: tuple[float, float, float] | None = None
    # the domain's modules compiled by mypyc in the tree measured (0: it ran its sources)
    domain_compiled: int = 0


@dataclass
class BenchResults:
    """Everything one run measured; sections a run skipped stay empty."""

    started_at: str
    command: str
    machine: Machine
    settings: dict[str, Any]
    load: LoadRun | None = None
    consumers: list[ConsumerRun] = field(default_factory=list)
    latency: list[LatencyPhase] = field(default_factory=list)
    micro: list[MicroCase] = field(default_factory=list)
    accounts_loads: list[AccountsLoad] = field(default_factory=list)
    profile: Profile | None = None
    call_counts: CallCounts | None = None
    topology_call_counts: CallCounts | None = None
    domain_profile: tuple[Hotspot, ...] = ()
    wall_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
