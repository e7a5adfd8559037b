"""A real Prometheus server for integration tests: scrapes one worker every second, answers PromQL.

Debian's `prometheus` binary (dev/install-tools.sh installs it), a generated configuration, a
temporary TSDB and a free port on 127.0.0.1; nothing is shared with a Prometheus the machine may
already run.
"""

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from tests.integration.kafka import free_port, stop_process

# The job name the alert rules and the dashboard select (`up{job="leadrouter-worker"}`).
WORKER_JOB = "leadrouter-worker"


class PrometheusError(RuntimeError):
    """Prometheus answered a query with an error, or did not answer."""


def scrape_config(
    targets: list[str], rule_files: list[str], interval: str = "1s"
) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": rule_files,
        "scrape_configs": [
            {
                "job_name": WORKER_JOB,
                "scrape_interval": interval,
                "scrape_timeout": interval,
                "metrics_path": "/metrics",
                "static_configs": [{"targets": targets}],
            }
        ],
    }


@dataclass
class PrometheusServer:
    """A `prometheus` process scraping `targets` (host:port) every second."""

    targets: list[str]
    tmp: Path
    # Rule files are copied next to the generated configuration, so Prometheus loads and
    # evaluates them as it would in production.
    rule_files: list[Path] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        binary = shutil.which("prometheus")
        if binary is None:
            raise FileNotFoundError("prometheus is not installed: run dev/install-tools.sh")
        home = self.tmp / f"prometheus-{self.port}"
        home.mkdir(parents=True)
        rules = []
        for path in self.rule_files:
            shutil.copy(path, home / path.name)
            rules.append(path.name)
        config = home / "prometheus.yml"
        config.write_text(yaml.safe_dump(scrape_config(self.targets, rules)), encoding="utf-8")
        self.log_path = home / "prometheus.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={home / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            cwd=home,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prometheus exited {self.process.returncode}:\n{self.logs()}")
            if self._is_ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"prometheus not ready in {timeout}s:\n{self.logs()}")

    def _is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError):
            return False

    def api(self, path: str, **params: str) -> Any:
        """GET an /api/v1 endpoint; the `data` of a successful answer, else PrometheusError."""
        url = f"{self.url}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            # Prometheus answers bad queries with 400/422 and a JSON body naming the problem.
            body = json.loads(error.read() or b"{}")
        if body.get("status") != "success":
            raise PrometheusError(f"{body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query(self, promql: str) -> list[dict[str, Any]]:
        """An instant query; the result list (vector) or the single sample as a list."""
        data = self.api("query", query=promql)
        result = data["result"]
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": result}]
        return list(result)

    def wait_for(
        self,
        promql: str,
        ready: Callable[[list[dict[str, Any]]], bool],
        timeout: float = 30.0,
    ) -> list[dict[str, Any]]:
        """Query until `ready(result)` is true; the last result, or TimeoutError."""
        deadline = time.monotonic() + timeout
        result = self.query(promql)
        while not ready(result):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{promql} not ready in {timeout}s: {result}")
            time.sleep(0.5)
            result = self.query(promql)
        return result

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> int | None:
        return stop_process(self.process, self._log, grace=20)
