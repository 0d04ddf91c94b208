"""Inspection pages (login required): the year's plan of inspections with their figures, a
new inspection (inspectors), and the inspection with its team, units, findings and
recommendations, each with its remedy task, timeliness and verification history; the team
records findings, gives recommendations and verifies remedies there, the head issues the
report, which prints as a PDF. Every write goes through ``services``; a service's error is
shown next to the input it concerns, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.core.text import is_digits
from motcua.dossiers.timewords import TimeLeft, time_left
from motcua.inspections import printing, selectors, services
from motcua.inspections.forms import (
    FindingForm,
    InspectionForm,
    RecommendationForm,
    ReportForm,
    VerifyForm,
    plannable_units,
)
from motcua.inspections.models import (
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    Recommendation,
    RecommendationEvent,
    RecommendationState,
)
from motcua.org.models import Official
from motcua.shell.pages import refuse_nul, signed_in
from motcua.tasks.models import OPEN_STATUSES, TaskStatus
from motcua.workcalendar.engine import CalendarError

MAX_ID = 2**63 - 1
PAGE_SIZE = 50
FIRST_YEAR, LAST_YEAR = 1990, 2199
EVENT_LABELS = {
    "give": gettext_lazy("Recommendation given"),
    "verify": gettext_lazy("Remedy verified"),
    "give_again": gettext_lazy("Remedy given again"),
    "close": gettext_lazy("Closed"),
}


def _inspection(official: Official, pk: int) -> Inspection:
    if not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return selectors.inspection_visible_or_404(official=official, pk=pk)
    except NotFound:
        raise Http404 from None


def _place_errors(form: forms.Form, exc: DomainError) -> None:
    """The service's errors next to their fields; the others, and the service's message
    when nothing was placed, on top of the form."""
    placed = False
    for key, msgs in exc.fields.items():
        name = key.split(".")[0]
        for m in msgs:
            form.add_error(name if name in form.fields else None, str(m))
            placed = placed or name in form.fields
    if not placed:
        form.add_error(None, str(exc.message))


# -- the year's plan ----------------------------------------------------------------------


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    """The inspections of a year the official may see, with the figures of each (one query
    for a page, whatever its length)."""
    official = signed_in(request)
    this_year = timezone.localdate().year
    raw = str(request.GET.get("year") or "").strip()
    year, error = this_year, None
    if raw:
        if is_digits(raw) and FIRST_YEAR <= int(raw) <= LAST_YEAR:
            year = int(raw)
        else:
            error = _("The year must be a whole number from %(first)d to %(last)d.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
    now = timezone.now()
    rows = selectors.inspections_with_counts(
        selectors.inspections_visible(official=official).filter(year=year), now=now
    )
    totals = rows.aggregate(
        findings=Sum("findings_count"),
        open=Sum("recommendations_open"),
        closed=Sum("recommendations_closed"),
        overdue=Sum("recommendations_overdue"),
    )
    page = Paginator(
        rows.prefetch_related("inspected_units").order_by("starts_on", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "inspections": list(page.object_list),
        "year": year,
        "previous_year": max(year - 1, FIRST_YEAR),
        "next_year": min(year + 1, LAST_YEAR),
        "error": error,
        "totals": {k: v or 0 for k, v in totals.items()},
        "may_plan": plannable_units(official).exists(),
        "states": dict(InspectionState.choices),
    }
    return render(request, "inspections/list.html", context)


# -- a new inspection ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    form = InspectionForm(request.POST if request.method == "POST" else None, official=official)
    status = 200
    if request.method == "POST":
        try:
            refuse_nul(request.POST)
            if form.is_valid():
                inspection = services.inspection_create(actor=official, data=form.inspection_data())
                messages.success(request, _("The inspection was added to the plan."))
                return redirect("inspections:inspection", inspection_id=inspection.pk)
            status = 400
        except DomainError as exc:
            _place_errors(form, exc)
            status = exc.status
    context = {"form": form, "may_plan": plannable_units(official).exists()}
    return render(request, "inspections/new.html", context, status=status)


# -- one inspection -----------------------------------------------------------------------


@dataclass
class RecLine:
    """A recommendation as the page shows it: its task's time left (open tasks), its
    history in words, and the verification form when the official may verify it now."""

    row: selectors.RecommendationRow
    time: TimeLeft | None
    history: list[tuple[RecommendationEvent, str]]
    verify_form: VerifyForm | None = None
    error: DomainError | None = None

    @property
    def rec(self) -> Recommendation:
        return self.row.recommendation


@dataclass
class Posted:
    """What a failed POST puts back on the page: the form with its errors, or the error of
    a recommendation's verification."""

    finding: FindingForm | None = None
    recommendation: RecommendationForm | None = None
    report: ReportForm | None = None
    verify: dict[int, tuple[VerifyForm, DomainError]] = field(default_factory=dict)
    error: DomainError | None = None


