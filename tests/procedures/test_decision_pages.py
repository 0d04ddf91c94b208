"""The pages of publication decisions: the decisions within the official's reach, one
decision with its publications by unit, and recording one (administrators of the issuing
unit), all or nothing, through the service the API uses."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.org.models import Official
from motcua.procedures import services
from motcua.procedures.models import CatalogueDecision, Publication
from tests.conftest import World
from tests.procedures.pages_world import Catalogue, build_catalogue

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def catalogue(world: World, settings: Any, tmp_path: Path) -> Catalogue:
    settings.MEDIA_ROOT = tmp_path
    return build_catalogue(world, with_template=False)


@pytest.fixture
def tk_decision(world: World, catalogue: Catalogue) -> CatalogueDecision:
    """A decision of the province publishing one procedure for Tân Kỳ only."""
    return services.decision_record(
        unit=world.province,
        number="77/QĐ-UBND",
        title="Công bố thủ tục cho huyện Tân Kỳ",
        signed_on=TODAY - timedelta(days=30),
        effective_on=TODAY - timedelta(days=20),
        publications=[(["2.000720"], "423", "TK.MC")],
    ).decision


@pytest.fixture
def as_official(client: Client) -> Callable[[Official], Client]:
    def login(official: Official) -> Client:
        client.force_login(official)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def count(page: str, name: str) -> str:
    found = re.search(rf'data-count="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1)


def unit_counts(client: Client, unit: str) -> tuple[str, str, str]:
    """(total, district, commune) of the catalogue page's counts for ``unit``."""
    page = client.get("/catalogue/", {"unit": unit}).content.decode()
    levels = [
        count(page, f"level-{level}") if f'data-count="level-{level}"' in page else "0"
        for level in ("district", "commune")
    ]
    return count(page, "total"), levels[0], levels[1]


def rows_of(response: Any) -> list[str]:
    """The text of each publication row of the form, in order."""
    page = response.content.decode()
    body = page.split('data-formset="publications">', 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("<tr data-row>")[1:]
    ]


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "unit": "40",
        "number": "2150/QĐ-UBND",
        "title": "Công bố danh mục thủ tục hành chính mới ban hành",
        "signed_on": (TODAY - timedelta(days=5)).isoformat(),
        "effective_on": TODAY.isoformat(),
        "publications-TOTAL_FORMS": "3",
        "publications-INITIAL_FORMS": "0",
        "publications-MIN_NUM_FORMS": "0",
        "publications-MAX_NUM_FORMS": "1000",
        "publications-0-unit": "427",
        "publications-0-agency": "DL.TNMT",
        "publications-0-procedures": "9.999001",
        "publications-1-unit": "42301",
        "publications-1-agency": "",
        "publications-1-procedures": "2.000720,\r\n1.004227",
        # a row left blank is no row at all
        "publications-2-unit": "",
        "publications-2-agency": "",
        "publications-2-procedures": "",
    }
    data.update(changes)
    return data


def written() -> tuple[list[str], int]:
    return sorted(CatalogueDecision.objects.values_list("number", flat=True)), (
        Publication.objects.count()
    )


# -- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/catalogue/decisions/", "/catalogue/decisions/new/", "{one}"])
def test_decision_pages_send_anonymous_visitors_to_the_login(
    client: Client, catalogue: Catalogue, path: str
) -> None:
    decision = CatalogueDecision.objects.get()
    url = path.format(one=f"/catalogue/decisions/{decision.pk}/")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    assert client.post(url, form_data()).status_code == 302
    assert written()[0] == ["1234/QĐ-UBND"]


@pytest.mark.parametrize("who", ["dl_chutich", "dl_motcua", "nobody"])
def test_only_administrators_open_the_form(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue, who: str
) -> None:
    client = as_official(getattr(world, who))
    before = written()
    assert client.get("/catalogue/decisions/new/").status_code == 403
    assert client.post("/catalogue/decisions/new/", form_data()).status_code == 403
    assert written() == before
    assert (
        'data-action="record-decision"' not in client.get("/catalogue/decisions/").content.decode()
    )


def test_an_administrator_of_a_district_may_not_record_for_the_province(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_admin)
    form = client.get("/catalogue/decisions/new/")
    assert form.status_code == 200
    issuing = form.content.decode().split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert 'value="427"' in issuing
    assert 'value="42701"' in issuing
    assert 'value="40"' not in issuing
    assert 'value="423"' not in issuing
    before = written()
    assert client.post("/catalogue/decisions/new/", form_data()).status_code == 403
    assert written() == before


# -- the list and a decision ---------------------------------------------------------------


