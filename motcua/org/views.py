"""Pages to browse units, agencies and people, limited to the official's jurisdiction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.core.text import fold
from motcua.org import selectors
from motcua.org.models import AgencyKind, UnitLevel
from motcua.shell.pages import signed_in


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """The tree of units (public administrative geography for every official)."""
    level = request.GET.get("level") or None
    rows = selectors.units_list(level=level).annotate(agency_count=Count("agencies"))
    today = timezone.localdate()
    return render(
        request,
        "org/units.html",
        {
            "units": rows,
            "levels": UnitLevel.objects.all(),
            "level": level,
            "today": today,
        },
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        unit = selectors.unit_get(code=code)
    except NotFound:
        raise Http404 from None
    official = signed_in(request)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "children": selectors.units_list(parent=unit),
            "agencies": selectors.agencies_visible(official=official).filter(unit=unit),
            "successors": unit.successors.select_related("level"),
            "predecessors": unit.predecessors.select_related("level"),
            "calendar": selectors.calendar_for_unit(unit=unit),
        },
    )


@login_required
def agencies(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    rows = selectors.agencies_visible(official=official).select_related("parent")
    kind = request.GET.get("kind") or ""
    if kind in AgencyKind.values:
        rows = rows.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        key = fold(query)
        rows = rows.filter(pk__in=[a.pk for a in rows if key in fold(f"{a.name} {a.code}")])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/agencies.html",
        {"page": page, "kinds": AgencyKind.choices, "kind": kind, "q": query},
    )


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        agency = selectors.agency_visible_or_404(official=signed_in(request), code=code)
    except NotFound:
        raise Http404 from None
    people = selectors.agency_people(agency=agency)
    return render(
        request,
        "org/agency_detail.html",
        {
            "agency": agency,
            "positions": people["positions"],
            "roles": people["roles"],
            "members": selectors.committee_members(committee=agency),
            "children": agency.children.all(),
        },
    )


@login_required
def officials(request: HttpRequest) -> HttpResponse:
    rows = selectors.officials_visible(official=signed_in(request)).prefetch_related(
        selectors.current_grants_prefetch()
    )
    query = request.GET.get("q", "").strip()
    if query:
        key = fold(query)
        rows = rows.filter(
            Q(username__icontains=query)
            | Q(pk__in=[o.pk for o in rows if key in fold(f"{o.full_name} {o.username}")])
        )
    page = Paginator(rows.order_by("full_name", "username"), 50).get_page(request.GET.get("page"))
    return render(request, "org/officials.html", {"page": page, "q": query})


@login_required
def official_detail(request: HttpRequest, username: str) -> HttpResponse:
    try:
        person = selectors.official_visible_or_404(official=signed_in(request), username=username)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "org/official_detail.html",
        {
            "person": person,
            "positions": person.positions.select_related("agency__unit"),
            "grants": selectors.role_grants_current(official=person),
            "memberships": person.committee_memberships.select_related("committee"),
        },
    )
