"""Input partitions that stopped moving while records wait in them.

Lag alone does not tell a busy worker from a stuck one, and a few records stuck (one lead's) never
reach a lag alert's threshold. `StallWatch` sees, at each lag reading, a partition's committed
offset and its end: records wait when the end is past the commit, and the partition is stalled for
as long as they wait behind the same committed offset. The caller exports that time as a gauge and,
once per stall past `report_after_s`, asks the broker whether a record really waits there: past the
last record of a transactional producer's writes the end counts a commit marker that no stage ever
receives, and such a partition is idle (`idle`). Otherwise it logs where the records stand.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class _Since:
    committed: int | None
    at: float
    reported: bool = False
    # The end up to which only markers follow the commit (asked of the broker); None: not asked.
    idle_until: int | None = None


@dataclass(frozen=True, slots=True)
class Stall:
    seconds: float  # how long records have waited behind the same committed offset (0: moving)
    report: bool  # the first reading past the report threshold in this stall


MOVING = Stall(0.0, False)


class StallWatch:
    def __init__(self, report_after_s: float) -> None:
        self.report_after_s = report_after_s
        self._since: dict[Any, _Since] = {}

    def check(self, tp: Any, committed: int | None, end: int, now: float) -> Stall:
        """The partition's stall at this reading of its committed offset and end."""
        since = self._since.get(tp)
        if end <= (committed or 0) or since is None or since.committed != committed:
            self._since[tp] = _Since(committed, now)
            return MOVING
        if since.idle_until is not None:
            if end <= since.idle_until:
                return MOVING
            # A record came after the markers: it waits from now.
            self._since[tp] = _Since(committed, now)
            return MOVING
        waited = now - since.at
        report = not since.reported and waited >= self.report_after_s
        since.reported = since.reported or report
        return Stall(waited, report)

    def idle(self, tp: Any, committed: int | None, end: int) -> None:
        """Only markers follow `committed` in `tp` up to `end`: not a stall while both stay."""
        since = self._since.get(tp)
        if since is not None and since.committed == committed:
            since.idle_until = end

    def forget_all_but(self, assigned: Any) -> None:
        """Drop partitions no longer assigned here."""
        for tp in set(self._since) - set(assigned):
            del self._since[tp]
