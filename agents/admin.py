"""Creates leadrouter's topics, so a worker never subscribes to a topic that does not exist."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from agents.settings import KafkaSettings, Settings
from agents.topics import COMPACTED, PIPELINE_TOPICS, TopicNames

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


def topic_specs(settings: Settings, queues: Iterable[str] = ()) -> list[TopicSpec]:
    names = TopicNames(settings.topics.prefix)
    partitions, replicas = settings.topics.partitions, settings.topics.replication_factor
    specs = [
        TopicSpec(names.name(base), partitions, replicas, compacted=base in COMPACTED)
        for base in PIPELINE_TOPICS
    ]
    specs += [TopicSpec(names.queue(queue), partitions, replicas) for queue in sorted(set(queues))]
    return specs


def admin_client(kafka: KafkaSettings) -> AIOKafkaAdminClient:
    from agents.app import broker_credentials

    options: dict[str, object] = {"bootstrap_servers": kafka.hosts}
    credentials = broker_credentials(kafka)
    if credentials is not None:
        options.update(
            security_protocol=kafka.security_protocol,
            ssl_context=getattr(credentials, "ssl_context", None)
            or getattr(credentials, "context", None),
        )
        if kafka.security_protocol.startswith("SASL"):
            options.update(
                sasl_mechanism=kafka.sasl_mechanism,
                sasl_plain_username=kafka.sasl_username,
                sasl_plain_password=kafka.sasl_password.get_secret_value()
                if kafka.sasl_password
                else None,
            )
    return AIOKafkaAdminClient(**options)


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
