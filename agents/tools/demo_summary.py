"""`demo watch`: what a worker's Prometheus page says, summarised every few seconds."""

import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from prometheus_client.parser import text_string_to_metric_families

from agents.plumbing.topics import LEAD_EVENTS
from agents.tools.histograms import Buckets, bucket_increase, estimate_quantile


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
    """The handoff latencies observed between two scrapes; None when the worker restarted."""
    return bucket_increase(previous.handoff_buckets, current.handoff_buckets)


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
