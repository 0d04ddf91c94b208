"""Content-addressed files of dossiers (files.py): one record and one file per content,
types by their first bytes, size limits, and reception refusing a digest never stored."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from motcua.core.errors import NotFound, ValidationFailed
from motcua.dossiers import files, services
from motcua.dossiers.models import Dossier, StoredFile
from tests.dossiers.world import DossierWorld, build, receive, vn

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
TIFF_LE = b"II*\x00" + b"\x00" * 20
TIFF_BE = b"MM\x00*" + b"\x00" * 20
ZIP = b"PK\x03\x04" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 20


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def dw(world: Any) -> DossierWorld:
    return build(world)


def store(content: bytes, name: str = "giay-to.pdf", by: Any = None) -> StoredFile:
    return files.file_store(data=io.BytesIO(content), name=name, by=by)


def on_disk(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_pdf_is_stored_under_its_digest(db, media, world):
    sha = hashlib.sha256(PDF).hexdigest()
    saved = store(PDF, "Đơn đăng ký.pdf", by=world.dl_motcua)
    saved.refresh_from_db()
    assert saved.sha256 == sha
    assert (saved.size, saved.content_type, saved.original_name, saved.uploaded_by) == (
        len(PDF),
        "application/pdf",
        "Đơn đăng ký.pdf",
        world.dl_motcua,
    )
    assert saved.uploaded_at is not None
    assert files.path_of(sha) == f"dossiers/{sha[:2]}/{sha[2:4]}/{sha}"
    assert on_disk(media) == [media / "dossiers" / sha[:2] / sha[2:4] / sha]
    with files.file_open(files.file_get(sha)) as handle:
        assert handle.read() == PDF


def test_the_same_content_twice_is_one_record_and_one_file(db, media, world):
    first = store(PDF, "a.pdf", by=world.dl_motcua)
    second = store(PDF, "b.pdf", by=world.tk_motcua)
    assert first.pk == second.pk
    assert StoredFile.objects.count() == 1
    # the first upload's name and uploader stay
    assert (second.original_name, second.uploaded_by) == ("a.pdf", world.dl_motcua)
    assert len(on_disk(media)) == 1


def test_different_contents_are_different_files_whose_bytes_hash_to_their_names(db, media):
    contents = [PDF, PDF + b"\n% khac", JPEG, PNG]
    digests = [
        store(c, f"f{i}.bin" if i > 1 else f"f{i}.pdf").sha256 for i, c in enumerate(contents)
    ]
    assert len(set(digests)) == 4
    paths = on_disk(media)
    assert len(paths) == 4
    for path in paths:
        # a stored file is named by its own digest, so it can never hold other content
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
    assert sorted(p.name for p in paths) == sorted(digests)


def test_a_file_left_on_disk_is_reused_not_rewritten(db, media):
    saved = store(PDF)
    path = media / files.path_of(saved.sha256)
    stamp = path.stat().st_mtime_ns
    StoredFile.objects.all().delete()  # e.g. a record lost in a restore; the file stays
    again = store(PDF)
    assert again.sha256 == saved.sha256
    assert on_disk(media) == [path]
    assert path.stat().st_mtime_ns == stamp
    assert path.read_bytes() == PDF


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (PDF, "x", "application/pdf"),  # the content decides, not the name
        (JPEG, "anh.jpg", "image/jpeg"),
        (PNG, "anh.png", "image/png"),
        (TIFF_LE, "scan.tif", "image/tiff"),
        (TIFF_BE, "scan.tiff", "image/tiff"),
        (
            ZIP,
            "to-khai.DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ZIP, "bang.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_accepted_types_are_recognised_by_their_first_bytes(db, media, content, name, kind):
    assert store(content, name).content_type == kind


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (EXE, "setup.exe"),
        (EXE, "setup.pdf"),  # a program renamed as a PDF
        (b"Day la van ban thuong", "ghi-chu.pdf"),
        (b"<html><script>alert(1)</script></html>", "trang.pdf"),
        (ZIP, "nen.zip"),  # a zip not named as an office document
        (b" %PDF-1.4", "lech.pdf"),  # the magic must be at the very start
    ],
)
def test_other_types_are_refused(db, media, content, name):
    with pytest.raises(ValidationFailed) as caught:
        store(content, name)
    assert (caught.value.code, caught.value.status, list(caught.value.fields)) == (
        "file.type",
        400,
        ["file"],
    )
    assert not StoredFile.objects.exists()
    assert on_disk(media) == []


def test_an_empty_file_is_refused(db, media):
    with pytest.raises(ValidationFailed) as caught:
        store(b"", "rong.pdf")
    assert (caught.value.code, caught.value.status, list(caught.value.fields)) == (
        "file.empty",
        400,
        ["file"],
    )
    assert not StoredFile.objects.exists()
    assert on_disk(media) == []


def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_accepted(db, media, settings):
    settings.DOSSIER_FILE_MAX_BYTES = 64
    at_limit = PDF + b"x" * (64 - len(PDF))
    assert len(at_limit) == 64
    assert store(at_limit).size == 64
    with pytest.raises(ValidationFailed) as caught:
        store(at_limit + b"x")
    assert (caught.value.code, caught.value.status, list(caught.value.fields)) == (
        "file.too_large",
        400,
        ["file"],
    )
    assert StoredFile.objects.count() == 1
    assert len(on_disk(media)) == 1


def test_the_size_limit_is_checked_while_reading_a_large_upload(db, media, settings):
    settings.DOSSIER_FILE_MAX_BYTES = 2 * 1024 * 1024
    read: list[int] = []

    class Upload(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            read.append(len(chunk))
            return chunk

    with pytest.raises(ValidationFailed) as caught:
        files.file_store(data=Upload(PDF + b"0" * (10 * 1024 * 1024)), name="lon.pdf", by=None)
    assert caught.value.code == "file.too_large"
    # refused after the third 1 MB chunk, not after reading all 10 MB
    assert read == [1024 * 1024] * 3


def test_the_default_limit_is_20_mb(settings):
    if hasattr(settings, "DOSSIER_FILE_MAX_BYTES"):
        del settings.DOSSIER_FILE_MAX_BYTES
    assert files.max_bytes() == 20 * 1024 * 1024


def test_a_stored_name_is_cleaned(db, media):
    assert store(PDF, "  ten\x00file.pdf  ").original_name == "tenfile.pdf"
    other = store(PDF + b"2", "   ")
    assert other.original_name == other.sha256
    long_name = "a" * 300 + ".pdf"
    assert store(PDF + b"3", long_name).original_name == long_name[-255:]


@pytest.mark.parametrize("sha", ["", "0" * 64, "0" * 63, "z" * 64, "x\x00"])
def test_an_unknown_digest_is_not_found(db, sha):
    with pytest.raises(NotFound) as caught:
        files.file_get(sha)
    assert (caught.value.code, caught.value.status) == ("file.not_found", 404)


# -- files named by a reception ----------------------------------------------------------------


def test_a_reception_names_stored_files_by_digest(dw, media):
    sha = store(PDF, "don.pdf").sha256
    d = receive(
        dw,
        vn(2027, 3, 1, 9),
        documents=[
            services.DocumentIn("Đơn đăng ký biến động", file_sha256=sha),
            services.DocumentIn("Giấy chứng nhận quyền sử dụng đất"),
        ],
    )
    assert list(d.documents.order_by("pk").values_list("file_sha256", "origin")) == [
        (sha, "digitised"),
        ("", "paper"),
    ]


@pytest.mark.parametrize(
    "sha",
    [
        "c" * 64,  # well formed, never uploaded
        "C" * 64,  # digests are lower-case hex
        "not-a-digest",
    ],
)
def test_a_reception_naming_a_file_never_stored_is_refused_at_its_position(dw, media, sha):
    store(PDF, "don.pdf")
    with pytest.raises(ValidationFailed) as caught:
        receive(
            dw,
            vn(2027, 3, 1, 9),
            documents=[
                services.DocumentIn("Đơn đăng ký biến động"),
                services.DocumentIn("Giấy chứng nhận quyền sử dụng đất", file_sha256=sha),
            ],
        )
    assert (caught.value.code, caught.value.status) == ("dossier.invalid", 400)
    assert list(caught.value.fields) == ["documents.1.file_sha256"]
    assert not Dossier.objects.exists()


def test_the_reception_api_reports_the_missing_file_by_its_field_path(dw, media, api):
    response = api(
        "post",
        "/dossiers",
        dw.w.dl_motcua,
        {
            "procedure": "MAU.DAT.01",
            "agency": "DL.MC",
            "channel": "counter",
            "applicant": {"full_name": "Nguyễn Văn An", "id_number": "040123456789"},
            "documents": [
                {"name": "Đơn đăng ký biến động", "file_sha256": "d" * 64},
                {"name": "Giấy chứng nhận quyền sử dụng đất"},
            ],
        },
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "dossier.invalid"
    assert list(error["fields"]) == ["documents.0.file_sha256"]
    assert not Dossier.objects.exists()
