"""The batch-step experiments decide each record as the profile stage does: a valid lead event
gives its stored profile with the outputs, a record intake rejects a dead letter, a repeated
event nothing; the Faust variant reads the same from a message, and its gathering topic hands
the messages out in batches."""

import asyncio
from datetime import timedelta
from typing import Any

import faust
from aiokafka.structs import ConsumerRecord

from agents.plumbing.reference import default_rules_text
from agents.tools.synthetic import DEFAULT_START, SyntheticFeed
from agents.tools.synthetic_accounts import synthetic_accounts
from bench.batch_step import TOPICS, Decider
from bench.batch_step_faust import BatchTopic, Stepper
from service.accounts import AccountIndex
from service.policy import load_policy

NAMES = {topic: f"t.{topic}" for topic in TOPICS}
NOW = DEFAULT_START + timedelta(hours=1)


def decider() -> Decider:
    index = AccountIndex()
    accounts = synthetic_accounts(50, seed=3)
    for account in accounts:
        index.upsert(account)
    return Decider(NAMES, index, load_policy(default_rules_text(), "shipped"))


def record(value: bytes, offset: int = 0) -> "ConsumerRecord[bytes, bytes]":
    return ConsumerRecord(
        "t.input", 0, offset, int(NOW.timestamp() * 1000), 0, None, value, None, 0, len(value), []
    )


def first_event() -> bytes:
    accounts = synthetic_accounts(50, seed=3)
    _, value, _ = next(SyntheticFeed(3, accounts, garbage_share=0.0).events(1, DEFAULT_START))
    return value


def test_a_lead_event_is_stored_with_its_outputs() -> None:
    changelog, sends = decider().decide(record(first_event()), NOW)
    assert changelog is not None
    topic, key, value = changelog
    assert topic == "t.changelog"
    assert key.startswith((b"email:", b"ext:"))
    assert value.startswith(b'{"identity":')
    assert sends
    assert {topic for topic, _, _ in sends} <= {
        "t.decisions",
        "t.nurture",
        "t.qualified",
    }
    assert value.endswith(sends[-1][2])


def test_a_record_intake_rejects_is_dead_lettered() -> None:
    changelog, sends = decider().decide(record(b"not json"), NOW)
    assert changelog is None
    assert sends == [("t.deadletter", b"", b"not json")]


def test_the_same_event_again_sends_nothing() -> None:
    decide = decider()
    decide.decide(record(first_event()), NOW)
    assert decide.decide(record(first_event(), offset=1), NOW) == (None, [])


class _Message:
    """What the Faust variant reads of an event's message."""

    def __init__(self, value: bytes, offset: int) -> None:
        self.value = value
        self.headers = None
        self.topic, self.partition, self.offset = "t.input", 2, offset
        self.timestamp = NOW.timestamp()  # Faust's: seconds


def test_the_faust_variant_decides_an_event_from_its_message_and_counts_it() -> None:
    stepper = Stepper(decider(), app=None, loaded=2)
    changelog, sends = stepper.decide(_Message(first_event(), 0), NOW)
    assert changelog is not None
    assert sends
    assert stepper.done == 1
    assert not stepper.finished("a test")


def test_the_gathering_topic_hands_out_what_the_conductor_delivered_in_batches() -> None:
    topic = BatchTopic(faust.App("gathering-test", broker="kafka://127.0.0.1:1"), "input")
    for offset in range(3):
        topic.queue.put_nowait_enhanced(_Message(b"{}", offset), on_pressure_high=print)

    async def take_twice() -> tuple[list[Any], list[Any]]:
        return await topic.take(2), await topic.take(2)

    first, second = asyncio.run(take_twice())

    assert [message.offset for message in first] == [0, 1]
    assert [message.offset for message in second] == [2]
    assert not topic.queue.full()
