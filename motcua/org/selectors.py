"""Reads of the organisation, and jurisdiction: what an official may see and administer."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.org.models import (
    UNIT_WIDE_ROLES,
    AdministrativeUnit,
    Agency,
    AgencyKind,
    CommitteeMembership,
    CommitteeRole,
    Official,
    Position,
    Role,
    RoleGrant,
    UnitLevel,
)
from motcua.workcalendar.engine import WorkingTime
from motcua.workcalendar.models import WorkCalendar
from motcua.workcalendar.selectors import calendar_default, chain_of, chain_query, working_time


def _today() -> date:
    return timezone.localdate()


def _current(at: date) -> Q:
    return Q(valid_from__lte=at) & (Q(valid_to__isnull=True) | Q(valid_to__gte=at))


def role_grants_current(*, official: Official, at: date | None = None) -> QuerySet[RoleGrant]:
    """The official's roles in force on ``at`` (today by default), with agency and unit."""
    return RoleGrant.objects.filter(_current(at or _today()), official=official).select_related(
        "agency__unit"
    )


def current_grants_prefetch() -> Prefetch[Any]:
    """Prefetch of each official's current role grants into ``official.current_grants``."""
    current = RoleGrant.objects.filter(_current(_today())).select_related("agency")
    return Prefetch("role_grants", queryset=current, to_attr="current_grants")


def official_role_codes(*, official: Official) -> set[str]:
    if not official.is_authenticated:
        return set()
    codes = set(role_grants_current(official=official).values_list("role", flat=True))
    if official.is_superuser:
        codes.add(Role.ADMINISTRATOR)
    return codes


def agencies_visible(*, official: Official, at: date | None = None) -> QuerySet[Agency]:
    """Agencies whose work ``official`` may see.

    Their own agencies (every current role grant), plus, for unit-wide roles (chairman,
    inspector, advisor, AP-control contact, administrator), every agency of the unit of
    the grant and of its sub-units. Superusers see everything; anyone else nothing.
    """
    agencies = Agency.objects.select_related("unit__level")
    if not official.is_authenticated or not official.is_active:
        return agencies.none()
    if official.is_superuser:
        return agencies.all()
    grants = list(role_grants_current(official=official, at=at))
    if not grants:
        return agencies.none()
    own = Q(pk__in=[g.agency_id for g in grants])
    wide = [
        Q(unit__path__startswith=g.agency.unit.path) for g in grants if g.role in UNIT_WIDE_ROLES
    ]
    return agencies.filter(reduce(or_, wide, own))


def agency_visible_or_404(*, official: Official, code: str) -> Agency:
    agency = agencies_visible(official=official).filter(code=code).first()
    if agency is None:
        raise NotFound("org.agency_not_found", _("Unknown agency %(code)r") % {"code": code})
    return agency


def officials_visible(*, official: Official, at: date | None = None) -> QuerySet[Official]:
    """Officials with a current position or role in an agency ``official`` may see, and self."""
    day = at or _today()
    if not official.is_authenticated:
        return Official.objects.none()
    if official.is_superuser:
        return Official.objects.all()
    visible = agencies_visible(official=official, at=day).values("pk")
    in_visible_role = RoleGrant.objects.filter(
        _current(day), official=OuterRef("pk"), agency__in=visible
    )
    in_visible_post = Position.objects.filter(
        _current(day), official=OuterRef("pk"), agency__in=visible
    )
    return Official.objects.filter(
        Q(pk=official.pk) | Exists(in_visible_role) | Exists(in_visible_post)
    )


def officials_of_agency(
    *, officials: QuerySet[Official], agency: Agency, at: date | None = None
) -> QuerySet[Official]:
    """Those of ``officials`` with a current role or position in ``agency``."""
    day = at or _today()
    return officials.filter(
        Exists(RoleGrant.objects.filter(_current(day), official=OuterRef("pk"), agency=agency))
        | Exists(Position.objects.filter(_current(day), official=OuterRef("pk"), agency=agency))
    )


