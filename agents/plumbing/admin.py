"""Creates leadrouter's topics, so a worker never subscribes to a topic that does not exist."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

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
    # (Faust otherwise races: "changelog topic has 0 partitions").
    specs += [
        TopicSpec(changelog_topic(settings.app_id, table), partitions, replicas, compacted=True)
        for table in TABLES
    ]
    return specs


def configured_queues(settings: Settings) -> list[str]:
    from agents.plumbing.reference import default_rules_text
    from service.policy import load_policy

    path = settings.rules_file
    text = path.read_text() if path else default_rules_text()
    return sorted(load_policy(text, str(path or "shipped default rules")).ruleset.queues)


def admin_client(kafka: KafkaSettings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(bootstrap_servers=kafka.hosts, **client_options(kafka))


async def ensure_topics(kafka: KafkaSettings, specs: Iterable[TopicSpec]) -> list[str]:
    """Create the missing topics; existing ones are left as they are. Returns the created names."""
    wanted = {spec.name: spec for spec in specs}
    admin = admin_client(kafka)
    await admin.start()
    try:
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
        return created
    finally:
        await admin.close()
