"""Organisation endpoints: units, agencies, officials (API.md, Organisation)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.org import selectors, services
from motcua.org.models import AdministrativeUnit, Agency, Official

router = Router(tags=["organisation"], auth=AUTH)


class UnitOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    valid_from: date
    valid_to: date | None
    successors: list[str]


class UnitIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    level: str = Field(min_length=1)
    parent: str | None = None
    valid_from: date | None = None


class AgencyOut(Schema):
    code: str
    name: str
    unit: str
    kind: str
    parent: str | None


class AgencyIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=255)
    unit: str = Field(min_length=1)
    kind: str
    parent: str | None = None


class RoleIO(Schema):
    agency: str
    role: str


class PositionOut(Schema):
    agency: str
    title: str
    valid_from: date
    valid_to: date | None


class OfficialOut(Schema):
    username: str
    full_name: str
    roles: list[RoleIO]
    positions: list[PositionOut]


class OfficialIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1)
    email: str = Field(default="", max_length=254)
    roles: list[RoleIO] = []


class Page(Schema):
    items: list[Any]
    next: str | None


def unit_out(unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level.code,
        "parent": unit.parent.code if unit.parent else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successors": sorted(s.code for s in unit.successors.all()),
    }


def agency_out(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "unit": agency.unit.code,
        "kind": agency.kind,
        "parent": agency.parent.code if agency.parent else None,
    }


def official_out(official: Official) -> dict[str, Any]:
    """Needs ``_officials``' prefetches: current roles and every position (their history)."""
    return {
        "username": official.username,
        "full_name": official.display_name,
        "roles": [
            {"agency": g.agency.code, "role": g.role}
            for g in official.current_grants  # type: ignore[attr-defined]
        ],
        "positions": [
            {
                "agency": p.agency.code,
                "title": p.title,
                "valid_from": p.valid_from,
                "valid_to": p.valid_to,
            }
            for p in official.positions.all()
        ],
    }


