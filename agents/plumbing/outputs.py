"""Output topics written straight through the worker's Kafka producer.

Faust's `Topic.send` wraps every record in a pending message, a future message, sensor calls and
callbacks; in the router's profile that machinery cost more than the aiokafka send beneath it.
An `Output` hands bytes to the same producer Faust uses. Every send made while a stage processes
an event is counted on that event's track (`delivery.track_send`): its input offset becomes
committable only once Kafka acknowledged the record.

A record Kafka finally refuses (aiokafka has retried the retriable errors by then) must not be
forgotten: the worker exits without committing, so the events behind it are processed again.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from agents.plumbing.delivery import track_send
from agents.plumbing.failures import exit_without_commit

Acknowledged = Callable[[Any], None]


def _settle(future: "asyncio.Future[Any]", on_acknowledged: Acknowledged | None) -> None:
    """A send's outcome: refused or cancelled stops the worker uncommitted; acknowledged runs
    `on_acknowledged(metadata)`."""
    if future.cancelled():
        exit_without_commit("a send was cancelled", asyncio.CancelledError())
    elif (error := future.exception()) is not None:
        exit_without_commit("Kafka refused a record", error)
    elif on_acknowledged is not None:
        on_acknowledged(future.result())


class Output:
    """One topic the worker writes raw bytes to."""

    __slots__ = ("_app", "name")
    # Records handed to the producer by every output of the process (`batching.py` reads it).
    records: int = 0

    def __init__(self, app: Any, name: str) -> None:
        self._app = app
        self.name = name

    async def send(
        self,
        key: bytes | None,
        value: bytes | None,
        *,
        headers: list[tuple[str, bytes]] | None = None,
        partition: int | None = None,
        on_acknowledged: Acknowledged | None = None,
    ) -> "asyncio.Future[Any]":
        """Queue the record on the producer; the future resolves when Kafka acknowledged it.

        `on_acknowledged(metadata)` runs when Kafka acknowledged the record.
        """
        future: asyncio.Future[Any] = await self._app.producer.send(
            self.name, key, value, partition, None, headers
        )
        future.add_done_callback(partial(_settle, on_acknowledged=on_acknowledged))
        track_send(future)
        Output.records += 1
        return future


@dataclass(frozen=True, slots=True)
class Send:
    """A record to send later (`pipelined.SendQueue`, `outbox.Outbox`): its output, key and
    value; `partition` when it goes to one partition whatever its key (a table's changelog goes
    to the event's), and `on_acknowledged` as for `Output.send`."""

    output: Output
    key: bytes | None
    value: bytes
    partition: int | None = None
    on_acknowledged: Acknowledged | None = None

    async def send(self) -> "asyncio.Future[Any]":
        return await self.output.send(
            self.key, self.value, partition=self.partition, on_acknowledged=self.on_acknowledged
        )
