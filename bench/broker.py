"""The bench's own local Kafka broker (dev/kafka/localkafka.py, throughput JVM settings)."""

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALKAFKA = ROOT / "dev" / "kafka" / "localkafka.py"


@dataclass
class LocalBroker:
    """A single-node KRaft broker living in `state_dir`; `stop` is safe to call at any time."""

    state_dir: Path
    bootstrap: str = ""
    version: str = "unknown"

    def _manage(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(LOCALKAFKA), *args, "--state-dir", str(self.state_dir)],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, partitions: int) -> str:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        result = self._manage("up", "--throughput", "--partitions", str(partitions), timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"the local broker did not start:\n{result.stderr}")
        self.bootstrap = result.stdout.strip().splitlines()[-1]
        state = json.loads((self.state_dir / "broker.json").read_text())
        self.version = str(state.get("version", "unknown"))
        return self.bootstrap

    def stop(self) -> None:
        if (self.state_dir / "broker.json").exists():
            self._manage("down", timeout=60)


def logged_bytes(data_dir: Path, topics: Iterable[str]) -> dict[str, int]:
    """The bytes of each topic's log segments in a broker's data directory (one directory per
    partition, `<topic>-<partition>`): what was written to it, uncompressed, with Kafka's batch
    headers. A topic with no partition there counts 0."""
    sizes = dict.fromkeys(topics, 0)
    if not data_dir.is_dir():
        return sizes
    for partition in data_dir.iterdir():
        topic, _, number = partition.name.rpartition("-")
        if topic in sizes and number.isdigit():
            sizes[topic] += sum(log.stat().st_size for log in partition.glob("*.log"))
    return sizes


@contextmanager
def broker_address(bootstrap: str | None, work: Path, partitions: int = 4) -> Iterator[str]:
    """`bootstrap` when given; else the bench's own broker in `work/kafka`, stopped on leaving."""
    if bootstrap:
        yield bootstrap
        return
    broker = LocalBroker(work / "kafka")
    try:
        yield broker.start(partitions=partitions)
    finally:
        broker.stop()
