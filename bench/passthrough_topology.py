"""Baseline: leadrouter's topology and delivery machinery with no domain work in it.

Three Faust agents, each concurrency 1, shaped like the router's stages and sending the same
records per event through the same send path:
1. intake-like: parses the raw event with orjson only to find the lead (email or source id),
   re-keys it by that to `<prefix>leadrouter.leads.keyed.v1` (the original bytes; records it
   cannot key are dead-lettered, as the router's intake does with what it cannot decode);
2. profile-like: the profile and its outbox entry written as one `DurableTable` value, whose
   sends wait for it in a `SendQueue` (as the router's profile stage does), drawn from the
   record's checksum (`bench.topology_shares`): a qualified record keyed by the lead's
   country, or a nurture record and a decision, or a decision only, or nothing (duplicates);
3. assign-like: the ledger entry written, then, once it is acknowledged and in a `SendQueue`
   (as the router's assign stage does), either the record passed on to the qualified topic
   again (overflow) or a queue-state write, a queue record and a decision.

Like the worker (agents/worker.py) it uses the app of `create_faust_app` with the worker's
settings (LEADROUTER_* from the environment), `faust_fixes.install` with a `DeliveryGuard`,
`guard_event` around every event (begin, track every send, finish), `Output` for every send
and the worker's adaptive producer linger (`agents/plumbing/batching.py`):
the router over this baseline is what leadrouter's own code costs, not the delivery guarantee.

Usage: python -m bench.passthrough_topology SOURCE [--routed R --nurtured N --decided D
--overflow O]   (topics under LEADROUTER_TOPICS__PREFIX; SIGTERM stops it)
"""

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from prometheus_client import CollectorRegistry

from agents.plumbing import aiokafka_fixes, faust_fixes
from agents.plumbing.app import create_faust_app
from agents.plumbing.batching import register_adaptive_linger
from agents.plumbing.deadletters import DeadLetterWriter, guard_event
from agents.plumbing.delivery import DeliveryGuard
from agents.plumbing.event_loop import use_event_loop
from agents.plumbing.failures import exit_without_commit
from agents.plumbing.holes import BrokerHoleCheck
from agents.plumbing.metrics import Metrics
from agents.plumbing.outbox import Outbox
from agents.plumbing.outputs import Send
from agents.plumbing.pipelined import SendQueue
from agents.plumbing.runtime import Runtime
from agents.plumbing.settings import Settings
from agents.plumbing.tables import durable_table
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    LEDGER_TABLE,
    NURTURE,
    OUTBOX_TABLE,
    PROFILES_TABLE,
    QUEUE_STATES_TABLE,
    TopicNames,
    queue_topic,
)
from bench.topology_shares import (
    SYNTHETIC_SHARES,
    Shares,
    lead_key,
    outcome_of,
    overflows,
    qualified_key,
)
from service.dead_letters import Rejection

# The one queue topic the passthrough's third stage writes (the router writes one per queue).
QUEUE = "passthrough"
# An overflow record's key: `overflow-<hops so far>`.
OVERFLOW_KEY = b"overflow-"


def hop_of(key: bytes | None) -> int:
    """How many times the record was passed on already (only overflow records' keys say)."""
    if key is None or not key.startswith(OVERFLOW_KEY):
        return 0
    return int(key.removeprefix(OVERFLOW_KEY))


def create_runtime(settings: Settings) -> Runtime:
    """The worker's app, delivery guard and Faust fixes, without its stages."""
    aiokafka_fixes.install()
    registry = CollectorRegistry()
    runtime = Runtime(
        settings=settings,
        app=create_faust_app(settings),
        metrics=Metrics.create(registry),
        registry=registry,
        names=TopicNames(settings.topics.prefix),
    )
    runtime.delivery = DeliveryGuard(BrokerHoleCheck(settings.kafka), exit_without_commit)
    faust_fixes.install(runtime.app, runtime.delivery)
    register_adaptive_linger(runtime)
    return runtime


def raw_topic(runtime: Runtime, name: str) -> Any:
    return runtime.app.topic(
        name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )


def register_stages(runtime: Runtime, source_name: str, shares: Shares) -> None:
    writer = DeadLetterWriter(runtime, runtime.output(DEAD_LETTER))
    register_intake(runtime, writer, raw_topic(runtime, source_name))
    register_profile(runtime, writer, shares)
    register_assign(runtime, writer, shares)


def register_intake(runtime: Runtime, writer: DeadLetterWriter, source: Any) -> None:
    """Re-key each event by its lead; what cannot be keyed is dead-lettered."""
    keyed = runtime.output(LEADS_KEYED)

    async def handle(event: Any) -> None:
        message = event.message
        try:
            key = lead_key(orjson.loads(message.value))
        except orjson.JSONDecodeError as error:
            await writer.reject(message, Rejection("not_json", str(error)[:200]))
            return
        if key is None:
            await writer.reject(message, Rejection("missing_field", "no email or external_id"))
            return
        await keyed.send(key=key, value=message.value)

    register_agent(runtime, writer, "intake", source, handle)


