"""Reads of the inspections area: who sees an inspection, its recommendations with their
current remedy task and history, and the figures of an inspection and of a year's plan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import NotFound
from motcua.inspections.models import (
    Finding,
    FindingCategory,
    Inspection,
    MisconductEvent,
    MisconductKind,
    MisconductReport,
    Recommendation,
    RecommendationEvent,
    RecommendationState,
    ReportStatus,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import Official, Role, RoleGrant
from motcua.tasks import selectors as task_selectors
from motcua.tasks.models import OPEN_STATUSES, Task, TaskStatus
from motcua.workcalendar.engine import CalendarError, Timeliness, WorkingTime

# who sees the inspections of a unit (and of its sub-units): its inspectors, who plan and
# run them, and its chairman, who directs the unit; of an inspected unit, its chairman,
# whose unit answers the recommendations
SEE_INSPECTING = frozenset({Role.INSPECTOR, Role.CHAIRMAN})
SEE_INSPECTED = frozenset({Role.CHAIRMAN})


def inspections_visible(*, official: Official) -> QuerySet[Inspection]:
    """The inspections ``official`` may see: those of their team (head or member); those of
    a unit their inspector's or chairman's role reaches (the unit and its sub-units); those
    that inspect a unit their chairman's role reaches. Superusers see all."""
    rows = Inspection.objects.select_related("unit", "head")
    if not official.is_authenticated or not official.is_active:
        return rows.none()
    if official.is_superuser:
        return rows
    member = Inspection.members.through.objects.filter(
        inspection_id=OuterRef("pk"), official_id=official.pk
    )
    seen: Q = Q(head=official) | Q(Exists(member))
    grants = list(org_selectors.role_grants_current(official=official))
    inspecting = [g.agency.unit.path for g in grants if g.role in SEE_INSPECTING]
    if inspecting:
        seen |= reduce(or_, [Q(unit__path__startswith=p) for p in inspecting])
    inspected = [g.agency.unit.path for g in grants if g.role in SEE_INSPECTED]
    if inspected:
        units = Inspection.inspected_units.through.objects.filter(
            reduce(or_, [Q(administrativeunit__path__startswith=p) for p in inspected]),
            inspection_id=OuterRef("pk"),
        )
        seen |= Q(Exists(units))
    return rows.filter(seen)


def inspection_visible_or_404(*, official: Official, pk: int) -> Inspection:
    found = inspections_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("inspection.not_found", _("Unknown inspection %(id)s.") % {"id": pk})
    return found


def recommendation_visible_or_404(*, official: Official, pk: int) -> Recommendation:
    """A recommendation of an inspection ``official`` may see."""
    found = (
        Recommendation.objects.filter(
            pk=pk, inspection__in=inspections_visible(official=official).values("pk")
        )
        .select_related("inspection__unit", "inspection__head", "task", "unit")
        .first()
    )
    if found is None:
        raise NotFound("recommendation.not_found", _("Unknown recommendation %(id)s.") % {"id": pk})
    return found


def _count(rows: QuerySet[Finding] | QuerySet[Recommendation]) -> Coalesce:
    """The number of ``rows`` (filtered on the outer inspection) as a subquery."""
    counted = rows.order_by().values("inspection_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def inspections_with_counts(
    rows: QuerySet[Inspection], *, now: datetime | None = None
) -> QuerySet[Inspection]:
    """``rows`` with, on each inspection, ``findings_count``, ``recommendations_open``,
    ``recommendations_closed`` and ``recommendations_overdue`` (open, and their remedy task
    open past its due time): subqueries, so a page of inspections is one query whatever
    their number."""
    at = now or timezone.now()
    own = OuterRef("pk")
    recs = Recommendation.objects.filter(inspection_id=own)
    return rows.annotate(
        findings_count=_count(Finding.objects.filter(inspection_id=own)),
        recommendations_open=_count(recs.filter(state=RecommendationState.OPEN)),
        recommendations_closed=_count(recs.filter(state=RecommendationState.CLOSED)),
        recommendations_overdue=_count(
            recs.filter(
                state=RecommendationState.OPEN,
                task__status__in=OPEN_STATUSES,
                task__due_at__lt=at,
            )
        ),
    )


@dataclass(frozen=True)
class RecommendationRow:
    """A recommendation, its current remedy task with the task's timeliness (``None`` when
    cancelled or beyond the calendar), and its history (give, verify, give_again, close)."""

    recommendation: Recommendation
    task: Task
    timeliness: Timeliness | None
    events: list[RecommendationEvent]

    @property
    def awaits_verification(self) -> bool:
        """Open, and its remedy's result approved: the team verifies it now."""
        return (
            self.recommendation.state == RecommendationState.OPEN
            and self.task.status == TaskStatus.APPROVED
        )


