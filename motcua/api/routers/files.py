"""Files of dossiers (content-addressed): upload, then refer to them by SHA-256 in a
reception, a supplement or a result; download when you may see a dossier that uses them."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from motcua.api.auth import AUTH, actor
from motcua.core.errors import NotFound
from motcua.dossiers import files, selectors
from motcua.dossiers.models import DossierDocument

router = Router(tags=["files"], auth=AUTH)


@router.post("/files", response={201: dict[str, Any]}, summary="Upload a file (multipart)")
def file_upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    official = actor(request)
    stored = files.file_store(data=file, name=file.name or "", by=official)
    return Status(
        201,
        {
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "name": stored.original_name,
        },
    )


@router.get("/files/{sha256}", summary="Download a file of a dossier you may see")
def file_download(request: HttpRequest, sha256: str) -> FileResponse:
    official = actor(request)
    stored = files.file_get(sha256)
    uses = DossierDocument.objects.filter(file_sha256=stored.sha256).values("dossier")
    visible = selectors.dossiers_visible(official=official).filter(pk__in=uses).exists()
    if not visible and stored.uploaded_by_id != official.pk:
        raise NotFound("file.not_found", _("Unknown file."))
    return FileResponse(
        files.file_open(stored),
        content_type=stored.content_type,
        as_attachment=True,
        filename=stored.original_name,
    )
