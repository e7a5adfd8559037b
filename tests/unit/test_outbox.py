"""The outbox: what the profile stage sent for a lead's recent events, re-sent on replay."""

import pytest

from agents.plumbing.outbox import MAX_ENTRIES, Outbox, Send
from agents.plumbing.outputs import Output
from agents.plumbing.tables import DurableTable
from tests.unit.fake_producer import FakeProducer, fake_table


class FakeApp:
    def __init__(self) -> None:
        self.producer = FakeProducer()


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()


def outbox_of(app: FakeApp) -> tuple[Outbox, Output, Output]:
    nurture, decisions = Output(app, "leads.nurture.v1"), Output(app, "leads.decisions.v1")
    table = DurableTable(fake_table(), Output(app, "leadrouter-lead-outbox-changelog"))
    return Outbox(table, {o.name: o for o in (nurture, decisions)}), nurture, decisions


async def test_a_replayed_event_finds_exactly_the_bytes_sent_the_first_time(app: FakeApp) -> None:
    outbox, nurture, decisions = outbox_of(app)
    sends = [Send(nurture, b"email:a@x.com", b'{"n":1}'), Send(decisions, b"email:a@x.com", b"{}")]

    await outbox.record(b"email:a@x.com", 17, sends, partition=2, floor=0)

    assert outbox.recorded(b"email:a@x.com", 17) == sends
    assert outbox.recorded(b"email:a@x.com", 18) is None
    [(topic, key, _, partition)] = app.producer.sent
    assert (topic, key, partition) == ("leadrouter-lead-outbox-changelog", b"email:a@x.com", 2)


async def test_entries_below_the_replay_floor_are_pruned_on_the_next_write(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)
    for offset in (3, 8, 12):
        await outbox.record(b"k", offset, [Send(nurture, b"k", b"v")], partition=0, floor=0)

    await outbox.record(b"k", 20, [Send(nurture, b"k", b"w")], partition=0, floor=9)

    assert outbox.recorded(b"k", 3) is None
    assert outbox.recorded(b"k", 8) is None
    assert outbox.recorded(b"k", 12) is not None
    assert outbox.recorded(b"k", 20) == [Send(nurture, b"k", b"w")]


async def test_a_lead_keeps_a_bounded_number_of_entries(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)
    for offset in range(MAX_ENTRIES + 10):
        await outbox.record(b"k", offset, [Send(nurture, b"k", b"v")], partition=0, floor=0)

    assert outbox.recorded(b"k", 9) is None
    assert outbox.recorded(b"k", 10) is not None
    assert outbox.recorded(b"k", MAX_ENTRIES + 9) is not None


async def test_an_entry_naming_a_topic_the_stage_does_not_write_is_refused(app: FakeApp) -> None:
    outbox, _, _ = outbox_of(app)
    stranger = Output(app, "somewhere.else.v1")
    await outbox.record(b"k", 1, [Send(stranger, None, b"v")], partition=0, floor=0)

    with pytest.raises(ValueError, match="does not write"):
        outbox.recorded(b"k", 1)


DIRECT = "leads.events.v1"


async def test_the_same_offset_in_two_lanes_names_two_events(app: FakeApp) -> None:
    outbox, nurture, decisions = outbox_of(app)
    keyed, direct = [Send(nurture, b"k", b"keyed")], [Send(decisions, b"k", b"direct")]

    await outbox.record(b"k", 5, keyed, partition=0, floor=0)
    await outbox.record(b"k", 5, direct, partition=0, floor=0, lane=DIRECT)

    assert outbox.recorded(b"k", 5) == keyed
    assert outbox.recorded(b"k", 5, DIRECT) == direct
    assert outbox.recorded(b"k", 6, DIRECT) is None


async def test_a_lane_prunes_only_its_own_entries_by_its_floor(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 3, [Send(nurture, b"k", b"keyed")], partition=0, floor=0)
    await outbox.record(b"k", 4, [Send(nurture, b"k", b"d4")], partition=0, floor=0, lane=DIRECT)

    await outbox.record(b"k", 90, [Send(nurture, b"k", b"d90")], partition=0, floor=50, lane=DIRECT)

    assert outbox.recorded(b"k", 3) is not None
    assert outbox.recorded(b"k", 4, DIRECT) is None
    assert outbox.recorded(b"k", 90, DIRECT) is not None
