"""Input partitions that stopped moving while records wait in them.

Lag alone does not tell a busy worker from a stuck one. `StallWatch` sees, at each lag reading,
a partition's committed offset and its end; when records wait and the committed offset has not
moved for `after_s` seconds it reports the partition once (again only after it moved and stuck
anew). The caller logs where the records stand: fetched or not, begun by the stage or not.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class _Since:
    committed: int | None
    at: float
    reported: bool = False


class StallWatch:
    def __init__(self, after_s: float) -> None:
        self.after_s = after_s
        self._since: dict[Any, _Since] = {}

    def check(self, tp: Any, committed: int | None, end: int, now: float) -> float | None:
        """Seconds `tp` has waited with records behind its unmoved committed offset, the first
        time that reaches `after_s`; None otherwise."""
        since = self._since.get(tp)
        if end <= (committed or 0) or since is None or since.committed != committed:
            self._since[tp] = _Since(committed, now)
            return None
        waited = now - since.at
        if since.reported or waited < self.after_s:
            return None
        since.reported = True
        return waited

    def forget_all_but(self, assigned: Any) -> None:
        """Drop partitions no longer assigned here."""
        for tp in set(self._since) - set(assigned):
            del self._since[tp]
