"""The worker creates every topic it uses before it starts, and waits for their leaders."""

import logging
from typing import Any

import pytest
from faust.assignor.leader_assignor import LeaderAssignor

from agents.plumbing.admin import _wait_for_leaders, topic_specs, without_leaders
from agents.plumbing.app import create_faust_app
from agents.plumbing.settings import Settings
from agents.plumbing.topics import leader_topic


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


def test_the_leader_topic_is_the_one_faust_subscribes_to() -> None:
    settings = Settings()

    faust_name = LeaderAssignor(create_faust_app(settings))._leader_topic_name

    assert leader_topic(settings.app_id) == faust_name


class SlowLeaders:
    """An admin client whose metadata gives the partition a leader only at the `ready_at`-th
    answer (never when None)."""

    def __init__(self, ready_at: int | None) -> None:
        self.ready_at = ready_at
        self.asked = 0

    async def describe_topics(self, topics: list[str]) -> list[dict[str, Any]]:
        self.asked += 1
        ready = self.ready_at is not None and self.asked >= self.ready_at
        return [described(topic, [1 if ready else -1]) for topic in topics]


async def test_the_wait_asks_again_until_every_partition_has_a_leader() -> None:
    admin = SlowLeaders(ready_at=3)

    await _wait_for_leaders(admin, ["a"], timeout=5.0)

    assert admin.asked == 3


async def test_partitions_still_without_a_leader_are_named_in_a_warning_after_the_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = SlowLeaders(ready_at=None)

    with caplog.at_level(logging.WARNING):
        await _wait_for_leaders(admin, ["a"], timeout=0.25)

    assert admin.asked >= 2
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert caplog.records[0].getMessage().endswith("(the clients retry): a")


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
