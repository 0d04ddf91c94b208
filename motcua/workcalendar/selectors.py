"""Reads of calendars: the cached working-time engine of a calendar, a year's view."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, time
from threading import Lock

from motcua.core.errors import NotFound
from motcua.workcalendar.engine import CalendarSpec, WorkingTime
from motcua.workcalendar.models import CalendarOverride, OverrideKind, WorkCalendar

_CACHE: dict[int, tuple[tuple[int, ...], WorkingTime]] = {}
_CACHE_LOCK = Lock()
_MAX_BASE_DEPTH = 4


def calendar_default() -> WorkCalendar:
    """The national calendar (created by the initial data migration)."""
    found = WorkCalendar.objects.filter(is_default=True).first()
    if found is None:
        raise NotFound("calendar.not_found", "No default working calendar is configured")
    return found


def calendar_get(*, code: str | None) -> WorkCalendar:
    """The calendar with ``code``, or the national default when ``code`` is empty."""
    if not code:
        return calendar_default()
    found = WorkCalendar.objects.filter(code=code).first()
    if found is None:
        raise NotFound("calendar.not_found", f"Unknown calendar {code!r}")
    return found


def _chain(calendar: WorkCalendar) -> list[WorkCalendar]:
    """The calendar and its bases, nearest first, read in one query."""
    related = "__".join(["base"] * _MAX_BASE_DEPTH)
    fresh = WorkCalendar.objects.select_related(related).get(pk=calendar.pk)
    chain: list[WorkCalendar] = []
    node: WorkCalendar | None = fresh
    while node is not None and len(chain) <= _MAX_BASE_DEPTH:
        chain.append(node)
        node = node.base
    return chain


def _parse_periods(raw: list[list[str]]) -> tuple[tuple[time, time], ...]:
    return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw)


def working_time(calendar: WorkCalendar | None = None) -> WorkingTime:
    """The working-time engine of ``calendar`` (default: national), current as of now.

    Costs one query when the calendar is unchanged since this process last built it; after
    any edit (its revision or a base's revision grew) the index is rebuilt from the rows,
    so several app processes never disagree for longer than one request.
    """
    chain = _chain(calendar or calendar_default())
    key = tuple(c.revision for c in chain)
    head = chain[0]
    cached = _CACHE.get(head.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    days_off: dict[date, bool] = {}
    # nearest calendar wins: apply the farthest base first
    overrides = CalendarOverride.objects.filter(calendar__in=chain).values_list(
        "calendar_id", "date", "kind"
    )
    by_calendar: dict[int, list[tuple[date, str]]] = {}
    for calendar_id, day, kind in overrides:
        by_calendar.setdefault(calendar_id, []).append((day, kind))
    for node in reversed(chain):
        for day, kind in by_calendar.get(node.pk, []):
            days_off[day] = kind == OverrideKind.DAY_OFF
    spec = CalendarSpec(
        periods=_parse_periods(head.office_periods),
        weekend=frozenset(int(d) for d in head.weekend),
        days_off=frozenset(d for d, off in days_off.items() if off),
        working_days=frozenset(d for d, off in days_off.items() if not off),
    )
    engine = WorkingTime(spec)
    with _CACHE_LOCK:
        _CACHE[head.pk] = (key, engine)
    return engine


def overrides_for_year(*, calendar: WorkCalendar, year: int) -> list[CalendarOverride]:
    chain = _chain(calendar)
    return list(
        CalendarOverride.objects.filter(calendar__in=chain, date__year=year)
        .select_related("calendar", "created_by")
        .order_by("date")
    )


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    weekend: bool
    holiday: str | None
    override: CalendarOverride | None


@dataclass(frozen=True)
class YearView:
    year: int
    months: list[list[list[DayInfo | None]]]  # month -> weeks -> 7 days (None = padding)
    holidays: list[tuple[date, str]]
    overrides: list[CalendarOverride]
    working_days: int


def calendar_year(*, calendar: WorkCalendar, year: int) -> YearView:
    """A year of ``calendar``: each day with why it is or is not a working day."""
    engine = working_time(calendar)
    public = dict(sorted(engine.public_holidays(year).items()))
    overrides = overrides_for_year(calendar=calendar, year=year)
    by_day = {o.date: o for o in overrides}
    weekend = engine.spec.weekend
    months: list[list[list[DayInfo | None]]] = []
    for month in range(1, 13):
        weeks: list[list[DayInfo | None]] = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row: list[DayInfo | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                row.append(
                    DayInfo(
                        day=day,
                        working=engine.is_working_day(day),
                        weekend=day.weekday() in weekend,
                        holiday=public.get(day),
                        override=by_day.get(day),
                    )
                )
            weeks.append(row)
        months.append(weeks)
    return YearView(
        year=year,
        months=months,
        holidays=list(public.items()),
        overrides=overrides,
        working_days=engine.working_days_between(date(year, 1, 1), date(year, 12, 31)),
    )
