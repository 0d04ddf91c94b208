"""The HTTP API v1: thin routers that validate, authorise, call one service, shape output."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from motcua.api.errors import error_body, install_error_handlers
from motcua.api.parser import StrictJSONParser
from motcua.api.routers import (
    calendar,
    catalogue_files,
    commitments,
    dossier_import,
    dossiers,
    files,
    inspections,
    legaldocs,
    misconduct,
    org,
    plans,
    procedures,
    public,
    reports,
    system,
    tasks,
)


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese names readable in the raw JSON, not \u escapes
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    parser=StrictJSONParser(),
    title="motcua API",
    version="1",
    description="One-stop shop, tasks and reform accountability. Contract: shared/API.md.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # a body over DATA_UPLOAD_MAX_MEMORY_SIZE (a large import): the API's error shape,
    # not Django's HTML page for a suspicious request
    return api.create_response(
        request,
        error_body("request.too_large", _("The request body is too large: send fewer rows.")),
        status=413,
    )


api.add_router("", system.router)
api.add_router("", org.router)
api.add_router("/calendar", calendar.router)
api.add_router("", catalogue_files.router)  # before procedures: /procedures/import
api.add_router("", procedures.router)
api.add_router("", dossier_import.router)  # before dossiers: /dossiers/import
api.add_router("", dossiers.router)
api.add_router("", files.router)
api.add_router("", reports.router)
api.add_router("", tasks.router)
api.add_router("", commitments.router)
api.add_router("", plans.router)
api.add_router("", inspections.router)
api.add_router("", misconduct.router)
api.add_router("", legaldocs.router)
api.add_router("", public.router)  # no token: rate-limited instead
