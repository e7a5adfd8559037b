"""Daily capacity across queues: each queue a rep works in gets a fixed share of the rep's day.

Queues are assigned on different partitions (possibly different workers), so no queue can see
what another assigned today. Rather than ask a central counter on every lead, a rep's daily
capacity is split over the queues their record lists, deterministically from the reps
directory alone: every partition computes the same shares, each enforces its own share with its
own per-queue count, and the shares add up to the capacity, so the rep never gets more leads in
a local day than `daily_capacity`, whichever workers assign them. The price: a share left
unused in a quiet queue is not lent to a busy one.

The remainder of the division goes to the queues first in name order (capacity 5 over two
queues: 3 and 2). A queue the record does not list (a rep who gets a lead as an account's owner
or team member) counts against the whole capacity in that queue alone: list every such queue in
`queues` for the cap to hold across them too.
"""

from schemas.reps import Rep


def capacity_share(rep: Rep, queue: str) -> int | None:
    """The leads `rep` may take from `queue` in one local day; None when unlimited."""
    capacity = rep.daily_capacity
    if capacity is None:
        return None
    queues = sorted(set(rep.queues))
    if queue not in queues or len(queues) == 1:
        return capacity
    base, extra = divmod(capacity, len(queues))
    return base + (1 if queues.index(queue) < extra else 0)
