"""Ops monitoring against the real thing: a real Prometheus scrapes a real worker on a real broker
while leads flow into several sales queues; the dashboard and alert queries work on that data."""

import asyncio
import json
import math
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.expressions import PromQLExpression, alert_expressions, dashboard_expressions
from tests.integration.kafka import ROOT, WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, lead_event, reference_records
from tests.integration.prometheus import PrometheusError, PrometheusServer

DASHBOARD = ROOT / "deploy/grafana/dashboards/leadrouter.json"
ALERTS = ROOT / "deploy/prometheus/alerts.yml"
STAGE_QUANTILE = (
    "histogram_quantile({q}, sum by (stage, le) "
    "(rate(leadrouter_stage_latency_seconds_bucket[1m])))"
)
P99_BY_QUEUE = (
    "histogram_quantile(0.99, sum by (queue, le) "
    "(rate(leadrouter_handoff_latency_seconds_bucket[1m])))"
)
ROUNDS = 6
ROUND_SECONDS = 2.0


def sales_ready_lead(segment: str, n: int) -> dict[str, Any]:
    """A demo request from someone senior: sales-ready, routed by the segment's rule."""
    company = f"{segment}-{n}"
    people: dict[str, dict[str, Any]] = {
        # Globex is a key account owned by rep-na-01 (shipped demo accounts).
        "key-account": {"email": f"buyer{n}@globex.com", "job_title": "VP Sales", "country": "US"},
        "transactional": {
            "email": f"jo@{company}.io",
            "job_title": "Director of Marketing",
            "country": "United States",
            "employee_count": 60,
            "industry": "Retail",
            "company_name": company,
        },
        "enterprise-emea": {
            "email": f"h@{company}.de",
            "job_title": "Head of IT",
            "country": "Germany",
            "employee_count": 8000,
            "industry": "Automotive",
            "company_name": company,
        },
        "enterprise-na": {
            "email": f"h@{company}.com",
            "job_title": "Head of IT",
            "country": "United States",
            "employee_count": 9000,
            "industry": "Automotive",
            "company_name": company,
        },
        "enterprise-apac": {
            "email": f"h@{company}.jp",
            "job_title": "Head of IT",
            "country": "Japan",
            "employee_count": 7000,
            "industry": "Automotive",
            "company_name": company,
        },
        "pharma": {
            "email": f"cso@{company}.com",
            "job_title": "Chief Scientific Officer",
            "country": "United States",
            "employee_count": 3000,
            "industry": "Pharmaceuticals",
            "company_name": company,
        },
    }
    return lead_event(f"evt-{company}", people[segment], "demo_request")


SEGMENTS = (
    "key-account",
    "transactional",
    "enterprise-emea",
    "enterprise-na",
    "enterprise-apac",
    "pharma",
)


def queue_names() -> list[str]:
    rules = yaml.safe_load(
        resources.files("service").joinpath("data/default_rules.yaml").read_text()
    )
    return list(rules["queues"])


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return str(response.read().decode())


def sample_total(body: str, name: str) -> float:
    """The sum of every sample of one series name (all label sets) in an exposition body."""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in body.splitlines()
        if line.startswith((name + " ", name + "{"))
    )


def routed_by_queue(body: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in body.splitlines():
        if line.startswith('leadrouter_leads_routed_total{queue="'):
            queue = line.split('"', 2)[1]
            counts[queue] = int(float(line.rsplit(" ", 1)[1]))
    return counts


@dataclass(frozen=True, slots=True)
class Monitored:
    """One worker after leads flowed, the Prometheus that watched it, and what Kafka holds."""

    worker: WorkerProcess
    prometheus: PrometheusServer
    # Records read back from each sales.queue.<queue>.v1 topic (queues with records only).
    queue_records: dict[str, int]


async def send_leads_over_time(worker: WorkerProcess, bootstrap: str) -> int:
    """Send a round of leads every ROUND_SECONDS so rate() sees several increases.

    Each round: one sales-ready lead per segment, a student (nurture), a duplicate of the
    round's first event and an invalid record (dead letter). Returns how many distinct valid
    events were sent.
    """
    valid = 0
    for n in range(ROUNDS):
        leads = [sales_ready_lead(segment, n) for segment in SEGMENTS]
        student = lead_event(
            f"evt-student-{n}", {"email": f"kid{n}@gmail.com", "job_title": "Student"}
        )
        records = [
            *(as_record(lead) for lead in leads),
            as_record(student),
            as_record(leads[0]),
            (b"junk", b"{not json", []),
        ]
        await produce(bootstrap, worker.topic("leads.events.v1"), records)
        valid += len(leads) + 1
        await asyncio.sleep(ROUND_SECONDS)
    return valid


async def wait_until_accounted(worker: WorkerProcess, valid: int, timeout: float = 60.0) -> str:
    """Scrape until every valid event was either routed or nurtured; the last scrape."""
    deadline = time.monotonic() + timeout
    while True:
        body = await asyncio.to_thread(scrape, worker.web_port)
        done = sample_total(body, "leadrouter_leads_routed_total") + sample_total(
            body, "leadrouter_leads_nurtured_total"
        )
        if done >= valid:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"only {done} of {valid} valid events routed or nurtured in {timeout}s")
        await asyncio.sleep(0.5)


