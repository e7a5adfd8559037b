"""Plain aiokafka clients and a real worker process for integration tests (no mocks)."""

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata

ROOT = Path(__file__).resolve().parents[2]
Record = tuple[bytes | None, bytes | None, Sequence[tuple[str, bytes]]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def produce(bootstrap: str, topic: str, records: Iterable[Record]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        futures = [
            await producer.send(topic, key=key, value=value, headers=list(headers))
            for key, value, headers in records
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def consume(
    bootstrap: str, topic: str, count: int, timeout: float = 60.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read a topic from the beginning until `count` records arrived or the timeout passed."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def rewind(bootstrap: str, group: str, topic: str, partitions: int = 4) -> None:
    """Commit offset 0 for every partition of `topic`, as if nothing had been committed.

    Without auto-commit: with it, closing the consumer commits its positions, which its fetcher
    may have set from the old committed offsets before this commit, and the old offsets came
    back (a second worker then started past the records it had to replay)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.commit({tp: OffsetAndMetadata(0, "") for tp in tps})
    finally:
        await consumer.stop()


def stop_process(
    process: "subprocess.Popen[bytes] | None", log: IO[bytes] | None, grace: float
) -> int | None:
    """SIGTERM, then SIGKILL after `grace` seconds; closes the process's log file."""
    if process is None:
        return None
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    if log:
        log.close()
    return process.returncode


@dataclass
class WorkerProcess:
    """A real `leadrouter worker` process with its own topic namespace and consumer group."""

    bootstrap: str
    tmp: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}.")
    web_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    _log: IO[bytes] | None = None

    def topic(self, base: str) -> str:
        return f"{self.prefix}{base}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADROUTER_")}
        env.update(
            {
                "LEADROUTER_KAFKA__BOOTSTRAP_SERVERS": self.bootstrap,
                "LEADROUTER_APP_ID": f"leadrouter-{self.prefix.rstrip('.')}",
                "LEADROUTER_TOPICS__PREFIX": self.prefix,
                "LEADROUTER_TOPICS__PARTITIONS": "4",
                "LEADROUTER_WEB__PORT": str(self.web_port),
                "LEADROUTER_WEB__HOST": "127.0.0.1",
                "LEADROUTER_DATADIR": str(self.tmp / "worker"),
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 90.0) -> None:
        self.log_path = self.tmp / f"worker-{self.web_port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "agents.tools.cli", "worker"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited {self.process.returncode}:\n{self.logs()}")
            if "Ready" in self.logs():
                return
            time.sleep(0.25)
        raise TimeoutError(f"worker not ready in {timeout}s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def metric(self, series: str) -> float:
        """One series' value on the worker's /metrics (`name` or `name{labels}`); 0 when it is
        not there."""
        url = f"http://127.0.0.1:{self.web_port}/metrics"
        body = urllib.request.urlopen(url, timeout=10).read().decode()
        for line in body.splitlines():
            if line.startswith(series + " "):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final commit, as when a machine dies."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> int | None:
        return stop_process(self.process, self._log, grace=30)


def decode_all(records: Sequence[Any]) -> list[bytes]:
    return [record.value for record in records]
