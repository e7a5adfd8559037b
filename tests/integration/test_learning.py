"""The learned score on real workers: learning from outcomes, surviving a restart, one model
version across the group."""

import asyncio
import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.conftest import read_json
from tests.integration.kafka import Record, WorkerProcess, produce
from tests.integration.pipeline_data import as_record, transactional_lead

OUTCOMES = 6
# A small cold start and quick publishing, so a handful of outcomes make the model ready.
LEARNING = {
    "LEADROUTER_LEARNING__MIN_OUTCOMES": str(OUTCOMES),
    "LEADROUTER_LEARNING__PUBLISH_EVERY": "2",
    "LEADROUTER_LEARNING__PUBLISH_INTERVAL_S": "1",
}
MODEL_INFO = re.compile(r'^leadrouter_model_info\{ready="(\w+)",version="([^"]+)"\} 1\.0$', re.M)


def model_version(worker: WorkerProcess) -> tuple[str, bool] | None:
    url = f"http://127.0.0.1:{worker.web_port}/metrics"
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    found = MODEL_INFO.search(text)
    return None if found is None else (found.group(2), found.group(1) == "true")


async def wait_for_model(
    worker: WorkerProcess, outcomes: int, timeout: float = 60
) -> tuple[str, bool]:
    """The model version this worker applies once it learned `outcomes` outcomes."""
    for _ in range(int(timeout / 0.25)):
        found = model_version(worker)
        if found is not None and int(found[0].split("-")[0]) >= outcomes:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"no model with {outcomes} outcomes; last seen {model_version(worker)}")


async def route_and_label(
    bootstrap: str, worker: WorkerProcess, numbers: range, converted: Callable[[int], bool]
) -> list[dict[str, Any]]:
    """Route one lead per number, then send each its outcome (after it was routed)."""
    await produce(
        bootstrap,
        worker.topic("leads.events.v1"),
        [as_record(transactional_lead(n, id_prefix="learn")) for n in numbers],
    )
    queue = worker.topic("sales.queue.inside-sales.v1")
    routed = await read_json(bootstrap, queue, numbers.stop)
    mine = [lead for lead in routed if lead["event_id"] in {f"learn-{n}" for n in numbers}]
    assert len(mine) == len(numbers)
    feedback = [
        {
            "decision_id": lead["decision_id"],
            "lead_identity": lead["lead_identity"],
            "outcome": "converted" if converted(int(lead["event_id"].split("-")[1])) else "lost",
            "occurred_at": "2026-11-22T09:00:00Z",
        }
        for lead in mine
    ]
    records: list[Record] = [
        (f["lead_identity"].encode(), json.dumps(f).encode(), []) for f in feedback
    ]
    # The first one twice: a repeated outcome is learned once.
    await produce(bootstrap, worker.topic("sales.feedback.v1"), [*records, records[0]])
    return mine


async def test_after_enough_outcomes_a_new_lead_is_decided_with_the_learned_probability(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix, **LEARNING)
    await route_and_label(bootstrap, worker, range(OUTCOMES), lambda n: n % 2 == 0)
    version, ready = await wait_for_model(worker, OUTCOMES)
    await asyncio.sleep(1)  # nothing more to learn: the duplicate outcome was not counted

    fresh = transactional_lead(100, id_prefix="after")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(fresh)])
    decisions = await read_json(bootstrap, worker.topic("leads.decisions.v1"), OUTCOMES + 1)
    [decision] = [d for d in decisions if d["lead_identity"] == "email:buyer100@shop100.io"]

    assert ready
    assert version.startswith(f"{OUTCOMES}-"), "six outcomes learned once each"
    assert model_version(worker) == (version, True)
    assert decision["model_version"] == version
    assert decision["decided_by"] == "model"
    assert 0.0 < decision["conversion_probability"] < 1.0
    assert decision["learned_grade"] in {"A", "B", "C", "D"}
    assert decision["learned"][0]["factor"] == "(baseline)"
    log_odds = sum(line["log_odds"] for line in decision["learned"])
    probability = 1 / (1 + pow(2.718281828459045, -log_odds))
    assert probability == pytest.approx(decision["conversion_probability"], abs=1e-9)


async def test_the_model_survives_a_restart_and_two_workers_apply_the_same_version(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    first = start_worker(prefix=prefix, **LEARNING)
    await route_and_label(bootstrap, first, range(4), lambda n: n < 2)
    before, _ = await wait_for_model(first, 4)
    first.stop()

    one = start_worker(prefix=prefix, **LEARNING)
    two = start_worker(prefix=prefix, **LEARNING)
    assert await wait_for_model(one, 4) == (before, False)
    assert await wait_for_model(two, 4) == (before, False)

    # Whichever worker owns the examples partition now learns on; both follow its model.
    await route_and_label(bootstrap, one, range(4, 6), lambda n: n == 4)
    after = await wait_for_model(one, OUTCOMES)
    assert after[0] != before
    assert await wait_for_model(two, OUTCOMES) == after
    assert after[1], "ready after six outcomes"


def outcomes_learned(worker: WorkerProcess) -> float:
    url = f"http://127.0.0.1:{worker.web_port}/metrics"
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("leadrouter_outcomes_learned_total{")
    )


async def test_examples_learned_but_never_published_are_learned_again_after_a_restart(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    never_publishes = {
        **LEARNING,
        "LEADROUTER_LEARNING__PUBLISH_EVERY": "1000",
        "LEADROUTER_LEARNING__PUBLISH_INTERVAL_S": "3600",
    }
    first = start_worker(prefix=prefix, **never_publishes)
    await route_and_label(bootstrap, first, range(4), lambda n: n % 2 == 1)
    for _ in range(240):
        if outcomes_learned(first) >= 4:
            break
        await asyncio.sleep(0.25)
    assert outcomes_learned(first) == 4
    assert model_version(first) is None, "nothing published"
    first.stop()  # the group commits the four examples; the model never left the worker

    second = start_worker(prefix=prefix, **LEARNING)
    await route_and_label(bootstrap, second, range(4, 6), lambda n: n == 5)
    version, ready = await wait_for_model(second, OUTCOMES)

    assert version.startswith(f"{OUTCOMES}-")
    assert ready
    assert outcomes_learned(second) == OUTCOMES, "the four committed examples were read again"
    assert "trainer read examples 0..3 again" in second.logs()
