"""Kafka records read back into the accounting's small records, and input records classified
with the worker's own pure intake (what it accepts is what the harness calls valid)."""

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import orjson

from agents.plumbing.topics import LEAD_EVENTS
from dev.faults.observations import DeadLetterRecord, DecisionRecord, Outputs, RoutedRecord
from schemas.reps import Rep
from service.availability import local_day
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event

Header = tuple[str, bytes]
Record = tuple[bytes | None, bytes | None, Sequence[Header]]


class KafkaRecord(Protocol):
    """What the harness reads of an aiokafka ConsumerRecord."""

    @property
    def topic(self) -> str: ...

    @property
    def value(self) -> bytes | None: ...

    @property
    def timestamp(self) -> int: ...


def classify(record: Record, now: datetime) -> tuple[str, str] | None:
    """(event id, lead identity) of a record the worker's intake accepts; None if it rejects it.
    The key plays no part: a lead's events come keyed by its identity or by its external id."""
    _, value, headers = record
    decoded = decode_lead_event(value, headers, now)
    if isinstance(decoded, Rejection):
        return None
    identity = lead_identity(decoded.lead, decoded.source)
    return None if identity is None else (decoded.event_id, identity)


def _json(raw: bytes | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        loaded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return loaded if isinstance(loaded, dict) else None


def routed_record(value: dict[str, Any], reps: Mapping[str, Rep]) -> RoutedRecord:
    rep_id = value.get("rep_id")
    return RoutedRecord(
        decision_id=str(value["decision_id"]),
        event_id=str(value["event_id"]),
        lead_identity=str(value["lead_identity"]),
        generation=int(value["decision"]["generation"]),
        rep_id=rep_id,
        queue=str(value["queue"]),
        day_count=_day_count(value, reps.get(rep_id) if rep_id is not None else None),
        overflowed=bool(value["decision"].get("overflowed_from")),
    )


def _day_count(value: dict[str, Any], rep: Rep | None) -> tuple[str, int] | None:
    """The rep's local day at assignment and the day count the decision gave the lead."""
    count = value["decision"].get("counters", {}).get("assigned_today")
    if rep is None or count is None:
        return None
    routed_at = datetime.fromisoformat(value["timestamps"]["routed_at"])
    return local_day(rep, routed_at).isoformat(), int(count)


def decision_record(value: dict[str, Any]) -> DecisionRecord:
    return DecisionRecord(
        decision_id=str(value["decision_id"]),
        outcome=str(value["outcome"]),
        lead_identity=str(value["lead_identity"]),
        generation=int(value["generation"]),
    )


def dead_letter_record(value: dict[str, Any], input_topic: str) -> DeadLetterRecord:
    """Trace a dead letter to its input record: intake's letters name it; a later stage's
    letter holds the stage's own record, whose `source` (keyed) or `event_id` (qualified) does."""
    reason = str(value.get("reason"))
    if value.get("source_topic") == input_topic:
        position = (int(value["source_partition"]), int(value["source_offset"]))
        return DeadLetterRecord(reason=reason, input_position=position)
    try:
        original = _json(base64.b64decode(value.get("value_b64") or ""))
    except (binascii.Error, ValueError):
        original = None
    if original is None:
        return DeadLetterRecord(reason=reason)
    source = original.get("source")
    if isinstance(source, dict) and source.get("topic") == input_topic:
        position = (int(source["partition"]), int(source["offset"]))
        return DeadLetterRecord(reason=reason, input_position=position)
    event = original.get("event")
    event_id = event.get("event_id") if isinstance(event, dict) else original.get("event_id")
    return DeadLetterRecord(reason=reason, event_id=None if event_id is None else str(event_id))


def read_outputs(
    records: Iterable[KafkaRecord], prefix: str, reps: Sequence[Rep] = ()
) -> tuple[Outputs, list[str]]:
    """Sort the output topics' records into the accounting's shape; problems as notes. `reps`:
    the directory the run used, whose time zones tell each rep's local day."""
    directory = {rep.rep_id: rep for rep in reps}
    routed: list[RoutedRecord] = []
    decisions: list[DecisionRecord] = []
    letters: list[DeadLetterRecord] = []
    stamps: list[float] = []
    unreadable = 0
    input_topic = f"{prefix}{LEAD_EVENTS}"
    for record in records:
        stamps.append(record.timestamp / 1000)
        value = _json(record.value)
        topic = record.topic.removeprefix(prefix)
        try:
            if topic.startswith("sales.queue."):
                routed.append(routed_record(value or {}, directory))
            elif topic == "leads.decisions.v1":
                decisions.append(decision_record(value or {}))
            elif topic == "leads.deadletter.v1":
                letters.append(dead_letter_record(value or {}, input_topic))
        except (KeyError, TypeError, ValueError):
            unreadable += 1
    overflowed = sum(record.overflowed for record in routed)
    notes = [f"{len(routed):,} routed, {overflowed:,} of them after overflowing a full queue"]
    if unreadable:
        notes.append(f"{unreadable} output records could not be read")
    return Outputs(routed, decisions, letters, stamps), notes
