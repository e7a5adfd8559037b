"""The worker creates every topic it uses before it starts, and waits for their leaders."""

from typing import Any

from agents.plumbing.admin import topic_specs, without_leaders
from agents.plumbing.settings import Settings


def described(name: str, leaders: list[int], error_code: int = 0) -> dict[str, Any]:
    """A topic as `describe_topics` gives it."""
    return {
        "topic": name,
        "error_code": error_code,
        "partitions": [
            {"partition": p, "leader": leader, "error_code": 0} for p, leader in enumerate(leaders)
        ],
    }


def test_fausts_leader_topic_is_created_with_the_others_on_one_partition() -> None:
    settings = Settings()

    specs = {spec.name: spec for spec in topic_specs(settings, queues=["inside-sales"])}

    leader = specs[f"{settings.app_id}-__assignor-__leader"]
    assert leader.partitions == 1
    assert not leader.compacted


def test_topics_whose_partitions_all_have_a_leader_are_ready() -> None:
    assert without_leaders([described("a", [1, 1, 2]), described("b", [3])]) == []


def test_a_partition_without_a_leader_keeps_its_topic_waiting() -> None:
    assert without_leaders([described("a", [1, -1]), described("b", [1])]) == ["a"]


def test_a_topic_the_broker_does_not_know_yet_keeps_waiting() -> None:
    unknown = {"topic": "c", "error_code": 3, "partitions": []}

    assert without_leaders([unknown, described("d", [])]) == ["c", "d"]


def test_a_partition_answered_with_an_error_keeps_its_topic_waiting() -> None:
    topic = described("e", [1])
    topic["partitions"][0]["error_code"] = 5  # LEADER_NOT_AVAILABLE

    assert without_leaders([topic]) == ["e"]
