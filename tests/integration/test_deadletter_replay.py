"""`leadrouter deadletters replay` on a real broker: a fixed limit turns a dead letter into a
decision, and replaying again adds only duplicates."""

import asyncio
import base64
import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tests.integration.kafka import ROOT, WorkerProcess, consume, produce
from tests.integration.pipeline_data import lead_event

EVENTS, DEAD, NURTURE, DECISIONS = (
    "leads.events.v1",
    "leads.deadletter.v1",
    "leads.nurture.v1",
    "leads.decisions.v1",
)
# Below the sales-ready threshold: the shipped rules nurture it (no reference data needed).
BIG_EVENT = {
    **lead_event("evt-replay-1", {"email": "kid@gmail.com", "job_title": "Student"}),
    "notes": "x" * 2000,  # unknown fields are ignored; this one only makes the record large
}
HEADERS = [("source-system", b"webform")]


def replay(worker: WorkerProcess, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "agents.tools.cli", "deadletters", "replay", *args],
        cwd=ROOT,
        env=worker.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_for_metric(worker: WorkerProcess, name: str, at_least: float, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while worker.metric(name) < at_least:
        assert time.monotonic() < deadline, f"{name} stayed below {at_least}"
        time.sleep(0.25)


def foreign_letters(worker: WorkerProcess) -> list[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """Letters the replay must skip: one whose source is the dead-letter topic, one truncated."""
    base = {
        "reason": "too_large",
        "message": "crafted by the test",
        "source_partition": 0,
        "source_offset": 0,
        "key_b64": None,
        "value_b64": base64.b64encode(b"{}").decode(),
        "failed_at": datetime.now(UTC).isoformat(),
    }
    own = {**base, "source_topic": worker.topic(DEAD)}
    truncated = {**base, "source_topic": worker.topic(EVENTS), "value_truncated": True}
    return [(b"k", json.dumps(letter).encode(), []) for letter in (own, truncated)]


def test_replaying_a_fixed_dead_letter_decides_it_once_and_a_second_replay_adds_none(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    strict = start_worker(LEADROUTER_LIMITS__MAX_EVENT_BYTES="1024")
    record = (b"upstream-key", json.dumps(BIG_EVENT).encode(), HEADERS)
    asyncio.run(produce(bootstrap, strict.topic(EVENTS), [record]))
    letters = asyncio.run(consume(bootstrap, strict.topic(DEAD), 1))
    assert [json.loads(letter.value)["reason"] for letter in letters] == ["too_large"]
    asyncio.run(produce(bootstrap, strict.topic(DEAD), foreign_letters(strict)))
    strict.stop()

    # The same deployment and group, restarted with the default 64 KiB limit.
    worker = start_worker(prefix=strict.prefix)
    preview = replay(worker, "--reason", "too_large", "--dry-run")
    assert f"would send to {worker.topic(EVENTS)}: key b'upstream-key'" in preview
    assert "would send 1, skipped 2" in preview
    assert len(asyncio.run(consume(bootstrap, worker.topic(EVENTS), 2, timeout=3))) == 1

    first = replay(worker, "--reason", "too_large")
    assert "read 3 dead letter(s): sent 1, skipped 2, not selected 0" in first
    assert "(dead_letter_topic)" in first
    assert "(truncated)" in first
    nurtured = asyncio.run(consume(bootstrap, worker.topic(NURTURE), 1))
    assert [json.loads(r.value)["event_id"] for r in nurtured] == ["evt-replay-1"]
    replayed = asyncio.run(consume(bootstrap, worker.topic(EVENTS), 2))
    assert [(r.key, r.value, list(r.headers)) for r in replayed[1:]] == [record]

    second = replay(worker, "--reason", "too_large")
    assert "sent 1" in second
    wait_for_metric(worker, "leadrouter_duplicates_total", 1, timeout=30)
    assert len(asyncio.run(consume(bootstrap, worker.topic(NURTURE), 2, timeout=3))) == 1
    decisions = asyncio.run(consume(bootstrap, worker.topic(DECISIONS), 2, timeout=3))
    assert [json.loads(r.value)["outcome"] for r in decisions] == ["nurtured"]
    assert len(asyncio.run(consume(bootstrap, worker.topic(DEAD), 4, timeout=3))) == 3
