"""`demo watch`: the quantile estimate, the summary of a worker's page, and the watch loop."""

import io
import math
from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from agents.plumbing.metrics import Metrics
from agents.tools.demo_sales import SalesMetrics
from agents.tools.demo_summary import (
    format_summary,
    summarize_metrics,
    summarize_sales_desk,
    watch_metrics,
)
from agents.tools.histograms import estimate_quantile

INF = math.inf


# --- demo watch: the quantile estimate --------------------------------------------------------
def test_quantile_interpolates_linearly_within_its_bucket() -> None:
    buckets = [(0.1, 10.0), (0.5, 20.0), (1.0, 40.0), (INF, 40.0)]

    assert estimate_quantile(0.75, buckets) == pytest.approx(0.75)
    assert estimate_quantile(0.5, buckets) == pytest.approx(0.5)
    assert estimate_quantile(0.99, buckets) == pytest.approx(0.5 + 0.5 * (39.6 - 20) / 20)


def test_quantile_in_the_first_bucket_starts_from_zero() -> None:
    assert estimate_quantile(0.5, [(0.2, 10.0), (INF, 10.0)]) == pytest.approx(0.1)


def test_quantile_beyond_the_last_finite_bucket_is_that_bucket_bound() -> None:
    assert estimate_quantile(0.99, [(0.1, 1.0), (1.0, 2.0), (INF, 10.0)]) == 1.0


def test_quantile_ignores_bucket_order() -> None:
    buckets = [(INF, 40.0), (1.0, 40.0), (0.1, 10.0), (0.5, 20.0)]

    assert estimate_quantile(0.75, buckets) == pytest.approx(0.75)


def test_quantile_of_an_empty_histogram_or_one_without_inf_bucket_is_unknown() -> None:
    assert estimate_quantile(0.5, [(0.1, 0.0), (INF, 0.0)]) is None
    assert estimate_quantile(0.5, [(0.1, 3.0), (1.0, 5.0)]) is None
    assert estimate_quantile(0.5, []) is None


def test_quantile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        estimate_quantile(1.5, [(1.0, 1.0), (INF, 1.0)])


# --- demo watch: the summary ------------------------------------------------------------------


def worker_page(rounds: int = 1) -> str:
    """A worker's /metrics page after `rounds` times the same traffic."""
    registry = CollectorRegistry()
    metrics = Metrics.create(registry)
    for _ in range(rounds):
        metrics.events_consumed.labels(topic="leads.events.v1").inc(120)
        metrics.events_consumed.labels(topic="leadrouter.leads.keyed.v1").inc(118)
        metrics.leads_routed.labels(queue="inside-sales").inc(7)
        metrics.leads_routed.labels(queue="key-accounts").inc(3)
        metrics.leads_nurtured.labels(reason="below_threshold").inc(90)
        metrics.leads_nurtured.labels(reason="nurture_rule").inc(5)
        metrics.deadletters.labels(reason="not_json").inc(2)
        metrics.deadletters.labels(reason="invalid_email").inc(1)
        for seconds in (0.02, 0.03, 0.04, 0.04, 0.2, 0.3, 0.3, 0.4, 0.6, 3.0):
            queue = "inside-sales" if seconds < 0.35 else "key-accounts"
            metrics.handoff_latency.labels(queue=queue).observe(seconds)
    return generate_latest(registry).decode()


def test_summary_reads_routed_per_queue_nurtured_dead_letters_and_handoff_quantiles() -> None:
    summary = summarize_metrics(worker_page())

    assert summary.events_in == 120
    assert summary.routed == {"inside-sales": 7, "key-accounts": 3}
    assert summary.routed_total == 10
    assert (summary.nurtured, summary.dead_lettered) == (95, 3)
    # Ten observations over both queues: the 5th is in (0.1, 0.25], the 10th in (2.5, 5].
    assert summary.handoff_p50 == pytest.approx(0.1 + 0.15 * (5 - 4) / 1)
    assert summary.handoff_p99 == pytest.approx(2.5 + 2.5 * (9.9 - 9) / 1)


