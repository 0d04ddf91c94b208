"""The citizens' catalogue: public, searched without diacritics, a procedure in plain words."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.procedures import services
from motcua.procedures.models import LimitUnit
from motcua.procedures.services import FeeData, StepData, VersionData
from tests.conftest import World
from tests.procedures.pages_world import TEMPLATE_BYTES, Catalogue, build_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world: World, settings: Any, tmp_path: Path) -> Catalogue:
    settings.MEDIA_ROOT = tmp_path
    return build_catalogue(world)


@pytest.fixture
def citizen(client: Client) -> Client:
    """No login; English pages (the Vietnamese ones come from the translation catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def test_portal_is_public_and_lists_the_procedures_in_force(
    citizen: Client, catalogue: Catalogue
) -> None:
    response = citizen.get("/portal/")
    assert response.status_code == 200
    page, content = response.content.decode(), text(response)
    assert "3 procedures in the catalogue." in content
    for p in (catalogue.birth, catalogue.land, catalogue.household):
        assert f'href="/portal/procedures/{p.code}/"' in page
    assert catalogue.future.name not in content  # not in force yet
    assert "data-nav" not in page  # no officials' navigation
    assert 'href="/login/"' in page
    assert "Đăng ký thành lập hộ kinh doanh Thành lập và hoạt động doanh nghiệp" in content
    assert "Takes 3 working days 60,000 VND + 40,000 VND" in content
    assert "Takes within the working day free of charge" in content


@pytest.mark.parametrize(
    "words", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh", "1.001193"]
)
def test_portal_search_finds_a_procedure_whatever_the_accents(
    citizen: Client, catalogue: Catalogue, words: str
) -> None:
    response = citizen.get("/portal/", {"q": words})
    content = text(response)
    assert "1 procedure found." in content
    assert "Đăng ký khai sinh" in content
    assert catalogue.land.name not in content


def test_portal_search_by_field_and_without_result(citizen: Client, catalogue: Catalogue) -> None:
    content = text(citizen.get("/portal/", {"sector": "dat-dai"}))
    assert "1 procedure found." in content
    assert catalogue.land.name in content
    empty = text(citizen.get("/portal/", {"q": "xay dung nha o"}))
    assert "0 procedures found." in empty
    assert "No procedure matches these words." in empty


def test_portal_search_reads_a_constant_number_of_queries(
    citizen: Client, world: World, catalogue: Catalogue, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as few:
        citizen.get("/portal/")
    baseline = len(few.captured_queries)  # read now: the next request empties the log
    for i in range(25):
        services.procedure_create(
            code=f"9.{i:06d}",
            name=f"Thủ tục mẫu {i}",
            sector=catalogue.land.sector,
            level=catalogue.land.level,
            version=VersionData(
                effective_from=date(2020, 1, 1),
                time_limit_value=Decimal(2),
                time_limit_unit=LimitUnit.WORKING_DAYS,
                fees=[FeeData("Lệ phí", 10_000), FeeData("Phí", 5_000)],
                steps=[StepData("Xử lý", Decimal(8), world.dl_one_stop)],
            ),
            sample=True,
        )
    with django_assert_max_num_queries(baseline):
        response = citizen.get("/portal/")
    assert "28 procedures in the catalogue." in text(response)
    assert len(re.findall(r'class="result"', response.content.decode())) == 20  # one page


def test_portal_procedure_page_says_in_plain_words_what_to_bring_and_expect(
    citizen: Client, catalogue: Catalogue
) -> None:
    response = citizen.get("/portal/procedures/1.001193/")
    assert response.status_code == 200
    page, content = response.content.decode(), text(response)
    assert "<h1>Đăng ký khai sinh</h1>" in page
    assert "How long it takes within the working day" in content
    assert "What it costs Free of charge" in content
    assert "Where to apply Online or at the one-stop shop" in content
    documents = re.findall(r'<span class="doc-name">([^<]+)</span>', page)
    assert documents == [
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Giấy chứng sinh",
        "Văn bản ủy quyền",
    ]
    assert "Văn bản ủy quyền Certified copy · only if it applies to you" in content
    assert f'href="/portal/forms/{catalogue.declaration.pk}/"' in page
    steps = re.findall(r'<span class="step-name">([^<]+)</span>', page)
    assert steps == [
        "Tiếp nhận và kiểm tra hồ sơ",
        "Công chức tư pháp - hộ tịch ghi Sổ hộ tịch",
        "Chủ tịch UBND xã ký Giấy khai sinh",
        "Trả kết quả",
    ]
    assert "UBND xã Đông Sơn · up to 1 working hour" in content
    assert "Handling official · up to 4 working hours" in content
    assert "A dossier handed in after 15:00 counts from the next working day." in content
    assert "the clock stops until you bring it" in content
    assert "What you receive Giấy khai sinh (bản chính)" in content
    assert "Luật Hộ tịch năm 2014<br>Nghị định số 123/2015/NĐ-CP" in page
    assert "data-nav" not in page


def test_portal_shows_the_version_in_force_today(citizen: Client, catalogue: Catalogue) -> None:
    content = text(citizen.get("/portal/procedures/1.004227/"))
    assert "How long it takes 5 working days" in content
    assert "50,000 VND" in content
    assert "100,000 VND" not in content  # the fee of version 1
    assert "UBND tỉnh Nghệ An, Tỉnh Nghệ An" in content  # the interconnected step's unit
    assert "the time limit starts again when you bring it" not in content  # v2 pauses


def test_portal_answers_404_for_unknown_or_not_yet_valid_procedures(
    citizen: Client, catalogue: Catalogue
) -> None:
    assert citizen.get("/portal/procedures/0.000000/").status_code == 404
    assert citizen.get(f"/portal/procedures/{catalogue.future.code}/").status_code == 404


def test_portal_form_templates_download_without_login(
    citizen: Client, catalogue: Catalogue
) -> None:
    response = citizen.get(f"/portal/forms/{catalogue.declaration.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TEMPLATE_BYTES  # type: ignore[attr-defined]
    assert 'filename="to-khai-khai-sinh' in response["Content-Disposition"]
    other = catalogue.birth.versions.get().documents.get(position=1)
    assert citizen.get(f"/portal/forms/{other.pk}/").status_code == 404


def test_login_page_links_to_the_public_catalogue(citizen: Client) -> None:
    page = citizen.get("/login/").content.decode()
    assert 'href="/portal/" data-link="portal"' in page


def test_portal_is_in_vietnamese_by_default(client: Client, catalogue: Catalogue) -> None:
    page = client.get("/portal/").content.decode()
    assert '<html lang="vi">' in page
    assert 'data-lang="en"' in page  # the switch to English
    assert "60.000" in page  # Vietnamese groups thousands with dots
    assert "60000" not in page


def test_portal_puts_the_procedure_named_exactly_as_searched_first(
    citizen: Client, world: World, catalogue: Catalogue
) -> None:
    services.procedure_create(
        code="1.000000",  # before 1.001193 in code order
        name="Đăng ký khai sinh có yếu tố nước ngoài",
        sector=catalogue.birth.sector,
        level=catalogue.land.level,
        version=VersionData(
            effective_from=date(2020, 1, 1),
            time_limit_value=Decimal(15),
            time_limit_unit=LimitUnit.WORKING_DAYS,
        ),
    )
    page = citizen.get("/portal/", {"q": "dang ky khai sinh"}).content.decode()
    names = re.findall(r'class="result-name">([^<]+)<', page)
    assert names == ["Đăng ký khai sinh", "Đăng ký khai sinh có yếu tố nước ngoài"]
    page = citizen.get("/portal/", {"q": "khai sinh nuoc ngoai"}).content.decode()
    assert re.findall(r'class="result-name">([^<]+)<', page) == [
        "Đăng ký khai sinh có yếu tố nước ngoài"
    ]
