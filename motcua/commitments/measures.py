"""What the system measures for a commitment's targets, from its own records. Each
measure covers the commitment's year up to ``now`` (the whole year once it has ended) and
the head's agencies: the agency itself, or for a People's Committee all the agencies of
its unit (a commune chairman answers for the commune's one-stop department too).

- ``dossier_on_time_rate``: of the dossiers resolved in the period that those agencies
  received or held a handling step of (a division's work arrives through the one-stop
  department), the share resolved early or on time by their legal due time (the one-stop
  statistics of the Reports area, the same selector as the pages and the API).
- ``dossier_online_rate``: of those dossiers received in the period, the share received
  online.
- ``task_on_time_rate``: of the tasks those agencies lead that fell due in the period
  (cancelled ones aside; a task approved before its due time counts at once), the share
  approved with a result submitted by the due time (extensions granted included).
- ``misconduct_substantiated``: misconduct reports about those agencies (or their
  officials) closed as substantiated in the period.
- ``procedures_published_rate``: of the procedures of the unit's level of authority in
  force on the period's last day, the share the unit has published (a publication in force
  for the unit itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from motcua.commitments.models import Comparison, Metric
from motcua.inspections.models import MisconductReport, ReportStatus
from motcua.org.models import Agency, AgencyKind, RoleGrant
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.selectors import in_force_on, published_in
from motcua.reports.selectors import DossierStatistics, dossier_statistics
from motcua.tasks.models import Task, TaskStatus

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    """A measured value: a rate as numerator / denominator (None when nothing counted), or
    a count (``denominator`` None)."""

    numerator: int
    denominator: int | None
    is_rate: bool

    @property
    def exact(self) -> Fraction | None:
        if not self.is_rate:
            return Fraction(self.numerator)
        if not self.denominator:
            return None
        return Fraction(100 * self.numerator, self.denominator)

    @property
    def value(self) -> Decimal | None:
        """Percent for rates, rounded down to hundredths; the count for counts."""
        return self.value_for(Comparison.AT_LEAST)

    def value_for(self, comparison: str) -> Decimal | None:
        """The value shown against a threshold, rounded towards failing it: down for "at
        least", up for "at most", so that 97.995 % never shows as a met 98.00 %."""
        exact = self.exact
        if exact is None:
            return None
        rounding = ROUND_CEILING if comparison == Comparison.AT_MOST else ROUND_FLOOR
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            CENT, rounding=rounding
        )


def meets(measure: Measure, comparison: str, threshold: Decimal) -> bool | None:
    """Whether the exact value (not the rounded one) meets the threshold; None when the
    period counted nothing (a rate without a denominator)."""
    exact = measure.exact
    if exact is None:
        return None
    limit = Fraction(threshold)
    return exact >= limit if comparison == Comparison.AT_LEAST else exact <= limit


def scope_agencies(*, agency: Agency) -> QuerySet[Agency]:
    if agency.kind == AgencyKind.PEOPLE_COMMITTEE:
        return Agency.objects.filter(unit_id=agency.unit_id)
    return Agency.objects.filter(pk=agency.pk)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    start: datetime
    year_end: datetime  # exclusive
    end: datetime  # exclusive: the year's end, or now during the year


def year_period(*, year: int, now: datetime) -> Period:
    zone = timezone.get_current_timezone()
    start = datetime(year, 1, 1, tzinfo=zone)
    year_end = datetime(year + 1, 1, 1, tzinfo=zone)
    return Period(
        first=date(year, 1, 1),
        last=date(year, 12, 31),
        start=start,
        year_end=year_end,
        end=min(year_end, now),
    )


def measure(*, metric: str, agency: Agency, year: int, now: datetime | None = None) -> Measure:
    at = now or timezone.now()
    period = year_period(year=year, now=at)
    agencies = scope_agencies(agency=agency)
    if metric == Metric.DOSSIER_ON_TIME:
        stats = _dossiers(agencies, period, at)
        return Measure(stats.early + stats.on_time, stats.resolved, is_rate=True)
    if metric == Metric.DOSSIER_ONLINE:
        stats = _dossiers(agencies, period, at)
        return Measure(stats.by_channel.get("online", 0), stats.new, is_rate=True)
    if metric == Metric.TASK_ON_TIME:
        return _tasks_on_time(agencies, period)
    if metric == Metric.MISCONDUCT:
        # about the agencies, or about an official who held a role in one of them during
        # the year (a report may name the agency that received the dossier instead)
        officials = (
            RoleGrant.objects.filter(agency__in=agencies, valid_from__lte=period.last)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.first))
            .values("official_id")
        )
        count = MisconductReport.objects.filter(
            Q(agency__in=agencies) | Q(official__in=officials),
            status=ReportStatus.CLOSED,
            substantiated=True,
            closed_at__gte=period.start,
            closed_at__lt=period.end,
        ).count()
        return Measure(count, None, is_rate=False)
    if metric == Metric.PROCEDURES_PUBLISHED:
        return _published(agency, period)
    raise ValueError(metric)  # pragma: no cover - metrics are checked on input


def _dossiers(agencies: QuerySet[Agency], period: Period, at: datetime) -> DossierStatistics:
    return dossier_statistics(
        agencies=agencies, first=period.first, last=period.last, now=at, handled=True
    )


def _tasks_on_time(agencies: QuerySet[Agency], period: Period) -> Measure:
    fell_due = (
        Task.objects.filter(
            lead_agency__in=agencies, due_at__gte=period.start, due_at__lt=period.year_end
        )
        .exclude(status=TaskStatus.CANCELLED)
        .filter(Q(due_at__lt=period.end) | Q(status=TaskStatus.APPROVED))
    )
    on_time = fell_due.filter(status=TaskStatus.APPROVED, finished_at__lte=F("due_at"))
    return Measure(on_time.count(), fell_due.count(), is_rate=True)


def _published(agency: Agency, period: Period) -> Measure:
    day = min(period.last, timezone.localtime(period.end - timedelta(microseconds=1)).date())
    unit = agency.unit
    in_force = Procedure.objects.filter(
        level_id=unit.level_id,
        pk__in=ProcedureVersion.objects.filter(in_force_on(day)).values("procedure_id"),
    )
    published = in_force.filter(
        pk__in=published_in(unit=unit, at=day).filter(unit=unit).values("procedure_id")
    )
    return Measure(published.count(), in_force.count(), is_rate=True)
