"""API conventions (API.md): one error shape, cursor pagination, UTF-8 JSON."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from motcua.api.pagination import paginate
from motcua.core.errors import ValidationFailed
from motcua.org import services
from motcua.org.models import AdministrativeUnit, Official, UnitLevel
from tests.conftest import PASSWORD


def token_for(client: Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return str(response.json()["token"])


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "fields"?}} and nothing else."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    if "fields" in error:
        assert error["fields"]
        for messages in error["fields"].values():
            assert messages
            assert all(isinstance(m, str) and m for m in messages)
    return dict(error)


def encode_cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# --- malformed bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("body", ["{bad", '{"code": "1",', "\xff", "null garbage"])
def test_a_malformed_json_body_is_400_in_the_error_shape_and_writes_nothing(
    client: Client, world, body
):
    token = token_for(client, "root")
    before = AdministrativeUnit.objects.count()
    response = client.post(
        "/api/v1/units",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error_shape(response, 400, "request.malformed")
    assert AdministrativeUnit.objects.count() == before


def test_a_malformed_json_body_on_the_token_endpoint_is_400_in_the_error_shape(client, db):
    response = client.post("/api/v1/auth/token", "{bad", content_type="application/json")
    assert_error_shape(response, 400, "request.malformed")


def test_a_json_body_of_the_wrong_type_is_400_with_the_missing_fields(client, world):
    token = token_for(client, "root")
    before = AdministrativeUnit.objects.count()
    response = client.post(
        "/api/v1/units",
        "[1, 2]",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    error = assert_error_shape(response, 400, "request.invalid")
    assert set(error["fields"]) == {"code", "name", "level"}
    assert AdministrativeUnit.objects.count() == before


def test_an_empty_body_is_400_naming_every_required_field(api, world):
    response = api("post", "/agencies", user=world.root, data={})
    error = assert_error_shape(response, 400, "request.invalid")
    assert set(error["fields"]) == {"code", "name", "unit", "kind"}


def test_a_field_of_the_wrong_type_is_400_naming_it(api, world):
    body = {"code": "X", "name": "X", "level": "commune", "parent": "427", "valid_from": "soon"}
    error = assert_error_shape(
        api("post", "/units", user=world.root, data=body), 400, "request.invalid"
    )
    assert set(error["fields"]) == {"valid_from"}


def test_domain_errors_and_auth_errors_share_the_shape(api, world):
    assert_error_shape(api("get", "/agencies"), 401, "auth.required")
    assert_error_shape(
        api("post", "/units", user=world.nobody, data={"code": "1", "name": "x", "level": "x"}),
        403,
        "auth.forbidden",
    )
    assert_error_shape(api("get", "/agencies/NOPE", user=world.root), 404, "org.agency_not_found")
    assert_error_shape(
        api(
            "post", "/units", user=world.root, data={"code": "40", "name": "x", "level": "province"}
        ),
        409,
        "org.duplicate_code",
    )


# --- pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "////",
        base64.urlsafe_b64encode(b"not json").decode(),
        encode_cursor({"code": "40"}),
        encode_cursor(["40", "41"]),
        encode_cursor([]),
        encode_cursor([None]),
        encode_cursor([{"a": 1}]),
        encode_cursor([[1]]),
        encode_cursor([True]),
    ],
    ids=[
        "not-base64",
        "slashes",
        "not-json",
        "an-object",
        "two-values",
        "no-value",
        "null",
        "nested-object",
        "nested-list",
        "boolean",
    ],
)
def test_a_bad_cursor_is_400_naming_the_cursor(api, world, cursor):
    response = api("get", "/units", user=world.root, data={"cursor": cursor})
    error = assert_error_shape(response, 400, "request.bad_cursor")
    assert set(error["fields"]) == {"cursor"}


def test_a_cursor_value_of_the_wrong_type_for_its_key_is_400(world):
    cursor = encode_cursor(["not-a-number"])
    with pytest.raises(ValidationFailed) as caught:
        paginate(
            Official.objects.all(), keys=["pk"], cursor=cursor, limit=10, serialize=lambda o: o.pk
        )
    assert caught.value.code == "request.bad_cursor"
    assert caught.value.status == 400


@pytest.mark.parametrize("limit", [0, -1, 501, 10_000])
def test_a_limit_outside_1_to_500_is_400_naming_the_limit(api, world, limit):
    response = api("get", "/units", user=world.root, data={"limit": limit})
    error = assert_error_shape(response, 400, "request.bad_limit")
    assert set(error["fields"]) == {"limit"}


def test_a_limit_that_is_not_a_number_is_400_naming_the_limit(api, world):
    response = api("get", "/units", user=world.root, data={"limit": "many"})
    error = assert_error_shape(response, 400, "request.invalid")
    assert set(error["fields"]) == {"limit"}


@pytest.mark.parametrize(("limit", "size"), [(1, 1), (500, 5)])
def test_limits_of_1_and_500_are_accepted(api, world, limit, size):
    response = api("get", "/units", user=world.root, data={"limit": limit})
    assert response.status_code == 200
    assert len(response.json()["items"]) == size


def walk(api: Any, user: Official, path: str, limit: int, key: str) -> list[list[str]]:
    """Every page of ``path`` from the first to the one whose ``next`` is null."""
    pages: list[list[str]] = []
    params: dict[str, Any] = {"limit": limit}
    for _ in range(100):
        response = api("get", path, user=user, data=params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"items", "next"}
        pages.append([item[key] for item in body["items"]])
        if body["next"] is None:
            return pages
        params = {"limit": limit, "cursor": body["next"]}
    pytest.fail("pagination did not end")


def test_walking_units_two_at_a_time_returns_every_unit_exactly_once(api, world):
    pages = walk(api, world.root, "/units", 2, "code")
    assert [len(page) for page in pages] == [2, 2, 1]
    codes = [code for page in pages for code in page]
    assert sorted(codes) == sorted(AdministrativeUnit.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 5


def test_a_page_that_ends_exactly_at_the_last_row_has_no_next(api, world):
    pages = walk(api, world.root, "/units", 5, "code")
    assert [len(page) for page in pages] == [5]


@pytest.mark.parametrize(
    ("path", "key", "total"), [("/agencies", "code", 7), ("/officials", "username", 8)]
)
def test_walking_agencies_and_officials_returns_every_row_exactly_once(
    api, world, path, key, total
):
    pages = walk(api, world.root, path, 3, key)
    values = [value for page in pages for value in page]
    assert len(values) == len(set(values)) == total
    assert pages[-1]
    assert all(len(page) == 3 for page in pages[:-1])


def test_a_row_added_behind_the_cursor_is_not_repeated_and_one_ahead_is_reached(api, world):
    first = api("get", "/units", user=world.root, data={"limit": 2}).json()
    seen = [unit["code"] for unit in first["items"]]
    commune = UnitLevel.objects.get(code="commune")
    # "0..." sorts before every code already seen, "9..." after all of them
    services.unit_create(code="000", name="Trước", level=commune, parent=world.dl)
    services.unit_create(code="999", name="Sau", level=commune, parent=world.dl)
    cursor = first["next"]
    while cursor:
        page = api("get", "/units", user=world.root, data={"limit": 2, "cursor": cursor}).json()
        seen += [unit["code"] for unit in page["items"]]
        cursor = page["next"]
    assert "000" not in seen
    assert "999" in seen
    assert len(seen) == len(set(seen)) == 6


def test_the_default_page_holds_50_items(api, world):
    commune = UnitLevel.objects.get(code="commune")
    for n in range(50):
        services.unit_create(code=f"5{n:03d}", name=f"Xã {n}", level=commune, parent=world.dl)
    response = api("get", "/units", user=world.root)
    body = response.json()
    assert len(body["items"]) == 50
    assert body["next"] is not None
    rest = api("get", "/units", user=world.root, data={"cursor": body["next"]}).json()
    assert len(rest["items"]) == 5
    assert rest["next"] is None


# --- encoding -----------------------------------------------------------------------------


def test_vietnamese_names_arrive_as_readable_utf8(api, world):
    response = api("get", "/units/427", user=world.root)
    assert response["Content-Type"].startswith("application/json")
    assert "Huyện Đô Lương".encode() in response.content
    assert b"\\u" not in response.content


def test_an_unknown_api_path_is_404_in_the_error_shape(client, db):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_405_in_the_error_shape_and_names_the_allowed_ones(client, db):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_pages_outside_the_api_keep_their_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
