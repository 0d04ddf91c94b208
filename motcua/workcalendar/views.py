"""The calendar page: a year with its holidays and overrides; administrators add overrides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, NotFound
from motcua.org.models import Official
from motcua.org.selectors import can_edit_calendar
from motcua.workcalendar.forms import OverrideForm
from motcua.workcalendar.models import WorkCalendar
from motcua.workcalendar.selectors import calendar_get, calendar_year
from motcua.workcalendar.services import override_add

MIN_YEAR, MAX_YEAR = 1990, 2100


@login_required
def year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    official = request.user
    assert isinstance(official, Official)  # noqa: S101 - login_required
    shown = year or timezone.localdate().year
    if not MIN_YEAR <= shown <= MAX_YEAR:
        return redirect("workcalendar:year")
    try:
        calendar = calendar_get(code=request.GET.get("calendar") or None)
    except NotFound:
        calendar = calendar_get(code=None)
    editable = can_edit_calendar(official=official, calendar=calendar)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            return HttpResponseForbidden(_("Only the calendar's administrators add overrides."))
        if form.is_valid():
            try:
                added = override_add(
                    calendar=calendar,
                    day=form.cleaned_data["date"],
                    kind=form.cleaned_data["kind"],
                    legal_basis=form.cleaned_data["legal_basis"],
                    note=form.cleaned_data["note"],
                    actor=official,
                )
            except DomainError as exc:
                for field, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Override added for %(day)s.") % {"day": added.date.strftime("%d/%m/%Y")},
                )
                return redirect("workcalendar:year_of", year=added.date.year)
    return render(
        request,
        "workcalendar/year.html",
        {
            "view": calendar_year(calendar=calendar, year=shown),
            "calendar": calendar,
            "calendars": WorkCalendar.objects.order_by("-is_default", "name"),
            "editable": editable,
            "form": form,
            "previous_year": shown - 1 if shown > MIN_YEAR else None,
            "next_year": shown + 1 if shown < MAX_YEAR else None,
        },
    )
