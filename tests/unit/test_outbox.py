"""The outbox: what the profile stage sent for a lead's recent events, re-sent on replay."""

from collections.abc import Callable

import orjson
import pytest

from agents.plumbing.outbox import MAX_ENTRIES, Outbox, state_of
from agents.plumbing.outputs import Output, Send
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


@pytest.mark.parametrize(
    "send",
    [
        lambda output: Send(output, b"k", b"v", partition=1),
        lambda output: Send(output, b"k", b"v", on_acknowledged=print),
    ],
    ids=["own partition", "callback"],
)
async def test_a_send_an_entry_could_not_replay_as_it_was_is_refused(
    app: FakeApp, send: Callable[[Output], Send]
) -> None:
    outbox, nurture, _ = outbox_of(app)

    with pytest.raises(ValueError, match="keyed sends without callbacks"):
        await outbox.record(b"k", 1, [send(nurture)], partition=0, floor=0)

    assert outbox.recorded(b"k", 1) is None
    assert app.producer.sent == []


async def test_entries_below_the_replay_floor_are_pruned_on_the_next_write(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)
    for offset in (3, 8, 12):
        await outbox.record(b"k", offset, [Send(nurture, b"k", b"v")], partition=0, floor=0)

    await outbox.record(b"k", 20, [Send(nurture, b"k", b"w")], partition=0, floor=9)

    assert outbox.recorded(b"k", 3) is None
    assert outbox.recorded(b"k", 8) is None
    assert outbox.recorded(b"k", 12) is not None
    assert outbox.recorded(b"k", 20) == [Send(nurture, b"k", b"w")]


DIRECT = "leads.events.v1"


def no_floor(lane: str, partition: int) -> int:
    return 0


async def record_delivered(outbox: Outbox, output: Output, offsets: range, delivered: int) -> None:
    """Entries at `offsets`; those below `delivered` are marked delivered once written."""
    for offset in offsets:
        await outbox.record(b"k", offset, [Send(output, b"k", b"v")], 0, floor=0, floors=no_floor)
        if offset < delivered:
            outbox.delivered(b"k", offset)


async def test_a_lead_keeps_a_bounded_number_of_entries_of_delivered_events(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)

    await record_delivered(outbox, nurture, range(MAX_ENTRIES + 10), delivered=MAX_ENTRIES + 10)

    assert outbox.recorded(b"k", 9) is None
    assert outbox.recorded(b"k", 10) == []
    assert outbox.recorded(b"k", MAX_ENTRIES + 9) == [Send(nurture, b"k", b"v")]


async def test_past_the_bound_an_entry_stays_while_its_sends_may_not_have_reached_kafka(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)

    await record_delivered(outbox, nurture, range(MAX_ENTRIES + 10), delivered=5)

    missing = [n for n in range(MAX_ENTRIES + 10) if outbox.recorded(b"k", n) is None]
    assert missing == [0, 1, 2, 3, 4]
    assert outbox.recorded(b"k", 5) == [Send(nurture, b"k", b"v")]


async def test_the_entry_of_a_delivered_event_keeps_no_sends_so_its_replay_sends_nothing(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 1, [Send(nurture, b"k", b"x" * 3000)], 0, floor=0, state=b"p")
    outbox.delivered(b"k", 1)

    await outbox.record(b"k", 2, [Send(nurture, b"k", b"two")], 0, floor=0, state=b"p")

    assert outbox.recorded(b"k", 1) == []
    assert outbox.recorded(b"k", 2) == [Send(nurture, b"k", b"two")]
    written = app.producer.sent[-1][2] or b""
    assert b"x" * 3000 not in written
    assert len(written) < 100


async def test_an_entry_keeps_its_sends_until_they_are_known_delivered(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 1, [Send(nurture, b"k", b"one")], partition=0, floor=0)
    outbox.delivered(b"k", 2)  # another event's mark, and one not written yet

    await outbox.record(b"k", 2, [Send(nurture, b"k", b"two")], partition=0, floor=0)

    assert outbox.recorded(b"k", 1) == [Send(nurture, b"k", b"one")]
    assert outbox.recorded(b"k", 2) == [Send(nurture, b"k", b"two")]


async def test_a_delivered_mark_names_the_entry_s_lane_as_well_as_its_offset(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 7, [Send(nurture, b"k", b"direct")], 0, floor=0, lane=DIRECT)
    outbox.delivered(b"k", 7)  # the keyed lane's offset 7: another event

    await outbox.record(b"k", 9, [Send(nurture, b"k", b"next")], 0, floor=0, lane=DIRECT)

    assert outbox.recorded(b"k", 7, DIRECT) == [Send(nurture, b"k", b"direct")]


async def test_marks_are_kept_in_memory_only_and_a_restart_keeps_the_sends_it_did_not_see_delivered(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 1, [Send(nurture, b"k", b"one")], partition=0, floor=0)
    written = app.producer.sent[-1][2] or b""
    restarted = Outbox(
        DurableTable(fake_table({b"k": written}), Output(app, "a-changelog")),
        {nurture.name: nurture},
    )
    outbox.delivered(b"k", 1)  # seen by the first process only

    await restarted.record(b"k", 2, [Send(nurture, b"k", b"two")], partition=0, floor=0)

    assert restarted.recorded(b"k", 1) == [Send(nurture, b"k", b"one")]


