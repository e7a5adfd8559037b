"""Workarounds for the ways faust-streaming 0.15.3 loses records after a restart or rebalance.

Read from its source and traced (`shared/design/faust-notes.md`, "Lost after a restart"):

1. `Recovery.on_recovery_completed` and `Recovery._resume_streams` resume the input partitions
   and seek them while the fetcher runs; records delivered meanwhile are cleared from the
   stream queues by `flow_control.resume()` and never acked (upstream faust-streaming #596).
   Fix: stop the consumer's flow before either runs; both resume it at their end.
2. The fetch is handed the live active-partition set; aiokafka reads an empty set as "every
   partition" and Faust then discards those records as inactive. Fix: fetch with a frozen
   copy, and fetch nothing when it is empty.
3. `perform_seek` does not move a partition without a committed offset (aiokafka seeks only
   offsets > 0), and `Consumer._new_offset` commits past a hole at the head of a partition
   (no check when the committed offset is None or 0; one missing offset accepted otherwise:
   upstream #606, PR #707). Gaps from `_add_gap` count as acked.
   Fix: seek every input partition without a commit to its earliest offset, tell the
   `DeliveryGuard` where each partition starts, and let the guard alone decide the offset to
   commit; Faust's acked list and gaps are ignored. The earliest and end offsets are asked on
   a client of their own where the app has one (`offsets.py`: on the consumer's connection they
   waited for its long-poll fetch).
4. Not a loss, a repeat: a stop or a rebalance commits once Faust's own acks are in
   (`Consumer.wait_empty`), while the sends of finished events may still await Kafka's
   acknowledgement (the profile stage queues them, `pipelined.py`); their offsets are left
   uncommitted and the next owner replays them. Fix: wait (bounded) for the guard's finished
   events to settle first.
5. A repeat too: on a rebalance `Consumer.on_partitions_revoked` forgets the revoked
   partitions before the app's final commit runs, so that commit skips exactly the partitions
   that move; their next owner replays everything since the last periodic commit (hundreds of
   events, found by the fault suite's rebalance scenario; upstream faust-streaming #502).
   Fix: the same steps with the partitions forgotten after the commit, and one more commit of
   them in case a periodic one made the app's skip its own.
6. A crash: a rebalance while the tables recover interrupts the wait for the changelogs with
   `RebalanceAgain`, which `Recovery._restart_recovery` swallows there (`except Exception`);
   it then goes on with the finished recovery's later steps on the new assignment, seeking its
   standby partitions to offsets never read (None: aiokafka raises, the worker exits; found by
   the fault suite's rebalance scenario). Fix: a recovery step asked for while the next
   recovery is already signalled raises `RebalanceAgain` at once, which restarts recovery.

`install` asserts the versions these were written for: on an upgrade, read the new source
again before changing the pin.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import wraps
from importlib.metadata import version
from typing import Any

import faust
from faust.tables.recovery import RebalanceAgain, Recovery
from faust.transport.consumer import Consumer, ThreadDelegateConsumer

from agents.plumbing.delivery import DeliveryGuard
from agents.plumbing.offsets import BrokerOffsets

log = logging.getLogger(__name__)

WRITTEN_FOR = {"faust-streaming": "0.15.3", "aiokafka": "0.14."}
_GUARD = "_leadrouter_delivery"
_OFFSETS = "_leadrouter_offsets"


def check_versions() -> None:
    for package, expected in WRITTEN_FOR.items():
        found = version(package)
        if not found.startswith(expected):
            raise RuntimeError(
                f"agents/plumbing/faust_fixes.py was written for {package} {expected}*, "
                f"found {found}: review the workarounds against the new source first"
            )


def install(app: faust.App, guard: DeliveryGuard, offsets: BrokerOffsets | None = None) -> None:
    """Let `guard` own what `app`'s consumer commits, and close Faust's drop paths; `offsets`
    reads the offsets the seek needs (else the consumer does)."""
    check_versions()
    _patch_classes()
    setattr(app, _GUARD, guard)
    setattr(app, _OFFSETS, offsets)


def guard_of(app: Any) -> DeliveryGuard | None:
    guard: DeliveryGuard | None = getattr(app, _GUARD, None)
    return guard


_patched = False


def _patch_classes() -> None:
    global _patched  # noqa: PLW0603 - patch Faust's classes once per process
    if _patched:
        return
    _patched = True
    patches: list[tuple[type, str, Callable[[Any], Any]]] = [
        (Recovery, "on_recovery_completed", _flow_stopped_first),
        (Recovery, "_resume_streams", _flow_stopped_first),
        (Recovery, "_wait", _not_after_the_next_rebalance),
        (ThreadDelegateConsumer, "_getmany", _frozen_fetch),
        (Consumer, "perform_seek", _checked_seek),
        (Consumer, "_new_offset", _guarded_offset),
        (Consumer, "_add_gap", _no_gaps),
        (Consumer, "on_partitions_revoked", _committed_then_forgotten),
        (Consumer, "wait_empty", _settled_first),
    ]
    for cls, name, patch in patches:
        setattr(cls, name, patch(getattr(cls, name)))


def _flow_stopped_first(
    method: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    @wraps(method)
    async def wrapper(self: Recovery, *args: Any, **kwargs: Any) -> None:
        if guard_of(self.app) is not None:
            # Nothing is fetched or delivered until the original resumes the flow, after the seek.
            self.app.consumer.stop_flow()
        await method(self, *args, **kwargs)

    return wrapper


def _not_after_the_next_rebalance(
    method: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    @wraps(method)
    async def wrapper(self: Recovery, coro: Any, timeout: Any = None) -> None:
        if guard_of(self.app) is not None and self.signal_recovery_start.is_set():
            if asyncio.iscoroutine(coro):
                coro.close()  # never started
            raise RebalanceAgain
        await method(self, coro, timeout)

    return wrapper


def _frozen_fetch(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @wraps(method)
    async def wrapper(self: ThreadDelegateConsumer, active_partitions: Any, timeout: float) -> Any:
        if active_partitions is None or guard_of(self.app) is None:
            return await method(self, active_partitions, timeout)
        frozen = set(active_partitions)
        if not frozen:
            await asyncio.sleep(min(timeout, 0.1))
            return {}
        return await method(self, frozen, timeout)

    return wrapper


def _checked_seek(method: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    @wraps(method)
    async def wrapper(self: Consumer) -> None:
        guard = guard_of(self.app)
        if guard is None:
            await method(self)
            return
        committed: Mapping[Any, int | None] = await self.seek_to_committed()
        inputs = [tp for tp in self.assignment() if not self._is_changelog_tp(tp)]
        uncommitted = [tp for tp in inputs if not committed.get(tp)]
        earliest, ends = await _offsets(self, uncommitted, inputs)
        starts = {tp: committed.get(tp) or earliest.get(tp) or 0 for tp in inputs}
        if uncommitted:
            await self.seek_wait({tp: starts[tp] for tp in uncommitted})
        for tp, offset in committed.items():
            self._read_offset[tp] = offset if offset is not None and offset >= 0 else None
            if offset:
                self._committed_offset[tp] = offset
        for tp in inputs:
            self._read_offset[tp] = starts[tp] or None
        guard.assigned(starts, ends)

    return wrapper


async def _offsets(
    consumer: Consumer, uncommitted: list[Any], inputs: list[Any]
) -> tuple[Mapping[Any, int], Mapping[Any, int]]:
    """The earliest offsets of `uncommitted` and the end offsets of `inputs`."""
    offsets: BrokerOffsets | None = getattr(consumer.app, _OFFSETS, None)
    if offsets is not None:
        try:
            return await offsets(uncommitted, inputs)
        except Exception as error:
            log.warning("delivery: offsets not read on a client of their own (%s)", error)
    earliest = await consumer.earliest_offsets(*uncommitted) if uncommitted else {}
    return earliest, await _ends(consumer, inputs)


async def _ends(consumer: Consumer, partitions: list[Any]) -> Mapping[Any, int]:
    """The partitions' end offsets now (for `DeliveryGuard.caught_up`); none if not known."""
    if not partitions:
        return {}
    try:
        return await consumer.highwaters(*partitions)
    except Exception as error:  # only a shortcut depends on it: the partitions still start
        log.warning("delivery: end offsets not known (%s); no partition counts as caught up", error)
        return {}


