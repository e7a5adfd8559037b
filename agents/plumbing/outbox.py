"""What a stage sent for each recent event of a key, so that a replay re-sends exactly that.

After a crash the events since the last commit are read again. The profile table then already
holds their effect, and deciding again on a profile that has moved on could send different
outputs (nurtured where the first pass routed). So the stage records its outputs here, durably,
before it sends them; a replayed event re-sends the recorded bytes, with the same decision ids.
Entries below the partition's replay floor (committed offsets) are pruned on the next write.
Above it, an entry whose sends this process saw acknowledged (`delivered`: the event that sent
them, or a replay that sent them again, completed) is kept without its sends: a replay of that
event must send nothing, and only needs to know it was decided. The sends held until the commit
passed them had made a lead's value about three times its profile. A lane's committed or
committable offset cannot say this: an input record applied directly and re-keyed after a crash
completes on the input topic once its keyed copy is acknowledged, before the copy's replay has
sent the entry's records again.

An entry belongs to a lane (`schemas.profiles.KEYED_LANE` for records read from the keyed topic,
else the input topic a record came from directly): offsets, floors and pruning are per lane,
since the two topics number their records independently. A write also prunes the other lanes'
entries below their floors when the caller knows them.

A key's entries are framed binary (`_FRAMED`, then each entry with its length up front), so that
a write keeps the older entries as the bytes they are and a lookup decodes only its own entry:
re-encoding every kept send as a JSON string inside JSON cost the profile stage 3-5% of its CPU
on leads with many events between two commits. Values written before the framing (a JSON list
of `[offset, sends]` or `[offset, sends, lane]`) are still read, and framed at their next write.

The value may also carry the key's state (`_STATEFUL`, the state's length, its bytes, then the
entries), written with the event's entry in one record: the profile stage keeps a lead's profile
there. Two tables meant two changelog records per event, and since Kafka orders no two topics the
profile's had to wait for the entry's acknowledgement (a profile in Kafka without its entry made
a replay take its event as done); one value is written whole or not at all. Where the state's
table held the state alone before (JSON, its entries in the outbox table `legacy`), those
entries are read from `legacy`, and carried into the value at the key's next write.
"""

import asyncio
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from agents.plumbing.derived import Derived
from agents.plumbing.outputs import Output, Send
from agents.plumbing.tables import DurableTable
from schemas.profiles import KEYED_LANE

# A key keeps at most this many entries, less any whose events are not complete yet (see
# `Outbox.record`).
MAX_ENTRIES = 64

# The first byte of a framed value (a JSON value never starts with it), and of one with a state.
_FRAMED = b"\x01"
_STATEFUL = b"\x02"
_STATE_LENGTH = struct.Struct(">I")
# An entry: its length in bytes (this header included), its offset, its lane's length; then the
# lane (UTF-8), the number of sends and each send.
_ENTRY = struct.Struct(">IqH")
_COUNT = struct.Struct(">H")
# A send: the lengths of its topic, key (-1: no key) and value; then those bytes.
_SEND = struct.Struct(">HiI")


# Where an entry sits in a framed value: its offset, lane, first byte and the byte after it.
_Index = list[tuple[int, str, int, int]]


# Where each lane stands in a partition: `floors(lane, partition)` is its replay floor (no
# restart replays an offset below it).
LaneFloors = Callable[[str, int], int]


@dataclass(frozen=True, slots=True)
class _Held:
    """A key's value read: the bytes its entries are in, their index, the state, and the
    entries (lane, offset) whose sends were acknowledged since (see `Outbox.delivered`)."""

    framed: bytes
    index: _Index
    state: bytes | None
    delivered: set[tuple[str, int]] = field(default_factory=set)


