"""Which working calendar a unit uses: its own, else the nearest ancestor's, else national."""

from __future__ import annotations

from motcua.org.models import AdministrativeUnit
from motcua.org.selectors import calendar_for_unit
from motcua.workcalendar.models import WorkCalendar
from motcua.workcalendar.selectors import calendar_default


def give_calendar(unit: AdministrativeUnit, code: str) -> WorkCalendar:
    calendar = WorkCalendar.objects.create(code=code, name=code, base=calendar_default())
    AdministrativeUnit.objects.filter(pk=unit.pk).update(calendar=calendar)
    return calendar


def fresh(unit: AdministrativeUnit) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(pk=unit.pk)


def test_a_unit_without_calendars_above_it_uses_the_national_calendar(world):
    national = calendar_default()
    assert national.is_default
    for unit in [world.province, world.dl, world.dl_commune]:
        assert calendar_for_unit(unit=fresh(unit)) == national


def test_a_commune_uses_the_calendar_of_its_province(world):
    nghe_an = give_calendar(world.province, "nghe-an")
    assert calendar_for_unit(unit=fresh(world.dl_commune)) == nghe_an
    assert calendar_for_unit(unit=fresh(world.tk)) == nghe_an


def test_the_nearest_calendar_wins(world):
    give_calendar(world.province, "nghe-an")
    do_luong = give_calendar(world.dl, "do-luong")
    assert calendar_for_unit(unit=fresh(world.dl_commune)) == do_luong
    assert calendar_for_unit(unit=fresh(world.dl)) == do_luong
    assert calendar_for_unit(unit=fresh(world.tk_commune)).code == "nghe-an"


def test_a_units_own_calendar_comes_first(world):
    give_calendar(world.dl, "do-luong")
    own = give_calendar(world.dl_commune, "dong-son")
    assert calendar_for_unit(unit=fresh(world.dl_commune)) == own


def test_the_unit_s_engine_is_the_one_of_calendar_for_unit_read_in_one_query(
    world, django_assert_num_queries
):
    from datetime import date

    from motcua.org.selectors import working_time_for_unit
    from motcua.workcalendar.models import CalendarOverride
    from motcua.workcalendar.selectors import working_time

    give_calendar(world.province, "nghe-an")
    do_luong = give_calendar(world.dl, "do-luong")
    # a day off only in Đô Lương's calendar tells the engines apart
    CalendarOverride.objects.create(
        calendar=do_luong, date=date(2027, 3, 3), kind="day_off", note="Lễ hội"
    )
    for each in [world.province, world.dl, world.dl_commune, world.tk, world.tk_commune]:
        expected = working_time(calendar_for_unit(unit=fresh(each)))
        unit = fresh(each)
        with django_assert_num_queries(1):
            engine = working_time_for_unit(unit=unit)
        assert engine is expected
    assert not working_time_for_unit(unit=fresh(world.dl_commune)).is_working_day(date(2027, 3, 3))
    assert working_time_for_unit(unit=fresh(world.tk_commune)).is_working_day(date(2027, 3, 3))
