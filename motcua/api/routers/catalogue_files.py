"""The catalogue as a spreadsheet: import (catalogue administrators) and export (public,
like the catalogue). Columns and rules: README, "Catalogue spreadsheets".

Registered before the procedures router, so that ``/procedures/import`` and
``/procedures/export`` are not read as procedure codes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.api.auth import AUTH, actor
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.procedures import imports, selectors, services, spreadsheet
from motcua.procedures.models import RequiredDocument

router = Router(tags=["procedures"])


class RejectedRowOut(Schema):
    row: int
    reason: str


class ImportOut(Schema):
    created: int
    new_versions: int
    unchanged: int
    rejected: list[RejectedRowOut]
    dry_run: bool


@router.post(
    "/procedures/import",
    response=ImportOut,
    auth=AUTH,
    summary="Import the catalogue from an .xlsx or .csv file (dry run by default)",
)
def catalogue_import(
    request: HttpRequest, file: File[UploadedFile], dry_run: bool = True
) -> dict[str, Any]:
    """Every row is checked; with ``dry_run=false`` the rows are imported all or nothing:
    when any row is rejected nothing is written and the answer is 400
    ``procedure.import_rejected`` with one entry per rejected row in ``fields``."""
    official = actor(request)
    if not org_selectors.can_edit_catalogue(official=official):
        raise PermissionDenied(
            "auth.forbidden", _("Only administrators of a province edit the catalogue.")
        )
    spreadsheet.check_file_size(file.size)
    sheet = spreadsheet.read_catalogue(file.read(), file.name or "")
    report = imports.catalogue_import(rows_source=sheet.rows, actor=official, dry_run=dry_run)
    if report.rejected and not dry_run:
        raise ValidationFailed(
            "procedure.import_rejected",
            report.summary(),
            fields={f"row {r.row}": [r.reason] for r in report.rejected},
        )
    return report.as_dict()


@router.get(
    "/procedures/export",
    summary="The catalogue as a spreadsheet: each procedure's version in force today (public)",
)
def catalogue_export(
    request: HttpRequest,
    fmt: Literal["xlsx", "csv"] = Query("xlsx", alias="format"),
    unit: str | None = None,
    level: str | None = None,
) -> HttpResponse:
    unit_obj = org_selectors.unit_get(code=unit) if unit else None
    procedures = selectors.procedures_search(level=level, unit=unit_obj)
    content = imports.catalogue_export(procedures=procedures, fmt=fmt)
    response = HttpResponse(content, content_type=spreadsheet.CONTENT_TYPES[fmt])
    name = f"catalogue-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TemplateOut(Schema):
    document: str
    template: str


@router.post(
    "/procedures/{code}/versions/{number}/documents/{position}/template",
    response={201: TemplateOut},
    auth=AUTH,
    summary="Attach the blank form of a required document (catalogue administrators)",
)
def document_template(
    request: HttpRequest,
    code: str,
    number: int,
    position: Annotated[int, Path(ge=1, le=32767)],
    file: File[UploadedFile],
) -> Status[dict[str, str]]:
    """``position`` counts the version's documents from 1, in their order."""
    official = actor(request)
    if not org_selectors.can_edit_catalogue(official=official):
        raise PermissionDenied(
            "auth.forbidden", _("Only administrators of a province edit the catalogue.")
        )
    procedure = selectors.procedure_get(code=code)
    documents = RequiredDocument.objects.filter(
        version__procedure=procedure, version__number=number
    ).order_by("position")
    found = list(documents[position - 1 : position]) if position >= 1 else []
    if not found:
        raise NotFound("procedure.document_not_found", _("No such document in that version."))
    attached = services.document_template_attach(document=found[0], upload=file)
    return Status(201, {"document": attached.name, "template": attached.template.name or ""})