def test_summary_of_a_fresh_worker_has_no_latency_yet() -> None:
    summary = summarize_metrics(generate_latest(CollectorRegistry()).decode())

    assert summary.routed == {}
    assert summary.handoff_p50 is None
    text = format_summary(summary, datetime(2026, 11, 24, 12, 0, 5, tzinfo=UTC))
    assert "handoff since start p50 -  p99 -" in text


def test_watch_prints_a_summary_per_scrape_and_waits_for_an_unreachable_worker() -> None:
    pages: list[str | OSError] = [OSError("connection refused"), worker_page(), worker_page(2)]

    def fetch(url: str) -> str:
        page = pages.pop(0)
        if isinstance(page, OSError):
            raise page
        return page

    out = io.StringIO()
    pauses: list[float] = []

    status = watch_metrics(
        "http://w/metrics", 2.0, iterations=3, out=out, fetch=fetch, sleep=pauses.append
    )

    lines = out.getvalue().splitlines()
    assert status == 0
    assert pauses == [2.0, 2.0]
    assert "waiting for the worker at http://w/metrics: connection refused" in lines[0]
    assert "lead events 120  routed 10  nurtured 95  dead-lettered 3" in lines[1]
    assert lines[2] == "  handoff since start p50 250 ms  p99 4.75 s"
    assert lines[3] == "  routed: inside-sales 7, key-accounts 3"
    assert lines[4] == "  sales: accepted 0  rejected 0  converted 0  time to accept p50 -"
    assert lines[5] == "  SLA: breaches 0  reminders 0  re-routes 0  credits granted 0"
    # The third scrape saw the same ten handoffs again: the last 2 s alone are the second ten.
    assert "lead events 240  routed 20" in lines[6]
    assert (
        lines[7] == "  handoff last 2s p50 250 ms  p99 4.75 s  (since start p50 250 ms  p99 4.75 s)"
    )


def latency_page(*seconds: float) -> str:
    registry = CollectorRegistry()
    metrics = Metrics.create(registry)
    for value in seconds:
        metrics.handoff_latency.labels(queue="inside-sales").observe(value)
    return generate_latest(registry).decode()


def test_recent_handoff_latency_counts_only_what_happened_since_the_previous_scrape() -> None:
    before = summarize_metrics(latency_page(*[0.02] * 10))
    now = summarize_metrics(latency_page(*[0.02] * 10, *[3.0] * 10))

    text = format_summary(now, datetime(2026, 11, 24, 12, 0, tzinfo=UTC), before, "last 5s")

    assert "handoff last 5s p50 3.75 s  p99 4.97 s  (since start p50 25 ms  p99 4.95 s)" in text


def test_after_a_worker_restart_only_the_latency_since_start_is_shown() -> None:
    before = summarize_metrics(latency_page(*[0.02] * 10))
    now = summarize_metrics(latency_page(3.0))

    text = format_summary(now, datetime(2026, 11, 24, 12, 0, tzinfo=UTC), before)

    assert "handoff since start p50 3.75 s" in text


# --- demo watch: what sales did, and the SLA steps --------------------------------------------

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def follow_up_page() -> str:
    """A worker's page after sales answered some leads and let others breach."""
    registry = CollectorRegistry()
    metrics = Metrics.create(registry)
    metrics.prepare_queues(["inside-sales", "field-sales-emea"])
    metrics.feedback.labels(outcome="accepted").inc(30)
    metrics.feedback.labels(outcome="rejected").inc(6)
    metrics.feedback.labels(outcome="converted").inc(9)
    # Ten accepts: the 5th is the last of four in (1, 5] after one in (0, 1].
    for seconds in (0.5, 2, 3, 4, 4.5, 6, 7, 8, 9, 20):
        queue = "inside-sales" if seconds < 5 else "field-sales-emea"
        metrics.time_to_accept.labels(queue=queue).observe(seconds)
    metrics.sla_breaches.labels(queue="inside-sales").inc(4)
    metrics.sla_breaches.labels(queue="field-sales-emea").inc(1)
    metrics.escalations.labels(queue="inside-sales", action="remind", step="1").inc(4)
    metrics.escalations.labels(queue="inside-sales", action="remind", step="3").inc(1)
    metrics.escalations.labels(queue="inside-sales", action="reroute", step="2").inc(3)
    metrics.escalations.labels(queue="sales-fallback", action="breached", step="1").inc(1)
    metrics.credits.labels(queue="inside-sales", reason="escalation").inc(2)
    metrics.credits.labels(queue="inside-sales", reason="rejected").inc(1)
    return generate_latest(registry).decode()


