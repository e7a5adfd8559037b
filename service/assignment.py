"""Assigning a routed lead to a rep of its queue by the queue's strategy.

Strategies:
- `account_owner`: the matched account's owner; if the owner cannot take it, the account's
  named cover rep; if neither can, the lead overflows.
- `account_team`: rotate among the matched account's team members who can take it (the member
  who waited longest since their last lead from this queue goes next).
- `round_robin`: rotate through the queue's pool in rep id order, one lead each.
- `weighted_round_robin`: smooth weighted round robin over the pool: a rep of weight 2 gets two
  leads for every one of a weight-1 rep, interleaved, and the split is exact over each cycle.
- `unassigned`: the lead waits in the queue without a rep; a manager picks.

The pool of a queue is every rep whose `queues` names it, in rep id order. Inactive reps never
get leads; queues that respect availability also skip reps out of office or outside their working
hours, and queues that respect capacity skip reps who reached their daily capacity (counted per
the rep's local day; a rep in several queues has a share of it in each, see `service.capacity`).
When nobody can take the lead it overflows to the queue's overflow queue, or stays unassigned in
this queue if it has none: the lead is never dropped.

`assign_lead` is pure: the rotation state goes in and the next state comes out.
"""

from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache

from schemas.decisions import CandidateTrace
from schemas.enrichment import AccountMatch
from schemas.reps import Rep
from service.assignment_book import Assignment, Book
from service.queue_state import QueueState
from service.rules import QueueConfig

_ASSIGNED = "assigned"


def pool_of(queue_name: str, reps: Mapping[str, Rep]) -> tuple[str, ...]:
    """The queue's pool: every rep whose queues name it, in rep id order."""
    return tuple(sorted(rep_id for rep_id, rep in reps.items() if queue_name in rep.queues))


# Traces are immutable; sharing one per rep saves validating a model per rep per lead.
@lru_cache(maxsize=4096)
def _assigned(rep_id: str, detail: str | None = None) -> CandidateTrace:
    return CandidateTrace(rep_id=rep_id, outcome=_ASSIGNED, detail=detail)


@lru_cache(maxsize=4096)
def _skipped(rep_id: str) -> CandidateTrace:
    return CandidateTrace(rep_id=rep_id, outcome="not_next_in_rotation")


def _account_owner(book: Book, account: AccountMatch | None) -> Assignment:
    if account is None:
        return book.overflow((), "no matched account")
    named = [("owner", account.owner_rep_id), ("cover", account.cover_rep_id)]
    candidates: list[CandidateTrace] = []
    seen: set[str] = set()
    for role, rep_id in named:
        if rep_id is None or rep_id in seen:
            continue
        seen.add(rep_id)
        passed = book.pass_over(rep_id)
        if passed is not None:
            candidates.append(passed)
            continue
        candidates.append(_assigned(rep_id, f"account {role}"))
        state, counters = book.record(rep_id)
        note = f"account {role} of {account.name}"
        return book.assigned(rep_id, tuple(candidates), state, counters, note)
    why = "neither owner nor cover rep can take it" if seen else "account has no owner or cover rep"
    return book.overflow(tuple(candidates), why)


def _account_team(book: Book, account: AccountMatch | None) -> Assignment:
    if account is None:
        return book.overflow((), "no matched account")
    team = sorted(set(account.account_team))
    if not team:
        return book.overflow((), "account has no team")
    passed = {rep_id: book.pass_over(rep_id) for rep_id in team}
    able = [rep_id for rep_id in team if passed[rep_id] is None]
    if not able:
        return book.overflow(
            tuple(t for t in passed.values() if t is not None), "no team member can take it"
        )
    turns = dict(book.state.last_turns)
    # Longest wait since their last lead goes first; never served counts as longest.
    winner = min(able, key=lambda rep_id: (turns.get(rep_id, -1), rep_id))
    candidates = tuple(
        _assigned(rep_id) if rep_id == winner else passed[rep_id] or _skipped(rep_id)
        for rep_id in team
    )
    state, counters = book.record(winner, take_turn=True)
    counters["team_size"] = len(team)
    counters["available"] = len(able)
    return book.assigned(winner, candidates, state, counters, f"account team of {account.name}")


def _rotation(book: Book, weighted: bool) -> Assignment:
    pool = pool_of(book.queue.name, book.reps)
    if not pool:
        return book.overflow((), "queue has no reps")
    passed = {rep_id: book.pass_over(rep_id) for rep_id in pool}
    able = [rep_id for rep_id in pool if passed[rep_id] is None]
    if not able:
        return book.overflow(
            tuple(t for t in passed.values() if t is not None), "nobody can take it"
        )
    weights: tuple[tuple[str, int], ...] | None = None
    if weighted:
        # Smooth weighted round robin (as in nginx): every able rep earns its weight, the
        # richest takes the lead and pays back the total. Reps who cannot take leads keep
        # their credit untouched, so nobody gains or loses share while away.
        current = {rep: value for rep, value in book.state.current_weights if rep in passed}
        total = 0
        winner = able[0]
        for rep_id in able:
            weight = book.reps[rep_id].weight
            total += weight
            current[rep_id] = current.get(rep_id, 0) + weight
            if current[rep_id] > current[winner]:
                winner = rep_id
        current[winner] -= total
        weights = tuple(sorted(current.items()))
        state, counters = book.record(winner, current_weights=weights)
        counters["weight"] = book.reps[winner].weight
        counters["current_weight"] = current[winner]
    else:
        # The rep after the previous one, in rep id order, wrapping around.
        start = bisect_right(pool, book.state.last_rep_id) if book.state.last_rep_id else 0
        order = pool[start:] + pool[:start]
        winner = next(rep_id for rep_id in order if passed[rep_id] is None)
        state, counters = book.record(winner, last_rep_id=winner)
    counters["rotation_position"] = pool.index(winner) + 1
    counters["pool_size"] = len(pool)
    counters["available"] = len(able)
    candidates = tuple(
        _assigned(rep_id) if rep_id == winner else passed[rep_id] or _skipped(rep_id)
        for rep_id in pool
    )
    note = f"{book.queue.strategy.replace('_', ' ')} in {book.queue.name}"
    return book.assigned(winner, candidates, state, counters, note)


def assign_lead(
    queue: QueueConfig,
    state: QueueState,
    reps: Mapping[str, Rep],
    account: AccountMatch | None,
    now: datetime,
) -> Assignment:
    """Pick the rep who gets a lead in this queue, by the queue's strategy, at time `now`.

    Key accounts stay with their owner (or the cover rep while the owner is away), customers
    with their account team, everyone else rotates fairly through the queue's pool. If nobody
    can take the lead it overflows; it is never dropped. Same inputs, same answer; the inputs
    are not changed.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    book = Book(queue, state, reps, now)
    strategy = queue.strategy
    if strategy == "account_owner":
        return _account_owner(book, account)
    if strategy == "account_team":
        return _account_team(book, account)
    if strategy in ("round_robin", "weighted_round_robin"):
        return _rotation(book, weighted=strategy == "weighted_round_robin")
    return Assignment(
        queue=queue.name,
        strategy=strategy,
        rep_id=None,
        overflow_to=None,
        candidates=(),
        counters={},
        new_state=state,
        note="unassigned queue: a manager picks the rep",
    )
