"""The Faust workarounds: the guard alone decides commits, and every input starts where checked."""

import asyncio
import contextlib
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import pytest
from faust.tables.recovery import RebalanceAgain, Recovery
from faust.transport.consumer import Consumer, ThreadDelegateConsumer
from faust.types import TP

from agents.plumbing import faust_fixes
from agents.plumbing.delivery import DeliveryGuard
from tests.unit.tracks import finished_awaiting_ack

EVENTS = TP("leads.events.v1", 0)
FRESH = TP("leads.events.v1", 1)
CHANGELOG = TP("leadrouter-lead-profiles-changelog", 0)


async def no_hole(tp: Any, offset: int) -> int | None:
    return offset


def never_exit(message: str, error: BaseException) -> None:
    raise AssertionError(message)


class FakeApp:
    def __init__(self, guard: DeliveryGuard | None, offsets: Any = None) -> None:
        if guard is not None:
            faust_fixes.install(self, guard, offsets)  # type: ignore[arg-type]
        self.consumer: Any = None

    def _start_span_from_rebalancing(self, name: str) -> Any:
        return contextlib.nullcontext()


class FakeOffsets:
    """A client of its own: other answers than the consumer's, or a broker away."""

    def __init__(self, *, away: bool = False) -> None:
        self.away = away
        self.asked: list[tuple[list[TP], list[TP]]] = []

    async def __call__(
        self, earliest_of: list[TP], ends_of: list[TP]
    ) -> tuple[dict[TP, int], dict[TP, int]]:
        self.asked.append((sorted(earliest_of), sorted(ends_of)))
        if self.away:
            raise ConnectionError("broker away")
        return dict.fromkeys(earliest_of, 20), dict.fromkeys(ends_of, 70)


class FakeConsumer:
    """Just what the patched methods touch of Faust's consumer."""

    def __init__(self, app: FakeApp, committed: dict[TP, int | None]) -> None:
        self.app = app
        self._committed = committed
        self._acked: defaultdict[TP, list[int]] = defaultdict(list)
        self._acked_index: defaultdict[TP, set[int]] = defaultdict(set)
        self._read_offset: dict[TP, int | None] = {}
        self._committed_offset: dict[TP, int | None] = {}
        self._gap: dict[TP, list[int]] = {}
        self._active_partitions: set[TP] | None = {EVENTS, FRESH}
        self._paused_partitions: set[TP] = set()
        self.diag = SimpleNamespace(set_flag=lambda flag: None, unset_flag=lambda flag: None)
        self.sought: dict[TP, int] = {}
        self.ends: dict[TP, int] | None = dict.fromkeys((EVENTS, FRESH), 60)

    async def seek_to_committed(self) -> dict[TP, int | None]:
        return dict(self._committed)

    def assignment(self) -> set[TP]:
        return {EVENTS, FRESH, CHANGELOG}

    def _is_changelog_tp(self, tp: TP) -> bool:
        return tp.topic.endswith("-changelog")

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        return dict.fromkeys(tps, 12)

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        if self.ends is None:
            raise ConnectionError("broker away")
        return {tp: self.ends[tp] for tp in tps}

    async def seek_wait(self, partitions: dict[TP, int]) -> None:
        self.sought.update(partitions)


def test_the_workarounds_refuse_a_faust_version_they_were_not_written_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(faust_fixes, "version", lambda package: "0.16.0")

    with pytest.raises(RuntimeError, match=r"written for faust-streaming 0\.15\.3"):
        faust_fixes.check_versions()


def test_installing_patches_faust_once_and_ties_the_guard_to_the_app() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    app = FakeApp(guard)
    patched = Consumer._new_offset

    faust_fixes.install(app, guard)  # type: ignore[arg-type]

    assert Consumer._new_offset is patched
    assert faust_fixes.guard_of(app) is guard
    for cls, name in (
        (Recovery, "on_recovery_completed"),
        (Recovery, "_resume_streams"),
        (Recovery, "_wait"),
        (ThreadDelegateConsumer, "_getmany"),
        (Consumer, "perform_seek"),
        (Consumer, "_add_gap"),
        (Consumer, "on_partitions_revoked"),
    ):
        assert hasattr(getattr(cls, name), "__wrapped__"), name


async def test_a_partition_without_a_commit_is_sought_to_its_earliest_offset() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 40, FRESH: None, CHANGELOG: None})

    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]

    assert consumer.sought == {FRESH: 12}
    assert guard.start_of(EVENTS) == 40
    assert guard.start_of(FRESH) == 12
    assert not guard.manages(CHANGELOG)
    assert consumer._read_offset[FRESH] == 12


async def test_the_seek_tells_the_guard_each_input_partitions_end_at_assignment() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 60, FRESH: None})

    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]

    assert guard.caught_up(EVENTS)  # committed at its end: nothing to catch up with
    assert not guard.caught_up(FRESH)  # 12..59 still to process


async def test_end_offsets_the_broker_does_not_give_leave_no_partition_caught_up() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 60})
    consumer.ends = None

    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]

    assert guard.start_of(EVENTS) == 60
    assert not guard.caught_up(EVENTS)


async def test_the_seek_asks_its_offsets_on_the_apps_own_client() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    offsets = FakeOffsets()
    consumer = FakeConsumer(FakeApp(guard, offsets), {EVENTS: 40, FRESH: None})

    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]

    assert offsets.asked == [([FRESH], [EVENTS, FRESH])]
    assert consumer.sought == {FRESH: 20}
    assert guard.start_of(FRESH) == 20
    assert not guard.caught_up(EVENTS)  # its end is 70 by the client's answer, not 60


