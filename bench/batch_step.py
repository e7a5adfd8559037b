"""Experiment: the router's decision in batch steps on plain aiokafka, next to the router.

The router decides one event per Faust agent step: each event passes Faust's per-message path
and leadrouter's per-event pipeline (delivery track, send queue, an outbox write and 2-3 sends of
their own, each a record in a batch of one or two). This consumer does the same domain work per
event (intake's decode, `evaluate_event`, the outputs and the stored profile as the profile
stage builds them, a value like its outbox value) but a batch at a time: every changelog value of
the batch is sent and acknowledged, then every output, then the offsets are committed. It shows
what the per-message design costs, and what CPU per event a batch design could reach.

It is not the service and is never used as one: no rebalance, dead-letter, lease or replay
handling, no assign stage (about one event in ten is routed; its qualified record is written
and not assigned), and no learned model. Leads' profiles are kept in a dict.

Usage: python -m bench.batch_step --bootstrap HOST:PORT [--events 40000] [--batch 1000]
       [--yield-each]
"""

import argparse
import asyncio
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from agents.plumbing.reference import default_rules_text
from agents.tools.synthetic_accounts import synthetic_accounts
from bench.loading import load_events
from bench.topics import TopicProbe
from bench.workloads import make_feed
from schemas.events import LeadEvent
from schemas.pipeline import SourceRecord
from schemas.profiles import LeadProfile
from service.accounts import AccountIndex
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event
from service.pipeline import Evaluation, evaluate_event
from service.policy import Policy, load_policy
from service.records import nurture_decision, nurtured_record, qualified_lead

TOPICS = ("input", "changelog", "decisions", "nurture", "qualified", "deadletter")
Send = tuple[str, bytes, bytes]


class Position(NamedTuple):
    """Where an input record was read, and its Kafka timestamp."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int


class Decider:
    """The profile stage's decision and records, without Faust: profiles in a dict."""

    def __init__(self, names: dict[str, str], accounts: AccountIndex, policy: Policy) -> None:
        self.names = names
        self.accounts = accounts
        self.policy = policy
        self.profiles: dict[str, LeadProfile] = {}

    def decide(
        self, message: "ConsumerRecord[bytes, bytes]", now: datetime
    ) -> tuple[Send | None, list[Send]]:
        """The changelog value and the outputs of one input record."""
        return self.decide_record(
            message.value or b"",
            message.headers or (),
            Position(message.topic, message.partition, message.offset, message.timestamp),
            now,
        )

    def decide_record(
        self,
        value: bytes,
        headers: Sequence[tuple[str, bytes]],
        position: "Position",
        now: datetime,
    ) -> tuple[Send | None, list[Send]]:
        """The changelog value and the outputs of one record read at `position`."""
        decoded = decode_lead_event(value, headers, now)
        if isinstance(decoded, Rejection):
            return None, [(self.names["deadletter"], b"", value)]
        identity = lead_identity(decoded.lead, decoded.source)
        if identity is None:
            return None, [(self.names["deadletter"], b"", value)]
        received = datetime.fromtimestamp(position.timestamp_ms / 1000, UTC)
        source = SourceRecord(
            topic=position.topic,
            partition=position.partition,
            offset=position.offset,
            timestamp=received,
        )
        evaluation = evaluate_event(
            self.profiles.get(identity),
            decoded,
            identity,
            received,
            self.accounts,
            self.policy,
            offset=source.offset,
            lane=source.topic,
            source=source,
        )
        if evaluation.is_duplicate:
            return None, []
        key = identity.encode()
        sends = self.outputs(evaluation, key, identity, decoded, source, now)
        self.profiles[identity] = evaluation.profile
        stored = evaluation.profile.stored()
        changelog = b"".join([stored, *(value for _, _, value in sends)])
        return (self.names["changelog"], key, changelog), sends

    def outputs(
        self,
        evaluation: Evaluation,
        key: bytes,
        identity: str,
        event: LeadEvent,
        source: SourceRecord,
        now: datetime,
    ) -> list[Send]:
        """What `agents/stages/profile_sends.py` builds for the decision (the update aside)."""
        if evaluation.outcome == "routed":
            lead = qualified_lead(evaluation, identity, event, source)
            return [(self.names["qualified"], lead.queue.encode(), lead.model_dump_json().encode())]
        decision = nurture_decision(evaluation, identity, now)
        sends = [(self.names["decisions"], key, decision.model_dump_json().encode())]
        if evaluation.outcome == "nurtured":
            nurtured = nurtured_record(evaluation, decision, event, source)
            sends.insert(0, (self.names["nurture"], key, nurtured.model_dump_json().encode()))
        return sends


