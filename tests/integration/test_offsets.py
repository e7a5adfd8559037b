"""The seek's offsets, asked on a client of its own, from a real broker."""

import uuid

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.records_to_delete import RecordsToDelete

from agents.plumbing.offsets import BrokerOffsets
from agents.plumbing.settings import KafkaSettings
from tests.integration.kafka import produce


async def test_the_earliest_and_end_offsets_come_from_the_broker(bootstrap: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    written, empty = TopicPartition(f"{prefix}.written", 0), TopicPartition(f"{prefix}.empty", 0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(tp.topic, num_partitions=1, replication_factor=1) for tp in (written, empty)]
        )
        await produce(bootstrap, written.topic, [(b"k", b"v", [])] * 5)
        # As retention would: the partition no longer starts at 0.
        await admin.delete_records({written: RecordsToDelete(before_offset=2)})
    finally:
        await admin.close()
    ask = BrokerOffsets(KafkaSettings(bootstrap_servers=bootstrap))

    # Partitions as Faust names them, (topic, partition) pairs: answered under the same keys.
    earliest, ends = await ask([(written.topic, 0)], [written, empty])

    assert earliest == {(written.topic, 0): 2}
    assert ends == {written: 5, empty: 0}


async def test_nothing_to_ask_connects_to_no_broker() -> None:
    ask = BrokerOffsets(KafkaSettings(bootstrap_servers="127.0.0.1:1"))

    assert await ask([], []) == ({}, {})
