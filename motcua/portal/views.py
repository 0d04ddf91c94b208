"""Public pages for citizens, no login: find a procedure whatever the accents typed, and
read in plain words what to bring, what it costs, how long it takes and what comes out.
Reads only, through the catalogue's selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.portal.forms import PortalSearchForm
from motcua.procedures import pages, selectors
from motcua.procedures.models import ProcedureVersion

PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    """Procedures in force today, searched by words without or with diacritics."""
    form = PortalSearchForm(request.GET)
    form.is_valid()  # an unknown field is shown with its error and left out
    chosen = form.cleaned_data
    sector = chosen.get("sector")
    today = timezone.localdate()
    rows = selectors.procedures_search(
        q=chosen.get("q"), sector=sector.code if sector else None
    ).filter(
        pk__in=ProcedureVersion.objects.filter(pages.in_force_on(today)).values("procedure_id")
    )
    rows = pages.with_version_in_force(pages.exact_name_first(rows, chosen.get("q")), today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/catalogue.html",
        {"form": form, "page": page, "searched": bool(chosen.get("q") or sector)},
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """What the version in force today asks and promises."""
    try:
        procedure = selectors.procedure_get(code=code)
        version = selectors.version_in_force(procedure=procedure, at=timezone.localdate())
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "portal/procedure.html",
        {
            "procedure": procedure,
            "version": version,
            "timeline": pages.timeline(procedure=procedure, version=version),
        },
    )


def document_template(request: HttpRequest, pk: int) -> FileResponse:
    return pages.document_template_response(document_id=pk)
