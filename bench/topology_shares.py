"""How the three-stage passthrough splits its records like the router, without deciding anything.

The router's second stage routes, nurtures or only records a decision for each keyed event, and
its third stage sometimes passes a lead on to another queue (overflow). The passthrough has no
domain to decide with, so it draws each outcome from a checksum of the record's bytes against
`Shares` taken from the router's run on the same events (its topic counts): the same records
per event, in about the same mix, without the work that decides them.
"""

import zlib
from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["routed", "nurtured", "decided", "dropped"]
# The router's assign stage follows an overflow path at most this many hops.
MAX_OVERFLOW_HOPS = 5
_SPAN = float(2**32)
# Shares travel as text with 6 decimals: their sum may then be 1 by a few millionths over.
_TOLERANCE = 1e-5


@dataclass(frozen=True, slots=True)
class Shares:
    """Of the records reaching the second stage: `routed` go to the qualified topic, `nurtured`
    get a nurture record and a decision, `decided` only a decision (the router's "already
    routed"); the rest nothing (duplicates). `overflow`: the chance that the third stage passes
    a lead on to another queue instead of assigning it, at each hop."""

    routed: float
    nurtured: float
    decided: float
    overflow: float = 0.0

    def __post_init__(self) -> None:
        parts = (self.routed, self.nurtured, self.decided, self.overflow)
        if any(not 0.0 <= part <= 1.0 for part in parts):
            raise ValueError(f"shares are between 0 and 1: {self}")
        if self.routed + self.nurtured + self.decided > 1.0 + _TOLERANCE:
            raise ValueError(f"routed + nurtured + decided is more than 1: {self}")

    def as_args(self) -> list[str]:
        """The passthrough's command-line options for these shares."""
        return [
            f"--routed={self.routed:.6f}",
            f"--nurtured={self.nurtured:.6f}",
            f"--decided={self.decided:.6f}",
            f"--overflow={self.overflow:.6f}",
        ]


# The synthetic workload as the router handled it in bench/results/20261201T082341Z.json
# (198,068 keyed: 18,537 routed, 130,292 nurtured, 49,239 already routed); used when the
# router did not run first.
SYNTHETIC_SHARES = Shares(routed=0.0936, nurtured=0.6578, decided=0.2486, overflow=0.0)


def router_shares(
    *, keyed: int, qualified: int, queued: int, nurtured: int, decisions: int
) -> Shares | None:
    """The router's mix from its topic counts, or None when it keyed nothing.

    Every lead that reached a queue topic (`queued`) was assigned there once, and every other
    qualified record was an overflow hop; the assign stage wrote one decision per queued lead
    and the profile stage the rest (nurtured and already routed).
    """
    if keyed <= 0:
        return None
    routed = min(queued, qualified)
    hops = qualified - routed
    per_hop = hops / (routed + hops) if routed + hops else 0.0
    decided = max(0, decisions - routed - nurtured)
    # More outcomes than keyed events (a replay after a restart) scale down to one per event.
    scale = max(keyed, routed + nurtured + decided)
    return Shares(
        routed=routed / scale, nurtured=nurtured / scale, decided=decided / scale, overflow=per_hop
    )


def draw(value: bytes, salt: int = 0) -> float:
    """A uniform draw in [0, 1) fixed by the bytes (and a salt): the same record, the same draw
    on every run, at the cost of a checksum."""
    return zlib.crc32(value, salt) / _SPAN


def outcome_of(value: bytes, shares: Shares) -> Outcome:
    """What the second stage sends for this record."""
    point = draw(value)
    if point < shares.routed:
        return "routed"
    if point < shares.routed + shares.nurtured:
        return "nurtured"
    if point < shares.routed + shares.nurtured + shares.decided:
        return "decided"
    return "dropped"


def overflows(value: bytes, hop: int, shares: Shares) -> bool:
    """Whether the third stage passes this record on instead of assigning it, at `hop`."""
    return hop < MAX_OVERFLOW_HOPS and draw(value, hop + 1) < shares.overflow


def lead_key(document: Any) -> bytes | None:
    """The lead's email (or the source's id for it) in a lead event envelope or CloudEvents
    data, as the re-keying field; None when the record names no lead."""
    lead = document.get("lead") if isinstance(document, dict) else None
    if not isinstance(lead, dict):
        return None
    found = lead.get("email") or lead.get("external_id")
    return found.encode() if isinstance(found, str) and found else None


def qualified_key(document: Any) -> bytes:
    """The field the qualified topic is keyed by: few distinct values, like the router's
    queue names (the lead's country as written, or "unknown")."""
    lead = document.get("lead") if isinstance(document, dict) else None
    country = lead.get("country") if isinstance(lead, dict) else None
    return country.encode() if isinstance(country, str) and country else b"unknown"
