"""CloudEvents as the official SDK (cloudevents 2.x Kafka binding) writes them to Kafka: binary
and structured mode records of a lead event, and their headers taken away or replaced."""

from datetime import UTC, datetime
from typing import Any

from cloudevents.core.bindings import kafka
from cloudevents.core.v1.event import CloudEvent

from tests.unit.intake_records import LEAD, Headers


def cloud_event(data: dict[str, Any] | str | bytes | None = None, **attributes: Any) -> CloudEvent:
    defaults: dict[str, Any] = {
        "id": "ce-1",
        "type": "com.example.lead.created",
        "source": "/marketing/webforms",
        "time": datetime(2024, 5, 1, 11, 30, tzinfo=UTC),
        "datacontenttype": "application/json",
    }
    return CloudEvent({**defaults, **attributes}, {"lead": dict(LEAD)} if data is None else data)


def binary(event: CloudEvent) -> tuple[bytes, Headers]:
    message = kafka.to_binary_event(event)
    return message.value, list(message.headers.items())


def structured(event: CloudEvent) -> tuple[bytes, Headers]:
    message = kafka.to_structured_event(event)
    return message.value, list(message.headers.items())


def without(headers: Headers, name: str) -> Headers:
    return [(key, value) for key, value in headers if key != name]


def replaced(headers: Headers, name: str, value: bytes) -> Headers:
    return [*without(headers, name), (name, value)]
