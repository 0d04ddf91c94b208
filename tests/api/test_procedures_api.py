"""The catalogue endpoints (API.md, Procedures): reading is public, writing is for the
administrators of a province; bad input is refused in the one error shape and writes
nothing; the compliance-cost calculator answers what ``costs.compare`` computes."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from django.test import Client

from motcua.procedures import costs, services
from motcua.procedures.models import (
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
)

BIRTH: dict[str, Any] = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "level": "commune",
    "version": {
        "effective_from": "2025-01-01",
        "time_limit": {"value": 1, "unit": "working_days"},
        "cutoff_time": "15:00",
        "pause_rule": "pause",
        "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount_vnd": 0}],
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "mandatory": True},
            {"name": "Giấy chứng sinh", "mandatory": True},
        ],
        "online_level": "full",
        "steps": [
            {
                "name": "Tiếp nhận hồ sơ",
                "agency": "DL.DS.UBND",
                "role": "one_stop_officer",
                "hours": 2,
            },
            {"name": "Thẩm định, trình ký", "agency": "DL.DS.UBND", "hours": 4},
            {"name": "Ký giấy khai sinh", "role": "chairman", "hours": 1.5},
            {"name": "Trả kết quả", "agency": "DL.DS.UBND", "hours": 0.5},
        ],
    },
}
V2: dict[str, Any] = {
    "effective_from": "2025-07-01",
    "time_limit": {"value": 4, "unit": "working_hours"},
    "documents": [{"name": "Tờ khai đăng ký khai sinh"}],
    "steps": [{"name": "Tiếp nhận và trả kết quả", "agency": "DL.DS.UBND", "hours": 4}],
}
MONTHLY = 5_280_000
CURRENT: dict[str, Any] = {
    "actions": [{"name": "Nộp hồ sơ", "hours": 30}],
    "fees": [{"name": "Lệ phí", "amount_vnd": 100_000}],
    "other_costs_vnd": 24_000,
    "subjects_per_year": 1_000,
}
PROPOSED: dict[str, Any] = {
    "actions": [{"name": "Nộp trực tuyến", "hours": 6}],
    "fees": [{"name": "Lệ phí", "amount_vnd": 50_000}],
    "other_costs_vnd": 1_000,
    "subjects_per_year": 1_000,
    "times_per_year": 2,
}


def body(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(BIRTH)
    payload.update(changes)
    return payload


def with_version(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(BIRTH)
    payload["version"].update(changes)
    return payload


def counts() -> dict[str, int]:
    return {
        "sectors": Sector.objects.count(),
        "procedures": Procedure.objects.count(),
        "versions": ProcedureVersion.objects.count(),
        "fees": Fee.objects.count(),
        "documents": RequiredDocument.objects.count(),
        "steps": ProcessStep.objects.count(),
    }


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    found = response.json()
    assert set(found) == {"error"}
    assert found["error"]["message"]
    return dict(found["error"])


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def birth(api: Any, world: Any) -> dict[str, Any]:
    response = api("post", "/procedures", user=world.tinh_admin, data=BIRTH)
    assert response.status_code == 201, response.content
    return dict(response.json())


@pytest.fixture
def catalogue(api: Any, world: Any, birth: Any) -> None:
    """Three more procedures; the province publishes birth registration in Đô Lương's
    commune and building permits in Đô Lương, marriage in Tân Kỳ's commune."""
    for code, name, level, field in [
        ("1.000894", "Đăng ký kết hôn", "commune", "Hộ tịch"),
        ("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "district", "Xây dựng"),
        ("2.000720", "ĐĂNG KÝ THÀNH LẬP HỘ KINH DOANH", "district", "Kinh tế"),
    ]:
        payload = {**body(code=code, name=name, level=level, field=field), "version": V2}
        response = api("post", "/procedures", user=world.tinh_admin, data=payload)
        assert response.status_code == 201, response.content
    decision = services.decision_create(
        unit=world.province,
        number="512/QĐ-UBND",
        title="Công bố danh mục",
        signed_on=date(2025, 2, 20),
        effective_on=date(2025, 3, 1),
    )
    by_code = {p.code: p for p in Procedure.objects.all()}
    services.procedures_publish(
        decision=decision, procedures=[by_code["1.001193"]], unit=world.dl_commune
    )
    services.procedures_publish(
        decision=decision, procedures=[by_code["1.009994"]], unit=world.dl, agency=world.dl_tnmt
    )
    services.procedures_publish(
        decision=decision, procedures=[by_code["1.000894"]], unit=world.tk_commune
    )


# --- creating a procedure: who may ---------------------------------------------------------


WRITES = [
    ("/procedures", lambda: BIRTH),
    ("/procedures/1.001193/versions", lambda: V2),
]


@pytest.mark.parametrize(("path", "payload"), WRITES, ids=["procedures", "versions"])
def test_an_anonymous_caller_gets_401_and_nothing_is_written(api, world, birth, path, payload):
    before = counts()
    assert error(api("post", path, data=payload()), 401)["code"] == "auth.required"
    assert counts() == before


@pytest.mark.parametrize(("path", "payload"), WRITES, ids=["procedures", "versions"])
def test_a_bad_token_gets_401_and_nothing_is_written(client: Client, world, birth, path, payload):
    before = counts()
    response = client.post(
        f"/api/v1{path}",
        payload(),
        content_type="application/json",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert error(response, 401)["code"] == "auth.required"
    assert counts() == before


@pytest.mark.parametrize(("path", "payload"), WRITES, ids=["procedures", "versions"])
@pytest.mark.parametrize(
    "who", ["nobody", "dl_motcua", "dl_tnmt_cv", "dl_chutich", "dl_admin", "tk_motcua"]
)
def test_only_province_administrators_write_the_catalogue(api, world, birth, path, payload, who):
    # a district administrator keeps the district's data, not the province's catalogue
    before = counts()
    response = api("post", path, user=getattr(world, who), data=payload())
    assert error(response, 403)["code"] == "auth.forbidden"
    assert counts() == before


@pytest.mark.parametrize("who", ["tinh_admin", "root"])
def test_a_province_administrator_or_superuser_creates_a_procedure(api, world, who):
    response = api("post", "/procedures", user=getattr(world, who), data=BIRTH)
    assert response.status_code == 201, response.content
    assert response.json() == {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "commune",
        "sample": False,
        "versions": [
            {
                "number": 1,
                "effective_from": "2025-01-01",
                "effective_to": None,
                "time_limit": {"value": "1.00", "unit": "working_days"},
                "cutoff_time": "15:00",
                "pause_rule": "pause",
                "online_level": "full",
                "result_document": "",
                "legal_basis": "",
                "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount_vnd": 0}],
                "documents": [
                    {
                        "name": "Tờ khai đăng ký khai sinh",
                        "mandatory": True,
                        "form": "any",
                        "count": 1,
                    },
                    {"name": "Giấy chứng sinh", "mandatory": True, "form": "any", "count": 1},
                ],
                "steps": [
                    {
                        "index": 1,
                        "name": "Tiếp nhận hồ sơ",
                        "agency": "DL.DS.UBND",
                        "agency_name": "UBND xã Đông Sơn",
                        "unit": "42701",
                        "role": "one_stop_officer",
                        "hours": "2.00",
                    },
                    {
                        "index": 2,
                        "name": "Thẩm định, trình ký",
                        "agency": "DL.DS.UBND",
                        "agency_name": "UBND xã Đông Sơn",
                        "unit": "42701",
                        "role": "",
                        "hours": "4.00",
                    },
                    {
                        "index": 3,
                        "name": "Ký giấy khai sinh",
                        "agency": None,
                        "agency_name": None,
                        "unit": None,
                        "role": "chairman",
                        "hours": "1.50",
                    },
                    {
                        "index": 4,
                        "name": "Trả kết quả",
                        "agency": "DL.DS.UBND",
                        "agency_name": "UBND xã Đông Sơn",
                        "unit": "42701",
                        "role": "",
                        "hours": "0.50",
                    },
                ],
                "in_use": False,
            }
        ],
    }
    assert counts() == {
        "sectors": 1,
        "procedures": 1,
        "versions": 1,
        "fees": 1,
        "documents": 2,
        "steps": 4,
    }
    assert Procedure.objects.get().versions.get().created_by == getattr(world, who)


