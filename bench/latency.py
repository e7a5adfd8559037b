"""Handoff latency under an open-loop load: events at a fixed rate, paced by the wall clock
(never by acknowledgements), so a router that falls behind shows as latency, not as a slower
load. Measured two ways per rate: the router's own histogram (scraped before and after) and the
Kafka timestamps of the routed records."""

import asyncio
import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from aiokafka import AIOKafkaProducer, ConsumerRecord

from agents.tools.demo_summary import scrape
from bench.processes import Process
from bench.stats import LatencySummary, metric_total, summarize_samples
from bench.topics import TopicProbe
from bench.workloads import Feed


@dataclass(frozen=True, slots=True)
class FeedRun:
    """What the open-loop feed did: `started`/`ended` are the wall-clock times of its first and
    last send; `max_behind` how late the feed itself ever was against its schedule."""

    sent: int
    started: float
    ended: float
    max_behind: float

    @property
    def achieved_rate(self) -> float:
        span = self.ended - self.started
        return self.sent / span if span > 0 else float(self.sent)


MIN_FEED_SECONDS = 2.0


def latency_rates(spec: str, max_rate: float | None) -> list[tuple[str, float]]:
    """The rates of `--rates`, slowest first: events/s ("200") or shares of the measured
    maximum ("50%", left out when no maximum was measured)."""
    rates: list[tuple[str, float]] = []
    for item in (part.strip() for part in spec.split(",")):
        if item.endswith("%"):
            if max_rate:
                rates.append((f"{item} of max", float(item[:-1]) / 100 * max_rate))
        elif item:
            rates.append((f"{float(item):,.0f}/s", float(item)))
    return sorted(rates, key=lambda rate: rate[1])


def feed_seconds(rate: float, seconds: float, capacity: float | None, drain_budget: float) -> float:
    """How long to feed at `rate`: `seconds`, unless the router cannot keep up with it.

    Above the router's `capacity` (events/s) the backlog grows by rate - capacity every second
    and takes backlog / capacity seconds to clear; the feed is cut so that clearing it takes at
    most `drain_budget` seconds (but lasts at least MIN_FEED_SECONDS). Latency in that regime
    grows without bound anyway: the figures only show how fast.
    """
    if capacity is None or capacity <= 0 or rate <= capacity:
        return seconds
    bounded = drain_budget * capacity / (rate - capacity)
    return min(seconds, max(MIN_FEED_SECONDS, bounded))


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collector pass in this process meanwhile (what exists is frozen, then collected again).

    The producer stamps a record when the feed sends it, and the record leaves in the sender's
    next request: a pause of the feed's process in between counted as the router's latency. The
    bench process holds the accounts and reps it loaded, and a full pass over them took 40-55
    ms; with the collector running the feed fell up to 80-125 ms behind its schedule, paused
    10-18 ms (1,000 events/s, `bench/run.py --skip-throughput`). The feed's own garbage is
    freed by reference counting either way."""
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


async def feed_open_loop(
    producer: AIOKafkaProducer, topic: str, feed: Feed, rate: float, seconds: float
) -> FeedRun:
    """Send `rate * seconds` events, event i due at start + i / rate, each stamped now; the
    collector waits meanwhile (`collector_paused`)."""
    with collector_paused():
        return await _feed(producer, topic, feed, rate, seconds)


async def _feed(
    producer: AIOKafkaProducer, topic: str, feed: Feed, rate: float, seconds: float
) -> FeedRun:
    total = max(1, round(rate * seconds))
    pending: list[asyncio.Future[object]] = []
    sent = 0
    max_behind = 0.0
    origin = time.monotonic()
    wall_origin = time.time()
    last_send = origin
    while sent < total:
        now = time.monotonic()
        due = min(total, int((now - origin) * rate) + 1)
        if sent < due:
            max_behind = max(max_behind, now - (origin + sent / rate))
        while sent < due:
            key, value, headers = feed.next_event(datetime.now(UTC))
            pending.append(await producer.send(topic, value, key=key, headers=headers))
            sent += 1
        last_send = time.monotonic()
        if len(pending) > 5000:
            pending = [future for future in pending if not future.done()]
        await asyncio.sleep(max(0.0, origin + sent / rate - time.monotonic()))
    await asyncio.gather(*pending)
    return FeedRun(
        sent=sent,
        started=wall_origin,
        ended=wall_origin + (last_send - origin),
        max_behind=max_behind,
    )


async def scrape_async(url: str) -> str:
    return await asyncio.to_thread(scrape, url)


async def wait_worker_ready(
    child: Process, metrics_url: str, accounts: int, reps: int, timeout: float = 300.0
) -> None:
    """Until the worker serves metrics and its reference views hold every account and rep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        child.ensure_running()
        try:
            text = await scrape_async(metrics_url)
        except OSError:
            text = ""
        if (
            text
            and metric_total(text, "leadrouter_accounts_view_size") >= accounts
            and metric_total(text, "leadrouter_reps_view_size") >= reps
            and "Ready" in child.log_text()
        ):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{child.name} not ready in {timeout:.0f}s:\n{child.log_tail()}")


async def wait_drained(
    child: Process,
    probe: TopicProbe,
    group: str,
    sources: Sequence[str],
    stall_timeout: float = 180.0,
) -> float:
    """Seconds until the group has committed every record of `sources` (Faust commits every
    2.8 s, so this is that coarse); fails if the backlog stops shrinking."""
    started = time.monotonic()
    best = None
    best_at = started
    while True:
        child.ensure_running()
        behind = await probe.lag(group, sources)
        if behind == 0:
            return time.monotonic() - started
        if best is None or behind < best:
            best, best_at = behind, time.monotonic()
        elif time.monotonic() - best_at > stall_timeout:
            raise TimeoutError(
                f"{child.name} stopped catching up ({behind} records behind):\n{child.log_tail()}"
            )
        await asyncio.sleep(0.25)


def handoff_seconds(record: ConsumerRecord[bytes, bytes]) -> tuple[float, float] | None:
    """(sales-ready time, latency) of a routed record: its own Kafka timestamp minus the Kafka
    timestamp of the input record that made the lead sales-ready."""
    if record.value is None:
        return None
    ready = orjson.loads(record.value).get("timestamps", {}).get("sales_ready_at")
    if ready is None:
        return None
    ready_at = datetime.fromisoformat(ready).timestamp()
    return ready_at, record.timestamp / 1000 - ready_at


def latencies_by_window(
    records: Sequence[ConsumerRecord[bytes, bytes]], windows: Sequence[tuple[float, float]]
) -> list[LatencySummary]:
    """Latency summaries of the routed records whose lead became sales-ready in each
    (start, end) window of wall-clock seconds."""
    samples: list[list[float]] = [[] for _ in windows]
    for record in records:
        measured = handoff_seconds(record)
        if measured is None:
            continue
        ready_at, latency = measured
        for index, (start, end) in enumerate(windows):
            # Kafka timestamps are whole milliseconds.
            if start - 0.001 <= ready_at <= end + 0.001:
                samples[index].append(latency)
                break
    return [summarize_samples(values) for values in samples]
