"""Creates leadrouter's topics, so a worker never subscribes to a topic that does not exist."""

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from agents.plumbing.credentials import client_options
from agents.plumbing.settings import KafkaSettings, Settings
from agents.plumbing.topics import (
    COMPACTED,
    PIPELINE_TOPICS,
    SINGLE_PARTITION,
    TABLES,
    TopicNames,
    changelog_topic,
    leader_topic,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    compacted: bool = False

    def new_topic(self) -> NewTopic:
        configs = {"cleanup.policy": "compact"} if self.compacted else {}
        return NewTopic(self.name, self.partitions, self.replication_factor, topic_configs=configs)


def topic_specs(settings: Settings, queues: Iterable[str] | None = None) -> list[TopicSpec]:
    """Every fixed topic, plus one per sales queue (by default the configured ruleset's)."""
    if queues is None:
        queues = configured_queues(settings)
    names = TopicNames(settings.topics.prefix)
    partitions, replicas = settings.topics.partitions, settings.topics.replication_factor
    specs = [
        TopicSpec(
            names.name(base),
            1 if base in SINGLE_PARTITION else partitions,
            replicas,
            compacted=base in COMPACTED,
        )
        for base in PIPELINE_TOPICS
    ]
    specs += [TopicSpec(names.queue(queue), partitions, replicas) for queue in sorted(set(queues))]
    # Created before the worker starts, so their metadata is known before the first table write
    # (Faust otherwise races: "changelog topic has 0 partitions"), and before Faust subscribes to
    # its leader topic (otherwise logged as an ERROR: "not found in cluster metadata").
    specs += [
        TopicSpec(changelog_topic(settings.app_id, table), partitions, replicas, compacted=True)
        for table in TABLES
    ]
    specs.append(TopicSpec(leader_topic(settings.app_id), 1, replicas))
    return specs


def configured_queues(settings: Settings) -> list[str]:
    from agents.plumbing.reference import default_rules_text
    from service.policy import load_policy

    path = settings.rules_file
    text = path.read_text() if path else default_rules_text()
    return sorted(load_policy(text, str(path or "shipped default rules")).ruleset.queues)


def admin_client(kafka: KafkaSettings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(bootstrap_servers=kafka.hosts, **client_options(kafka))


async def ensure_topics(
    kafka: KafkaSettings, specs: Iterable[TopicSpec], leaders_timeout: float = 30.0
) -> list[str]:
    """Create the missing topics; existing ones are left as they are. Returns the created names,
    once the cluster's metadata gives each of their partitions a leader (at most
    `leaders_timeout` seconds): a client that looks a new topic up before that is told it does
    not exist, logs an ERROR and retries. (The leader may still need a moment to serve the
    partition: `log_levels` logs the offset requests retried meanwhile as warnings.)"""
    wanted = {spec.name: spec for spec in specs}
    admin = admin_client(kafka)
    try:
        await admin.start()  # closed below even when it fails (a retried call must not leak)
        existing = set(await admin.list_topics())
        missing = [spec.new_topic() for name, spec in wanted.items() if name not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                log.info("another worker created some of the topics first")
        created = [topic.name for topic in missing]
        if created:
            log.info("created topics: %s", ", ".join(created))
            await _wait_for_leaders(admin, created, leaders_timeout)
        return created
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, topics: list[str], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while waiting := without_leaders(await admin.describe_topics(topics)):
        if loop.time() >= deadline:
            log.warning(
                "partitions still without a leader after %.0f s (the clients retry): %s",
                timeout,
                ", ".join(waiting),
            )
            return
        await asyncio.sleep(0.1)


def without_leaders(described: Iterable[dict[str, Any]]) -> list[str]:
    """The topics of a metadata answer (`describe_topics`) that are not ready to use: unknown,
    or with a partition that has no leader yet."""
    return [
        str(topic["topic"])
        for topic in described
        if topic["error_code"] != 0
        or not topic["partitions"]
        or any(p["error_code"] != 0 or p["leader"] < 0 for p in topic["partitions"])
    ]
