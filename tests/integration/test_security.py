"""A worker against a broker that only lets it in with SASL/SCRAM-SHA-512 over TLS.

The broker gets its own fixture: a SASL_SSL listener needs certificates (made here with openssl,
by `localkafka.py up --sasl-ssl-dir`) and SCRAM credentials written when its storage is
formatted. Test data goes in and out through its plaintext listener; the worker uses SASL_SSL.
"""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.kafka import ROOT, WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, reference_records, transactional_lead

MANAGER = [sys.executable, str(ROOT / "dev/kafka/localkafka.py")]


@dataclass(frozen=True)
class SecureBroker:
    plaintext: str  # for the test's own clients
    client: dict[str, str]  # the SASL_SSL listener: bootstrap, credentials, CA files

    def worker_env(self, **overrides: str) -> dict[str, str]:
        env = {
            "LEADROUTER_KAFKA__SECURITY_PROTOCOL": "SASL_SSL",
            "LEADROUTER_KAFKA__SASL_MECHANISM": "SCRAM-SHA-512",
            "LEADROUTER_KAFKA__SASL_USERNAME": self.client["username"],
            "LEADROUTER_KAFKA__SASL_PASSWORD": self.client["password"],
            "LEADROUTER_KAFKA__SSL_CAFILE": self.client["ssl_cafile"],
        }
        env.update(overrides)
        return env


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    base = tmp_path_factory.mktemp("secure-kafka")
    state, tls = base / "state", base / "tls"
    up = [*MANAGER, "up", "--state-dir", str(state), "--sasl-ssl-dir", str(tls)]
    started = subprocess.run(up, check=False, capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        pytest.fail(f"could not start the SASL_SSL broker:\n{started.stderr}")
    try:
        yield SecureBroker(
            plaintext=started.stdout.strip(),
            client=json.loads((tls / "client.json").read_text()),
        )
    finally:
        subprocess.run([*MANAGER, "down", "--state-dir", str(state)], check=False)


def run_worker_expecting_failure(
    broker: SecureBroker, tmp_path: Path, **overrides: str
) -> tuple[int, str, float]:
    worker = WorkerProcess(
        bootstrap=broker.client["bootstrap"],
        tmp=tmp_path,
        extra_env=broker.worker_env(**overrides),
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "agents.tools.cli", "worker"],
        cwd=ROOT,
        env=worker.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


async def test_a_worker_over_sasl_ssl_routes_a_lead_and_never_logs_its_password(
    secure_broker: SecureBroker, tmp_path: Path
) -> None:
    worker = WorkerProcess(
        bootstrap=secure_broker.client["bootstrap"],
        tmp=tmp_path,
        extra_env=secure_broker.worker_env(LEADROUTER_LOG_LEVEL="debug"),
    )
    accounts, reps = reference_records()
    await produce(secure_broker.plaintext, worker.topic("crm.accounts.v1"), accounts)
    await produce(secure_broker.plaintext, worker.topic("crm.reps.v1"), reps)
    try:
        worker.start()
        lead = transactional_lead(1, id_prefix="evt-sasl")
        await produce(secure_broker.plaintext, worker.topic("leads.events.v1"), [as_record(lead)])
        routed = await consume(
            secure_broker.plaintext, worker.topic("sales.queue.inside-sales.v1"), 1
        )
        assert [json.loads(record.value)["event_id"] for record in routed] == ["evt-sasl-1"]
    finally:
        worker.stop()
    logs = worker.logs()
    assert "Authenticated as leadrouter via SCRAM-SHA-512" in logs  # aiokafka's, at info level
    assert secure_broker.client["password"] not in logs


def test_a_wrong_password_stops_the_worker_at_start_with_a_clear_error(
    secure_broker: SecureBroker, tmp_path: Path
) -> None:
    code, output, seconds = run_worker_expecting_failure(
        secure_broker, tmp_path, LEADROUTER_KAFKA__SASL_PASSWORD="not-the-password-42"
    )

    assert code != 0
    assert seconds < 30
    assert "error: cannot connect to Kafka (SASL_SSL, SCRAM-SHA-512 as 'leadrouter')" in output
    assert "authentication failed, wrong username or password?" in output
    assert "not-the-password-42" not in output


def test_a_broker_certificate_from_an_untrusted_ca_stops_the_worker_with_a_clear_error(
    secure_broker: SecureBroker, tmp_path: Path
) -> None:
    code, output, seconds = run_worker_expecting_failure(
        secure_broker,
        tmp_path,
        LEADROUTER_KAFKA__SSL_CAFILE=secure_broker.client["untrusted_cafile"],
    )

    assert code != 0
    assert seconds < 30
    assert "the broker's TLS certificate is not trusted" in output
    assert "LEADROUTER_KAFKA__SSL_CAFILE" in output
    assert secure_broker.client["password"] not in output
