"""The deadlines of tasks on a timeline of weeks: which tasks lie in a window of calendar
time, where their bars begin and end as shares of the window, and how they stand against
their due time in working time (the same words and colours as every task list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from motcua.dossiers.timewords import ICONS, TimeLeft, Tone, time_left
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, Official
from motcua.tasks import selectors
from motcua.tasks.models import OPEN_STATUSES, Task, TaskStatus
from motcua.workcalendar.engine import CalendarError, Timeliness, WorkingTime

MAX_ROWS = 300
MAX_WEEKS = 26
DEFAULT_WEEKS = 8
# windows stay well inside the years the working calendars answer for
FIRST_DAY = date(1991, 1, 1)
LAST_DAY = date(2198, 12, 31)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# the bar's colour of a finished task: early or on time is green, late red
DONE_TONES = {
    Timeliness.EARLY: Tone.OK,
    Timeliness.ON_TIME: Tone.OK,
    Timeliness.LATE: Tone.LATE,
}


@dataclass(frozen=True)
class TimelineRow:
    """One task's bar: ``left`` and ``width`` are percentages of the window (0..100, two
    decimals); ``due`` the due marker's position, None when the due time lies outside the
    window; ``clipped_left``/``clipped_right`` when the task reaches beyond the window."""

    task: Task
    left: Decimal
    width: Decimal
    due: Decimal | None
    clipped_left: bool
    clipped_right: bool
    timeliness: str | None
    time: TimeLeft | None
    tone: str | None

    @property
    def icon(self) -> str:
        """The tone's icon, so the bar's colour is never the only signal."""
        return ICONS[Tone(self.tone)] if self.tone else ""


@dataclass(frozen=True)
class Week:
    """A week's column: its Monday and where it begins in the window."""

    monday: date
    left: Decimal


@dataclass(frozen=True)
class Day:
    """A day of the window: where it begins, and whether it is a working day."""

    day: date
    left: Decimal
    working: bool


@dataclass(frozen=True)
class Timeline:
    """A window of whole weeks from ``start`` (a date, included) to ``end`` (excluded):
    the Mondays within it, its days, the rows, where now falls (None outside) and the
    width of one day, all as percentages of the window."""

    start: date
    end: date
    weeks: list[Week]
    days: list[Day]
    rows: list[TimelineRow]
    truncated: bool
    today: Decimal | None
    width_of_day: Decimal

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


class _Engines:
    """One working-time engine per lead agency's unit, built once per timeline."""

    def __init__(self) -> None:
        self._by_unit: dict[int, WorkingTime] = {}

    def of(self, unit: AdministrativeUnit) -> WorkingTime:
        if unit.pk not in self._by_unit:
            self._by_unit[unit.pk] = org_selectors.working_time_for_unit(unit=unit)
        return self._by_unit[unit.pk]


