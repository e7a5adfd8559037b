"""How the bench starts a Faust process (the router or a Faust passthrough): its settings, its
environment, a free port for its web server, and the router's command."""

import os
import socket
import sys
from pathlib import Path

from agents.plumbing.settings import KafkaSettings, Settings, TopicSettings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_settings(bootstrap: str, app_id: str, prefix: str, partitions: int) -> Settings:
    return Settings(
        app_id=app_id,
        kafka=KafkaSettings(bootstrap_servers=bootstrap),
        topics=TopicSettings(prefix=prefix, partitions=partitions),
    )


def worker_env(
    settings: Settings, port: int, datadir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a Faust process (router or Faust passthrough): LEADROUTER_* only from
    the bench (and its `--worker-setting`s), never from the caller's shell."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEADROUTER_")}
    env.update(
        {
            "LEADROUTER_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
            "LEADROUTER_APP_ID": settings.app_id,
            "LEADROUTER_TOPICS__PREFIX": settings.topics.prefix,
            "LEADROUTER_TOPICS__PARTITIONS": str(settings.topics.partitions),
            "LEADROUTER_WEB__PORT": str(port),
            "LEADROUTER_WEB__HOST": "127.0.0.1",
            "LEADROUTER_DATADIR": str(datadir),
            "LEADROUTER_LOG_LEVEL": "info",
        }
    )
    env.update(extra or {})
    return env


def router_command() -> list[str]:
    script = Path(sys.executable).parent / "leadrouter"
    if script.exists():
        return [str(script), "worker"]
    return [sys.executable, "-m", "agents.tools.cli", "worker"]
