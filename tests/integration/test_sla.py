"""SLA clocks on a real worker and a real broker, with SLAs of seconds: an unaccepted lead is
reminded and then re-routed (withdrawn from its rep first), an accepted one never escalates, and
a worker killed between the reminder and the re-route re-routes exactly once after its restart."""

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.integration.kafka import Record, WorkerProcess, consume, produce
from tests.integration.pipeline_data import (
    always_available_reps,
    as_record,
    rules_file,
    shipped_accounts,
    transactional_lead,
)

ALWAYS_AWAY = {"start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}
AWAY_REP = "rep-inside-sales-3"


async def load_reference(bootstrap: str) -> str:
    """Accounts and reps, with a third inside-sales rep out of office for this century."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    reps = [
        *always_available_reps(),
        {
            "rep_id": AWAY_REP,
            "name": AWAY_REP,
            "queues": ["inside-sales"],
            "weight": 1,
            "out_of_office": [ALWAYS_AWAY],
        },
    ]
    accounts: list[Record] = [
        (str(a["account_id"]).encode(), json.dumps(a).encode(), []) for a in shipped_accounts()
    ]
    await produce(bootstrap, f"{prefix}crm.accounts.v1", accounts)
    await produce(
        bootstrap,
        f"{prefix}crm.reps.v1",
        [(r["rep_id"].encode(), json.dumps(r).encode(), []) for r in reps],
    )
    return prefix


async def read_json(bootstrap: str, topic: str, count: int, timeout: float = 60) -> list[Any]:
    return [json.loads(r.value) for r in await consume(bootstrap, topic, count, timeout)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_an_unaccepted_lead_is_reminded_then_rerouted_to_another_available_rep(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, sla_s=3, reroute_after_s=3)
    worker = start_worker(prefix=await load_reference(bootstrap), LEADROUTER_RULES_FILE=str(rules))
    queue_topic = worker.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(1))])

    notices = await read_json(bootstrap, worker.topic("leads.sla.v1"), 2, timeout=60)
    records = await read_json(bootstrap, queue_topic, 3, timeout=30)
    decisions = await read_json(bootstrap, worker.topic("leads.decisions.v1"), 2, timeout=30)

    first, withdrawn, second = records
    due = at(first["sla_due_at"])
    assert due == at(first["timestamps"]["routed_at"]) + timedelta(seconds=3)
    remind, reroute = notices
    assert (remind["action"], remind["step"], remind["decision_id"]) == (
        "remind",
        1,
        first["decision_id"],
    )
    assert due <= at(remind["at"]) < due + timedelta(seconds=2.5)
    assert reroute["action"] == "reroute"
    assert due + timedelta(seconds=3) <= at(reroute["at"]) < due + timedelta(seconds=5.5)
    # Withdrawn from the first rep before the lead went to the next one.
    assert withdrawn["type"] == "lead_withdrawn"
    assert (withdrawn["decision_id"], withdrawn["rep_id"]) == (
        first["decision_id"],
        first["rep_id"],
    )
    assert withdrawn["next_decision_id"] == second["decision_id"] == reroute["next_decision_id"]
    assert second["rep_id"] not in (first["rep_id"], AWAY_REP, None)
    assert second["lead_identity"] == first["lead_identity"]
    why = second["decision"]["reason"]
    assert "SLA breached" in why
    assert "escalation step 2 of 2" in why
    assert f"excluding {first['rep_id']}" in why
    traces = {c["rep_id"]: c["outcome"] for c in second["decision"]["candidates"]}
    assert traces[first["rep_id"]] == "excluded"
    assert traces[AWAY_REP] == "out_of_office"
    assert [d["decision_id"] for d in decisions] == [first["decision_id"], second["decision_id"]]
    # The ladder ends at max_steps: nothing more after the re-route.
    await asyncio.sleep(8)
    assert len(await read_json(bootstrap, worker.topic("leads.sla.v1"), 3, timeout=2)) == 2
    assert len(await read_json(bootstrap, queue_topic, 4, timeout=2)) == 3
    assert worker.metric('leadrouter_sla_breaches_total{queue="inside-sales"}') == 1
    escalated = 'leadrouter_escalations_total{{action="{}",queue="inside-sales",step="{}"}}'
    assert worker.metric(escalated.format("remind", 1)) == 1
    assert worker.metric(escalated.format("reroute", 2)) == 1
    # The rep the lead was taken from got their turn back.
    credits = 'leadrouter_credits_total{queue="inside-sales",reason="escalation"}'
    assert worker.metric(credits) == 1
    # Routed twice, handed off once: the re-route is not a handoff from marketing.
    assert worker.metric('leadrouter_leads_routed_total{queue="inside-sales"}') == 2
    handoffs = 'leadrouter_handoff_latency_seconds_count{queue="inside-sales"}'
    assert worker.metric(handoffs) == 1


async def test_when_every_rep_of_the_queue_had_the_lead_it_goes_to_the_then_queue(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, sla_s=2, reroute_after_s=2, max_steps=4)
    worker = start_worker(prefix=await load_reference(bootstrap), LEADROUTER_RULES_FILE=str(rules))
    queue_topic = worker.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(4))])

    [manager] = await read_json(
        bootstrap, worker.topic("sales.queue.sales-fallback.v1"), 1, timeout=60
    )
    records = await read_json(bootstrap, queue_topic, 4, timeout=10)

    routed = [r for r in records if "type" not in r]
    withdrawn = [r for r in records if r.get("type") == "lead_withdrawn"]
    assert len(routed) == 2
    assert {r["rep_id"] for r in routed} == {"rep-inside-sales-1", "rep-inside-sales-2"}
    assert [w["decision_id"] for w in withdrawn] == [r["decision_id"] for r in routed]
    assert withdrawn[-1]["next_decision_id"] == manager["decision_id"]
    assert (manager["queue"], manager["rep_id"]) == ("sales-fallback", None)
    assert manager["decision"]["overflowed_from"] == ["inside-sales"]
    assert "escalation step 4 of 4" in manager["decision"]["reason"]


async def test_an_accepted_lead_is_never_escalated(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, sla_s=3, reroute_after_s=2)
    worker = start_worker(prefix=await load_reference(bootstrap), LEADROUTER_RULES_FILE=str(rules))
    queue_topic = worker.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(2))])
    [routed] = await read_json(bootstrap, queue_topic, 1)
    accepted = {
        "decision_id": routed["decision_id"],
        "lead_identity": routed["lead_identity"],
        "outcome": "accepted",
        "rep_id": routed["rep_id"],
        "occurred_at": routed["timestamps"]["routed_at"],
    }
    await produce(
        bootstrap, worker.topic("sales.feedback.v1"), [(b"k", json.dumps(accepted).encode(), [])]
    )
    await asyncio.sleep(9)  # well past the due time and the re-route time
    assert await read_json(bootstrap, worker.topic("leads.sla.v1"), 1, timeout=2) == []
    assert len(await read_json(bootstrap, queue_topic, 2, timeout=2)) == 1
    accepted_count = 'leadrouter_time_to_accept_seconds_count{queue="inside-sales"}'
    assert worker.metric(accepted_count) == 1
    assert worker.metric('leadrouter_sla_breaches_total{queue="inside-sales"}') == 0


async def test_a_worker_killed_between_reminder_and_reroute_reroutes_exactly_once(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, sla_s=2, reroute_after_s=10)
    prefix = await load_reference(bootstrap)
    member = {
        "LEADROUTER_KAFKA__GROUP_INSTANCE_ID": "sla-{port}",
        "LEADROUTER_RULES_FILE": str(rules),
    }
    first = start_worker(prefix=prefix, **member)
    queue_topic = first.topic("sales.queue.inside-sales.v1")
    await produce(bootstrap, first.topic("leads.events.v1"), [as_record(transactional_lead(3))])
    [remind] = await read_json(bootstrap, first.topic("leads.sla.v1"), 1, timeout=60)
    assert remind["action"] == "remind"
    first.kill()
    start_worker(prefix=prefix, web_port=first.web_port, **member)

    notices: list[Any] = []
    for _ in range(40):
        notices = await read_json(bootstrap, first.topic("leads.sla.v1"), 10, timeout=1)
        if any(n["action"] == "reroute" for n in notices):
            break
    await asyncio.sleep(8)  # room for a second re-route, if there were one
    notices = await read_json(bootstrap, first.topic("leads.sla.v1"), 10, timeout=2)
    records = await read_json(bootstrap, queue_topic, 10, timeout=2)

    reroutes = {n["next_decision_id"] for n in notices if n["action"] == "reroute"}
    assert len(reroutes) == 1, notices
    [next_id] = reroutes
    routed = [r for r in records if "type" not in r]
    withdrawn = [r for r in records if r.get("type") == "lead_withdrawn"]
    assert {r["decision_id"] for r in routed} == {remind["decision_id"], next_id}
    assert {r["rep_id"] for r in routed if r["decision_id"] == next_id} != {remind["rep_id"]}
    assert len({r["rep_id"] for r in routed if r["decision_id"] == next_id}) == 1
    assert {w["decision_id"] for w in withdrawn} == {remind["decision_id"]}
    assert {n["step"] for n in notices if n["action"] == "remind"} == {1}
