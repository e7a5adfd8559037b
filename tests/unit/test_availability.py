from datetime import UTC, date, datetime, time

from schemas.reps import OutOfOffice, Rep, WorkingHours
from service.availability import (
    find_unavailability,
    is_within_working_hours,
    local_day,
)

# Wednesday 2026-03-18, 14:00 UTC: 10:00 in New York (EDT), 23:00 in Tokyo.
NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)
NINE_TO_FIVE = WorkingHours(days=(1, 2, 3, 4, 5), start=time(9), end=time(17))


def _rep(**changes: object) -> Rep:
    return Rep.model_validate({"rep_id": "rep-1", "name": "Ava", **changes})


def test_working_hours_are_read_in_the_reps_own_time_zone() -> None:
    assert is_within_working_hours(
        _rep(timezone="America/New_York", working_hours=NINE_TO_FIVE), NOW
    )
    assert not is_within_working_hours(_rep(timezone="Asia/Tokyo", working_hours=NINE_TO_FIVE), NOW)


def test_a_rep_without_working_hours_is_always_working() -> None:
    assert is_within_working_hours(_rep(timezone="Asia/Tokyo"), NOW)


def test_weekends_are_outside_weekday_hours() -> None:
    saturday_noon = datetime(2026, 3, 21, 16, 0, tzinfo=UTC)
    rep = _rep(timezone="America/New_York", working_hours=NINE_TO_FIVE)
    assert not is_within_working_hours(rep, saturday_noon)


def test_hours_past_midnight_belong_to_the_day_they_start() -> None:
    night = WorkingHours(days=(3,), start=time(22), end=time(6))
    rep = _rep(timezone="UTC", working_hours=night)
    assert is_within_working_hours(rep, datetime(2026, 3, 18, 23, 0, tzinfo=UTC))
    assert is_within_working_hours(rep, datetime(2026, 3, 19, 5, 0, tzinfo=UTC))
    assert not is_within_working_hours(rep, datetime(2026, 3, 18, 5, 0, tzinfo=UTC))


def test_an_unknown_time_zone_counts_in_utc() -> None:
    rep = _rep(timezone="Mars/Olympus_Mons", working_hours=NINE_TO_FIVE)
    assert is_within_working_hours(rep, NOW)


def test_the_local_day_follows_the_reps_time_zone() -> None:
    assert local_day(_rep(timezone="Asia/Tokyo"), datetime(2026, 3, 18, 16, 0, tzinfo=UTC)) == date(
        2026, 3, 19
    )


def test_an_inactive_rep_is_unavailable_even_where_availability_is_ignored() -> None:
    found = find_unavailability(_rep(active=False), NOW, respect_availability=False)
    assert found is not None
    assert found.outcome == "inactive"


def test_a_rep_inside_an_out_of_office_window_is_away() -> None:
    window = OutOfOffice(
        start=datetime(2026, 3, 16, tzinfo=UTC), end=datetime(2026, 3, 20, tzinfo=UTC)
    )
    found = find_unavailability(_rep(out_of_office=(window,)), NOW, respect_availability=True)
    assert found is not None
    assert found.outcome == "out_of_office"
    assert found.detail == "out of office until 2026-03-20T00:00:00+00:00"
    assert (
        find_unavailability(_rep(out_of_office=(window,)), NOW, respect_availability=False) is None
    )


def test_a_rep_is_back_when_the_out_of_office_window_ends() -> None:
    window = OutOfOffice(start=datetime(2026, 3, 10, tzinfo=UTC), end=NOW)
    assert (
        find_unavailability(_rep(out_of_office=(window,)), NOW, respect_availability=True) is None
    )


def test_outside_working_hours_explains_the_local_time() -> None:
    rep = _rep(timezone="Asia/Tokyo", working_hours=NINE_TO_FIVE)
    found = find_unavailability(rep, NOW, respect_availability=True)
    assert found is not None
    assert found.outcome == "outside_working_hours"
    assert found.detail == "Wed 23:00 Asia/Tokyo; works 09:00-17:00"