def _time(
    row: selectors.RecommendationRow, now: datetime, engines: selectors.Engines
) -> TimeLeft | None:
    task = row.task
    if task.status not in OPEN_STATUSES:
        return None
    engine = engines.of(task)
    try:
        allotted = engine.remaining_seconds(task.due_at, task.start)
        return time_left(task.due_at, now=now, engine=engine, allotted_seconds=allotted)
    except CalendarError:
        return None


def _history(row: selectors.RecommendationRow) -> list[tuple[RecommendationEvent, str]]:
    return [(e, str(EVENT_LABELS.get(e.action, e.action))) for e in row.events]


def _render(
    request: HttpRequest,
    official: Official,
    inspection: Inspection,
    *,
    posted: Posted | None = None,
    status: int = 200,
) -> HttpResponse:
    posted = posted or Posted()
    now = timezone.now()
    engines = selectors.Engines()
    rows = selectors.inspection_recommendations(inspection=inspection, now=now, engines=engines)
    summary = selectors.inspection_summary(inspection=inspection, rows=rows, now=now)
    findings = list(
        Finding.objects.filter(inspection=inspection)
        .select_related("unit", "recorded_by")
        .order_by("pk")
    )
    members = list(inspection.members.order_by("full_name", "username"))
    units = list(inspection.inspected_units.order_by("path"))
    team = official.pk == inspection.head_id or any(m.pk == official.pk for m in members)
    team = team or official.is_superuser
    head = official.pk == inspection.head_id or official.is_superuser
    reported = inspection.state == InspectionState.REPORTED
    lines = []
    for row in rows:
        line = RecLine(row=row, time=_time(row, now, engines), history=_history(row))
        pk = row.recommendation.pk
        if team and row.awaits_verification:
            if pk in posted.verify:
                line.verify_form, line.error = posted.verify[pk]
            else:
                line.verify_form = VerifyForm(auto_id=f"verify-{pk}-%s")
        lines.append(line)
    finding_form = recommendation_form = report_form = None
    if team and not reported:
        finding_form = posted.finding or FindingForm(inspection=inspection)
        chosen = request.GET.get("finding") or ""
        source = next((f for f in findings if str(f.pk) == chosen), None)
        recommendation_form = posted.recommendation or RecommendationForm(
            inspection=inspection, findings=findings, finding=source
        )
    if head and not reported:
        report_form = posted.report or ReportForm()
    labels = dict(FindingCategory.choices)
    context = {
        "inspection": inspection,
        "members": members,
        "units": units,
        "findings": findings,
        "lines": lines,
        "summary": summary,
        "categories": [
            (key, labels[key], n) for key, n in summary.findings_by_category.items() if n
        ],
        "timeliness": [(k, n) for k, n in summary.by_timeliness.items()],
        "team": team,
        "reported": reported,
        "finding_form": finding_form,
        "recommendation_form": recommendation_form,
        "report_form": report_form,
        "error": posted.error,
        "closed_state": RecommendationState.CLOSED,
    }
    return render(request, "inspections/inspection.html", context, status=status)


@login_required
@require_GET
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    official = signed_in(request)
    return _render(request, official, _inspection(official, inspection_id))


def _not_team(request: HttpRequest, official: Official, inspection: Inspection) -> HttpResponse:
    """The service's refusal, said before reading a form this official is not offered."""
    refusal = PermissionDenied(
        "inspection.forbidden", _("Only the inspection's team records its work.")
    )
    return _render(request, official, inspection, posted=Posted(error=refusal), status=403)


@login_required
@require_POST
def finding_record(request: HttpRequest, inspection_id: int) -> HttpResponse:
    official = signed_in(request)
    inspection = _inspection(official, inspection_id)
    if not services.in_team(official=official, inspection=inspection):
        return _not_team(request, official, inspection)
    form = FindingForm(request.POST, inspection=inspection)
    try:
        refuse_nul(request.POST)
        if form.is_valid():
            services.finding_record(
                actor=official,
                inspection=inspection,
                unit=form.chosen_unit(),
                category=form.cleaned_data.get("category") or "",
                description=form.cleaned_data.get("description") or "",
                evidence=form.cleaned_data.get("evidence") or "",
            )
            messages.success(request, _("The finding was recorded."))
            return redirect("inspections:inspection", inspection_id=inspection.pk)
        status = 400
    except DomainError as exc:
        _place_errors(form, exc)
        status = exc.status
    fresh = _inspection(official, inspection_id)
    return _render(request, official, fresh, posted=Posted(finding=form), status=status)


