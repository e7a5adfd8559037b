"""The input of one scenario: lead events of a bench workload (synthetic, or real-shaped website
traffic), valid unless asked otherwise, a share keyed by the lead's identity and the rest by its
external id; malformed records interleaved when asked, and a paced producer that remembers where
each record landed and can pause while the broker is away."""

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer

from agents.tools.feed_keys import MIXED_IDENTITY_KEYED
from bench.workloads import Workload, make_feed

# The one place the malformed generator is chosen: every shape intake must dead-letter.
from dev.faults.fuzz import malformed_records
from dev.faults.observations import ProducedRecord
from dev.faults.records import Record, classify
from schemas.accounts import Account

EVENT_INTERVAL = timedelta(milliseconds=10)
TICK = 0.05  # seconds between paced sends


@dataclass(frozen=True, slots=True)
class PlannedRecord:
    record: Record
    event: tuple[str, str] | None  # (event id, lead identity) when the intake accepts it


def plan_input(
    events: int,
    seed: int,
    accounts: Sequence[Account],
    *,
    garbage_share: float = 0.0,
    malformed: int = 0,
    identity_keyed: float = MIXED_IDENTITY_KEYED,
    workload: Workload = "synthetic",
) -> list[PlannedRecord]:
    """`events` events of the `workload` (`bench/workloads.py`) in feed order, with `malformed`
    records at seeded positions among them. Event times end a few minutes before now, so none
    is in the future for the worker. `identity_keyed` of the valid events are keyed by the
    lead's identity (the worker's direct path), the others by its external id, so one lead's
    events arrive both ways."""
    now = datetime.now(UTC)
    start = now - events * EVENT_INTERVAL - timedelta(minutes=5)
    feed = make_feed(
        workload, seed, accounts, garbage_share=garbage_share, identity_keyed=identity_keyed
    )
    valid: list[Record] = list(feed.events(events, start, EVENT_INTERVAL))
    bad: list[Record] = list(malformed_records(malformed, seed)) if malformed else []
    # Interleave keeping both orders: one lead's events stay in the order the feed made them.
    slots = [True] * len(valid) + [False] * len(bad)
    random.Random(seed).shuffle(slots)
    good_iter, bad_iter = iter(valid), iter(bad)
    ordered = [next(good_iter) if is_valid else next(bad_iter) for is_valid in slots]
    return [PlannedRecord(record, classify(record, now)) for record in ordered]


def create_producer(bootstrap: str, transactional_id: str | None = None) -> AIOKafkaProducer:
    # Large fuzz values need a request as large as the broker takes (message.max.bytes ~1 MB).
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=5,
        max_request_size=1_048_000,
        request_timeout_ms=60_000,
        transactional_id=transactional_id,
    )


@dataclass
class PacedFeed:
    """Sends the planned records at `rate` per second; `pause()` waits for every record in
    flight to be acknowledged, so a broker stop never leaves a record half-sent.

    With `aborted_share` the feed writes as a transactional producer does: each tick's records
    in one transaction, of which that share (drawn from `seed`) are aborted. Records of an
    aborted transaction stay in the log but were never produced as far as any reader of
    committed records knows: they go to `aborted`, not `produced`."""

    bootstrap: str
    topic: str
    planned: Sequence[PlannedRecord]
    rate: float
    aborted_share: float = 0.0
    seed: int = 0
    produced: list[ProducedRecord] = field(default_factory=list)
    aborted: list[ProducedRecord] = field(default_factory=list)
    failed: int = 0
    finished_at: float | None = None
    _running: asyncio.Event = field(default_factory=asyncio.Event)
    _idle: asyncio.Event = field(default_factory=asyncio.Event)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def is_done(self) -> bool:
        return self.finished_at is not None

    async def finished(self) -> None:
        """Until the feed sent its last record (or failed)."""
        await self._finished.wait()

    async def pause(self) -> None:
        self._running.clear()
        await self._idle.wait()

    def resume(self) -> None:
        self._running.set()

    async def run(self) -> None:
        transactional = self.aborted_share > 0
        producer = create_producer(self.bootstrap, f"{self.topic}-feed" if transactional else None)
        await producer.start()
        self._running.set()
        aborts = random.Random(self.seed)
        try:
            per_tick = max(1, round(self.rate * TICK))
            for first in range(0, len(self.planned), per_tick):
                self._idle.set()
                await self._running.wait()
                self._idle.clear()
                began = time.monotonic()
                batch = self.planned[first : first + per_tick]
                if transactional:
                    await self._send_in_transaction(
                        producer, batch, abort=aborts.random() < self.aborted_share
                    )
                else:
                    await self._send(producer, batch)
                await asyncio.sleep(max(0.0, TICK - (time.monotonic() - began)))
        finally:
            self.finished_at = time.time()
            self._idle.set()
            self._finished.set()
            await producer.stop()

    async def _send(
        self,
        producer: AIOKafkaProducer,
        batch: Sequence[PlannedRecord],
        into: list[ProducedRecord] | None = None,
    ) -> None:
        """Send `batch`; each record acknowledged goes to `into` (`produced` by default)."""
        futures = []
        for item in batch:
            key, value, headers = item.record
            futures.append(await producer.send(self.topic, value, key=key, headers=list(headers)))
        results = await asyncio.gather(*futures, return_exceptions=True)
        for item, result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                self.failed += 1  # not produced as far as anyone knows: not counted
                continue
            event_id, identity = item.event or (None, None)
            record = ProducedRecord(result.partition, result.offset, event_id, identity)
            (self.produced if into is None else into).append(record)

    async def _send_in_transaction(
        self, producer: AIOKafkaProducer, batch: Sequence[PlannedRecord], *, abort: bool
    ) -> None:
        """`batch` in one transaction, committed or aborted. A commit that fails leaves the
        records' fate unknown: they count as failed, neither produced nor aborted."""
        written: list[ProducedRecord] = []
        await producer.begin_transaction()
        await self._send(producer, batch, into=written)
        if abort:
            await producer.abort_transaction()
            self.aborted.extend(written)
            return
        try:
            await producer.commit_transaction()
        except Exception:
            self.failed += len(written)
            raise
        self.produced.extend(written)