@pytest.mark.parametrize("who", ["tinh_admin", "root"])
def test_a_province_administrator_adds_a_later_version(api, world, birth, who):
    response = api("post", "/procedures/1.001193/versions", user=getattr(world, who), data=V2)
    assert response.status_code == 201, response.content
    v2 = response.json()
    assert (v2["number"], v2["effective_from"], v2["effective_to"]) == (2, "2025-07-01", None)
    assert v2["time_limit"] == {"value": "4.00", "unit": "working_hours"}
    assert [s["name"] for s in v2["steps"]] == ["Tiếp nhận và trả kết quả"]
    versions = api("get", "/procedures/1.001193").json()["versions"]
    assert [(v["number"], v["effective_from"], v["effective_to"]) for v in versions] == [
        (1, "2025-01-01", "2025-06-30"),
        (2, "2025-07-01", None),
    ]


# --- bad input: one error shape, nothing written ---------------------------------------------


BAD_PROCEDURES = {
    "unknown level": (
        body(level="hamlet"),
        "procedure.invalid",
        {"level": ["Unknown level hamlet."]},
    ),
    "unknown step agency": (
        with_version(
            steps=[
                {"name": "Tiếp nhận", "agency": "DL.MC", "hours": 1},
                {"name": "Thẩm định", "agency": "XX.NOPE", "hours": 1},
            ]
        ),
        "procedure.invalid_version",
        {"version.steps.1.agency": ["Unknown agency XX.NOPE."]},
    ),
    "steps over the limit": (
        with_version(steps=[{"name": "Thẩm định", "agency": "DL.DS.UBND", "hours": "8.5"}]),
        "procedure.invalid_version",
        {"version.steps": ["The steps take 8.5 working hours, more than the limit of 8."]},
    ),
    "unknown limit unit": (
        with_version(time_limit={"value": 1, "unit": "calendar_days"}),
        "procedure.invalid_version",
        {"version.time_limit.unit": ["Choose working_days or working_hours."]},
    ),
    "unknown role": (
        with_version(steps=[{"name": "Ký", "role": "mayor", "hours": 1}]),
        "procedure.invalid_version",
        {"version.steps.0.role": ["Unknown role."]},
    ),
    "duplicate documents": (
        with_version(documents=[{"name": "Tờ khai"}, {"name": "TỜ KHAI"}]),
        "procedure.invalid_version",
        {"version.documents.1.name": ["The same document is listed twice."]},
    ),
    "bad pause rule and online level": (
        with_version(pause_rule="stop", online_level="level4"),
        "procedure.invalid_version",
        {
            "version.pause_rule": ["Choose pause or restart."],
            "version.online_level": ["Choose full, partial or none."],
        },
    ),
    "cut-off 25:00": (
        with_version(cutoff_time="25:00"),
        "request.bad_clock",
        {"version.cutoff_time": ["Not a time of day."]},
    ),
    "blank code": (body(code="  "), "procedure.invalid", {"code": ["This field is required."]}),
}


