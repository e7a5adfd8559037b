"""The suite's own local broker: the bench's LocalBroker with the test JVM settings (a smaller
heap on a shared machine), a stop/start that keeps its data and ports (a broker restart), and a
freeze (a hung broker: its connections stay open and nothing answers)."""

import json
import os
import signal
from dataclasses import dataclass

from bench.broker import LocalBroker


@dataclass
class FaultBroker(LocalBroker):
    def start(self, partitions: int) -> str:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        result = self._manage("up", "--partitions", str(partitions), timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"the local broker did not start:\n{result.stderr}")
        self.bootstrap = result.stdout.strip().splitlines()[-1]
        state = json.loads((self.state_dir / "broker.json").read_text())
        self.version = str(state.get("version", "unknown"))
        return self.bootstrap

    def halt(self) -> None:
        """Stop the broker process, keeping its data and its record (ports)."""
        result = self._manage("stop", timeout=90)
        if result.returncode != 0:
            raise RuntimeError(f"the broker did not stop:\n{result.stderr}")

    def restart(self) -> None:
        """Start the halted broker again on the same port; returns once it is ready."""
        result = self._manage("start", timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"the broker did not start again:\n{result.stderr}")

    def freeze(self) -> None:
        """Stop the broker's processes where they stand (SIGSTOP), as a long pause or a stalled
        network would: connections stay open, requests go unanswered."""
        os.killpg(self._pid(), signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self._pid(), signal.SIGCONT)

    def _pid(self) -> int:
        state = json.loads((self.state_dir / "broker.json").read_text())
        return int(state["pid"])