def sales_desk_page() -> str:
    """The page of `demo sales` after it rejected six leads for four reasons."""
    registry = CollectorRegistry()
    metrics = SalesMetrics.create(registry)
    for reason, count in [
        ("no budget this year", 3),
        ("not a decision maker", 1),
        ("company too small for our offer", 1),
        ("wrong territory", 1),
    ]:
        metrics.replies.labels(outcome="rejected", reason=reason).inc(count)
    metrics.replies.labels(outcome="accepted", reason="none").inc(30)
    metrics.ignored.inc(5)
    metrics.withdrawn.inc(3)
    return generate_latest(registry).decode()


def test_summary_reads_sales_verdicts_time_to_accept_breaches_escalations_and_credits() -> None:
    summary = summarize_metrics(follow_up_page())

    assert summary.feedback == {"accepted": 30, "rejected": 6, "converted": 9}
    assert summary.time_to_accept_p50 == pytest.approx(1 + 4 * (5 - 1) / 4)
    assert summary.sla_breaches == 5
    assert summary.escalations == {"remind": 5, "reroute": 3, "breached": 1}
    assert summary.credits == 3


def test_the_sales_desk_page_gives_the_reasons_behind_rejections_most_frequent_first() -> None:
    desk = summarize_sales_desk(sales_desk_page())

    assert (desk.ignored, desk.withdrawn) == (5, 3)
    assert desk.top_reasons() == [
        ("no budget this year", 3),
        ("company too small for our offer", 1),
        ("not a decision maker", 1),
    ]


def test_the_summary_says_what_sales_did_and_which_sla_steps_were_taken() -> None:
    summary = summarize_metrics(follow_up_page())
    desk = summarize_sales_desk(sales_desk_page())

    lines = format_summary(summary, NOON, desk=desk).splitlines()

    assert lines[-3:] == [
        "  sales: accepted 30  rejected 6  converted 9  ignored 5  time to accept p50 5.00 s",
        "    top rejection reasons: no budget this year 3, company too small for our offer 1, "
        "not a decision maker 1",
        "  SLA: breaches 5  reminders 5  re-routes 3  credits granted 3",
    ]


def test_without_the_sales_desk_the_summary_has_the_worker_s_figures_alone() -> None:
    pages = {"http://w/metrics": follow_up_page()}

    def fetch(url: str) -> str:
        if url not in pages:
            raise OSError("connection refused")
        return pages[url]

    out = io.StringIO()

    watch_metrics(
        "http://w/metrics",
        5.0,
        sales_url="http://sales/metrics",
        iterations=1,
        out=out,
        fetch=fetch,
        sleep=lambda _: None,
    )

    lines = out.getvalue().splitlines()
    assert lines[-2:] == [
        "  sales: accepted 30  rejected 6  converted 9  time to accept p50 5.00 s",
        "  SLA: breaches 5  reminders 5  re-routes 3  credits granted 3",
    ]


def test_the_watch_reads_the_sales_desk_beside_the_worker() -> None:
    pages = {"http://w/metrics": follow_up_page(), "http://sales/metrics": sales_desk_page()}
    out = io.StringIO()

    watch_metrics(
        "http://w/metrics",
        5.0,
        sales_url="http://sales/metrics",
        iterations=1,
        out=out,
        fetch=pages.__getitem__,
        sleep=lambda _: None,
    )

    assert "top rejection reasons: no budget this year 3" in out.getvalue()
    assert "ignored 5" in out.getvalue()
