"""When a scenario's pipeline has gone quiet: its consumer group committed all its input and
the outputs stopped growing, or the outputs stopped growing for long with the group stable
(a commit that never advances must not hold the suite forever), or a crash loop, or a timeout."""

import asyncio
import time
from collections.abc import Callable

from agents.plumbing.reference import default_rules_text
from agents.plumbing.topics import (
    DEAD_LETTER,
    DECISIONS,
    LEAD_EVENTS,
    LEADS_KEYED,
    LEADS_QUALIFIED,
    NURTURE,
    TopicNames,
)
from bench.topics import TopicProbe
from service.policy import load_policy

SETTLE = 4.0  # longer than Faust's 2.8 s commit interval
CRASH_LOOP = 10  # worker exits while waiting that end the wait


def output_topics(names: TopicNames) -> tuple[str, ...]:
    """Every queue of the shipped rules, nurture, decisions and dead letters."""
    policy = load_policy(default_rules_text(), "shipped default rules")
    queues = tuple(names.queue(queue) for queue in sorted(policy.ruleset.queues))
    return (*queues, names.name(NURTURE), names.name(DECISIONS), names.name(DEAD_LETTER))


def source_topics(names: TopicNames) -> tuple[str, ...]:
    """What the app's consumer group reads: the input and the internal hops."""
    return (names.name(LEAD_EVENTS), names.name(LEADS_KEYED), names.name(LEADS_QUALIFIED))


async def wait_quiet(
    bootstrap: str,
    group: str,
    names: TopicNames,
    *,
    idle: float,
    timeout: float,
    crashes: Callable[[], int],
) -> str:
    """Wait, and say why the wait ended. `idle` counts only while the group is Stable, so a
    worker waiting out a dead member's session does not pass for a quiet pipeline."""
    outputs, sources = output_topics(names), source_topics(names)
    deadline = time.monotonic() + timeout
    last_total = -1
    changed = idle_since = time.monotonic()
    async with TopicProbe(bootstrap) as probe:
        while time.monotonic() < deadline:
            now = time.monotonic()
            total = sum((await probe.counts(outputs)).values())
            lag = await probe.lag(group, sources)
            state, _ = await probe.group_state(group)
            if total != last_total:
                last_total, changed = total, now
            if state != "Stable":
                idle_since = now
            if lag == 0 and now - changed >= SETTLE:
                return "lag 0"
            if now - max(changed, idle_since) >= idle:
                return f"no output for {idle:.0f} s with the group stable (lag {lag})"
            if crashes() >= CRASH_LOOP:
                return f"crash loop: {crashes()} worker exits (lag {lag})"
            await asyncio.sleep(1.0)
    return f"timeout after {timeout:.0f} s"
