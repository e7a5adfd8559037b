"""The fault suite's bookkeeping, with no Kafka: what was produced and what came out
(`dev.faults.observations`), as a row.

Decisions carry no event id, but their ids are derived from one: a nurtured or already-routed
decision is named `decision_id(f"{identity}|{event_id}", generation)` (`service.pipeline`), so
the harness names every valid event's candidate decisions itself; a routed decision is named by
lead and generation, and its queue record says which event made the lead sales-ready.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

from dev.faults.observations import Faults, Outputs, ProducedRecord, RoutedRecord
from service.decision_ids import decision_id

# Generations a lead can reach in a run without sales feedback: 0 while nurtured, 1 once
# routed. A few more keep a replay that advanced a generation wrongly visible, not unknown.
MAX_GENERATION = 3
DEAD_LETTERED = "dead_letter"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: one scenario with one seed."""

    scenario: str
    seed: int
    produced: int
    accounted: int
    lost: int
    ended_twice: int
    duplicate_copies: int
    two_rep_decisions: int
    leads_assigned_twice: int
    restarts: int
    resume_seconds: tuple[float | None, ...]
    malformed_produced: int
    malformed_dead_lettered: int
    dead_letters: int
    unplanned_exits: int
    two_queue_decisions: int = 0
    routed_without_queue_record: int = 0
    counts_given_twice: int = 0
    # Records of transactions the feed aborted, and how many of them reached an output.
    aborted_produced: int = 0
    aborted_decided: int = 0
    lost_sample: tuple[str, ...] = ()
    twice_sample: tuple[str, ...] = ()  # "event id: ending+ending"
    notes: tuple[str, ...] = field(default=())

    @property
    def resume_max(self) -> float | None:
        known = [s for s in self.resume_seconds if s is not None]
        return max(known) if known else None

    @property
    def resume_median(self) -> float | None:
        known = [s for s in self.resume_seconds if s is not None]
        return median(known) if known else None

    @property
    def not_resumed(self) -> int:
        return sum(1 for s in self.resume_seconds if s is None)


def resume_seconds(
    points: Iterable[float], timestamps: Iterable[float]
) -> tuple[float | None, ...]:
    """For each moment, the seconds until the first output record stamped after it (None: no
    output after it at all). A restart superseded by another before any output is measured to
    the same first output: the pipeline was not producing for all that time."""
    stamps = sorted(timestamps)
    result: list[float | None] = []
    for point in points:
        later = next((stamp for stamp in stamps if stamp > point), None)
        result.append(None if later is None else round(later - point, 3))
    return tuple(result)


def counts_given_twice(routed: Iterable[RoutedRecord]) -> int:
    """Day counts (queue, rep, local day, count) that two decisions were given. A rep's counter
    that went back after a restart hands the same count out again, and a capacity that trusts
    it lets the rep go past their cap; a re-sent decision repeats its own count, not another's."""
    holders: dict[tuple[str, str, str, int], set[str]] = defaultdict(set)
    for record in routed:
        if record.rep_id is not None and record.day_count is not None:
            day, count = record.day_count
            holders[(record.queue, record.rep_id, day, count)].add(record.decision_id)
    return sum(1 for decisions in holders.values() if len(decisions) > 1)


def candidate_decisions(produced: Iterable[ProducedRecord]) -> dict[str, str]:
    """decision id -> event id, for the nurtured and already-routed decisions each valid event
    can have (one per generation)."""
    names: dict[str, str] = {}
    for record in produced:
        if record.event_id is None or record.identity is None:
            continue
        named = f"{record.identity}|{record.event_id}"
        for generation in range(MAX_GENERATION + 1):
            names[decision_id(named, generation)] = record.event_id
    return names


def aborted_decided(
    aborted: Sequence[ProducedRecord], produced: Sequence[ProducedRecord], outputs: Outputs
) -> int:
    """Records of aborted transactions that reached an output: a queue record or a decision of
    their event, or a dead letter of their event or their position (an invalid record). An
    event id that a committed record carries too is left out: its outputs are that record's."""
    committed = {r.event_id for r in produced if r.event_id is not None}
    positions = {(r.partition, r.offset) for r in aborted}
    by_event = {
        r.event_id: (r.partition, r.offset)
        for r in aborted
        if r.event_id is not None and r.event_id not in committed
    }
    names = {
        name: event_id
        for name, event_id in candidate_decisions(aborted).items()
        if event_id in by_event
    }
    events = {r.event_id for r in outputs.routed}
    events.update(names[d.decision_id] for d in outputs.decisions if d.decision_id in names)
    events.update(letter.event_id for letter in outputs.dead_letters if letter.event_id)
    reached = {by_event[event_id] for event_id in events if event_id in by_event}
    reached.update(
        letter.input_position
        for letter in outputs.dead_letters
        if letter.input_position in positions
    )
    return len(reached)


