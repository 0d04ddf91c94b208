"""Blank forms of required documents: attached by catalogue administrators (page and
API), type- and size-checked, never replaced once a dossier uses the version, downloaded
by officials and citizens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from motcua.core.errors import Conflict, ValidationFailed
from motcua.org.models import UnitLevel
from motcua.procedures import services
from motcua.procedures.models import Procedure, RequiredDocument
from motcua.procedures.services import DocumentData, VersionData
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4 blank form of the birth registration declaration"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield tmp_path


@pytest.fixture
def procedure(world: Any) -> Procedure:
    return services.procedure_create(
        code="1.001193",
        name="Đăng ký khai sinh",
        sector=services.sector_ensure(code="ho-tich", name="Hộ tịch"),
        level=UnitLevel.objects.get(code="commune"),
        version=VersionData(
            effective_from=date(2025, 1, 1),
            time_limit_value=Decimal(1),
            time_limit_unit="working_days",
            documents=[DocumentData("Tờ khai đăng ký khai sinh"), DocumentData("Giấy chứng sinh")],
        ),
    )


def declaration(procedure: Procedure) -> RequiredDocument:
    return RequiredDocument.objects.get(
        version__procedure=procedure, name="Tờ khai đăng ký khai sinh"
    )


def upload(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_form_is_attached_with_its_name_and_content(procedure):
    document = services.document_template_attach(document=declaration(procedure), upload=upload())
    document.refresh_from_db()
    assert (document.template.name or "").startswith("procedure-templates/to-khai")
    with document.template.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize("name", ["to-khai.exe", "to-khai", "to-khai.html"])
def test_a_form_of_another_type_is_refused_and_nothing_is_stored(procedure, media, name):
    with pytest.raises(ValidationFailed) as caught:
        services.document_template_attach(document=declaration(procedure), upload=upload(name))
    assert caught.value.code == "procedure.bad_template"
    assert set(caught.value.fields) == {"template"}
    assert not declaration(procedure).template
    assert not any(media.rglob("*"))


def test_an_empty_or_too_large_form_is_refused(procedure, monkeypatch):
    with pytest.raises(ValidationFailed):
        services.document_template_attach(
            document=declaration(procedure), upload=upload(content=b"")
        )
    monkeypatch.setattr(services, "TEMPLATE_MAX_BYTES", 10)
    with pytest.raises(ValidationFailed):
        services.document_template_attach(document=declaration(procedure), upload=upload())
    assert not declaration(procedure).template


def test_a_version_in_use_keeps_its_form_but_may_get_a_missing_one(procedure):
    document = declaration(procedure)
    services.version_mark_used(version=document.version)
    services.document_template_attach(document=document, upload=upload())
    with pytest.raises(Conflict) as caught:
        services.document_template_attach(document=document, upload=upload("moi.pdf", b"%PDF new"))
    assert caught.value.code == "procedure.version_in_use"
    with declaration(procedure).template.open("rb") as handle:
        assert handle.read() == PDF


def login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_province_administrator_attaches_a_form_on_the_procedure_page(client, world, procedure):
    document = declaration(procedure)
    url = f"/catalogue/documents/{document.pk}/template/upload/"
    response = login(client, world.tinh_admin).post(url, {"template": upload()})
    assert response.status_code == 302
    assert declaration(procedure).template
    page = client.get("/catalogue/procedures/1.001193/")
    assert f"/catalogue/documents/{document.pk}/template/".encode() in page.content


def test_other_officials_may_not_attach_a_form(client, world, procedure):
    url = f"/catalogue/documents/{declaration(procedure).pk}/template/upload/"
    response = login(client, world.dl_admin).post(url, {"template": upload()})
    assert response.status_code == 403
    assert not declaration(procedure).template


def test_citizens_download_the_form_from_the_portal(client, world, procedure):
    services.document_template_attach(document=declaration(procedure), upload=upload())
    response = client.get(f"/portal/forms/{declaration(procedure).pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


API = "/procedures/1.001193/versions/1/documents/{}/template"


def test_the_api_attaches_a_form_for_catalogue_administrators_only(api, client, world, procedure):
    def post(user: Any, position: int = 1) -> Any:
        headers = {}
        if user is not None:
            token = client.post(
                "/api/v1/auth/token",
                {"username": user.username, "password": PASSWORD},
                content_type="application/json",
            ).json()["token"]
            headers["Authorization"] = f"Bearer {token}"
        return client.post("/api/v1" + API.format(position), {"file": upload()}, headers=headers)

    assert post(None).status_code == 401
    assert post(world.dl_admin).status_code == 403
    assert not declaration(procedure).template
    assert post(world.tinh_admin, position=3).json()["error"]["code"] == (
        "procedure.document_not_found"
    )
    response = post(world.tinh_admin)
    assert response.status_code == 201
    assert response.json()["document"] == "Tờ khai đăng ký khai sinh"
    assert declaration(procedure).template
