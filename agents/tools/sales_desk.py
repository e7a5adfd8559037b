"""The simulated sales desk: what it read from the queue topics and which answers are due.

Pure bookkeeping, no Kafka and no clock: `receive` takes a queue record and the time it was
read, `due` the time now. A routed decision is answered as `answer_for` says, counted from its
routing; a withdrawn one (escalation took it away) is never answered afterwards, whatever was
planned for it; a decision seen again (a replay) is answered once.
"""

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import orjson
from pydantic import AwareDatetime, ValidationError

from agents.tools.sales_policy import Answer, SalesTeam, answer_for
from schemas.base import InputModel
from schemas.feedback import FeedbackOutcome, SalesFeedback

# Decisions remembered as seen or withdrawn; far more than a demo routes within its SLAs.
REMEMBERED = 100_000


class RoutedTimes(InputModel):
    routed_at: AwareDatetime | None = None


class RoutedLeadSeen(InputModel):
    """The part of a `LeadRouted` record a sales tool needs (a tolerant reader)."""

    decision_id: str
    lead_identity: str
    queue: str
    rep_id: str | None = None
    timestamps: RoutedTimes = RoutedTimes()


class WithdrawalSeen(InputModel):
    """The part of a `LeadWithdrawn` record a sales tool needs."""

    type: Literal["lead_withdrawn"]
    decision_id: str


QueueRecord = RoutedLeadSeen | WithdrawalSeen


def read_queue_record(value: bytes | None) -> QueueRecord | None:
    """A record of a `sales.queue.<queue>.v1` topic: a withdrawal when its `type` says so, else
    a routed lead; None when it is neither."""
    try:
        raw = orjson.loads(value or b"")
        if not isinstance(raw, dict):
            return None
        if raw.get("type") == "lead_withdrawn":
            return WithdrawalSeen.model_validate(raw)
        return RoutedLeadSeen.model_validate(raw)
    except (orjson.JSONDecodeError, ValidationError):
        return None


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer going out, with the queue it came from."""

    feedback: SalesFeedback
    queue: str


@dataclass(order=True, frozen=True, slots=True)
class _Planned:
    at: datetime
    sequence: int
    outcome: FeedbackOutcome = field(compare=False)
    lead: RoutedLeadSeen = field(compare=False)
    reason: str | None = field(compare=False, default=None)


class _Remembered:
    """A set that forgets its oldest members past `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._members: dict[str, None] = {}

    def __contains__(self, member: str) -> bool:
        return member in self._members

    def add(self, member: str) -> None:
        self._members[member] = None
        if len(self._members) > self.size:
            del self._members[next(iter(self._members))]


class SalesDesk:
    def __init__(self, team: SalesTeam, remembered: int = REMEMBERED) -> None:
        self.team = team
        self._planned: list[_Planned] = []
        self._sequence = 0
        self._seen = _Remembered(remembered)
        self._withdrawn = _Remembered(remembered)

    def receive(self, record: QueueRecord, read_at: datetime) -> Answer | None:
        """Take in a queue record: a new routed decision gets its answer planned (returned, the
        ignored ones included); a withdrawal voids its decision. None when nothing new."""
        if isinstance(record, WithdrawalSeen):
            self._withdrawn.add(record.decision_id)
            return None
        if record.decision_id in self._seen or record.decision_id in self._withdrawn:
            return None
        self._seen.add(record.decision_id)
        answer = answer_for(record.decision_id, self.team)
        if answer.verdict == "ignored":
            return answer
        answered_at = (record.timestamps.routed_at or read_at) + answer.after
        self._plan(answered_at, answer.verdict, record, answer.reason)
        if answer.converts_after is not None:
            self._plan(answered_at + answer.converts_after, "converted", record)
        return answer

    def due(self, now: datetime) -> list[Reply]:
        """The answers due by `now`, in the order they fell due; `occurred_at` is now."""
        replies = []
        while self._planned and self._planned[0].at <= now:
            planned = heapq.heappop(self._planned)
            lead = planned.lead
            if lead.decision_id in self._withdrawn:
                continue
            feedback = SalesFeedback(
                decision_id=lead.decision_id,
                lead_identity=lead.lead_identity,
                outcome=planned.outcome,
                rep_id=lead.rep_id,
                reason=planned.reason,
                occurred_at=now,
            )
            replies.append(Reply(feedback, lead.queue))
        return replies

    @property
    def waiting(self) -> int:
        """Answers planned and not yet due (withdrawn ones included until they fall due)."""
        return len(self._planned)

    def _plan(
        self,
        at: datetime,
        outcome: FeedbackOutcome,
        lead: RoutedLeadSeen,
        reason: str | None = None,
    ) -> None:
        self._sequence += 1
        heapq.heappush(self._planned, _Planned(at, self._sequence, outcome, lead, reason))
