"""Partition offsets asked on a client of their own, for the seek after an assignment.

Faust's consumer long-polls its fetches (up to 1.5 s, a fixed setting), and a broker answers
the requests of one connection in order, so an offset request on the consumer's connection waits
for the fetch in flight. At every start and rebalance the delivery guard's seek asks twice (the
earliest offsets of the inputs nobody committed yet, and every input's end offset), which cost a
restart 1.5 to 3 s of waiting. `BrokerOffsets` asks both on a plain client that never fetches.
"""

import contextlib
from collections.abc import Collection
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.plumbing.credentials import client_options
from agents.plumbing.isolation import ISOLATION_LEVEL
from agents.plumbing.settings import KafkaSettings

Offsets = dict[Any, int]


class BrokerOffsets:
    def __init__(self, kafka: KafkaSettings) -> None:
        self._kafka = kafka

    async def __call__(
        self, earliest_of: Collection[Any], ends_of: Collection[Any]
    ) -> tuple[Offsets, Offsets]:
        """The earliest offsets of `earliest_of` and the end offsets of `ends_of` (partitions
        as (topic, partition) pairs; the answers are keyed by the pairs as given)."""
        if not earliest_of and not ends_of:
            return {}, {}
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._kafka.hosts,
            group_id=None,
            enable_auto_commit=False,
            isolation_level=ISOLATION_LEVEL,
            **client_options(self._kafka),
        )
        await consumer.start()
        try:
            earliest = await _asked(consumer.beginning_offsets, earliest_of)
            ends = await _asked(consumer.end_offsets, ends_of)
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
        return earliest, ends


async def _asked(ask: Any, partitions: Collection[Any]) -> Offsets:
    if not partitions:
        return {}
    given = {TopicPartition(tp[0], tp[1]): tp for tp in partitions}
    answers: dict[TopicPartition, int] = await ask(list(given))
    return {given[tp]: offset for tp, offset in answers.items()}
