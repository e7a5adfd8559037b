"""The reference views follow their compacted topics while the worker runs."""

import asyncio
import json
import uuid
from collections.abc import Callable

from aiokafka import AIOKafkaProducer

from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, lead_event, reference_records


async def test_an_account_published_while_the_worker_runs_is_matched_within_seconds(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    worker = start_worker()
    _, reps = reference_records()
    await produce(bootstrap, worker.topic("crm.reps.v1"), reps)
    newco = {
        "account_id": "acct-new",
        "name": "Newco Robotics",
        "domains": ["newco-robotics.com"],
        "tier": "key",
        "owner_rep_id": "rep-na-01",
        "country": "US",
    }
    await produce(
        bootstrap, worker.topic("crm.accounts.v1"), [(b"acct-new", json.dumps(newco).encode(), [])]
    )
    await asyncio.sleep(2)  # the view polls every 200 ms; two seconds is "within seconds"
    lead = lead_event(
        "evt-newco", {"email": "cto@newco-robotics.com", "job_title": "CTO"}, "demo_request"
    )
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(lead)])

    [routed] = await consume(bootstrap, worker.topic("sales.queue.key-accounts.v1"), 1)

    body = json.loads(routed.value)
    assert body["enrichment"]["account"]["account_id"] == "acct-new"
    assert body["rep_id"] == "rep-na-01"


async def test_accounts_written_in_a_transaction_load_and_the_worker_routes_on_them(
    start_worker: Callable[..., WorkerProcess], bootstrap: str
) -> None:
    """A CRM sync that writes in transactions ends its topic with a commit marker, which no view
    ever reads: the view must still count itself caught up."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    accounts, reps = reference_records()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=f"{prefix}crm-sync")
    await producer.start()
    try:
        async with producer.transaction():
            for key, value, _ in accounts:
                await producer.send(f"{prefix}crm.accounts.v1", value, key=key)
    finally:
        await producer.stop()
    await produce(bootstrap, f"{prefix}crm.reps.v1", reps)
    worker = start_worker(prefix=prefix)
    lead = lead_event("evt-txn", {"email": "cto@globex.com", "job_title": "CTO"}, "demo_request")
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(lead)])

    [routed] = await consume(bootstrap, worker.topic("sales.queue.key-accounts.v1"), 1)

    assert json.loads(routed.value)["enrichment"]["account"]["account_id"] == "acct-0001"
    assert "still waiting for reference views" not in worker.logs()
