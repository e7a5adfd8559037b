"""Expiry: state of leads long gone is deleted by the worker that owns its partition."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from agents.plumbing.delivery import DeliveryGuard
from agents.plumbing.expiry import Expiring, json_text, json_time, partition_of, sweep
from agents.plumbing.outbox import Outbox, state_of
from agents.plumbing.outputs import Output, Send
from agents.plumbing.tables import DurableTable
from tests.unit.fake_producer import FakeProducer, fake_table

NOW = datetime(2026, 12, 2, tzinfo=UTC)
TOPIC = "leadrouter.leads.keyed.v1"


async def no_hole(tp: Any, offset: int) -> int | None:
    return offset


def table_with(app: Any, name: str, data: dict[bytes, bytes]) -> DurableTable:
    return DurableTable(fake_table(data), Output(app, f"{name}-changelog"))


def runtime_owning(*partitions: int) -> Any:
    guard = DeliveryGuard(no_hole, lambda message, error: None)
    guard.assigned({(TOPIC, partition): 0 for partition in partitions})
    return SimpleNamespace(
        delivery=guard, settings=SimpleNamespace(topics=SimpleNamespace(partitions=4))
    )


def profile(last_event_at: datetime) -> bytes:
    return f'{{"identity":"x","last_event_at":"{last_event_at.isoformat()}","n":1}}'.encode()


async def test_a_lead_silent_for_longer_than_the_ttl_is_forgotten_with_its_outbox() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    old, fresh = b"email:old@x.com", b"email:new@x.com"
    profiles = table_with(
        app, "profiles", {old: profile(NOW - timedelta(days=400)), fresh: profile(NOW)}
    )
    outbox = table_with(app, "outbox", {old: b"[]", fresh: b"[]"})
    runtime = runtime_owning(0, 1, 2, 3)
    expiring = Expiring(
        "lead-profiles",
        profiles,
        TOPIC,
        timedelta(days=365),
        json_time("last_event_at"),
        companions=(outbox,),
    )

    removed = await sweep(runtime, expiring, NOW)

    assert removed == 1
    assert old not in profiles.table.data
    assert old not in outbox.table.data
    assert fresh in profiles.table.data
    tombstones = [(topic, key, value) for topic, key, value, _ in app.producer.sent]
    assert tombstones == [("profiles-changelog", old, None), ("outbox-changelog", old, None)]
    assert {partition for *_, partition in app.producer.sent} == {partition_of(old, 4)}


async def test_a_worker_leaves_entries_of_partitions_it_does_not_own_to_their_owner() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    old = b"email:old@x.com"
    profiles = table_with(app, "profiles", {old: profile(NOW - timedelta(days=400))})
    others = [p for p in range(4) if p != partition_of(old, 4)]
    expiring = Expiring(
        "lead-profiles", profiles, TOPIC, timedelta(days=365), json_time("last_event_at")
    )

    assert await sweep(runtime_owning(*others), expiring, NOW) == 0
    assert old in profiles.table.data


async def test_a_ledger_entry_is_found_on_the_partition_of_its_queue() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    entry = b'{"queue":"inside-sales","routed_at":"2026-10-01T00:00:00+00:00"}'
    ledger = table_with(app, "ledger", {b"decision-1": entry})
    expiring = Expiring(
        "assignment-ledger",
        ledger,
        TOPIC,
        timedelta(days=30),
        json_time("routed_at"),
        routing_key=json_text("queue"),
    )

    assert await sweep(runtime_owning(partition_of(b"inside-sales", 4)), expiring, NOW) == 1
    assert app.producer.sent[0][3] == partition_of(b"inside-sales", 4)


def test_a_value_without_a_readable_time_never_expires() -> None:
    stamp = json_time("last_event_at")

    assert stamp(b'{"identity":"x"}') is None
    assert stamp(b'{"last_event_at":"yesterday"}') is None
    assert stamp(profile(NOW)) == NOW


async def test_a_profile_written_with_its_outbox_entries_expires_by_its_own_time() -> None:
    app = SimpleNamespace(producer=FakeProducer())
    old = b"email:old@x.com"
    profiles = table_with(app, "profiles", {})
    nurture = Output(app, "leads.nurture.v1")
    recent_send = Send(nurture, old, b'{"last_event_at":"%s"}' % NOW.isoformat().encode())
    await Outbox(profiles, {nurture.name: nurture}).record(
        old, 7, [recent_send], partition=0, floor=0, state=profile(NOW - timedelta(days=400))
    )
    stamp = json_time("last_event_at", within=state_of)
    expiring = Expiring("lead-profiles", profiles, TOPIC, timedelta(days=365), stamp)

    assert stamp(profiles.table.data[old]) == NOW - timedelta(days=400)
    assert await sweep(runtime_owning(0, 1, 2, 3), expiring, NOW) == 1
    assert old not in profiles.table.data
