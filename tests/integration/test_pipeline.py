"""A mixed stream through a real worker on a real broker: every input record is accounted for."""

import asyncio
import json
import shutil
import subprocess
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, lead_event, reference_records

QUEUES = (
    "key-accounts",
    "customer-success",
    "specialists-pharma",
    "specialists-finserv",
    "field-sales-na",
    "field-sales-emea",
    "field-sales-apac",
    "field-sales-latam",
    "inside-sales",
    "sales-fallback",
)

KEY_ACCOUNT = lead_event(
    "evt-key", {"email": "vp@globex.com", "job_title": "VP Sales", "country": "US"}, "demo_request"
)
TRANSACTIONAL = lead_event(
    "evt-trans",
    {
        "email": "jo@smallco.io",
        "job_title": "Director of Marketing",
        "country": "United States",
        "employee_count": 60,
        "industry": "Retail",
        "company_name": "SmallCo",
    },
    "demo_request",
)
ENTERPRISE = lead_event(
    "evt-ent",
    {
        "email": "h@bigcorp.de",
        "job_title": "Head of IT",
        "country": "Germany",
        "employee_count": 8000,
        "industry": "Automotive",
        "company_name": "BigCorp AG",
    },
    "demo_request",
)
STUDENT = lead_event("evt-free", {"email": "kid@gmail.com", "job_title": "Student"})
GARBAGE: list[tuple[bytes, str]] = [
    (b"{not json", "not_json"),
    (
        json.dumps({**STUDENT, "event_id": "evt-x1", "lead": {"email": "nope"}}).encode(),
        "invalid_email",
    ),
    (
        json.dumps({**STUDENT, "event_id": "evt-x2", "event_type": "lead.sold"}).encode(),
        "unknown_event_type",
    ),
    (
        json.dumps(
            {**STUDENT, "event_id": "evt-x3", "occurred_at": "2099-01-01T00:00:00Z"}
        ).encode(),
        "future_timestamp",
    ),
    (json.dumps({k: v for k, v in STUDENT.items() if k != "lead"}).encode(), "missing_field"),
]