class Engines:
    """The working-time engine per unit of a task's lead agency, built once per read."""

    def __init__(self) -> None:
        self._by_unit: dict[int, WorkingTime] = {}

    def of(self, task: Task) -> WorkingTime:
        unit_id = task.lead_agency.unit_id
        if unit_id not in self._by_unit:
            self._by_unit[unit_id] = task_selectors.engine_of(task)
        return self._by_unit[unit_id]


def timeliness_of(task: Task, *, now: datetime, engines: Engines) -> Timeliness | None:
    try:
        return task_selectors.task_timeliness(task, now=now, engine=engines.of(task))
    except CalendarError:
        # a due time beyond the calendar's range: no judgement rather than an error
        return None


def inspection_recommendations(
    *, inspection: Inspection, now: datetime | None = None, engines: Engines | None = None
) -> list[RecommendationRow]:
    """The inspection's recommendations in the order given, each with its current task (its
    people and lead agency joined) and its events with their actors and tasks: three
    queries, and one per unit whose calendar judges the tasks."""
    at = now or timezone.now()
    engines = engines or Engines()
    events = RecommendationEvent.objects.select_related("actor", "task").order_by("seq")
    recs = (
        Recommendation.objects.filter(inspection=inspection)
        .select_related(
            "unit",
            "finding",
            "task__assignee",
            "task__approver",
            "task__assigner",
            "task__lead_agency__unit",
        )
        .prefetch_related(Prefetch("events", queryset=events, to_attr="history"))
        .order_by("pk")
    )
    return [
        RecommendationRow(
            recommendation=rec,
            task=rec.task,
            timeliness=timeliness_of(rec.task, now=at, engines=engines),
            events=list(rec.history),
        )
        for rec in recs
    ]


@dataclass(frozen=True)
class InspectionSummary:
    """The figures of an inspection: findings by category (every category, zero too, in
    the order of ``FindingCategory``), recommendations open and closed, and the timeliness
    of their current remedy tasks (``early``, ``on_time``, ``late`` once approved,
    ``in_time``, ``overdue`` while open; cancelled tasks are not counted)."""

    findings: int
    findings_by_category: dict[str, int]
    recommendations: int
    open: int
    closed: int
    by_timeliness: dict[str, int]


