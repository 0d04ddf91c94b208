"""Officials' pages of misconduct reports (SPEC §9), login required: the reports an official
may see (their inspector's role reaches the agency's unit, or they investigate it), filtered
by status and agency, with overdue investigations in red and in words; one report with its
history and the actions the services would accept from this official (give it to an
investigator, close it with the finding); a report filed by an official. Every write goes
through ``services``; a service's error is shown next to the input it concerns. To anyone
else a report does not exist (404), whether it does or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError
from motcua.core.text import is_digits
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.timewords import TimeLeft, time_left
from motcua.inspections import selectors, services
from motcua.inspections.misconduct_forms import AssignForm, CloseForm, MisconductNewForm
from motcua.inspections.models import MisconductEvent, MisconductReport, ReportStatus
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Official
from motcua.shell.pages import signed_in
from motcua.workcalendar.engine import CalendarError, WorkingTime

MAX_ID = 2**63 - 1
PAGE_SIZE = 50
EVENT_LABELS = {
    "receive": gettext_lazy("Received"),
    "assign": gettext_lazy("Given to an investigator"),
    "close": gettext_lazy("Closed with the finding"),
}
DONE_MESSAGES = {
    "assign": gettext_lazy("The report was given to the investigator."),
    "close": gettext_lazy("The report was closed with its finding."),
}


def _visible(official: Official, raw: str) -> MisconductReport:
    if not is_digits(raw) or not 0 < int(raw) <= MAX_ID:
        raise Http404
    found = selectors.misconduct_reports_visible(official=official).filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    return found


def _put_errors(form: forms.Form, error: DomainError) -> None:
    """The service's per-field messages next to the inputs; the rest, and the message when
    no field is named, at the top of the form."""
    placed = False
    for key, messages_ in error.fields.items():
        target = key if key in form.fields else None
        for message in messages_:
            form.add_error(target, message)
        placed = placed or target is not None
    if not placed:
        form.add_error(None, error.message)


# -- time ------------------------------------------------------------------------------------


class Engines:
    """The working-time engine per unit of the agencies reported, built once per page."""

    def __init__(self) -> None:
        self._by_unit: dict[int, WorkingTime] = {}

    def of(self, report: MisconductReport) -> WorkingTime:
        unit = report.agency.unit
        if unit.pk not in self._by_unit:
            self._by_unit[unit.pk] = org_selectors.working_time_for_unit(unit=unit)
        return self._by_unit[unit.pk]


def investigation_time(
    report: MisconductReport, *, now: datetime, engines: Engines
) -> TimeLeft | None:
    """While being investigated: the working time left to its due time (negative, red and
    "overdue by ..." once past), by the agency's calendar; else None."""
    if report.status != ReportStatus.HANDLING or report.due_at is None:
        return None
    engine = engines.of(report)
    try:
        allotted = (
            engine.working_seconds_between(report.assigned_at, report.due_at)
            if report.assigned_at
            else None
        )
        return time_left(report.due_at, now=now, engine=engine, allotted_seconds=allotted)
    except CalendarError:
        # a due time beyond the calendar's range: shown without words
        return None


@dataclass
class Row:
    report: MisconductReport
    time: TimeLeft | None

    @property
    def overdue(self) -> bool:
        return self.time is not None and self.time.overdue


