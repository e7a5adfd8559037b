"""A replayed event re-sends what was decided the first time, even when a new decision differs."""

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from tests.integration.kafka import WorkerProcess, consume, produce, rewind
from tests.integration.pipeline_data import as_record, transactional_lead

SHIPPED = resources.files("service").joinpath("data/default_rules.yaml").read_text()
# Under these rules a lead below the sales-ready threshold is routed instead of nurtured.
ROUTE_EVERYONE = SHIPPED.replace(
    "when: {field: score.sales_ready, equals: false}",
    "when: {field: score.sales_ready, equals: true}",
)


def not_yet_sales_ready(n: int) -> dict[str, Any]:
    event = transactional_lead(n, id_prefix="replay")
    event.pop("activity")
    event["event_type"] = "lead.created"
    return event


async def test_a_replay_sends_the_recorded_decision_not_a_new_one(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    first = start_worker(prefix=prefix)
    await produce(bootstrap, first.topic("leads.events.v1"), [as_record(not_yet_sales_ready(1))])
    [nurtured] = await consume(bootstrap, first.topic("leads.nurture.v1"), 1)
    [decided] = await consume(bootstrap, first.topic("leads.decisions.v1"), 1)
    first.stop()

    # The rules change, and the worker reads the keyed topic again from its start.
    rules: tuple[bytes, bytes, list[tuple[str, bytes]]] = (b"ruleset", ROUTE_EVERYONE.encode(), [])
    await produce(bootstrap, first.topic("leadrouter.rules.v1"), [rules])
    await rewind(
        bootstrap, first.env["LEADROUTER_APP_ID"], first.topic("leadrouter.leads.keyed.v1")
    )
    start_worker(prefix=prefix)

    again = await consume(bootstrap, first.topic("leads.nurture.v1"), 2)
    decisions = await consume(bootstrap, first.topic("leads.decisions.v1"), 2)
    queued = await consume(bootstrap, first.topic("sales.queue.inside-sales.v1"), 1, timeout=5)
    assert [record.value for record in again] == [nurtured.value, nurtured.value]
    assert [record.value for record in decisions] == [decided.value, decided.value]
    assert json.loads(decided.value)["outcome"] == "nurtured"
    assert queued == [], "the replay must not route a lead it nurtured the first time"


async def test_a_replay_sends_nothing_again_for_an_event_kafka_already_had_every_record_of(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    first = start_worker(prefix=prefix)
    decisions_topic = first.topic("leads.decisions.v1")
    earlier, later = not_yet_sales_ready(2), not_yet_sales_ready(2)
    later.update(event_id="replay-2-again", occurred_at="2026-11-20T11:00:00Z")
    await produce(bootstrap, first.topic("leads.events.v1"), [as_record(earlier)])
    [first_decision] = await consume(bootstrap, decisions_topic, 1)
    # The earlier event is complete now; the later one's write records it as delivered.
    await produce(bootstrap, first.topic("leads.events.v1"), [as_record(later)])
    decided = await consume(bootstrap, decisions_topic, 2)
    first.stop()

    await rewind(
        bootstrap, first.env["LEADROUTER_APP_ID"], first.topic("leadrouter.leads.keyed.v1")
    )
    start_worker(prefix=prefix)

    again = await consume(bootstrap, decisions_topic, 4, timeout=20)
    assert decided[0].value == first_decision.value
    assert [record.value for record in again] == [
        decided[0].value,
        decided[1].value,
        decided[1].value,
    ], "the later event, the lead's latest, is sent again; the earlier one is not"
