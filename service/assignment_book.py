"""The book one assignment keeps: who can take the lead, the queue's next state, the result.

An `Assignment` is what assigning a lead in a queue decides; a `Book` reads the queue's
rotation state once and writes the next one, so that assigning stays pure.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from schemas.decisions import CandidateTrace
from schemas.reps import Rep
from service.availability import find_unavailability, local_day
from service.capacity import capacity_share
from service.queue_state import QueueState
from service.rules import QueueConfig, Strategy


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who got the lead, or where it overflows, with the trace of every rep considered.

    `rep_id` None and `overflow_to` None: the lead waits unassigned in this queue.
    """

    queue: str
    strategy: Strategy
    rep_id: str | None
    overflow_to: str | None
    candidates: tuple[CandidateTrace, ...]
    counters: dict[str, int]
    new_state: QueueState
    note: str = field(default="")

    @property
    def is_assigned(self) -> bool:
        return self.rep_id is not None


class Book:
    """Reads a state once per call and writes the next one; never touches the input."""

    def __init__(
        self, queue: QueueConfig, state: QueueState, reps: Mapping[str, Rep], now: datetime
    ):
        self.queue = queue
        self.state = state
        self.reps = reps
        self.now = now
        self.days = {rep: (day, count) for rep, day, count in state.day_counts}
        self._local_days: dict[str, str] = {}

    def local_day(self, rep_id: str, rep: Rep) -> str:
        day = self._local_days.get(rep_id)
        if day is None:
            day = self._local_days[rep_id] = local_day(rep, self.now).isoformat()
        return day

    def count_today(self, rep_id: str, rep: Rep) -> int:
        day, count = self.days.get(rep_id, ("", 0))
        return count if day == self.local_day(rep_id, rep) else 0

    def credits_today(self, rep_id: str, rep: Rep) -> int:
        for credited, day, count in self.state.credits:
            if credited == rep_id:
                return count if day == self.local_day(rep_id, rep) else 0
        return 0

    def pass_over(self, rep_id: str) -> CandidateTrace | None:
        """Why this rep cannot take the lead, or None if they can."""
        rep = self.reps.get(rep_id)
        if rep is None:
            return CandidateTrace(
                rep_id=rep_id, outcome="unknown_rep", detail="not in reps directory"
            )
        away = find_unavailability(
            rep, self.now, respect_availability=self.queue.respect_availability
        )
        if away is not None:
            return CandidateTrace(rep_id=rep_id, outcome=away.outcome, detail=away.detail)
        share = capacity_share(rep, self.queue.name)
        if self.queue.respect_capacity and share is not None:
            today = self.count_today(rep_id, rep)
            if today >= share:
                of = (
                    ""
                    if share == rep.daily_capacity
                    else f" (this queue's share of {rep.daily_capacity})"
                )
                return CandidateTrace(
                    rep_id=rep_id,
                    outcome="at_capacity",
                    detail=f"{today} of {share} leads today{of}",
                )
        return None

    def record(
        self,
        winner: str,
        *,
        last_rep_id: str | None = None,
        current_weights: tuple[tuple[str, int], ...] | None = None,
        take_turn: bool = False,
    ) -> tuple[QueueState, dict[str, int]]:
        rep = self.reps[winner]
        today = self.count_today(winner, rep) + 1
        days = dict(self.days)
        days[winner] = (self.local_day(winner, rep), today)
        turns = dict(self.state.last_turns)
        if take_turn:
            turns[winner] = self.state.assigned_total
        # Reps gone from the directory no longer need counters.
        state = QueueState(
            last_rep_id=self.state.last_rep_id if last_rep_id is None else last_rep_id,
            current_weights=(
                self.state.current_weights if current_weights is None else current_weights
            ),
            day_counts=tuple(sorted((r, day, n) for r, (day, n) in days.items() if r in self.reps)),
            last_turns=tuple(sorted((r, turn) for r, turn in turns.items() if r in self.reps)),
            assigned_total=self.state.assigned_total + 1,
            credits=self.state.credits,
        )
        counters = {"assigned_today": today}
        credits = self.credits_today(winner, rep)
        if credits:
            counters["credits_today"] = credits
        share = capacity_share(rep, self.queue.name)
        if share is not None and rep.daily_capacity is not None:
            counters["daily_capacity"] = share
            if share != rep.daily_capacity:
                counters["daily_capacity_all_queues"] = rep.daily_capacity
        return state, counters

    def assigned(
        self,
        rep_id: str,
        candidates: tuple[CandidateTrace, ...],
        state: QueueState,
        counters: dict[str, int],
        note: str,
    ) -> Assignment:
        """The lead goes to `rep_id`; `state` and `counters` are what `record` returned."""
        return Assignment(
            queue=self.queue.name,
            strategy=self.queue.strategy,
            rep_id=rep_id,
            overflow_to=None,
            candidates=candidates,
            counters=counters,
            new_state=state,
            note=note,
        )

    def overflow(self, candidates: tuple[CandidateTrace, ...], why: str) -> Assignment:
        target = self.queue.overflow
        where = f"overflow to {target}" if target else "left unassigned for a manager"
        return Assignment(
            queue=self.queue.name,
            strategy=self.queue.strategy,
            rep_id=None,
            overflow_to=target,
            candidates=candidates,
            counters={},
            new_state=self.state,
            note=f"{why}; {where}",
        )
