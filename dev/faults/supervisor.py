"""One `leadrouter worker` under a supervisor loop: whatever makes it exit, it is started again
(as systemd or Kubernetes would), and every start after the first counts as a restart. The
harness's own kills are told apart from exits it did not cause."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import ChildProcess, Children

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_command() -> list[str]:
    script = Path(sys.executable).parent / "leadrouter"
    if script.exists():
        return [str(script), "worker"]
    return [sys.executable, "-m", "agents.tools.cli", "worker"]


def worker_env(bootstrap: str, app_id: str, prefix: str, partitions: int, datadir: Path,
               web_port: int) -> dict[str, str]:  # fmt: skip
    """The worker's environment: LEADROUTER_* from the harness only, never the caller's shell."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEADROUTER_")}
    env.update(
        {
            "LEADROUTER_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
            "LEADROUTER_APP_ID": app_id,
            "LEADROUTER_TOPICS__PREFIX": prefix,
            "LEADROUTER_TOPICS__PARTITIONS": str(partitions),
            "LEADROUTER_WEB__PORT": str(web_port),
            "LEADROUTER_WEB__HOST": "127.0.0.1",
            "LEADROUTER_DATADIR": str(datadir),
            "LEADROUTER_LOG_LEVEL": "info",
        }
    )
    return env


async def wait_exit(child: ChildProcess, grace: float) -> None:
    """Wait (without blocking the loop) until the child exited; SIGKILL it after `grace`."""
    process = child.process
    if process is None:
        return
    try:
        await asyncio.to_thread(process.wait, grace)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait, 10)


@dataclass
class Exit:
    at: float
    code: int | None
    log: str


@dataclass
class Supervisor:
    """Keeps one worker running; `make_child(n)` builds the n-th incarnation (its own log)."""

    make_child: Callable[[int], ChildProcess]
    children: Children
    restart_delay: float = 1.0
    restarts: list[float] = field(default_factory=list)  # epoch seconds of each restart
    unplanned: list[Exit] = field(default_factory=list)
    current: ChildProcess | None = None
    incarnations: list[ChildProcess] = field(default_factory=list)
    _incarnation: int = 0
    _held: bool = False
    _watch: asyncio.Task[None] | None = None
    _busy: asyncio.Lock = field(default_factory=asyncio.Lock)

    def _spawn(self) -> None:
        self._incarnation += 1
        child = self.make_child(self._incarnation)
        self.children.start(child)
        self.incarnations.append(child)
        if self._incarnation > 1:
            self.restarts.append(time.time())
        self.current = child

    async def start(self, ready_timeout: float = 120.0) -> None:
        """The first worker, once it logged that it is ready; then the supervisor loop."""
        self._spawn()
        assert self.current is not None
        deadline = time.monotonic() + ready_timeout
        while "Ready" not in self.current.log_text():
            self.current.ensure_running()
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker not ready in {ready_timeout:.0f}s")
            await asyncio.sleep(0.25)
        self._watch = asyncio.create_task(self._supervise())

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(0.2)
            async with self._busy:
                child = self.current
                if child is None or self._held or child.is_running():
                    continue
                code = child.stop()
                self.unplanned.append(Exit(time.time(), code, child.log_tail(20)))
                await asyncio.sleep(self.restart_delay)
                self._spawn()

    async def signal_and_restart(self, signum: int, grace: float = 30.0) -> float:
        """Send `signum` to the worker, wait until it exited (SIGKILL after `grace`), start the
        next one at once; the restart's epoch time."""
        async with self._busy:
            child = self.current
            assert child is not None
            child.request_stop(signum)
            await wait_exit(child, grace)
            child.stop()
            self._spawn()
            return self.restarts[-1]

    async def signal_and_hold(self, signum: int, grace: float = 30.0) -> None:
        """Send `signum` to the worker and wait until it exited; it stays down (a planned exit)
        until `release`."""
        async with self._busy:
            child = self.current
            assert child is not None
            self._held = True
            child.request_stop(signum)
            await wait_exit(child, grace)
            child.stop()

    async def freeze(self, seconds: float) -> None:
        """Stop the worker where it stands (SIGSTOP) for `seconds`, then let it go on
        (SIGCONT): it is not restarted, and nothing tells it what happened meanwhile."""
        async with self._busy:
            child = self.current
            assert child is not None
            assert child.process is not None
            child.process.send_signal(signal.SIGSTOP)
            try:
                await asyncio.sleep(seconds)
            finally:
                child.process.send_signal(signal.SIGCONT)

    async def release(self) -> float:
        """Start the held worker again; the restart's epoch time."""
        async with self._busy:
            self._held = False
            self._spawn()
            return self.restarts[-1]

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        async with self._busy:
            if self.current is not None:
                self.current.request_stop(signal.SIGTERM)
                await wait_exit(self.current, 30.0)
                self.current.stop()
