"""An output hands records to the worker's producer and never forgets one Kafka refused."""

import asyncio
from typing import Any

import pytest

from agents.plumbing import outputs
from agents.plumbing.outputs import Output


class RecordingProducer:
    """Stands in for Faust's producer driver: records each send, returns its future."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []
        self.futures: list[asyncio.Future[Any]] = []

    async def send(self, *args: Any) -> "asyncio.Future[Any]":
        self.sent.append(args)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.futures.append(future)
        return future


class App:
    def __init__(self) -> None:
        self.producer = RecordingProducer()


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(outputs, "exit_without_commit", lambda message, error: seen.append(message))
    return seen


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_send_queues_the_record_on_the_workers_producer_under_the_topic_name() -> None:
    app = App()

    await Output(app, "staging.leads.nurture.v1").send(b"k", b"v", headers=[("h", b"1")])

    assert app.producer.sent == [
        ("staging.leads.nurture.v1", b"k", b"v", None, None, [("h", b"1")])
    ]


async def test_on_acknowledged_runs_with_the_metadata_once_kafka_acknowledged(
    exits: list[str],
) -> None:
    app = App()
    acknowledged: list[Any] = []
    future = await Output(app, "t").send(b"k", b"v", on_acknowledged=acknowledged.append)
    await settle()
    assert acknowledged == []

    future.set_result("metadata")
    await settle()

    assert acknowledged == ["metadata"]
    assert exits == []


async def test_a_record_kafka_refused_makes_the_worker_exit_without_committing(
    exits: list[str],
) -> None:
    app = App()
    acknowledged: list[Any] = []
    future = await Output(app, "t").send(b"k", b"v", on_acknowledged=acknowledged.append)

    future.set_exception(RuntimeError("broker refused"))
    await settle()

    assert exits == ["Kafka refused a record"]
    assert acknowledged == []


async def test_a_cancelled_send_makes_the_worker_exit_without_committing(
    exits: list[str],
) -> None:
    app = App()
    future = await Output(app, "t").send(b"k", b"v")

    future.cancel()
    await settle()

    assert exits == ["a send was cancelled"]