def official_visible_or_404(*, official: Official, username: str) -> Official:
    found = officials_visible(official=official).filter(username=username).first()
    if found is None:
        raise NotFound(
            "org.official_not_found", _("Unknown official %(username)r") % {"username": username}
        )
    return found


def units_list(
    *, level: str | None = None, parent: AdministrativeUnit | None = None
) -> QuerySet[AdministrativeUnit]:
    units = AdministrativeUnit.objects.select_related("level", "parent").prefetch_related(
        "successors"
    )
    if level:
        units = units.filter(level__code=level)
    if parent is not None:
        units = units.filter(parent=parent)
    return units


def unit_get(*, code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.select_related("level", "parent").filter(code=code).first()
    if unit is None:
        raise NotFound("org.unit_not_found", _("Unknown unit %(code)r") % {"code": code})
    return unit


def level_get(*, code: str) -> UnitLevel | None:
    return UnitLevel.objects.filter(code=code).first()


def _administered_paths(official: Official) -> list[str]:
    return [
        g.agency.unit.path
        for g in role_grants_current(official=official)
        if g.role == Role.ADMINISTRATOR
    ]


def can_administer_unit(*, official: Official, unit: AdministrativeUnit | None) -> bool:
    """Superusers everywhere; an administrator in the unit or any unit above it.

    ``unit=None`` asks about the top of the tree (creating a province): superusers only.
    """
    if not official.is_authenticated or not official.is_active:
        return False
    if official.is_superuser:
        return True
    if unit is None:
        return False
    return any(unit.path.startswith(path) for path in _administered_paths(official))


def is_administrator(*, official: Official) -> bool:
    return official.is_superuser or bool(_administered_paths(official))


def can_edit_catalogue(*, official: Official) -> bool:
    """The national things a province keeps (the procedure catalogue, the national
    calendar): superusers and administrators of a top-level unit."""
    if not official.is_authenticated or not official.is_active:
        return False
    if official.is_superuser:
        return True
    paths = _administered_paths(official)
    return (
        bool(paths)
        and AdministrativeUnit.objects.filter(parent__isnull=True, path__in=paths).exists()
    )


def is_top_administrator(*, official: Official) -> bool:
    """Superusers and administrators of a top-level unit: they keep what spans the whole
    installation (the catalogue, the national calendar, the ledger check)."""
    return can_edit_catalogue(official=official)


def _reach(official: Official, roles: Collection[str] | None) -> list[tuple[str, bool]]:
    """(unit path, whole subtree?) for each current grant, of ``roles`` if given."""
    return [
        (g.agency.unit.path, g.role in UNIT_WIDE_ROLES)
        for g in role_grants_current(official=official)
        if roles is None or g.role in roles
    ]


def has_role_over_unit(
    *, official: Official, unit: AdministrativeUnit, roles: Collection[str] | None = None
) -> bool:
    """Whether a current grant (of ``roles``, if given) reaches ``unit``: a unit-wide role
    reaches its unit and sub-units, any other role its own agency's unit."""
    if not official.is_authenticated or not official.is_active:
        return False
    if official.is_superuser:
        return True
    return any(
        unit.path.startswith(path) if wide else unit.path == path
        for path, wide in _reach(official, roles)
    )


def reaches_unit(*, official: Official, unit: AdministrativeUnit) -> bool:
    return has_role_over_unit(official=official, unit=unit)


def units_reached(
    *, official: Official, roles: Collection[str] | None = None
) -> QuerySet[AdministrativeUnit]:
    """Units a current grant (of ``roles``, if given) reaches, as ``has_role_over_unit``."""
    units = AdministrativeUnit.objects.all()
    if not official.is_authenticated or not official.is_active:
        return units.none()
    if official.is_superuser:
        return units
    reach = _reach(official, roles)
    if not reach:
        return units.none()
    return units.filter(
        reduce(or_, [Q(path__startswith=p) if wide else Q(path=p) for p, wide in reach])
    )


def can_edit_calendar(*, official: Official, calendar: WorkCalendar) -> bool:
    """The national calendar: administrators of a top-level unit; a unit's calendar: its
    administrators."""
    if not official.is_authenticated:
        return False
    if official.is_superuser:
        return True
    paths = _administered_paths(official)
    if not paths:
        return False
    if calendar.is_default:
        return can_edit_catalogue(official=official)
    return any(unit.path.startswith(path) for unit in calendar.units.all() for path in paths)


def working_time_for_unit(*, unit: AdministrativeUnit) -> WorkingTime:
    """The unit's working-time engine (its own calendar, else the nearest ancestor's, else
    the national one, as ``calendar_for_unit``), the calendar and its bases read in one
    query; the engine is rebuilt whenever that chain's revisions moved."""
    parts = [p for p in unit.path.split("/") if p]
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    nearest = (
        AdministrativeUnit.objects.filter(path__in=ancestors, calendar__isnull=False)
        .order_by("-path")
        .values("calendar_id")[:1]
    )
    rows = list(
        chain_query()
        .filter(Q(pk=Subquery(nearest)) | Q(is_default=True))
        .annotate(
            is_nearest=ExpressionWrapper(Q(pk=Subquery(nearest)), output_field=BooleanField())
        )
    )
    chosen = next((r for r in rows if r.is_nearest), None) or next(
        (r for r in rows if r.is_default), None
    )
    if chosen is None:
        return working_time(calendar_default())  # raises the clear "no calendar" error
    return working_time(chain=chain_of(chosen))


def calendar_for_unit(*, unit: AdministrativeUnit) -> WorkCalendar:
    """The unit's own calendar, else the nearest ancestor's, else the national one."""
    node: AdministrativeUnit | None = unit
    while node is not None:
        if node.calendar_id is not None:
            return node.calendar  # type: ignore[return-value]
        node = node.parent
    return calendar_default()


def committee_members(*, committee: Agency) -> QuerySet[CommitteeMembership]:
    """Members of a committee, head first, then deputies, secretary and members."""
    order = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(_COMMITTEE_ORDER)),
        default=Value(len(_COMMITTEE_ORDER)),
    )
    return (
        CommitteeMembership.objects.filter(committee=committee)
        .select_related("official")
        .order_by(order, "official__full_name")
    )


