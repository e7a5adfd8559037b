"""Each side told what the other did: updates to reps, leads given back to marketing."""

import json
from collections.abc import Callable

from tests.integration.conftest import read_json
from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, rejection_of, transactional_lead


async def test_a_burst_of_pricing_views_reaches_the_rep_once_and_a_rejection_reaches_marketing(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    events = worker.topic("leads.events.v1")
    await produce(bootstrap, events, [as_record(transactional_lead(3))])
    [routed] = await read_json(bootstrap, worker.topic("sales.queue.inside-sales.v1"), 1)
    burst = [
        {**transactional_lead(3), "event_id": f"evt-3-p{n}", "activity": {"type": kind}}
        for n, kind in enumerate(["pricing_page_view", "page_view", "pricing_page_view"])
    ]
    await produce(bootstrap, events, [as_record(event) for event in burst])
    await read_json(bootstrap, worker.topic("leads.decisions.v1"), 4)
    rejection = rejection_of(routed, "no budget this year")
    await produce(
        bootstrap,
        worker.topic("sales.feedback.v1"),
        [(routed["lead_identity"].encode(), json.dumps(rejection).encode(), [])],
    )

    handed = await read_json(bootstrap, worker.topic("leads.nurture.v1"), 1)
    updates = await consume(bootstrap, worker.topic("sales.updates.v1"), 2, timeout=5)

    [update] = [json.loads(record.value) for record in updates]
    assert update["decision_id"] == routed["decision_id"]
    assert update["activity"] == "pricing_page_view"
    assert update["event_id"] == "evt-3-p0"
    [back] = handed
    assert back["returned_by_sales"] == {
        "outcome": "rejected",
        "reason": "no budget this year",
        "rep_id": routed["rep_id"],
        "decision_id": routed["decision_id"],
        "occurred_at": "2026-11-21T09:00:00Z",
    }
    assert "no budget this year" in back["reason"]
