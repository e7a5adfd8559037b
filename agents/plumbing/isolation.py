"""Every consumer of leadrouter reads committed records only (`read_committed`).

Marketing systems may write through Kafka transactions (Kafka Connect's exactly-once sources, a
CDP's transactional producer). A record in a transaction that is later aborted stays in the log,
and a consumer reading `read_uncommitted` (the default of aiokafka and of Faust without
exactly-once processing) receives it like any other: leadrouter decided such leads and routed
them to sales, and its reference views applied aborted accounts, reps and rules.

With `read_committed` the broker tells the consumer which records were aborted and the consumer
skips them; a fetch stops before a transaction still open (the last stable offset) until it is
committed or aborted. leadrouter's own writes are not transactional, so for them nothing
changes. The consumers that must see what the stages see read the same way: the reference views
(`views.py`), the delivery guard's hole check (`holes.py`: an aborted record skipped is a hole
that holds no record) and the offsets asked at the seek (`offsets.py`: the end is the last
stable offset, the end the stages can reach).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Final

from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

ISOLATION_LEVEL: Final = "read_committed"


def install() -> None:
    """Make Faust's worker consumer read committed records only (once per process)."""
    method = AIOKafkaConsumerThread._create_worker_consumer
    if not hasattr(method, "__wrapped__"):
        AIOKafkaConsumerThread._create_worker_consumer = _committed_only(method)  # type: ignore[method-assign]


def _committed_only(method: Callable[..., Any]) -> Callable[..., Any]:
    """Faust 0.15.3 reads `read_committed` only with exactly-once processing, which leadrouter
    does not use (its guarantee is its own, `delivery.py`). The consumer is created, not yet
    started: its fetcher takes the isolation level at the start."""

    @wraps(method)
    def create(self: Any, transport: Any) -> Any:
        consumer = method(self, transport)
        if consumer._isolation_level not in ("read_uncommitted", ISOLATION_LEVEL):
            raise RuntimeError(
                "agents/plumbing/isolation.py: aiokafka's consumer no longer keeps its isolation "
                f"level as a name ({consumer._isolation_level!r}); read its source again"
            )
        consumer._isolation_level = ISOLATION_LEVEL
        return consumer

    return create
