"""`leadrouter demo sales` as a real process on the real broker: it answers what a real worker
routes, as its policy says, follows withdrawals, and answers a re-routed lead afresh."""

import asyncio
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.tools.demo_summary import (
    MetricsSummary,
    SalesDeskSummary,
    summarize_metrics,
    summarize_sales_desk,
)
from agents.tools.sales_policy import Verdict, answer_for, demo_sales_team
from service.decision_ids import decision_id, escalation_decision_id
from tests.integration.conftest import read_json
from tests.integration.kafka import ROOT, WorkerProcess, free_port, produce, stop_process
from tests.integration.pipeline_data import as_record, rules_file, transactional_lead

TEAM = demo_sales_team()
INSIDE_SALES = "sales.queue.inside-sales.v1"


def first_decision(identity: str) -> str:
    return decision_id(identity, 1)


def lead_answered(verdict: Verdict, *, then: Verdict | None = None) -> int:
    """The first transactional lead whose first decision the team answers `verdict` (never
    converting), and, with `then`, whose re-routed decision it answers that way."""
    for n in range(10_000):
        first = first_decision(f"email:buyer{n}@shop{n}.io")
        answers = [answer_for(first, TEAM)]
        if then is not None:
            answers.append(answer_for(escalation_decision_id(first, 2), TEAM))
        wanted = [verdict] if then is None else [verdict, then]
        never_won = all(answer.converts_after is None for answer in answers)
        if [answer.verdict for answer in answers] == wanted and never_won:
            return n
    raise AssertionError(f"no lead is {verdict}")


@dataclass
class SalesProcess:
    process: "subprocess.Popen[bytes]"
    log_path: Path
    metrics_port: int

    def page(self) -> SalesDeskSummary:
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        return summarize_sales_desk(urllib.request.urlopen(url, timeout=10).read().decode())

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def sales_tool(worker: WorkerProcess, tmp_path: Path) -> Iterator[SalesProcess]:
    """`leadrouter demo sales` in the worker's namespace; stopped with SIGTERM at the end."""
    port = free_port()
    log_path = tmp_path / f"sales-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "agents.tools.cli", "demo", "sales", "--metrics-port", str(port)],
        cwd=ROOT,
        env=worker.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sales = SalesProcess(process, log_path, port)
    try:
        yield sales
    finally:
        stop_process(process, log, grace=20)
        print(f"--- sales log ({log_path}) ---\n{sales.output()[-4000:]}")


def worker_page(worker: WorkerProcess) -> MetricsSummary:
    url = f"http://127.0.0.1:{worker.web_port}/metrics"
    return summarize_metrics(urllib.request.urlopen(url, timeout=10).read().decode())


async def eventually(check: Callable[[], Any], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            check()
            return
        except (AssertionError, OSError):
            if asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.5)


async def test_routed_leads_are_answered_on_the_feedback_topic_as_the_policy_says(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str, tmp_path: Path
) -> None:
    worker = start_worker(prefix=prefix)
    leads = {verdict: lead_answered(verdict) for verdict in ("accepted", "rejected", "ignored")}

    with sales_tool(worker, tmp_path) as sales:
        events = [as_record(transactional_lead(n)) for n in leads.values()]
        await produce(bootstrap, worker.topic("leads.events.v1"), events)
        routed = await read_json(bootstrap, worker.topic(INSIDE_SALES), 3)
        answers = await read_json(bootstrap, worker.topic("sales.feedback.v1"), 2, timeout=40)
        # Longer than any answer takes: the ignored lead stays unanswered.
        await asyncio.sleep(5)
        later = await read_json(bootstrap, worker.topic("sales.feedback.v1"), 3, timeout=2)

        def worker_heard_them() -> None:
            summary = worker_page(worker)
            assert summary.feedback == {"accepted": 1, "rejected": 1}
            assert summary.time_to_accept_p50 is not None

        await eventually(worker_heard_them)
        desk = sales.page()
    assert sales.process.returncode == 0
    assert "read 3 routed lead(s) and 0 withdrawal(s); answered accepted 1, rejected 1" in (
        sales.output()
    )
    by_decision = {record["decision_id"]: record for record in routed}
    identities = {n: f"email:buyer{n}@shop{n}.io" for n in leads.values()}
    assert set(by_decision) == {first_decision(identity) for identity in identities.values()}
    assert len(later) == 2
    outcomes = {answer["decision_id"]: answer["outcome"] for answer in answers}
    assert outcomes == {
        first_decision(identities[leads["accepted"]]): "accepted",
        first_decision(identities[leads["rejected"]]): "rejected",
    }
    for answer in answers:
        assert answer["rep_id"] == by_decision[answer["decision_id"]]["rep_id"]
        assert answer["lead_identity"] == by_decision[answer["decision_id"]]["lead_identity"]
    [rejection] = [answer for answer in answers if answer["outcome"] == "rejected"]
    assert rejection["reason"] in {choice.reason for choice in TEAM.rejection_reasons}
    assert desk.ignored == 1
    assert desk.top_reasons() == [(rejection["reason"], 1)]


async def test_an_ignored_lead_escalates_and_its_re_routed_decision_is_answered_afresh(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str, tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, sla_s=2, reroute_after_s=2)
    worker = start_worker(prefix=prefix, LEADROUTER_RULES_FILE=str(rules))
    n = lead_answered("ignored", then="accepted")
    first = first_decision(f"email:buyer{n}@shop{n}.io")

    with sales_tool(worker, tmp_path) as sales:
        lead = as_record(transactional_lead(n))
        await produce(bootstrap, worker.topic("leads.events.v1"), [lead])
        routed, withdrawn, rerouted = await read_json(bootstrap, worker.topic(INSIDE_SALES), 3)
        [answer] = await read_json(bootstrap, worker.topic("sales.feedback.v1"), 1, timeout=30)

        def escalated_then_accepted() -> None:
            summary = worker_page(worker)
            assert summary.escalations == {"remind": 1, "reroute": 1}
            assert summary.feedback == {"accepted": 1}

        await eventually(escalated_then_accepted)
        desk = sales.page()
    assert routed["decision_id"] == withdrawn["decision_id"] == first
    assert withdrawn["type"] == "lead_withdrawn"
    assert rerouted["decision_id"] == withdrawn["next_decision_id"] != first
    assert (answer["decision_id"], answer["outcome"]) == (rerouted["decision_id"], "accepted")
    assert answer["rep_id"] == rerouted["rep_id"] != routed["rep_id"]
    assert (desk.ignored, desk.withdrawn) == (1, 1)
    assert "read 2 routed lead(s) and 1 withdrawal(s); answered accepted 1" in sales.output()
