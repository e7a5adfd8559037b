"""Whether one scenario's table row passes, and if not, why."""

from dataclasses import dataclass

from dev.faults.accounting import Row


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    reasons: tuple[str, ...]


def judge(row: Row, *, resume_limit: float | None) -> Verdict:
    """Pass: nothing lost, no event that ended two ways (decided twice, differently), no
    decision with two reps, no lead assigned twice, no day count given twice (a rep's counter
    never goes back across a restart), no record of an aborted transaction decided or
    dead-lettered. A fuzz run also dead-letters every malformed record without the worker ever
    exiting. `resume_limit` (kill scenarios, when the check is on): every restart resumed within
    that many seconds."""
    counted = (
        (row.lost, "lost"),
        (row.ended_twice, "ended two ways"),
        (row.two_rep_decisions, "decisions with two reps"),
        (row.leads_assigned_twice, "leads assigned twice"),
        (row.counts_given_twice, "day counts given to two leads"),
        (row.aborted_decided, "records of aborted transactions reached an output"),
    )
    reasons = [f"{count} {what}" for count, what in counted if count]
    if row.scenario == "fuzz":
        missing = row.malformed_produced - row.malformed_dead_lettered
        if missing:
            reasons.append(f"{missing} malformed records not dead-lettered")
        if row.unplanned_exits:
            reasons.append(f"the worker exited {row.unplanned_exits} times")
    if resume_limit is not None:
        slowest = row.resume_max
        if row.not_resumed:
            reasons.append(f"{row.not_resumed} restarts never resumed")
        elif slowest is not None and slowest > resume_limit:
            reasons.append(f"resume took {slowest:.1f} s > {resume_limit:.0f} s")
    return Verdict(passed=not reasons, reasons=tuple(reasons))
