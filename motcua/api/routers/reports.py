"""Report endpoints (API.md, Reports): the dossier statistics of an agency or a unit, and
the late attribution of a unit's steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.api.timeparse import parse_date
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES
from motcua.reports.selectors import (
    FIRST_DAY,
    LAST_DAY,
    agencies_of_unit,
    dossier_statistics,
    late_attribution,
)

router = Router(tags=["reports"], auth=AUTH)


class ReportQuery(Schema):
    from_: str = Field(alias="from", max_length=10)
    to: str = Field(max_length=10)
    agency: str | None = Field(default=None, max_length=40)
    unit: str | None = Field(default=None, max_length=32)
    descendants: bool = False


@router.get("/reports/dossiers", summary="Dossier statistics of an agency or a unit")
def report_dossiers(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    official = actor(request)
    first, last = _period(query.from_, query.to)
    if (query.agency is None) == (query.unit is None):
        raise ValidationFailed(
            "report.scope_required",
            _("Give exactly one of agency or unit."),
            fields={"agency": [_("Give exactly one of agency or unit.")]},
        )
    if query.agency:
        agencies: Any = [org_selectors.agency_visible_or_404(official=official, code=query.agency)]
    else:
        unit = org_selectors.unit_get(code=query.unit or "")
        if not org_selectors.has_role_over_unit(
            official=official, unit=unit, roles=UNIT_WIDE_ROLES
        ):
            raise NotFound("org.unit_not_found", _("Unknown unit %(code)r") % {"code": unit.code})
        agencies = agencies_of_unit(unit=unit, descendants=query.descendants)
    return dossier_statistics(agencies=agencies, first=first, last=last).as_dict()


def _period(raw_from: str, raw_to: str) -> tuple[date, date]:
    first = parse_date(raw_from, "from")
    last = parse_date(raw_to, "to")
    for name, day in (("from", first), ("to", last)):
        # beyond these the working calendar cannot answer (and 9999-12-31 + 1 overflows)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationFailed(
                "report.bad_range",
                _("%(field)s is out of range.") % {"field": name},
                fields={
                    name: [
                        _("Between %(first)s and %(last)s.")
                        % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
                    ]
                },
            )
    if first > last:
        raise ValidationFailed(
            "report.bad_range",
            _("from is after to."),
            fields={"from": [_("Must not be after 'to'.")]},
        )
    return first, last


class LateQuery(Schema):
    from_: str = Field(alias="from", max_length=10)
    to: str = Field(max_length=10)
    unit: str = Field(max_length=32)
    descendants: bool = False


@router.get(
    "/reports/late-attribution",
    summary="Late attribution: the late steps of a unit's agencies by agency, official, step",
)
def report_late_attribution(request: HttpRequest, query: Query[LateQuery]) -> dict[str, Any]:
    """Rows ``{agency, official, step, late_steps, overrun_hours}`` ordered by overrun,
    worst first, and each late dossier with its late steps (``dossiers``). The definition
    is ``motcua.reports.selectors.late_attribution``'s. Who may ask: a unit-wide role over
    the unit (chairman, inspector, advisor...), since the rows name officials; units are
    public, so another unit is 403."""
    official = actor(request)
    first, last = _period(query.from_, query.to)
    unit = org_selectors.unit_get(code=query.unit)
    if not org_selectors.has_role_over_unit(official=official, unit=unit, roles=UNIT_WIDE_ROLES):
        raise PermissionDenied(
            "report.forbidden",
            _("You may not see the reports of %(unit)s.") % {"unit": unit.name},
        )
    result = late_attribution(
        agencies=agencies_of_unit(unit=unit, descendants=query.descendants),
        first=first,
        last=last,
    )
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "unit": unit.code,
        "descendants": query.descendants,
        **result.as_dict(),
    }
