"""The organisation pages: units, agencies and people, within the official's jurisdiction."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from motcua.org import services
from motcua.org.models import AgencyKind, Role, UnitLevel
from tests.conftest import PASSWORD

# a list page may cost this many queries at most, whatever the number of rows
MAX_LIST_QUERIES = 12


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


# --- units --------------------------------------------------------------------------------


def test_the_units_page_lists_the_tree(client: Client, world):
    client.force_login(world.dl_motcua)
    html = page(client, "/org/units/")
    for name in ["Tỉnh Nghệ An", "Huyện Đô Lương", "Huyện Tân Kỳ", "Xã Đông Sơn", "Xã Kỳ Sơn"]:
        assert name in html


def test_the_units_page_filters_by_level(client: Client, world):
    client.force_login(world.dl_motcua)
    html = page(client, "/org/units/?level=commune")
    assert "Xã Đông Sơn" in html
    assert "Xã Kỳ Sơn" in html
    assert 'href="/org/units/427/"' not in html


def test_a_unit_page_shows_its_sub_units_and_the_agencies_the_official_may_see(
    client: Client, world
):
    client.force_login(world.dl_chutich)
    html = page(client, "/org/units/427/")
    assert "Huyện Đô Lương" in html
    assert 'href="/org/units/42701/"' in html
    for code in ["DL.UBND", "DL.MC", "DL.TNMT"]:
        assert f'href="/org/agencies/{code}/"' in html


def test_a_unit_page_of_another_district_hides_its_agencies(client: Client, world):
    client.force_login(world.dl_chutich)
    html = page(client, "/org/units/423/")
    assert "Huyện Tân Kỳ" in html
    assert "/org/agencies/TK." not in html


def test_a_dissolved_unit_page_names_its_successor_and_the_successor_its_predecessors(
    client: Client, world
):
    commune = UnitLevel.objects.get(code="commune")
    new = services.unit_create(
        code="42799",
        name="Xã Đô Lương",
        level=commune,
        parent=world.province,
        valid_from=date(2025, 7, 1),
    )
    services.unit_dissolve(unit=world.dl_commune, valid_to=date(2025, 6, 30), successors=[new])
    client.force_login(world.dl_motcua)
    old_page = page(client, "/org/units/42701/")
    assert "30/06/2025" in old_page
    assert 'href="/org/units/42799/"' in old_page
    assert 'href="/org/units/42701/"' in page(client, "/org/units/42799/")


def test_an_unknown_unit_page_is_404(client: Client, world):
    client.force_login(world.root)
    page(client, "/org/units/NOPE/", status=404)


# --- agencies -----------------------------------------------------------------------------


def test_the_agencies_page_lists_only_the_agencies_in_reach(client: Client, world):
    client.force_login(world.dl_chutich)
    html = page(client, "/org/agencies/")
    for code in ["DL.UBND", "DL.MC", "DL.TNMT", "DL.DS.UBND"]:
        assert f'href="/org/agencies/{code}/"' in html
    for code in ["TK.UBND", "TK.MC", "T.UBND"]:
        assert f"/org/agencies/{code}/" not in html


@pytest.mark.parametrize("query", ["mot cua", "MOT CUA", "Một cửa", "một cửa đô lương"])
def test_searching_agencies_ignores_diacritics_and_case(client: Client, world, query):
    client.force_login(world.dl_chutich)
    html = page(client, f"/org/agencies/?q={query}")
    assert "Bộ phận Một cửa Đô Lương" in html
    assert "/org/agencies/DL.UBND/" not in html
    # the one-stop shop of Tân Kỳ matches too, but is out of reach
    assert "Bộ phận Một cửa Tân Kỳ" not in html


def test_searching_agencies_by_code(client: Client, world):
    client.force_login(world.root)
    html = page(client, "/org/agencies/?q=tk.mc")
    assert "Bộ phận Một cửa Tân Kỳ" in html
    assert "Bộ phận Một cửa Đô Lương" not in html


def test_the_agencies_page_filters_by_kind(client: Client, world):
    client.force_login(world.root)
    html = page(client, "/org/agencies/?kind=one_stop")
    assert "/org/agencies/DL.MC/" in html
    assert "/org/agencies/TK.MC/" in html
    assert "/org/agencies/DL.UBND/" not in html


def test_an_official_without_a_role_sees_an_empty_agencies_page(client: Client, world):
    client.force_login(world.nobody)
    assert "/org/agencies/DL" not in page(client, "/org/agencies/")


def test_an_agency_page_shows_its_people_and_roles(client: Client, world):
    services.position_add(
        official=world.dl_motcua,
        agency=world.dl_one_stop,
        title="Công chức Một cửa",
        valid_from=date(2021, 7, 1),
    )
    client.force_login(world.dl_motcua)
    html = page(client, "/org/agencies/DL.MC/")
    assert "Bộ phận Một cửa Đô Lương" in html
    assert "Công chức Một cửa" in html
    assert "01/07/2021" in html
    assert 'href="/org/people/dl.motcua/"' in html


def test_a_committee_page_lists_its_members(client: Client, world):
    steering = services.agency_create(
        code="DL.BCD", name="Ban Chỉ đạo CCHC", unit=world.dl, kind=AgencyKind.COMMITTEE
    )
    services.committee_member_add(
        committee=steering, official=world.dl_chutich, role="head", title="Chủ tịch UBND huyện"
    )
    client.force_login(world.dl_chutich)
    html = page(client, "/org/agencies/DL.BCD/")
    assert "Trần Đình Long" in html
    assert "Chủ tịch UBND huyện" in html


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("tk_motcua", "DL.MC"),
        ("dl_motcua", "DL.UBND"),
        ("dl_chutich", "TK.MC"),
        ("nobody", "DL.MC"),
        ("dl_admin", "NOPE"),
    ],
)
def test_an_agency_page_out_of_reach_is_404(client: Client, world, who, code):
    client.force_login(getattr(world, who))
    page(client, f"/org/agencies/{code}/", status=404)


# --- people -------------------------------------------------------------------------------


def test_the_people_page_lists_only_the_people_in_reach(client: Client, world):
    client.force_login(world.dl_chutich)
    html = page(client, "/org/people/")
    for username in ["dl.motcua", "dl.tnmt.cv", "dl.admin", "dl.chutich"]:
        assert f'href="/org/people/{username}/"' in html
    for username in ["tk.motcua", "tinh.admin", "root", "nobody"]:
        assert f"/org/people/{username}/" not in html


@pytest.mark.parametrize("query", ["pham thi hoa", "PHẠM THỊ", "motcua"])
def test_searching_people_ignores_diacritics_and_matches_usernames(client: Client, world, query):
    client.force_login(world.dl_chutich)
    html = page(client, f"/org/people/?q={query}")
    assert 'href="/org/people/dl.motcua/"' in html
    assert "/org/people/dl.tnmt.cv/" not in html


def test_a_person_page_shows_their_roles(client: Client, world):
    client.force_login(world.dl_chutich)
    html = page(client, "/org/people/dl.motcua/")
    assert "Phạm Thị Hoa" in html
    assert 'href="/org/agencies/DL.MC/"' in html


def test_an_official_may_always_see_their_own_page(client: Client, world):
    client.force_login(world.nobody)
    assert "Không Vai Trò" in page(client, "/org/people/nobody/")


@pytest.mark.parametrize(
    ("who", "username"),
    [
        ("tk_motcua", "dl.motcua"),
        ("dl_motcua", "dl.tnmt.cv"),
        ("dl_chutich", "tk.motcua"),
        ("nobody", "dl.motcua"),
        ("dl_admin", "no.such.person"),
    ],
)
def test_a_person_page_out_of_reach_is_404(client: Client, world, who, username):
    client.force_login(getattr(world, who))
    page(client, f"/org/people/{username}/", status=404)


# --- query counts: list pages do not grow with their rows ---------------------------------


def grow(world, n: int, start: int) -> None:
    """Add ``n`` communes, each with a People's Committee and an official holding two roles."""
    commune = UnitLevel.objects.get(code="commune")
    for i in range(start, start + n):
        unit = services.unit_create(
            code=f"428{i:02d}", name=f"Xã Thêm {i}", level=commune, parent=world.dl
        )
        agency = services.agency_create(
            code=f"DL.X{i:02d}",
            name=f"UBND xã Thêm {i}",
            unit=unit,
            kind=AgencyKind.PEOPLE_COMMITTEE,
            parent=None,
        )
        official = services.official_create(
            username=f"dl.x{i:02d}",
            full_name=f"Cán bộ {i}",
            password=PASSWORD,
            roles=[
                services.RoleSpec(agency=agency, role=Role.CHAIRMAN),
                services.RoleSpec(agency=agency, role=Role.UNIT_HEAD),
            ],
        )
        services.position_add(
            official=official, agency=agency, title="Chủ tịch", valid_from=date(2020, 1, 1)
        )


LIST_PAGES = [
    "/",
    "/org/units/",
    "/org/units/?level=commune",
    "/org/units/427/",
    "/org/agencies/",
    "/org/agencies/?q=ubnd",
    "/org/people/",
    "/org/people/?q=can bo",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_few_and_many_rows(
    client: Client, world, django_assert_max_num_queries, path
):
    client.force_login(world.dl_chutich)
    grow(world, 2, start=0)
    page(client, path)  # warm the per-process caches (content types, calendar)
    with django_assert_max_num_queries(MAX_LIST_QUERIES) as few:
        page(client, path)
    grow(world, 20, start=2)
    with django_assert_max_num_queries(MAX_LIST_QUERIES) as many:
        html = page(client, path)
    assert len(many.captured_queries) == len(few.captured_queries)
    if path != "/":
        assert "Thêm 21" in html or "Cán bộ 21" in html
