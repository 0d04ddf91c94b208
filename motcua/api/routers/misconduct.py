"""Misconduct reports for officials (docs/api-misconduct.md): the reports the caller may see
(an inspector's role over the agency's unit, or the report's investigator), one with its
events, the assignment to an investigator and the closing finding, and a report filed by an
official. To anyone else a report does not exist (404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.routers.dossiers import _refuse_nul
from motcua.core.errors import NotFound, ValidationFailed
from motcua.dossiers import selectors as dossier_selectors
from motcua.inspections import selectors, services
from motcua.inspections.models import MisconductEvent, MisconductReport, ReportStatus
from motcua.org.models import Official

router = Router(tags=["misconduct"], auth=AUTH)
MAX_ID = 2**63 - 1
ACTIONS = ("assign", "close")


class MisconductReportIn(Schema):
    kind: str = Field(max_length=20)
    description: str = Field(max_length=5000)
    dossier: str = Field(default="", max_length=60)
    official: str = Field(default="", max_length=200)
    agency: str = Field(default="", max_length=40)
    reporter_name: str = Field(default="", max_length=200)
    reporter_contact: str = Field(default="", max_length=254)


class MisconductActionIn(Schema):
    action: str = Field(max_length=20)
    investigator: str | None = Field(default=None, max_length=150)
    working_days: StrictInt | None = None
    substantiated: StrictBool | None = None
    action_taken: str = Field(default="", max_length=5000)


def _local(moment: Any) -> Any:
    return timezone.localtime(moment) if moment is not None else None


def report_out(report: MisconductReport) -> dict[str, Any]:
    """A report as its inspectors see it (``misconduct_reports_visible`` joins the rest)."""
    return {
        "id": report.pk,
        "code": report.code,
        "kind": report.kind,
        "description": report.description,
        "agency": report.agency.code,
        "dossier": report.dossier.code if report.dossier else None,
        "official": report.official.username if report.official else None,
        "official_name": report.official_name,
        "reporter_name": report.reporter_name,
        "reporter_contact": report.reporter_contact,
        "status": report.status,
        "reported_at": _local(report.reported_at),
        "investigator": report.investigator.username if report.investigator else None,
        "assigned_at": _local(report.assigned_at),
        "due_at": _local(report.due_at),
        "overdue": selectors.misconduct_overdue(report),
        "substantiated": report.substantiated,
        "action_taken": report.action_taken,
        "closed_at": _local(report.closed_at),
        "version": report.revision,
    }


def event_out(event: MisconductEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": _local(event.at),
        # a citizen's report (the portal, the public API) has no actor
        "actor": event.actor.username if event.actor else None,
        "action": event.action,
        "from_status": event.from_status or None,
        "to_status": event.to_status,
        "data": event.data,
    }


def _visible(official: Official, report_id: int) -> MisconductReport:
    if not 0 < report_id <= MAX_ID:
        raise NotFound("misconduct.not_found", _("Unknown report %(id)s.") % {"id": report_id})
    return selectors.misconduct_report_visible_or_404(official=official, pk=report_id)


def _with_events(report: MisconductReport) -> dict[str, Any]:
    return {
        **report_out(report),
        "events": [event_out(e) for e in selectors.misconduct_events(report=report)],
    }


@router.get("/misconduct-reports", summary="Misconduct reports you may see")
def misconduct_list(
    request: HttpRequest,
    status: str | None = Query(None, max_length=10),
    agency: str | None = Query(None, max_length=40),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    rows = selectors.misconduct_reports_visible(official=actor(request))
    if status:
        if status not in ReportStatus.values:
            raise ValidationFailed(
                "request.invalid",
                _("Unknown status."),
                fields={"status": [", ".join(ReportStatus.values)]},
            )
        rows = rows.filter(status=status)
    if agency:
        _refuse_nul(agency, "agency")
        rows = rows.filter(agency__code=agency)
    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=report_out)


@router.get("/misconduct-reports/{report_id}", summary="A misconduct report with its events")
def misconduct_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _with_events(_visible(actor(request), report_id))


@router.post(
    "/misconduct-reports/{report_id}/actions",
    summary="Give a report to an investigator, or close it with the finding",
)
def misconduct_action(
    request: HttpRequest, report_id: int, payload: MisconductActionIn
) -> dict[str, Any]:
    official = actor(request)
    report = _visible(official, report_id)
    _refuse_nul(payload.dict())
    if payload.action not in ACTIONS:
        raise ValidationFailed(
            "misconduct.unknown_action", _("Unknown action."), fields={"action": list(ACTIONS)}
        )
    if payload.action == "assign":
        investigator = None
        if payload.investigator:
            investigator = Official.objects.filter(
                username=payload.investigator, is_active=True
            ).first()
            if investigator is None:
                raise ValidationFailed(
                    "misconduct.invalid",
                    _("The assignment is invalid."),
                    fields={
                        "investigator": [_("Unknown official %(u)r.") % {"u": payload.investigator}]
                    },
                )
        services.misconduct_report_assign(
            actor=official,
            report=report,
            investigator=investigator,
            working_days=services.INVESTIGATION_DAYS
            if payload.working_days is None
            else payload.working_days,
        )
    else:
        services.misconduct_report_close(
            actor=official,
            report=report,
            substantiated=payload.substantiated,
            action_taken=payload.action_taken,
        )
    return _with_events(_visible(official, report_id))


@router.post(
    "/misconduct-reports",
    response={201: dict[str, Any]},
    summary="File a misconduct report as an official",
)
def misconduct_create(request: HttpRequest, payload: MisconductReportIn) -> Status[dict[str, Any]]:
    official = actor(request)
    _refuse_nul(payload.dict())
    code = payload.dossier.strip()
    report = services.misconduct_report_create(
        report=services.MisconductIn(
            kind=payload.kind,
            description=payload.description,
            dossier_code=payload.dossier,
            official_name=payload.official,
            agency_code=payload.agency,
            reporter_name=payload.reporter_name,
            reporter_contact=payload.reporter_contact,
            # tied only to a dossier the caller may see: another's code reveals nothing
            dossier_proven=bool(code)
            and dossier_selectors.dossiers_visible(official=official).filter(code=code).exists(),
        ),
        by=official,
    )
    # what the filer wrote and the code to follow it by: the investigation is for those
    # who see the report (GET /misconduct-reports/{id})
    return Status(
        201,
        {
            "id": report.pk,
            "code": report.code,
            "kind": report.kind,
            "status": report.status,
            "agency": report.agency.code,
            "dossier": report.dossier.code if report.dossier else None,
            "reported_at": _local(report.reported_at),
        },
    )
