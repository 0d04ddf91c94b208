"""The organisation endpoints: who may see and create what, and how bad input is refused.

The permission matrix covers every organisation endpoint for every kind of caller:
anonymous, a bad token, an official without a role, the wrong agency, the right agency,
and administrators. Refused writes also assert that nothing was written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.org import services
from motcua.org.models import AdministrativeUnit, Agency, Official, Role, RoleGrant
from tests.conftest import PASSWORD

ALL_AGENCIES = ["DL.DS.UBND", "DL.MC", "DL.TNMT", "DL.UBND", "T.UBND", "TK.MC", "TK.UBND"]
DL_AGENCIES = ["DL.DS.UBND", "DL.MC", "DL.TNMT", "DL.UBND"]
ALL_UNITS = ["40", "423", "42301", "427", "42701"]
ALL_OFFICIALS = [
    "dl.admin",
    "dl.chutich",
    "dl.motcua",
    "dl.tnmt.cv",
    "nobody",
    "root",
    "tinh.admin",
    "tk.motcua",
]

NEW_UNIT = {"code": "42702", "name": "Xã Yên Sơn", "level": "commune", "parent": "427"}
NEW_AGENCY = {"code": "DL.TP", "name": "Phòng Tư pháp", "unit": "427", "kind": "division"}
NEW_OFFICIAL = {
    "username": "dl.moi",
    "full_name": "Người Mới",
    "password": PASSWORD,
    "roles": [{"agency": "DL.MC", "role": "one_stop_officer"}],
}

# every organisation endpoint, with a valid body for the writes
ENDPOINTS = [
    ("get", "/units", None),
    ("post", "/units", NEW_UNIT),
    ("get", "/units/427", None),
    ("get", "/agencies", None),
    ("post", "/agencies", NEW_AGENCY),
    ("get", "/agencies/DL.MC", None),
    ("get", "/officials", None),
    ("post", "/officials", NEW_OFFICIAL),
    ("get", "/officials/dl.motcua", None),
]
ENDPOINT_IDS = [f"{method.upper()} {path}" for method, path, _body in ENDPOINTS]


def counts() -> dict[str, int]:
    return {
        "units": AdministrativeUnit.objects.count(),
        "agencies": Agency.objects.count(),
        "officials": Official.objects.count(),
        "roles": RoleGrant.objects.count(),
    }


def listed(response: Any, key: str) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item[key] for item in response.json()["items"])


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


# --- who is not signed in ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_every_endpoint_answers_401_to_an_anonymous_caller_and_writes_nothing(
    api, world, method, path, body
):
    before = counts()
    response = api(method, path, data=body)
    assert response.status_code == 401
    error = response.json()["error"]
    assert set(error) == {"code", "message"}
    assert error["code"] == "auth.required"
    assert error["message"]
    assert counts() == before


@pytest.mark.parametrize("token", ["not-a-token", "", "x" * 200])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_every_endpoint_answers_401_to_a_bad_token_and_writes_nothing(
    client: Client, world, method, path, body, token
):
    before = counts()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1{path}"
    if method == "get":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "auth.required"
    assert counts() == before


# --- an official without a role ----------------------------------------------------------


def test_an_official_without_a_role_sees_no_agency(api, world):
    response = api("get", "/agencies", user=world.nobody)
    assert response.json() == {"items": [], "next": None}


def test_an_official_without_a_role_sees_only_themself_among_officials(api, world):
    assert listed(api("get", "/officials", user=world.nobody), "username") == ["nobody"]
    response = api("get", "/officials/nobody", user=world.nobody)
    assert response.status_code == 200
    assert response.json() == {
        "username": "nobody",
        "full_name": "Không Vai Trò",
        "roles": [],
        "positions": [],
    }


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/agencies/DL.MC", "org.agency_not_found"),
        ("/agencies/TK.UBND", "org.agency_not_found"),
        ("/officials/dl.motcua", "org.official_not_found"),
        ("/officials/root", "org.official_not_found"),
    ],
)
def test_an_official_without_a_role_gets_404_on_any_agency_or_colleague(api, world, path, code):
    response = api("get", path, user=world.nobody)
    assert response.status_code == 404
    assert error_code(response) == code


def test_units_are_public_geography_for_every_signed_in_official(api, world):
    # Units are the administrative map, not anybody's work: every official may read them.
    assert listed(api("get", "/units", user=world.nobody), "code") == ALL_UNITS
    assert api("get", "/units/423", user=world.dl_motcua).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [("/units", NEW_UNIT), ("/agencies", NEW_AGENCY), ("/officials", NEW_OFFICIAL)],
)
@pytest.mark.parametrize("who", ["nobody", "dl_motcua", "dl_tnmt_cv", "dl_chutich", "tk_motcua"])
def test_an_official_who_is_no_administrator_gets_403_on_create_and_nothing_is_written(
    api, world, path, body, who
):
    before = counts()
    response = api("post", path, user=getattr(world, who), data=body)
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"
    assert counts() == before


# --- the wrong agency --------------------------------------------------------------------


def test_a_tan_ky_one_stop_officer_does_not_see_do_luong_agencies(api, world):
    assert listed(api("get", "/agencies", user=world.tk_motcua), "code") == ["TK.MC"]
    for code in DL_AGENCIES:
        response = api("get", f"/agencies/{code}", user=world.tk_motcua)
        assert response.status_code == 404
        assert error_code(response) == "org.agency_not_found"


def test_a_tan_ky_one_stop_officer_does_not_see_do_luong_people(api, world):
    assert listed(api("get", "/officials", user=world.tk_motcua), "username") == ["tk.motcua"]
    for username in ["dl.motcua", "dl.chutich", "dl.admin", "dl.tnmt.cv"]:
        response = api("get", f"/officials/{username}", user=world.tk_motcua)
        assert response.status_code == 404
        assert error_code(response) == "org.official_not_found"


def test_filtering_officials_by_an_agency_out_of_reach_is_404(api, world):
    response = api("get", "/officials", user=world.tk_motcua, data={"agency": "DL.MC"})
    assert response.status_code == 404
    assert error_code(response) == "org.agency_not_found"


def test_filtering_agencies_by_another_district_lists_nothing(api, world):
    response = api("get", "/agencies", user=world.tk_motcua, data={"unit": "427"})
    assert response.json() == {"items": [], "next": None}


# --- the right agency --------------------------------------------------------------------


def test_a_one_stop_officer_sees_exactly_their_own_one_stop_agency(api, world):
    assert listed(api("get", "/agencies", user=world.dl_motcua), "code") == ["DL.MC"]
    response = api("get", "/agencies/DL.MC", user=world.dl_motcua)
    assert response.status_code == 200
    assert response.json() == {
        "code": "DL.MC",
        "name": "Bộ phận Một cửa Đô Lương",
        "unit": "427",
        "kind": "one_stop",
        "parent": None,
    }
    assert api("get", "/agencies/DL.UBND", user=world.dl_motcua).status_code == 404


def test_a_one_stop_officer_sees_the_people_of_their_agency(api, world):
    assert listed(api("get", "/officials", user=world.dl_motcua), "username") == ["dl.motcua"]
    response = api("get", "/officials/dl.motcua", user=world.dl_motcua)
    assert response.json() == {
        "username": "dl.motcua",
        "full_name": "Phạm Thị Hoa",
        "roles": [{"agency": "DL.MC", "role": "one_stop_officer"}],
        "positions": [],
    }
    # the land official works in another agency of the district
    assert api("get", "/officials/dl.tnmt.cv", user=world.dl_motcua).status_code == 404


def test_the_district_chairman_sees_every_agency_of_the_district_and_its_communes(api, world):
    assert listed(api("get", "/agencies", user=world.dl_chutich), "code") == DL_AGENCIES
    commune = api("get", "/agencies/DL.DS.UBND", user=world.dl_chutich)
    assert commune.status_code == 200
    assert commune.json()["unit"] == "42701"
    for code in ["TK.MC", "TK.UBND", "T.UBND"]:
        assert api("get", f"/agencies/{code}", user=world.dl_chutich).status_code == 404


def test_the_district_chairman_sees_the_people_of_the_district_but_not_of_tan_ky(api, world):
    assert listed(api("get", "/officials", user=world.dl_chutich), "username") == [
        "dl.admin",
        "dl.chutich",
        "dl.motcua",
        "dl.tnmt.cv",
    ]
    assert api("get", "/officials/dl.tnmt.cv", user=world.dl_chutich).status_code == 200
    assert api("get", "/officials/tk.motcua", user=world.dl_chutich).status_code == 404


def test_the_chairman_may_filter_agencies_by_a_commune_of_the_district(api, world):
    response = api("get", "/agencies", user=world.dl_chutich, data={"unit": "42701"})
    assert listed(response, "code") == ["DL.DS.UBND"]


def test_the_chairman_may_filter_officials_by_an_agency_of_the_district(api, world):
    response = api("get", "/officials", user=world.dl_chutich, data={"agency": "DL.TNMT"})
    assert listed(response, "username") == ["dl.tnmt.cv"]


def test_an_official_holding_only_a_position_is_visible_in_that_agency(api, world):
    clerk = services.official_create(username="dl.vanthu", full_name="Văn Thư", password=PASSWORD)
    services.position_add(
        official=clerk, agency=world.dl_tnmt, title="Văn thư", valid_from=date(2020, 1, 1)
    )
    assert "dl.vanthu" in listed(api("get", "/officials", user=world.dl_chutich), "username")
    response = api("get", "/officials/dl.vanthu", user=world.dl_chutich)
    assert response.json() == {
        "username": "dl.vanthu",
        "full_name": "Văn Thư",
        "roles": [],
        "positions": [
            {"agency": "DL.TNMT", "title": "Văn thư", "valid_from": "2020-01-01", "valid_to": None}
        ],
    }
    assert api("get", "/officials/dl.vanthu", user=world.dl_motcua).status_code == 404


def test_an_official_whose_position_has_ended_is_no_longer_visible(api, world):
    former = services.official_create(username="dl.cu", full_name="Cán Bộ Cũ", password=PASSWORD)
    yesterday = timezone.localdate() - timedelta(days=1)
    services.position_add(
        official=former,
        agency=world.dl_tnmt,
        title="Chuyên viên",
        valid_from=date(2015, 1, 1),
        valid_to=yesterday,
    )
    assert "dl.cu" not in listed(api("get", "/officials", user=world.dl_chutich), "username")
    assert api("get", "/officials/dl.cu", user=world.dl_chutich).status_code == 404


def test_filtering_by_agency_lists_only_its_current_people(api, world):
    # the land official once worked at the one-stop shop; that ended yesterday
    services.position_add(
        official=world.dl_tnmt_cv,
        agency=world.dl_one_stop,
        title="Công chức Một cửa",
        valid_from=date(2015, 1, 1),
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    response = api("get", "/officials", user=world.dl_chutich, data={"agency": "DL.MC"})
    assert listed(response, "username") == ["dl.motcua"]


# --- administrators ----------------------------------------------------------------------


def test_a_district_administrator_creates_a_commune_of_the_district(api, world):
    response = api("post", "/units", user=world.dl_admin, data=NEW_UNIT)
    assert response.status_code == 201
    assert response.json() == {
        "code": "42702",
        "name": "Xã Yên Sơn",
        "level": "commune",
        "parent": "427",
        "valid_from": timezone.localdate().isoformat(),
        "valid_to": None,
        "successors": [],
    }
    unit = AdministrativeUnit.objects.get(code="42702")
    assert unit.path == f"{world.dl.path}{unit.pk}/"


def test_a_district_administrator_may_not_create_a_unit_in_another_district(api, world):
    before = counts()
    body = {"code": "42302", "name": "Xã Kỳ Tân", "level": "commune", "parent": "423"}
    response = api("post", "/units", user=world.dl_admin, data=body)
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"
    assert counts() == before


@pytest.mark.parametrize("who", ["dl_admin", "tinh_admin"])
def test_only_a_superuser_creates_a_top_level_unit(api, world, who):
    body = {"code": "38", "name": "Tỉnh Thanh Hóa", "level": "province", "parent": None}
    before = counts()
    refused = api("post", "/units", user=getattr(world, who), data=body)
    assert refused.status_code == 403
    assert error_code(refused) == "auth.forbidden"
    assert counts() == before

    created = api("post", "/units", user=world.root, data=body)
    assert created.status_code == 201
    assert created.json()["parent"] is None
    assert AdministrativeUnit.objects.get(code="38").path.count("/") == 2


def test_a_province_administrator_creates_units_in_every_district_of_the_province(api, world):
    body = {"code": "42302", "name": "Xã Kỳ Tân", "level": "commune", "parent": "423"}
    response = api("post", "/units", user=world.tinh_admin, data=body)
    assert response.status_code == 201
    assert response.json()["parent"] == "423"


def test_a_district_administrator_creates_an_agency_of_the_district(api, world):
    response = api("post", "/agencies", user=world.dl_admin, data=NEW_AGENCY)
    assert response.status_code == 201
    assert response.json() == {
        "code": "DL.TP",
        "name": "Phòng Tư pháp",
        "unit": "427",
        "kind": "division",
        "parent": None,
    }
    # and may see it at once
    assert api("get", "/agencies/DL.TP", user=world.dl_admin).status_code == 200


def test_a_district_administrator_creates_a_sub_agency_under_its_committee(api, world):
    body = {**NEW_AGENCY, "parent": "DL.UBND"}
    response = api("post", "/agencies", user=world.dl_admin, data=body)
    assert response.status_code == 201
    assert response.json()["parent"] == "DL.UBND"


def test_a_district_administrator_may_not_create_an_agency_in_another_district(api, world):
    before = counts()
    body = {"code": "TK.TP", "name": "Phòng Tư pháp", "unit": "423", "kind": "division"}
    response = api("post", "/agencies", user=world.dl_admin, data=body)
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"
    assert counts() == before


def test_an_agency_may_not_hang_under_an_agency_of_another_unit(api, world):
    before = counts()
    body = {**NEW_AGENCY, "parent": "TK.UBND"}
    response = api("post", "/agencies", user=world.dl_admin, data=body)
    assert response.status_code == 400
    assert error_code(response) == "org.bad_parent"
    assert set(response.json()["error"]["fields"]) == {"parent"}
    assert counts() == before


def test_a_district_administrator_creates_an_official_of_the_district(api, world, client):
    response = api("post", "/officials", user=world.dl_admin, data=NEW_OFFICIAL)
    assert response.status_code == 201
    assert response.json() == {
        "username": "dl.moi",
        "full_name": "Người Mới",
        "roles": [{"agency": "DL.MC", "role": "one_stop_officer"}],
        "positions": [],
    }
    # the new official can sign in with the password given
    token = client.post(
        "/api/v1/auth/token",
        {"username": "dl.moi", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 200


def test_a_district_administrator_may_not_grant_roles_in_another_district(api, world):
    before = counts()
    body = {**NEW_OFFICIAL, "roles": [{"agency": "TK.MC", "role": "one_stop_officer"}]}
    response = api("post", "/officials", user=world.dl_admin, data=body)
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"
    assert counts() == before


def test_a_superuser_administers_everywhere(api, world):
    unit = {"code": "42302", "name": "Xã Kỳ Tân", "level": "commune", "parent": "423"}
    agency = {"code": "TK.TP", "name": "Phòng Tư pháp", "unit": "423", "kind": "division"}
    official = {
        **NEW_OFFICIAL,
        "username": "tk.moi",
        "roles": [{"agency": "TK.TP", "role": "unit_head"}],
    }
    assert api("post", "/units", user=world.root, data=unit).status_code == 201
    assert api("post", "/agencies", user=world.root, data=agency).status_code == 201
    assert api("post", "/officials", user=world.root, data=official).status_code == 201
    assert listed(api("get", "/agencies", user=world.root), "code") == sorted(
        [*ALL_AGENCIES, "TK.TP"]
    )
    assert listed(api("get", "/officials", user=world.root), "username") == sorted(
        [*ALL_OFFICIALS, "tk.moi"]
    )


@pytest.mark.parametrize(
    ("who", "agencies"),
    [
        ("dl_admin", DL_AGENCIES),
        ("tinh_admin", ALL_AGENCIES),
        ("root", ALL_AGENCIES),
    ],
)
def test_administrators_see_the_agencies_of_the_units_they_administer(api, world, who, agencies):
    assert listed(api("get", "/agencies", user=getattr(world, who)), "code") == agencies


# --- units -------------------------------------------------------------------------------


def test_a_unit_is_shown_with_its_level_parent_and_validity(api, world):
    response = api("get", "/units/427", user=world.dl_motcua)
    assert response.json() == {
        "code": "427",
        "name": "Huyện Đô Lương",
        "level": "district",
        "parent": "40",
        "valid_from": "2000-01-01",
        "valid_to": None,
        "successors": [],
    }


def test_a_dissolved_unit_names_its_successors(api, world):
    merged = services.unit_create(
        code="42799",
        name="Xã Đô Lương",
        level=world.dl_commune.level,
        parent=world.province,
        valid_from=date(2025, 7, 1),
    )
    services.unit_dissolve(unit=world.dl_commune, valid_to=date(2025, 6, 30), successors=[merged])
    response = api("get", "/units/42701", user=world.dl_motcua)
    assert response.json()["valid_to"] == "2025-06-30"
    assert response.json()["successors"] == ["42799"]


def test_units_filter_by_level_and_by_parent(api, world):
    by_level = api("get", "/units", user=world.nobody, data={"level": "commune"})
    assert listed(by_level, "code") == ["42301", "42701"]
    by_parent = api("get", "/units", user=world.nobody, data={"parent": "427"})
    assert listed(by_parent, "code") == ["42701"]


def test_an_unknown_unit_is_404(api, world):
    response = api("get", "/units/NOPE", user=world.root)
    assert response.status_code == 404
    assert error_code(response) == "org.unit_not_found"


def test_filtering_units_by_an_unknown_parent_is_404(api, world):
    response = api("get", "/units", user=world.root, data={"parent": "NOPE"})
    assert response.status_code == 404
    assert error_code(response) == "org.unit_not_found"


# --- bad input: the error shape, and nothing written --------------------------------------


def post_refused(api, world, path, body, status, code, fields=None):
    before = counts()
    response = api("post", path, user=world.root, data=body)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    if fields is not None:
        assert sorted(error["fields"]) == sorted(fields)
        assert all(error["fields"][name] for name in fields)
    assert counts() == before
    return error


def test_a_duplicate_unit_code_is_409(api, world):
    body = {"code": "427", "name": "Trùng mã", "level": "district", "parent": "40"}
    post_refused(api, world, "/units", body, 409, "org.duplicate_code", ["code"])
    assert AdministrativeUnit.objects.get(code="427").name == "Huyện Đô Lương"


def test_a_duplicate_unit_code_with_spaces_around_is_still_409(api, world):
    body = {"code": " 427 ", "name": "Trùng mã", "level": "district", "parent": "40"}
    post_refused(api, world, "/units", body, 409, "org.duplicate_code", ["code"])


def test_a_duplicate_agency_code_is_409(api, world):
    body = {"code": "DL.MC", "name": "Trùng mã", "unit": "427", "kind": "one_stop"}
    post_refused(api, world, "/agencies", body, 409, "org.duplicate_code", ["code"])
    assert Agency.objects.get(code="DL.MC").name == "Bộ phận Một cửa Đô Lương"


def test_an_unknown_level_is_400_with_the_field(api, world):
    body = {**NEW_UNIT, "level": "hamlet"}
    post_refused(api, world, "/units", body, 400, "org.invalid", ["level"])


def test_an_unknown_parent_unit_is_400_with_the_field(api, world):
    body = {**NEW_UNIT, "parent": "99999"}
    post_refused(api, world, "/units", body, 400, "org.invalid", ["parent"])


def test_an_unknown_level_and_parent_are_reported_together(api, world):
    body = {**NEW_UNIT, "level": "hamlet", "parent": "99999"}
    post_refused(api, world, "/units", body, 400, "org.invalid", ["level", "parent"])


def test_a_commune_under_a_commune_is_refused_as_a_bad_level(api, world):
    body = {"code": "4270101", "name": "Xóm 1", "level": "commune", "parent": "42701"}
    post_refused(api, world, "/units", body, 400, "org.bad_level", ["level"])


def test_a_unit_without_code_or_name_is_400_with_the_fields(api, world):
    body = {"code": "", "name": "", "level": "commune", "parent": "427"}
    post_refused(api, world, "/units", body, 400, "request.invalid", ["code", "name"])


def test_a_blank_unit_code_is_400(api, world):
    body = {"code": "   ", "name": "Xã", "level": "commune", "parent": "427"}
    post_refused(api, world, "/units", body, 400, "org.invalid", ["code"])


def test_an_agency_of_an_unknown_unit_is_400_with_the_field(api, world):
    body = {**NEW_AGENCY, "unit": "NOPE"}
    post_refused(api, world, "/agencies", body, 400, "org.invalid", ["unit"])


def test_an_agency_under_an_unknown_parent_is_400_with_the_field(api, world):
    body = {**NEW_AGENCY, "parent": "NOPE"}
    post_refused(api, world, "/agencies", body, 400, "org.invalid", ["parent"])


def test_an_unknown_agency_kind_is_400_with_the_field(api, world):
    body = {**NEW_AGENCY, "kind": "ministry"}
    post_refused(api, world, "/agencies", body, 400, "org.bad_kind", ["kind"])


def test_a_duplicate_username_is_409(api, world):
    body = {**NEW_OFFICIAL, "username": "dl.motcua"}
    post_refused(api, world, "/officials", body, 409, "org.duplicate_username", ["username"])
    assert Official.objects.get(username="dl.motcua").full_name == "Phạm Thị Hoa"


@pytest.mark.parametrize("password", ["123", "password", "dl.moi"])
def test_a_weak_password_is_400_with_the_password_field(api, world, password):
    body = {**NEW_OFFICIAL, "password": password}
    error = post_refused(api, world, "/officials", body, 400, "org.weak_password", ["password"])
    assert all(isinstance(message, str) and message for message in error["fields"]["password"])


def test_an_unknown_role_is_400(api, world):
    body = {**NEW_OFFICIAL, "roles": [{"agency": "DL.MC", "role": "king"}]}
    post_refused(api, world, "/officials", body, 400, "org.bad_role", ["roles"])


def test_a_role_in_an_unknown_agency_is_400(api, world):
    body = {**NEW_OFFICIAL, "roles": [{"agency": "NOPE", "role": "one_stop_officer"}]}
    post_refused(api, world, "/officials", body, 400, "org.invalid", ["roles"])


def test_a_username_with_spaces_is_400_with_the_field(api, world):
    body = {**NEW_OFFICIAL, "username": "dl moi"}
    post_refused(api, world, "/officials", body, 400, "request.invalid", ["username"])


def test_a_missing_field_is_400_naming_it(api, world):
    body = {key: value for key, value in NEW_AGENCY.items() if key != "kind"}
    post_refused(api, world, "/agencies", body, 400, "request.invalid", ["kind"])


def test_listing_the_agencies_of_an_unknown_unit_is_404(api, world):
    response = api("get", "/agencies", user=world.root, data={"unit": "NOPE"})
    assert response.status_code == 404
    assert error_code(response) == "org.unit_not_found"


def test_an_officials_current_roles_follow_the_day_in_vietnam_not_on_the_server(
    api, world, monkeypatch
):
    # 23:30 UTC on 31 December 2099 is already 06:30 on 1 January 2100 in Asia/Ho_Chi_Minh
    late_evening_utc = datetime(2099, 12, 31, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)
    services.role_grant(
        official=world.dl_motcua,
        agency=world.dl_tnmt,
        role=Role.HANDLING_OFFICIAL,
        valid_from=date(2100, 1, 1),
    )
    response = api("get", "/officials/dl.motcua", user=world.dl_motcua)
    assert sorted(r["agency"] for r in response.json()["roles"]) == ["DL.MC", "DL.TNMT"]
    assert listed(api("get", "/agencies", user=world.dl_motcua), "code") == ["DL.MC", "DL.TNMT"]
