"""The local broker `make test` and `make run` start: its start-up says it is ready, and not that
a request failed while its probe waited for consumer groups to work."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANAGER = [sys.executable, str(ROOT / "dev/kafka/localkafka.py")]


def test_a_fresh_broker_starts_without_a_failed_request_line(tmp_path: Path) -> None:
    started = subprocess.run(
        [*MANAGER, "up", "--state-dir", str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
    )
    try:
        assert started.returncode == 0, started.stderr
        assert "ready at" in started.stderr
        assert "Group Coordinator Request failed" not in started.stderr
    finally:
        subprocess.run([*MANAGER, "down", "--state-dir", str(tmp_path)], check=False)
