"""The catalogue import page: catalogue administrators check a spreadsheet (a dry run with
its report), then import it by choosing the same file again; the catalogue page links to
the import (administrators only) and to the export of the unit and level shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.org.models import Official
from motcua.procedures import imports, services, spreadsheet
from motcua.procedures.forms import CatalogueImportForm
from motcua.procedures.models import Procedure, ProcedureVersion
from tests.conftest import World
from tests.procedures.sheets import BAN_SAO, KHAI_SINH, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/catalogue/import/"
NEW_ROW = row(BAN_SAO, code="2.000908", name="Chứng thực chữ ký", effective_from="2024-01-01")


@pytest.fixture
def as_official(client: Client) -> Callable[..., Client]:
    """Log ``official`` in, with pages in ``language`` (English unless told)."""

    def login(official: Official, language: str = "en") -> Client:
        client.force_login(official)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login


def upload(data: bytes, name: str = "catalogue.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def count(response: Any, name: str) -> str:
    found = re.search(rf'data-count="{name}">([^<]*)<', response.content.decode())
    assert found, name
    return found.group(1)


def token(response: Any) -> str | None:
    found = re.search(r'name="checked" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


def versions() -> int:
    return ProcedureVersion.objects.count()


def seed(world: World) -> None:
    """Khai sinh and Bản sao in the catalogue, as an import of the two rows makes them."""
    sheet = spreadsheet.read_catalogue(csv_bytes([KHAI_SINH, BAN_SAO]))
    assert imports.catalogue_import(rows_source=sheet.rows, actor=None, dry_run=False).imported


# -- the check -----------------------------------------------------------------------------


def test_a_check_shows_the_counts_writes_nothing_and_offers_the_import(
    as_official: Callable[..., Client], world: World
) -> None:
    seed(world)
    before = versions()
    file = xlsx_bytes([KHAI_SINH, row(BAN_SAO, effective_from="2025-07-01"), NEW_ROW])
    response = as_official(world.tinh_admin).post(URL, {"file": upload(file, "danh-muc.xlsx")})
    assert response.status_code == 200
    assert (count(response, "created"), count(response, "new_versions")) == ("1", "1")
    assert (count(response, "unchanged"), count(response, "rejected")) == ("1", "0")
    content = text(response)
    assert "Check of danh-muc.xlsx" in content
    assert "Dry run, nothing written: 1 would be created, 1 new versions, 1 unchanged" in content
    assert versions() == before
    assert not Procedure.objects.filter(code=NEW_ROW["code"]).exists()
    # the import is offered: the same file chosen again, with the check's token
    page = response.content.decode()
    assert token(response)
    assert 'data-action="import"' in page
    assert "Choose the same file again" in content
    assert '<a href="/catalogue/" data-testid="back">' in page


def test_a_bad_file_shows_each_rejected_row_writes_nothing_and_offers_no_import(
    as_official: Callable[..., Client], world: World
) -> None:
    file = csv_bytes(
        [
            KHAI_SINH,
            row(BAN_SAO, level="galaxy"),
            row(NEW_ROW, time_limit_value="soon"),
            row(KHAI_SINH, name="Khai sinh lần hai"),
        ]
    )
    response = as_official(world.tinh_admin).post(URL, {"file": upload(file)})
    assert response.status_code == 200
    assert count(response, "rejected") == "3"
    page = response.content.decode()
    cells = r'<tr data-row="(\d+)"><td class="num">\d+</td><td>([^<]*)</td>'
    rejected = dict(re.findall(cells, page))
    assert set(rejected) == {"3", "4", "5"}
    assert "unknown level galaxy" in rejected["3"]
    assert "time_limit_value" in rejected["4"]
    assert "duplicate code 1.001193, already on row 2" in rejected["5"]
    assert Procedure.objects.count() == 0
    assert token(response) is None
    assert 'data-action="import"' not in page
    assert 'data-action="check"' in page


def test_the_import_of_the_checked_file_writes_it_and_says_how_many(
    as_official: Callable[..., Client], world: World
) -> None:
    client = as_official(world.tinh_admin)
    file = csv_bytes([KHAI_SINH, BAN_SAO])
    checked = client.post(URL, {"file": upload(file)})
    assert Procedure.objects.count() == 0
    response = client.post(URL, {"file": upload(file), "checked": token(checked)})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001193", "2.000815"}
    shown = client.get(URL)
    content = text(shown)
    assert "Imported: 2 created, 0 new versions, 0 unchanged." in content
    assert 'href="/catalogue/"' in shown.content.decode()
    assert "Back to the catalogue" in content
    # the versions were recorded as the administrator's work
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").count() == 1


def test_another_file_sent_with_a_check_token_is_only_checked(
    as_official: Callable[..., Client], world: World
) -> None:
    client = as_official(world.tinh_admin)
    checked = client.post(URL, {"file": upload(csv_bytes([KHAI_SINH]))})
    response = client.post(
        URL, {"file": upload(csv_bytes([KHAI_SINH, BAN_SAO])), "checked": token(checked)}
    )
    assert response.status_code == 200
    assert "This is not the file that was checked" in text(response)
    assert count(response, "created") == "2"
    assert Procedure.objects.count() == 0
    assert token(response)  # this file, checked now, may be imported


@pytest.mark.parametrize("whose", ["forged", "another official's"])
def test_a_forged_or_foreign_token_imports_nothing(
    as_official: Callable[..., Client], world: World, whose: str
) -> None:
    file = csv_bytes([KHAI_SINH])
    value = "made-up:token"
    if whose != "forged":
        value = token(as_official(world.root).post(URL, {"file": upload(file)})) or ""
        assert value
    response = as_official(world.tinh_admin).post(URL, {"file": upload(file), "checked": value})
    assert response.status_code == 200
    assert "This is not the file that was checked" in text(response)
    assert Procedure.objects.count() == 0


def test_a_check_more_than_two_hours_old_is_checked_again(
    as_official: Callable[..., Client], world: World, monkeypatch: Any
) -> None:
    client = as_official(world.tinh_admin)
    file = csv_bytes([KHAI_SINH])
    checked = token(client.post(URL, {"file": upload(file)}))
    monkeypatch.setattr(CatalogueImportForm, "TOKEN_MAX_AGE", -1)  # as if two hours passed
    response = client.post(URL, {"file": upload(file), "checked": checked})
    assert response.status_code == 200
    assert "the file was checked again and nothing was written" in text(response)
    assert Procedure.objects.count() == 0


def test_rows_rejected_since_the_check_are_shown_and_nothing_is_imported(
    as_official: Callable[..., Client], world: World
) -> None:
    client = as_official(world.tinh_admin)
    file = csv_bytes([KHAI_SINH, BAN_SAO])
    checked = client.post(URL, {"file": upload(file)})
    seed_one = csv_bytes([row(BAN_SAO, name="Cấp bản sao (tên khác)")])
    sheet = spreadsheet.read_catalogue(seed_one)
    assert imports.catalogue_import(rows_source=sheet.rows, actor=None, dry_run=False).imported
    response = client.post(URL, {"file": upload(file), "checked": token(checked)})
    assert response.status_code == 200
    assert "Nothing was imported: 1 rows rejected" in text(response)
    assert 'data-row="3"' in response.content.decode()
    assert set(Procedure.objects.values_list("code", flat=True)) == {"2.000815"}
    assert token(response) is None


# -- errors next to the field ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "catalogue.csv", "The submitted file is empty."),
        (b"\xd0\xcf\x11\xe0old excel", "catalogue.xls", "old Excel .xls file"),
        (b"PK\x03\x04 not really a zip", "catalogue.xlsx", "not a readable .xlsx workbook"),
        (b"code,colour\n1.001193,red\n", "catalogue.csv", "unknown columns colour"),
    ],
)
def test_an_unreadable_file_is_an_error_next_to_the_field(
    as_official: Callable[..., Client], world: World, data: bytes, name: str, message: str
) -> None:
    response = as_official(world.tinh_admin).post(URL, {"file": upload(data, name)})
    assert response.status_code == 400
    error = re.search(r'class="field-error" role="alert"[^>]*>([^<]*)<', response.content.decode())
    assert error, text(response)
    assert message in error.group(1)
    assert Procedure.objects.count() == 0


def test_no_file_is_an_error_next_to_the_field(
    as_official: Callable[..., Client], world: World
) -> None:
    response = as_official(world.tinh_admin).post(URL, {})
    assert response.status_code == 400
    page = response.content.decode()
    # the input names its help and its error, which carry those ids
    assert 'aria-invalid="true" aria-describedby="id_file_helptext id_file_error"' in page
    assert '<span class="help" id="id_file_helptext">' in page
    assert 'role="alert" id="id_file_error">This field is required.' in page


def test_a_file_too_big_is_refused_in_vietnamese(
    as_official: Callable[..., Client], world: World, monkeypatch: Any
) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_FILE_BYTES", 3 << 20)
    file = csv_bytes([KHAI_SINH]) + b" " * (3 << 20)
    response = as_official(world.tinh_admin, "vi").post(URL, {"file": upload(file)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field-error" role="alert" id="id_file_error">Tệp lớn hơn 3 MB' in page
    assert "Nhập danh mục" in text(response)
    assert Procedure.objects.count() == 0


def test_the_page_reads_in_vietnamese(as_official: Callable[..., Client], world: World) -> None:
    response = as_official(world.tinh_admin, "vi").post(URL, {"file": upload(csv_bytes([BAN_SAO]))})
    content = text(response)
    assert "Chạy thử, chưa ghi dữ liệu" in content
    assert "Chọn lại đúng tệp đã kiểm tra" in content


# -- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["dl_admin", "dl_motcua", "nobody"])
def test_officials_who_do_not_keep_the_catalogue_are_refused(
    as_official: Callable[..., Client], world: World, who: str
) -> None:
    client = as_official(getattr(world, who))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"file": upload(csv_bytes([KHAI_SINH]))})
    assert response.status_code == 403
    assert Procedure.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login(client: Client, world: World) -> None:
    for response in (client.get(URL), client.post(URL, {"file": upload(csv_bytes([KHAI_SINH]))})):
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={URL}"
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize("who", ["tinh_admin", "root"])
def test_catalogue_administrators_open_the_page(
    as_official: Callable[..., Client], world: World, who: str
) -> None:
    response = as_official(getattr(world, who)).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".xlsx,.csv"' in page
    assert '<label for="id_file">' in page
    assert 'data-action="check"' in page


# -- the catalogue page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"),
    [("tinh_admin", True), ("root", True), ("dl_admin", False), ("dl_motcua", False)],
)
def test_the_catalogue_links_to_the_import_only_for_its_administrators(
    as_official: Callable[..., Client], world: World, who: str, shown: bool
) -> None:
    page = as_official(getattr(world, who)).get("/catalogue/").content.decode()
    assert ('href="/catalogue/import/"' in page) is shown


def test_the_catalogue_exports_the_unit_and_level_shown(
    as_official: Callable[..., Client], world: World
) -> None:
    client = as_official(world.dl_motcua)
    page = client.get("/catalogue/", {"unit": "427", "level": "district", "q": "x"})
    html = page.content.decode()
    assert 'href="/api/v1/procedures/export?format=xlsx&amp;unit=427&amp;level=district"' in html
    assert 'href="/api/v1/procedures/export?format=csv&amp;unit=427&amp;level=district"' in html
    everything = client.get("/catalogue/", {"unit": ""}).content.decode()
    assert 'href="/api/v1/procedures/export?format=xlsx"' in everything


def test_the_export_link_gives_the_catalogue_shown(
    as_official: Callable[..., Client], world: World
) -> None:
    seed(world)
    services.procedures_publish(
        decision=services.decision_create(
            unit=world.province,
            number="1/QĐ-UBND",
            title="Công bố",
            signed_on=date(2024, 1, 1),
            effective_on=date(2024, 1, 1),
        ),
        procedures=[Procedure.objects.get(code="2.000815")],
        unit=world.dl,
    )
    client = as_official(world.dl_motcua)
    html = client.get("/catalogue/", {"unit": "427"}).content.decode()
    link = re.search(r'href="(/api/v1/procedures/export\?format=csv[^"]*)"', html)
    assert link
    exported = client.get(link.group(1).replace("&amp;", "&"))
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2  # the header and Bản sao, published for Đô Lương
    assert lines[1].startswith("2.000815,")
