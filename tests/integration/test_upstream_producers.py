"""What upstream producers send besides plain JSON records: batches compressed with any codec
Kafka offers (Kafka Connect, librdkafka and the Java client all offer gzip, snappy, lz4 and zstd),
and values in Kafka Connect's JSON envelope. leadrouter decides the leads in them."""

import json
import shutil
import subprocess
from collections.abc import Callable

import pytest

from tests.integration.kafka import WorkerProcess, consume, produce
from tests.integration.pipeline_data import (
    as_record,
    rejection_of,
    shipped_accounts,
    transactional_lead,
)

CODECS = ("gzip", "snappy", "lz4", "zstd")


def kcat_produce(bootstrap: str, topic: str, codec: str, lines: list[str]) -> None:
    """One compressed batch of `key|value` lines, written by kcat (librdkafka), not Python."""
    kcat = shutil.which("kcat")
    if kcat is None:
        pytest.fail("kcat is not installed (make test installs it: dev/install-tools.sh)")
    subprocess.run(
        [kcat, "-b", bootstrap, "-P", "-t", topic, "-z", codec, "-K", "|",
         "-X", "linger.ms=100"],
        input="\n".join(lines) + "\n",
        text=True,
        timeout=60,
        check=True,
    )  # fmt: skip


async def test_leads_in_batches_of_every_codec_kafka_offers_are_decided(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    topic = worker.topic("leads.events.v1")
    for number, codec in enumerate(CODECS, start=1):
        leads = [transactional_lead(number * 10 + n, id_prefix=codec) for n in range(3)]
        kcat_produce(bootstrap, topic, codec, [f"{codec}|{json.dumps(lead)}" for lead in leads])

    decisions = await consume(bootstrap, worker.topic("leads.decisions.v1"), 12)

    decided = sorted(json.loads(record.value)["lead_identity"] for record in decisions)
    expected = sorted(f"email:buyer{n * 10 + k}@shop{n * 10 + k}.io" for n in (1, 2, 3, 4)
                      for k in range(3))  # fmt: skip
    assert decided == expected
    assert "UnsupportedCodecError" not in worker.logs()


async def test_a_lead_event_in_kafka_connects_json_envelope_is_decided(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    schema = {"type": "struct", "fields": [], "optional": False, "name": "lead_event"}
    enveloped = {"schema": schema, "payload": transactional_lead(7, id_prefix="connect")}
    await produce(
        bootstrap, worker.topic("leads.events.v1"), [(b"7", json.dumps(enveloped).encode(), [])]
    )

    [decision] = await consume(bootstrap, worker.topic("leads.decisions.v1"), 1)

    assert json.loads(decision.value)["lead_identity"] == "email:buyer7@shop7.io"
    assert await consume(bootstrap, worker.topic("leads.deadletter.v1"), 1, timeout=3) == []


async def test_accounts_from_a_crm_in_kafka_connects_json_envelope_reach_the_accounts_view(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    # A key account of Globex's owner that claims shop8.io: its buyer goes to the owner's queue.
    account = {**shipped_accounts()[0], "account_id": "acct-shop8", "domains": ["shop8.io"]}
    enveloped = {"schema": None, "payload": account}
    await produce(
        bootstrap, f"{prefix}crm.accounts.v1", [(b"acct-shop8", json.dumps(enveloped).encode(), [])]
    )
    worker = start_worker(prefix=prefix)
    lead = as_record(transactional_lead(8, id_prefix="crm"))
    await produce(bootstrap, worker.topic("leads.events.v1"), [lead])

    [decision] = await consume(bootstrap, worker.topic("leads.decisions.v1"), 1)

    assert json.loads(decision.value)["queue"] == "key-accounts"
    assert worker.metric("leadrouter_accounts_view_size") == len(shipped_accounts()) + 1


async def test_schema_registry_framed_json_is_decided_and_framed_avro_is_dead_lettered_saying_so(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    frame = b"\x00" + (17).to_bytes(4, "big")
    json_lead = frame + json.dumps(transactional_lead(9, id_prefix="registry")).encode()
    avro_lead = frame + b"\x02\x0eevt-avro\x18lead.created"
    await produce(
        bootstrap, worker.topic("leads.events.v1"), [(b"9", json_lead, []), (b"9", avro_lead, [])]
    )

    [decision] = await consume(bootstrap, worker.topic("leads.decisions.v1"), 1)
    [letter] = await consume(bootstrap, worker.topic("leads.deadletter.v1"), 1)

    assert json.loads(decision.value)["lead_identity"] == "email:buyer9@shop9.io"
    dead = json.loads(letter.value)
    assert dead["reason"] == "unsupported_content_type"
    assert "schema id 17" in dead["message"]


async def test_sales_feedback_from_a_crm_in_connects_envelope_and_registry_frame_is_applied(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    await produce(bootstrap, worker.topic("leads.events.v1"), [as_record(transactional_lead(5))])
    [queued] = await consume(bootstrap, worker.topic("sales.queue.inside-sales.v1"), 1)
    routed = json.loads(queued.value)
    rejection = rejection_of(routed, "no budget this year")
    framed = b"\x00" + (23).to_bytes(4, "big")
    value = framed + json.dumps({"schema": None, "payload": rejection}).encode()
    avro = framed + b"\x02\x0erejected"  # a verdict no JSON reader can take
    await produce(
        bootstrap, worker.topic("sales.feedback.v1"), [(b"crm", value, []), (b"crm", avro, [])]
    )

    [handed] = await consume(bootstrap, worker.topic("leads.nurture.v1"), 1)
    [letter] = await consume(bootstrap, worker.topic("leads.deadletter.v1"), 1)

    assert json.loads(handed.value)["returned_by_sales"]["reason"] == "no budget this year"
    dead = json.loads(letter.value)
    assert (dead["reason"], dead["source_topic"]) == (
        "unsupported_content_type",
        worker.topic("sales.feedback.v1"),
    )
    assert "schema id 23" in dead["message"]
