"""How long a worker takes to start on a table of N lead profiles (its state recovery).

    python -m bench.recovery --profiles 100000,1000000 [--bootstrap HOST:PORT] [--store memory://]

For each N: a fresh app id whose profile changelog holds N realistic profiles (~1.5 KB each,
spread over the partitions by key as the profile stage writes them), then one `leadrouter
worker` started on it; the figure is the time from process start to a ready `/health` (every
table recovered and every reference view caught up), with the worker's CPU and peak RSS. The
worker is then stopped (SIGTERM) and started again on the same data directory: with a
persistent store (`--store rocksdb://`) the restart reads only the changelog past the offsets
its store holds; the memory store reads it all again.
Without --bootstrap the bench's own broker is started (throughput JVM settings) and stopped.
"""

import argparse
import asyncio
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.reference import default_rules_text
from agents.plumbing.topics import PROFILES_TABLE, changelog_topic
from bench.broker import broker_address
from bench.processes import ChildProcess
from bench.workers import free_port, router_command, worker_env, worker_settings
from schemas.events import LeadEvent
from service.accounts import AccountIndex
from service.pipeline import evaluate_event
from service.policy import load_policy
from tests.integration.pipeline_data import transactional_lead


def profile_template() -> bytes:
    """One real profile (a lead after a demo request), with a placeholder identity."""
    event = LeadEvent.model_validate(transactional_lead(1))
    policy = load_policy(default_rules_text())
    now = datetime.now(UTC)
    evaluation = evaluate_event(None, event, "IDENTITY", now, AccountIndex(), policy, offset=0)
    return evaluation.profile.model_dump_json().encode()


async def load_profiles(bootstrap: str, topic: str, count: int) -> None:
    template = profile_template()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=1 << 20, acks=1
    )
    await producer.start()
    try:
        for n in range(count):
            identity = f"email:lead{n}@company{n % 5000}.com".encode()
            await producer.send(topic, template.replace(b"IDENTITY", identity), key=identity)
        await producer.flush()
    finally:
        await producer.stop()


def wait_healthy(port: int, worker: ChildProcess, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        worker.ensure_running()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"not healthy in {timeout} s:\n{worker.log_tail()}")


async def measure(bootstrap: str, count: int, store: str, work: Path) -> dict[str, float]:
    app_id = f"recovery-{count}-{uuid.uuid4().hex[:6]}"
    settings = worker_settings(bootstrap, app_id, f"{app_id}.", 4)
    await ensure_topics(settings.kafka, topic_specs(settings))
    loading = time.monotonic()
    await load_profiles(bootstrap, changelog_topic(app_id, PROFILES_TABLE), count)
    loaded = time.monotonic() - loading
    port = free_port()
    env = worker_env(settings, port, work / app_id, {"LEADROUTER_STORE": store})
    row: dict[str, float] = {"profiles": count, "load_s": round(loaded, 1)}
    for run in ("start", "restart"):
        log = work / f"{app_id}-{run}.log"
        worker = ChildProcess(f"worker-{count}-{run}", router_command(), log, env=env)
        worker.start()
        try:
            row[f"{run}_s"] = round(wait_healthy(port, worker, timeout=1800), 1)
            row[f"{run}_cpu_s"] = round(worker.cpu_seconds(), 1)
            row[f"{run}_peak_rss_mib"] = round(worker.peak_rss_bytes() / 2**20)
        finally:
            worker.stop()
    return row


async def main(counts: list[int], bootstrap: str | None, store: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="leadrouter-recovery-"))
    with broker_address(bootstrap, work) as address:
        for count in counts:
            row = await measure(address, count, store, work)
            print("  ".join(f"{key}={value}" for key, value in row.items()), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="100000", help="comma-separated profile counts")
    parser.add_argument("--bootstrap", help="an existing broker (default: start one)")
    parser.add_argument("--store", default="memory://", help="LEADROUTER_STORE for the worker")
    args = parser.parse_args()
    asyncio.run(main([int(n) for n in args.profiles.split(",")], args.bootstrap, args.store))