def _percent(seconds: float, span: float) -> Decimal:
    """``seconds`` as a share of ``span``, clamped to 0..100, rounded half up to 0.01."""
    share = Decimal(seconds) * HUNDRED / Decimal(span)
    return min(max(share, Decimal(0)), HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _row(
    task: Task, *, first: datetime, last: datetime, now: datetime, engines: _Engines
) -> TimelineRow:
    span = (last - first).total_seconds()
    left = _percent((task.start - first).total_seconds(), span)
    end = task.due_at
    if task.status in OPEN_STATUSES and task.due_at < now:
        end = min(now, last)  # the overrun, drawn on to now
    right = _percent((end - first).total_seconds(), span)
    engine = engines.of(task.lead_agency.unit)
    judged: Timeliness | None = None
    words: TimeLeft | None = None
    try:
        judged = selectors.task_timeliness(task, now=now, engine=engine)
        if task.status in OPEN_STATUSES:
            allotted = engine.remaining_seconds(task.due_at, task.start)
            words = time_left(task.due_at, now=now, engine=engine, allotted_seconds=allotted)
    except CalendarError:
        # a due time beyond the calendar's range (set through the API): a bar without words
        judged = words = None
    if words is not None:
        tone: Tone | None = words.tone
    else:
        tone = DONE_TONES.get(judged) if judged is not None else None
    return TimelineRow(
        task=task,
        left=left,
        width=right - left,
        due=_percent((task.due_at - first).total_seconds(), span)
        if first <= task.due_at < last
        else None,
        clipped_left=task.start < first,
        clipped_right=task.due_at >= last,
        timeliness=judged.value if judged is not None else None,
        time=words,
        tone=tone.value if tone is not None else None,
    )


def _days(official: Official, first: date, count: int, engines: _Engines) -> list[Day]:
    """The window's days, each marked working or not by the calendar of the official's
    first agency (by role grant); every day working when the official holds no role."""
    days = [first + timedelta(days=i) for i in range(count)]
    grant = org_selectors.role_grants_current(official=official).order_by("pk").first()
    working = [True] * count
    if grant is not None:
        working = engines.of(grant.agency.unit).working_days_in(days)
    origin = _midnight(first)
    span = (_midnight(first + timedelta(days=count)) - origin).total_seconds()
    return [
        Day(day=d, left=_percent((_midnight(d) - origin).total_seconds(), span), working=w)
        for d, w in zip(days, working, strict=True)
    ]


def deadline_timeline(
    *,
    official: Official,
    start: date,
    weeks: int,
    agency: Agency | None = None,
    assignee: Official | None = None,
    now: datetime | None = None,
) -> Timeline:
    """The tasks ``official`` may see whose [start, due] meets the window of ``weeks``
    weeks from midnight of ``start`` (local time): open ones, and approved ones finished or
    approved within the window; cancelled ones never. Open overdue tasks are shown until
    they are done, their bar running on to now. Optionally only those led by
    ``agency`` or done by ``assignee``. Sorted by due time, at most ``MAX_ROWS`` rows
    (``truncated`` says there were more). Queries: the tasks, one per calendar unit met,
    and the official's first agency's calendar, whatever the number of tasks."""
    if not 1 <= weeks <= MAX_WEEKS or not FIRST_DAY <= start <= LAST_DAY:
        raise ValueError((start, weeks))
    now = now or timezone.now()
    end = start + timedelta(weeks=weeks)
    first, last = _midnight(start), _midnight(end)
    span = (last - first).total_seconds()
    in_window = Q(finished_at__gte=first, finished_at__lt=last) | Q(
        approved_at__gte=first, approved_at__lt=last
    )
    # an open task past its due time stays on the timeline until it is done: its bar runs
    # on to now, however long ago it fell due
    # (in a window that holds now or lies before it: a future window shows what falls due
    # in it)
    shown = Q(start__lt=last, due_at__gte=first) & (
        Q(status__in=OPEN_STATUSES) | (Q(status=TaskStatus.APPROVED) & in_window)
    )
    if first <= now:
        shown |= Q(status__in=OPEN_STATUSES, due_at__lt=min(now, last), start__lt=last)
    tasks = selectors.tasks_visible(official=official).filter(shown)
    if agency is not None:
        tasks = tasks.filter(lead_agency=agency)
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    found = list(tasks.order_by("due_at", "pk")[: MAX_ROWS + 1])
    engines = _Engines()
    rows = [_row(t, first=first, last=last, now=now, engines=engines) for t in found[:MAX_ROWS]]
    days = _days(official, start, weeks * 7, engines)
    moment = (now - first).total_seconds()
    return Timeline(
        start=start,
        end=end,
        weeks=[Week(monday=d.day, left=d.left) for d in days if d.day.weekday() == 0],
        days=days,
        rows=rows,
        truncated=len(found) > MAX_ROWS,
        today=_percent(moment, span) if 0 <= moment < span else None,
        width_of_day=_percent(86400, span),
    )
