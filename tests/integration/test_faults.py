"""The fault suite's small version: kill -9 three times while 3,000 events flow, through the same
harness as `make faults` (dev/faults), on the test broker. The table is the failure message."""

import logging
import os
import random
import uuid
from pathlib import Path

import pytest

from agents.tools.synthetic import synthetic_accounts
from bench.loading import bench_reps
from dev.faults.accounting import judge
from dev.faults.report import format_table
from dev.faults.scenarios import KILL9, Harness, Spec, run_scenario

# Seeds whose kills once lost a lead, each with what it caught; run every time besides a new one.
CAUGHT = {
    # An outbox entry marked delivered by its lane's committable offset while the replay of its
    # re-keyed input record had not sent its records again (2 runs of 2 lost one lead).
    2460: "outbox entries marked delivered too early",
}


@pytest.mark.parametrize("caught", [None, *CAUGHT], ids=["new seed", *map(str, CAUGHT)])
async def test_a_worker_killed_three_times_mid_stream_loses_no_lead_and_assigns_none_twice(
    bootstrap: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, caught: int | None
) -> None:
    caplog.set_level(logging.ERROR, logger="aiokafka")  # retried sends: noise around the table
    # A new seed each run (kill moments and feed), shown in the table; set it to replay a run.
    seed = caught or int(os.environ.get("LEADROUTER_FAULTS_SEED") or random.randrange(1, 10_000))
    harness = Harness(bootstrap, tmp_path, synthetic_accounts(300, 7), bench_reps())
    spec = Spec(
        KILL9,
        seed,
        events=3_000,
        faults=3,
        gap=(1.0, 4.0),
        # Kills do not wait for the restarted worker to resume: today that takes about 60 s
        # (a dead member's session) and the test must stay under two minutes.
        resume_wait=0.0,
        quiet_idle=20.0,
        quiet_timeout=100.0,
        tag=uuid.uuid4().hex[:6],
    )
    try:
        row = await run_scenario(harness, spec)
    finally:
        harness.children.stop_all()
    verdict = judge(row, resume_limit=None)
    table = format_table([(row, verdict)])
    print(table)  # shown by pytest when the test fails, with the logs' location
    print(f"worker logs: {tmp_path}")

    assert (row.lost, row.two_rep_decisions, row.leads_assigned_twice) == (0, 0, 0), table
    assert row.produced == spec.events, table
