"""What a stage sent for each recent event of a key, so that a replay re-sends exactly that.

After a crash the events since the last commit are read again. The profile table then already
holds their effect, and deciding again on a profile that has moved on could send different
outputs (nurtured where the first pass routed). So the stage records its outputs here, durably,
before it sends them; a replayed event re-sends the recorded bytes, with the same decision ids.
Entries below the partition's replay floor (committed offsets) are pruned on the next write.

An entry belongs to a lane (`schemas.profiles.KEYED_LANE` for records read from the keyed topic,
else the input topic a record came from directly): offsets, floors and pruning are per lane,
since the two topics number their records independently. Keyed entries are `[offset, sends]`
(as before lanes existed), direct ones `[offset, sends, lane]`.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson

from agents.plumbing.outputs import Output
from agents.plumbing.tables import DurableTable
from schemas.profiles import KEYED_LANE

# A lead with more events than this inside one commit window keeps only the newest.
MAX_ENTRIES = 64


@dataclass(frozen=True, slots=True)
class Send:
    output: Output
    key: bytes | None
    value: bytes


class Outbox:
    def __init__(self, table: DurableTable, outputs: dict[str, Output]) -> None:
        self._table = table
        self._outputs = outputs

    def recorded(self, key: bytes, offset: int, lane: str = KEYED_LANE) -> list[Send] | None:
        """The sends recorded for the event at `offset` of `lane`, or None if none were."""
        raw = self._table.get(key)
        if raw is None:
            return None
        for entry in orjson.loads(raw):
            if entry[0] == offset and _lane(entry) == lane:
                return [self._send(*send) for send in entry[1]]
        return None

    async def record(
        self,
        key: bytes,
        offset: int,
        sends: list[Send],
        partition: int,
        floor: int,
        lane: str = KEYED_LANE,
    ) -> "asyncio.Future[Any]":
        """Add the event's sends to the key's entry; the future resolves once Kafka has it.

        `floor` is the lane's replay floor: older entries of the lane are pruned, and so are
        entries at or after `offset` (left by a pass that was rewound). Other lanes' entries
        are kept (within `MAX_ENTRIES`): their floors are not known here."""
        raw = self._table.get(key)
        kept = [
            entry
            for entry in (orjson.loads(raw) if raw is not None else [])
            if _lane(entry) != lane or floor <= entry[0] < offset
        ][-(MAX_ENTRIES - 1) :]
        entry: list[Any] = [offset, [_encoded(send) for send in sends]]
        if lane != KEYED_LANE:
            entry.append(lane)
        kept.append(entry)
        return await self._table.put(key, orjson.dumps(kept), partition)

    def _send(self, topic: str, key: str | None, value: str) -> Send:
        output = self._outputs.get(topic)
        if output is None:
            raise ValueError(f"the outbox names a topic this stage does not write: {topic}")
        return Send(output, None if key is None else key.encode(), value.encode())


def _lane(entry: list[Any]) -> str:
    return entry[2] if len(entry) > 2 else KEYED_LANE


def _encoded(send: Send) -> list[str | None]:
    key = None if send.key is None else send.key.decode()
    return [send.output.name, key, send.value.decode()]
