"""Files of dossiers, stored by the SHA-256 of their content.

A file is written once under ``dossiers/<aa>/<bb>/<sha256>`` of the default storage (a
directory shared by every app process, or an object store), and never overwritten or
deleted by the application: storing the same content twice stores it once. Size and type
are checked from the content (magic numbers), not from the name the browser sends.
"""

from __future__ import annotations

import hashlib
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound, ValidationFailed
from motcua.dossiers.models import StoredFile
from motcua.org.models import Official

MAX_BYTES_DEFAULT = 20 * 1024 * 1024

# content type by the file's first bytes
MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]
ZIP = b"PK\x03\x04"
OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_bytes() -> int:
    return int(getattr(settings, "DOSSIER_FILE_MAX_BYTES", MAX_BYTES_DEFAULT))


def sniff(head: bytes, name: str) -> str | None:
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(ZIP):
        for suffix, kind in OFFICE.items():
            if name.lower().endswith(suffix):
                return kind
    return None


def path_of(sha256: str) -> str:
    return f"dossiers/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_store(*, data: IO[bytes], name: str, by: Official | None) -> StoredFile:
    """Store an upload; the same content twice gives the same record. Refuses an empty or
    too large file and a type other than PDF, JPEG, PNG, TIFF, DOCX or XLSX (400)."""
    limit = max_bytes()
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    while chunk := data.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(
                "file.too_large",
                _("The file is larger than %(kb)s KB.") % {"kb": f"{limit // 1024:,}"},
                fields={"file": [_("Too large.")]},
            )
        digest.update(chunk)
        chunks.append(chunk)
    if size == 0:
        raise ValidationFailed(
            "file.empty", _("The file is empty."), fields={"file": [_("Empty file.")]}
        )
    content = b"".join(chunks)
    kind = sniff(content[:16], name)
    if kind is None:
        raise ValidationFailed(
            "file.type",
            _("Only PDF, JPEG, PNG, TIFF, DOCX and XLSX files are accepted."),
            fields={"file": [_("File type not accepted.")]},
        )
    sha = digest.hexdigest()
    found = StoredFile.objects.filter(pk=sha).first()
    if found is not None:
        return found
    path = path_of(sha)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:  # pragma: no cover - a concurrent writer of the same content
            default_storage.delete(saved)
    clean_name = name.replace("\x00", "").strip()[-255:] or sha
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=sha, size=size, content_type=kind, original_name=clean_name, uploaded_by=by
            )
    except IntegrityError:  # the same content stored at the same moment by another request
        return StoredFile.objects.get(pk=sha)


def file_get(sha256: str) -> StoredFile:
    found = StoredFile.objects.filter(pk=sha256).first() if len(sha256) == 64 else None
    if found is None:
        raise NotFound("file.not_found", _("Unknown file."))
    return found


def file_open(stored: StoredFile) -> IO[bytes]:
    handle: IO[bytes] = default_storage.open(path_of(stored.sha256), "rb")
    return handle
