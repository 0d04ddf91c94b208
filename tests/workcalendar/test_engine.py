"""The working-time engine alone: no database, exact answers (SPEC.md section 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from motcua.workcalendar.engine import (
    VN_TZ,
    CalendarError,
    CalendarSpec,
    Timeliness,
    WorkingTime,
)

HOUR = 3600


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def engine() -> WorkingTime:
    return WorkingTime()


# -- the Civil Code day rule -------------------------------------------------------------


def test_five_working_days_from_wednesday_before_tet_fall_due_on_17_february_at_close(engine):
    result = engine.deadline(vn(2027, 2, 3, 10), working_days=5)
    assert result.start == vn(2027, 2, 3, 10)
    assert result.effective_start == vn(2027, 2, 3, 10)
    assert result.due_at == vn(2027, 2, 17, 17)
    assert result.due_at.isoformat() == "2027-02-17T17:00:00+07:00"


def test_the_tet_holidays_of_2027_run_from_4_to_10_february(engine):
    days = [date(2027, 2, d) for d in range(3, 12)]
    assert engine.working_days_in(days) == [True] + [False] * 7 + [True]


def test_the_day_of_receipt_is_not_counted(engine):
    assert engine.deadline(vn(2027, 3, 3, 7), working_days=1).due_at == vn(2027, 3, 4, 17)


def test_a_start_given_in_another_offset_is_answered_in_vietnam_time(engine):
    result = engine.deadline(datetime(2027, 2, 3, 3, tzinfo=UTC), working_days=5)
    assert result.start == vn(2027, 2, 3, 10)
    assert result.start.utcoffset() == timedelta(hours=7)
    assert result.due_at.isoformat() == "2027-02-17T17:00:00+07:00"


def test_zero_working_days_end_with_the_office_hours_of_that_day(engine):
    assert engine.deadline(vn(2027, 3, 3, 10), working_days=0).due_at == vn(2027, 3, 3, 17)


def test_zero_working_days_from_a_saturday_end_on_monday_at_close(engine):
    assert engine.deadline(vn(2027, 3, 6, 10), working_days=0).due_at == vn(2027, 3, 8, 17)


# -- the effective start -----------------------------------------------------------------


def test_a_saturday_receipt_starts_the_clock_on_monday_at_seven(engine):
    result = engine.deadline(vn(2027, 3, 6, 14, 20), working_days=2)
    assert result.effective_start == vn(2027, 3, 8, 7)
    assert result.due_at == vn(2027, 3, 10, 17)


def test_a_receipt_at_lunch_starts_the_clock_at_half_past_one(engine):
    assert engine.effective_start(vn(2027, 3, 3, 12)) == vn(2027, 3, 3, 13, 30)
    assert engine.effective_start(vn(2027, 3, 3, 11, 30)) == vn(2027, 3, 3, 13, 30)


def test_a_receipt_before_seven_starts_the_clock_at_seven(engine):
    assert engine.effective_start(vn(2027, 3, 3, 6, 59)) == vn(2027, 3, 3, 7)


def test_a_receipt_at_five_or_later_starts_the_next_working_day_at_seven(engine):
    assert engine.effective_start(vn(2027, 3, 3, 17)) == vn(2027, 3, 4, 7)
    assert engine.effective_start(vn(2027, 3, 3, 21, 45)) == vn(2027, 3, 4, 7)
    # a Friday evening waits for Monday
    assert engine.effective_start(vn(2027, 3, 5, 17)) == vn(2027, 3, 8, 7)


def test_a_receipt_one_minute_before_five_starts_at_once(engine):
    assert engine.effective_start(vn(2027, 3, 3, 16, 59)) == vn(2027, 3, 3, 16, 59)


def test_a_receipt_inside_office_hours_keeps_its_exact_time(engine):
    received = datetime(2027, 3, 3, 9, 15, 42, 500_000, tzinfo=VN_TZ)
    assert engine.effective_start(received) == received


def test_a_receipt_on_the_last_day_before_tet_in_the_evening_starts_after_tet(engine):
    assert engine.effective_start(vn(2027, 2, 3, 18)) == vn(2027, 2, 11, 7)


def test_after_a_15_00_cutoff_a_16_00_receipt_starts_the_next_working_day(engine):
    result = engine.deadline(vn(2027, 3, 3, 16), working_days=1, cutoff=time(15))
    assert result.effective_start == vn(2027, 3, 4, 7)
    assert result.due_at == vn(2027, 3, 5, 17)


def test_a_receipt_exactly_at_the_15_00_cutoff_starts_at_once(engine):
    result = engine.deadline(vn(2027, 3, 3, 15), working_days=1, cutoff=time(15))
    assert result.effective_start == vn(2027, 3, 3, 15)
    assert result.due_at == vn(2027, 3, 4, 17)


def test_after_the_cutoff_on_a_friday_the_clock_starts_on_monday(engine):
    assert engine.effective_start(vn(2027, 3, 5, 15, 1), time(15)) == vn(2027, 3, 8, 7)


def test_the_cutoff_does_not_apply_on_a_day_off(engine):
    assert engine.effective_start(vn(2027, 3, 6, 16), time(15)) == vn(2027, 3, 8, 7)


# -- working hours -----------------------------------------------------------------------


def test_eight_working_hours_from_seven_end_at_five_the_same_day(engine):
    assert engine.deadline(vn(2027, 3, 3, 7), working_hours=8).due_at == vn(2027, 3, 3, 17)


def test_two_working_hours_from_eleven_skip_lunch_and_end_at_three(engine):
    # 11:00-11:30 is half an hour, the other hour and a half runs from 13:30
    assert engine.deadline(vn(2027, 3, 3, 11), working_hours=2).due_at == vn(2027, 3, 3, 15)


def test_two_working_hours_from_half_past_ten_end_at_half_past_two(engine):
    assert engine.deadline(vn(2027, 3, 3, 10, 30), working_hours=2).due_at == vn(2027, 3, 3, 14, 30)


def test_a_limit_ending_exactly_at_half_past_eleven_answers_half_past_eleven(engine):
    assert engine.deadline(vn(2027, 3, 3, 7), working_hours=4.5).due_at == vn(2027, 3, 3, 11, 30)
    assert engine.due_after_hours(vn(2027, 3, 3, 11), 0.5) == vn(2027, 3, 3, 11, 30)


def test_working_hours_carry_over_a_weekend(engine):
    result = engine.deadline(vn(2027, 3, 5, 15), working_hours=4)
    assert result.due_at == vn(2027, 3, 8, 9)


def test_working_hours_carry_over_tet(engine):
    result = engine.deadline(vn(2027, 2, 3, 16), working_hours=2)
    assert result.due_at == vn(2027, 2, 11, 8)


def test_working_hours_from_a_saturday_count_from_monday_at_seven(engine):
    result = engine.deadline(vn(2027, 3, 6, 9), working_hours=1.5)
    assert result.effective_start == vn(2027, 3, 8, 7)
    assert result.due_at == vn(2027, 3, 8, 8, 30)


def test_zero_working_hours_are_due_at_the_effective_start(engine):
    assert engine.deadline(vn(2027, 3, 3, 12), working_hours=0).due_at == vn(2027, 3, 3, 13, 30)


def test_sixteen_working_hours_from_a_monday_morning_end_on_tuesday_at_close(engine):
    assert engine.deadline(vn(2027, 3, 1, 7), working_hours=16).due_at == vn(2027, 3, 2, 17)


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit",
    [{"working_days": -1}, {"working_hours": -0.5}],
    ids=["days", "hours"],
)
def test_a_negative_limit_is_refused(engine, limit):
    with pytest.raises(CalendarError) as caught:
        engine.deadline(vn(2027, 3, 3, 10), **limit)
    assert caught.value.code == "calendar.negative_limit"


def test_negative_limits_are_refused_by_the_single_questions_too(engine):
    with pytest.raises(CalendarError) as days:
        engine.due_after_days(vn(2027, 3, 3, 10), -1)
    with pytest.raises(CalendarError) as seconds:
        engine.due_after_seconds(vn(2027, 3, 3, 10), -1)
    assert days.value.code == seconds.value.code == "calendar.negative_limit"


@pytest.mark.parametrize("hours", [float("nan"), float("inf")])
def test_a_limit_that_is_not_a_finite_number_is_refused(engine, hours):
    with pytest.raises(CalendarError) as caught:
        engine.deadline(vn(2027, 3, 3, 10), working_hours=hours)
    assert caught.value.code == "calendar.bad_limit"


@pytest.mark.parametrize(
    "limits", [{}, {"working_days": 1, "working_hours": 1}], ids=["neither", "both"]
)
def test_exactly_one_kind_of_limit_is_required(engine, limits):
    with pytest.raises(CalendarError) as caught:
        engine.deadline(vn(2027, 3, 3, 10), **limits)
    assert caught.value.code == "calendar.limit_required"


def test_a_naive_time_is_refused_everywhere(engine):
    naive = datetime(2027, 3, 3, 10)  # noqa: DTZ001 - the point of the test
    calls = [
        lambda: engine.deadline(naive, working_days=1),
        lambda: engine.effective_start(naive),
        lambda: engine.position(naive),
        lambda: engine.due_after_hours(naive, 1),
        lambda: engine.working_seconds_between(naive, vn(2027, 3, 4)),
        lambda: engine.classify(vn(2027, 3, 4, 17), finished_at=naive),
    ]
    for call in calls:
        with pytest.raises(CalendarError) as caught:
            call()
        assert caught.value.code == "calendar.naive_time"


def test_a_limit_reaching_past_the_calendar_is_refused_quickly(engine):
    with pytest.raises(CalendarError) as days:
        engine.deadline(vn(2027, 3, 3, 10), working_days=10**9)
    with pytest.raises(CalendarError) as hours:
        engine.deadline(vn(2027, 3, 3, 10), working_hours=1e12)
    assert days.value.code == hours.value.code == "calendar.out_of_range"


def test_a_time_at_the_end_of_the_representable_range_is_refused_not_crashed(engine):
    last = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
    with pytest.raises(CalendarError) as caught:
        engine.deadline(last, working_days=1)
    assert caught.value.code == "calendar.out_of_range"


def test_office_periods_must_increase_without_overlap():
    with pytest.raises(CalendarError) as caught:
        CalendarSpec(periods=((time(7), time(12)), (time(11), time(17))))
    assert caught.value.code == "calendar.bad_office_hours"
    with pytest.raises(CalendarError) as empty:
        CalendarSpec(periods=())
    assert empty.value.code == "calendar.no_office_hours"


def test_a_day_cannot_be_both_an_extra_day_off_and_a_working_day():
    day = date(2027, 3, 6)
    with pytest.raises(CalendarError) as caught:
        CalendarSpec(days_off=frozenset({day}), working_days=frozenset({day}))
    assert caught.value.code == "calendar.conflicting_overrides"


# -- the government's swapped days that the holidays package knows -----------------------


def test_saturday_26_april_2025_was_a_working_day_and_friday_2_may_a_day_off(engine):
    assert engine.is_working_day(date(2025, 4, 26)) is True
    assert engine.is_working_day(date(2025, 5, 2)) is False


def test_one_working_day_from_friday_25_april_2025_falls_on_the_swapped_saturday(engine):
    assert engine.deadline(vn(2025, 4, 25, 10), working_days=1).due_at == vn(2025, 4, 26, 17)


def test_a_receipt_on_the_swapped_saturday_starts_at_once(engine):
    assert engine.effective_start(vn(2025, 4, 26, 9)) == vn(2025, 4, 26, 9)


def test_one_working_day_from_29_april_2025_skips_the_long_weekend(engine):
    assert engine.deadline(vn(2025, 4, 29, 10), working_days=1).due_at == vn(2025, 5, 5, 17)


def test_an_extra_day_off_beats_the_swapped_saturday():
    engine = WorkingTime(CalendarSpec(days_off=frozenset({date(2025, 4, 26)})))
    assert engine.is_working_day(date(2025, 4, 26)) is False
    assert engine.deadline(vn(2025, 4, 25, 10), working_days=1).due_at == vn(2025, 4, 28, 17)


def test_overrides_make_a_saturday_work_and_a_tuesday_rest():
    spec = CalendarSpec(
        working_days=frozenset({date(2027, 3, 6)}), days_off=frozenset({date(2027, 3, 9)})
    )
    engine = WorkingTime(spec)
    assert engine.effective_start(vn(2027, 3, 6, 8)) == vn(2027, 3, 6, 8)
    # Sat 6 works, Sun 7 rests, Mon 8 works, Tue 9 is off
    assert engine.deadline(vn(2027, 3, 5, 10), working_days=3).due_at == vn(2027, 3, 10, 17)


def test_a_working_day_override_on_a_public_holiday_makes_it_work():
    engine = WorkingTime(CalendarSpec(working_days=frozenset({date(2027, 9, 2)})))
    assert engine.is_working_day(date(2027, 9, 2)) is True
    assert engine.is_working_day(date(2027, 9, 3)) is False


# -- counting ----------------------------------------------------------------------------


def test_working_days_between_counts_both_ends(engine):
    assert engine.working_days_between(date(2027, 3, 1), date(2027, 3, 5)) == 5
    assert engine.working_days_between(date(2027, 3, 3), date(2027, 3, 3)) == 1


def test_working_days_between_two_days_off_is_zero(engine):
    assert engine.working_days_between(date(2027, 3, 6), date(2027, 3, 7)) == 0
    assert engine.working_days_between(date(2027, 3, 5), date(2027, 3, 1)) == 0


def test_february_2027_has_fifteen_working_days_because_of_tet(engine):
    assert engine.working_days_between(date(2027, 2, 1), date(2027, 2, 28)) == 15


def test_2025_has_250_working_days_counting_the_swapped_saturday(engine):
    assert engine.working_days_between(date(2025, 1, 1), date(2025, 12, 31)) == 250


def test_the_nth_working_day_after_a_wednesday_before_tet(engine):
    assert engine.nth_working_day_after(date(2027, 2, 3), 1) == date(2027, 2, 11)
    with pytest.raises(CalendarError):
        engine.nth_working_day_after(date(2027, 2, 3), 0)


def test_working_seconds_between_two_moments_count_office_time_only(engine):
    assert engine.working_seconds_between(vn(2027, 3, 3, 10), vn(2027, 3, 3, 14)) == 2 * HOUR
    assert engine.working_seconds_between(vn(2027, 3, 5, 16), vn(2027, 3, 8, 8)) == 2 * HOUR
    assert engine.working_seconds_between(vn(2027, 3, 3, 14), vn(2027, 3, 3, 10)) == -2 * HOUR
    assert engine.working_seconds_between(vn(2027, 3, 6, 8), vn(2027, 3, 7, 20)) == 0


def test_remaining_time_is_negative_once_overrun(engine):
    assert engine.remaining_seconds(vn(2027, 3, 3, 17), vn(2027, 3, 3, 16)) == HOUR
    assert engine.remaining_seconds(vn(2027, 3, 3, 17), vn(2027, 3, 4, 8)) == -HOUR


# -- pauses ------------------------------------------------------------------------------


def test_a_pause_of_one_working_day_moves_the_due_time_by_eight_office_hours(engine):
    due = vn(2027, 3, 10, 17)
    moved = engine.shift_by_pause(due, vn(2027, 3, 1, 10), vn(2027, 3, 2, 10))
    assert engine.working_seconds_between(due, moved) == 8 * HOUR
    assert moved == vn(2027, 3, 11, 17)


def test_a_pause_over_a_weekend_moves_the_due_time_by_the_office_time_only(engine):
    due = vn(2027, 3, 10, 17)
    moved = engine.shift_by_pause(due, vn(2027, 3, 5, 16), vn(2027, 3, 8, 8))
    assert moved == vn(2027, 3, 11, 9)


def test_a_pause_that_lies_entirely_in_a_weekend_moves_nothing(engine):
    due = vn(2027, 3, 10, 17)
    assert engine.shift_by_pause(due, vn(2027, 3, 6, 8), vn(2027, 3, 7, 20)) == due


def test_a_pause_moving_a_midday_due_time_skips_lunch(engine):
    moved = engine.shift_by_pause(vn(2027, 3, 10, 11), vn(2027, 3, 1, 8), vn(2027, 3, 1, 9))
    assert moved == vn(2027, 3, 10, 14)


def test_a_pause_cannot_end_before_it_starts(engine):
    with pytest.raises(CalendarError) as caught:
        engine.shift_by_pause(vn(2027, 3, 10, 17), vn(2027, 3, 2), vn(2027, 3, 1))
    assert caught.value.code == "calendar.bad_range"


# -- classification ----------------------------------------------------------------------

DUE = vn(2027, 3, 10, 17)


def test_finishing_a_day_before_the_due_date_is_early(engine):
    assert engine.classify(DUE, finished_at=vn(2027, 3, 9, 16, 59)) == Timeliness.EARLY


def test_finishing_on_the_due_date_before_the_due_time_is_on_time(engine):
    assert engine.classify(DUE, finished_at=vn(2027, 3, 10, 8)) == Timeliness.ON_TIME
    assert engine.classify(DUE, finished_at=vn(2027, 3, 10, 17)) == Timeliness.ON_TIME


def test_finishing_after_the_due_time_is_late(engine):
    assert engine.classify(DUE, finished_at=vn(2027, 3, 10, 17, 0, 1)) == Timeliness.LATE
    assert engine.classify(DUE, finished_at=vn(2027, 3, 11, 8)) == Timeliness.LATE


def test_finishing_the_same_morning_as_a_midday_due_time_is_on_time_not_early(engine):
    assert engine.classify(vn(2027, 3, 10, 14), finished_at=vn(2027, 3, 10, 8)) == "on_time"


def test_the_day_is_read_in_vietnam_time(engine):
    # 23:30 UTC on the 9th is 06:30 on the 10th in Vietnam: the due date, not before it
    finished = datetime(2027, 3, 9, 23, 30, tzinfo=UTC)
    assert engine.classify(DUE, finished_at=finished) == Timeliness.ON_TIME


def test_an_open_item_is_in_time_until_the_due_time_and_overdue_after(engine):
    assert engine.classify(DUE, now=vn(2027, 3, 10, 17)) == Timeliness.IN_TIME
    assert engine.classify(DUE, now=vn(2027, 3, 10, 17, 1)) == Timeliness.OVERDUE


def test_an_open_item_needs_now(engine):
    with pytest.raises(CalendarError) as caught:
        engine.classify(DUE)
    assert caught.value.code == "calendar.now_required"


# -- the range of the index --------------------------------------------------------------


def test_the_index_extends_far_into_the_future_and_positions_stay_comparable():
    engine = WorkingTime()
    span = engine.working_seconds_between(vn(2027, 2, 3, 10), vn(2027, 2, 17, 17))
    result = engine.deadline(vn(2150, 3, 4, 10), working_days=5)  # a Wednesday
    assert result.due_at == vn(2150, 3, 11, 17)
    assert engine.is_working_day(date(2150, 3, 7)) is False  # a Sunday
    assert engine.working_seconds_between(vn(2027, 2, 3, 10), vn(2027, 2, 17, 17)) == span
    assert span == 5 * HOUR + 5 * 8 * HOUR  # Wed 3 from 10:00, then 11, 12, 15, 16, 17


def test_a_day_limit_reaching_past_the_first_index_is_answered():
    # the first index ends some years after today; a long limit from near its end used
    # to index past the list of working days
    fresh = WorkingTime()
    extended = WorkingTime()
    extended.is_working_day(date(2150, 1, 1))
    start = date(date.today().year + 10, 9, 1)  # noqa: DTZ011
    assert fresh.nth_working_day_after(start, 100) == extended.nth_working_day_after(start, 100)
    moment = vn(start.year, 9, 1, 10)
    assert fresh.deadline(moment, working_days=300) == extended.deadline(moment, working_days=300)


def test_1990_is_the_first_year_and_earlier_dates_are_out_of_range(engine):
    assert engine.is_working_day(date(1990, 1, 1)) is False  # New Year's Day
    assert engine.is_working_day(date(1990, 1, 2)) is True
    assert engine.deadline(vn(1990, 1, 1, 10), working_days=1).due_at == vn(1990, 1, 3, 17)
    for call in (
        lambda: engine.is_working_day(date(1989, 12, 31)),
        lambda: engine.deadline(vn(1989, 12, 29, 10), working_days=1),
        lambda: engine.working_days_between(date(1989, 12, 1), date(1990, 1, 31)),
    ):
        with pytest.raises(CalendarError) as caught:
            call()
        assert caught.value.code == "calendar.out_of_range"


def test_dates_after_2200_are_out_of_range(engine):
    with pytest.raises(CalendarError) as caught:
        engine.is_working_day(date(2201, 1, 1))
    assert caught.value.code == "calendar.out_of_range"


# -- another calendar's office hours -----------------------------------------------------


def test_a_calendar_with_its_own_office_hours_counts_them():
    spec = CalendarSpec(periods=((time(7, 30), time(11, 30)), (time(13), time(16, 30))))
    engine = WorkingTime(spec)
    assert engine.day_seconds == int(7.5 * HOUR)
    assert engine.effective_start(vn(2027, 3, 3, 12)) == vn(2027, 3, 3, 13)
    assert engine.deadline(vn(2027, 3, 3, 7), working_days=1).due_at == vn(2027, 3, 4, 16, 30)
    assert engine.deadline(vn(2027, 3, 3, 11), working_hours=1).due_at == vn(2027, 3, 3, 13, 30)