@login_required
@require_POST
def recommendation_give(request: HttpRequest, inspection_id: int) -> HttpResponse:
    official = signed_in(request)
    inspection = _inspection(official, inspection_id)
    if not services.in_team(official=official, inspection=inspection):
        return _not_team(request, official, inspection)
    findings = list(Finding.objects.filter(inspection=inspection).order_by("pk"))
    form = RecommendationForm(request.POST, inspection=inspection, findings=findings)
    try:
        refuse_nul(request.POST)
        if form.is_valid():
            services.recommendation_give(
                actor=official,
                inspection=inspection,
                unit=form.chosen_unit(),
                text=form.cleaned_data.get("text") or "",
                finding=form.chosen_finding(),
                remedy=form.remedy(),
            )
            messages.success(
                request, _("The recommendation was given: its remedy is a task of the unit.")
            )
            return redirect("inspections:inspection", inspection_id=inspection.pk)
        status = 400
    except DomainError as exc:
        _place_errors(form, exc)
        status = exc.status
    fresh = _inspection(official, inspection_id)
    return _render(request, official, fresh, posted=Posted(recommendation=form), status=status)


@login_required
@require_POST
def recommendation_verify(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    official = signed_in(request)
    if not 0 < recommendation_id <= MAX_ID:
        raise Http404
    try:
        rec = selectors.recommendation_visible_or_404(official=official, pk=recommendation_id)
    except NotFound:
        raise Http404 from None
    inspection = rec.inspection
    if not services.in_team(official=official, inspection=inspection):
        return _not_team(request, official, inspection)
    form = VerifyForm(request.POST, auto_id=f"verify-{rec.pk}-%s")
    try:
        refuse_nul(request.POST)
        if form.is_valid():
            effective = form.effective_value()
            services.recommendation_act(
                actor=official,
                recommendation=rec,
                action="verify",
                effective=effective,
                note=form.cleaned_data.get("note") or "",
            )
            messages.success(
                request,
                _("The remedy was found effective: the recommendation is closed.")
                if effective
                else _("The remedy was found not effective: it is given again as a new task."),
            )
            return redirect("inspections:inspection", inspection_id=inspection.pk)
        status = 400
        error: DomainError = ValidationFailed(
            "recommendation.invalid", _("The verification is incomplete.")
        )
    except DomainError as exc:
        _place_errors(form, exc)
        status, error = exc.status, exc
    fresh = _inspection(official, inspection.pk)
    posted = Posted(verify={rec.pk: (form, error)})
    row_offered = rec.task.status == TaskStatus.APPROVED and rec.state == RecommendationState.OPEN
    if not row_offered:
        # no form for it on the page (already closed, remedy not done): said on top
        posted.error = error
    return _render(request, official, fresh, posted=posted, status=status)


@login_required
@require_POST
def report_issue(request: HttpRequest, inspection_id: int) -> HttpResponse:
    official = signed_in(request)
    inspection = _inspection(official, inspection_id)
    if official.pk != inspection.head_id and not official.is_superuser:
        refusal = PermissionDenied(
            "inspection.forbidden", _("The head of the team issues the report.")
        )
        return _render(request, official, inspection, posted=Posted(error=refusal), status=403)
    form = ReportForm(request.POST)
    posted = Posted(report=form)
    try:
        refuse_nul(request.POST)
        if form.is_valid():
            services.inspection_report_issue(
                actor=official,
                inspection=inspection,
                conclusion=form.cleaned_data.get("conclusion") or "",
            )
            messages.success(request, _("The report was issued."))
            return redirect("inspections:inspection", inspection_id=inspection.pk)
        status = 400
    except DomainError as exc:
        _place_errors(form, exc)
        status = exc.status
        # issued meanwhile: the form is gone from the page, the refusal is said on top
        posted.error = exc
    fresh = _inspection(official, inspection_id)
    if fresh.state != InspectionState.REPORTED:
        posted.error = None
    return _render(request, official, fresh, posted=posted, status=status)


@login_required
@require_GET
def report_pdf(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The issued report as an A4 PDF; before it is issued, a plain 409."""
    official = signed_in(request)
    inspection = _inspection(official, inspection_id)
    try:
        pdf = printing.render_report(printing.report_from(inspection))
    except DomainError as exc:
        return HttpResponse(
            str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="kiem-tra-{inspection.pk}.pdf"'},
    )
