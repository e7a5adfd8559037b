"""`demo watch`: what a worker's Prometheus page says, summarised every few seconds.

Everything comes from the series the worker exports, except the reasons sales gave for the
leads it rejected and the leads it ignored: those are free text the worker never puts in a
label, so they come from the page of `demo sales` (the simulated sales tool), when it runs.
"""

import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from prometheus_client.parser import text_string_to_metric_families

from agents.plumbing.topics import LEAD_EVENTS
from agents.tools.histograms import Buckets, bucket_increase, estimate_quantile

# Rejection reasons the summary names, the most frequent first.
TOP_REASONS = 3


def _add(into: dict[str, float], key: str, value: float) -> None:
    into[key] = into.get(key, 0.0) + value


@dataclass(frozen=True, slots=True)
class MetricsSummary:
    """What `demo watch` shows from one scrape of a worker's /metrics page.

    Histograms are of every queue together, as (upper bound, cumulative count) pairs: the
    summary gives one handoff latency and one time to accept for the whole pipeline.
    `feedback` counts sales' verdicts by outcome, `escalations` the steps taken by action
    (remind, reroute, breached).
    """

    events_in: float
    routed: dict[str, float]
    nurtured: float
    dead_lettered: float
    handoff_buckets: Buckets
    feedback: dict[str, float] = field(default_factory=dict)
    accept_buckets: Buckets = ()
    sla_breaches: float = 0.0
    escalations: dict[str, float] = field(default_factory=dict)
    credits: float = 0.0

    @property
    def routed_total(self) -> float:
        return sum(self.routed.values())

    @property
    def handoff_p50(self) -> float | None:
        return estimate_quantile(0.5, self.handoff_buckets)

    @property
    def handoff_p99(self) -> float | None:
        return estimate_quantile(0.99, self.handoff_buckets)

    @property
    def time_to_accept_p50(self) -> float | None:
        return estimate_quantile(0.5, self.accept_buckets)


def summarize_metrics(text: str) -> MetricsSummary:
    """Read the leadrouter series `demo watch` prints from a Prometheus text page."""
    totals = {"events": 0.0, "nurtured": 0.0, "dead": 0.0, "breaches": 0.0, "credits": 0.0}
    plain = {
        "leadrouter_leads_nurtured_total": "nurtured",
        "leadrouter_deadletters_total": "dead",
        "leadrouter_sla_breaches_total": "breaches",
        "leadrouter_credits_total": "credits",
    }
    # Series counted per one of their labels.
    by_label: dict[str, tuple[str, dict[str, float]]] = {
        "leadrouter_leads_routed_total": ("queue", {}),
        "leadrouter_feedback_total": ("outcome", {}),
        "leadrouter_escalations_total": ("action", {}),
        # Histogram buckets by their upper bound, summed over queues.
        "leadrouter_handoff_latency_seconds_bucket": ("le", {}),
        "leadrouter_time_to_accept_seconds_bucket": ("le", {}),
    }
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name, labels = sample.name, sample.labels
            if name == "leadrouter_events_consumed_total" and labels.get("topic") == LEAD_EVENTS:
                totals["events"] += sample.value
            elif name in plain:
                totals[plain[name]] += sample.value
            elif name in by_label:
                label, counts = by_label[name]
                _add(counts, labels.get(label, ""), sample.value)

    def histogram(name: str) -> Buckets:
        return tuple(sorted((float(le), count) for le, count in by_label[name][1].items()))

    return MetricsSummary(
        events_in=totals["events"],
        routed=by_label["leadrouter_leads_routed_total"][1],
        nurtured=totals["nurtured"],
        dead_lettered=totals["dead"],
        handoff_buckets=histogram("leadrouter_handoff_latency_seconds_bucket"),
        feedback=by_label["leadrouter_feedback_total"][1],
        accept_buckets=histogram("leadrouter_time_to_accept_seconds_bucket"),
        sla_breaches=totals["breaches"],
        escalations=by_label["leadrouter_escalations_total"][1],
        credits=totals["credits"],
    )


