"""What a fault run put in and got out, reduced to the few fields the accounting
(`dev.faults.accounting`) needs, and what the harness did to it on the way.

An input record is known by its partition and offset on `leads.events.v1` (the producer's
acknowledgement says where it landed); a valid one also by its event id and lead identity, which
the harness reads with the worker's own pure intake (`service.intake`). Outputs are read back
whole once the pipeline is quiet and reduced to these records (`dev.faults.records`).
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProducedRecord:
    """One record the harness put on the input topic; `event_id` is None for an invalid one."""

    partition: int
    offset: int
    event_id: str | None = None
    identity: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.event_id is not None


@dataclass(frozen=True, slots=True)
class RoutedRecord:
    """One `LeadRouted` on a sales queue topic."""

    decision_id: str
    event_id: str
    lead_identity: str
    generation: int
    rep_id: str | None
    queue: str
    # The rep's local day and the day count the decision gave the lead (None: no rep).
    day_count: tuple[str, int] | None = None
    # Whether the lead came to this queue after overflowing a full one.
    overflowed: bool = False


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One `Decision` on `leads.decisions.v1`."""

    decision_id: str
    outcome: str
    lead_identity: str
    generation: int


@dataclass(frozen=True, slots=True)
class DeadLetterRecord:
    """One dead letter, traced back to the input record where it can be: directly (intake) or
    through the keyed record's source (profile); `event_id` when only that is known (assign)."""

    reason: str
    input_position: tuple[int, int] | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outputs:
    routed: Sequence[RoutedRecord] = ()
    decisions: Sequence[DecisionRecord] = ()
    dead_letters: Sequence[DeadLetterRecord] = ()
    # Kafka timestamps (epoch seconds) of every output record: when the pipeline produced.
    timestamps: Sequence[float] = ()


@dataclass(frozen=True, slots=True)
class Faults:
    """What the harness did and saw: moments (epoch seconds) after which the pipeline should
    resume (every worker restart, the broker being back), restarts, and exits it did not cause."""

    resume_points: Sequence[float] = ()
    restarts: int = 0
    unplanned_exits: int = 0