async def prepare(bootstrap: str, events: int, partitions: int, seed: int) -> tuple[Decider, int]:
    """Fresh topics with the synthetic feed loaded (the bench's seed, accounts and rules), and
    a decider on the same accounts; the number of events loaded."""
    tag = uuid.uuid4().hex[:8]
    names = {topic: f"batchstep.{tag}.{topic}" for topic in TOPICS}
    accounts = synthetic_accounts(10_000, seed)
    index = AccountIndex()
    for account in accounts:
        index.upsert(account)
    decider = Decider(names, index, load_policy(default_rules_text(), "shipped default rules"))
    async with TopicProbe(bootstrap) as probe:
        await probe.create(names.values(), partitions)
    feed = make_feed("synthetic", seed, accounts, 0.01, 1.0)
    start = datetime.now(UTC) - timedelta(milliseconds=10) * events - timedelta(minutes=5)
    loaded = await load_events(
        bootstrap, names["input"], feed, events, start, timedelta(milliseconds=10)
    )
    print(f"loaded {loaded.events:,} events")
    return decider, loaded.events


async def run(
    bootstrap: str, events: int, batch: int, partitions: int, seed: int, yield_each: bool
) -> None:
    decider, loaded = await prepare(bootstrap, events, partitions, seed)
    names = decider.names
    consumer = AIOKafkaConsumer(
        names["input"],
        bootstrap_servers=bootstrap,
        group_id=names["input"],
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_batch_size=256 * 1024)
    await producer.start()
    await consumer.start()
    done = written = 0
    started_cpu = started_wall = 0.0
    try:
        while done < loaded:
            batches = await consumer.getmany(timeout_ms=1000, max_records=batch)
            if not batches:
                continue
            if not done:  # from the first records read: the load before is this process's too
                started_cpu, started_wall = time.process_time(), time.perf_counter()
            now = datetime.now(UTC)
            changelog: list[asyncio.Future[object]] = []
            outputs: list[Send] = []
            for tp, records in batches.items():
                for record in records:
                    value, sends = decider.decide(record, now)
                    if value is not None:
                        topic, key, body = value
                        changelog.append(
                            await producer.send(topic, body, key=key, partition=tp.partition)
                        )
                    outputs.extend(sends)
                    if yield_each:  # let the producer's sender go as the router does
                        await asyncio.sleep(0)
                done += len(records)
            await asyncio.gather(*changelog)
            sent = [
                await producer.send(topic, body, key=key or None) for topic, key, body in outputs
            ]
            await asyncio.gather(*sent)
            offsets = {tp: records[-1].offset + 1 for tp, records in batches.items()}
            await consumer.commit(offsets)
            written += len(changelog) + len(sent)
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    finally:
        await consumer.stop()
        await producer.stop()
    print(
        f"batch step ({batch} records per getmany at most): {done:,} events, "
        f"{done / wall:,.0f} events/s, {cpu / done * 1000:.3f} ms of CPU per "
        f"event, {written / done:.2f} records written per event"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--yield-each",
        action="store_true",
        help="yield to the event loop after each event, as the router's agent does",
    )
    args = parser.parse_args()
    asyncio.run(
        run(args.bootstrap, args.events, args.batch, args.partitions, args.seed, args.yield_each)
    )


if __name__ == "__main__":
    main()
