"""Does agents/plumbing/aiokafka_fixes.py cost the normal fetch path anything? Times a consume.

    python dev/faults/fetch_overhead.py BOOTSTRAP [--records 100000] [--rounds 5]

Produces the records once (small values with two headers each, all names valid UTF-8), then
consumes the topic from the start `rounds` times in fresh subprocesses, unpatched and patched
aiokafka in alternating order, and prints the consumer's CPU seconds per round and the medians.
"""

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

ROOT = Path(__file__).resolve().parents[2]


async def produce(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=65536)
    await producer.start()
    try:
        headers = [("content-type", b"application/json"), ("trace", b"abc")]
        futures = [
            await producer.send(topic, b'{"n": %d}' % n, key=b"k%d" % n, headers=headers)
            for n in range(count)
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def consume(bootstrap: str, topic: str, count: int) -> float:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        seen = 0
        started = time.process_time()
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            seen += sum(len(records) for records in batches.values())
        return time.process_time() - started
    finally:
        await consumer.stop()


def one_round(bootstrap: str, topic: str, count: int, patched: bool) -> float:
    command = [sys.executable, __file__, bootstrap, "--consume", topic, "--records", str(count)]
    if patched:
        command.append("--patched")
    result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return float(result.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bootstrap")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--consume", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--patched", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume:
        # Both import the module (the same objects for the garbage collector); one installs it.
        sys.path.insert(0, str(ROOT))
        from agents.plumbing import aiokafka_fixes

        if args.patched:
            aiokafka_fixes.install()
        print(asyncio.run(consume(args.bootstrap, args.consume, args.records)))
        return 0
    topic = f"fetch-overhead-{uuid.uuid4().hex[:8]}"
    asyncio.run(produce(args.bootstrap, topic, args.records))
    times: dict[bool, list[float]] = {False: [], True: []}
    for round_number in range(args.rounds):
        # Alternate which goes first, so a warming machine favours neither.
        for patched in (False, True) if round_number % 2 else (True, False):
            times[patched].append(one_round(args.bootstrap, topic, args.records, patched))
    for patched, label in ((False, "unpatched"), (True, "patched")):
        rounds = ", ".join(f"{t:.3f}" for t in times[patched])
        median = statistics.median(times[patched])
        print(f"{label:9} CPU s per {args.records} records: {rounds}; median {median:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