async def read_queue_topics(
    worker: WorkerProcess, bootstrap: str, expected: dict[str, int]
) -> dict[str, int]:
    """Read every queue topic back (concurrently); the queues whose topic holds records.

    A queue the worker's metrics call empty is read for a short while to show it really is.
    """
    queues = queue_names()
    reads = await asyncio.gather(
        *(
            consume(
                bootstrap,
                worker.topic(f"sales.queue.{queue}.v1"),
                max(expected.get(queue, 0), 1),
                timeout=30.0 if expected.get(queue) else 3.0,
            )
            for queue in queues
        )
    )
    return {queue: len(records) for queue, records in zip(queues, reads, strict=True) if records}


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prometheus")


@pytest.fixture(scope="module")
def prometheus_worker(bootstrap: str, module_tmp: Path) -> Iterator[WorkerProcess]:
    """A worker whose accounts and reps views were loaded before it started."""
    worker = WorkerProcess(bootstrap=bootstrap, tmp=module_tmp, prefix=f"t{uuid.uuid4().hex[:8]}.")
    accounts, reps = reference_records()
    asyncio.run(produce(bootstrap, worker.topic("crm.accounts.v1"), accounts))
    asyncio.run(produce(bootstrap, worker.topic("crm.reps.v1"), reps))
    worker.start()
    yield worker
    worker.stop()
    print(f"--- worker log ({worker.log_path}) ---\n{worker.logs()[-3000:]}")


@pytest.fixture(scope="module")
def prometheus_server(
    prometheus_worker: WorkerProcess, module_tmp: Path
) -> Iterator[PrometheusServer]:
    server = PrometheusServer(
        targets=[f"127.0.0.1:{prometheus_worker.web_port}"], tmp=module_tmp, rule_files=[ALERTS]
    )
    server.start()
    yield server
    server.stop()
    print(f"--- prometheus log ({server.log_path}) ---\n{server.logs()[-3000:]}")


@pytest.fixture(scope="module")
async def monitored(
    prometheus_worker: WorkerProcess, prometheus_server: PrometheusServer, bootstrap: str
) -> Monitored:
    worker, prometheus = prometheus_worker, prometheus_server
    # Prometheus must hold samples from before the first lead, so rate() sees every increase.
    await asyncio.to_thread(prometheus.wait_for, 'up{job="leadrouter-worker"} == 1', bool)
    valid = await send_leads_over_time(worker, bootstrap)
    body = await wait_until_accounted(worker, valid)
    routed = routed_by_queue(body)
    queue_records = await read_queue_topics(worker, bootstrap, routed)
    # The last handoff is in Prometheus too, not only in the worker (observed on the ack).
    total = sum(routed.values())
    await asyncio.to_thread(
        prometheus.wait_for,
        "sum(leadrouter_handoff_latency_seconds_count)",
        lambda result: bool(result) and float(result[0]["value"][1]) >= total,
    )
    return Monitored(worker=worker, prometheus=prometheus, queue_records=queue_records)


def promtool_problems(body: str) -> list[str]:
    """What `promtool check metrics` reports about an exposition body, one line per problem."""
    result = subprocess.run(
        ["promtool", "check", "metrics"],
        input=body,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,  # the caller asserts on the problems and shows them
    )
    problems = (result.stdout + result.stderr).splitlines()
    if result.returncode != 0 and not problems:
        problems = [f"promtool exited {result.returncode} without output"]
    return [line for line in problems if line.strip()]


