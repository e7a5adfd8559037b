"""Baseline: copy every record of one topic to another with plain aiokafka, as fast as it goes.

Written as an experienced aiokafka user would: batches from getmany, sends queued without
waiting for each acknowledgement (the producer lingers and batches them), and offsets committed
by hand once the batch's records are acknowledged (at least once, like the router).

Usage: python -m bench.passthrough_aiokafka BOOTSTRAP SOURCE TARGET GROUP   (SIGTERM stops it)
"""

import argparse
import asyncio
import signal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def relay(bootstrap: str, source: str, target: str, group: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024
    )
    await producer.start()
    await consumer.start()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            if not batches:
                continue
            sent = [
                await producer.send(target, record.value, key=record.key)
                for records in batches.values()
                for record in records
            ]
            await asyncio.gather(*sent)
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
    finally:
        await consumer.stop()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    for name in ("bootstrap", "source", "target", "group"):
        parser.add_argument(name)
    args = parser.parse_args()
    asyncio.run(relay(args.bootstrap, args.source, args.target, args.group))


if __name__ == "__main__":
    main()
