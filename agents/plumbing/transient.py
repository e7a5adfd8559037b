"""Failures of Kafka's availability, told apart from failures of a record.

A broker that is away, hung or moving its leaders makes a call fail with a connection error, a
timeout or a "not ready" answer. None of them says anything about the record being processed: it
must not be dead-lettered for them (a valid lead would leave the sales flow), nor may a periodic
reading crash the worker. `retry_transient` waits such a failure out where nothing was done yet;
elsewhere the event stays uncommitted (`agents/plumbing/deadletters.py`).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka.errors import KafkaError, KafkaTimeoutError

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0


def is_transient(error: BaseException) -> bool:
    """Whether `error` says that Kafka could not be reached or did not answer in time (aiokafka
    marks those retriable; its timeouts are not marked, and say the same)."""
    if isinstance(error, KafkaTimeoutError | TimeoutError):
        return True
    return isinstance(error, KafkaError) and bool(error.retriable)


async def retry_transient(
    call: Callable[[], Awaitable[T]],
    what: str,
    first_delay: float = FIRST_DELAY_SECONDS,
    max_delay: float = MAX_DELAY_SECONDS,
) -> T:
    """`call()`'s result, calling it again after a transient failure (the delay doubling up to
    `max_delay`) until it succeeds; any other failure is raised."""
    delay = first_delay
    attempt = 1
    while True:
        try:
            return await call()
        except Exception as error:
            if not is_transient(error):
                raise
            log.warning(
                "%s failed (attempt %d: %s: %s); Kafka unavailable? trying again in %.0f s",
                what,
                attempt,
                type(error).__name__,
                error,
                delay,
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_delay)
        attempt += 1
