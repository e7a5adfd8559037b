"""The fault suite's accounting: produced records and outputs in, one table row out."""

import base64
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from dev.faults.accounting import Row, account, resume_seconds
from dev.faults.observations import (
    DeadLetterRecord,
    DecisionRecord,
    Faults,
    Outputs,
    ProducedRecord,
    RoutedRecord,
)
from dev.faults.records import dead_letter_record, read_outputs, routed_record
from dev.faults.report import format_table
from dev.faults.verdict import judge
from schemas.reps import Rep
from service.decision_ids import decision_id

ALICE, BOB = "email:alice@acme.com", "email:bob@acme.com"


@dataclass(frozen=True)
class Consumed:
    """An output record as the harness reads it back."""

    topic: str
    value: bytes | None
    timestamp: int


def event(offset: int, event_id: str, identity: str = ALICE) -> ProducedRecord:
    return ProducedRecord(partition=0, offset=offset, event_id=event_id, identity=identity)


def nurtured(event_id: str, identity: str = ALICE, generation: int = 0) -> DecisionRecord:
    named = decision_id(f"{identity}|{event_id}", generation)
    return DecisionRecord(named, "nurtured", identity, generation)


def already_routed(event_id: str, identity: str = ALICE) -> DecisionRecord:
    return DecisionRecord(decision_id(f"{identity}|{event_id}", 1), "already_routed", identity, 1)


def routed(event_id: str, rep: str | None = "rep-1", identity: str = ALICE) -> RoutedRecord:
    return RoutedRecord(decision_id(identity, 1), event_id, identity, 1, rep, "inside-sales")


def routed_decision(identity: str = ALICE) -> DecisionRecord:
    return DecisionRecord(decision_id(identity, 1), "routed", identity, 1)


def row_for(produced: list[ProducedRecord], outputs: Outputs, faults: Faults | None = None) -> Row:
    return account("kill9", 1, produced, outputs, faults or Faults())


def test_every_event_with_one_decision_is_accounted_for() -> None:
    produced = [event(0, "e1"), event(1, "e2"), event(2, "e3")]
    outputs = Outputs(
        routed=[routed("e2")],
        decisions=[nurtured("e1"), routed_decision(), already_routed("e3")],
    )

    row = row_for(produced, outputs)

    assert (row.produced, row.accounted, row.lost, row.ended_twice) == (3, 3, 0, 0)
    assert judge(row, resume_limit=None).passed


def test_an_event_missing_everywhere_is_lost_and_fails_the_verdict() -> None:
    produced = [event(0, "e1"), event(1, "e2")]

    row = row_for(produced, Outputs(decisions=[nurtured("e1")]))

    assert (row.accounted, row.lost, row.lost_sample) == (1, 1, ("e2",))
    verdict = judge(row, resume_limit=None)
    assert not verdict.passed
    assert verdict.reasons == ("1 lost",)


def test_a_replayed_identical_decision_is_not_a_second_ending() -> None:
    row = row_for([event(0, "e1")], Outputs(decisions=[nurtured("e1"), nurtured("e1")]))

    assert (row.accounted, row.ended_twice) == (1, 0)


def test_an_event_decided_two_ways_ended_twice_and_fails_the_verdict() -> None:
    nurtured_then_routed = DecisionRecord(
        decision_id(f"{ALICE}|e1", 1), "nurtured", ALICE, 1
    )  # the same decision id as already_routed("e1"), another outcome

    row = row_for([event(0, "e1")], Outputs(decisions=[already_routed("e1"), nurtured_then_routed]))

    assert (row.accounted, row.lost, row.ended_twice) == (0, 0, 1)
    assert row.twice_sample == ("e1: already_routed+nurtured",)
    assert judge(row, resume_limit=None).reasons == ("1 ended two ways",)


def test_a_routed_decision_is_tied_to_its_event_through_the_queue_record() -> None:
    produced = [event(0, "e1")]

    with_queue = row_for(produced, Outputs(routed=[routed("e1")], decisions=[routed_decision()]))
    without_queue = row_for(produced, Outputs(decisions=[routed_decision()]))
    without_decision = row_for(produced, Outputs(routed=[routed("e1")]))

    assert with_queue.lost == 0
    assert (without_queue.lost, without_queue.routed_without_queue_record) == (1, 1)
    assert without_decision.lost == 1  # in a queue, but no decision on the audit topic