def cloudevent_binary(event: dict[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", event["event_id"].encode()),
        ("ce_type", event["event_type"].encode()),
        ("ce_source", b"marketing-automation"),
        ("ce_time", event["occurred_at"].encode()),
        ("content-type", b"application/json"),
    ]
    data = {
        "lead": event["lead"],
        **({"activity": event["activity"]} if "activity" in event else {}),
    }
    return (b"ce-key", json.dumps(data).encode(), headers)


def cloudevent_structured(event: dict[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    document = {
        "specversion": "1.0",
        "id": event["event_id"],
        "type": event["event_type"],
        "source": "ads-platform",
        "time": event["occurred_at"],
        "datacontenttype": "application/json",
        "data": {
            "lead": event["lead"],
            **({"activity": event["activity"]} if "activity" in event else {}),
        },
    }
    return (
        b"ce-key",
        json.dumps(document).encode(),
        [("content-type", b"application/cloudevents+json")],
    )


def kcat_read(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """Read a topic with kcat, a real consumer outside Python."""
    kcat = shutil.which("kcat")
    if kcat is None:
        pytest.fail("kcat is not installed (make test installs it: dev/install-tools.sh)")
    result = subprocess.run(
        [kcat, "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\\n"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def metric_value(port: int, name: str) -> float:
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    total = 0.0
    for line in body.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture
async def routing_worker(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> WorkerProcess:
    """A worker whose accounts and reps views were loaded before it started."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    accounts, reps = reference_records()
    await produce(bootstrap, f"{prefix}crm.accounts.v1", accounts)
    await produce(bootstrap, f"{prefix}crm.reps.v1", reps)
    return start_worker(prefix=prefix)


async def test_every_input_record_lands_in_exactly_one_of_queue_nurture_or_dead_letter(
    routing_worker: WorkerProcess, bootstrap: str
) -> None:
    worker = routing_worker
    ce_binary = lead_event(
        "evt-ce-bin",
        {"email": "cfo@initech.com", "job_title": "CFO", "country": "US"},
        "contact_sales",
    )
    ce_structured = lead_event("evt-ce-str", {"email": "pat@hotmail.com", "job_title": "Intern"})
    records = [
        as_record(KEY_ACCOUNT),
        as_record(TRANSACTIONAL),
        as_record(ENTERPRISE),
        as_record(STUDENT),
        as_record(STUDENT),  # the same event delivered twice upstream
        cloudevent_binary(ce_binary),
        cloudevent_structured(ce_structured),
        *[(b"junk", raw, []) for raw, _ in GARBAGE],
    ]
    await produce(bootstrap, worker.topic("leads.events.v1"), records)

    valid_ids = {"evt-key", "evt-trans", "evt-ent", "evt-free", "evt-ce-bin", "evt-ce-str"}
    letters = [
        json.loads(r.value)
        for r in await consume(bootstrap, worker.topic("leads.deadletter.v1"), len(GARBAGE))
    ]
    nurtured = [
        json.loads(r.value) for r in await consume(bootstrap, worker.topic("leads.nurture.v1"), 2)
    ]
    routed: dict[str, list[dict[str, Any]]] = {}
    for _ in range(60):
        routed = {q: kcat_read(bootstrap, worker.topic(f"sales.queue.{q}.v1")) for q in QUEUES}
        if sum(len(v) for v in routed.values()) >= 4:
            break
        await asyncio.sleep(1)

    routed_ids = [lead["event_id"] for leads in routed.values() for lead in leads]
    nurtured_ids = [record["event_id"] for record in nurtured]
    assert sorted(routed_ids + nurtured_ids) == sorted(valid_ids)
    assert sorted(letter["reason"] for letter in letters) == sorted(reason for _, reason in GARBAGE)
    dead_offsets = {letter["source_offset"] for letter in letters}
    assert len(dead_offsets) == len(GARBAGE)

    # Globex is owned by rep-na-01, Initech by rep-na-02 (shipped demo accounts).
    assert sorted(lead["rep_id"] for lead in routed["key-accounts"]) == ["rep-na-01", "rep-na-02"]
    assert [lead["event_id"] for lead in routed["inside-sales"]] == ["evt-trans"]
    assert [lead["event_id"] for lead in routed["field-sales-emea"]] == ["evt-ent"]
    assert metric_value(worker.web_port, "leadrouter_duplicates_total") == 1


async def test_routed_record_explains_the_decision_and_dead_letter_keeps_original_bytes(
    routing_worker: WorkerProcess, bootstrap: str
) -> None:
    worker = routing_worker
    await produce(
        bootstrap,
        worker.topic("leads.events.v1"),
        [as_record(KEY_ACCOUNT), (b"junk-key", b"\x00\x01garbage", [("trace", b"t-1")])],
    )

    [routed] = await consume(bootstrap, worker.topic("sales.queue.key-accounts.v1"), 1)
    [letter] = await consume(bootstrap, worker.topic("leads.deadletter.v1"), 1)
    [decision] = await consume(bootstrap, worker.topic("leads.decisions.v1"), 1)

    lead = json.loads(routed.value)
    assert routed.key == b"email:vp@globex.com"
    assert lead["decision"]["rule_id"] == "key-accounts-na"
    assert lead["decision"]["ruleset_version"]
    assert lead["decision"]["candidates"][0] == {
        "rep_id": "rep-na-01",
        "outcome": "assigned",
        "detail": lead["decision"]["candidates"][0]["detail"],
        "queue": "key-accounts",
    }
    assert sum(line["points"] for line in lead["score"]["breakdown"]) == lead["score"]["total"]
    assert lead["enrichment"]["account"]["account_id"] == "acct-0001"
    assert lead["sla_due_at"] > lead["timestamps"]["routed_at"]
    assert json.loads(decision.value)["decision_id"] == lead["decision_id"]
    body = json.loads(letter.value)
    assert body["key_b64"] == "anVuay1rZXk="
    assert body["value_b64"] == "AAFnYXJiYWdl"
    assert body["headers"] == [{"key": "trace", "value_b64": "dC0x", "key_b64": None}]


async def test_the_routing_stage_ends_when_the_lead_is_in_its_queue_as_the_handoff_does(
    routing_worker: WorkerProcess, bootstrap: str
) -> None:
    worker = routing_worker
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(KEY_ACCOUNT)])
    await consume(bootstrap, worker.topic("sales.queue.key-accounts.v1"), 1)

    handoff = 'leadrouter_handoff_latency_seconds_sum{queue="key-accounts"}'
    routing = 'leadrouter_stage_latency_seconds_sum{stage="routing"}'
    handoffs = 'leadrouter_handoff_latency_seconds_count{queue="key-accounts"}'
    for _ in range(50):  # observed once the worker heard Kafka's acknowledgement
        if metric_value(worker.web_port, handoffs) == 1:
            break
        await asyncio.sleep(0.1)

    # Both measured from the input record's time to the acknowledgement of the routed record:
    # a routing stage observed when the record was only queued would read less.
    assert metric_value(worker.web_port, handoffs) == 1
    assert metric_value(worker.web_port, routing) == metric_value(worker.web_port, handoff) > 0