def inspection_summary(
    *,
    inspection: Inspection,
    rows: Sequence[RecommendationRow] | None = None,
    now: datetime | None = None,
) -> InspectionSummary:
    """The summary of ``inspection``; ``rows`` are its recommendations as
    ``inspection_recommendations`` read them (read here when not given)."""
    if rows is None:
        rows = inspection_recommendations(inspection=inspection, now=now)
    counted = dict(
        Finding.objects.filter(inspection=inspection)
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    by_category = {c: counted.get(c, 0) for c in FindingCategory.values}
    timeliness = {t.value: 0 for t in Timeliness}
    for row in rows:
        if row.timeliness is not None:
            timeliness[row.timeliness.value] += 1
    closed = sum(1 for r in rows if r.recommendation.state == RecommendationState.CLOSED)
    return InspectionSummary(
        findings=sum(by_category.values()),
        findings_by_category=by_category,
        recommendations=len(rows),
        open=len(rows) - closed,
        closed=closed,
        by_timeliness=timeliness,
    )


# -- misconduct reports ------------------------------------------------------------------------

# who sees misconduct reports: the inspectors over the agency's unit, who assign and judge
# them, and the report's investigator; not the agency's head nor the chairman (a
# substantiated report counts against their commitments, and the reporter is protected from
# them), nor anyone with a role in the agency reported (an inspector there has a stake, and
# may neither assign nor judge it), and never the official reported
SEE_MISCONDUCT = frozenset({Role.INSPECTOR})


def misconduct_reports_visible(*, official: Official) -> QuerySet[MisconductReport]:
    """The reports ``official`` may see: those about an agency of a unit their inspector's
    role reaches (the unit and its sub-units), and those they were given to investigate;
    never one about an agency they hold a current role in, nor one naming them as the
    official reported. Superusers (whom the services let act on any report) see all the
    others. Anyone else: none. One query for the official's roles."""
    rows = MisconductReport.objects.select_related(
        "agency__unit", "dossier", "official", "investigator"
    )
    if not official.is_authenticated or not official.is_active:
        return rows.none()
    grants = list(org_selectors.role_grants_current(official=official))
    if not official.is_superuser:
        reach = [g.agency.unit.path for g in grants if g.role in SEE_MISCONDUCT]
        seen = reduce(
            or_, [Q(agency__unit__path__startswith=p) for p in reach], Q(investigator=official)
        )
        rows = rows.filter(seen)
    # a NULL official is kept: Django's exclude() spells "IS NOT NULL AND =" for nullables
    return rows.exclude(agency_id__in={g.agency_id for g in grants}).exclude(official=official)


def misconduct_report_visible_or_404(*, official: Official, pk: int) -> MisconductReport:
    """A report ``official`` may see; the same 404 whether it exists or not."""
    found = misconduct_reports_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("misconduct.not_found", _("Unknown report %(id)s.") % {"id": pk})
    return found


def misconduct_events(*, report: MisconductReport) -> list[MisconductEvent]:
    """The report's history, first to last, with the actors."""
    return list(
        MisconductEvent.objects.filter(report=report).select_related("actor").order_by("seq")
    )


def misconduct_investigators_eligible(
    *, report: MisconductReport, at: date | None = None
) -> QuerySet[Official]:
    """The active officials an inspector may give ``report`` to, as the assignment service
    judges them: a current inspector's role in the agency's unit or a unit above it, no
    current role of any kind in the agency reported, and not the official reported. One
    query. (The service also accepts a superuser; none is offered without an inspector's
    role.)"""
    day = at or timezone.localdate()
    parts = [p for p in report.agency.unit.path.split("/") if p]
    above = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    current = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    inspecting = RoleGrant.objects.filter(
        current,
        official=OuterRef("pk"),
        role__in=SEE_MISCONDUCT,
        agency__unit__path__in=above,
    )
    stake = RoleGrant.objects.filter(current, official=OuterRef("pk"), agency_id=report.agency_id)
    rows = Official.objects.filter(Exists(inspecting), is_active=True).exclude(Exists(stake))
    if report.official_id is not None:
        rows = rows.exclude(pk=report.official_id)
    return rows.order_by("full_name", "username")


def misconduct_overdue(report: MisconductReport, *, now: datetime | None = None) -> bool:
    """Being investigated past its due time."""
    return (
        report.status == ReportStatus.HANDLING
        and report.due_at is not None
        and report.due_at < (now or timezone.now())
    )


# what a follow-up code looks like (services.CODE_ALPHABET: no 0/O, no 1/I)
FOLLOW_CODE = re.compile(r"PA-[A-HJ-NP-Z2-9]{10}")


def misconduct_code_normal(raw: str) -> str | None:
    """The code as typed, cleaned the way a reporter reads it out: case, spaces and the
    hyphen aside ("pa 7k3m 9q2x wd" is PA-7K3M9Q2XWD); None when it cannot be one."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    letters = re.sub(r"[\s\-.]", "", raw).upper()
    code = f"PA-{letters[2:]}" if letters.startswith("PA") else ""
    return code if FOLLOW_CODE.fullmatch(code) else None


@dataclass(frozen=True)
class MisconductFollowUp:
    """What the reporter is told, by the code alone: when it was received, what kind of
    report about which agency, where it stands (received; being investigated, due on a day;
    closed) and, once closed, whether it was substantiated and, if it was, the action taken.
    Nothing of the investigator, the notes, the description or other reports."""

    code: str
    kind: str
    kind_label: str
    agency: str
    agency_name: str
    received_on: date
    status: str
    status_label: str
    due_on: date | None
    closed_on: date | None
    substantiated: bool | None
    action_taken: str


FOLLOW_STATUS_LABELS = {
    ReportStatus.NEW: gettext_lazy("Received"),
    ReportStatus.HANDLING: gettext_lazy("Being investigated"),
    ReportStatus.CLOSED: gettext_lazy("Closed"),
}


def _day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def misconduct_report_follow(*, code: str) -> MisconductFollowUp | None:
    """The reporter's view of the report with this follow-up code, or None: for a code that
    cannot be one, for one that is nobody's, alike (one query at most)."""
    normal = misconduct_code_normal(code)
    if normal is None:
        return None
    report = (
        MisconductReport.objects.select_related("agency")
        .only(
            "code",
            "kind",
            "status",
            "reported_at",
            "due_at",
            "closed_at",
            "substantiated",
            "action_taken",
            "agency__code",
            "agency__name",
        )
        .filter(code=normal)
        .first()
    )
    if report is None:
        return None
    closed = report.status == ReportStatus.CLOSED
    received_on = _day(report.reported_at)
    assert received_on is not None  # noqa: S101 - reported_at is required
    return MisconductFollowUp(
        code=normal,
        kind=report.kind,
        kind_label=str(MisconductKind(report.kind).label),
        agency=report.agency.code,
        agency_name=report.agency.name,
        received_on=received_on,
        status=report.status,
        status_label=str(FOLLOW_STATUS_LABELS[ReportStatus(report.status)]),
        due_on=_day(report.due_at) if report.status == ReportStatus.HANDLING else None,
        closed_on=_day(report.closed_at) if closed else None,
        substantiated=report.substantiated if closed else None,
        action_taken=report.action_taken if closed and report.substantiated else "",
    )