def _guarded_offset(method: Callable[[Consumer, Any], int | None]) -> Callable[..., int | None]:
    @wraps(method)
    def wrapper(self: Consumer, tp: Any) -> int | None:
        guard = guard_of(self.app)
        if guard is None or not guard.manages(tp):
            return method(self, tp)
        # Faust's own list of acked offsets (and its gaps) is not what leadrouter commits by.
        self._acked[tp].clear()
        self._acked_index[tp].clear()
        guard.note_committed(tp, self._committed_offset.get(tp))
        return guard.committable(tp)

    return wrapper


def _no_gaps(method: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    @wraps(method)
    async def wrapper(self: Consumer, tp: Any, offset_from: int, offset_to: int) -> None:
        if guard_of(self.app) is None:
            await method(self, tp, offset_from, offset_to)

    return wrapper


# How long a stop or a rebalance waits for the acknowledgements of finished events.
SETTLE_SECONDS = 10.0


def _settled_first(method: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Before the commit that ends a rebalance or a stop, let the sends of finished events
    (queued ones included, `pipelined.py`) be acknowledged, so that the commit covers them and
    the next owner does not replay them."""

    @wraps(method)
    async def wrapper(self: Consumer) -> None:
        guard = guard_of(self.app)
        if guard is not None and not await guard.settled(SETTLE_SECONDS):
            log.warning(
                "delivery: sends still unacknowledged after %.0f s; their events stay "
                "uncommitted and are processed again by the next owner",
                SETTLE_SECONDS,
            )
        await method(self)

    return wrapper


def _committed_then_forgotten(
    method: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    """Faust's `on_partitions_revoked` forgets the revoked partitions' acks and committed
    offsets, and only then runs the app's revocation (stop the flow, wait for the streams,
    commit): that commit no longer covers them, and the next owner replays every event since
    the last periodic commit. The same steps, with the forgetting after the commit; and
    before them, the events a stage gathered are handed on (`DeliveryGuard.ahead_of_revoking`),
    so that the commit covers them too."""

    @wraps(method)
    async def wrapper(self: Consumer, revoked: Any) -> None:
        guard = guard_of(self.app)
        if guard is None:
            await method(self, revoked)
            return
        if not await guard.ahead_of_revoking(SETTLE_SECONDS):
            log.warning(
                "delivery: gathered events not handed on after %.0f s; those not complete "
                "stay uncommitted and are processed again by the next owner",
                SETTLE_SECONDS,
            )
        guard.revoking()  # events waiting for the membership are left to the next owner
        if self._active_partitions is not None:
            self._active_partitions.difference_update(revoked)
        self._paused_partitions.difference_update(revoked)
        try:
            await self._on_partitions_revoked(revoked)
            # A periodic commit already running makes the app's commit wait for it and skip
            # its own: commit what the guard allows now, once more.
            await self.force_commit(revoked)
        finally:
            for tp in revoked:
                self._gap.pop(tp, None)
                self._acked.pop(tp, None)
                self._acked_index.pop(tp, None)
                self._read_offset.pop(tp, None)
                self._committed_offset.pop(tp, None)
            guard.revoked(revoked)

    return wrapper
