"""Day-limit deadlines agree with an independent computation by the ``holidays`` package.

The reference builds ``holidays.VN`` for the years around the start, adds the day-off
overrides as holidays and the working-day overrides to ``weekend_workdays`` (dropping a
holiday an override makes working), works the effective start out by hand from the office
hours, and asks ``get_nth_working_day`` for the due day. The engine answers from its own
index; both must agree on random starts (any minute of 2020-2030), limits of 1 to 60
working days and random override sets near the start.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.workcalendar.engine import VN_TZ, CalendarSpec, WorkingTime

FIRST = datetime(2020, 1, 1, tzinfo=VN_TZ)
MINUTES = int((datetime(2031, 1, 1, tzinfo=VN_TZ) - FIRST).total_seconds()) // 60
OPEN, LUNCH, REOPEN, CLOSE = time(7), time(11, 30), time(13, 30), time(17)
# days where calendars go wrong: Tết of every year, the 2025 swapped Saturday, 30/4-2/9
SPECIAL = sorted(
    {d for d, name in holidays.VN(years=range(2020, 2031)).items() if "Lunar" in name}
    | {date(2025, 4, 26), date(2025, 5, 2)}
    | {date(y, 4, 30) for y in range(2020, 2031)}
    | {date(y, 9, 2) for y in range(2020, 2031)}
)


@st.composite
def starts(draw: st.DrawFn) -> datetime:
    if draw(st.booleans()):
        return FIRST + timedelta(minutes=draw(st.integers(0, MINUTES - 1)))
    near = draw(st.sampled_from(SPECIAL))
    minutes = draw(st.integers(-20 * 1440, 3 * 1440))
    return datetime.combine(near, time(), tzinfo=VN_TZ) + timedelta(minutes=minutes)


@st.composite
def overrides(draw: st.DrawFn, start: datetime) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, working days) within a few months of ``start``; never the same day twice."""
    picks = draw(
        st.lists(
            st.tuples(st.integers(-3, 100), st.booleans()), max_size=8, unique_by=lambda p: p[0]
        )
    )
    day = start.date()
    off = frozenset(day + timedelta(days=o) for o, is_off in picks if is_off)
    on = frozenset(day + timedelta(days=o) for o, is_off in picks if not is_off)
    return off, on


def reference_calendar(year: int, off: frozenset[date], on: frozenset[date]):
    reference = holidays.VN(years=range(year - 1, year + 2))
    for day in off:
        reference[day] = "Override: day off"
        reference.weekend_workdays.discard(day)  # an extra day off beats a swapped Saturday
    for day in on:
        if day in reference:
            reference.pop(day)
        reference.weekend_workdays.add(day)
    return reference


def reference_effective_start(reference, start: datetime) -> datetime:
    day, clock = start.date(), start.time()
    if reference.is_working_day(day) and clock < CLOSE:
        if clock < OPEN:
            return datetime.combine(day, OPEN, tzinfo=VN_TZ)
        if LUNCH <= clock < REOPEN:
            return datetime.combine(day, REOPEN, tzinfo=VN_TZ)
        return start
    return datetime.combine(reference.get_nth_working_day(day, 1), OPEN, tzinfo=VN_TZ)


def inside_office_hours(moment: datetime) -> bool:
    clock = moment.time()
    return OPEN <= clock < LUNCH or REOPEN <= clock < CLOSE


@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data(), start=starts(), limit=st.integers(1, 60))
def test_day_limits_agree_with_the_holidays_package(data, start, limit):
    off, on = data.draw(overrides(start))
    engine = WorkingTime(CalendarSpec(days_off=off, working_days=on))
    reference = reference_calendar(start.year, off, on)

    result = engine.deadline(start, working_days=limit)

    expected_start = reference_effective_start(reference, start)
    assert result.effective_start == expected_start
    assert result.effective_start >= start
    assert reference.is_working_day(result.effective_start.date())
    assert inside_office_hours(result.effective_start)
    due_day = reference.get_nth_working_day(expected_start.date(), limit)
    assert result.due_at == datetime.combine(due_day, CLOSE, tzinfo=VN_TZ)
    assert engine.working_days_between(expected_start.date(), due_day) == limit + 1


NATIONAL = WorkingTime()


@settings(max_examples=500, deadline=None)
@given(start=starts(), minutes=st.integers(0, 60 * 8 * 40))
def test_an_hour_limit_spends_exactly_its_office_time(start, minutes):
    result = NATIONAL.deadline(start, working_hours=minutes / 60)
    assert result.effective_start >= start
    assert NATIONAL.working_seconds_between(result.effective_start, result.due_at) == minutes * 60
    if minutes:
        # a due time is inside office hours or at the very end of a period
        clock = result.due_at.time()
        assert OPEN < clock <= LUNCH or REOPEN < clock <= CLOSE
        assert NATIONAL.is_working_day(result.due_at.date())
