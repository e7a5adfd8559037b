"""The composition root: one object holding what every agent needs, built once per worker."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from agents.plumbing.delivery import DeliveryGuard
from agents.plumbing.metrics import Metrics
from agents.plumbing.outputs import Output
from agents.plumbing.settings import Settings
from agents.plumbing.topics import TopicNames


def utc_now() -> datetime:
    return datetime.now(UTC)


def kafka_time(message: Any) -> datetime:
    """A consumed record's Kafka timestamp."""
    return datetime.fromtimestamp(message.timestamp, UTC)


@dataclass
class Runtime:
    settings: Settings
    app: faust.App
    metrics: Metrics
    registry: CollectorRegistry
    names: TopicNames
    clock: Callable[[], datetime] = utc_now
    topics: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    reference: Any = None
    delivery: DeliveryGuard | None = None

    def topic(self, base: str, **options: Any) -> Any:
        """A raw-bytes Faust topic for a base name, declared once per runtime."""
        name = self.names.name(base)
        if name not in self.topics:
            self.topics[name] = self.app.topic(
                name,
                key_type=bytes,
                value_type=bytes,
                key_serializer="raw",
                value_serializer="raw",
                **options,
            )
        return self.topics[name]

    def output(self, base: str) -> Output:
        """A topic the worker writes, by base name, through the worker's producer."""
        name = self.names.name(base)
        if name not in self.outputs:
            self.outputs[name] = Output(self.app, name)
        return self.outputs[name]