def test_list_shows_the_decisions_within_reach_with_what_they_published(
    as_official: Callable[[Official], Client],
    world: World,
    catalogue: Catalogue,
    tk_decision: CatalogueDecision,
) -> None:
    ours = CatalogueDecision.objects.get(number="1234/QĐ-UBND")
    response = as_official(world.dl_chutich).get("/catalogue/decisions/")
    assert response.status_code == 200
    page = response.content.decode()
    # the province's decision publishes for Đô Lương: its officials see it, not Tân Kỳ's
    assert f'data-decision="{ours.pk}"' in page
    assert f'data-decision="{tk_decision.pk}"' not in page
    assert f'href="/catalogue/decisions/{ours.pk}/"' in page
    row = page.split(f'data-decision="{ours.pk}"', 1)[1].split("</tr>", 1)[0]
    assert count(row, "procedures") == "3"  # birth, land, household
    assert count(row, "units") == "3"  # Xã Đông Sơn, Xã Kỳ Sơn, Huyện Đô Lương
    content = text(response)
    assert (
        "1234/QĐ-UBND Công bố danh mục thủ tục hành chính Tỉnh Nghệ An 01/12/2023 01/01/2024"
        in content
    )
    assert "1 decision." in content


def test_list_reads_a_constant_number_of_queries_whatever_the_decisions(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/catalogue/decisions/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        services.decision_record(
            unit=world.province,
            number=f"{n}/QĐ-UBND",
            title="Công bố",
            signed_on=TODAY,
            effective_on=TODAY,
            publications=[(["1.001193", "2.000720"], "427", None)],
        )
    assert queries() == few


def test_list_of_a_district_official_shows_its_district_decision_only(
    as_official: Callable[[Official], Client],
    world: World,
    catalogue: Catalogue,
    tk_decision: CatalogueDecision,
) -> None:
    page = as_official(world.tk_motcua).get("/catalogue/decisions/").content.decode()
    assert f'data-decision="{tk_decision.pk}"' in page
    assert "1 decision." in page
    nobody = as_official(world.nobody).get("/catalogue/decisions/")
    assert "No publication decision concerns your units." in text(nobody)


def test_decision_page_groups_its_publications_by_unit(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    decision = CatalogueDecision.objects.get()
    response = as_official(world.dl_motcua).get(f"/catalogue/decisions/{decision.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert count(page, "procedures") == "3"
    assert count(page, "units") == "3"
    assert count(page, "publications") == "4"
    # units in tree order: the district before its commune, then Tân Kỳ's commune
    assert page.index('data-unit="427"') < page.index('data-unit="42701"')
    assert page.index('data-unit="42701"') < page.index('data-unit="42301"')
    content = text(response)
    assert "Decision 1234/QĐ-UBND" in content
    assert (
        "Huyện Đô Lương (2 procedures) Code Procedure Level of authority Resolving agency "
        "Valid from Valid to 1.004227 Đăng ký biến động quyền sử dụng đất Huyện / Quận "
        "the unit as a whole 01/01/2024 no end date 2.000720 Đăng ký thành lập hộ kinh doanh"
    ) in content
    assert "Xã Đông Sơn (1 procedure)" in content
    assert 'href="/catalogue/procedures/1.001193/"' in page


def test_decision_out_of_reach_is_404(
    as_official: Callable[[Official], Client],
    world: World,
    catalogue: Catalogue,
    tk_decision: CatalogueDecision,
) -> None:
    client = as_official(world.dl_chutich)
    assert client.get(f"/catalogue/decisions/{tk_decision.pk}/").status_code == 404
    assert client.get("/catalogue/decisions/999999/").status_code == 404
    assert (
        as_official(world.tk_motcua).get(f"/catalogue/decisions/{tk_decision.pk}/").status_code
        == 200
    )


def test_catalogue_and_procedure_pages_lead_to_the_decisions(
    as_official: Callable[[Official], Client],
    world: World,
    catalogue: Catalogue,
    tk_decision: CatalogueDecision,
) -> None:
    client = as_official(world.dl_chutich)
    assert 'href="/catalogue/decisions/"' in client.get("/catalogue/").content.decode()
    ours = CatalogueDecision.objects.get(number="1234/QĐ-UBND")
    page = client.get("/catalogue/procedures/2.000720/").content.decode()
    assert (
        f'<a href="/catalogue/decisions/{ours.pk}/" data-decision="{ours.pk}">1234/QĐ-UBND</a>'
        in page
    )
    # Tân Kỳ's decision publishes it too, out of this official's reach: named, not linked
    assert "77/QĐ-UBND" in page
    assert f"/catalogue/decisions/{tk_decision.pk}/" not in page


# -- recording a decision ------------------------------------------------------------------


def test_the_province_administrator_records_a_decision_and_the_counts_follow(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.tinh_admin)
    form = client.get("/catalogue/decisions/new/")
    assert form.status_code == 200
    assert 'value="40" selected' in form.content.decode()
    assert unit_counts(client, "427") == ("3", "2", "1")
    assert unit_counts(client, "423") == ("1", "0", "1")

    response = client.post("/catalogue/decisions/new/", form_data(), follow=True)
    decision = CatalogueDecision.objects.get(number="2150/QĐ-UBND")
    assert response.redirect_chain == [(f"/catalogue/decisions/{decision.pk}/", 302)]
    assert (decision.unit, decision.signed_on, decision.effective_on) == (
        world.province,
        TODAY - timedelta(days=5),
        TODAY,
    )
    assert sorted(
        decision.publications.values_list("procedure__code", "unit__code", "agency__code")
    ) == [("1.004227", "42301", None), ("2.000720", "42301", None), ("9.999001", "427", "DL.TNMT")]
    assert set(decision.publications.values_list("valid_from", flat=True)) == {TODAY}
    assert "Decision 2150/QĐ-UBND is recorded: 3 procedures published for their units." in text(
        response
    )
    assert "Phòng Tài nguyên và Môi trường" in text(response)
    # Đô Lương gains a district procedure, Tân Kỳ two
    assert unit_counts(client, "427") == ("4", "3", "1")
    assert unit_counts(client, "423") == ("3", "2", "1")


def test_procedures_already_published_for_a_unit_are_skipped_and_said_so(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    data = form_data(**{"publications-0-procedures": "1.004227\n9.999001"})
    response = as_official(world.tinh_admin).post("/catalogue/decisions/new/", data, follow=True)
    content = text(response)
    assert "3 procedures published for their units." in content
    assert "1 procedure was already published for its unit and was skipped." in content
    assert CatalogueDecision.objects.get(number="2150/QĐ-UBND").publications.count() == 3


def test_bad_rows_are_shown_next_to_their_inputs_and_nothing_is_written(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    before = written()
    data = form_data(
        **{
            "effective_on": (TODAY - timedelta(days=6)).isoformat(),
            # an agency of Tân Kỳ for Đô Lương; two unknown codes
            "publications-0-agency": "TK.UBND",
            "publications-0-procedures": "9.999001, 8.888888\n7.777777",
            # the blank row filled in: another unknown code
            "publications-2-unit": "427",
            "publications-2-procedures": "6.666666",
        }
    )
    response = as_official(world.tinh_admin).post("/catalogue/decisions/new/", data)
    assert response.status_code == 400
    assert written() == before
    first, second, third = rows_of(response)
    assert "Unknown procedure 7.777777. Unknown procedure 8.888888." in first
    assert "The agency belongs to another unit." in first
    assert "Unknown" not in second
    assert "belongs" not in second
    assert "Unknown procedure 6.666666." in third
    content = text(response)
    assert (
        "The decision is invalid. Nothing was recorded: correct the fields marked below." in content
    )
    assert "Before the signing date." in content
    # what was typed is kept
    assert "8.888888\n7.777777" in response.content.decode()


def test_a_unit_outside_the_issuing_unit_is_refused(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    before = written()
    data = form_data(unit="427", **{"publications-1-unit": "42301"})
    response = as_official(world.tinh_admin).post("/catalogue/decisions/new/", data)
    assert response.status_code == 400
    assert written() == before
    assert (
        "A decision publishes procedures only for its own unit and sub-units."
        in rows_of(response)[1]
    )


def test_a_decision_number_used_before_is_refused(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    before = written()
    response = as_official(world.tinh_admin).post(
        "/catalogue/decisions/new/", form_data(number="1234/QĐ-UBND")
    )
    assert response.status_code == 400
    assert written() == before
    number = response.content.decode().split('name="number"', 1)[1].split("</p>", 1)[0]
    assert "This decision is already recorded." in number


def test_a_decision_publishing_nothing_is_refused(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    before = written()
    blank = {f"publications-{i}-{f}": "" for i in range(3) for f in ("unit", "procedures")}
    response = as_official(world.tinh_admin).post(
        "/catalogue/decisions/new/", form_data(**{**blank, "publications-0-agency": ""})
    )
    assert response.status_code == 400
    assert "Publish at least one procedure for a unit." in text(response)
    assert written() == before


def test_a_row_is_added_without_javascript_and_nothing_is_written(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    before = written()
    response = as_official(world.tinh_admin).post(
        "/catalogue/decisions/new/", {**form_data(), "add": "publications"}
    )
    assert response.status_code == 200
    assert len(rows_of(response)) == 4
    assert written() == before
