"""The Faust worker, started as a real process, moves records on a real broker."""

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Callable

from tests.integration.kafka import WorkerProcess, consume, produce


def lead_created(event_id: str, email: str) -> bytes:
    return json.dumps(
        {
            "event_id": event_id,
            "event_type": "lead.created",
            "occurred_at": "2026-11-20T10:00:00Z",
            "source": "webform",
            "lead": {"email": email, "company_name": "Initech"},
        }
    ).encode()


async def test_worker_moves_a_record_from_the_input_topic_to_the_keyed_topic(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker()
    await produce(
        bootstrap,
        worker.topic("leads.events.v1"),
        [(b"any-key", lead_created("evt-1", " Ada@Initech.COM "), [])],
    )

    [record] = await consume(bootstrap, worker.topic("leadrouter.leads.keyed.v1"), 1)

    assert record.key == b"email:ada@initech.com"
    assert json.loads(record.value)["event"]["event_id"] == "evt-1"


def fetch_health(port: int) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as not_ready:
        return not_ready.code, json.loads(not_ready.read())


async def test_worker_reports_healthy_once_its_reference_views_caught_up(
    start_worker: Callable[..., WorkerProcess],
) -> None:
    worker = start_worker()

    status, report = fetch_health(worker.web_port)
    for _ in range(50):
        if status == 200:
            break
        await asyncio.sleep(0.2)
        status, report = fetch_health(worker.web_port)

    assert status == 200
    assert report["ready"] is True
    assert report["ruleset_version"] == "2026.11.1"


async def test_worker_dead_letters_a_record_that_is_not_json_with_its_original_bytes(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker()
    await produce(bootstrap, worker.topic("leads.events.v1"), [(b"k", b"\xffnot json", [])])

    [record] = await consume(bootstrap, worker.topic("leads.deadletter.v1"), 1)

    letter = json.loads(record.value)
    assert letter["reason"] in {"not_json", "not_utf8"}
    assert letter["source_topic"] == worker.topic("leads.events.v1")
    assert letter["value_b64"] == "/25vdCBqc29u"


def fetch_metrics(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return str(response.read().decode())


async def test_worker_serves_its_own_metrics_without_faust_sensors_by_default(
    start_worker: Callable[..., WorkerProcess],
) -> None:
    worker = start_worker()

    page = fetch_metrics(worker.web_port)

    assert "leadrouter_handoff_latency_seconds_bucket" in page
    assert "faust_" not in page


async def test_worker_adds_faust_sensors_to_its_metrics_when_asked(
    start_worker: Callable[..., WorkerProcess],
) -> None:
    worker = start_worker(LEADROUTER_WEB__FAUST_METRICS="true")

    page = fetch_metrics(worker.web_port)

    assert "leadrouter_handoff_latency_seconds_bucket" in page
    assert "faust_messages_received" in page
