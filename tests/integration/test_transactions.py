"""Marketing and CRM systems that write through Kafka transactions: what they abort never
reached leadrouter, neither as a lead nor as reference data, and what they commit is decided."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from tests.integration.kafka import Record, WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, shipped_accounts, transactional_lead


async def aborted_then_committed(
    bootstrap: str, transactional_id: str, topic: str, aborted: Record, committed: Record
) -> None:
    """`aborted` written in a transaction that is aborted, then `committed` in one committed."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=transactional_id)
    await producer.start()
    try:
        await producer.begin_transaction()
        await producer.send_and_wait(topic, aborted[1], key=aborted[0])
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send_and_wait(topic, committed[1], key=committed[0])
    finally:
        await producer.stop()


async def decisions_after_a_while(
    bootstrap: str, worker: WorkerProcess, expected: int
) -> list[dict[str, Any]]:
    """Every decision once `expected` arrived and a few seconds more passed."""
    topic = worker.topic("leads.decisions.v1")
    assert len(await consume(bootstrap, topic, expected)) == expected
    await asyncio.sleep(5)  # time for one more, were an aborted record read
    return [json.loads(record.value) for record in await consume(bootstrap, topic, 99, timeout=5)]


async def test_a_lead_in_an_aborted_transaction_is_never_decided_and_the_next_committed_one_is(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)

    # One input partition (one key): the aborted record and its marker are a hole before the
    # committed record, which the delivery guard must find empty, not a record it missed.
    await aborted_then_committed(
        bootstrap,
        f"{prefix}marketing-automation",
        worker.topic("leads.events.v1"),
        aborted=as_record(transactional_lead(1, id_prefix="aborted")),
        committed=as_record(transactional_lead(2, id_prefix="committed")),
    )

    decisions = await decisions_after_a_while(bootstrap, worker, 1)
    assert [decision["lead_identity"] for decision in decisions] == ["email:buyer2@shop2.io"]
    assert decisions[0]["queue"] == "inside-sales"
    assert "never reached the stage" not in worker.logs()


async def test_an_account_in_an_aborted_transaction_never_reaches_the_accounts_view(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    # Made a key account of Globex's owner, shop3.io's buyer would go to that owner.
    key_account = {
        **shipped_accounts()[0],
        "account_id": "acct-shop3",
        "name": "Shop 3",
        "domains": ["shop3.io"],
    }
    plain = {"account_id": "acct-quarry", "name": "Quarry Mills", "domains": ["quarrymills.com"]}
    await aborted_then_committed(
        bootstrap,
        f"{prefix}crm-sync",
        f"{prefix}crm.accounts.v1",
        aborted=(b"acct-shop3", json.dumps(key_account).encode(), []),
        committed=(b"acct-quarry", json.dumps(plain).encode(), []),
    )
    worker = start_worker(prefix=prefix)
    lead = as_record(transactional_lead(3, id_prefix="after-abort"))
    await produce(bootstrap, worker.topic("leads.events.v1"), [lead])

    [decision] = await decisions_after_a_while(bootstrap, worker, 1)
    assert decision["lead_identity"] == "email:buyer3@shop3.io"
    assert decision["queue"] == "inside-sales"
    # The committed account after the aborted one is in the view; the aborted one is not.
    assert worker.metric("leadrouter_accounts_view_size") == len(shipped_accounts()) + 1