async def test_the_seek_asks_the_consumer_when_the_apps_client_fails() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard, FakeOffsets(away=True)), {EVENTS: 60, FRESH: None})

    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]

    assert consumer.sought == {FRESH: 12}
    assert guard.caught_up(EVENTS)


async def test_faust_commits_what_the_guard_says_whatever_it_acked_or_counted_as_gaps() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 40, FRESH: None})
    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]
    consumer._acked[EVENTS].extend([52, 53, 54])  # Faust acked these past a hole
    consumer._acked_index[EVENTS].update([52, 53, 54])

    offset = Consumer._new_offset(consumer, EVENTS)  # type: ignore[arg-type]

    assert offset == 40
    assert consumer._acked[EVENTS] == []
    await Consumer._add_gap(consumer, EVENTS, 41, 51)  # type: ignore[arg-type]
    assert Consumer._new_offset(consumer, EVENTS) == 40  # type: ignore[arg-type]


async def test_an_app_without_a_guard_keeps_faust_behaviour() -> None:
    consumer = FakeConsumer(FakeApp(None), {})
    consumer._acked[EVENTS].extend([0, 1, 2])
    consumer._committed_offset[EVENTS] = None
    consumer._gap = defaultdict(list)

    assert Consumer._new_offset(consumer, EVENTS) == 3  # type: ignore[arg-type]


async def test_a_stop_commits_only_after_finished_events_had_their_sends_acknowledged() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 40})
    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]
    sent = await finished_awaiting_ack(guard, EVENTS, 40)
    committed_at: list[int | None] = []

    async def faust_wait_empty(self: Any) -> None:  # Faust's: waits for its acks, commits
        committed_at.append(guard.committable(EVENTS))

    asyncio.get_running_loop().call_later(0.05, sent.set_result, "metadata")
    await faust_fixes._settled_first(faust_wait_empty)(consumer)

    assert committed_at == [41]


async def test_a_rebalance_commits_the_partitions_it_revokes_before_forgetting_them() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 40, FRESH: 10})
    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]
    sent = await finished_awaiting_ack(guard, EVENTS, 40)
    sent.set_result("metadata")
    await asyncio.sleep(0)  # the acknowledgement reaches the guard
    consumer._acked[EVENTS].append(40)  # Faust tracks the partition as having acks
    commits: list[tuple[str, int | None]] = []

    async def app_revocation(revoked: set[TP]) -> None:  # Faust's: stop, wait, commit
        for tp in Consumer._filter_tps_with_pending_acks(consumer):  # type: ignore[arg-type]
            commits.append(("app", Consumer._new_offset(consumer, tp)))  # type: ignore[arg-type]

    async def force_commit(revoked: set[TP]) -> None:
        commits.append(("again", Consumer._new_offset(consumer, EVENTS)))  # type: ignore[arg-type]

    consumer._on_partitions_revoked = app_revocation  # type: ignore[attr-defined]
    consumer.force_commit = force_commit  # type: ignore[attr-defined]
    await Consumer.on_partitions_revoked(consumer, {EVENTS})

    assert commits == [("app", 41), ("again", 41)]
    assert (EVENTS in consumer._acked, EVENTS in consumer._committed_offset) == (False, False)
    assert consumer._active_partitions == {FRESH}
    assert (guard.manages(EVENTS), guard.manages(FRESH)) == (False, True)


async def test_a_revocation_that_fails_still_forgets_the_revoked_partitions() -> None:
    guard = DeliveryGuard(no_hole, never_exit)
    consumer = FakeConsumer(FakeApp(guard), {EVENTS: 40, FRESH: 10})
    await Consumer.perform_seek(consumer)  # type: ignore[arg-type]
    consumer._acked[EVENTS].append(40)

    async def app_revocation(revoked: set[TP]) -> None:
        raise RuntimeError("the app's revocation failed")

    consumer._on_partitions_revoked = app_revocation  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError):
        await Consumer.on_partitions_revoked(consumer, {EVENTS})

    assert EVENTS not in consumer._acked
    assert (guard.manages(EVENTS), guard.manages(FRESH)) == (False, True)


class FakeRecovery:
    """What the patched recovery wait touches of Faust's `Recovery`."""

    def __init__(self, app: FakeApp) -> None:
        self.app = app
        self.signal_recovery_start = asyncio.Event()

    async def wait_first(self, *coros: Any, timeout: Any = None) -> Any:
        await coros[0]
        return SimpleNamespace(stopped=False, done=set())


async def test_a_recovery_step_runs_while_no_other_rebalance_is_pending() -> None:
    recovery = FakeRecovery(FakeApp(DeliveryGuard(no_hole, never_exit)))
    ran: list[str] = []

    async def seek_standbys() -> None:
        ran.append("seek")

    await Recovery._wait(recovery, seek_standbys())  # type: ignore[arg-type]

    assert ran == ["seek"]


async def test_a_recovery_step_asked_for_after_the_next_rebalance_began_restarts_recovery() -> None:
    recovery = FakeRecovery(FakeApp(DeliveryGuard(no_hole, never_exit)))
    recovery.signal_recovery_start.set()  # the next assignment is in: its offsets not read yet
    ran: list[str] = []

    async def seek_standbys() -> None:
        ran.append("seek")

    with pytest.raises(RebalanceAgain):
        await Recovery._wait(recovery, seek_standbys())  # type: ignore[arg-type]

    assert ran == []