@router.get("/units", response=Page, summary="List administrative units")
def units_list(
    request: HttpRequest,
    level: str | None = None,
    parent: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    parent_unit = selectors.unit_get(code=parent) if parent else None
    units = selectors.units_list(level=level, parent=parent_unit)
    return paginate(units, keys=["code"], cursor=cursor, limit=limit, serialize=unit_out)


@router.get("/units/{code}", response=UnitOut, summary="One administrative unit")
def unit_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return unit_out(selectors.unit_get(code=code))


@router.post("/units", response={201: UnitOut}, summary="Create a unit (administrator)")
def unit_create(request: HttpRequest, payload: UnitIn) -> Status[dict[str, Any]]:
    official = actor(request)
    if not selectors.is_administrator(official=official):
        raise PermissionDenied("auth.forbidden", _("Only administrators create units."))
    level = selectors.level_get(code=payload.level)
    errors: dict[str, list[str]] = {}
    if level is None:
        errors["level"] = [_("Unknown level %(level)r.") % {"level": payload.level}]
    parent = None
    if payload.parent:
        parent = (
            AdministrativeUnit.objects.select_related("level").filter(code=payload.parent).first()
        )
        if parent is None:
            errors["parent"] = [_("Unknown unit %(code)r.") % {"code": payload.parent}]
    if errors:
        raise ValidationFailed("org.invalid", _("The unit is invalid."), fields=errors)
    if not selectors.can_administer_unit(official=official, unit=parent):
        raise PermissionDenied("auth.forbidden", _("You do not administer the parent unit."))
    assert level is not None  # noqa: S101 - checked above
    unit = services.unit_create(
        code=payload.code,
        name=payload.name,
        level=level,
        parent=parent,
        valid_from=payload.valid_from,
    )
    return Status(201, unit_out(unit))


@router.get("/agencies", response=Page, summary="List the agencies you may see")
def agencies_list(
    request: HttpRequest,
    unit: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    agencies = selectors.agencies_visible(official=actor(request)).select_related("parent")
    if unit:
        agencies = agencies.filter(unit=selectors.unit_get(code=unit))
    if kind:
        agencies = agencies.filter(kind=kind)
    return paginate(agencies, keys=["code"], cursor=cursor, limit=limit, serialize=agency_out)


@router.get("/agencies/{code}", response=AgencyOut, summary="One agency")
def agency_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return agency_out(selectors.agency_visible_or_404(official=actor(request), code=code))


@router.post("/agencies", response={201: AgencyOut}, summary="Create an agency (administrator)")
def agency_create(request: HttpRequest, payload: AgencyIn) -> Status[dict[str, Any]]:
    official = actor(request)
    if not selectors.is_administrator(official=official):
        raise PermissionDenied("auth.forbidden", _("Only administrators create agencies."))
    unit = AdministrativeUnit.objects.filter(code=payload.unit).first()
    errors: dict[str, list[str]] = {}
    if unit is None:
        errors["unit"] = [_("Unknown unit %(code)r.") % {"code": payload.unit}]
    parent = None
    if payload.parent:
        parent = Agency.objects.filter(code=payload.parent).first()
        if parent is None:
            errors["parent"] = [_("Unknown agency %(code)r.") % {"code": payload.parent}]
    if errors:
        raise ValidationFailed("org.invalid", _("The agency is invalid."), fields=errors)
    if not selectors.can_administer_unit(official=official, unit=unit):
        raise PermissionDenied("auth.forbidden", _("You do not administer this unit."))
    assert unit is not None  # noqa: S101 - checked above
    agency = services.agency_create(
        code=payload.code, name=payload.name, unit=unit, kind=payload.kind, parent=parent
    )
    return Status(201, agency_out(agency))


def _officials(qs: Any) -> Any:
    return qs.prefetch_related(selectors.current_grants_prefetch(), "positions__agency")


@router.get("/officials", response=Page, summary="List the officials you may see")
def officials_list(
    request: HttpRequest,
    agency: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    official = actor(request)
    officials = selectors.officials_visible(official=official)
    if agency:
        target = selectors.agency_visible_or_404(official=official, code=agency)
        officials = selectors.officials_of_agency(officials=officials, agency=target)
    return paginate(
        _officials(officials), keys=["username"], cursor=cursor, limit=limit, serialize=official_out
    )


@router.get("/officials/{username}", response=OfficialOut, summary="One official")
def official_detail(request: HttpRequest, username: str) -> dict[str, Any]:
    found = selectors.official_visible_or_404(official=actor(request), username=username)
    return official_out(_officials(Official.objects.filter(pk=found.pk)).get())


@router.post(
    "/officials", response={201: OfficialOut}, summary="Create an official (administrator)"
)
def official_create(request: HttpRequest, payload: OfficialIn) -> Status[dict[str, Any]]:
    official = actor(request)
    if not selectors.is_administrator(official=official):
        raise PermissionDenied("auth.forbidden", _("Only administrators create officials."))
    codes = {r.agency for r in payload.roles}
    agencies = {a.code: a for a in Agency.objects.select_related("unit").filter(code__in=codes)}
    unknown = sorted(codes - agencies.keys())
    if unknown:
        raise ValidationFailed(
            "org.invalid",
            _("The official is invalid."),
            fields={"roles": [_("Unknown agency %(code)r.") % {"code": code} for code in unknown]},
        )
    for agency in agencies.values():
        if not selectors.can_administer_unit(official=official, unit=agency.unit):
            raise PermissionDenied(
                "auth.forbidden",
                _("You do not administer the agency %(code)r.") % {"code": agency.code},
            )
    created = services.official_create(
        username=payload.username,
        full_name=payload.full_name,
        password=payload.password,
        email=payload.email,
        roles=[services.RoleSpec(agency=agencies[r.agency], role=r.role) for r in payload.roles],
    )
    return Status(201, official_out(_officials(Official.objects.filter(pk=created.pk)).get()))