def test_worker_metrics_pass_promtool_check_after_leads_flowed(monitored: Monitored) -> None:
    body = scrape(monitored.worker.web_port)
    problems = promtool_problems(body)

    ours = [line for line in body.splitlines() if line.startswith("leadrouter_")]
    print(f"\n{len(ours)} leadrouter_* samples in the scrape, for example:")
    print("\n".join(f"  {line}" for line in ours[:15]))
    print(f"promtool check metrics: {problems or 'no problems'}")
    assert "leadrouter_leads_routed_total{" in body
    # Tolerated: Faust's own sensor names are not ours to change (faust_events_runtime_ms has
    # an abbreviated unit). Any other line (a leadrouter_* metric, a parse error) fails.
    not_faust = [line for line in problems if not line.startswith("faust_")]
    assert not not_faust, "\n".join(problems)


def test_p99_handoff_latency_is_finite_for_every_queue_that_received_leads(
    monitored: Monitored,
) -> None:
    result = monitored.prometheus.query(P99_BY_QUEUE)
    p99 = {sample["metric"]["queue"]: float(sample["value"][1]) for sample in result}

    print(f"\nrecords read back per queue topic: {monitored.queue_records}")
    print(f"p99 handoff latency (s) from Prometheus, {P99_BY_QUEUE}:")
    for queue, value in sorted(p99.items()):
        print(f"  {queue:20} {value:.4f}")
    # Where the time goes, for whoever reads a slow p99 above.
    for q in (0.5, 0.99):
        stages = monitored.prometheus.query(STAGE_QUANTILE.format(q=q))
        seconds = {s["metric"]["stage"]: round(float(s["value"][1]), 4) for s in stages}
        print(f"stage latency p{round(q * 100)} (s, from the input record's timestamp): {seconds}")
    assert len(monitored.queue_records) >= 3, monitored.queue_records
    # Every queue's series exists from the start (at 0); only those that received leads have a
    # rate, so exactly those have a finite p99.
    finite = {queue for queue, value in p99.items() if math.isfinite(value)}
    assert finite == set(monitored.queue_records), f"p99 per queue: {p99}"


def all_expressions() -> tuple[list[PromQLExpression], list[PromQLExpression]]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return dashboard_expressions(dashboard), alert_expressions(rules)


def test_every_dashboard_and_alert_expression_evaluates_on_real_data(
    monitored: Monitored,
) -> None:
    panels, alerts = all_expressions()
    expressions = [*panels, *alerts]

    failures: list[str] = []
    empty: list[str] = []
    for expression in expressions:
        try:
            result = monitored.prometheus.query(expression.query)
        except PrometheusError as error:
            failures.append(f"{expression.source}: {error}\n    {expression.query}")
            continue
        if not result:
            empty.append(expression.source)
    # The same rules, loaded by Prometheus from alerts.yml and evaluated every second.
    loaded = [
        rule for group in monitored.prometheus.api("rules")["groups"] for rule in group["rules"]
    ]
    failures += [
        f"loaded rule {rule['name']}: {rule['health']} {rule.get('lastError')}"
        for rule in loaded
        if rule["health"] != "ok"
    ]
    assert sorted(rule["name"] for rule in loaded) == sorted(
        expression.source.removeprefix("rule ") for expression in alerts
    )
    # Informational: series that exist only once something happens (a rejected ruleset, feedback).
    print(f"\n{len(expressions)} expressions evaluated; empty on this data: {empty}")
    assert len(expressions) > 20
    assert not failures, "\n".join(failures)


# Panels whose series only exist once something this flow never does has happened.
EMPTY_ON_THIS_FLOW = {
    # Reps are always available here, so no queue overflows.
    "leadrouter / Duplicates, already routed and overflows / C",
    # No feedback records are sent.
    "leadrouter / Sales feedback by outcome / A",
    # ... so no conversion model is ever published.
    "leadrouter / Model version / A",
    # Nobody accepts (no feedback) and no SLA of the shipped rules runs out during the flow.
    "leadrouter / Time to accept p50 / p90 by queue / A",
    "leadrouter / Time to accept p50 / p90 by queue / B",
    "leadrouter / SLA breaches and escalations by queue and step / B",
    "leadrouter / Credits granted by queue / A",
}


def test_dashboard_panels_show_data_for_what_the_flow_produced(monitored: Monitored) -> None:
    """An expression that selects a misspelt metric or label value evaluates fine, and is empty."""
    panels, _ = all_expressions()

    empty = [
        f"{panel.source}: {panel.query}"
        for panel in panels
        if panel.source not in EMPTY_ON_THIS_FLOW and not monitored.prometheus.query(panel.query)
    ]

    assert not empty, "no data on a flow that should give some:\n" + "\n".join(empty)