def register_profile(runtime: Runtime, writer: DeadLetterWriter, shares: Shares) -> None:
    """Profile and outbox durable first, then the drawn outcome's records."""
    delivery = runtime.delivery
    qualified = runtime.output(LEADS_QUALIFIED)
    nurture = runtime.output(NURTURE)
    decisions = runtime.output(DECISIONS)
    profiles = durable_table(runtime, PROFILES_TABLE)
    outbox = Outbox(
        profiles,
        {output.name: output for output in (qualified, nurture, decisions)},
        legacy=durable_table(runtime, OUTBOX_TABLE),
    )
    queue = SendQueue(runtime.settings.limits.queued_events)

    def sends_of(key: bytes, value: bytes, offset: int) -> list[Send]:
        outcome = outcome_of(value, shares)
        if outcome == "routed":
            return [Send(qualified, qualified_key(orjson.loads(value)), value)]
        if outcome == "dropped":
            return []
        decision = orjson.dumps({"lead": key.decode(), "outcome": outcome, "offset": offset})
        sends = [Send(decisions, key, decision)]
        if outcome == "nurtured":
            sends.insert(0, Send(nurture, key, value))
        return sends

    async def handle(event: Any) -> None:
        message = event.message
        key, value = message.key, message.value
        outbox.state(key)
        sends = sends_of(key, value, message.offset)
        if not sends:  # the router's duplicates: nothing written
            return
        floor = delivery.replay_floor(message.tp) if delivery is not None else 0
        # As the router does: the profile and the outbox entry in one record.
        recorded = await outbox.record(
            key, message.offset, sends, message.partition, floor, state=value
        )
        await queue.after((recorded,), sends)

    register_agent(runtime, writer, "profile", runtime.topic(LEADS_KEYED), handle)


def register_assign(runtime: Runtime, writer: DeadLetterWriter, shares: Shares) -> None:
    """The ledger entry durable first, then an overflow hop or the queue's records."""
    qualified = runtime.output(LEADS_QUALIFIED)
    decisions = runtime.output(DECISIONS)
    queue = runtime.output(queue_topic(QUEUE))
    ledger = durable_table(runtime, LEDGER_TABLE)
    queue_states = durable_table(runtime, QUEUE_STATES_TABLE)
    pending = SendQueue(runtime.settings.limits.queued_events)

    async def handle(event: Any) -> None:
        message = event.message
        value, partition = message.value, message.partition
        hop = hop_of(message.key)
        entry_key = b"%d@%d#%d" % (partition, message.offset, hop)
        ledger.get(entry_key)
        if overflows(value, hop, shares):
            entry = orjson.dumps({"queue": message.key.decode(), "overflow_to": "next"})
            written = await ledger.put(entry_key, entry, partition)
            moved = hop + 1
            await pending.after((written,), [Send(qualified, OVERFLOW_KEY + b"%d" % moved, value)])
            return
        identity = lead_key(orjson.loads(value)) or message.key
        entry = orjson.dumps({"queue": message.key.decode(), "rep_id": None})
        written = await ledger.put(entry_key, entry, partition)
        queue_states.get(message.key)
        counters = queue_states.store(
            message.key, orjson.dumps({"offset": message.offset}), partition
        )
        sends = [counters, Send(queue, identity, value), Send(decisions, identity, entry)]
        await pending.after((written,), sends)

    register_agent(runtime, writer, "assign", runtime.topic(LEADS_QUALIFIED), handle)


def register_agent(
    runtime: Runtime,
    writer: DeadLetterWriter,
    name: str,
    topic: Any,
    handle: Callable[[Any], Awaitable[None]],
) -> None:
    """One agent as the router's stages have it: concurrency 1, `guard_event` per event."""

    async def agent(stream: Any) -> None:
        async for event in stream.events():
            await guard_event(writer, event, handle)

    runtime.app.agent(topic, name=name, concurrency=1)(agent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", help="the input topic (full name)")
    defaults = SYNTHETIC_SHARES
    for share in ("routed", "nurtured", "decided", "overflow"):
        parser.add_argument(f"--{share}", type=float, default=getattr(defaults, share))
    args = parser.parse_args()
    shares = Shares(args.routed, args.nurtured, args.decided, args.overflow)
    settings = Settings()
    use_event_loop(settings.tuning.event_loop)  # as the router's worker does
    runtime = create_runtime(settings)
    register_stages(runtime, args.source, shares)
    sys.argv = [sys.argv[0], "worker", "-l", settings.log_level]
    sys.argv += ["--web-port", str(settings.web.port), "--web-host", settings.web.host]
    runtime.app.main()


if __name__ == "__main__":
    main()
