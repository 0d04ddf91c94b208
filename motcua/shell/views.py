"""The first page after login: the official's own work and where they stand."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.dossiers.pages import WORKING_ROLES, my_work
from motcua.org.models import Official
from motcua.org.selectors import agencies_visible, role_grants_current


@login_required
def home(request: HttpRequest) -> HttpResponse:
    official = request.user
    assert isinstance(official, Official)  # noqa: S101 - login_required
    grants = list(role_grants_current(official=official).order_by("agency__name"))
    # queues first (UI.md): an official who handles dossiers sees their work on top
    works = any(g.role in WORKING_ROLES for g in grants)
    return render(
        request,
        "shell/home.html",
        {
            "grants": grants,
            "visible_count": agencies_visible(official=official).count(),
            "work": my_work(official=official) if works else None,
        },
    )
