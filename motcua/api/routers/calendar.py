"""Working-calendar endpoints (API.md, Working calendar).

Deadline arithmetic and the list of overrides are public: they compute from public
holidays and published decisions, and the citizens' portal shows remaining working time.
Adding an override needs an administrator of the calendar.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.timeparse import parse_aware, parse_clock, parse_date
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.org.selectors import can_edit_calendar
from motcua.workcalendar import selectors, services
from motcua.workcalendar.engine import CalendarError
from motcua.workcalendar.models import CalendarOverride, WorkCalendar

router = Router(tags=["calendar"])


class DeadlineOut(Schema):
    start: datetime
    effective_start: datetime
    due_at: datetime


class CountOut(Schema):
    count: int


class OverrideOut(Schema):
    date: date
    kind: str
    note: str
    legal_basis: str
    calendar: str


class OverrideIn(Schema):
    date: date
    kind: str
    note: str = ""
    legal_basis: str = Field(min_length=1, max_length=255)
    calendar: str | None = None


class Page(Schema):
    items: list[OverrideOut]
    next: str | None


def _engine_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except CalendarError as exc:
        # the engine is framework-free: its messages are marked there and translated here
        message = str(exc)
        raise ValidationFailed(exc.code, _(message) if message else message) from None


@router.get("/deadline", response=DeadlineOut, summary="Due time for a limit in working time")
def deadline(
    request: HttpRequest,
    start: str,
    working_days: int | None = None,
    working_hours: float | None = None,
    cutoff: str | None = None,
    calendar: str | None = None,
) -> dict[str, Any]:
    begin = parse_aware(start, "start")
    errors: dict[str, list[str]] = {}
    if (working_days is None) == (working_hours is None):
        errors["working_days"] = [_("Give exactly one of working_days or working_hours.")]
    if working_days is not None and working_days < 0:
        errors["working_days"] = [_("Must not be negative.")]
    if working_hours is not None and working_hours < 0:
        errors["working_hours"] = [_("Must not be negative.")]
    if working_hours is not None and not math.isfinite(working_hours):
        errors["working_hours"] = [_("Must be a finite number.")]
    if errors:
        raise ValidationFailed("calendar.bad_limit", _("The time limit is invalid."), fields=errors)
    clock = parse_clock(cutoff, "cutoff") if cutoff else None
    engine = selectors.working_time(selectors.calendar_get(code=calendar))
    result = _engine_call(
        engine.deadline, begin, working_days=working_days, working_hours=working_hours, cutoff=clock
    )
    return {
        "start": result.start,
        "effective_start": result.effective_start,
        "due_at": result.due_at,
    }


class RangeQuery(Schema):
    from_: str = Field(alias="from")
    to: str
    calendar: str | None = None


@router.get(
    "/working-days", response=CountOut, summary="Working days in a date range, both ends included"
)
def working_days(request: HttpRequest, query: Query[RangeQuery]) -> dict[str, int]:
    first = parse_date(query.from_, "from")
    last = parse_date(query.to, "to")
    if first > last:
        raise ValidationFailed(
            "calendar.bad_range",
            _("from is after to."),
            fields={"from": [_("Must not be after 'to'.")]},
        )
    engine = selectors.working_time(selectors.calendar_get(code=query.calendar))
    return {"count": _engine_call(engine.working_days_between, first, last)}


def override_out(o: CalendarOverride) -> dict[str, Any]:
    return {
        "date": o.date,
        "kind": o.kind,
        "note": o.note,
        "legal_basis": o.legal_basis,
        "calendar": o.calendar.code,
    }


@router.get("/overrides", response=Page, summary="Overrides of a calendar")
def overrides_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=1, le=9999),
    calendar: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    cal = selectors.calendar_get(code=calendar)
    rows = CalendarOverride.objects.filter(calendar=cal).select_related("calendar")
    if year is not None:
        rows = rows.filter(date__year=year)
    return paginate(rows, keys=["date", "pk"], cursor=cursor, limit=limit, serialize=override_out)


@router.post("/overrides", response={201: OverrideOut}, auth=AUTH, summary="Add an override")
def override_create(request: HttpRequest, payload: OverrideIn) -> Status[dict[str, Any]]:
    official = actor(request)
    cal: WorkCalendar = selectors.calendar_get(code=payload.calendar)
    if not can_edit_calendar(official=official, calendar=cal):
        raise PermissionDenied(
            "auth.forbidden", _("Only the calendar's administrators add overrides.")
        )
    override = services.override_add(
        calendar=cal,
        day=payload.date,
        kind=payload.kind,
        note=payload.note,
        legal_basis=payload.legal_basis,
        actor=official,
    )
    return Status(201, override_out(override))


@router.delete("/overrides/{day}", response={204: None}, auth=AUTH, summary="Remove an override")
def override_delete(request: HttpRequest, day: str, calendar: str | None = None) -> HttpResponse:
    official = actor(request)
    cal = selectors.calendar_get(code=calendar)
    if not can_edit_calendar(official=official, calendar=cal):
        raise PermissionDenied(
            "auth.forbidden", _("Only the calendar's administrators remove overrides.")
        )
    services.override_remove(calendar=cal, day=parse_date(day, "date"))
    return HttpResponse(status=204)
