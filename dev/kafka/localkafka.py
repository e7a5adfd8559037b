#!/usr/bin/env python3
"""A real single-node Apache Kafka (KRaft) from Maven Central jars: up | down | stop | start | ...

The Kafka version is pinned once, in pom.xml beside this file. Jars are resolved by Maven into
dev/kafka/cache/kafka-<version>/lib (and Maven's own ~/.m2 cache). Each broker lives in a state
directory (default .run/kafka) holding its config, data, log and a broker.json with pid and ports;
`down` stops only the broker recorded there. `stop` stops it but keeps its record, and `start`
starts it again from the same data on the same ports (a broker restart, for fault tests).

Readiness is real readiness: the client port is open, a topic was created, a record produced,
consumed by a consumer group and its offset committed.

`up --sasl-ssl-dir DIR` adds a SASL_SSL listener (SCRAM-SHA-512 over TLS) beside the plaintext one,
with certificates and credentials made in DIR (see sasl_ssl.py); stdout still prints the plaintext
bootstrap, DIR/client.json holds the SASL_SSL address and credentials.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

# Beside this file: python puts a script's own folder on sys.path.
import sasl_ssl
from broker_host import free_port, is_alive, is_our_broker, is_port_open
from broker_storage import format_storage, read_state, tail, write_config
from kafka_java import HERE, POM, TEST_JVM, THROUGHPUT_JVM, java_command, kafka_version, lib_dir
from readiness import check_ready

ROOT = HERE.parent.parent
DEFAULT_STATE = ROOT / ".run" / "kafka"


def ensure_jars() -> Path:
    """Resolve Kafka and its runtime dependencies from Maven Central once."""
    lib = lib_dir()
    marker = lib / ".complete"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise SystemExit("Maven (mvn) is required to fetch Apache Kafka from Maven Central")
    partial = lib.with_name(lib.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.monotonic()
    log(f"fetching Apache Kafka {kafka_version()} from Maven Central ...")
    subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-f",
            str(POM),
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
            f"-DoutputDirectory={partial}",
            "-DincludeScope=runtime",
        ],
        check=True,
        stdout=sys.stderr,  # stdout carries the bootstrap address alone (Maven writes colour codes)
    )
    shutil.rmtree(lib, ignore_errors=True)
    partial.rename(lib)
    marker.write_text(kafka_version())
    log(f"Kafka jars ready in {time.monotonic() - started:.1f}s: {lib}")
    return lib


def log(message: str) -> None:
    print(f"[localkafka] {message}", file=sys.stderr, flush=True)


def up(
    state_dir: Path,
    port: int | None,
    partitions: int,
    timeout: float,
    jvm_opts: str,
    sasl_ssl_dir: Path | None = None,
    *,
    same_ports: bool = False,
) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    state = read_state(state_dir)
    if state is not None:
        pid, known_port = int(str(state["pid"])), int(str(state["port"]))
        if is_alive(pid) and is_port_open(known_port):
            log(f"broker already running (pid {pid})")
            print(f"127.0.0.1:{known_port}")
            return 0
    started = time.monotonic()
    lib = ensure_jars()
    # Reuse the recorded ports so a restarted broker keeps its address; else pick free ones.
    port = port or (int(str(state["port"])) if state else free_port())
    controller_port = int(str(state["controller_port"])) if state else free_port()
    if is_port_open(port) or is_port_open(controller_port):
        if same_ports:
            log(f"port {port} or {controller_port} is taken; not starting on other ports")
            return 1
        port, controller_port = free_port(), free_port()
    config = write_config(state_dir, port, controller_port, partitions)
    scram, secure_port = None, None
    if sasl_ssl_dir is not None:
        secure_port = int(str(state.get("sasl_ssl_port") or 0)) if state else 0
        if not secure_port or is_port_open(secure_port):
            secure_port = free_port()
        scram = sasl_ssl.ensure_files(sasl_ssl_dir, secure_port)
        sasl_ssl.configure_listener(config, scram, secure_port)
    format_storage(lib, config, state_dir, scram)
    broker_log = state_dir / "broker.log"
    with broker_log.open("ab") as out:
        process = subprocess.Popen(
            java_command(lib, jvm_opts, "kafka.Kafka", str(config)),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (state_dir / "broker.json").write_text(
        json.dumps(
            {
                "pid": process.pid,
                "port": port,
                "controller_port": controller_port,
                "sasl_ssl_port": secure_port,
                "version": kafka_version(),
                "partitions": partitions,
                "jvm_opts": jvm_opts,
            }
        )
    )
    deadline = time.monotonic() + timeout
    bootstrap = f"127.0.0.1:{port}"
    try:
        while not is_port_open(port):
            if process.poll() is not None:
                raise RuntimeError(f"the broker exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the broker did not open port {port} in {timeout:.0f}s")
            time.sleep(0.2)
        asyncio.run(asyncio.wait_for(check_ready(bootstrap, deadline), deadline - time.monotonic()))
        while secure_port is not None and not is_port_open(secure_port):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the SASL_SSL listener did not open port {secure_port}")
            time.sleep(0.2)
    except (RuntimeError, TimeoutError, OSError) as error:
        log(f"broker start-up failed: {error}")
        log(f"--- broker log ({broker_log}) ---\n{tail(broker_log)}")
        stop(state_dir)
        return 1
    log(f"Kafka {kafka_version()} ready at {bootstrap} in {time.monotonic() - started:.1f}s")
    if scram is not None:
        log(f"SASL_SSL (SCRAM-SHA-512) at 127.0.0.1:{secure_port}; client settings: {scram.client}")
    print(bootstrap)
    return 0


def stop(state_dir: Path, *, keep_record: bool = False) -> int:
    """Stop the broker this state dir started; `keep_record` keeps broker.json (ports, settings)
    so `start` can bring the same broker back on the same ports."""
    state = read_state(state_dir)
    if state is None:
        log("no broker recorded in this state dir")
        return 0
    pid = int(str(state["pid"]))
    if is_alive(pid) and is_our_broker(pid, state_dir):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if is_alive(pid):
            os.killpg(pid, signal.SIGKILL)
        log(f"broker (pid {pid}) stopped")
    elif is_alive(pid):
        log(f"pid {pid} is not the broker this state dir started; leaving it alone")
    if not keep_record:
        (state_dir / "broker.json").unlink(missing_ok=True)
    return 0


def start(state_dir: Path, timeout: float) -> int:
    """The broker `stop` stopped, again: same data, ports, partitions and JVM settings."""
    state = read_state(state_dir)
    if state is None or not (state_dir / "data" / "meta.properties").exists():
        log("no stopped broker recorded in this state dir (use up)")
        return 1
    partitions = int(str(state.get("partitions", 4)))
    jvm_opts = str(state.get("jvm_opts", TEST_JVM))
    port = int(str(state["port"]))
    return up(state_dir, port, partitions, timeout, jvm_opts, same_ports=True)


def status(state_dir: Path) -> int:
    state = read_state(state_dir)
    if state is None:
        print("stopped")
        return 1
    pid, port = int(str(state["pid"])), int(str(state["port"]))
    if is_alive(pid) and is_port_open(port):
        print(f"running pid={pid} bootstrap=127.0.0.1:{port} version={state['version']}")
        return 0
    print("stopped")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["up", "down", "stop", "start", "status", "logs", "fetch"]
    )
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE)
    parser.add_argument("--port", type=int, default=None, help="client port (default: free)")
    parser.add_argument("--partitions", type=int, default=4, help="default topic partitions")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument(
        "--throughput", action="store_true", help="JVM settings for benchmarks instead of tests"
    )
    parser.add_argument(
        "--sasl-ssl-dir",
        type=Path,
        default=None,
        help="also listen with SASL_SSL (SCRAM-SHA-512): certificates and credentials made here",
    )
    args = parser.parse_args(argv)
    state_dir = args.state_dir.resolve()
    if args.command == "up":
        jvm = THROUGHPUT_JVM if args.throughput else TEST_JVM
        secure = args.sasl_ssl_dir.resolve() if args.sasl_ssl_dir else None
        return up(state_dir, args.port, args.partitions, args.timeout, jvm, secure)
    if args.command == "down":
        return stop(state_dir)
    if args.command == "stop":
        return stop(state_dir, keep_record=True)
    if args.command == "start":
        return start(state_dir, args.timeout)
    if args.command == "logs":
        print(tail(state_dir / "broker.log", 200))
        return 0
    if args.command == "fetch":
        ensure_jars()
        return 0
    return status(state_dir)


if __name__ == "__main__":
    sys.exit(main())
