"""Faust's worker consumer is made to read committed records only."""

from types import SimpleNamespace
from typing import Any

import pytest
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from agents.plumbing import isolation
from agents.plumbing.isolation import ISOLATION_LEVEL, _committed_only


def created(level: Any) -> Any:
    def create(self: Any, transport: Any) -> Any:
        return SimpleNamespace(_isolation_level=level)

    return create


def test_the_worker_consumer_faust_creates_reads_committed_records_only() -> None:
    consumer = _committed_only(created("read_uncommitted"))(None, None)

    assert consumer._isolation_level == ISOLATION_LEVEL == "read_committed"


def test_an_aiokafka_that_keeps_the_level_another_way_is_refused_not_left_uncommitted() -> None:
    with pytest.raises(RuntimeError, match="read its source again"):
        _committed_only(created(0))(None, None)


def test_install_wraps_fausts_driver_once() -> None:
    isolation.install()
    wrapped = AIOKafkaConsumerThread._create_worker_consumer
    isolation.install()

    assert AIOKafkaConsumerThread._create_worker_consumer is wrapped
    assert wrapped.__wrapped__.__name__ == "_create_worker_consumer"  # type: ignore[attr-defined]
