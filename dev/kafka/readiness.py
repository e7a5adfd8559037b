"""Real readiness of a broker: a topic created, a record produced, consumed by a consumer group
and its offset committed."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid

READY_TOPIC = "leadrouter.broker.ready"


async def check_ready(bootstrap: str, deadline: float) -> None:
    """Create a topic, produce a record, consume it in a group and commit: groups really work."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    # A broker started a moment before answers the group's coordinator lookup with a retriable
    # error until its offsets topic is ready; aiokafka logs each try at ERROR and tries again. The
    # probe waits for exactly that, and a broker that never gets there ends in the TimeoutError
    # below, with its log: the tries are not worth a line each on `make test`'s output.
    logging.getLogger("aiokafka.consumer.group_coordinator").setLevel(logging.CRITICAL)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(
                [NewTopic(READY_TOPIC, num_partitions=1, replication_factor=1)]
            )
    finally:
        await admin.close()
    token = uuid.uuid4().hex.encode()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(READY_TOPIC, token)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        READY_TOPIC,
        bootstrap_servers=bootstrap,
        group_id="leadrouter-broker-ready",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            if any(record.value == token for records in batches.values() for record in records):
                await consumer.commit()
                return
        raise TimeoutError("the readiness record never came back through a consumer group")
    finally:
        await consumer.stop()