@dataclass(frozen=True, slots=True)
class SalesDeskSummary:
    """What the simulated sales tool (`demo sales`) says it did, from its own page."""

    rejection_reasons: dict[str, float]
    ignored: float
    withdrawn: float

    def top_reasons(self, count: int = TOP_REASONS) -> list[tuple[str, float]]:
        given = [(reason, n) for reason, n in self.rejection_reasons.items() if n > 0]
        return sorted(given, key=lambda item: (-item[1], item[0]))[:count]


def summarize_sales_desk(text: str) -> SalesDeskSummary:
    """Read the counters of `demo sales` from its Prometheus text page."""
    reasons: dict[str, float] = {}
    ignored = withdrawn = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name, labels = sample.name, sample.labels
            if name == "leadrouter_demo_sales_replies_total" and labels["outcome"] == "rejected":
                _add(reasons, labels["reason"], sample.value)
            elif name == "leadrouter_demo_sales_ignored_total":
                ignored += sample.value
            elif name == "leadrouter_demo_sales_withdrawn_total":
                withdrawn += sample.value
    return SalesDeskSummary(rejection_reasons=reasons, ignored=ignored, withdrawn=withdrawn)


def recent_buckets(previous: MetricsSummary, current: MetricsSummary) -> Buckets | None:
    """The handoff latencies observed between two scrapes; None when the worker restarted."""
    return bucket_increase(previous.handoff_buckets, current.handoff_buckets)


def format_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _sales_lines(summary: MetricsSummary, desk: SalesDeskSummary | None) -> list[str]:
    """Sales' verdicts and the time to accept; the SLA breaches, escalations and credits."""
    verdicts = summary.feedback
    sales = (
        f"  sales: accepted {verdicts.get('accepted', 0.0):.0f}  "
        f"rejected {verdicts.get('rejected', 0.0):.0f}  "
        f"converted {verdicts.get('converted', 0.0):.0f}"
    )
    if desk is not None:
        sales += f"  ignored {desk.ignored:.0f}"
    sales += f"  time to accept p50 {format_seconds(summary.time_to_accept_p50)}"
    lines = [sales]
    top = desk.top_reasons() if desk is not None else []
    if top:
        lines.append("    top rejection reasons: " + ", ".join(f"{why} {n:.0f}" for why, n in top))
    steps = summary.escalations
    lines.append(
        f"  SLA: breaches {summary.sla_breaches:.0f}  reminders {steps.get('remind', 0.0):.0f}  "
        f"re-routes {steps.get('reroute', 0.0):.0f}  credits granted {summary.credits:.0f}"
    )
    return lines


def format_summary(
    summary: MetricsSummary,
    at: datetime,
    previous: MetricsSummary | None = None,
    window: str = "recently",
    desk: SalesDeskSummary | None = None,
) -> str:
    """Totals; handoff latency since `previous` (over `window`) and since the worker started;
    routed leads per queue; what sales did with them, and the SLA steps taken."""
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
    lines += _sales_lines(summary, desk)
    return "\n".join(lines)


def scrape(url: str, timeout: float = 5.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
    return body.decode("utf-8")


def watch_metrics(
    url: str,
    every: float,
    *,
    sales_url: str | None = None,
    iterations: int | None = None,
    out: TextIO | None = None,
    fetch: Callable[[str], str] = scrape,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Print a summary of the worker's metrics every `every` seconds (forever by default),
    with what the simulated sales tool at `sales_url` reports when it answers."""
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
        desk = None
        if sales_url is not None:
            try:
                desk = summarize_sales_desk(fetch(sales_url))
            except OSError:
                desk = None  # no simulated sales tool (yet): the worker's figures alone
        text = format_summary(summary, now, previous, f"last {every:g}s", desk)
        print(text, file=out, flush=True)
        previous = summary
    return 0
