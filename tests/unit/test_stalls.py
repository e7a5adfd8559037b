"""A partition whose records wait behind a committed offset that stands still is a stall."""

from agents.plumbing.stalls import MOVING, Stall, StallWatch

TP = ("leads.keyed", 2)


def test_records_waiting_behind_an_unmoved_commit_stall_and_are_reported_after_the_wait() -> None:
    watch = StallWatch(report_after_s=20)

    assert watch.check(TP, 0, 1, now=0) == MOVING
    assert watch.check(TP, 0, 1, now=15) == Stall(15, report=False)
    assert watch.check(TP, 0, 1, now=25) == Stall(25, report=True)


def test_a_stall_is_reported_once_until_the_partition_moves_and_sticks_again() -> None:
    watch = StallWatch(report_after_s=20)
    watch.check(TP, 5, 9, now=0)
    assert watch.check(TP, 5, 9, now=20).report
    assert watch.check(TP, 5, 9, now=40) == Stall(40, report=False)

    assert watch.check(TP, 6, 9, now=45) == MOVING
    assert watch.check(TP, 6, 9, now=70) == Stall(25, report=True)


def test_a_partition_that_keeps_committing_never_stalls() -> None:
    watch = StallWatch(report_after_s=20)

    stalls = [watch.check(TP, offset, offset + 100, now=offset * 5.0) for offset in range(20)]

    assert stalls == [MOVING] * 20


def test_a_partition_with_nothing_behind_its_commit_is_idle_not_stalled() -> None:
    watch = StallWatch(report_after_s=20)

    stalls = [watch.check(TP, 7, 7, now=t) for t in (0, 30, 60)]

    assert stalls == [MOVING] * 3


def test_a_partition_never_committed_counts_from_offset_zero() -> None:
    watch = StallWatch(report_after_s=20)
    watch.check(TP, None, 3, now=0)

    assert watch.check(TP, None, 3, now=21) == Stall(21, report=True)


def test_a_revoked_partition_starts_over_when_it_comes_back() -> None:
    watch = StallWatch(report_after_s=20)
    watch.check(TP, 0, 1, now=0)
    watch.forget_all_but([])

    assert watch.check(TP, 0, 1, now=30) == MOVING
    assert watch.check(TP, 0, 1, now=50) == Stall(20, report=True)


def test_a_partition_with_only_a_commit_marker_after_its_commit_is_idle_until_it_moves() -> None:
    watch = StallWatch(report_after_s=20)
    watch.check(TP, 8, 9, now=0)
    assert watch.check(TP, 8, 9, now=20).report

    watch.idle(TP, 8, 9)

    assert watch.check(TP, 8, 9, now=300) == MOVING
    assert watch.check(TP, 9, 12, now=305) == MOVING
    assert watch.check(TP, 9, 12, now=330) == Stall(25, report=True)


def test_an_idle_answer_about_an_older_commit_changes_nothing() -> None:
    watch = StallWatch(report_after_s=20)
    watch.check(TP, 8, 12, now=0)
    watch.check(TP, 9, 12, now=5)

    watch.idle(TP, 8, 12)

    assert watch.check(TP, 9, 12, now=30) == Stall(25, report=True)


def test_a_record_arriving_after_the_markers_of_an_idle_partition_can_stall_again() -> None:
    watch = StallWatch(report_after_s=20)
    watch.check(TP, 8, 9, now=0)
    watch.check(TP, 8, 9, now=20)
    watch.idle(TP, 8, 9)

    assert watch.check(TP, 8, 10, now=100) == MOVING
    assert watch.check(TP, 8, 10, now=110) == Stall(10, report=False)
    assert watch.check(TP, 8, 10, now=125) == Stall(25, report=True)
