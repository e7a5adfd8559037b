"""What one queue remembers between leads, and how a replay puts back what a crash lost."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class QueueState:
    """Everything one queue remembers between leads; serialise with to_dict / from_dict.

    `last_rep_id`: who got the previous round-robin lead. `current_weights`: smooth weighted
    round-robin credit per rep. `day_counts`: leads per rep on their local day
    (rep id, ISO date, count). `last_turns`: for account teams, the turn on which each rep last
    got a lead. `assigned_total`: leads this queue has assigned, which numbers the turns.
    All tuples are sorted by rep id so equal states compare equal.
    """

    last_rep_id: str | None = None
    current_weights: tuple[tuple[str, int], ...] = ()
    day_counts: tuple[tuple[str, str, int], ...] = ()
    last_turns: tuple[tuple[str, int], ...] = ()
    assigned_total: int = 0
    # Turns given back today (rep id, ISO date, count): capped per rep per local day.
    credits: tuple[tuple[str, str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "last_rep_id": self.last_rep_id,
            "current_weights": dict(self.current_weights),
            "day_counts": {rep: [day, count] for rep, day, count in self.day_counts},
            "last_turns": dict(self.last_turns),
            "assigned_total": self.assigned_total,
            "credits": {rep: [day, count] for rep, day, count in self.credits},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "QueueState":
        """Read what `to_dict` wrote; raises ValueError for anything else."""
        try:
            last = data.get("last_rep_id")
            weights = {
                str(rep): int(value) for rep, value in data.get("current_weights", {}).items()
            }
            days = {
                str(rep): (str(day), int(count))
                for rep, (day, count) in data.get("day_counts", {}).items()
            }
            turns = {str(rep): int(value) for rep, value in data.get("last_turns", {}).items()}
            total = int(data.get("assigned_total", 0))
            credits = {
                str(rep): (str(day), int(count))
                for rep, (day, count) in data.get("credits", {}).items()
            }
        except (AttributeError, TypeError, ValueError) as error:
            raise ValueError(f"not a queue state: {error}") from error
        if last is not None and not isinstance(last, str):
            raise ValueError("not a queue state: last_rep_id must be text or null")
        return cls(
            last_rep_id=last,
            current_weights=tuple(sorted(weights.items())),
            day_counts=tuple(sorted((rep, day, count) for rep, (day, count) in days.items())),
            last_turns=tuple(sorted(turns.items())),
            assigned_total=total,
            credits=tuple(sorted((rep, day, count) for rep, (day, count) in credits.items())),
        )

    def is_newer_than(self, stored: "QueueState | None") -> bool:
        """Whether this state, recorded with an assignment, is one the stored state has not
        seen yet (a crash lost the write that would have stored it).

        Every assignment advances `assigned_total` and nothing else sets it back, so it orders
        a queue's states; a credit given since keeps the total and is newer than this state.
        """
        seen = 0 if stored is None else stored.assigned_total
        return self.assigned_total > seen