@pytest.mark.parametrize(
    ("payload", "code", "fields"), BAD_PROCEDURES.values(), ids=BAD_PROCEDURES.keys()
)
def test_a_bad_procedure_is_refused_naming_its_fields_and_nothing_is_written(
    api, world, settings, payload, code, fields
):
    settings.LANGUAGE_CODE = "en"
    before = counts()
    response = api("post", "/procedures", user=world.tinh_admin, data=payload)
    found = error(response, 400)
    assert (found["code"], found["fields"]) == (code, fields)
    assert counts() == before


SCHEMA_ERRORS = {
    "negative limit": (
        with_version(time_limit={"value": -1, "unit": "working_days"}),
        "version.time_limit.value",
    ),
    "limit not a number": (
        with_version(time_limit={"value": "ba", "unit": "working_days"}),
        "version.time_limit.value",
    ),
    "cut-off 9:00": (with_version(cutoff_time="9:00"), "version.cutoff_time"),
    "cut-off 15h": (with_version(cutoff_time="15h00"), "version.cutoff_time"),
    "negative step hours": (
        with_version(steps=[{"name": "Ký", "role": "chairman", "hours": -1}]),
        "version.steps.0.hours",
    ),
    "negative fee": (
        with_version(fees=[{"name": "Lệ phí", "amount_vnd": -8000}]),
        "version.fees.0.amount_vnd",
    ),
    "no version": ({k: v for k, v in BIRTH.items() if k != "version"}, "version"),
    "effective_from not a date": (
        with_version(effective_from="01/01/2025"),
        "version.effective_from",
    ),
    "empty name": (body(name=""), "name"),
}


