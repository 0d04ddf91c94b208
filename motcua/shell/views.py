"""The first page after login: the official's own work and where they stand."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.org.models import Official
from motcua.org.selectors import agencies_visible, role_grants_current


@login_required
def home(request: HttpRequest) -> HttpResponse:
    official = request.user
    assert isinstance(official, Official)  # noqa: S101 - login_required
    grants = list(role_grants_current(official=official).order_by("agency__name"))
    return render(
        request,
        "shell/home.html",
        {
            "grants": grants,
            "visible_count": agencies_visible(official=official).count(),
        },
    )
