"""Kafka being away is told apart from a record being wrong, and waited out where it can be."""

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotLeaderForPartitionError,
    RequestTimedOutError,
    TopicAuthorizationFailedError,
)

from agents.plumbing.transient import is_transient, retry_transient


@pytest.mark.parametrize(
    "error",
    [
        KafkaConnectionError("Unable to bootstrap"),
        KafkaTimeoutError("Failed to get offsets by times in 90000 ms"),
        RequestTimedOutError(),
        NotLeaderForPartitionError(),
        TimeoutError(),
    ],
)
def test_a_broker_away_or_late_is_transient(error: Exception) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [MessageSizeTooLargeError(), TopicAuthorizationFailedError(), ValueError("bad record")],
)
def test_a_refusal_or_a_bug_is_not_transient(error: Exception) -> None:
    assert not is_transient(error)


async def test_a_call_failing_while_kafka_is_away_is_made_again_until_it_succeeds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = [KafkaConnectionError("away"), KafkaTimeoutError("late")]

    async def create_topic() -> str:
        if failures:
            raise failures.pop(0)
        return "created"

    result = await retry_transient(create_topic, "creating the topic", first_delay=0.001)

    assert result == "created"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2
    assert "creating the topic failed (attempt 2: KafkaTimeoutError" in warnings[1]


async def test_any_other_failure_is_raised_at_once() -> None:
    calls = []

    async def refused() -> None:
        calls.append(1)
        raise TopicAuthorizationFailedError()

    with pytest.raises(TopicAuthorizationFailedError):
        await retry_transient(refused, "creating the topic", first_delay=0.001)
    assert len(calls) == 1
