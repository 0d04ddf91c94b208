"""Navigation that depends on the signed-in official's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.org.models import UNIT_WIDE_ROLES, Official, Role
from motcua.org.selectors import official_role_codes

DASHBOARD_ROLES = UNIT_WIDE_ROLES | {Role.UNIT_HEAD}


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    name: str


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, Official) or not user.is_authenticated:
        return {"nav_items": [], "nav_roles": set()}
    roles = official_role_codes(official=user)
    items = [
        NavItem(_("My work"), reverse("home"), "home"),
        NavItem(_("Tasks"), reverse("tasks:my_tasks"), "tasks"),
        NavItem(_("Commitments"), reverse("commitments:list"), "commitments"),
        NavItem(_("Legal documents"), reverse("legal:register"), "legal"),
        NavItem(_("Inspections"), reverse("inspections:list"), "inspections"),
        NavItem(_("Units"), reverse("org:units"), "units"),
        NavItem(_("Agencies"), reverse("org:agencies"), "agencies"),
        NavItem(_("People"), reverse("org:officials"), "officials"),
        NavItem(_("Working calendar"), reverse("workcalendar:year"), "calendar"),
        NavItem(_("Catalogue"), reverse("procedures:catalogue"), "catalogue"),
        NavItem(_("Proposals"), reverse("procedures:proposals"), "proposals"),
        NavItem(_("Reports"), reverse("reports:statistics"), "reports"),
    ]
    # the counter and the return desk: for one-stop officers
    if Role.ONE_STOP_OFFICER in roles:
        items[1:1] = [
            NavItem(_("Counter"), reverse("dossiers:counter"), "counter"),
            NavItem(_("Returns"), reverse("dossiers:returns"), "returns"),
        ]
    # misconduct reports: for the inspectors who investigate them (nobody else sees them)
    if Role.INSPECTOR in roles:
        at = next(i for i, item in enumerate(items) if item.name == "inspections") + 1
        items.insert(at, NavItem(_("Misconduct reports"), reverse("misconduct:list"), "misconduct"))
    # the dashboard of late rates by unit: for those who direct or oversee units
    if roles & DASHBOARD_ROLES:
        items.insert(1, NavItem(_("Dashboard"), reverse("reports:dashboard"), "dashboard"))
    # The Django admin edits master data without per-unit limits: staff only. Role
    # administrators work through the pages and the API, which check their reach.
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    return {"nav_items": items, "nav_roles": roles}
