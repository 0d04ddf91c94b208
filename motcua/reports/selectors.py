"""Statistics of dossiers (SPEC §5, "Tracking log and statistics"). Reads only.

For a period [from 00:00, to 24:00) in Vietnam's time and ``end`` = the earlier of the
period's end and now:

- new: received within the period (by channel); carried over: received before it and
  neither finished (status 9 reached), withdrawn nor stopped before it began;
- resolved: finished within the period, classified against the legal due time (an
  apology's new appointment does not excuse it);
- withdrawn, stopped: ended so within the period;
- pending: the rest, not finished, withdrawn or stopped by the end; overdue when its due
  time is before the end.

So carried over + new = resolved + withdrawn + stopped + pending, always.

Every report of this module (the statistics, Biểu số 06/VPCP/KSTT, the tracking log, the
dashboard's standings) places a dossier in the period through one function,
``dossier_outcome``, so that a figure on a page, in its spreadsheet and in the API is the
same figure. Late attribution (``late_attribution``) starts from the same late dossiers:
those counted as resolved late or pending overdue.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.inspections.models import MisconductReport
from motcua.org.models import AdministrativeUnit, Agency
from motcua.workcalendar.engine import CalendarError, Timeliness, WorkingTime
from motcua.workcalendar.models import WorkCalendar
from motcua.workcalendar.selectors import working_time

# The days a report may cover: those the working calendar can answer for.
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2199, 12, 31)

# Dossiers never received (an online submission awaiting receipt, a refusal at the
# counter) are in no statistics.
NOT_RECEIVED = (DossierStatus.SUBMITTED_ONLINE, DossierStatus.REFUSED)

# "Amber" (UI.md): an item in time with less than this share of its time left...
DUE_SOON_SHARE = Decimal("0.2")
# ...or at most this many working days left.
DUE_SOON_DAYS = 1


class Outcome(enum.StrEnum):
    """Where a dossier stands in a period (the columns of the statistics)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    IN_TIME = "in_time"
    OVERDUE = "overdue"