@pytest.mark.parametrize(("payload", "field"), SCHEMA_ERRORS.values(), ids=SCHEMA_ERRORS.keys())
def test_a_malformed_procedure_is_refused_by_the_schema_and_nothing_is_written(
    api, world, payload, field
):
    before = counts()
    found = error(api("post", "/procedures", user=world.tinh_admin, data=payload), 400)
    assert found["code"] == "request.invalid"
    assert list(found["fields"]) == [field]
    assert counts() == before


def test_a_duplicate_code_is_409_and_nothing_is_written(api, world, birth):
    before = counts()
    again = body(field="Tư pháp", name="Đăng ký khai sinh lần hai")  # a new sector too
    found = error(api("post", "/procedures", user=world.tinh_admin, data=again), 409)
    assert found["code"] == "procedure.duplicate_code"
    assert list(found["fields"]) == ["code"]
    assert counts() == before
    assert list(Sector.objects.values_list("code", flat=True)) == ["ho-tich"]


def test_a_version_starting_on_or_before_the_latest_is_409_and_nothing_changes(api, world, birth):
    before = counts()
    response = api(
        "post",
        "/procedures/1.001193/versions",
        user=world.tinh_admin,
        data={**V2, "effective_from": "2025-01-01"},
    )
    found = error(response, 409)
    assert found["code"] == "procedure.version_overlap"
    assert list(found["fields"]) == ["version.effective_from"]
    assert counts() == before
    assert ProcedureVersion.objects.get().effective_to is None


def test_a_bad_version_is_400_and_the_previous_one_keeps_running(api, world, birth):
    before = counts()
    response = api(
        "post",
        "/procedures/1.001193/versions",
        user=world.tinh_admin,
        data={**V2, "steps": [{"name": "Thẩm định", "agency": "DL.DS.UBND", "hours": 5}]},
    )
    found = error(response, 400)
    assert found["code"] == "procedure.invalid_version"
    assert list(found["fields"]) == ["version.steps"]
    assert counts() == before
    assert ProcedureVersion.objects.get().effective_to is None


def test_a_version_of_an_unknown_procedure_is_404(api, world):
    response = api("post", "/procedures/9.999999/versions", user=world.tinh_admin, data=V2)
    assert error(response, 404)["code"] == "procedure.not_found"
    assert ProcedureVersion.objects.count() == 0


# --- reading the catalogue: public ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/procedures", None),
        ("/procedures/1.001193", None),
        ("/procedures/1.001193/in-force", {"at": "2025-03-01T09:00:00+07:00"}),
        ("/units/427/catalogue", None),
    ],
)
@pytest.mark.parametrize("who", [None, "nobody", "tk_motcua"])
def test_the_catalogue_is_public(api, world, catalogue, path, query, who):
    user = getattr(world, who) if who else None
    assert api("get", path, user=user, data=query).status_code == 200


def test_a_procedure_is_read_with_all_its_versions(api, world, birth):
    api("post", "/procedures/1.001193/versions", user=world.tinh_admin, data=V2)
    response = api("get", "/procedures/1.001193")
    assert response.status_code == 200
    found = response.json()
    assert found["code"] == "1.001193"
    assert [v["number"] for v in found["versions"]] == [1, 2]
    assert found["versions"][0] == {**birth["versions"][0], "effective_to": "2025-06-30"}


def test_an_unknown_procedure_is_404(api, world):
    assert error(api("get", "/procedures/9.999999"), 404)["code"] == "procedure.not_found"


