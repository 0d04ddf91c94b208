"""Working-time arithmetic: the single place where deadlines are computed.

This module is framework-free: it knows office periods, weekends, the public holidays of
Vietnam (from the ``holidays`` package) and the administrators' overrides, and answers
"what is this moment plus N working days / H working hours" and "how much working time
lies between these two moments". It knows nothing of dossiers or tasks.

Representation. Working days are indexed once: ``_wd`` is the sorted list of working-day
ordinals and ``_rank[o - lo]`` the number of working days strictly before ordinal ``o``.
A moment then maps to a *position* on a continuous working-time axis (seconds of office
time since the first indexed working day), so every question is an O(1) lookup plus a
walk over the few office periods of one day:

- due after H hours = the moment at position pos(start) + H;
- N working days after day d = ``_wd[_rank[d + 1] + N - 1]``;
- elapsed working time = pos(b) - pos(a); a pause moves a due time by the working time
  that elapsed during the pause.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from threading import Lock
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
_INDEX_MARGIN_YEARS = 3
# The index starts here and only ever grows forward, so positions stay comparable
# after it is extended.
FIRST_YEAR = 1990


class CalendarError(ValueError):
    """Input the calendar cannot answer (naive time, negative limit, bad period...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Timeliness(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    IN_TIME = "in_time"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CalendarSpec:
    """Everything that decides working time for one calendar."""

    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
    days_off: frozenset[date] = frozenset()  # extra days off (overrides)
    working_days: frozenset[date] = frozenset()  # days made working (swaps)
    country: str = "VN"

    def __post_init__(self) -> None:
        if not self.periods:
            raise CalendarError("calendar.no_office_hours", "A calendar needs office hours")
        previous_end: time | None = None
        for start, end in self.periods:
            if start >= end or (previous_end is not None and start < previous_end):
                raise CalendarError(
                    "calendar.bad_office_hours",
                    "Office periods must be increasing and must not overlap",
                )
            previous_end = end
        both = self.days_off & self.working_days
        if both:
            raise CalendarError(
                "calendar.conflicting_overrides",
                f"A day cannot be both off and working: {min(both).isoformat()}",
            )


@dataclass(frozen=True)
class Deadline:
    start: datetime
    effective_start: datetime
    due_at: datetime


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass
class _Index:
    lo: int  # first indexed ordinal
    hi: int  # one past the last indexed ordinal
    rank: array  # rank[o - lo] = working days strictly before o; len = hi - lo + 1
    wd: list[int] = field(default_factory=list)  # working-day ordinals


class WorkingTime:
    """Working-time arithmetic over one calendar. Thread-safe; extends its index on demand."""

    def __init__(self, spec: CalendarSpec | None = None, tz: ZoneInfo = VN_TZ) -> None:
        self.spec = spec or CalendarSpec()
        self.tz = tz
        self._period_secs = [(_seconds(a), _seconds(b)) for a, b in self.spec.periods]
        self.day_seconds = sum(b - a for a, b in self._period_secs)
        self._lock = Lock()
        today = date.today()  # noqa: DTZ011 - only sizes the first window of years
        self._index = self._build(FIRST_YEAR, today.year + 10)

    # -- the index ---------------------------------------------------------------------

    def _holidays(self, years: Iterable[int]) -> holidays.HolidayBase:
        return holidays.country_holidays(self.spec.country, years=list(years))

    def _build(self, first_year: int, last_year: int) -> _Index:
        public = self._holidays(range(first_year, last_year + 1))
        lo = date(first_year, 1, 1).toordinal()
        hi = date(last_year + 1, 1, 1).toordinal()
        rank = array("i", [0]) * (hi - lo + 1)
        wd: list[int] = []
        weekend, extra_off, extra_on = self.spec.weekend, self.spec.days_off, self.spec.working_days
        # Saturdays the government made working days in exchange for a bridge day off
        swapped_on = frozenset(getattr(public, "weekend_workdays", ()))
        for ordinal in range(lo, hi):
            rank[ordinal - lo] = len(wd)
            day = date.fromordinal(ordinal)
            if day in extra_on or (day in swapped_on and day not in extra_off):
                working = True
            elif day in extra_off or day in public:
                working = False
            else:
                working = day.weekday() not in weekend
            if working:
                wd.append(ordinal)
        rank[hi - lo] = len(wd)
        if not wd:
            raise CalendarError("calendar.no_working_time", "The calendar has no working day")
        return _Index(lo=lo, hi=hi, rank=rank, wd=wd)

    def _covering(self, ordinal: int, extra_days: int = 0) -> _Index:
        """The index, extended forward if ``ordinal`` (plus ``extra_days`` of room) is past it."""
        index = self._index
        if ordinal < index.lo:
            raise CalendarError("calendar.out_of_range", f"Dates must be after {FIRST_YEAR}")
        if ordinal + extra_days + 14 < index.hi:
            return index
        with self._lock:
            index = self._index
            if ordinal + extra_days + 14 < index.hi:
                return index
            if ordinal > date(2200, 1, 1).toordinal():
                raise CalendarError("calendar.out_of_range", "Dates must be before 2200")
            # working days are at most 7/5 calendar days plus holidays apart
            reach = date.fromordinal(min(ordinal + extra_days * 2 + 60, date.max.toordinal()))
            last = max(date.fromordinal(index.hi - 1).year, reach.year) + _INDEX_MARGIN_YEARS
            self._index = self._build(FIRST_YEAR, last)
            return self._index

    def public_holidays(self, year: int) -> dict[date, str]:
        """The public holidays of ``year`` as the ``holidays`` package names them."""
        return dict(self._holidays([year]).items())

    # -- days ----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        ordinal = day.toordinal()
        index = self._covering(ordinal)
        offset = ordinal - index.lo
        return index.rank[offset + 1] != index.rank[offset]

    def working_days_between(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included (0 if last < first)."""
        if last < first:
            return 0
        index = self._covering(first.toordinal(), last.toordinal() - first.toordinal())
        return (
            index.rank[last.toordinal() + 1 - index.lo] - index.rank[first.toordinal() - index.lo]
        )

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself not counted); n >= 1."""
        if n < 1:
            raise CalendarError("calendar.negative_limit", "n must be at least 1")
        ordinal = day.toordinal()
        index = self._covering(ordinal, n)
        return date.fromordinal(index.wd[index.rank[ordinal + 1 - index.lo] + n - 1])

    # -- positions on the working-time axis -------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError("calendar.naive_time", "Times must carry a UTC offset")
        return moment.astimezone(self.tz)

    def position(self, moment: datetime) -> int:
        """Seconds of office time from the index origin up to ``moment``."""
        local = self._local(moment)
        ordinal = local.toordinal()
        index = self._covering(ordinal)
        offset = ordinal - index.lo
        before = index.rank[offset]
        if index.rank[offset + 1] == before:  # not a working day
            return before * self.day_seconds
        secs = local.hour * 3600 + local.minute * 60 + local.second
        elapsed = 0
        for start, end in self._period_secs:
            if secs <= start:
                break
            elapsed += min(secs, end) - start
            if secs < end:
                break
        return before * self.day_seconds + elapsed

    def _moment(self, pos: int, *, at_end: bool) -> datetime:
        """The moment at working-time position ``pos``.

        ``at_end`` picks, for a position on a boundary between two periods, the end of the
        earlier one (a due time: 8 hours from 07:00 is 17:00 the same day) instead of the
        start of the next (an effective start: 11:30 starts at 13:30).
        """
        day_secs = self.day_seconds
        if at_end and pos > 0:
            k, rest = divmod(pos - 1, day_secs)
            rest += 1
        else:
            k, rest = divmod(pos, day_secs)
        index = self._index
        while k >= len(index.wd):
            index = self._covering(index.hi, 400)
        ordinal = index.wd[k]
        for start, end in self._period_secs:
            length = end - start
            if rest < length or (at_end and rest == length):
                secs = start + rest
                break
            rest -= length
        else:  # pragma: no cover - rest < day_secs always lands in a period
            raise AssertionError("position beyond the office day")
        day = date.fromordinal(ordinal)
        return datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(seconds=secs)

    # -- the questions -------------------------------------------------------------------

    def effective_start(self, moment: datetime, cutoff: time | None = None) -> datetime:
        """When the clock starts for something received at ``moment``.

        Inside office hours: at once. Otherwise the start of the next office period. After
        the cut-off of a working day: the start of the next working day.
        """
        local = self._local(moment)
        if cutoff is not None and self.is_working_day(local.date()) and local.time() > cutoff:
            next_day = self.nth_working_day_after(local.date(), 1)
            return datetime.combine(next_day, self.spec.periods[0][0], tzinfo=self.tz)
        return self._moment(self.position(local), at_end=False)

    def due_after_days(self, effective_start: datetime, days: int) -> datetime:
        """End of office hours of the ``days``-th working day after the start's day.

        Civil Code 2015 art. 147-148: the day of the event is not counted; a period in days
        ends at the end of its last day (for an agency, the end of office hours). A limit of
        0 days ("within the day") ends with the office hours of the start's own day.
        """
        if days < 0:
            raise CalendarError("calendar.negative_limit", "A time limit cannot be negative")
        start = self.effective_start(effective_start)
        last = start.date() if days == 0 else self.nth_working_day_after(start.date(), days)
        return datetime.combine(last, self.spec.periods[-1][1], tzinfo=self.tz)

    def due_after_seconds(self, effective_start: datetime, seconds: int) -> datetime:
        """The moment after ``seconds`` of office time counted from ``effective_start``."""
        if seconds < 0:
            raise CalendarError("calendar.negative_limit", "A time limit cannot be negative")
        return self._moment(self.position(effective_start) + seconds, at_end=seconds > 0)

    def due_after_hours(self, effective_start: datetime, hours: float) -> datetime:
        return self.due_after_seconds(effective_start, round(hours * 3600))

    def deadline(
        self,
        start: datetime,
        *,
        working_days: int | None = None,
        working_hours: float | None = None,
        cutoff: time | None = None,
    ) -> Deadline:
        """Effective start and due time for a limit in working days or working hours."""
        if (working_days is None) == (working_hours is None):
            raise CalendarError(
                "calendar.limit_required", "Give exactly one of working_days or working_hours"
            )
        if (working_days or 0) < 0 or (working_hours or 0) < 0:
            raise CalendarError("calendar.negative_limit", "A time limit cannot be negative")
        effective = self.effective_start(start, cutoff)
        if working_days is not None:
            due = self.due_after_days(effective, working_days)
        else:
            due = self.due_after_hours(effective, float(working_hours or 0))
        return Deadline(start=self._local(start), effective_start=effective, due_at=due)

    def working_seconds_between(self, first: datetime, second: datetime) -> int:
        """Office time from ``first`` to ``second`` (negative if second is earlier)."""
        return self.position(second) - self.position(first)

    def shift_by_pause(
        self, due_at: datetime, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """``due_at`` moved later by the office time that elapsed while paused."""
        paused = self.working_seconds_between(paused_at, resumed_at)
        if paused < 0:
            raise CalendarError("calendar.bad_range", "A pause cannot end before it starts")
        if paused == 0:
            return self._local(due_at)
        return self._moment(self.position(due_at) + paused, at_end=True)

    def classify(
        self, due_at: datetime, *, finished_at: datetime | None = None, now: datetime | None = None
    ) -> Timeliness:
        """Early / on time / late for finished items, in time / overdue for open ones."""
        due = self._local(due_at)
        if finished_at is None:
            if now is None:
                raise CalendarError("calendar.now_required", "An open item needs 'now'")
            return Timeliness.OVERDUE if self._local(now) > due else Timeliness.IN_TIME
        finished = self._local(finished_at)
        if finished.date() < due.date():
            return Timeliness.EARLY
        if finished <= due:
            return Timeliness.ON_TIME
        return Timeliness.LATE

    def remaining_seconds(self, due_at: datetime, now: datetime) -> int:
        """Office time left until ``due_at`` (negative: the overrun)."""
        return self.working_seconds_between(now, due_at)

    def working_days_in(self, days: Sequence[date]) -> list[bool]:
        return [self.is_working_day(d) for d in days]
