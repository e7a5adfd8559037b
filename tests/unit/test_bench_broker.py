"""The bench uses a broker it is given, and starts its own only without one."""

from pathlib import Path

from bench.broker import broker_address, logged_bytes


def test_a_given_broker_is_used_and_none_is_started(tmp_path: Path) -> None:
    with broker_address("127.0.0.1:9092", tmp_path) as address:
        assert address == "127.0.0.1:9092"
    assert not (tmp_path / "kafka").exists()


def test_a_topics_logged_bytes_are_its_partitions_segments_and_nothing_else(
    tmp_path: Path,
) -> None:
    for directory, files in {
        "leads.decisions.v1-0": {"00000000000000000000.log": 100, "00000000000000000000.index": 7},
        "leads.decisions.v1-3": {"00000000000000000000.log": 20, "00000000000000000040.log": 5},
        "leads.decisions.v1.retry-0": {"00000000000000000000.log": 1000},
        "__consumer_offsets-0": {"00000000000000000000.log": 1000},
    }.items():
        (tmp_path / directory).mkdir()
        for name, size in files.items():
            (tmp_path / directory / name).write_bytes(b"x" * size)

    sizes = logged_bytes(tmp_path, ["leads.decisions.v1", "leads.nurture.v1"])

    assert sizes == {"leads.decisions.v1": 125, "leads.nurture.v1": 0}


def test_without_a_data_directory_every_topic_counts_nothing(tmp_path: Path) -> None:
    assert logged_bytes(tmp_path / "elsewhere", ["a.v1"]) == {"a.v1": 0}
