"""Import of dossiers from a previous system (API.md, ``POST /dossiers/import``).

Registered before the dossiers router, so that ``/dossiers/import`` is not read as a
dossier code. The row format and its rules: ``motcua/dossiers/imports.py``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.dossiers import imports

router = Router(tags=["dossiers"], auth=AUTH)


class ImportIn(Schema):
    # rows stay plain JSON objects: each is validated by the service, so that one bad row
    # is reported with its reasons instead of failing the whole request
    dossiers: list[Any] = Field(max_length=imports.MAX_ROWS)
    dry_run: bool = False
    source: str = Field(default="", max_length=200)


class RejectedOut(Schema):
    index: int
    code: str | None
    reasons: dict[str, list[str]]


class ImportOut(Schema):
    created: int
    rejected: int
    codes: list[str]
    errors: list[RejectedOut]
    dry_run: bool


@router.post(
    "/dossiers/import",
    response=ImportOut,
    summary="Import dossiers with their full histories (administrators)",
)
def dossiers_import(request: HttpRequest, payload: ImportIn) -> dict[str, Any]:
    """At most 1,000 dossiers per call. Each row is validated and written on its own:
    ``codes`` lists the dossiers created (with ``dry_run``: those that would be), ``errors``
    every rejected row with its index in ``dossiers`` and the reasons by field."""
    result = imports.dossier_import(
        rows=payload.dossiers,
        actor=actor(request),
        dry_run=payload.dry_run,
        source=payload.source or "api",
    )
    return {
        "created": len(result.created),
        "rejected": len(result.rejected),
        "codes": result.created,
        "errors": result.rejected,
        "dry_run": result.dry_run,
    }
