"""Reads of calendars: the cached working-time engine of a calendar, a year's view."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, time
from threading import Lock

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.workcalendar.engine import CalendarSpec, WorkingTime
from motcua.workcalendar.models import CalendarOverride, OverrideKind, WorkCalendar

_CACHE: dict[int, tuple[tuple[object, ...], WorkingTime]] = {}
_CACHE_LOCK = Lock()
_MAX_BASE_DEPTH = 4


def _forget(sender: object, **kwargs: object) -> None:
    """Drop every cached engine when a calendar or an override row is written here.

    Other processes notice an edit by its revision; this process also forgets at once, so
    that a rolled-back transaction (whose revision number is then reused by another edit)
    or a row written without a revision bump never leaves a stale engine behind. Cache
    bookkeeping only: no business logic hangs on these signals.
    """
    with _CACHE_LOCK:
        _CACHE.clear()


for _model in (WorkCalendar, CalendarOverride):
    for _signal in (post_save, post_delete):
        _signal.connect(_forget, sender=_model, dispatch_uid=f"workcalendar.forget.{_model}")


def calendar_default() -> WorkCalendar:
    """The national calendar (created by the initial data migration)."""
    found = WorkCalendar.objects.filter(is_default=True).first()
    if found is None:
        raise NotFound("calendar.not_found", _("No default working calendar is configured"))
    return found


def calendar_get(*, code: str | None) -> WorkCalendar:
    """The calendar with ``code``, or the national default when ``code`` is empty."""
    if not code:
        return calendar_default()
    found = WorkCalendar.objects.filter(code=code).first()
    if found is None:
        raise NotFound("calendar.not_found", _("Unknown calendar %(code)r") % {"code": code})
    return found


def _chain(calendar: WorkCalendar) -> list[WorkCalendar]:
    """The calendar and its bases, nearest first, read in one query."""
    return chain_of(chain_query().get(pk=calendar.pk))


def _parse_periods(raw: list[list[str]]) -> tuple[tuple[time, time], ...]:
    return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw)


def chain_query() -> QuerySet[WorkCalendar]:
    """Calendars with their bases joined (``_chain`` reads a chain from one row)."""
    return WorkCalendar.objects.select_related("__".join(["base"] * _MAX_BASE_DEPTH))


def chain_of(fresh: WorkCalendar) -> list[WorkCalendar]:
    """The chain of a calendar read with ``chain_query`` (no query)."""
    chain: list[WorkCalendar] = []
    node: WorkCalendar | None = fresh
    while node is not None and len(chain) <= _MAX_BASE_DEPTH:
        chain.append(node)
        node = node.base
    return chain


def working_time(
    calendar: WorkCalendar | None = None, *, chain: list[WorkCalendar] | None = None
) -> WorkingTime:
    """The working-time engine of ``calendar`` (default: national), current as of now.

    Costs one query when the calendar is unchanged since this process last built it; after
    any edit (its revision or a base's revision grew) the index is rebuilt from the rows,
    so several app processes never disagree for longer than one request.
    """
    chain = chain or _chain(calendar or calendar_default())
    # the rows' own settings too: a primary key and revision can come back after a rollback
    key = tuple((c.pk, c.revision, c.version, c.office_periods, c.weekend) for c in chain)
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
    # the holidays package names days in vi or en_US; it would otherwise follow $LANG
    language = "en_US" if get_language() == "en" else "vi"
    public = dict(sorted(engine.public_holidays(year, language).items()))
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