# -- the list --------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the official may see, newest first; a filter value that is not one of
    the choices is named above the list and left out."""
    official = signed_in(request)
    now = timezone.now()
    visible = selectors.misconduct_reports_visible(official=official)
    agencies = list(
        Agency.objects.filter(pk__in=visible.values("agency_id"))
        .select_related("unit")
        .order_by("unit__path", "code")
    )
    errors: list[str] = []
    status = str(request.GET.get("status") or "")
    rows = visible
    if status in ReportStatus.values:
        rows = rows.filter(status=status)
    elif status:
        errors.append(_("Choose a status from the list."))
        status = ""
    agency = str(request.GET.get("agency") or "")
    if any(a.code == agency for a in agencies):
        rows = rows.filter(agency__code=agency)
    elif agency:
        errors.append(_("Choose an agency from the list."))
        agency = ""
    page = Paginator(rows.order_by("-reported_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    engines = Engines()
    context = {
        "rows": [Row(r, investigation_time(r, now=now, engines=engines)) for r in page],
        "page": page,
        "agencies": agencies,
        "statuses": ReportStatus.choices,
        "filters": {"status": status, "agency": agency},
        "errors": errors,
    }
    return render(request, "inspections/misconduct_list.html", context)


# -- one report ------------------------------------------------------------------------------


def allowed_actions(*, official: Official, report: MisconductReport) -> list[str]:
    """The actions the services would accept from ``official`` now, for an inspector over
    the agency's unit with no stake in the report (no role in the agency, not the official
    reported): ``assign``, and ``close`` when the report is his or nobody's yet. Nothing
    once closed."""
    if report.status == ReportStatus.CLOSED or not org_selectors.has_role_over_unit(
        official=official, unit=report.agency.unit, roles=services.INVESTIGATING_ROLES
    ):
        return []
    if report.official_id == official.pk or any(
        g.agency_id == report.agency_id
        for g in org_selectors.role_grants_current(official=official)
    ):
        return []
    if report.investigator_id in {None, official.pk}:
        return ["assign", "close"]
    return ["assign"]


def _details(event: MisconductEvent, names: dict[str, str]) -> list[tuple[str, str]]:
    data = event.data if isinstance(event.data, dict) else {}
    out: list[tuple[str, str]] = []
    if event.action == "assign":
        username = str(data.get("investigator") or "")
        out.append((_("Investigator"), names.get(username, username)))
        due = data.get("due_at")
        if isinstance(due, str):
            try:
                shown = date_format(timezone.localtime(datetime.fromisoformat(due)), "H:i d/m/Y")
            except ValueError:
                shown = due
            out.append((_("Due at"), shown))
    elif event.action == "close":
        out.append(
            (
                _("Finding"),
                _("Substantiated") if data.get("substantiated") else _("Not substantiated"),
            )
        )
        if data.get("action_taken"):
            out.append((_("Action taken"), str(data["action_taken"])))
    return out


def _history(report: MisconductReport) -> list[dict[str, Any]]:
    events = selectors.misconduct_events(report=report)
    usernames = {
        str(e.data.get("investigator"))
        for e in events
        if isinstance(e.data, dict) and e.data.get("investigator")
    }
    names = {
        o.username: o.display_name
        for o in Official.objects.filter(username__in=usernames).only(
            "username", "full_name", "first_name", "last_name"
        )
    }
    statuses = dict(ReportStatus.choices)
    return [
        {
            "event": e,
            "label": EVENT_LABELS.get(e.action, e.action),
            "before": statuses.get(e.from_status, ""),
            "after": statuses.get(e.to_status, e.to_status),
            "details": _details(e, names),
        }
        for e in events
    ]


def _render(
    request: HttpRequest,
    official: Official,
    report: MisconductReport,
    *,
    form: forms.Form | None = None,
    refused: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    actions = allowed_actions(official=official, report=report)
    eligible = (
        list(selectors.misconduct_investigators_eligible(report=report))
        if "assign" in actions
        else []
    )
    assign_form = (
        form
        if isinstance(form, AssignForm)
        else AssignForm(
            investigators=eligible, initial={"working_days": services.INVESTIGATION_DAYS}
        )
    )
    close_form = form if isinstance(form, CloseForm) else CloseForm()
    context = {
        "report": report,
        "time": investigation_time(report, now=timezone.now(), engines=Engines()),
        "history": _history(report),
        "actions": actions,
        "assign_form": assign_form,
        "eligible": eligible,
        "close_form": close_form,
        # a refusal of an action this official is not offered (the page went stale)
        "refused": refused,
    }
    return render(request, "inspections/misconduct_detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    official = signed_in(request)
    return _render(request, official, _visible(official, report_id))


@login_required
@require_POST
def report_assign(request: HttpRequest, report_id: str) -> HttpResponse:
    """Give the report to an investigator (again, to another one, while investigated)."""
    official = signed_in(request)
    report = _visible(official, report_id)
    # (a NUL in any field never gets here: ApiInputGuardMiddleware answers 400 for it)
    form = AssignForm(
        request.POST, investigators=selectors.misconduct_investigators_eligible(report=report)
    )
    return _act(request, official, report, "assign", form)


@login_required
@require_POST
def report_close(request: HttpRequest, report_id: str) -> HttpResponse:
    """Close the report with its finding."""
    official = signed_in(request)
    report = _visible(official, report_id)
    return _act(request, official, report, "close", CloseForm(request.POST))


def _act(
    request: HttpRequest,
    official: Official,
    report: MisconductReport,
    action: str,
    form: forms.Form,
) -> HttpResponse:
    if not form.is_valid() and action in allowed_actions(official=official, report=report):
        return _render(request, official, report, form=form, status=400)
    # an action not offered goes to the service all the same, which refuses it (403, 409)
    # in its own words before looking at the values
    data = form.cleaned_data
    try:
        if action == "assign":
            services.misconduct_report_assign(
                actor=official,
                report=report,
                investigator=data.get("investigator"),
                working_days=data.get("working_days"),
            )
        else:
            services.misconduct_report_close(
                actor=official,
                report=report,
                substantiated=data.get("substantiated"),
                action_taken=data.get("action_taken") or "",
            )
    except DomainError as error:
        fresh = _visible(official, str(report.pk))
        offered = action in allowed_actions(official=official, report=fresh)
        if offered:
            _put_errors(form, error)
        return _render(
            request,
            official,
            fresh,
            form=form if offered else None,
            refused=None if offered else error,
            status=error.status,
        )
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("misconduct:detail", report_id=report.pk)


# -- a report filed by an official ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """An official files a report about an agency, optionally a dossier (tied to it only if
    the official may see the dossier; otherwise its code is kept as written) and one of its
    officials. The event names the official who filed it."""
    official = signed_in(request)
    if request.method != "POST":
        form = MisconductNewForm(
            initial={"reporter_name": official.display_name, "reporter_contact": official.email}
        )
        return render(request, "inspections/misconduct_new.html", {"form": form})
    form = MisconductNewForm(request.POST)
    if not form.is_valid():
        return render(request, "inspections/misconduct_new.html", {"form": form}, status=400)
    try:
        created = _file(official, form.cleaned_data)
    except DomainError as error:
        _put_errors(form, error)
        return render(
            request, "inspections/misconduct_new.html", {"form": form}, status=error.status
        )
    if selectors.misconduct_reports_visible(official=official).filter(pk=created.pk).exists():
        messages.success(request, _("The report was recorded."))
        return redirect("misconduct:detail", report_id=created.pk)
    messages.success(
        request,
        _(
            "The report was sent to the inspectors. Its follow-up code is %(code)s: with it, "
            "the reporter follows the report on the public portal."
        )
        % {"code": created.code},
    )
    return redirect("misconduct:new")


def _file(official: Official, data: dict[str, Any]) -> MisconductReport:
    code = str(data.get("dossier") or "").strip()
    agency = data.get("agency")
    return services.misconduct_report_create(
        report=services.MisconductIn(
            kind=data["kind"],
            description=data["description"],
            dossier_code=code,
            official_name=data["official"],
            agency_code=agency.code if agency else "",
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            # tied only to a dossier the official may see: another's code reveals nothing
            dossier_proven=bool(code)
            and dossier_selectors.dossiers_visible(official=official).filter(code=code).exists(),
        ),
        by=official,
    )