@dataclass
class DossierStatistics:
    carried_over: int = 0
    new: int = 0
    by_channel: dict[str, int] = field(
        default_factory=lambda: {"counter": 0, "post": 0, "online": 0}
    )
    early: int = 0
    on_time: int = 0
    late: int = 0
    withdrawn: int = 0
    stopped: int = 0
    in_time: int = 0
    overdue: int = 0
    # of ``in_time``: those with little time left at the end (amber on the pages); not a
    # column of the API's figures
    due_soon: int = 0

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def received(self) -> int:
        return self.carried_over + self.new

    @property
    def pending(self) -> int:
        return self.in_time + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return (self.early + self.on_time) / self.resolved if self.resolved else None

    @property
    def in_person_or_post(self) -> int:
        return self.by_channel.get("counter", 0) + self.by_channel.get("post", 0)

    def as_dict(self) -> dict[str, object]:
        return {
            "received": {
                "carried_over": self.carried_over,
                "new": self.new,
                "by_channel": dict(self.by_channel),
            },
            "resolved": {"early": self.early, "on_time": self.on_time, "late": self.late},
            "pending": {"in_time": self.in_time, "overdue": self.overdue},
            "withdrawn": self.withdrawn,
            "stopped": self.stopped,
            "on_time_rate": self.on_time_rate,
        }

    def add(self, other: DossierStatistics) -> None:
        """Adds ``other``'s counts to these (a subtotal of groups)."""
        for name in (
            "carried_over",
            "new",
            "early",
            "on_time",
            "late",
            "withdrawn",
            "stopped",
            "in_time",
            "overdue",
            "due_soon",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for channel, n in other.by_channel.items():
            self.by_channel[channel] = self.by_channel.get(channel, 0) + n

    @classmethod
    def combined(cls, parts: Iterable[DossierStatistics]) -> DossierStatistics:
        total = cls()
        for part in parts:
            total.add(part)
        return total

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class ReportPeriod:
    """The days ``first``..``last`` as moments: [start, period_end), and ``end``, the
    earlier of the period's end and now (what has happened so far)."""

    first: date
    last: date
    start: datetime
    period_end: datetime
    end: datetime


def report_period(*, first: date, last: date, now: datetime | None = None) -> ReportPeriod:
    start = _start_of(first)
    period_end = _start_of(last + timedelta(days=1))
    return ReportPeriod(
        first=first,
        last=last,
        start=start,
        period_end=period_end,
        end=min(period_end, now or timezone.now()),
    )


def dossier_outcome(
    *,
    received_at: datetime,
    finished_at: datetime | None,
    ended_at: datetime | None,
    status: int,
    due_at: datetime,
    period: ReportPeriod,
    clock: WorkingTime,
    paused_at: datetime | None = None,
) -> Outcome | None:
    """Where a received dossier stands in ``period`` (see the module's definitions), or
    None when the period does not count it (received after its end, or closed before it
    began). A dossier paused now (supplement, financial obligation) has its clock stopped
    at ``paused_at``: it is overdue only if it was already past due then."""
    if received_at >= period.end:
        return None
    closed_at = finished_at or ended_at
    if received_at < period.start and closed_at is not None and closed_at < period.start:
        return None  # finished, withdrawn or stopped before the period: not counted
    if finished_at is not None and finished_at < period.end:
        return _RESOLVED[clock.classify(due_at, finished_at=finished_at)]
    if ended_at is not None and ended_at < period.end:
        return Outcome.WITHDRAWN if status == DossierStatus.WITHDRAWN else Outcome.STOPPED
    clock_end = min(period.end, paused_at) if paused_at is not None else period.end
    return Outcome.OVERDUE if due_at < clock_end else Outcome.IN_TIME


_RESOLVED = {
    Timeliness.EARLY: Outcome.EARLY,
    Timeliness.ON_TIME: Outcome.ON_TIME,
    Timeliness.LATE: Outcome.LATE,
}


def _due_soon(clock: WorkingTime, started: datetime, due_at: datetime, at: datetime) -> bool:
    """Less than a fifth of the item's working time, or at most one working day, left."""
    try:
        left = clock.working_seconds_between(at, due_at)
        allotted = clock.working_seconds_between(started, due_at)
    except CalendarError:  # a moment the calendar cannot place (before 1990)
        return False
    return left <= DUE_SOON_DAYS * clock.day_seconds or left < DUE_SOON_SHARE * allotted


def _counted_dossiers(
    agencies: QuerySet[Agency] | Iterable[Agency], period: ReportPeriod, *, handled: bool = False
) -> QuerySet[Dossier]:
    """Dossiers of ``agencies`` the period may count: received before its end and not
    closed before its start (``dossier_outcome`` decides exactly). ``handled``: also those
    with a handling step held by one of ``agencies`` (a division's work arrives through the
    one-stop department, which receives it)."""
    start = period.start
    of_agencies = Q(agency__in=agencies)
    if handled:
        of_agencies |= Q(
            pk__in=DossierStep.objects.filter(agency__in=agencies).values("dossier_id")
        )
    return (
        Dossier.objects.filter(of_agencies, received_at__lt=period.end)
        .exclude(status__in=NOT_RECEIVED)
        .filter(
            Q(received_at__gte=start)
            | Q(finished_at__gte=start)
            | Q(finished_at__isnull=True, ended_at__isnull=True)
            | Q(finished_at__isnull=True, ended_at__gte=start)
        )
    )


def dossier_statistics_grouped(
    *,
    agencies: QuerySet[Agency] | Iterable[Agency],
    first: date,
    last: date,
    by: Sequence[str],
    now: datetime | None = None,
    engine: WorkingTime | None = None,
    handled: bool = False,
) -> dict[tuple[Any, ...], DossierStatistics]:
    """``dossier_statistics`` split by the values of the dossier lookups ``by`` (e.g.
    ``("procedure__sector_id", "procedure__level_id")``), in one query. Groups without a
    counted dossier are absent; the groups add up to the ungrouped statistics."""
    period = report_period(first=first, last=last, now=now)
    clock = engine or working_time()
    groups: dict[tuple[Any, ...], DossierStatistics] = {}
    width = len(by)
    rows = _counted_dossiers(agencies, period, handled=handled).values_list(
        *by,
        "received_at",
        "finished_at",
        "ended_at",
        "status",
        "channel",
        "due_at",
        "effective_start",
        "paused_at",
    )
    for row in rows.iterator():
        key = tuple(row[:width])
        (
            received_at,
            finished_at,
            ended_at,
            status,
            channel,
            due_at,
            effective_start,
            paused_at,
        ) = row[width:]
        if due_at is None or received_at is None:  # pragma: no cover - never received
            continue
        outcome = dossier_outcome(
            received_at=received_at,
            finished_at=finished_at,
            ended_at=ended_at,
            status=status,
            due_at=due_at,
            period=period,
            clock=clock,
            paused_at=paused_at,
        )
        if outcome is None:
            continue
        stats = groups.get(key)
        if stats is None:
            stats = groups[key] = DossierStatistics()
        if received_at < period.start:
            stats.carried_over += 1
        else:
            stats.new += 1
            stats.by_channel[channel] = stats.by_channel.get(channel, 0) + 1
        stats.count(outcome)
        if outcome == Outcome.IN_TIME and _due_soon(
            clock, effective_start or received_at, due_at, period.end
        ):
            stats.due_soon += 1
    return groups


def dossier_statistics(
    *,
    agencies: QuerySet[Agency] | Iterable[Agency],
    first: date,
    last: date,
    now: datetime | None = None,
    engine: WorkingTime | None = None,
    handled: bool = False,
) -> DossierStatistics:
    """The statistics of dossiers received by ``agencies`` (``handled``: or with a step
    held by one of them) for the days ``first``..``last``."""
    groups = dossier_statistics_grouped(
        agencies=agencies, first=first, last=last, by=(), now=now, engine=engine, handled=handled
    )
    return groups.get((), DossierStatistics())


def agencies_of_unit(*, unit: AdministrativeUnit, descendants: bool) -> QuerySet[Agency]:
    """The agencies a unit's report covers: the unit's own, and its sub-units' too."""
    if descendants:
        return Agency.objects.filter(unit__path__startswith=unit.path)
    return Agency.objects.filter(unit=unit)


# -- Biểu số 06/VPCP/KSTT ---------------------------------------------------------------------


@dataclass
class Form06Line:
    number: int
    sector_code: str
    sector_name: str
    stats: DossierStatistics


@dataclass
class Form06Level:
    code: str
    name: str
    stats: DossierStatistics
    lines: list[Form06Line]


@dataclass
class Form06:
    levels: list[Form06Level]
    total: DossierStatistics


def form06_columns(stats: DossierStatistics) -> tuple[int, ...]:
    """The 11 figures of a row of Biểu số 06/VPCP/KSTT after STT and the field: received
    (total, online, in person or by post, carried over), resolved (total, early, on time,
    late), pending (total, in time, overdue)."""
    return (
        stats.received,
        stats.by_channel.get("online", 0),
        stats.in_person_or_post,
        stats.carried_over,
        stats.resolved,
        stats.early,
        stats.on_time,
        stats.late,
        stats.pending,
        stats.in_time,
        stats.overdue,
    )


def form06_report(
    *,
    agencies: QuerySet[Agency] | Iterable[Agency],
    first: date,
    last: date,
    now: datetime | None = None,
) -> Form06:
    """Biểu số 06/VPCP/KSTT (Circular 01/2020/TT-VPCP): the statistics per level of
    authority and sector of the procedures, from ``dossier_statistics_grouped``; the
    levels' subtotals and the total add the lines up, so the total equals the ungrouped
    ``dossier_statistics``."""
    groups = dossier_statistics_grouped(
        agencies=agencies,
        first=first,
        last=last,
        by=(
            "procedure__level__rank",
            "procedure__level__code",
            "procedure__level__name",
            "procedure__sector__name",
            "procedure__sector__code",
        ),
        now=now,
    )
    levels: dict[str, Form06Level] = {}
    ordered = sorted(groups, key=lambda k: (k[0], k[1], k[3], k[4]))
    for number, key in enumerate(ordered, start=1):
        _rank, level_code, level_name, sector_name, sector_code = key
        level = levels.get(level_code)
        if level is None:
            level = levels[level_code] = Form06Level(
                code=level_code, name=level_name, stats=DossierStatistics(), lines=[]
            )
        level.lines.append(Form06Line(number, sector_code, sector_name, groups[key]))
        level.stats.add(groups[key])
    return Form06(
        levels=list(levels.values()),
        total=DossierStatistics.combined(lv.stats for lv in levels.values()),
    )


# -- the tracking log (Sổ theo dõi hồ sơ) -----------------------------------------------------


@dataclass(frozen=True)
class Handover:
    at: datetime
    agency_code: str
    agency_name: str


@dataclass(frozen=True)
class LogEntry:
    """One dossier of the tracking log, as it stood at the end of the period."""

    number: int
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str
    received_at: datetime
    due_at: datetime
    appointment_at: datetime | None
    handovers: tuple[Handover, ...]
    finished_at: datetime | None
    returned_at: datetime | None
    outcome: Outcome
    end_reason: str
    imported: bool


def _before(moment: datetime | None, end: datetime) -> datetime | None:
    return moment if moment is not None and moment < end else None


def tracking_log(
    *, agency: Agency, first: date, last: date, now: datetime | None = None
) -> list[LogEntry]:
    """Sổ theo dõi hồ sơ: the dossiers ``agency`` received in the period (the period's
    "new" dossiers, so as many rows as that figure), in order of receipt, each as it stood
    at the end of the period: hand-overs to another agency, result, return and the same
    outcome the statistics count it under. Two queries whatever the number of rows."""
    period = report_period(first=first, last=last, now=now)
    end = period.end
    clock = working_time()
    steps = DossierStep.objects.filter(started_at__lt=end).select_related("agency")
    dossiers = (
        Dossier.objects.filter(agency=agency, received_at__gte=period.start, received_at__lt=end)
        .exclude(status__in=NOT_RECEIVED)
        .select_related("procedure")
        .prefetch_related(Prefetch("steps", queryset=steps.order_by("started_at", "pk")))
        .order_by("received_at", "pk")
    )
    entries: list[LogEntry] = []
    for d in dossiers:
        if d.received_at is None or d.due_at is None:  # pragma: no cover - never received
            continue
        finished_at = _before(d.finished_at, end)
        ended_at = _before(d.ended_at, end)
        outcome = dossier_outcome(
            received_at=d.received_at,
            finished_at=finished_at,
            ended_at=ended_at,
            status=d.status,
            due_at=d.due_at,
            period=period,
            clock=clock,
            paused_at=d.paused_at,
        )
        if outcome is None:  # pragma: no cover - received within the period
            continue
        handovers: list[Handover] = []
        holder = d.agency_id
        handed_at: datetime | None = d.received_at
        for step in d.steps.all():
            if step.agency_id != holder:
                # handed over when the previous step closed (the new step's clock may only
                # start with the next office period)
                at = handed_at or step.started_at
                handovers.append(Handover(at, step.agency.code, step.agency.name))
                holder = step.agency_id
            handed_at = step.finished_at
        entries.append(
            LogEntry(
                number=len(entries) + 1,
                code=d.code,
                procedure_code=d.procedure.code,
                procedure_name=d.procedure.name,
                applicant_name=d.applicant_name,
                applicant_address=d.applicant_address,
                received_at=d.received_at,
                due_at=d.due_at,
                appointment_at=d.appointment_at,
                handovers=tuple(handovers),
                finished_at=finished_at,
                returned_at=_before(d.returned_at, end),
                outcome=outcome,
                end_reason=d.end_reason if ended_at else "",
                imported=d.imported,
            )
        )
    return entries


# -- late attribution ------------------------------------------------------------------------


def engines_by_unit(unit_ids: Iterable[int]) -> dict[int, WorkingTime]:
    """The working-time engine of each unit: its own calendar, else its nearest ancestor's,
    else the national one (as ``org.selectors.calendar_for_unit``), read in a few queries
    whatever the number of units: the ancestors come from the units' materialised paths."""
    paths = dict(AdministrativeUnit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
    chains = {pk: [int(p) for p in path.split("/") if p] for pk, path in paths.items()}
    ancestors = {a for chain in chains.values() for a in chain}
    calendar_of = dict(
        AdministrativeUnit.objects.filter(pk__in=ancestors, calendar__isnull=False).values_list(
            "pk", "calendar_id"
        )
    )
    chosen = {
        pk: next((calendar_of[a] for a in reversed(chain) if a in calendar_of), None)
        for pk, chain in chains.items()
    }
    calendars = WorkCalendar.objects.in_bulk({c for c in chosen.values() if c is not None})
    engines: dict[int | None, WorkingTime] = {}
    result: dict[int, WorkingTime] = {}
    for pk, calendar_id in chosen.items():
        if calendar_id not in engines:
            engines[calendar_id] = working_time(
                calendars[calendar_id] if calendar_id is not None else None
            )
        result[pk] = engines[calendar_id]
    return result


def _hours(seconds: int) -> float:
    """Working seconds as hours rounded half up to 2 decimals (3.5, 18.25)."""
    return float((Decimal(seconds) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _local(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


@dataclass(frozen=True)
class LateStep:
    """A step run that finished after its own due time (or was open past it at the end)."""

    index: int
    name: str
    agency_code: str
    agency_name: str
    official: str | None
    official_name: str
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None  # None: still open at the end of the period
    overrun_seconds: int

    @property
    def overrun_hours(self) -> float:
        return _hours(self.overrun_seconds)


@dataclass
class LateDossier:
    code: str
    procedure_code: str
    procedure_name: str
    agency_code: str  # the receiving agency
    due_at: datetime
    finished_at: datetime | None  # None: pending (overdue) at the end
    overrun_seconds: int  # the dossier's own, from its due time
    steps: list[LateStep] = field(default_factory=list)

    @property
    def timeliness(self) -> Timeliness:
        return Timeliness.LATE if self.finished_at is not None else Timeliness.OVERDUE

    @property
    def overrun_hours(self) -> float:
        return _hours(self.overrun_seconds)

    @property
    def steps_overrun_hours(self) -> float:
        return _hours(sum(s.overrun_seconds for s in self.steps))


@dataclass(frozen=True)
class AttributionRow:
    agency: str
    agency_name: str
    official: str | None
    official_name: str
    step: str
    late_steps: int
    overrun_seconds: int

    @property
    def overrun_hours(self) -> float:
        return _hours(self.overrun_seconds)


@dataclass
class LateAttribution:
    rows: list[AttributionRow]
    dossiers: list[LateDossier]

    @property
    def late_steps(self) -> int:
        return sum(r.late_steps for r in self.rows)

    @property
    def overrun_hours(self) -> float:
        return _hours(sum(r.overrun_seconds for r in self.rows))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "agency": r.agency,
                    "official": r.official,
                    "step": r.step,
                    "late_steps": r.late_steps,
                    "overrun_hours": r.overrun_hours,
                    "agency_name": r.agency_name,
                    "official_name": r.official_name,
                }
                for r in self.rows
            ],
            "dossiers": [
                {
                    "code": d.code,
                    "procedure": d.procedure_code,
                    "agency": d.agency_code,
                    "due_at": _local(d.due_at),
                    "finished_at": _local(d.finished_at),
                    "timeliness": d.timeliness.value,
                    "overrun_hours": d.overrun_hours,
                    "steps": [
                        {
                            "index": s.index,
                            "step": s.name,
                            "agency": s.agency_code,
                            "official": s.official,
                            "started_at": _local(s.started_at),
                            "due_at": _local(s.due_at),
                            "finished_at": _local(s.finished_at),
                            "overrun_hours": s.overrun_hours,
                        }
                        for s in d.steps
                    ],
                }
                for d in self.dossiers
            ],
        }


def late_attribution(
    *,
    agencies: QuerySet[Agency] | Iterable[Agency],
    first: date,
    last: date,
    now: datetime | None = None,
) -> LateAttribution:
    """Who used more than their allotted time on the late dossiers of the period (SPEC §5,
    "Accountability"), for the steps held by ``agencies``.

    - The late dossiers are those the statistics of the period count as *resolved late*
      (finished within [from 00:00, to 24:00) Vietnam time, after their legal due time)
      or as *pending overdue* (not finished, withdrawn or stopped by ``end``, the earlier
      of the period's end and now, and due before it), whichever agency received them.
    - Of those, each step run (``DossierStep`` row, a run sent back counting again) held
      by one of ``agencies`` that finished after its own due time, or was still open past
      it at ``end``, is a late step. Its overrun is the working time from its due time to
      its finish (or to ``end``; for a dossier paused for a supplement, to the start of the
      pause, as the clock does not run while paused), measured by the working calendar of
      the receiving agency's unit. A step finished after its due time within non-working
      hours is late with an overrun of 0.
    - ``rows`` group the late steps by (step's agency code, assignee username or None,
      step name): ``late_steps`` runs, ``overrun_hours`` their summed overrun rounded half
      up to 2 decimals; worst first (by overrun, then runs), then by agency, official and
      step. ``dossiers`` lists each late dossier with at least one such step, worst
      first, with its own overrun and its late steps.

    A few queries whatever the number of dossiers: one for the steps with their dossiers,
    agencies and officials, and a few for the calendars of the receiving units.
    """
    period = report_period(first=first, last=last, now=now)
    start, end = period.start, period.end
    resolved_late = Q(
        dossier__finished_at__gte=start,
        dossier__finished_at__lt=end,
        dossier__finished_at__gt=F("dossier__due_at"),
    )
    open_at_end = (Q(dossier__finished_at__isnull=True) | Q(dossier__finished_at__gte=end)) & (
        Q(dossier__ended_at__isnull=True) | Q(dossier__ended_at__gte=end)
    )
    # as dossier_outcome: a dossier paused before it fell due is in time
    not_paused_in_time = Q(dossier__paused_at__isnull=True) | Q(
        dossier__due_at__lt=F("dossier__paused_at")
    )
    overdue_at_end = (
        Q(dossier__received_at__lt=end, dossier__due_at__lt=end) & open_at_end & not_paused_in_time
    )
    step_late = Q(finished_at__lt=end, finished_at__gt=F("due_at")) | (
        (Q(finished_at__isnull=True) | Q(finished_at__gte=end)) & Q(due_at__lt=end)
    )
    steps = list(
        DossierStep.objects.filter(agency__in=agencies)
        .filter(resolved_late | overdue_at_end)
        .filter(step_late)
        .exclude(dossier__status__in=NOT_RECEIVED)
        .select_related("agency", "assignee", "dossier__procedure", "dossier__agency")
        .order_by("dossier__code", "started_at", "pk")
    )
    engines = engines_by_unit({s.dossier.agency.unit_id for s in steps})
    dossiers: dict[int, LateDossier] = {}
    groups: dict[tuple[str, str | None, str], list[Any]] = {}
    for step in steps:
        d = step.dossier
        assert d.due_at is not None  # noqa: S101 - a received dossier has a due time
        engine = engines[d.agency.unit_id]
        resolved = _before(d.finished_at, end)
        # where the dossier's clock stopped: its finish, else the end (or an earlier pause)
        clock_stop = resolved or min(end, d.paused_at or end)
        finished = _before(step.finished_at, end)
        stop = min(finished or end, clock_stop)
        # a run that began after the step's due time (forwarded late) is charged from its
        # own start: the agency that forwarded it answers for the time before
        charged_from = max(step.due_at, step.started_at)
        if stop <= charged_from:
            continue  # paused before it fell due, or held for no time: not late
        seconds = max(engine.working_seconds_between(charged_from, stop), 0)
        late = dossiers.get(d.pk)
        if late is None:
            late = dossiers[d.pk] = LateDossier(
                code=d.code,
                procedure_code=d.procedure.code,
                procedure_name=d.procedure.name,
                agency_code=d.agency.code,
                due_at=d.due_at,
                finished_at=resolved,
                overrun_seconds=max(engine.working_seconds_between(d.due_at, clock_stop), 0),
            )
        who = step.assignee
        late.steps.append(
            LateStep(
                index=step.index,
                name=step.name,
                agency_code=step.agency.code,
                agency_name=step.agency.name,
                official=who.username if who else None,
                official_name=who.display_name if who else "",
                started_at=step.started_at,
                due_at=step.due_at,
                finished_at=finished,
                overrun_seconds=seconds,
            )
        )
        key = (step.agency.code, who.username if who else None, step.name)
        group = groups.get(key)
        if group is None:
            group = groups[key] = [step.agency.name, who.display_name if who else "", 0, 0]
        group[2] += 1
        group[3] += seconds
    rows = [
        AttributionRow(
            agency=agency_code,
            agency_name=agency_name,
            official=official,
            official_name=official_name,
            step=step_name,
            late_steps=runs,
            overrun_seconds=seconds,
        )
        for (agency_code, official, step_name), (agency_name, official_name, runs, seconds) in (
            groups.items()
        )
    ]
    rows.sort(key=lambda r: (-r.overrun_seconds, -r.late_steps, r.agency, r.official or "", r.step))
    ordered = sorted(
        dossiers.values(),
        key=lambda d: (-sum(s.overrun_seconds for s in d.steps), -d.overrun_seconds, d.code),
    )
    return LateAttribution(rows=rows, dossiers=ordered)


# -- the chairman's dashboard ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitStanding:
    unit: AdministrativeUnit
    stats: DossierStatistics
    # misconduct reports about the unit's agencies closed as substantiated in the period
    substantiated: int = 0


def unit_standings(
    *,
    units: QuerySet[AdministrativeUnit],
    first: date,
    last: date,
    now: datetime | None = None,
) -> list[UnitStanding]:
    """Each of ``units`` with the statistics of its own agencies (not its sub-units': those
    have their own line) and its substantiated misconduct reports, worst first: lowest
    on-time rate (none resolved counts as no late one), then most overdue, then most late,
    then in tree order. One query for the dossiers and one for the reports, whatever the
    number of units."""
    listed = list(units.select_related("level").order_by("path"))
    groups = dossier_statistics_grouped(
        agencies=Agency.objects.filter(unit__in=units.values("pk")),
        first=first,
        last=last,
        by=("agency__unit_id",),
        now=now,
    )
    period = report_period(first=first, last=last, now=now)
    substantiated = dict(
        MisconductReport.objects.filter(
            agency__unit__in=units.values("pk"),
            substantiated=True,
            closed_at__gte=period.start,
            closed_at__lt=period.end,
        )
        .values_list("agency__unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    standings = [
        UnitStanding(u, groups.get((u.pk,), DossierStatistics()), substantiated.get(u.pk, 0))
        for u in listed
    ]
    standings.sort(
        key=lambda s: (
            1.0 if s.stats.on_time_rate is None else s.stats.on_time_rate,
            -s.stats.overdue,
            -s.stats.late,
            s.unit.path,
        )
    )
    return standings