def test_repeated_queue_records_count_as_duplicate_copies_and_two_reps_are_flagged() -> None:
    outputs = Outputs(
        routed=[routed("e1", "rep-1"), routed("e1", "rep-1"), routed("e1", "rep-2")],
        decisions=[routed_decision()],
    )

    row = row_for([event(0, "e1")], outputs)

    assert (row.duplicate_copies, row.two_rep_decisions) == (2, 1)
    assert judge(row, resume_limit=None).reasons == ("1 decisions with two reps",)


def test_a_lead_routed_under_two_decision_ids_of_one_generation_is_assigned_twice() -> None:
    other = RoutedRecord("another-decision-id", "e2", ALICE, 1, "rep-2", "inside-sales")
    outputs = Outputs(
        routed=[routed("e1"), other, routed("e3", identity=BOB)],
        decisions=[routed_decision(), routed_decision(BOB)],
    )
    produced = [event(0, "e1"), event(1, "e2"), event(2, "e3", BOB)]

    row = row_for(produced, outputs)

    assert row.leads_assigned_twice == 1
    assert "1 leads assigned twice" in judge(row, resume_limit=None).reasons


def counted(decision: str, rep: str, count: int, day: str = "2026-12-06") -> RoutedRecord:
    identity = f"email:{decision}@acme.com"
    return RoutedRecord(decision, decision, identity, 1, rep, "inside-sales", (day, count))


def test_a_day_count_given_to_two_decisions_fails_the_verdict() -> None:
    outputs = Outputs(
        routed=[
            counted("d1", "rep-1", 1),
            counted("d2", "rep-1", 2),
            counted("d2", "rep-1", 2),  # the same decision sent again: not a second holder
            counted("d3", "rep-1", 2),  # the counter went back: 2 handed out again
            counted("d4", "rep-2", 2),  # another rep's own count
            counted("d5", "rep-1", 1, day="2026-12-07"),  # a new day starts at 1 again
        ],
    )

    row = row_for([], outputs)

    assert row.counts_given_twice == 1
    assert judge(row, resume_limit=None).reasons == ("1 day counts given to two leads",)


def test_a_routed_record_is_counted_on_its_reps_local_day() -> None:
    tokyo = Rep(rep_id="rep-1", name="Rep One", queues=("inside-sales",), timezone="Asia/Tokyo")
    value = {
        "decision_id": "d1", "event_id": "e1", "lead_identity": ALICE, "queue": "inside-sales",
        "rep_id": "rep-1", "decision": {"generation": 1, "counters": {"assigned_today": 4}},
        "timestamps": {"routed_at": "2026-12-06T20:00:00+00:00"},
    }  # fmt: skip

    known = routed_record(value, {"rep-1": tokyo})
    unknown = routed_record(value, {})

    assert known.day_count == ("2026-12-07", 4)  # 05:00 the next morning in Tokyo
    assert unknown.day_count is None


def test_the_read_back_says_how_many_leads_were_routed_and_how_many_after_an_overflow() -> None:
    def queue_record(decision: str, overflowed_from: list[str]) -> Consumed:
        value = {
            "decision_id": decision, "event_id": decision, "lead_identity": ALICE,
            "queue": "inside-sales", "rep_id": None,
            "decision": {"generation": 1, "overflowed_from": overflowed_from},
        }  # fmt: skip
        return Consumed("p.sales.queue.inside-sales.v1", orjson.dumps(value), 0)

    records = [queue_record("d1", []), queue_record("d2", ["field-sales-na"])]

    outputs, notes = read_outputs(records, "p.")

    assert [record.overflowed for record in outputs.routed] == [False, True]
    assert notes == ["2 routed, 1 of them after overflowing a full queue"]


def test_dead_letters_account_for_valid_events_and_count_malformed_ones() -> None:
    produced = [
        event(0, "e1"),
        ProducedRecord(partition=1, offset=0),
        ProducedRecord(partition=1, offset=1),
        event(2, "e2"),
    ]
    letters = [
        DeadLetterRecord("processing_error", input_position=(0, 0)),
        DeadLetterRecord("not_json", input_position=(1, 0)),
        DeadLetterRecord("processing_error", event_id="e2"),
    ]

    row = account("fuzz", 1, produced, Outputs(dead_letters=letters), Faults())

    assert (row.produced, row.accounted, row.lost) == (2, 2, 0)
    assert (row.malformed_produced, row.malformed_dead_lettered, row.dead_letters) == (2, 1, 3)
    assert judge(row, resume_limit=None).reasons == ("1 malformed records not dead-lettered",)


