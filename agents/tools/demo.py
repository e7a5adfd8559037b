"""The demo: shipped reference data onto its compacted topics, a paced lead feed, a live summary.

`load_demo` publishes the demo accounts, reps and the default ruleset; `feed_demo` publishes
synthetic lead events at a steady rate (open loop: paced by the wall clock, never by acks);
`watch_metrics` prints what a worker's Prometheus page says every few seconds.
"""

import asyncio
import contextlib
import logging
import math
import secrets
import signal
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Final, TextIO

from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families
from pydantic import TypeAdapter

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.credentials import client_options
from agents.plumbing.settings import Settings
from agents.plumbing.topics import ACCOUNTS, LEAD_EVENTS, REPS, RULES, TopicNames
from agents.tools.synthetic import SyntheticFeed
from schemas.accounts import Account
from schemas.reps import Rep

log = logging.getLogger(__name__)

RULESET_KEY: Final = b"ruleset"
# How often the feed says how far it got.
_PROGRESS_SECONDS: Final = 10.0


def shipped_text(name: str) -> str:
    """A file shipped in service/data (the default rules, the demo accounts and reps)."""
    return resources.files("service").joinpath("data", name).read_text(encoding="utf-8")


def default_rules_text() -> str:
    return shipped_text("default_rules.yaml")


def demo_accounts() -> list[Account]:
    return TypeAdapter(list[Account]).validate_json(shipped_text("demo_accounts.json"))


def demo_reps() -> list[Rep]:
    return TypeAdapter(list[Rep]).validate_json(shipped_text("demo_reps.json"))


def reference_records() -> dict[str, list[tuple[bytes, bytes]]]:
    """The demo's reference records by base topic name: accounts keyed by account id, reps by
    rep id, and the default ruleset's YAML text under the key `ruleset`."""
    return {
        ACCOUNTS: [
            (account.account_id.encode(), account.model_dump_json().encode())
            for account in demo_accounts()
        ],
        REPS: [(rep.rep_id.encode(), rep.model_dump_json().encode()) for rep in demo_reps()],
        RULES: [(RULESET_KEY, default_rules_text().encode())],
    }


def create_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka.hosts,
        acks="all",
        linger_ms=20,
        **client_options(settings.kafka),
    )


async def load_demo(settings: Settings) -> dict[str, int]:
    """Publish the demo reference data (topics created first if missing); records per topic."""
    await ensure_topics(settings.kafka, topic_specs(settings))
    names = TopicNames(settings.topics.prefix)
    producer = create_producer(settings)
    await producer.start()
    try:
        sent: dict[str, int] = {}
        for base, records in reference_records().items():
            topic = names.name(base)
            futures = [await producer.send(topic, key=key, value=value) for key, value in records]
            await asyncio.gather(*futures)
            sent[topic] = len(records)
        return sent
    finally:
        await producer.stop()


@dataclass
class FeedProgress:
    sent: int = 0
    failed: int = 0
    first_error: BaseException | None = None

    def delivered(self, future: "asyncio.Future[Any]") -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            self.failed += 1
            self.first_error = self.first_error or error


async def feed_demo(
    settings: Settings,
    *,
    rate: float,
    count: int | None = None,
    garbage_share: float = 0.0,
    seed: int | None = None,
    stop: asyncio.Event | None = None,
) -> FeedProgress:
    """Publish synthetic lead events at `rate` per second until `count` were sent or `stop` is set.

    Open loop: event i is due at start + i / rate on the wall clock, whatever the broker's acks
    say, so a slow pipeline shows up as latency and lag instead of slowing the load down.
    Without a seed each run draws one (and logs it): the same seed publishes the same event ids,
    which a worker that already saw them rightly drops as duplicates.
    """
    if rate <= 0:
        raise ValueError("rate must be positive")
    if seed is None:
        seed = secrets.randbits(32)
    log.info("feeding %s events per second with seed %d", f"{rate:g}", seed)
    await ensure_topics(settings.kafka, topic_specs(settings))
    feed = SyntheticFeed(seed, demo_accounts(), garbage_share=garbage_share)
    topic = TopicNames(settings.topics.prefix).name(LEAD_EVENTS)
    stop = stop or asyncio.Event()
    progress = FeedProgress()
    producer = create_producer(settings)
    await producer.start()
    started = reported = time.monotonic()
    try:
        while (count is None or progress.sent < count) and not stop.is_set():
            early = started + progress.sent / rate - time.monotonic()
            if early > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), early)
                continue
            key, value, headers = feed.next_event(datetime.now(UTC))
            future = await producer.send(topic, key=key, value=value, headers=headers)
            future.add_done_callback(progress.delivered)
            progress.sent += 1
            if progress.first_error is not None:
                break
            if time.monotonic() - reported >= _PROGRESS_SECONDS:
                reported = time.monotonic()
                log.info("fed %d events to %s", progress.sent, topic)
        await producer.flush()
    finally:
        await producer.stop()
    if progress.first_error is not None:
        raise RuntimeError(f"the broker refused records: {progress.first_error}")
    return progress


def run_until_signalled(main: Callable[[asyncio.Event], Any]) -> Any:
    """Run `main(stop)` in a new event loop; SIGINT and SIGTERM set `stop` for a clean finish."""

    async def runner() -> Any:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        return await main(stop)

    return asyncio.run(runner())


# --- watching a worker's metrics ------------------------------------------------------------


