"""Writes to calendars. Each service is one transaction; authorisation is the caller's."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.workcalendar.engine import CalendarError
from motcua.workcalendar.models import CalendarOverride, OverrideKind, WorkCalendar, new_version
from motcua.workcalendar.selectors import working_time

_TEXT_LIMIT = 255  # the length of the note and legal basis columns


def _bump(calendar: WorkCalendar) -> None:
    # F() so that two concurrent edits both count; every process compares revisions.
    WorkCalendar.objects.filter(pk=calendar.pk).update(
        revision=F("revision") + 1, version=new_version()
    )


@transaction.atomic
def override_add(
    *,
    calendar: WorkCalendar,
    day: date,
    kind: str,
    legal_basis: str,
    note: str = "",
    actor: Any = None,
) -> CalendarOverride:
    """Add an extra day off or a swapped working day.

    Refuses an override that would change nothing (a day off on a day that is already off,
    a working day on a day that already works) and a second override of the same day.
    Deadlines already stored elsewhere are not touched: only later computations see it.
    """
    errors: dict[str, list[str]] = {}
    if kind not in OverrideKind.values:
        errors["kind"] = [_("Choose 'day_off' or 'working_day'.")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("The legal basis is required.")]
    for name, value in (("legal_basis", legal_basis), ("note", note)):
        if len(value.strip()) > _TEXT_LIMIT:
            errors.setdefault(name, []).append(
                _("At most %(limit)d characters.") % {"limit": _TEXT_LIMIT}
            )
    if errors:
        raise ValidationFailed(
            "calendar.invalid_override", _("The override is invalid."), fields=errors
        )
    if CalendarOverride.objects.filter(calendar=calendar, date=day).exists():
        raise Conflict(
            "calendar.duplicate_override",
            _("This calendar already has an override on %(day)s.") % {"day": day.isoformat()},
            fields={"date": [_("An override for this day already exists.")]},
        )
    try:
        working = working_time(calendar).is_working_day(day)
    except CalendarError as exc:  # before 1990 or after 2200: input, not a server error
        raise ValidationFailed(
            exc.code,
            _("The calendar does not cover that day."),
            fields={"date": [_("Choose a day from 1990 to 2199.")]},
        ) from None
    if kind == OverrideKind.DAY_OFF and not working:
        raise ValidationFailed(
            "calendar.already_off",
            _("%(day)s is already a day off.") % {"day": day.isoformat()},
            fields={"date": [_("This day is already a day off.")]},
        )
    if kind == OverrideKind.WORKING_DAY and working:
        raise ValidationFailed(
            "calendar.already_working",
            _("%(day)s is already a working day.") % {"day": day.isoformat()},
            fields={"date": [_("This day is already a working day.")]},
        )
    try:
        with transaction.atomic():
            override = CalendarOverride.objects.create(
                calendar=calendar,
                date=day,
                kind=kind,
                note=note.strip(),
                legal_basis=legal_basis.strip(),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # a concurrent request added the same day between our check and our insert
        raise Conflict(
            "calendar.duplicate_override",
            _("This calendar already has an override on %(day)s.") % {"day": day.isoformat()},
        ) from None
    _bump(calendar)
    return override


@transaction.atomic
def override_remove(*, calendar: WorkCalendar, day: date) -> None:
    """Remove the override of ``day``; stored deadlines are not recomputed."""
    deleted, _rows = CalendarOverride.objects.filter(calendar=calendar, date=day).delete()
    if not deleted:
        raise NotFound("calendar.override_not_found", _("No override on that day."))
    _bump(calendar)
