"""Child processes the bench starts: their CPU time and peak memory from /proc, their logs,
and a registry that stops every one of them, whatever happened."""

import ctypes
import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PR_SET_PDEATHSIG = 1
try:  # resolved once here: the child must do as little as possible between fork and exec
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends it SIGTERM if the bench itself dies,
    even by SIGKILL, so no worker outlives a killed bench (Linux only)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ChildDiedError(RuntimeError):
    """A process the bench depends on exited early; the message carries its log's tail."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (/proc/<pid>/stat utime + stime)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may contain spaces and parentheses: the fields start after the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def peak_rss_bytes(pid: int) -> int:
    """The process's peak resident set size so far (VmHWM in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class ChildProcess:
    """One program the bench runs, with its output in a log file."""

    name: str
    argv: Sequence[str]
    log_path: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None
    _stopping: bool = False

    def start(self) -> "ChildProcess":
        self._stopping = False
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            list(self.argv),
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (the bench starts children from one thread)
        )
        return self

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} was not started")
        return self.process.pid

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_running(self) -> None:
        if not self.is_running():
            code = None if self.process is None else self.process.returncode
            raise ChildDiedError(
                f"{self.name} exited with code {code}; log {self.log_path}:\n{self.log_tail()}"
            )

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def peak_rss_bytes(self) -> int:
        return peak_rss_bytes(self.pid)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def request_stop(self, signum: int = signal.SIGTERM) -> None:
        """Send the stop signal once, without waiting (`stop` then waits)."""
        if self.process is not None and self.process.poll() is None and not self._stopping:
            self.process.send_signal(signum)
            self._stopping = True

    def stop(self, timeout: float = 30.0, signum: int = signal.SIGTERM) -> int | None:
        """Ask the process to stop (SIGTERM by default); kill it if it does not in time."""
        process = self.process
        if process is not None and process.poll() is None:
            self.request_stop(signum)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None
        return None if process is None else process.returncode


class Process(Protocol):
    """What the bench measures and stops: one child process or a group of them."""

    name: str

    @property
    def log_path(self) -> Path: ...

    def start(self) -> "Process": ...

    def ensure_running(self) -> None: ...

    def cpu_seconds(self) -> float: ...

    def peak_rss_bytes(self) -> int: ...

    def log_text(self) -> str: ...

    def log_tail(self, lines: int = 60) -> str: ...

    def stop(self, timeout: float = 30.0, signum: int = signal.SIGTERM) -> int | None: ...


@dataclass
class ProcessGroup:
    """Several workers measured as one consumer: CPU seconds and peak RSS are their sums (each
    worker's own peak, so the sum is an upper bound of the group's peak at any one moment)."""

    name: str
    members: Sequence[ChildProcess]

    @property
    def log_path(self) -> Path:
        return self.members[0].log_path

    def start(self) -> "ProcessGroup":
        for member in self.members:
            member.start()
        return self

    def ensure_running(self) -> None:
        for member in self.members:
            member.ensure_running()

    def cpu_seconds(self) -> float:
        return sum(member.cpu_seconds() for member in self.members)

    def peak_rss_bytes(self) -> int:
        return sum(member.peak_rss_bytes() for member in self.members)

    def log_text(self) -> str:
        return "\n".join(f"--- {m.name}\n{m.log_text()}" for m in self.members)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(f"--- {m.name}\n{m.log_tail(lines)}" for m in self.members)

    def stop(self, timeout: float = 30.0, signum: int = signal.SIGTERM) -> int | None:
        for member in self.members:
            member.request_stop(signum)
        codes = [member.stop(timeout, signum) for member in self.members]
        return next((code for code in codes if code), codes[0] if codes else None)


@dataclass
class Children:
    """Every child started through it is stopped by `stop_all`, newest first."""

    started: list[Process] = field(default_factory=list)

    def start(self, child: Process) -> Process:
        self.started.append(child)
        return child.start()

    def stop_all(self) -> None:
        for child in reversed(self.started):
            child.stop()