class Outbox:
    def __init__(
        self,
        table: DurableTable,
        outputs: dict[str, Output],
        capacity: int = 10_000,
        legacy: DurableTable | None = None,
    ) -> None:
        self._table = table
        self._outputs = outputs
        self._legacy = legacy
        # The values last read or written, with their entries' index.
        self._held: Derived[_Held] = Derived(table, capacity)

    def state(self, key: bytes) -> bytes | None:
        """The state last written with the key's entries, or None."""
        held = self._held.get(key, self._indexed)
        return None if held is None else held.state

    def delivered(self, key: bytes, offset: int, lane: str = KEYED_LANE) -> None:
        """Every send of the key's entry at `offset` of `lane` was acknowledged (call it when the
        event that sent them, or sent them again, is complete): the key's next write keeps the
        entry without them. Known in memory only, while the key's value stays held; a mark that
        is lost leaves the sends in the entry, which is only larger."""
        held = self._held.get(key, self._indexed)
        if held is not None:
            held.delivered.add((lane, offset))

    def recorded(self, key: bytes, offset: int, lane: str = KEYED_LANE) -> list[Send] | None:
        """The sends recorded for the event at `offset` of `lane`, or None if none were."""
        held = self._held.get(key, self._indexed)
        if held is None:
            return None
        framed = held.framed
        for entry_offset, entry_lane, start, end in held.index:
            if entry_offset == offset and entry_lane == lane:
                return [self._send(*send) for send in _sends(framed, start, end)]
        return None

    async def record(
        self,
        key: bytes,
        offset: int,
        sends: list[Send],
        partition: int,
        floor: int,
        lane: str = KEYED_LANE,
        floors: LaneFloors | None = None,
        state: bytes | None = None,
    ) -> "asyncio.Future[Any]":
        """Add the event's sends to the key's entries, with the key's new `state` (None: the
        one it has); the future resolves once Kafka has the value.

        `floor` is the lane's replay floor: older entries of the lane are pruned, and so are
        entries at or after `offset` (left by a pass that was rewound). With `floors`, the other
        lanes' entries below their floors are pruned too. An entry marked `delivered` keeps no
        sends (`recorded` gives an empty list: Kafka has them, a replay sends nothing); and past
        `MAX_ENTRIES`, the oldest delivered entries go (a replay finds no entry for such an event
        and, as it is not the key's latest, rightly sends nothing), never one whose sends may not
        have reached Kafka. Without `floors` other lanes' entries are kept, and no entry goes for
        the cap.

        An entry keeps each send's output, key and value: a send with a partition or a callback
        of its own could not be replayed as it was, and is refused."""
        if any(s.partition is not None or s.on_acknowledged is not None for s in sends):
            raise ValueError("the outbox records keyed sends without callbacks only")
        kept: list[tuple[int, str, bytes | memoryview]] = []
        held = self._held.get(key, self._indexed)
        if held is not None:
            if state is None:
                state = held.state
            view = memoryview(held.framed)  # kept entries are copied once, into the new value
            delivered = held.delivered
            for entry_offset, entry_lane, start, end in held.index:
                if entry_lane == lane:
                    keep = floor <= entry_offset < offset
                else:
                    keep = floors is None or entry_offset >= floors(entry_lane, partition)
                if not keep:
                    continue
                entry: bytes | memoryview = view[start:end]
                if (
                    delivered
                    and (entry_lane, entry_offset) in delivered
                    and _has_sends(end - start, entry_lane)
                ):
                    entry = _entry(entry_offset, entry_lane, [])
                kept.append((entry_offset, entry_lane, entry))
            if len(kept) >= MAX_ENTRIES and floors is not None:
                kept = _capped(kept, len(kept) - MAX_ENTRIES + 1, delivered)
        kept.append(
            (offset, lane, _entry(offset, lane, [(s.output.name, s.key, s.value) for s in sends]))
        )
        if state is None:
            head = _FRAMED
        else:
            head = b"".join((_STATEFUL, _STATE_LENGTH.pack(len(state)), state))
        value = head + b"".join(entry for _, _, entry in kept)
        future = await self._table.put(key, value, partition)
        new_index: _Index = []
        position = len(head)
        for entry_offset, entry_lane, entry in kept:
            new_index.append((entry_offset, entry_lane, position, position + len(entry)))
            position += len(entry)
        self._held.hold(key, value, _Held(value, new_index, state))
        return future

    def _indexed(self, key: bytes, raw: bytes) -> _Held:
        """A value read: with its state, framed entries only, or (written before either) a
        JSON list of entries, or the state alone with its entries in `legacy`."""
        if raw[:1] == _STATEFUL:
            state = state_of(raw)
            return _Held(raw, list(_index(raw, 1 + _STATE_LENGTH.size + len(state))), state)
        if raw[:1] == b"{":
            entries = None if self._legacy is None else self._legacy.get(key)
            framed = _FRAMED if entries is None else _framed(entries)
            return _Held(framed, list(_index(framed, len(_FRAMED))), raw)
        framed = _framed(raw)
        return _Held(framed, list(_index(framed, len(_FRAMED))), None)

    def _send(self, topic: str, key: bytes | None, value: bytes) -> Send:
        output = self._outputs.get(topic)
        if output is None:
            raise ValueError(f"the outbox names a topic this stage does not write: {topic}")
        return Send(output, key, value)