def test_the_list_is_paginated_by_code(api, world, catalogue):
    first = api("get", "/procedures", data={"limit": 3})
    assert codes(first) == ["1.000894", "1.001193", "1.009994"]
    assert first.json()["items"][0] == {
        "code": "1.000894",
        "name": "Đăng ký kết hôn",
        "field": "Hộ tịch",
        "level": "commune",
        "sample": False,
    }
    cursor = first.json()["next"]
    assert cursor
    second = api("get", "/procedures", data={"limit": 3, "cursor": cursor})
    assert codes(second) == ["2.000720"]
    assert second.json()["next"] is None


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 501}, {"cursor": "!!"}])
def test_a_bad_page_request_is_400(api, world, catalogue, query):
    assert error(api("get", "/procedures", data=query), 400)["code"].startswith("request.bad_")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dang ky khai sinh", ["1.001193"]),
        ("Đăng ký khai sinh", ["1.001193"]),
        ("DANG   KY", ["1.000894", "1.001193", "2.000720"]),
        ("ho kinh doanh", ["2.000720"]),
        ("khai sinh ket hon", []),
        ("1.009994", ["1.009994"]),
    ],
)
def test_the_query_folds_diacritics_case_and_spaces(api, world, catalogue, q, expected):
    assert codes(api("get", "/procedures", data={"q": q})) == expected


def test_the_list_filters_by_level_field_and_unit(api, world, catalogue):
    assert codes(api("get", "/procedures", data={"level": "district"})) == [
        "1.009994",
        "2.000720",
    ]
    assert codes(api("get", "/procedures", data={"field": "ho-tich"})) == ["1.000894", "1.001193"]
    # the field as the API writes it, by its name
    assert codes(api("get", "/procedures", data={"field": "Hộ tịch"})) == ["1.000894", "1.001193"]
    assert codes(api("get", "/procedures", data={"unit": "427"})) == ["1.001193", "1.009994"]
    assert codes(api("get", "/procedures", data={"unit": "42301"})) == ["1.000894"]
    assert codes(api("get", "/procedures", data={"unit": "427", "q": "dang ky"})) == ["1.001193"]


def test_filtering_by_an_unknown_unit_is_404(api, world, catalogue):
    assert error(api("get", "/procedures", data={"unit": "999"}), 404)["code"] == (
        "org.unit_not_found"
    )


def test_the_list_costs_the_same_queries_for_one_or_many_procedures(
    api, world, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert len(codes(api("get", "/procedures", data={"limit": 1}))) == 1
    with django_assert_num_queries(1):
        assert len(codes(api("get", "/procedures"))) == 4


def test_a_procedure_with_its_versions_costs_a_fixed_number_of_queries(
    api, world, birth, django_assert_num_queries
):
    api("post", "/procedures/1.001193/versions", user=world.tinh_admin, data=V2)
    # the procedure, its versions, then their fees, documents and steps
    with django_assert_num_queries(5):
        assert api("get", "/procedures/1.001193").status_code == 200


# --- the version in force at a moment -----------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "number"),
    [
        ("2025-06-30T23:59:00+07:00", 1),
        ("2025-07-01T00:00:00+07:00", 2),
        ("2025-06-30T16:59:00Z", 1),
        ("2025-06-30T17:00:00+00:00", 2),
        ("2025-07-01T00:00:00 07:00", 2),  # "+" unescaped in a query string arrives as " "
    ],
)
def test_the_version_in_force_changes_at_midnight_in_vietnam(api, world, birth, at, number):
    api("post", "/procedures/1.001193/versions", user=world.tinh_admin, data=V2)
    response = api("get", "/procedures/1.001193/in-force", data={"at": at})
    assert response.status_code == 200, response.content
    assert response.json()["number"] == number


def test_a_time_without_an_offset_is_400(api, world, birth):
    found = error(api("get", "/procedures/1.001193/in-force", data={"at": "2025-07-01T08:00"}), 400)
    assert found["code"] == "request.naive_time"
    assert list(found["fields"]) == ["at"]


