"""Fair credit: a lead a rep lost through no choice of theirs gives their rotation turn back."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from schemas.reps import Rep
from service.assignment import pool_of
from service.availability import local_day
from service.queue_state import QueueState

MAX_CREDITS_PER_DAY = 3


def return_turn(
    queue_name: str,
    state: QueueState,
    rep_id: str,
    reps: Mapping[str, Rep],
    now: datetime,
    cap: int = MAX_CREDITS_PER_DAY,
) -> tuple[QueueState, int] | None:
    """Give a rep back the turn a lead cost them in weighted round robin.

    A lead taken away by escalation (or rejected as not a fit) should not cost the rep their
    share: they get back what the smooth weighted rotation charged them (the pool's total
    weight), so they come up again sooner. At most `cap` credits per rep per local day and
    queue, so nobody can game the rotation by refusing leads. Returns the new state and the
    rep's credits today, or None when nothing was given back.
    """
    rep = reps.get(rep_id)
    if rep is None or queue_name not in rep.queues:
        return None
    day = local_day(rep, now).isoformat()
    credits = {credited: (d, n) for credited, d, n in state.credits}
    last_day, count = credits.get(rep_id, ("", 0))
    used = count if last_day == day else 0
    if used >= cap:
        return None
    total = sum(reps[member].weight for member in pool_of(queue_name, reps))
    weights = dict(state.current_weights)
    weights[rep_id] = weights.get(rep_id, 0) + total
    credits[rep_id] = (day, used + 1)
    new_state = replace(
        state,
        current_weights=tuple(sorted(weights.items())),
        credits=tuple(sorted((r, d, n) for r, (d, n) in credits.items())),
    )
    return new_state, used + 1
