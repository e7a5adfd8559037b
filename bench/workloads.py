"""The bench's workloads by name: the synthetic feed, and a real-shaped one of website visits.

`synthetic` is `agents.tools.synthetic.SyntheticFeed` (about a fifth new leads, engagement
weighted as marketing automation sees it, schema 1.0). `real-shaped` is
`bench.website_traffic.RealShapedFeed`, what a marketing site sends (schema 1.1): visits of
several pages, leads that come back with their attribution, and buyers whose visits end in a
demo request or a call with sales, so they become sales-ready. With `bench_reps(capacity=...)`
their queues fill up and many of them overflow, as on a busy day.

Both are seeded (one `random.Random`, and one for the keys) and cheap: values pre-drawn where
they repeat, a handful of `random()` calls per event. A share of each one's valid records is keyed
by the lead's identity as intake computes it (the worker takes those without re-keying), the rest
by its external id: all of them in the synthetic workload (the bench measures that path), four in
five in the real-shaped one (one lead's events arrive both ways, as from several marketing systems).
"""

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol

from agents.tools.synthetic import Record, SyntheticFeed
from bench.website_traffic import RealShapedFeed
from schemas.accounts import Account

Workload = Literal["synthetic", "real-shaped"]
WORKLOADS: Final[tuple[Workload, ...]] = ("synthetic", "real-shaped")
# Leads per day a rotating bench rep takes in the real-shaped workload (the demo reps keep their
# own capacities, 8 to 40): the queues fill and later sales-ready leads overflow.
REAL_SHAPED_REP_CAPACITY: Final = 10
# Share of the valid records keyed by the lead's identity, unless the bench is told otherwise.
IDENTITY_KEYED: Final[dict[Workload, float]] = {"synthetic": 1.0, "real-shaped": 0.8}


class Feed(Protocol):
    def next_event(self, now: datetime) -> Record: ...

    def events(self, n: int, start: datetime, interval: timedelta) -> Iterator[Record]: ...


def make_feed(
    workload: Workload,
    seed: int,
    accounts: Sequence[Account],
    garbage_share: float = 0.0,
    identity_keyed: float | None = None,
) -> Feed:
    """The workload's feed; `identity_keyed` None: the workload's share (`IDENTITY_KEYED`)."""
    share = IDENTITY_KEYED[workload] if identity_keyed is None else identity_keyed
    if workload == "real-shaped":
        return RealShapedFeed(seed, accounts, garbage_share=garbage_share, identity_keyed=share)
    return SyntheticFeed(seed, accounts, garbage_share=garbage_share, identity_keyed=share)


def rep_capacity(workload: Workload) -> int | None:
    """Daily capacity of the rotating bench reps: none for synthetic (routing never depends on
    how many leads a rep had), some for real-shaped (queues fill, leads overflow)."""
    return REAL_SHAPED_REP_CAPACITY if workload == "real-shaped" else None
