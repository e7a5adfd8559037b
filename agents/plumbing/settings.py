"""Worker settings from the environment: `LEADROUTER_` prefix, `__` for nesting."""

import socket
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents.plumbing.event_loop import EventLoop


class KafkaSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    producer_linger_ms: float = Field(
        default=0.0,
        ge=0,
        description="how long the producer waits to fill a batch. 0 (the default) keeps handoff "
        "latency low; in the bench 5 ms cut the router's CPU per event by about a fifth and "
        "raised the p50 handoff at 200 events/s from 6 to 31 ms",
    )
    producer_busy_linger_ms: float = Field(
        default=0.0,
        ge=0,
        description="the linger under load (`agents/plumbing/batching.py`): from "
        "`producer_busy_records_per_s` on, new batches wait this long to fill; at or below "
        "`producer_linger_ms` (the default) the linger stays fixed. In the bench 2 ms bought "
        "no throughput (records batch behind the request in flight) and added 6-15 ms to the "
        "p50 handoff at 1,000 events/s",
    )
    producer_busy_records_per_s: float = Field(
        default=2000.0,
        gt=0,
        description="records sent per second from which the worker counts as busy (about 400 "
        "lead events/s); below half of it the linger is `producer_linger_ms` again",
    )

    group_instance_id: str | None = Field(
        default=None,
        description="static group membership (KIP-345): give each worker a stable, unique id "
        "(e.g. the pod name) and a restarted worker gets its partitions back at once instead "
        "of after the session timeout. `{hostname}` and `{port}` (the web port) are replaced, "
        "so one setting serves every replica of a deployment. Keep `{port}` in it when ports "
        "vary: Faust refuses a remembered assignment made for another web address",
    )
    session_timeout_s: float = Field(
        default=10.0,
        ge=1,
        description="how long the group waits for a silent worker before its partitions move",
    )
    heartbeat_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="how often the worker tells the group it is alive; at most a third of the "
        "session (Kafka's advice), so that a heartbeat lost or late is not the end of it",
    )

    @model_validator(mode="after")
    def _heartbeats_within_the_session(self) -> "KafkaSettings":
        if self.heartbeat_interval_s * 3 > self.session_timeout_s:
            raise ValueError(
                f"heartbeat_interval_s ({self.heartbeat_interval_s:g}) must be at most a third "
                f"of session_timeout_s ({self.session_timeout_s:g})"
            )
        return self

    def membership_window(self) -> float:
        """How long an answered heartbeat confirms the membership (`lease.py`): the session
        less one heartbeat interval."""
        return self.session_timeout_s - self.heartbeat_interval_s

    @field_validator("bootstrap_servers")
    @classmethod
    def _strip_scheme(cls, value: str) -> str:
        # Accept "kafka://host:port" as Faust users write it; store plain host:port lists.
        return ",".join(part.strip().removeprefix("kafka://") for part in value.split(","))

    def instance_id(self, web_port: int) -> str | None:
        if self.group_instance_id is None:
            return None
        return self.group_instance_id.format(hostname=socket.gethostname(), port=web_port)

    @property
    def hosts(self) -> list[str]:
        return [host for host in self.bootstrap_servers.split(",") if host]


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str = "0.0.0.0"  # the metrics endpoint is meant to be scraped
    port: int = Field(default=6066, ge=0, le=65535)
    faust_metrics: bool = Field(
        default=False,
        description="also serve Faust's own sensors (faust_*); they cost CPU on every event",
    )


class TopicSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    prefix: str = Field(
        default="", description="namespace for every topic name, e.g. 'staging.' (tests use it)"
    )
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)


class LimitSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    max_event_bytes: int = Field(default=65_536, ge=1024)
    max_future_seconds: float = Field(default=3600.0, ge=0)
    dedupe_window: int = Field(default=64, ge=1, description="event ids remembered per lead")
    decoded_profiles: int = Field(
        default=20_000,
        ge=0,
        description="lead profiles each worker keeps decoded in memory (the most recently used), "
        "with where their outbox entries sit; the tables stay the durable copy. 0 parses every "
        "profile and outbox value on every event",
    )
    queued_events: int = Field(
        default=500,
        ge=1,
        description="events whose sends may wait for their durable writes while the profile "
        "stage goes on (`agents/plumbing/pipelined.py`); beyond it the stage waits",
    )
    profile_ttl_days: float = Field(
        default=365.0,
        ge=0,
        description="a lead with no event for this long is forgotten (profile and outbox); 0 keeps "
        "every lead for ever",
    )
    ledger_ttl_days: float = Field(
        default=30.0,
        ge=0,
        description="assignment-ledger entries older than this are deleted (a replay only ever "
        "needs the entries of the last commit window); 0 keeps them",
    )
    expiry_sweep_s: float = Field(
        default=3600.0, gt=0, description="how often each worker sweeps its partitions"
    )
    sla_sweep_s: float = Field(
        default=1.0, gt=0, description="how often each worker looks for SLA clocks that breached"
    )
    stall_report_s: float = Field(
        default=30.0,
        gt=0,
        description="after this long with records waiting behind an unmoved committed offset, "
        "an input partition is checked with the broker and, if a record waits, logged as "
        "stalled (`agents/plumbing/stalls.py`)",
    )
    dead_letter_budget_bytes: int = Field(
        default=524_288,
        ge=4096,
        le=700_000,
        description="original bytes a dead letter may carry; past it a part keeps a prefix, its "
        "size and SHA-256. Base64 adds a third: 700,000 stays under the producer's 1,000,000-byte "
        "request limit",
    )
    log_repeat_burst: int = Field(
        default=10, ge=1, description="log lines of one kind let through per interval"
    )
    log_repeat_interval_seconds: float = Field(
        default=60.0, gt=0, description="the interval; past the burst one summary is logged"
    )


class TuningSettings(BaseModel):
    """Faust's per-message costs (`agents/plumbing/faust_speedups.py`); each can be turned off."""

    model_config = ConfigDict(frozen=True)

    fast_delivery: bool = Field(
        default=True,
        description="deliver a fetched message without Faust's four futures when its stream "
        "queue has room (a delivery that must wait is still abortable by a rebalance)",
    )
    light_monitor: bool = Field(
        default=True, description="Faust's monitor keeps only what Faust itself reads back"
    )
    cython: bool = Field(
        default=True, description="Faust's repaired Cython fast paths (`cython_optimizations`)"
    )
    direct_path: bool = Field(
        default=True,
        description="an input record already keyed by its lead's identity, in that key's "
        "partition, skips the re-key hop (`agents/plumbing/direct.py`)",
    )
    direct_batch: int = Field(
        default=100,
        ge=1,
        description="direct events the profile stage decides in a row, at most, while more "
        "input waits: each phase of their processing runs for the batch and stays in the "
        "processor's caches (`agents/stages/profile_batches.py`); 1 decides each as it comes",
    )
    event_loop: EventLoop = Field(
        default="uvloop",
        description="the event loop of the worker's threads: uvloop, or asyncio's own "
        "(`agents/plumbing/event_loop.py`)",
    )
    gc_young_threshold: int = Field(
        default=700,
        ge=0,
        description="the garbage collector's youngest generation collects every this many new "
        "objects, and what the worker built at start is frozen (`agents/plumbing/collector.py`); "
        "0 keeps Python's collector as it is",
    )
    gc_freeze_survivors: bool = Field(
        default=True,
        description="every collector pass freezes what survived it, so that no pass walks an "
        "object twice and pauses stay as short as the young generation's "
        "(`agents/plumbing/collector.py`)",
    )
    gc_sweep_minutes: float = Field(
        default=60.0,
        ge=0,
        description="with frozen survivors: every this many minutes the collector walks "
        "everything once, to free cycles of garbage among frozen objects (0: never)",
    )


class LearningSettings(BaseModel):
    """The learned conversion score: which learner, its cold start, how the trainer publishes."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["logistic", "naive_bayes"] = "logistic"
    min_outcomes: int = Field(
        default=200, ge=0, description="outcomes learned before the learned score may decide"
    )
    half_life_days: float = Field(default=14.0, gt=0, description="engagement features' decay")
    publish_every: int = Field(
        default=50, ge=1, description="the trainer publishes the model after this many examples"
    )
    publish_interval_s: float = Field(
        default=10.0, gt=0, description="... or this long after an unpublished example"
    )
    quality_window: int = Field(
        default=500, ge=1, description="served outcomes the calibration error and AUC cover"
    )
    top_contributions: int = Field(
        default=5, ge=0, description="learned facts a score names (the rest in one line)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LEADROUTER_", env_nested_delimiter="__", frozen=True, extra="ignore"
    )

    app_id: str = "leadrouter"
    kafka: KafkaSettings = KafkaSettings()
    web: WebSettings = WebSettings()
    topics: TopicSettings = TopicSettings()
    limits: LimitSettings = LimitSettings()
    learning: LearningSettings = LearningSettings()
    tuning: TuningSettings = TuningSettings()
    datadir: Path = Path(".run/worker")
    store: str = "memory://"
    rules_file: Path | None = Field(
        default=None, description="YAML ruleset; None: the shipped default, then the rules topic"
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