def estimate_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float | None:
    """The q-quantile of a Prometheus histogram, estimated as `histogram_quantile` does.

    `buckets` are (upper bound, cumulative count) pairs, the last normally +Inf. The rank q * total
    falls in the first bucket whose cumulative count reaches it, and the value is interpolated
    linearly between that bucket's lower and upper bounds (the first bucket starts at 0). A rank
    in the +Inf bucket gives the largest finite bound. None when the histogram is empty or has
    no +Inf bucket (Prometheus answers NaN).
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError("q is between 0 and 1")
    ordered = sorted(buckets)
    # Like Prometheus: without a +Inf bucket the total is unknown; one bucket says nothing.
    if len(ordered) < 2 or not math.isinf(ordered[-1][0]) or ordered[-1][1] <= 0:
        return None
    rank = q * ordered[-1][1]
    previous_bound, previous_count = 0.0, 0.0
    for position, (bound, cumulative) in enumerate(ordered):
        if cumulative >= rank:
            if math.isinf(bound):
                return previous_bound
            if position == 0 and bound <= 0:
                return bound
            in_bucket = cumulative - previous_count
            if in_bucket <= 0:
                return bound
            return previous_bound + (bound - previous_bound) * (rank - previous_count) / in_bucket
        previous_bound, previous_count = bound, cumulative
    return previous_bound


Buckets = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class MetricsSummary:
    """What `demo watch` shows from one scrape of a worker's /metrics page.

    `handoff_buckets` is the handoff latency histogram of every queue together, as (upper bound,
    cumulative count) pairs: the summary gives one latency for the whole handoff.
    """

    events_in: float
    routed: dict[str, float]
    nurtured: float
    dead_lettered: float
    handoff_buckets: Buckets

    @property
    def routed_total(self) -> float:
        return sum(self.routed.values())

    @property
    def handoff_p50(self) -> float | None:
        return estimate_quantile(0.5, self.handoff_buckets)

    @property
    def handoff_p99(self) -> float | None:
        return estimate_quantile(0.99, self.handoff_buckets)


def summarize_metrics(text: str) -> MetricsSummary:
    """Read the leadrouter series `demo watch` prints from a Prometheus text page."""
    events_in = nurtured = dead = 0.0
    routed: dict[str, float] = {}
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name, labels = sample.name, sample.labels
            if name == "leadrouter_events_consumed_total" and labels.get("topic") == LEAD_EVENTS:
                events_in += sample.value
            elif name == "leadrouter_leads_routed_total":
                queue = labels.get("queue", "")
                routed[queue] = routed.get(queue, 0.0) + sample.value
            elif name == "leadrouter_leads_nurtured_total":
                nurtured += sample.value
            elif name == "leadrouter_deadletters_total":
                dead += sample.value
            elif name == "leadrouter_handoff_latency_seconds_bucket":
                bound = float(labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return MetricsSummary(
        events_in=events_in,
        routed=routed,
        nurtured=nurtured,
        dead_lettered=dead,
        handoff_buckets=tuple(sorted(buckets.items())),
    )


def recent_buckets(previous: MetricsSummary, current: MetricsSummary) -> Buckets | None:
    """The histogram of what was observed between two scrapes (what `rate()` feeds
    `histogram_quantile` in PromQL); None when the worker restarted in between."""
    before = dict(previous.handoff_buckets)
    recent = tuple(
        (bound, count - before.get(bound, 0.0)) for bound, count in current.handoff_buckets
    )
    if any(count < 0 for _, count in recent):
        return None
    return recent


def format_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def format_summary(
    summary: MetricsSummary,
    at: datetime,
    previous: MetricsSummary | None = None,
    window: str = "recently",
) -> str:
    """Totals; handoff latency since `previous` (over `window`) and since the worker started;
    routed leads per queue."""
    lines = [
        f"[{at:%H:%M:%S}] lead events {summary.events_in:.0f}  "
        f"routed {summary.routed_total:.0f}  nurtured {summary.nurtured:.0f}  "
        f"dead-lettered {summary.dead_lettered:.0f}"
    ]
    overall = (
        f"p50 {format_seconds(summary.handoff_p50)}  p99 {format_seconds(summary.handoff_p99)}"
    )
    recent = recent_buckets(previous, summary) if previous is not None else None
    if recent is None:
        lines.append(f"  handoff since start {overall}")
    else:
        p50, p99 = estimate_quantile(0.5, recent), estimate_quantile(0.99, recent)
        lines.append(
            f"  handoff {window} p50 {format_seconds(p50)}  p99 {format_seconds(p99)}"
            f"  (since start {overall})"
        )
    queues = sorted(summary.routed.items(), key=lambda item: (-item[1], item[0]))
    if queues:
        lines.append("  routed: " + ", ".join(f"{queue} {count:.0f}" for queue, count in queues))
    return "\n".join(lines)


def scrape(url: str, timeout: float = 5.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
    return body.decode("utf-8")


def watch_metrics(
    url: str,
    every: float,
    *,
    iterations: int | None = None,
    out: TextIO | None = None,
    fetch: Callable[[str], str] = scrape,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Print a summary of the worker's metrics every `every` seconds (forever by default)."""
    done = 0
    previous: MetricsSummary | None = None
    while iterations is None or done < iterations:
        if done:
            sleep(every)
        done += 1
        now = datetime.now(UTC).astimezone()
        try:
            text = fetch(url)
        except OSError as error:
            print(
                f"[{now:%H:%M:%S}] waiting for the worker at {url}: {error}", file=out, flush=True
            )
            continue
        summary = summarize_metrics(text)
        print(format_summary(summary, now, previous, f"last {every:g}s"), file=out, flush=True)
        previous = summary
    return 0
