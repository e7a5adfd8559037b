"""The worker's membership of its consumer group, as a lease: no event is begun without it.

A worker that stops for longer than its session (a pause of its machine or its runtime, a
stalled network) is dropped from the group, and its partitions go to another worker. When it
goes on, nothing has told it yet: it processed the records it had fetched, decided them on the
state it held (which lacks what the new owner did meanwhile) and sent the outcome, until its next
heartbeat learnt of the rebalance, about a tenth of a second later. The fault suite's `freeze`
scenario caught such a zombie deciding an event the new owner also decided, differently: nurtured
by one, routed by the other.

Each heartbeat the coordinator answers proves that the broker knew the member when it was sent,
so it stays a member for a session from then at least: `renewed(sent)` extends the lease to
`sent + window`, the window being the session less a heartbeat interval. So does an assignment.
`DeliveryGuard.begin` begins an event only while the lease holds; after a lapse it waits for the
next answered heartbeat, or for the rebalance to begin, and then leaves the event to the
partition's next owner (uncommitted, it is read again). While heartbeats are answered (every
`heartbeat_interval` seconds) the lease never lapses and nothing waits.

The lease also holds the records already queued on the producer when the worker stopped: they
were decided then, on the state the worker had, and once the new owner has read the tables they
are news to it. The same freeze caught such a zombie's queued writes reaching Kafka after the
thaw while the new owner decided the same events in another order: one event ended nurtured by
one worker and already routed by the other. So no produce request leaves while the lease has
lapsed (aiokafka's `Sender._send_produce_req`): it waits for an answered heartbeat (the worker
was still a member: nothing moved, and the records go), or, once a rebalance begins, the worker
exits without committing, and the held records are never sent. Its events are processed again by
the partitions' next owners, from the tables as Kafka has them. A worker that was only slow, or a
broker that answers again within the session, loses nothing and exits for nothing.

Heartbeats run on Faust's consumer thread: `renewed` may be called from any thread.
"""

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import wraps
from typing import Any

from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.producer.sender import Sender

log = logging.getLogger(__name__)

# The lease of each consumer group this process is a member of, for the heartbeat hook.
_LEASES: dict[str, "MembershipLease"] = {}
_hooked = threading.Lock()
Exit = Callable[[str, BaseException], None]


class MembershipLostError(RuntimeError):
    """The group rebalanced while this worker's records were held: they must not be sent."""


@dataclass
class _Fence:
    """What the producer's requests wait for, and how the worker leaves when they must not go."""

    lease: "MembershipLease | None" = None
    exit: Exit | None = None


_FENCE = _Fence()


class MembershipLease:
    def __init__(self, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        if window <= 0:
            raise ValueError("a membership lease lasts some time")
        self.window = window
        self._clock = clock
        # None until the group first confirmed the member: nothing owned, nothing to fence.
        self._valid_until: float | None = None
        self._revocations = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None

    def renewed(self, sent_at: float) -> None:
        """The broker knew the member at `sent_at` (monotonic): the lease holds a window from
        then. Callable from any thread."""
        until = sent_at + self.window
        self._valid_until = until if self._valid_until is None else max(self._valid_until, until)
        self._wake()

    def confirmed(self) -> None:
        """The group has the member now (an assignment)."""
        self.renewed(self._clock())

    def revoking(self) -> None:
        """A rebalance began: whatever waits for the lease leaves its event to the next owner."""
        self._revocations += 1
        self._wake()

    def holds(self) -> bool:
        return self._valid_until is None or self._clock() < self._valid_until

    async def wait(self) -> bool:
        """Until the lease holds again (True) or a rebalance begins (False)."""
        revocations = self._revocations
        confirmed = (self._valid_until or self._clock()) - self.window
        log.warning(
            "membership not confirmed for %.1f s (a pause, or the broker away): events and "
            "records wait for the next answered heartbeat or the rebalance",
            self._clock() - confirmed,
        )
        self._loop = asyncio.get_running_loop()
        if self._changed is None:
            self._changed = asyncio.Event()
        while True:
            if self._revocations != revocations:  # first: heartbeats go on while it rebalances
                log.warning("a rebalance began while events waited: left to the next owner")
                return False
            if self.holds():
                log.info("membership confirmed again: events go on")
                return True
            self._changed.clear()
            if self._revocations == revocations and not self.holds():
                await self._changed.wait()

    def _wake(self) -> None:
        loop, changed = self._loop, self._changed
        if loop is None or changed is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            changed.set()
        else:
            loop.call_soon_threadsafe(changed.set)


def install(group_id: str, lease: MembershipLease, exit_without_commit: Exit) -> None:
    """Renew `lease` on every heartbeat the coordinator of `group_id` answers, and hold this
    process's produce requests while it has lapsed (`exit_without_commit` when a rebalance
    begins meanwhile)."""
    _LEASES[group_id] = lease
    _FENCE.lease, _FENCE.exit = lease, exit_without_commit
    with _hooked:
        heartbeat = GroupCoordinator._do_heartbeat
        if getattr(heartbeat, "__wrapped__", None) is None:
            GroupCoordinator._do_heartbeat = _renewing(heartbeat)
        produce = Sender._send_produce_req
        if getattr(produce, "__wrapped__", None) is None:
            Sender._send_produce_req = _fenced(produce)


def _renewing(heartbeat: Callable[[Any], Awaitable[bool]]) -> Callable[[Any], Awaitable[bool]]:
    @wraps(heartbeat)
    async def wrapper(self: Any) -> bool:
        sent_at = time.monotonic()
        answered = await heartbeat(self)
        lease = _LEASES.get(self.group_id)
        if answered and lease is not None:  # aiokafka: known to the group (or rebalancing)
            lease.renewed(sent_at)
        return answered

    return wrapper


def _fenced(
    produce: Callable[..., Coroutine[Any, Any, Any]],
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @wraps(produce)
    async def wrapper(self: Any, node_id: int, batches: Any) -> Any:
        lease, exit_ = _FENCE.lease, _FENCE.exit
        if lease is not None and not lease.holds() and not await lease.wait():
            error = MembershipLostError(f"{len(batches)} partition batch(es) held")
            if exit_ is not None:
                exit_("the group rebalanced while this worker's records were held", error)
            raise error
        return await produce(self, node_id, batches)

    return wrapper
