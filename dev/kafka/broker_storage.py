"""What a broker keeps in its state dir: the record of it (broker.json), its server.properties
from the template beside this file, its storage (formatted once) and its log."""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from pathlib import Path

import sasl_ssl  # beside this file, as the script that imports this finds it
from kafka_java import HERE, TEST_JVM, java_command


def read_state(state_dir: Path) -> dict[str, object] | None:
    path = state_dir / "broker.json"
    if not path.exists():
        return None
    data: dict[str, object] = json.loads(path.read_text())
    return data


def write_config(state_dir: Path, port: int, controller_port: int, partitions: int) -> Path:
    template = (HERE / "server.properties.template").read_text()
    config = state_dir / "server.properties"
    config.write_text(
        template.format(
            port=port,
            controller_port=controller_port,
            data_dir=state_dir / "data",
            partitions=partitions,
        )
    )
    return config


def format_storage(
    lib: Path, config: Path, state_dir: Path, scram: sasl_ssl.SaslSslFiles | None
) -> None:
    if (state_dir / "data" / "meta.properties").exists():
        if scram is not None:
            sasl_ssl.require_scram_user(state_dir)
        return
    extra = sasl_ssl.scram_format_args(scram) if scram is not None else []
    # Kafka's Uuid.randomUuid(): 16 random bytes, URL-safe base64, no padding (saves a JVM start).
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    # `--cluster-id=ID` in one word: an id may start with "-", which argparse would read as a flag.
    arguments = ["format", f"--cluster-id={cluster_id}", "-c", str(config), *extra]
    result = subprocess.run(
        java_command(lib, TEST_JVM, "kafka.tools.StorageTool", *arguments),
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"formatting Kafka storage failed:\n{result.stdout}\n{result.stderr}")
    if scram is not None:
        sasl_ssl.remember_scram_user(state_dir, scram)


def tail(path: Path, lines: int = 80) -> str:
    if not path.exists():
        return "(no broker log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
