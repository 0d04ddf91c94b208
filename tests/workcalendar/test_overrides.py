"""Overrides through the services, read back through the selectors (database needed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import transaction
from django.db.models import F

from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.workcalendar import selectors, services
from motcua.workcalendar.engine import VN_TZ
from motcua.workcalendar.models import CalendarOverride, OverrideKind, WorkCalendar

BASIS = "Thông báo 6150/TB-LĐTBXH"
SATURDAY = date(2027, 2, 20)


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def national(db) -> WorkCalendar:
    return selectors.calendar_default()


@pytest.fixture
def provincial(national) -> WorkCalendar:
    return WorkCalendar.objects.create(code="nghe-an", name="Lịch Nghệ An", base=national)


def revision(calendar: WorkCalendar) -> int:
    return WorkCalendar.objects.get(pk=calendar.pk).revision


def add(calendar: WorkCalendar, day: date, kind: str, **extra) -> CalendarOverride:
    return services.override_add(
        calendar=calendar, day=day, kind=kind, legal_basis=extra.pop("basis", BASIS), **extra
    )


# -- refusals write nothing --------------------------------------------------------------


def test_the_national_calendar_exists_without_overrides(national):
    assert national.code == "vn"
    assert national.is_default is True
    assert CalendarOverride.objects.count() == 0


def test_an_unknown_kind_is_refused_and_nothing_is_written(national):
    with pytest.raises(ValidationFailed) as caught:
        add(national, SATURDAY, "holiday")
    assert caught.value.status == 400
    assert caught.value.code == "calendar.invalid_override"
    assert set(caught.value.fields) == {"kind"}
    assert CalendarOverride.objects.count() == 0
    assert revision(national) == 1


@pytest.mark.parametrize("basis", ["", "   "])
def test_an_empty_legal_basis_is_refused_and_nothing_is_written(national, basis):
    with pytest.raises(ValidationFailed) as caught:
        add(national, SATURDAY, OverrideKind.WORKING_DAY, basis=basis)
    assert caught.value.status == 400
    assert set(caught.value.fields) == {"legal_basis"}
    assert CalendarOverride.objects.count() == 0
    assert revision(national) == 1


def test_a_legal_basis_or_note_longer_than_its_column_is_refused(national):
    with pytest.raises(ValidationFailed) as caught:
        add(national, SATURDAY, OverrideKind.WORKING_DAY, basis="x" * 256, note="y" * 256)
    assert set(caught.value.fields) == {"legal_basis", "note"}
    assert CalendarOverride.objects.count() == 0


def test_a_second_override_of_the_same_day_is_a_conflict(national):
    add(national, SATURDAY, OverrideKind.WORKING_DAY)
    with pytest.raises(Conflict) as caught:
        add(national, SATURDAY, OverrideKind.DAY_OFF)
    assert caught.value.status == 409
    assert caught.value.code == "calendar.duplicate_override"
    assert list(CalendarOverride.objects.values_list("date", "kind")) == [
        (SATURDAY, OverrideKind.WORKING_DAY)
    ]
    assert revision(national) == 2


@pytest.mark.parametrize(
    "day", [date(2027, 2, 21), date(2027, 2, 8)], ids=["a Sunday", "a Tết day"]
)
def test_a_day_off_on_a_day_already_off_is_refused(national, day):
    with pytest.raises(ValidationFailed) as caught:
        add(national, day, OverrideKind.DAY_OFF)
    assert caught.value.code == "calendar.already_off"
    assert set(caught.value.fields) == {"date"}
    assert CalendarOverride.objects.count() == 0
    assert revision(national) == 1


@pytest.mark.parametrize(
    "day", [date(2027, 2, 17), date(2025, 4, 26)], ids=["a Wednesday", "the swapped Saturday"]
)
def test_a_working_day_on_a_day_already_working_is_refused(national, day):
    with pytest.raises(ValidationFailed) as caught:
        add(national, day, OverrideKind.WORKING_DAY)
    assert caught.value.code == "calendar.already_working"
    assert CalendarOverride.objects.count() == 0
    assert revision(national) == 1


@pytest.mark.parametrize("day", [date(1989, 12, 30), date(2300, 1, 1)])
def test_a_day_outside_the_calendar_is_refused_as_input(national, day):
    with pytest.raises(ValidationFailed) as caught:
        add(national, day, OverrideKind.DAY_OFF)
    assert caught.value.code == "calendar.out_of_range"
    assert set(caught.value.fields) == {"date"}
    assert CalendarOverride.objects.count() == 0


# -- later answers change, stored deadlines do not ---------------------------------------


def test_a_working_saturday_changes_later_answers_but_not_a_stored_deadline(national):
    before = selectors.working_time()
    stored = before.deadline(vn(2027, 2, 19, 10), working_days=1).due_at
    assert stored == vn(2027, 2, 22, 17)

    override = add(national, SATURDAY, OverrideKind.WORKING_DAY, note="Làm bù")

    assert override.note == "Làm bù"
    assert override.legal_basis == BASIS
    assert revision(national) == 2
    after = selectors.working_time()
    assert after is not before
    assert after.is_working_day(SATURDAY) is True
    assert after.deadline(vn(2027, 2, 19, 10), working_days=1).due_at == vn(2027, 2, 20, 17)
    assert after.effective_start(vn(2027, 2, 20, 8)) == vn(2027, 2, 20, 8)
    # the deadline stored before the edit, and the engine that computed it, are unchanged
    assert stored == vn(2027, 2, 22, 17)
    assert before.deadline(vn(2027, 2, 19, 10), working_days=1).due_at == stored


def test_a_day_off_pushes_later_deadlines_by_a_day(national):
    stored = selectors.working_time().deadline(vn(2027, 3, 1, 10), working_days=3).due_at
    assert stored == vn(2027, 3, 4, 17)

    add(national, date(2027, 3, 3), OverrideKind.DAY_OFF, note="Nghỉ bù")

    engine = selectors.working_time()
    assert engine.is_working_day(date(2027, 3, 3)) is False
    assert engine.deadline(vn(2027, 3, 1, 10), working_days=3).due_at == vn(2027, 3, 5, 17)
    assert stored == vn(2027, 3, 4, 17)


def test_an_unchanged_calendar_is_served_from_the_cache(national, django_assert_num_queries):
    first = selectors.working_time(national)
    with django_assert_num_queries(1):
        assert selectors.working_time(national) is first


def test_removing_an_override_restores_the_old_answers(national):
    add(national, SATURDAY, OverrideKind.WORKING_DAY)
    add(national, date(2027, 3, 3), OverrideKind.DAY_OFF)
    assert selectors.working_time().is_working_day(SATURDAY) is True

    services.override_remove(calendar=national, day=SATURDAY)
    services.override_remove(calendar=national, day=date(2027, 3, 3))

    engine = selectors.working_time()
    assert engine.is_working_day(SATURDAY) is False
    assert engine.is_working_day(date(2027, 3, 3)) is True
    assert engine.deadline(vn(2027, 2, 19, 10), working_days=1).due_at == vn(2027, 2, 22, 17)
    assert CalendarOverride.objects.count() == 0
    assert revision(national) == 5


def test_removing_an_override_that_does_not_exist_is_not_found(national):
    with pytest.raises(NotFound) as caught:
        services.override_remove(calendar=national, day=SATURDAY)
    assert caught.value.code == "calendar.override_not_found"
    assert revision(national) == 1


def test_overrides_for_a_year_lists_them_in_date_order(national):
    add(national, date(2027, 3, 3), OverrideKind.DAY_OFF)
    add(national, SATURDAY, OverrideKind.WORKING_DAY)
    add(national, date(2028, 1, 4), OverrideKind.DAY_OFF)
    listed = selectors.overrides_for_year(calendar=national, year=2027)
    assert [(o.date, o.kind) for o in listed] == [
        (SATURDAY, OverrideKind.WORKING_DAY),
        (date(2027, 3, 3), OverrideKind.DAY_OFF),
    ]


def test_the_year_view_explains_each_day(national):
    add(national, SATURDAY, OverrideKind.WORKING_DAY)
    view = selectors.calendar_year(calendar=national, year=2027)
    february = [d for week in view.months[1] for d in week if d is not None]
    by_day = {d.day: d for d in february}
    assert by_day[SATURDAY].working is True
    assert by_day[SATURDAY].weekend is True
    assert by_day[SATURDAY].override is not None
    assert by_day[date(2027, 2, 8)].holiday is not None
    assert by_day[date(2027, 2, 8)].working is False
    assert view.working_days == selectors.working_time().working_days_between(
        date(2027, 1, 1), date(2027, 12, 31)
    )


# -- a derived calendar ------------------------------------------------------------------


def test_a_derived_calendar_sees_the_base_overrides(national, provincial):
    assert selectors.working_time(provincial).is_working_day(date(2027, 3, 3)) is True
    add(national, date(2027, 3, 3), OverrideKind.DAY_OFF)
    assert selectors.working_time(provincial).is_working_day(date(2027, 3, 3)) is False
    assert selectors.overrides_for_year(calendar=provincial, year=2027)[0].calendar == national


def test_the_derived_calendars_own_override_wins_over_the_base(national, provincial):
    add(national, date(2027, 3, 3), OverrideKind.DAY_OFF)
    add(provincial, date(2027, 3, 3), OverrideKind.WORKING_DAY, basis="Quyết định của UBND tỉnh")
    add(provincial, SATURDAY, OverrideKind.WORKING_DAY, basis="Quyết định của UBND tỉnh")

    province = selectors.working_time(provincial)
    country = selectors.working_time(national)
    assert province.is_working_day(date(2027, 3, 3)) is True
    assert country.is_working_day(date(2027, 3, 3)) is False
    assert province.is_working_day(SATURDAY) is True
    assert country.is_working_day(SATURDAY) is False


def test_a_base_edit_reaches_a_derived_calendar_already_cached(national, provincial):
    cached = selectors.working_time(provincial)
    add(national, SATURDAY, OverrideKind.WORKING_DAY)
    fresh = selectors.working_time(provincial)
    assert fresh is not cached
    assert fresh.is_working_day(SATURDAY) is True


def test_a_derived_calendar_keeps_its_own_office_hours(national):
    own = WorkCalendar.objects.create(
        code="bien-gioi",
        name="Lịch vùng biên giới",
        base=national,
        office_periods=[["07:30", "11:30"], ["13:00", "16:30"]],
    )
    engine = selectors.working_time(own)
    assert engine.effective_start(vn(2027, 3, 3, 7)) == vn(2027, 3, 3, 7, 30)
    assert engine.deadline(vn(2027, 3, 3, 10), working_days=1).due_at == vn(2027, 3, 4, 16, 30)


# -- the per-process cache never outlives the rows it was built from ---------------------


class _Rollback(Exception):
    pass


def rolled_back(work) -> None:
    """Run ``work`` in a transaction that is then rolled back."""

    def run() -> None:
        with transaction.atomic():
            work()
            raise _Rollback

    with pytest.raises(_Rollback):
        run()


def test_a_rolled_back_edit_does_not_leave_a_stale_engine_behind(national):
    def edit() -> None:
        add(national, date(2027, 3, 3), OverrideKind.DAY_OFF)
        assert selectors.working_time(national).is_working_day(date(2027, 3, 3)) is False

    rolled_back(edit)
    assert revision(national) == 1
    # another edit written straight to the table reaches the same revision number
    CalendarOverride.objects.create(
        calendar=national, date=SATURDAY, kind=OverrideKind.WORKING_DAY, legal_basis=BASIS
    )
    WorkCalendar.objects.filter(pk=national.pk).update(revision=F("revision") + 1)

    engine = selectors.working_time(national)
    assert engine.is_working_day(date(2027, 3, 3)) is True
    assert engine.is_working_day(SATURDAY) is True


def test_a_calendar_recreated_with_other_office_hours_is_not_served_from_the_cache(national):
    def create() -> None:
        first = WorkCalendar.objects.create(code="tam", name="Tạm", base=national)
        assert selectors.working_time(first).day_seconds == 8 * 3600

    rolled_back(create)
    second = WorkCalendar.objects.create(
        code="tam", name="Tạm", base=national, office_periods=[["08:00", "12:00"]]
    )
    assert selectors.working_time(second).day_seconds == 4 * 3600
