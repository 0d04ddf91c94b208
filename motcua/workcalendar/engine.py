"""Working-time arithmetic: the single place where deadlines are computed.

This module is framework-free: it knows office periods, weekends, the public holidays of
Vietnam (from the ``holidays`` package) and the administrators' overrides, and answers
"what is this moment plus N working days / H working hours" and "how much working time
lies between these two moments". It knows nothing of dossiers or tasks.

Representation. Working days are indexed once: ``_wd`` is the sorted list of working-day
ordinals and ``_rank[o - lo]`` the number of working days strictly before ordinal ``o``.
A moment then maps to a *position* on a continuous working-time axis (seconds of office
time since the first indexed working day), so every question is an O(1) lookup plus a
table lookup for the second of the day:

- due after H hours = the moment at position pos(start) + H;
- N working days after day d = ``_wd[_rank[d + 1] + N - 1]``;
- elapsed working time = pos(b) - pos(a); a pause moves a due time by the working time
  that elapsed during the pause.
"""

from __future__ import annotations

import enum
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate, compress
from threading import Lock
from typing import NamedTuple
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
# Dates from this year on are refused (the index would grow without bound otherwise).
LAST_YEAR = 2200
# Calendar days of index kept past any day looked up.
_ROOM = 14


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the translation catalogue (``makemessages`` extracts it) while
    the engine stays framework-free; the API translates the message of a CalendarError."""
    return message


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
            raise CalendarError(
                "calendar.no_office_hours", gettext_noop("A calendar needs office hours")
            )
        previous_end: time | None = None
        for start, end in self.periods:
            if start >= end or (previous_end is not None and start < previous_end):
                raise CalendarError(
                    "calendar.bad_office_hours",
                    gettext_noop("Office periods must be increasing and must not overlap"),
                )
            previous_end = end
        both = self.days_off & self.working_days
        if both:
            raise CalendarError(
                "calendar.conflicting_overrides",
                gettext_noop("A day cannot be both a day off and a working day"),
            )


class Deadline(NamedTuple):
    """When the clock starts and when the limit runs out (all in the calendar's zone)."""

    start: datetime
    effective_start: datetime
    due_at: datetime


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@lru_cache(maxsize=16)
def _public_days(
    country: str, first_year: int, last_year: int
) -> tuple[frozenset[int], frozenset[int]]:
    """Ordinals of the public holidays, and of the weekend days the government made working
    days in exchange for a bridge day off. Shared by every calendar of the process: the
    ``holidays`` package is by far the slowest part of building an index."""
    public = holidays.country_holidays(country, years=list(range(first_year, last_year + 1)))
    swapped = frozenset(d.toordinal() for d in getattr(public, "weekend_workdays", ()))
    return frozenset(d.toordinal() for d in public), swapped


@dataclass
class _Index:
    lo: int  # first indexed ordinal
    hi: int  # one past the last indexed ordinal
    rank: array  # rank[o - lo] = working days strictly before o; len = hi - lo + 1
    wd: list[int] = field(default_factory=list)  # working-day ordinals
    # midnight of working day k as an aware datetime, filled on first use
    midnights: list[datetime | None] = field(default_factory=list)


class WorkingTime:
    """Working-time arithmetic over one calendar. Thread-safe; extends its index on demand.

    The hot paths (``deadline``, ``position``) avoid time-zone conversion for moments that
    already carry the calendar's zone, look the office time of a second of the day up in a
    table instead of walking the periods, and reuse the midnight of a working day and the
    clock offsets they have built once.
    """

    def __init__(self, spec: CalendarSpec | None = None, tz: ZoneInfo = VN_TZ) -> None:
        self.spec = spec or CalendarSpec()
        self.tz = tz
        self._period_secs = [(_seconds(a), _seconds(b)) for a, b in self.spec.periods]
        self.day_seconds = sum(b - a for a, b in self._period_secs)
        # per second of the day: office seconds before it, and whether it is office time
        elapsed = array("i", [0]) * 86400
        inside = bytearray(86400)
        done = previous_end = 0
        for start, end in self._period_secs:
            elapsed[previous_end:start] = array("i", [done]) * (start - previous_end)
            elapsed[start:end] = array("i", range(done, done + end - start))
            inside[start:end] = b"\x01" * (end - start)
            done += end - start
            previous_end = end
        elapsed[previous_end:] = array("i", [done]) * (86400 - previous_end)
        self._elapsed = elapsed
        self._inside = bytes(inside)
        # offset from midnight of the moment ``rest`` seconds into an office day: _open[r]
        # for a start (a boundary opens the next period), _close[r - 1] for a due time (a
        # boundary closes the earlier one); filled on first use
        self._open: list[timedelta | None] = [None] * self.day_seconds
        self._close: list[timedelta | None] = [None] * self.day_seconds
        self._close_of_day = timedelta(seconds=self._period_secs[-1][1])
        self._off = frozenset(d.toordinal() for d in self.spec.days_off)
        self._on = frozenset(d.toordinal() for d in self.spec.working_days)
        self._limit = date(LAST_YEAR, 1, 1).toordinal()
        self._lock = Lock()
        today = date.today()  # noqa: DTZ011 - only sizes the first window of years
        self._index = self._build(FIRST_YEAR, min(today.year + 10, LAST_YEAR))

    # -- the index ---------------------------------------------------------------------

    def _holidays(self, years: Iterable[int], language: str | None = None) -> holidays.HolidayBase:
        return holidays.country_holidays(self.spec.country, years=list(years), language=language)

    def _build(self, first_year: int, last_year: int) -> _Index:
        lo = date(first_year, 1, 1).toordinal()
        hi = date(last_year + 1, 1, 1).toordinal()
        size = hi - lo
        public, swapped_on = _public_days(self.spec.country, first_year, last_year)
        weekend = self.spec.weekend
        # date.fromordinal(1) is a Monday: the weekday of ordinal o is (o - 1) % 7
        week = bytes(0 if (lo + i - 1) % 7 in weekend else 1 for i in range(7))
        working = bytearray(week * (size // 7 + 1))[:size]
        # later marks win: a swapped Saturday works unless an override makes it a day
        # off; an override making a day working wins over everything
        for ordinals, value in (
            (public, 0),
            (swapped_on, 1),
            (self._off, 0),
            (self._on, 1),
        ):
            for ordinal in ordinals:
                if lo <= ordinal < hi:
                    working[ordinal - lo] = value
        wd = list(compress(range(lo, hi), working))
        if not wd:
            raise CalendarError(
                "calendar.no_working_time", gettext_noop("The calendar has no working day")
            )
        rank = array("i", accumulate(working, initial=0))
        return _Index(lo=lo, hi=hi, rank=rank, wd=wd, midnights=[None] * len(wd))

    def _covering(self, ordinal: int, extra_days: int = 0) -> _Index:
        """The index, extended forward if ``ordinal`` (plus ``extra_days`` of room) is past it."""
        index = self._index
        if ordinal < index.lo:
            raise CalendarError("calendar.out_of_range", gettext_noop("Dates must be from 1990 on"))
        if ordinal + extra_days + _ROOM < index.hi:
            return index
        if ordinal + extra_days >= self._limit:
            raise CalendarError("calendar.out_of_range", gettext_noop("Dates must be before 2200"))
        with self._lock:
            index = self._index
            if ordinal + extra_days + _ROOM < index.hi:
                return index
            # a working day lies 7/5 calendar days on, on average; Tết adds up to 9 days
            reach = date.fromordinal(min(ordinal + extra_days * 3 // 2 + 60, self._limit))
            last = max(date.fromordinal(index.hi - 1).year, reach.year) + _INDEX_MARGIN_YEARS
            self._index = self._build(FIRST_YEAR, min(last, LAST_YEAR + _INDEX_MARGIN_YEARS))
            return self._index

    def _reaching(self, k: int) -> _Index:
        """The index, extended until it holds working day number ``k``."""
        index = self._index
        while k >= len(index.wd):
            index = self._covering(index.hi - 1, k - len(index.wd) + 1)
        return index

    def _midnight(self, index: _Index, k: int) -> datetime:
        midnight = index.midnights[k]
        if midnight is None:
            day = date.fromordinal(index.wd[k])
            midnight = datetime(day.year, day.month, day.day, tzinfo=self.tz)
            index.midnights[k] = midnight
        return midnight

    def public_holidays(self, year: int, language: str | None = None) -> dict[date, str]:
        """The public holidays of ``year``, named in ``language`` (``vi``, ``en_US``...)."""
        return dict(self._holidays([year], language).items())

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
            raise CalendarError("calendar.negative_limit", gettext_noop("n must be at least 1"))
        ordinal = day.toordinal()
        index = self._covering(ordinal, n)
        k = index.rank[ordinal + 1 - index.lo] + n - 1
        if k >= len(index.wd):
            index = self._reaching(k)
        return date.fromordinal(index.wd[k])

    # -- positions on the working-time axis -------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is self.tz:
            return moment
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError(
                "calendar.naive_time", gettext_noop("Times must carry a UTC offset")
            )
        try:
            return moment.astimezone(self.tz)
        except OverflowError:  # 9999-12-31 in a western zone is year 10000 here
            raise CalendarError(
                "calendar.out_of_range", gettext_noop("Dates must be before 2200")
            ) from None

    def position(self, moment: datetime) -> int:
        """Seconds of office time from the index origin up to ``moment``."""
        local = moment if moment.tzinfo is self.tz else self._local(moment)
        ordinal = local.toordinal()
        index = self._index
        offset = ordinal - index.lo
        if offset < 0 or ordinal + _ROOM >= index.hi:
            index = self._covering(ordinal)
            offset = ordinal - index.lo
        rank = index.rank
        before = rank[offset]
        if rank[offset + 1] == before:  # not a working day
            return before * self.day_seconds
        secs = local.hour * 3600 + local.minute * 60 + local.second
        return before * self.day_seconds + self._elapsed[secs]

    def _clock(self, rest: int, *, at_end: bool) -> timedelta:
        """Offset from midnight of the moment ``rest`` office seconds into a working day."""
        for start, end in self._period_secs:
            length = end - start
            if rest < length or (at_end and rest == length):
                return timedelta(seconds=start + rest)
            rest -= length
        raise AssertionError("position beyond the office day")  # pragma: no cover

    def _moment(self, pos: int, *, at_end: bool) -> datetime:
        """The moment at working-time position ``pos``.

        ``at_end`` picks, for a position on a boundary between two periods, the end of the
        earlier one (a due time: 8 hours from 07:00 is 17:00 the same day) instead of the
        start of the next (an effective start: 11:30 starts at 13:30).
        """
        if at_end and pos > 0:
            k, rest = divmod(pos - 1, self.day_seconds)
            offset = self._close[rest]
            if offset is None:
                offset = self._close[rest] = self._clock(rest + 1, at_end=True)
        else:
            k, rest = divmod(pos, self.day_seconds)
            offset = self._open[rest]
            if offset is None:
                offset = self._open[rest] = self._clock(rest, at_end=False)
        index = self._index
        if k >= len(index.wd):
            index = self._reaching(k)
        midnight = index.midnights[k]
        if midnight is None:
            midnight = self._midnight(index, k)
        return midnight + offset

    def _effective(self, local: datetime, cutoff: time | None) -> tuple[int, datetime]:
        """Position and moment at which the clock starts for a receipt at ``local``."""
        ordinal = local.toordinal()
        index = self._index
        offset = ordinal - index.lo
        if offset < 0 or ordinal + _ROOM >= index.hi:
            index = self._covering(ordinal)
            offset = ordinal - index.lo
        rank = index.rank
        before = rank[offset]
        if rank[offset + 1] == before:  # a day off: the next working day opens
            pos = before * self.day_seconds
        elif cutoff is not None and local.time() > cutoff:
            pos = (before + 1) * self.day_seconds
        else:
            secs = local.hour * 3600 + local.minute * 60 + local.second
            if self._inside[secs]:
                return before * self.day_seconds + self._elapsed[secs], local
            pos = before * self.day_seconds + self._elapsed[secs]
        return pos, self._moment(pos, at_end=False)

    @staticmethod
    def _limit_seconds(hours: float) -> int:
        if not math.isfinite(hours):
            raise CalendarError(
                "calendar.bad_limit", gettext_noop("A time limit must be a finite number")
            )
        if hours < 0:
            raise CalendarError(
                "calendar.negative_limit", gettext_noop("A time limit cannot be negative")
            )
        return round(hours * 3600)

    # -- the questions -------------------------------------------------------------------

    def effective_start(self, moment: datetime, cutoff: time | None = None) -> datetime:
        """When the clock starts for something received at ``moment``.

        Inside office hours: at once. Otherwise the start of the next office period. After
        the cut-off of a working day: the start of the next working day.
        """
        return self._effective(self._local(moment), cutoff)[1]

    def due_after_days(self, effective_start: datetime, days: int) -> datetime:
        """End of office hours of the ``days``-th working day after the start's day.

        Civil Code 2015 art. 147-148: the day of the event is not counted; a period in days
        ends at the end of its last day (for an agency, the end of office hours). A limit of
        0 days ("within the day") ends with the office hours of the start's own day.
        """
        if days < 0:
            raise CalendarError(
                "calendar.negative_limit", gettext_noop("A time limit cannot be negative")
            )
        pos = self._effective(self._local(effective_start), None)[0]
        k = pos // self.day_seconds + days
        return self._midnight(self._reaching(k), k) + self._close_of_day

    def due_after_seconds(self, effective_start: datetime, seconds: int) -> datetime:
        """The moment after ``seconds`` of office time counted from ``effective_start``."""
        if seconds < 0:
            raise CalendarError(
                "calendar.negative_limit", gettext_noop("A time limit cannot be negative")
            )
        return self._moment(self.position(effective_start) + seconds, at_end=seconds > 0)

    def due_after_hours(self, effective_start: datetime, hours: float) -> datetime:
        return self.due_after_seconds(effective_start, self._limit_seconds(hours))

    def deadline(
        self,
        start: datetime,
        *,
        working_days: int | None = None,
        working_hours: float | None = None,
        cutoff: time | None = None,
    ) -> Deadline:
        """Effective start and due time for a limit in working days or working hours."""
        seconds = 0
        if working_hours is None:
            if working_days is None:
                raise CalendarError(
                    "calendar.limit_required",
                    gettext_noop("Give exactly one of working_days or working_hours"),
                )
            if working_days < 0:
                raise CalendarError(
                    "calendar.negative_limit", gettext_noop("A time limit cannot be negative")
                )
        elif working_days is not None:
            raise CalendarError(
                "calendar.limit_required",
                gettext_noop("Give exactly one of working_days or working_hours"),
            )
        else:
            seconds = self._limit_seconds(working_hours)
        local = start if start.tzinfo is self.tz else self._local(start)
        pos, effective = self._effective(local, cutoff)
        if working_days is not None:
            # the N-th working day after the effective start's day, at close of office
            k = pos // self.day_seconds + working_days
            index = self._index
            if k >= len(index.wd):
                index = self._reaching(k)
            midnight = index.midnights[k]
            if midnight is None:
                midnight = self._midnight(index, k)
            return Deadline(local, effective, midnight + self._close_of_day)
        if seconds == 0:
            return Deadline(local, effective, effective)
        return Deadline(local, effective, self._moment(pos + seconds, at_end=True))

    def working_seconds_between(self, first: datetime, second: datetime) -> int:
        """Office time from ``first`` to ``second`` (negative if second is earlier)."""
        return self.position(second) - self.position(first)

    def shift_by_pause(
        self, due_at: datetime, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """``due_at`` moved later by the office time that elapsed while paused."""
        paused = self.working_seconds_between(paused_at, resumed_at)
        if paused < 0:
            raise CalendarError(
                "calendar.bad_range", gettext_noop("A pause cannot end before it starts")
            )
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
                raise CalendarError(
                    "calendar.now_required", gettext_noop("An open item needs 'now'")
                )
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
