"""The demo: shipped reference data onto its compacted topics, and a paced lead feed.

`load_demo` publishes the demo accounts, reps and the default ruleset (or the demo ruleset, the
default with SLAs of a minute and an escalation ladder, `demo_rules.yaml`); `feed_demo` publishes
synthetic lead events at a steady rate (open loop: paced by the wall clock, never by acks).
The live summary is `agents.tools.demo_summary`.
"""

import asyncio
import contextlib
import logging
import secrets
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Final

from aiokafka import AIOKafkaProducer
from pydantic import TypeAdapter

from agents.plumbing.admin import ensure_topics, topic_specs
from agents.plumbing.credentials import client_options
from agents.plumbing.settings import Settings
from agents.plumbing.topics import ACCOUNTS, LEAD_EVENTS, REPS, RULES, TopicNames
from agents.tools.feed_keys import MIXED_IDENTITY_KEYED
from agents.tools.synthetic import SyntheticFeed
from schemas.accounts import Account
from schemas.reps import Rep

log = logging.getLogger(__name__)

RULESET_KEY: Final = b"ruleset"
# How often the feed says how far it got.
_PROGRESS_SECONDS: Final = 10.0


def shipped_text(name: str) -> str:
    """A file shipped in service/data (the default rules, the demo accounts and reps)."""
    return resources.files("service").joinpath("data", name).read_text(encoding="utf-8")


def default_rules_text() -> str:
    return shipped_text("default_rules.yaml")


def demo_rules_text() -> str:
    """The default rules with service levels of minutes, so a demo shows breaches and
    escalations soon after it starts."""
    return shipped_text("demo_rules.yaml")


def demo_accounts() -> list[Account]:
    return TypeAdapter(list[Account]).validate_json(shipped_text("demo_accounts.json"))


def demo_reps() -> list[Rep]:
    return TypeAdapter(list[Rep]).validate_json(shipped_text("demo_reps.json"))


def reference_records(*, short_slas: bool = False) -> dict[str, list[tuple[bytes, bytes]]]:
    """The demo's reference records by base topic name: accounts keyed by account id, reps by
    rep id, and the ruleset's YAML text (the default, or with `short_slas` the demo ruleset)
    under the key `ruleset`."""
    rules = demo_rules_text() if short_slas else default_rules_text()
    return {
        ACCOUNTS: [
            (account.account_id.encode(), account.model_dump_json().encode())
            for account in demo_accounts()
        ],
        REPS: [(rep.rep_id.encode(), rep.model_dump_json().encode()) for rep in demo_reps()],
        RULES: [(RULESET_KEY, rules.encode())],
    }


def create_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka.hosts,
        acks="all",
        linger_ms=20,
        **client_options(settings.kafka),
    )


async def load_demo(settings: Settings, *, short_slas: bool = False) -> dict[str, int]:
    """Publish the demo reference data (topics created first if missing); records per topic."""
    await ensure_topics(settings.kafka, topic_specs(settings))
    names = TopicNames(settings.topics.prefix)
    producer = create_producer(settings)
    await producer.start()
    try:
        sent: dict[str, int] = {}
        for base, records in reference_records(short_slas=short_slas).items():
            topic = names.name(base)
            futures = [await producer.send(topic, key=key, value=value) for key, value in records]
            await asyncio.gather(*futures)
            sent[topic] = len(records)
        return sent
    finally:
        await producer.stop()


@dataclass
class FeedProgress:
    sent: int = 0
    failed: int = 0
    first_error: BaseException | None = None

    def delivered(self, future: "asyncio.Future[Any]") -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            self.failed += 1
            self.first_error = self.first_error or error


async def feed_demo(
    settings: Settings,
    *,
    rate: float,
    count: int | None = None,
    garbage_share: float = 0.0,
    identity_keyed: float = MIXED_IDENTITY_KEYED,
    seed: int | None = None,
    stop: asyncio.Event | None = None,
) -> FeedProgress:
    """Publish synthetic lead events at `rate` per second until `count` were sent or `stop` is set.

    Open loop: event i is due at start + i / rate on the wall clock, whatever the broker's acks
    say, so a slow pipeline shows up as latency and lag instead of slowing the load down.
    Without a seed each run draws one (and logs it): the same seed publishes the same event ids,
    which a worker that already saw them rightly drops as duplicates. `identity_keyed` of the
    valid records are keyed by the lead's identity (the worker takes them without re-keying),
    the others by its external id: one lead's events arrive both ways.
    """
    if rate <= 0:
        raise ValueError("rate must be positive")
    if seed is None:
        seed = secrets.randbits(32)
    log.info("feeding %s events per second with seed %d", f"{rate:g}", seed)
    await ensure_topics(settings.kafka, topic_specs(settings))
    feed = SyntheticFeed(
        seed, demo_accounts(), garbage_share=garbage_share, identity_keyed=identity_keyed
    )
    topic = TopicNames(settings.topics.prefix).name(LEAD_EVENTS)
    stop = stop or asyncio.Event()
    progress = FeedProgress()
    producer = create_producer(settings)
    await producer.start()
    started = reported = time.monotonic()
    try:
        while (count is None or progress.sent < count) and not stop.is_set():
            early = started + progress.sent / rate - time.monotonic()
            if early > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), early)
                continue
            key, value, headers = feed.next_event(datetime.now(UTC))
            future = await producer.send(topic, key=key, value=value, headers=headers)
            future.add_done_callback(progress.delivered)
            progress.sent += 1
            if progress.first_error is not None:
                break
            if time.monotonic() - reported >= _PROGRESS_SECONDS:
                reported = time.monotonic()
                log.info("fed %d events to %s", progress.sent, topic)
        await producer.flush()
    finally:
        await producer.stop()
    if progress.first_error is not None:
        raise RuntimeError(f"the broker refused records: {progress.first_error}")
    return progress


def run_until_signalled(main: Callable[[asyncio.Event], Any]) -> Any:
    """Run `main(stop)` in a new event loop; SIGINT and SIGTERM set `stop` for a clean finish."""

    async def runner() -> Any:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        return await main(stop)

    return asyncio.run(runner())
