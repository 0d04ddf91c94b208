"""Report endpoints (API.md, Reports): the dossier statistics of an agency or a unit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.api.timeparse import parse_date
from motcua.core.errors import NotFound, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency
from motcua.reports.selectors import dossier_statistics

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
    first = parse_date(query.from_, "from")
    last = parse_date(query.to, "to")
    if first > last:
        raise ValidationFailed(
            "report.bad_range",
            _("from is after to."),
            fields={"from": [_("Must not be after 'to'.")]},
        )
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
        if not org_selectors.reaches_unit(official=official, unit=unit):
            raise NotFound("org.unit_not_found", _("Unknown unit %(code)r") % {"code": unit.code})
        agencies = (
            Agency.objects.filter(unit__path__startswith=unit.path)
            if query.descendants
            else Agency.objects.filter(unit=unit)
        )
    return dossier_statistics(agencies=agencies, first=first, last=last).as_dict()