_COMMITTEE_ORDER = [
    CommitteeRole.HEAD,
    CommitteeRole.DEPUTY,
    CommitteeRole.SECRETARY,
    CommitteeRole.MEMBER,
]


def agency_people(*, agency: Agency, at: date | None = None) -> dict[str, list[object]]:
    """Current positions and role grants of an agency, for its page."""
    day = at or _today()
    return {
        "positions": list(
            Position.objects.filter(_current(day), agency=agency).select_related("official")
        ),
        "roles": list(
            RoleGrant.objects.filter(_current(day), agency=agency).select_related("official")
        ),
    }


def agency_head(*, agency: Agency, at: datetime) -> Official | None:
    """The official heading the agency at ``at``: its unit head, or for a People's
    Committee without one, its chairman; None when nobody (active) holds the post."""
    day = timezone.localtime(at).date()
    grant = (
        RoleGrant.objects.filter(agency=agency, role=Role.UNIT_HEAD, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("official")
        .order_by("valid_from", "pk")
        .first()
    )
    if grant is None and agency.kind == AgencyKind.PEOPLE_COMMITTEE:
        grant = (
            RoleGrant.objects.filter(agency=agency, role=Role.CHAIRMAN, valid_from__lte=day)
            .exclude(valid_to__lt=day)
            .select_related("official")
            .first()
        )
    return grant.official if grant is not None and grant.official.is_active else None
