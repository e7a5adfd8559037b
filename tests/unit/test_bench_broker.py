"""The bench uses a broker it is given, and starts its own only without one."""

from pathlib import Path

from bench.broker import broker_address


def test_a_given_broker_is_used_and_none_is_started(tmp_path: Path) -> None:
    with broker_address("127.0.0.1:9092", tmp_path) as address:
        assert address == "127.0.0.1:9092"
    assert not (tmp_path / "kafka").exists()