def _capped(
    kept: list[tuple[int, str, bytes | memoryview]],
    excess: int,
    delivered: set[tuple[str, int]],
) -> list[tuple[int, str, bytes | memoryview]]:
    """`kept` without its `excess` oldest delivered entries, marked or already without sends
    (fewer if there are not that many)."""
    capped = []
    for item in kept:
        offset, lane, entry = item
        if excess > 0 and (not _has_sends(len(entry), lane) or (lane, offset) in delivered):
            excess -= 1
        else:
            capped.append(item)
    return capped


def _entry(offset: int, lane: str, sends: list[tuple[str, bytes | None, bytes]]) -> bytes:
    lane_bytes = lane.encode()
    parts = [lane_bytes, _COUNT.pack(len(sends))]
    for topic, key, value in sends:
        topic_bytes = topic.encode()
        parts.append(_SEND.pack(len(topic_bytes), -1 if key is None else len(key), len(value)))
        parts.extend((topic_bytes, key or b"", value))
    body = b"".join(parts)
    return _ENTRY.pack(_ENTRY.size + len(body), offset, len(lane_bytes)) + body


def _has_sends(length: int, lane: str) -> bool:
    """Whether an entry of `lane` that is `length` bytes long holds any send: one without
    sends is its header, its lane and a count of zero."""
    return length > _ENTRY.size + len(lane.encode()) + _COUNT.size


def state_of(raw: bytes) -> bytes:
    """The state in a value written with one (or the value itself, a state written alone
    before the two shared a value); empty without a state."""
    if raw[:1] == _STATEFUL:
        (length,) = _STATE_LENGTH.unpack_from(raw, 1)
        start = 1 + _STATE_LENGTH.size
        return raw[start : start + length]
    return raw if raw[:1] == b"{" else b""


def _framed(raw: bytes) -> bytes:
    """The value framed: as stored, or (written before the framing) converted."""
    if raw[:1] == _FRAMED:
        return raw
    entries = orjson.loads(raw)
    return _FRAMED + b"".join(
        _entry(
            entry[0],
            entry[2] if len(entry) > 2 else KEYED_LANE,
            [
                (topic, None if key is None else key.encode(), value.encode())
                for topic, key, value in entry[1]
            ],
        )
        for entry in entries
    )


def _index(framed: bytes, start: int) -> Iterator[tuple[int, str, int, int]]:
    """Each entry's offset, lane, and where it starts and ends in `framed` (from `start`)."""
    while start < len(framed):
        length, offset, lane_length = _ENTRY.unpack_from(framed, start)
        lane_start = start + _ENTRY.size
        yield offset, framed[lane_start : lane_start + lane_length].decode(), start, start + length
        start += length


def _sends(framed: bytes, start: int, end: int) -> Iterator[tuple[str, bytes | None, bytes]]:
    """The sends of the entry at `start`..`end`: topic, key, value."""
    _, _, lane_length = _ENTRY.unpack_from(framed, start)
    position = start + _ENTRY.size + lane_length
    (count,) = _COUNT.unpack_from(framed, position)
    position += _COUNT.size
    for _ in range(count):
        topic_length, key_length, value_length = _SEND.unpack_from(framed, position)
        position += _SEND.size
        topic = framed[position : position + topic_length].decode()
        position += topic_length
        key = None if key_length < 0 else framed[position : position + key_length]
        position += max(key_length, 0)
        value = framed[position : position + value_length]
        position += value_length
        yield topic, key, value
    if position != end:
        raise ValueError("an outbox entry's sends do not fill it")
