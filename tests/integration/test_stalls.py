"""A stuck input partition is a stall worth an alert; a partition whose end is a transaction's
commit marker, after the last record the worker processed, is idle and must not look stuck."""

import asyncio
import time
import urllib.request
from collections.abc import Callable

from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.kafka import WorkerProcess, consume
from tests.integration.pipeline_data import as_record, transactional_lead


def stalled_seconds(worker: WorkerProcess) -> dict[str, float]:
    """`leadrouter_input_stalled_seconds` on the worker's /metrics, by `topic[partition]`."""
    url = f"http://127.0.0.1:{worker.web_port}/metrics"
    body = urllib.request.urlopen(url, timeout=10).read().decode()
    return {
        f"{sample.labels['topic']}[{sample.labels['partition']}]": sample.value
        for family in text_string_to_metric_families(body)
        if family.name == "leadrouter_input_stalled_seconds"
        for sample in family.samples
    }


async def test_a_partition_ending_in_a_commit_marker_is_found_idle_and_not_reported_stalled(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix, LEADROUTER_LIMITS__STALL_REPORT_S="3")

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, transactional_id=f"{prefix}marketing-automation"
    )
    await producer.start()
    try:
        async with producer.transaction():
            key, value, _ = as_record(transactional_lead(1, id_prefix="stall"))
            sent = await producer.send_and_wait(worker.topic("leads.events.v1"), value, key=key)
    finally:
        await producer.stop()
    [decision] = await consume(bootstrap, worker.topic("leads.decisions.v1"), 1)
    assert decision.value

    # The partition's end counts the commit marker: one past the committed offset for good.
    partition = f"leads.events.v1[{sent.partition}]"
    deadline = time.monotonic() + 60
    while "nothing but markers" not in worker.logs():
        assert time.monotonic() < deadline, "the marker-ended partition was never checked"
        await asyncio.sleep(0.5)
    await asyncio.sleep(6)  # a lag reading after the broker's answer

    assert stalled_seconds(worker)[partition] == 0
    assert "has not moved for" not in worker.logs()


async def test_records_held_back_by_an_upstream_transaction_left_open_are_reported_stalled(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix, LEADROUTER_LIMITS__STALL_REPORT_S="3")
    topic = worker.topic("leads.events.v1")
    hung = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        transactional_id=f"{prefix}hung-automation",
        transaction_timeout_ms=120_000,
    )
    plain = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await hung.start()
    await plain.start()
    try:
        # An upstream producer opens a transaction and hangs; a lead another source sends after
        # it, in the same partition, can be read only once that transaction ends.
        await hung.begin_transaction()
        key, value, _ = as_record(transactional_lead(1, id_prefix="hung"))
        held = await hung.send_and_wait(topic, value, key=key, partition=0)
        key, value, _ = as_record(transactional_lead(2, id_prefix="behind"))
        await plain.send_and_wait(topic, value, key=key, partition=0)

        partition = f"leads.events.v1[{held.partition}]"
        deadline = time.monotonic() + 60
        while "held back by an upstream transaction" not in worker.logs():
            assert time.monotonic() < deadline, "the held-back partition was never reported"
            await asyncio.sleep(0.5)
        assert f"open since offset {held.offset}" in worker.logs()
        assert stalled_seconds(worker)[partition] > 0

        await hung.commit_transaction()  # the producer recovers: both leads go through
        decisions = await consume(bootstrap, worker.topic("leads.decisions.v1"), 2)
        assert len(decisions) == 2
    finally:
        await hung.stop()
        await plain.stop()
