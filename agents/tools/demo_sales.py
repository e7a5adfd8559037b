"""`demo sales`: a simulated sales tool that reads every queue topic and answers on feedback.

It plays the sales side of the demo: an aiokafka consumer of every `sales.queue.<queue>.v1`
topic (a pattern, so queues a reloaded ruleset adds are followed) in its own consumer group,
and a producer to `sales.feedback.v1`. What it answers is the desk's business
(`agents.tools.sales_desk`); this module only moves records. Its own counters (answers by
outcome and reason, ignored leads, withdrawals followed) are served for `demo watch`, since
the worker's metrics do not carry sales' free-text reasons.

Offsets are committed automatically: after a restart the desk goes on from where the group
left, and an answer that was planned but not yet sent before the stop is not sent (its lead
looks ignored, and escalates).
"""

import asyncio
import contextlib
import logging
import re
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from prometheus_client import CollectorRegistry, Counter, start_http_server

from agents.plumbing.credentials import client_options
from agents.plumbing.settings import Settings
from agents.plumbing.topics import FEEDBACK, TopicNames, queue_topic
from agents.tools.demo import create_producer
from agents.tools.sales_desk import Reply, SalesDesk, WithdrawalSeen, read_queue_record
from agents.tools.sales_policy import SalesTeam, demo_sales_team

log = logging.getLogger(__name__)

# Longest wait for records before the desk looks for due answers again.
_POLL_MS = 250
_PROGRESS_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class SalesMetrics:
    replies: Counter
    ignored: Counter
    withdrawn: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry) -> "SalesMetrics":
        return cls(
            # `reason` is one of the team profile's rejection reasons, `none` for the others.
            replies=Counter(
                "leadrouter_demo_sales_replies_total",
                "Feedback the simulated sales tool sent, per outcome and reason.",
                ["outcome", "reason"],
                registry=registry,
            ),
            ignored=Counter(
                "leadrouter_demo_sales_ignored_total",
                "Routed decisions the simulated sales team never answers.",
                registry=registry,
            ),
            withdrawn=Counter(
                "leadrouter_demo_sales_withdrawn_total",
                "LeadWithdrawn records followed (the decision is no longer answered).",
                registry=registry,
            ),
        )


@dataclass
class SalesProgress:
    """What the desk did, for the command's last line."""

    routed: int = 0
    withdrawn: int = 0
    replies: Tally[str] = field(default_factory=Tally)

    def line(self) -> str:
        sent = ", ".join(f"{outcome} {count}" for outcome, count in sorted(self.replies.items()))
        return (
            f"read {self.routed} routed lead(s) and {self.withdrawn} withdrawal(s); "
            f"answered {sent or 'nothing'}"
        )


def queue_pattern(prefix: str) -> str:
    """Every queue topic of the deployment's prefix."""
    example = re.escape(prefix + queue_topic("QUEUE"))
    return "^" + example.replace("QUEUE", ".+") + "$"


def sales_group_id(settings: Settings) -> str:
    return f"{settings.app_id}-demo-sales"


@contextlib.contextmanager
def served_metrics(port: int | None) -> Iterator[SalesMetrics]:
    """The desk's counters, served on 127.0.0.1:`port` (not served when `port` is None)."""
    registry = CollectorRegistry()
    metrics = SalesMetrics.create(registry)
    if port is None:
        yield metrics
        return
    server, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    try:
        yield metrics
    finally:
        server.shutdown()
        thread.join(5)


async def run_sales_desk(
    settings: Settings,
    stop: asyncio.Event,
    *,
    metrics: SalesMetrics,
    team: SalesTeam | None = None,
    group_id: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SalesProgress:
    """Answer the leads routed to every queue until `stop` is set."""
    names = TopicNames(settings.topics.prefix)
    feedback_topic = names.name(FEEDBACK)
    desk = SalesDesk(team or demo_sales_team())
    progress = SalesProgress()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka.hosts,
        group_id=group_id or sales_group_id(settings),
        auto_offset_reset="earliest",
        enable_auto_commit=True,
        # New queue topics are found by the pattern within this long.
        metadata_max_age_ms=5000,
        **client_options(settings.kafka),
    )
    producer = create_producer(settings)
    await producer.start()
    await consumer.start()
    consumer.subscribe(pattern=queue_pattern(settings.topics.prefix))
    log.info("answering the leads of %s on %s", queue_pattern(names.prefix), feedback_topic)
    reported = asyncio.get_running_loop().time()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=_POLL_MS)
            read_at = clock()
            for records in batches.values():
                for record in records:
                    take_in(desk, record.value, read_at, metrics, progress)
            replies = desk.due(clock())
            await send_replies(producer, feedback_topic, replies, metrics, progress)
            if asyncio.get_running_loop().time() - reported >= _PROGRESS_SECONDS:
                reported = asyncio.get_running_loop().time()
                log.info("%s; %d answer(s) waiting", progress.line(), desk.waiting)
    finally:
        with contextlib.suppress(Exception):
            await producer.flush()
        await consumer.stop()
        await producer.stop()
    return progress


def take_in(
    desk: SalesDesk,
    value: bytes | None,
    read_at: datetime,
    metrics: SalesMetrics,
    progress: SalesProgress,
) -> None:
    record = read_queue_record(value)
    if record is None:
        log.warning("a queue record that is neither a routed lead nor a withdrawal: skipped")
        return
    if isinstance(record, WithdrawalSeen):
        progress.withdrawn += 1
        metrics.withdrawn.inc()
    else:
        progress.routed += 1
    answer = desk.receive(record, read_at)
    if answer is not None and answer.verdict == "ignored":
        metrics.ignored.inc()


async def send_replies(
    producer: Any,
    topic: str,
    replies: list[Reply],
    metrics: SalesMetrics,
    progress: SalesProgress,
) -> None:
    """Send the answers, keyed by lead (a lead's accept stays before its win), and wait for
    Kafka to take them all."""
    futures = []
    for reply in replies:
        feedback = reply.feedback
        futures.append(
            await producer.send(
                topic,
                key=feedback.lead_identity.encode(),
                value=feedback.model_dump_json().encode(),
            )
        )
        metrics.replies.labels(outcome=feedback.outcome, reason=feedback.reason or "none").inc()
        progress.replies[feedback.outcome] += 1
    await asyncio.gather(*futures)
