"""The report pages (login required): the statistics of dossiers, Biểu số 06/VPCP/KSTT, the
tracking log, late attribution and the chairman's dashboard. Each page shows what one
selector computed and offers the same figures as an .xlsx (``?format=xlsx``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.org.models import Agency
from motcua.reports import selectors, spreadsheet
from motcua.reports.forms import DashboardForm, ReportForm, Scope, units_for
from motcua.shell.pages import signed_in


def _form(request: HttpRequest, *, units: bool = True) -> ReportForm:
    """The form bound to the query, or to the defaults on a first visit."""
    official = signed_in(request)
    query = {k: v for k, v in request.GET.items() if k != "format"}
    data = query or ReportForm.defaults(official, units=units)
    return ReportForm(data, official=official, units=units)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=spreadsheet.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _export_url(form: ReportForm) -> str:
    """This page's query (as chosen) with ``format=xlsx``."""
    query = {k: v for k, v in form.data.items() if k != "format"}
    return "?" + urlencode({**query, "format": "xlsx"})


def _file_name(kind: str, scope: Scope, first: date, last: date) -> str:
    code = scope.agency.code if scope.agency else scope.unit.code if scope.unit else ""
    safe = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in code)
    return f"{kind}-{safe}-{first.isoformat()}-{last.isoformat()}"


def _heading(title: str, form: ReportForm) -> list[str]:
    data = form.cleaned_data
    generated = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    return [
        title,
        data["scope"].label,
        data["period_label"],
        _("Produced on %(at)s") % {"at": generated},
    ]


def _report_page(
    request: HttpRequest,
    *,
    template: str,
    title: str,
    kind: str,
    compute: Callable[[Scope, date, date], Any],
    export: Callable[[Any, Sequence[str]], bytes],
    units: bool = True,
) -> HttpResponse:
    """The shape every report page shares: the form; when valid, the figures of one
    selector, shown or written to a spreadsheet."""
    form = _form(request, units=units)
    context: dict[str, Any] = {"form": form, "title": title, "result": None}
    if form.is_valid():
        data = form.cleaned_data
        scope: Scope = data["scope"]
        result = compute(scope, data["first"], data["last"])
        if request.GET.get("format") == "xlsx":
            return _xlsx(
                export(result, _heading(title, form)),
                _file_name(kind, scope, data["first"], data["last"]),
            )
        context.update(
            result=result,
            scope=scope,
            first=data["first"],
            last=data["last"],
            period_label=data["period_label"],
            export_url=_export_url(form),
            query=urlencode({k: v for k, v in form.data.items() if k != "format"}),
        )
    context["nothing_to_see"] = not form.has_scopes
    return render(request, template, context)


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Dossier statistics of an agency or a unit for a period (SPEC §5)."""
    return _report_page(
        request,
        template="reports/statistics.html",
        title=_("Statistics of dossiers"),
        kind="statistics",
        compute=lambda scope, first, last: selectors.dossier_statistics(
            agencies=scope.agencies, first=first, last=last
        ),
        export=lambda stats, heading: spreadsheet.statistics_xlsx(stats=stats, heading=heading),
    )


@login_required
@require_GET
def form06(request: HttpRequest) -> HttpResponse:
    """Biểu số 06/VPCP/KSTT: the statistics per level and sector, printable on A4 landscape."""
    return _report_page(
        request,
        template="reports/form06.html",
        title=_("Situation and results of handling administrative procedures"),
        kind="bieu-06",
        compute=lambda scope, first, last: selectors.form06_report(
            agencies=scope.agencies, first=first, last=last
        ),
        export=lambda report, heading: spreadsheet.form06_xlsx(report=report, heading=heading),
    )


@login_required
@require_GET
def tracking_log(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ of an agency for a period, printable on A4 landscape."""
    return _report_page(
        request,
        template="reports/tracking_log.html",
        title=_("Dossier tracking log"),
        kind="tracking-log",
        units=False,
        compute=_log_rows,
        export=lambda rows, heading: spreadsheet.tracking_log_xlsx(
            entries=[e for e, _note, _handovers in rows], heading=heading
        ),
    )


def _log_rows(scope: Scope, first: date, last: date) -> list[tuple[selectors.LogEntry, str, str]]:
    """The log's entries, each with its note and hand-overs as the spreadsheet words them."""
    assert scope.agency is not None  # noqa: S101 - the log's form offers agencies only
    entries = selectors.tracking_log(agency=scope.agency, first=first, last=last)
    return [(e, spreadsheet.log_note(e), spreadsheet.handovers_text(e)) for e in entries]


@login_required
@require_GET
def late(request: HttpRequest) -> HttpResponse:
    """Late attribution: which steps, agencies and officials used more than their time."""
    return _report_page(
        request,
        template="reports/late.html",
        title=_("Late attribution"),
        kind="late-attribution",
        compute=lambda scope, first, last: selectors.late_attribution(
            agencies=scope.agencies, first=first, last=last
        ),
        export=lambda result, heading: spreadsheet.late_attribution_xlsx(
            result=result, heading=heading
        ),
    )


DASHBOARD_TOP = 10


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The chairman's two minutes: the late rates of every unit in reach for the year so
    far (or a past ``?year=``), worst first, each opening its statistics and its late
    attribution; and who held the most overrun."""
    official = signed_in(request)
    today = timezone.localdate()
    form = DashboardForm(request.GET or {"year": today.year})
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    units = units_for(official)
    standings = selectors.unit_standings(units=units, first=first, last=last)
    period = {"period": "range", "from": first.isoformat(), "to": last.isoformat()}
    rows = [
        (
            s,
            _drill("reports:statistics", s.unit.code, period),
            _drill("reports:late", s.unit.code, period),
        )
        for s in standings
    ]
    top = selectors.late_attribution(
        agencies=Agency.objects.filter(unit__in=units.values("pk")), first=first, last=last
    ).rows[:DASHBOARD_TOP]
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "rows": rows,
            "top": top,
            "first": first,
            "last": last,
            "total": selectors.DossierStatistics.combined(s.stats for s in standings),
        },
    )


def _drill(name: str, unit: str, period: dict[str, str]) -> str:
    return reverse(name) + "?" + urlencode({"scope": f"unit:{unit}", **period})