async def test_a_delivered_entry_read_back_from_the_table_is_still_known_as_delivered(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)
    await record_delivered(outbox, nurture, range(1, 4), delivered=4)
    written = app.producer.sent[-1][2] or b""
    table = DurableTable(fake_table({b"k": written}), Output(app, "a-changelog"))

    restarted = Outbox(table, {nurture.name: nurture})

    assert [restarted.recorded(b"k", n) for n in (1, 2, 3)] == [[], [], [Send(nurture, b"k", b"v")]]


async def test_an_entry_naming_a_topic_the_stage_does_not_write_is_refused(app: FakeApp) -> None:
    outbox, _, _ = outbox_of(app)
    stranger = Output(app, "somewhere.else.v1")
    await outbox.record(b"k", 1, [Send(stranger, None, b"v")], partition=0, floor=0)

    with pytest.raises(ValueError, match="does not write"):
        outbox.recorded(b"k", 1)


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


async def test_a_write_prunes_the_other_lanes_entries_below_their_floors_when_it_knows_them(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 3, [Send(nurture, b"k", b"k3")], partition=0, floor=0)
    await outbox.record(b"k", 7, [Send(nurture, b"k", b"k7")], partition=0, floor=0)
    floor_of = {("", 0): 5, (DIRECT, 0): 0}

    await outbox.record(
        b"k",
        90,
        [Send(nurture, b"k", b"d90")],
        0,
        floor=0,
        lane=DIRECT,
        floors=lambda lane, partition: floor_of[lane, partition],
    )

    assert outbox.recorded(b"k", 3) is None
    assert outbox.recorded(b"k", 7) == [Send(nurture, b"k", b"k7")]
    assert outbox.recorded(b"k", 90, DIRECT) == [Send(nurture, b"k", b"d90")]


async def test_sends_without_a_key_and_with_any_bytes_come_back_as_they_were(app: FakeApp) -> None:
    outbox, nurture, decisions = outbox_of(app)
    sends = [Send(nurture, None, b'\x00\x01"quoted"\xff'), Send(decisions, b"\xfe", b"")]

    await outbox.record(b"k", 1, sends, partition=0, floor=0, lane="ünïcode.lane")

    assert outbox.recorded(b"k", 1, "ünïcode.lane") == sends


async def test_entries_written_before_the_framing_are_read_and_kept(app: FakeApp) -> None:
    nurture, decisions = Output(app, "leads.nurture.v1"), Output(app, "leads.decisions.v1")
    written = orjson.dumps(
        [
            [4, [["leads.nurture.v1", "k", '{"n":4}']]],
            [6, [["leads.decisions.v1", None, '{"d":6}']], DIRECT],
        ]
    )
    table = DurableTable(
        fake_table({b"k": written}), Output(app, "leadrouter-lead-outbox-changelog")
    )
    outbox = Outbox(table, {o.name: o for o in (nurture, decisions)})

    assert outbox.recorded(b"k", 4) == [Send(nurture, b"k", b'{"n":4}')]
    assert outbox.recorded(b"k", 6, DIRECT) == [Send(decisions, None, b'{"d":6}')]

    await outbox.record(b"k", 9, [Send(nurture, b"k", b"v")], partition=0, floor=0)

    assert outbox.recorded(b"k", 4) == [Send(nurture, b"k", b'{"n":4}')]
    assert outbox.recorded(b"k", 6, DIRECT) == [Send(decisions, None, b'{"d":6}')]
    assert outbox.recorded(b"k", 9) == [Send(nurture, b"k", b"v")]


async def test_a_value_another_writer_replaced_is_read_afresh(app: FakeApp) -> None:
    nurture = Output(app, "leads.nurture.v1")
    table = DurableTable(fake_table(), Output(app, "leadrouter-lead-outbox-changelog"))
    outbox, other = Outbox(table, {nurture.name: nurture}), Outbox(table, {nurture.name: nurture})
    await outbox.record(b"k", 1, [Send(nurture, b"k", b"first")], partition=0, floor=0)

    await other.record(b"k", 1, [Send(nurture, b"k", b"second")], partition=0, floor=0)

    assert outbox.recorded(b"k", 1) == [Send(nurture, b"k", b"second")]
    await table.put(b"k", None, partition=0)  # an expiry
    assert outbox.recorded(b"k", 1) is None


async def test_a_state_written_with_the_entries_stays_through_writes_without_one(
    app: FakeApp,
) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"k", 1, [Send(nurture, b"k", b"one")], 0, floor=0, state=b"profile 1")

    await outbox.record(b"k", 2, [Send(nurture, b"k", b"two")], partition=0, floor=0)

    assert outbox.state(b"k") == b"profile 1"
    assert outbox.recorded(b"k", 1) == [Send(nurture, b"k", b"one")]
    assert outbox.recorded(b"k", 2) == [Send(nurture, b"k", b"two")]
    assert len(app.producer.sent) == 2


async def test_the_state_of_a_value_is_read_from_any_of_its_formats(app: FakeApp) -> None:
    outbox, nurture, _ = outbox_of(app)
    await outbox.record(b"with", 1, [Send(nurture, b"k", b"x")], 0, floor=0, state=b"{}")
    await outbox.record(b"without", 1, [Send(nurture, b"k", b"x")], partition=0, floor=0)

    assert state_of(app.producer.sent[0][2] or b"") == b"{}"
    assert state_of(app.producer.sent[1][2] or b"") == b""
    assert state_of(b'{"written":"alone"}') == b'{"written":"alone"}'
    assert outbox.state(b"without") is None
    assert outbox.state(b"nothing") is None
