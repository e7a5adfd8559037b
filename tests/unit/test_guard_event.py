"""A failure while processing an event: dead-lettered when it may be the record's; left
uncommitted, the worker exiting, when Kafka was away (the record is not to blame)."""

from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError

from agents.plumbing import deadletters
from agents.plumbing.deadletters import guard_event
from service.intake import Rejection


class Writer:
    """A dead-letter writer that keeps what it was given."""

    def __init__(self) -> None:
        self.runtime = SimpleNamespace(delivery=None)
        self.rejected: list[Rejection] = []

    async def reject(self, message: Any, rejection: Rejection) -> None:
        self.rejected.append(rejection)


EVENT = SimpleNamespace(message=SimpleNamespace(tp=("leads.qualified", 2), offset=16))


def failing(error: Exception) -> Any:
    async def handle(event: Any) -> None:
        raise error

    return handle


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(deadletters, "exit_without_commit", lambda text, error: seen.append(text))
    return seen


async def test_an_unexpected_error_dead_letters_the_event_with_the_error(exits: list[str]) -> None:
    writer = Writer()

    await guard_event(writer, EVENT, failing(ValueError("no such field")))  # type: ignore[arg-type]

    assert [(r.reason, r.message) for r in writer.rejected] == [
        ("processing_error", "ValueError: no such field")
    ]
    assert exits == []


async def test_kafka_away_leaves_the_event_uncommitted_and_never_dead_letters_it(
    exits: list[str],
) -> None:
    writer = Writer()
    error = KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 50999)]")

    await guard_event(writer, EVENT, failing(error))  # type: ignore[arg-type]

    assert writer.rejected == []
    assert exits == ["Kafka unavailable while processing ('leads.qualified', 2)@16"]
