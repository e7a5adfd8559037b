import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.kafka import ROOT, WorkerProcess, consume, produce
from tests.integration.pipeline_data import reference_records

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real broker `make test` started, or one started here for a standalone pytest run."""
    address = os.environ.get("LEADROUTER_TEST_BOOTSTRAP")
    if address:
        yield address
        return
    state = tmp_path_factory.mktemp("kafka")
    manager = [sys.executable, str(ROOT / "dev/kafka/localkafka.py")]
    started = subprocess.run(
        [*manager, "up", "--state-dir", str(state)], check=False, capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.fail(f"could not start the local broker:\n{started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([*manager, "down", "--state-dir", str(state)], check=False)


@pytest.fixture
def start_worker(bootstrap: str, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real worker processes; each gets its own topic prefix unless one is given."""
    workers: list[WorkerProcess] = []

    def start(prefix: str | None = None, web_port: int | None = None, **env: str) -> WorkerProcess:
        worker = WorkerProcess(bootstrap=bootstrap, tmp=tmp_path, extra_env=env)
        if prefix is not None:
            worker.prefix = prefix
        if web_port is not None:
            worker.web_port = web_port
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()
        # Shown by pytest only when the test failed.
        print(f"--- worker log ({worker.log_path}) ---\n{worker.logs()[-6000:]}")


@pytest.fixture
async def prefix(bootstrap: str) -> str:
    """A topic namespace whose accounts and reps are loaded before any worker starts."""
    name = f"t{uuid.uuid4().hex[:8]}."
    accounts, reps = reference_records()
    await produce(bootstrap, f"{name}crm.accounts.v1", accounts)
    await produce(bootstrap, f"{name}crm.reps.v1", reps)
    return name


async def read_json(bootstrap: str, topic: str, count: int, timeout: float = 60) -> list[Any]:
    return [json.loads(r.value) for r in await consume(bootstrap, topic, count, timeout)]