@pytest.mark.parametrize(
    ("query", "code"), [({"at": "mai"}, "request.bad_time"), ({}, "request.invalid")]
)
def test_a_missing_or_unreadable_time_is_400(api, world, birth, query, code):
    assert error(api("get", "/procedures/1.001193/in-force", data=query), 400)["code"] == code


def test_no_version_in_force_before_the_first_one_is_404(api, world, birth):
    response = api("get", "/procedures/1.001193/in-force", data={"at": "2024-12-31T23:59:00+07:00"})
    assert error(response, 404)["code"] == "procedure.no_version_in_force"


# --- a unit's catalogue ------------------------------------------------------------------------


def test_a_units_catalogue_counts_its_procedures_by_level(api, world, catalogue):
    assert api("get", "/units/427/catalogue", data={"at": "2025-09-01"}).json() == {
        "unit": "427",
        "total": 2,
        "by_level": {"district": 1, "commune": 1},
        "proposals": 0,
    }
    assert api("get", "/units/40/catalogue", data={"at": "2025-09-01"}).json() == {
        "unit": "40",
        "total": 3,
        "by_level": {"district": 1, "commune": 2},
        "proposals": 0,
    }
    assert api("get", "/units/427/catalogue", data={"at": "2025-02-28"}).json()["total"] == 0


def test_a_units_catalogue_refuses_an_unknown_unit_and_a_bad_date(api, world):
    assert error(api("get", "/units/999/catalogue"), 404)["code"] == "org.unit_not_found"
    found = error(api("get", "/units/427/catalogue", data={"at": "01/09/2025"}), 400)
    assert found["code"] == "request.bad_date"


# --- the compliance-cost calculator --------------------------------------------------------------


def test_the_compliance_cost_calculator_needs_a_signed_in_caller(api, world):
    response = api(
        "post", "/compliance-cost", data={"year": 2025, "current": CURRENT, "proposed": PROPOSED}
    )
    assert error(response, 401)["code"] == "auth.required"


@pytest.mark.parametrize("who", ["nobody", "dl_motcua", "tinh_admin"])
def test_the_calculator_answers_what_costs_compare_computes(api, world, who):
    services.income_parameter_set(year=2025, monthly_income_vnd=MONTHLY, source="GSO 2024")
    response = api(
        "post",
        "/compliance-cost",
        user=getattr(world, who),
        data={"year": 2025, "current": CURRENT, "proposed": PROPOSED},
    )
    assert response.status_code == 200, response.content
    expected = costs.compare(costs.parse_inputs(CURRENT), costs.parse_inputs(PROPOSED), MONTHLY)
    assert response.json() == expected.as_dict()
    assert response.json()["before"]["once_vnd"] == 1_024_000
    assert response.json()["after"]["once_vnd"] == 231_000
    assert response.json()["saving_rate_percent"] == "77.44"
    # after: 231,000 x 1,000 subjects x 2 times; before: 1,024,000 x 1,000 x 1
    assert response.json()["saving_per_year_vnd"] == 562_000_000
    assert response.json()["saving_rate_per_year_percent"] == "54.88"


def test_the_calculator_names_bad_inputs(api, world, settings):
    settings.LANGUAGE_CODE = "en"
    services.income_parameter_set(year=2025, monthly_income_vnd=MONTHLY, source="GSO 2024")
    response = api(
        "post",
        "/compliance-cost",
        user=world.nobody,
        data={
            "year": 2025,
            "current": {**CURRENT, "actions": [{"name": "Nộp", "hours": -3}]},
            "proposed": {**PROPOSED, "fees": [{"name": "Lệ phí", "amount_vnd": "1.5"}]},
        },
    )
    found = error(response, 400)
    assert found["code"] == "proposal.invalid_costs"
    assert found["fields"] == {
        "current.actions.0.hours": ["Must be a number of at least 0."],
        "proposed.fees.0.amount_vnd": ["Must be a whole number."],
    }


def test_the_calculator_needs_the_income_of_the_year(api, world):
    response = api(
        "post",
        "/compliance-cost",
        user=world.nobody,
        data={"year": 2019, "current": CURRENT, "proposed": PROPOSED},
    )
    found = error(response, 400)
    assert found["code"] == "proposal.no_income_parameter"
    assert list(found["fields"]) == ["year"]
