"""Whether a rep can take a lead right now: active, not out of office, inside working hours."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schemas.reps import Rep

UnavailableOutcome = Literal["inactive", "out_of_office", "outside_working_hours"]

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Why a rep cannot take a lead now, in the words of a decision trace."""

    outcome: UnavailableOutcome
    detail: str


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    # A rep record with a zone this machine does not know counts its hours in UTC rather
    # than failing every lead of the queue.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _UTC


def local_time(rep: Rep, now: datetime) -> datetime:
    """`now` on the rep's wall clock (UTC if the rep's time zone is unknown)."""
    return now.astimezone(_zone(rep.timezone))


def local_day(rep: Rep, now: datetime) -> date:
    """The rep's calendar day at `now`; daily capacity is counted per this day."""
    return local_time(rep, now).date()


def is_within_working_hours(rep: Rep, now: datetime) -> bool:
    """Inside the rep's working hours in their own time zone; no hours means always.

    Hours that end before they start (22:00-06:00) run past midnight and belong to the day
    they start on.
    """
    hours = rep.working_hours
    if hours is None:
        return True
    local = local_time(rep, now)
    clock = local.time().replace(tzinfo=None)
    weekday = local.isoweekday()
    if hours.start <= hours.end:
        return weekday in hours.days and hours.start <= clock < hours.end
    yesterday = (local - timedelta(days=1)).isoweekday()
    return (weekday in hours.days and clock >= hours.start) or (
        yesterday in hours.days and clock < hours.end
    )


def find_unavailability(
    rep: Rep, now: datetime, *, respect_availability: bool
) -> Unavailable | None:
    """Why the rep cannot take a lead now, or None when they can.

    An inactive rep never takes leads. Out-of-office windows (start inclusive, end exclusive)
    and working hours count only for queues that respect availability.
    """
    if not rep.active:
        return Unavailable("inactive", "rep is inactive")
    if not respect_availability:
        return None
    for window in rep.out_of_office:
        if window.start <= now < window.end:
            return Unavailable("out_of_office", f"out of office until {window.end.isoformat()}")
    if not is_within_working_hours(rep, now):
        hours = rep.working_hours
        assert hours is not None  # only reps with hours can be outside them
        local = local_time(rep, now)
        return Unavailable(
            "outside_working_hours",
            f"{local:%a %H:%M} {rep.timezone}; works {hours.start:%H:%M}-{hours.end:%H:%M}",
        )
    return None
