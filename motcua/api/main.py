"""The HTTP API v1: thin routers that validate, authorise, call one service, shape output."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from motcua.api.errors import install_error_handlers
from motcua.api.routers import (
    calendar,
    catalogue_files,
    dossiers,
    files,
    org,
    procedures,
    reports,
    system,
)


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese names readable in the raw JSON, not \u escapes
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="motcua API",
    version="1",
    description="One-stop shop, tasks and reform accountability. Contract: shared/API.md.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("", system.router)
api.add_router("", org.router)
api.add_router("/calendar", calendar.router)
api.add_router("", catalogue_files.router)  # before procedures: /procedures/import
api.add_router("", procedures.router)
api.add_router("", dossiers.router)
api.add_router("", files.router)
api.add_router("", reports.router)
