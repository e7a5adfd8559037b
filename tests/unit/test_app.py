"""The Faust app is built from leadrouter's settings."""

from agents.plumbing.app import create_faust_app
from agents.plumbing.settings import KafkaSettings, Settings


def test_the_producer_sends_at_once_unless_a_linger_is_set() -> None:
    assert create_faust_app(Settings()).conf.producer_linger == 0.0
    lingering = Settings(kafka=KafkaSettings(producer_linger_ms=5))

    assert create_faust_app(lingering).conf.producer_linger == 0.005


def test_every_record_is_acknowledged_by_all_in_sync_replicas() -> None:
    assert create_faust_app(Settings()).conf.producer_acks == -1