def test_an_event_produced_twice_on_purpose_counts_its_copy_as_accounted() -> None:
    row = row_for([event(0, "e1"), event(1, "e1")], Outputs(decisions=[nurtured("e1")]))

    assert (row.produced, row.accounted, row.lost) == (2, 2, 0)
    assert "1 valid events produced twice" in row.notes


def test_resume_is_measured_to_the_first_output_after_each_restart() -> None:
    assert resume_seconds([10.0, 20.0, 50.0], [9.0, 12.5, 21.0, 23.0]) == (2.5, 1.0, None)


def test_the_resume_check_fails_a_slow_or_missing_resume_only_when_asked() -> None:
    faults = Faults(resume_points=[10.0, 30.0], restarts=2)
    outputs = Outputs(decisions=[nurtured("e1")], timestamps=[25.0, 31.0])

    row = row_for([event(0, "e1")], outputs, faults)

    assert (row.resume_max, row.resume_median, row.not_resumed) == (15.0, 8.0, 0)
    assert judge(row, resume_limit=None).passed
    assert judge(row, resume_limit=10).reasons == ("resume took 15.0 s > 10 s",)


def test_a_later_stages_dead_letter_is_traced_to_the_input_record_it_came_from() -> None:
    keyed = {"identity": ALICE, "source": {"topic": "p.leads.events.v1", "partition": 3,
                                           "offset": 7}}  # fmt: skip
    qualified = {"decision_id": "d", "event_id": "e9"}

    def letter(source_topic: str, original: Mapping[str, object]) -> dict[str, object]:
        value = base64.b64encode(orjson.dumps(original)).decode()
        return {"reason": "processing_error", "source_topic": source_topic, "value_b64": value}

    from_profile = dead_letter_record(letter("p.keyed", keyed), "p.leads.events.v1")
    from_assign = dead_letter_record(letter("p.qualified", qualified), "p.leads.events.v1")

    assert from_profile.input_position == (3, 7)
    assert from_assign.event_id == "e9"


def test_records_of_aborted_transactions_that_reached_no_output_pass() -> None:
    produced = [event(0, "e1")]
    aborted = [event(1, "x1", BOB), ProducedRecord(partition=0, offset=2)]

    row = account(
        "aborted", 1, produced, Outputs(decisions=[nurtured("e1")]), Faults(), (), aborted
    )

    assert (row.produced, row.accounted, row.aborted_produced, row.aborted_decided) == (1, 1, 2, 0)
    assert judge(row, resume_limit=None).passed
    assert "0/2" in format_table([(row, judge(row, resume_limit=None))])


def test_an_aborted_record_decided_routed_or_dead_lettered_fails_the_verdict() -> None:
    aborted = [
        event(1, "x1", BOB),
        event(2, "x2", BOB),
        ProducedRecord(partition=0, offset=3),
        event(4, "x4", BOB),
    ]
    outputs = Outputs(
        decisions=[nurtured("e1"), nurtured("x1", BOB), nurtured("x1", BOB)],
        routed=[routed("x2", identity=BOB)],
        dead_letters=[DeadLetterRecord("not_json", input_position=(0, 3))],
    )

    row = account("aborted", 1, [event(0, "e1")], outputs, Faults(), (), aborted)

    assert row.aborted_decided == 3  # x1 (twice, one record), x2 and the invalid record; not x4
    assert judge(row, resume_limit=None).reasons == (
        "3 records of aborted transactions reached an output",
    )


def test_an_aborted_copy_of_a_committed_event_is_not_blamed_for_the_committed_ones_outputs() -> (
    None
):
    row = account(
        "aborted", 1, [event(0, "e1")], Outputs(decisions=[nurtured("e1")]), Faults(), (),
        [event(1, "e1")],
    )  # fmt: skip

    assert (row.accounted, row.aborted_decided) == (1, 0)


def test_the_table_names_the_failure() -> None:
    row = row_for([event(0, "e1")], Outputs())

    table = format_table([(row, judge(row, resume_limit=None))])

    assert "FAIL" in table
    assert "kill9 seed 1: 1 lost" in table
