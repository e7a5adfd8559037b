"""Expiry of state that would otherwise grow for ever: profiles of leads long gone, old ledger
entries. Each worker sweeps only the keys of input partitions assigned to it (standby copies
are left to their owner), a chunk at a time so events keep flowing, and deletes with a
tombstone on the changelog so recovery forgets the key too.
"""

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiokafka.partitioner import murmur2

from agents.plumbing.runtime import Runtime
from agents.plumbing.tables import DurableTable

log = logging.getLogger(__name__)

CHUNK = 1000


def json_time(
    field_name: str, within: Callable[[bytes], bytes] | None = None
) -> Callable[[bytes], datetime | None]:
    """Reads one top-level timestamp out of a JSON value without parsing the whole value;
    `within` gives the JSON where it is part of the value."""
    pattern = re.compile(rb'"' + field_name.encode() + rb'":"([^"]+)"')

    def stamp(value: bytes) -> datetime | None:
        found = pattern.search(value if within is None else within(value))
        if found is None:
            return None
        try:
            return datetime.fromisoformat(found.group(1).decode())
        except ValueError:
            return None

    return stamp


def json_text(field_name: str) -> Callable[[bytes, bytes], bytes]:
    """The partitioning key held in a top-level string field of the value."""
    pattern = re.compile(rb'"' + field_name.encode() + rb'":"([^"]+)"')

    def key_of(key: bytes, value: bytes) -> bytes:
        found = pattern.search(value)
        return key if found is None else found.group(1)

    return key_of


def by_key(key: bytes, value: bytes) -> bytes:
    return key


def partition_of(routing_key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner picked for a record with this key."""
    hashed: int = murmur2(routing_key)
    return (hashed & 0x7FFFFFFF) % partitions


@dataclass(frozen=True)
class Expiring:
    """A table whose entries expire `ttl` after the time `stamp` reads from the value."""

    name: str
    table: DurableTable
    source_topic: str
    ttl: timedelta
    stamp: Callable[[bytes], datetime | None]
    routing_key: Callable[[bytes, bytes], bytes] = by_key
    # Tables keyed the same way whose entry goes with this one (a lead's outbox).
    companions: tuple[DurableTable, ...] = field(default_factory=tuple)


async def sweep(runtime: Runtime, expiring: Expiring, now: datetime) -> int:
    """Delete the expired entries of partitions assigned here; returns how many."""
    delivery = runtime.delivery
    partitions = runtime.settings.topics.partitions
    cutoff = now - expiring.ttl
    data = expiring.table.table.data
    removed = 0
    keys = list(data.keys())
    for start in range(0, len(keys), CHUNK):
        for key in keys[start : start + CHUNK]:
            value = data.get(key)
            if value is None:
                continue
            stamp = expiring.stamp(value)
            if stamp is None or stamp >= cutoff:
                continue
            partition = partition_of(expiring.routing_key(key, value), partitions)
            if delivery is None or not delivery.manages((expiring.source_topic, partition)):
                continue
            for table in (expiring.table, *expiring.companions):
                await table.put(key, None, partition)
            removed += 1
        await asyncio.sleep(0)
    return removed


def register_expiry(runtime: Runtime, tables: Iterable[Expiring], interval_s: float) -> None:
    """Sweep the tables every `interval_s` seconds (after recovery, on every worker)."""
    chosen = [expiring for expiring in tables if expiring.ttl > timedelta(0)]
    if not chosen:
        return
    counter = runtime.metrics.expired
    for expiring in chosen:
        counter.labels(table=expiring.name)  # the series exists at 0 from the start

    @runtime.app.timer(interval=interval_s)
    async def expire_state() -> None:
        for expiring in chosen:
            removed = await sweep(runtime, expiring, runtime.clock())
            if removed:
                counter.labels(table=expiring.name).inc(removed)
                log.info("expired %d %s entries", removed, expiring.name)
