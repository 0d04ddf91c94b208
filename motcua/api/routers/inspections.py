"""Inspection endpoints (docs/api-inspections.md): the year's plan of inspections, an
inspection with its team, units, findings and recommendations (each with its remedy task
and history), recording findings, giving recommendations, verifying remedies, issuing the
report and printing it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool

from motcua.api import lookups
from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.timeparse import parse_stored_time
from motcua.core.errors import NotFound, ValidationFailed
from motcua.inspections import printing, selectors, services
from motcua.inspections.models import Finding, Inspection, RecommendationEvent
from motcua.org.models import Official

router = Router(tags=["inspections"], auth=AUTH)

MAX_ID = 2**63 - 1
Errors = dict[str, list[str]]


class InspectionIn(Schema):
    unit: str | None = Field(default=None, max_length=32)
    year: int | None = None
    title: str = Field(default="", max_length=300)
    scope: str = Field(default="", max_length=5000)
    period_from: str | None = Field(default=None, max_length=20)
    period_to: str | None = Field(default=None, max_length=20)
    starts_on: str | None = Field(default=None, max_length=20)
    ends_on: str | None = Field(default=None, max_length=20)
    head: str | None = Field(default=None, max_length=150)
    members: list[str] = Field(default=[], max_length=100)
    inspected_units: list[str] = Field(default=[], max_length=500)


class FindingIn(Schema):
    unit: str | None = Field(default=None, max_length=32)
    category: str = Field(default="", max_length=20)
    description: str = Field(default="", max_length=5000)
    evidence: str = Field(default="", max_length=5000)


class RemedyIn(Schema):
    lead_agency: str | None = Field(default=None, max_length=40)
    assignee: str | None = Field(default=None, max_length=150)
    approver: str | None = Field(default=None, max_length=150)
    working_days: int | None = Field(default=None, ge=1, le=1000)
    due_at: str | None = Field(default=None, max_length=40)
    deliverable: str = Field(default="", max_length=500)


class RecommendationIn(RemedyIn):
    unit: str | None = Field(default=None, max_length=32)
    text: str = Field(default="", max_length=5000)
    finding: int | None = None


class RecommendationActionIn(RemedyIn):
    action: str = Field(max_length=20)
    effective: StrictBool | None = None
    note: str = Field(default="", max_length=5000)


class ReportIn(Schema):
    conclusion: str = Field(default="", max_length=5000)


# -- reading the input ------------------------------------------------------------------------


def _day(value: str | None, name: str, errors: Errors) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = [_("Write a date as YYYY-MM-DD.")]
        return None


def _remedy(payload: RemedyIn, errors: Errors) -> services.RemedyData:
    return services.RemedyData(
        lead_agency=lookups.agency(payload.lead_agency, "lead_agency", errors),
        assignee=lookups.official(payload.assignee, "assignee", errors),
        approver=lookups.official(payload.approver, "approver", errors),
        working_days=payload.working_days,
        due_at=parse_stored_time(payload.due_at, "due_at") if payload.due_at else None,
        deliverable=payload.deliverable,
    )


def _refuse(errors: Errors, code: str, message: str) -> None:
    if errors:
        raise ValidationFailed(code, message, fields=errors)


def _visible(official: Official, inspection_id: int) -> Inspection:
    if not 0 < inspection_id <= MAX_ID:
        raise NotFound(
            "inspection.not_found", _("Unknown inspection %(id)s.") % {"id": inspection_id}
        )
    return selectors.inspection_visible_or_404(official=official, pk=inspection_id)


# -- the output -------------------------------------------------------------------------------


def _moment(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def inspection_out(inspection: Inspection) -> dict[str, Any]:
    """An inspection as the list gives it; ``members`` and ``inspected_units`` prefetched,
    the counts annotated by ``selectors.inspections_with_counts``."""
    return {
        "id": inspection.pk,
        "unit": inspection.unit.code,
        "year": inspection.year,
        "title": inspection.title,
        "scope": inspection.scope,
        "period_from": inspection.period_from,
        "period_to": inspection.period_to,
        "starts_on": inspection.starts_on,
        "ends_on": inspection.ends_on,
        "head": inspection.head.username,
        "members": sorted(m.username for m in inspection.members.all()),
        "inspected_units": sorted(u.code for u in inspection.inspected_units.all()),
        "state": inspection.state,
        "conclusion": inspection.conclusion,
        "reported_at": _moment(inspection.reported_at),
        "counts": {
            "findings": getattr(inspection, "findings_count", 0),
            "recommendations_open": getattr(inspection, "recommendations_open", 0),
            "recommendations_closed": getattr(inspection, "recommendations_closed", 0),
            "recommendations_overdue": getattr(inspection, "recommendations_overdue", 0),
        },
    }


def finding_out(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "unit": finding.unit.code,
        "category": finding.category,
        "description": finding.description,
        "evidence": finding.evidence,
        "recorded_by": finding.recorded_by.username,
        "recorded_at": timezone.localtime(finding.recorded_at),
    }


def _event_out(e: RecommendationEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": timezone.localtime(e.at),
        "actor": e.actor.username,
        "action": e.action,
        "task": e.task_id,
        "data": e.data,
    }


def recommendation_out(row: selectors.RecommendationRow) -> dict[str, Any]:
    rec, task = row.recommendation, row.task
    return {
        "id": rec.pk,
        "inspection": rec.inspection_id,
        "unit": rec.unit.code,
        "finding": rec.finding_id,
        "text": rec.text,
        "state": rec.state,
        "closed_at": _moment(rec.closed_at),
        "task": {
            "id": task.pk,
            "title": task.title,
            "status": task.status,
            "timeliness": row.timeliness.value if row.timeliness else None,
            "due_at": timezone.localtime(task.due_at),
            "assignee": task.assignee.username,
            "lead_agency": task.lead_agency.code,
            "approver": task.approver.username,
        },
        "events": [_event_out(e) for e in row.events],
    }


def _with_people(rows: Any) -> Any:
    return rows.prefetch_related("members", "inspected_units")


def _detail(inspection: Inspection) -> dict[str, Any]:
    """The inspection with its counts, findings, recommendations and summary: a fixed
    number of queries, and one per unit whose calendar judges the remedy tasks."""
    now = timezone.now()
    shown = _with_people(
        selectors.inspections_with_counts(Inspection.objects.filter(pk=inspection.pk), now=now)
    ).select_related("unit", "head")[0]
    rows = selectors.inspection_recommendations(inspection=shown, now=now)
    summary = selectors.inspection_summary(inspection=shown, rows=rows, now=now)
    findings = Finding.objects.filter(inspection=shown).select_related("unit", "recorded_by")
    return {
        **inspection_out(shown),
        "findings": [finding_out(f) for f in findings.order_by("pk")],
        "recommendations": [recommendation_out(r) for r in rows],
        "summary": {
            "findings_by_category": summary.findings_by_category,
            "recommendations": summary.recommendations,
            "open": summary.open,
            "closed": summary.closed,
            "by_timeliness": summary.by_timeliness,
        },
    }


def _recommendation(inspection: Inspection, pk: int) -> dict[str, Any]:
    rows = selectors.inspection_recommendations(inspection=inspection)
    return next(recommendation_out(r) for r in rows if r.recommendation.pk == pk)


# -- the endpoints ----------------------------------------------------------------------------


@router.post("/inspections", response={201: dict[str, Any]}, summary="Plan an inspection")
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Status[dict[str, Any]]:
    official = actor(request)
    errors: Errors = {}
    members = []
    for i, username in enumerate(payload.members):
        found = lookups.official(username, f"members.{i}", errors)
        if found is not None:
            members.append(found)
    units = []
    for i, code in enumerate(payload.inspected_units):
        unit = lookups.unit(code, f"inspected_units.{i}", errors)
        if unit is not None:
            units.append(unit)
    data = services.InspectionData(
        unit=lookups.unit(payload.unit, "unit", errors),
        year=payload.year,
        title=payload.title,
        scope=payload.scope,
        period_from=_day(payload.period_from, "period_from", errors),
        period_to=_day(payload.period_to, "period_to", errors),
        starts_on=_day(payload.starts_on, "starts_on", errors),
        ends_on=_day(payload.ends_on, "ends_on", errors),
        head=lookups.official(payload.head, "head", errors),
        members=members,
        inspected_units=units,
    )
    with lookups.all_named(
        errors, "inspection.invalid", _("The inspection is incomplete or invalid.")
    ):
        inspection = services.inspection_create(actor=official, data=data)
    return Status(201, _detail(inspection))


@router.get("/inspections", summary="The inspections of a year's plan you may see")
def inspections_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2199),
    unit: str | None = Query(None, max_length=32),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    official = actor(request)
    rows = selectors.inspections_visible(official=official)
    if year is not None:
        rows = rows.filter(year=year)
    if unit:
        rows = rows.filter(unit__code=unit)
    rows = _with_people(selectors.inspections_with_counts(rows))
    return paginate(
        rows, keys=["starts_on", "pk"], cursor=cursor, limit=limit, serialize=inspection_out
    )


@router.get("/inspections/{inspection_id}", summary="An inspection, its findings and remedies")
def inspection_detail(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return _detail(_visible(actor(request), inspection_id))


@router.post(
    "/inspections/{inspection_id}/findings",
    response={201: dict[str, Any]},
    summary="Record a finding (the team)",
)
def finding_record(
    request: HttpRequest, inspection_id: int, payload: FindingIn
) -> Status[dict[str, Any]]:
    official = actor(request)
    inspection = _visible(official, inspection_id)
    errors: Errors = {}
    unit = lookups.unit(payload.unit, "unit", errors)
    with lookups.all_named(errors, "inspection.invalid", _("The finding is incomplete.")):
        finding = services.finding_record(
            actor=official,
            inspection=inspection,
            unit=unit,
            category=payload.category,
            description=payload.description,
            evidence=payload.evidence,
        )
    shown = Finding.objects.select_related("unit", "recorded_by").get(pk=finding.pk)
    return Status(201, finding_out(shown))


@router.post(
    "/inspections/{inspection_id}/recommendations",
    response={201: dict[str, Any]},
    summary="Give a recommendation: a remedy task for the inspected unit (the team)",
)
def recommendation_give(
    request: HttpRequest, inspection_id: int, payload: RecommendationIn
) -> Status[dict[str, Any]]:
    official = actor(request)
    inspection = _visible(official, inspection_id)
    errors: Errors = {}
    unit = lookups.unit(payload.unit, "unit", errors)
    finding = None
    if payload.finding is not None:
        if 0 < payload.finding <= MAX_ID:
            finding = Finding.objects.filter(inspection=inspection, pk=payload.finding).first()
        if finding is None:
            errors["finding"] = [_("The finding is not one of this inspection's.")]
    remedy = _remedy(payload, errors)
    with lookups.all_named(errors, "inspection.invalid", _("The recommendation is incomplete.")):
        rec = services.recommendation_give(
            actor=official,
            inspection=inspection,
            unit=unit,
            text=payload.text,
            finding=finding,
            remedy=remedy,
        )
    return Status(201, _recommendation(inspection, rec.pk))


@router.post(
    "/recommendations/{recommendation_id}/actions",
    summary="Verify a recommendation's remedy (the team); closing is by verifying",
)
def recommendation_action(
    request: HttpRequest, recommendation_id: int, payload: RecommendationActionIn
) -> dict[str, Any]:
    official = actor(request)
    if not 0 < recommendation_id <= MAX_ID:
        raise NotFound("recommendation.not_found", _("Unknown recommendation."))
    rec = selectors.recommendation_visible_or_404(official=official, pk=recommendation_id)
    errors: Errors = {}
    given = payload.model_fields_set & set(RemedyIn.model_fields)
    remedy = _remedy(payload, errors) if given else None
    _refuse(errors, "recommendation.invalid", _("The new remedy task is invalid."))
    services.recommendation_act(
        actor=official,
        recommendation=rec,
        action=payload.action,
        effective=payload.effective,
        note=payload.note,
        remedy=remedy,
    )
    return _recommendation(rec.inspection, rec.pk)


@router.post(
    "/inspections/{inspection_id}/report",
    summary="Issue the report with its conclusion (the head of the team)",
)
def report_issue(request: HttpRequest, inspection_id: int, payload: ReportIn) -> dict[str, Any]:
    official = actor(request)
    inspection = _visible(official, inspection_id)
    services.inspection_report_issue(
        actor=official, inspection=inspection, conclusion=payload.conclusion
    )
    return _detail(inspection)


@router.get(
    "/inspections/{inspection_id}/report.pdf",
    summary="The issued report as an A4 PDF",
)
def report_pdf(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = _visible(actor(request), inspection_id)
    pdf = printing.render_report(printing.report_from(inspection))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="kiem-tra-{inspection.pk}.pdf"'},
    )
