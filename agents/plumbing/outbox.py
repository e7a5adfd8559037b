"""What a stage sent for each recent event of a key, so that a replay re-sends exactly that.

After a crash the events since the last commit are read again. The profile table then already
holds their effect, and deciding again on a profile that has moved on could send different
outputs (nurtured where the first pass routed). So the stage records its outputs here, durably,
before it sends them; a replayed event re-sends the recorded bytes, with the same decision ids.
Entries below the partition's replay floor (committed offsets) are pruned on the next write.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson

from agents.plumbing.outputs import Output
from agents.plumbing.tables import DurableTable

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

    def recorded(self, key: bytes, offset: int) -> list[Send] | None:
        """The sends recorded for the event at `offset`, or None if none were."""
        raw = self._table.get(key)
        if raw is None:
            return None
        for entry_offset, sends in orjson.loads(raw):
            if entry_offset == offset:
                return [self._send(*send) for send in sends]
        return None

    async def record(
        self, key: bytes, offset: int, sends: list[Send], partition: int, floor: int
    ) -> "asyncio.Future[Any]":
        """Add the event's sends to the key's entry; the future resolves once Kafka has it."""
        raw = self._table.get(key)
        kept = [
            entry
            for entry in (orjson.loads(raw) if raw is not None else [])
            if floor <= entry[0] < offset
        ][-(MAX_ENTRIES - 1) :]
        kept.append(
            [
                offset,
                [
                    [
                        send.output.name,
                        None if send.key is None else send.key.decode(),
                        send.value.decode(),
                    ]
                    for send in sends
                ],
            ]
        )
        return await self._table.put(key, orjson.dumps(kept), partition)

    def _send(self, topic: str, key: str | None, value: str) -> Send:
        output = self._outputs.get(topic)
        if output is None:
            raise ValueError(f"the outbox names a topic this stage does not write: {topic}")
        return Send(output, None if key is None else key.encode(), value.encode())


def _encoded(send: Send) -> list[str | None]:
    key = None if send.key is None else send.key.decode()
    return [send.output.name, key, send.value.decode()]
