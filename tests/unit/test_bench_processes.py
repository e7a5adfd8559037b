"""Child processes of the bench: a group of workers is measured and stopped as one."""

import signal
import sys
import time
from pathlib import Path

import pytest

from bench.processes import ChildDiedError, ChildProcess, Children, ProcessGroup


def sleeper(tmp_path: Path, name: str, seconds: float = 30.0) -> ChildProcess:
    argv = [sys.executable, "-c", f"import time; time.sleep({seconds})"]
    return ChildProcess(name, argv, tmp_path / f"{name}.log")


def test_a_group_adds_its_members_cpu_and_peak_memory(tmp_path: Path) -> None:
    group = ProcessGroup("workers", [sleeper(tmp_path, "a"), sleeper(tmp_path, "b")])
    Children().start(group)
    try:
        time.sleep(1.0)  # past interpreter start-up: memory no longer grows
        members = group.members
        assert group.cpu_seconds() == pytest.approx(
            sum(member.cpu_seconds() for member in members), abs=0.05
        )
        assert group.peak_rss_bytes() == sum(member.peak_rss_bytes() for member in members)
        assert group.peak_rss_bytes() > 0
    finally:
        group.stop()


def test_stopping_a_group_signals_every_member_once_and_waits_for_all(tmp_path: Path) -> None:
    group = ProcessGroup("workers", [sleeper(tmp_path, "a"), sleeper(tmp_path, "b")])
    group.start()

    started = time.monotonic()
    code = group.stop(timeout=10)

    assert time.monotonic() - started < 10
    assert code == -signal.SIGTERM
    assert not any(member.is_running() for member in group.members)


def test_a_group_is_running_only_while_every_member_runs(tmp_path: Path) -> None:
    group = ProcessGroup("workers", [sleeper(tmp_path, "a"), sleeper(tmp_path, "b", 0.0)])
    group.start()
    try:
        group.members[1].process.wait(10)  # type: ignore[union-attr]
        with pytest.raises(ChildDiedError, match="b exited with code 0"):
            group.ensure_running()
    finally:
        group.stop()