def account(
    scenario: str,
    seed: int,
    produced: Sequence[ProducedRecord],
    outputs: Outputs,
    faults: Faults,
    notes: Sequence[str] = (),
    aborted: Sequence[ProducedRecord] = (),
) -> Row:
    """The table row: where every produced valid event ended, and what went wrong on the way;
    `aborted`: records the feed wrote in transactions it aborted, which must reach no output."""
    by_position = {(r.partition, r.offset): r for r in produced}
    copies = Counter(r.event_id for r in produced if r.event_id is not None)
    endings: dict[str, set[str]] = {event_id: set() for event_id in copies}
    names = candidate_decisions(produced)

    events_by_decision: dict[str, set[str]] = defaultdict(set)
    reps_by_decision: dict[str, set[str | None]] = defaultdict(set)
    queues_by_decision: dict[str, set[str]] = defaultdict(set)
    decisions_by_generation: dict[tuple[str, int], set[str]] = defaultdict(set)
    for routed in outputs.routed:
        events_by_decision[routed.decision_id].add(routed.event_id)
        reps_by_decision[routed.decision_id].add(routed.rep_id)
        queues_by_decision[routed.decision_id].add(routed.queue)
        decisions_by_generation[(routed.lead_identity, routed.generation)].add(routed.decision_id)

    unexplained: list[str] = []
    routed_without_queue: set[str] = set()
    for decision in outputs.decisions:
        if decision.outcome == "routed":
            events = events_by_decision.get(decision.decision_id)
            if not events:
                routed_without_queue.add(decision.decision_id)
            for routed_event in events or ():
                if routed_event in endings:
                    endings[routed_event].add("routed")
            continue
        named = names.get(decision.decision_id)
        if named is None:
            unexplained.append(decision.decision_id)
        else:
            endings[named].add(decision.outcome)

    malformed_dead: set[tuple[int, int]] = set()
    for letter in outputs.dead_letters:
        source = by_position.get(letter.input_position) if letter.input_position else None
        letter_event = source.event_id if source is not None else letter.event_id
        if source is not None and not source.is_valid:
            malformed_dead.add((source.partition, source.offset))
        elif letter_event is not None and letter_event in endings:
            endings[letter_event].add(DEAD_LETTERED)

    lost = sorted(event_id for event_id, ends in endings.items() if not ends)
    twice = [event_id for event_id, ends in endings.items() if len(ends) > 1]
    repeated = copies.total() - len(copies)  # produced twice on purpose: a counted duplicate
    routed_copies = Counter(routed.event_id for routed in outputs.routed)
    row_notes = list(notes)
    if unexplained:
        row_notes.append(f"{len(set(unexplained))} decision ids match no produced event")
    return Row(
        scenario=scenario,
        seed=seed,
        produced=copies.total(),
        accounted=sum(n for event_id, n in copies.items() if len(endings[event_id]) == 1),
        lost=sum(copies[event_id] for event_id in lost),
        ended_twice=sum(copies[event_id] for event_id in twice),
        duplicate_copies=sum(count - 1 for count in routed_copies.values()),
        two_rep_decisions=sum(1 for reps in reps_by_decision.values() if len(reps) > 1),
        leads_assigned_twice=len(
            {lead for (lead, _), ids in decisions_by_generation.items() if len(ids) > 1}
        ),
        restarts=faults.restarts,
        resume_seconds=resume_seconds(faults.resume_points, outputs.timestamps),
        malformed_produced=sum(1 for r in produced if not r.is_valid),
        malformed_dead_lettered=len(malformed_dead),
        dead_letters=len(outputs.dead_letters),
        unplanned_exits=faults.unplanned_exits,
        two_queue_decisions=sum(1 for queues in queues_by_decision.values() if len(queues) > 1),
        routed_without_queue_record=len(routed_without_queue),
        counts_given_twice=counts_given_twice(outputs.routed),
        aborted_produced=len(aborted),
        aborted_decided=aborted_decided(aborted, produced, outputs) if aborted else 0,
        lost_sample=tuple(lost[:10]),
        twice_sample=tuple(
            f"{event_id}: {'+'.join(sorted(endings[event_id]))}" for event_id in twice[:10]
        ),
        notes=(*row_notes, *([f"{repeated} valid events produced twice"] if repeated else [])),
    )
