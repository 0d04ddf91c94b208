"""A small named world of people, built through the real services.

- Nghệ An province with Đô Lương and Tân Kỳ districts, a commune in each;
- ``dl_motcua``: one-stop officer of Đô Lương; ``dl_tnmt_cv``: handling official of
  Đô Lương's land division; ``dl_chutich``: chairman of Đô Lương (sees the district);
- ``tk_motcua``: one-stop officer of Tân Kỳ (the "wrong agency" for Đô Lương work);
- ``dl_admin``: administrator of Đô Lương; ``tinh_admin``: administrator of the province
  (may edit the national calendar); ``nobody``: an official with no role;
- ``root``: a Django superuser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from motcua.org import services
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, Official, Role, UnitLevel

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    province: AdministrativeUnit
    dl: AdministrativeUnit
    tk: AdministrativeUnit
    dl_commune: AdministrativeUnit
    tk_commune: AdministrativeUnit
    ubnd_tinh: Agency
    dl_ubnd: Agency
    dl_one_stop: Agency
    dl_tnmt: Agency
    dl_commune_ubnd: Agency
    tk_ubnd: Agency
    tk_one_stop: Agency
    dl_motcua: Official
    dl_tnmt_cv: Official
    dl_chutich: Official
    dl_admin: Official
    tk_motcua: Official
    tinh_admin: Official
    nobody: Official
    root: Official


def _level(code: str) -> UnitLevel:
    return UnitLevel.objects.get(code=code)


def _official(username: str, full_name: str, roles: list[tuple[Agency, str]]) -> Official:
    return services.official_create(
        username=username,
        full_name=full_name,
        password=PASSWORD,
        roles=[services.RoleSpec(agency=a, role=r) for a, r in roles],
    )


@pytest.fixture
def world(db: Any) -> World:
    since = date(2000, 1, 1)
    province = services.unit_create(
        code="40", name="Tỉnh Nghệ An", level=_level("province"), parent=None, valid_from=since
    )
    dl = services.unit_create(
        code="427",
        name="Huyện Đô Lương",
        level=_level("district"),
        parent=province,
        valid_from=since,
    )
    tk = services.unit_create(
        code="423", name="Huyện Tân Kỳ", level=_level("district"), parent=province, valid_from=since
    )
    dl_commune = services.unit_create(
        code="42701", name="Xã Đông Sơn", level=_level("commune"), parent=dl, valid_from=since
    )
    tk_commune = services.unit_create(
        code="42301", name="Xã Kỳ Sơn", level=_level("commune"), parent=tk, valid_from=since
    )
    ubnd_tinh = services.agency_create(
        code="T.UBND", name="UBND tỉnh Nghệ An", unit=province, kind=AgencyKind.PEOPLE_COMMITTEE
    )
    dl_ubnd = services.agency_create(
        code="DL.UBND", name="UBND huyện Đô Lương", unit=dl, kind=AgencyKind.PEOPLE_COMMITTEE
    )
    dl_one_stop = services.agency_create(
        code="DL.MC", name="Bộ phận Một cửa Đô Lương", unit=dl, kind=AgencyKind.ONE_STOP
    )
    dl_tnmt = services.agency_create(
        code="DL.TNMT", name="Phòng Tài nguyên và Môi trường", unit=dl, kind=AgencyKind.DIVISION
    )
    dl_commune_ubnd = services.agency_create(
        code="DL.DS.UBND",
        name="UBND xã Đông Sơn",
        unit=dl_commune,
        kind=AgencyKind.PEOPLE_COMMITTEE,
    )
    tk_ubnd = services.agency_create(
        code="TK.UBND", name="UBND huyện Tân Kỳ", unit=tk, kind=AgencyKind.PEOPLE_COMMITTEE
    )
    tk_one_stop = services.agency_create(
        code="TK.MC", name="Bộ phận Một cửa Tân Kỳ", unit=tk, kind=AgencyKind.ONE_STOP
    )
    root = Official.objects.create_superuser(username="root", password=PASSWORD, email="r@x.vn")
    return World(
        province=province,
        dl=dl,
        tk=tk,
        dl_commune=dl_commune,
        tk_commune=tk_commune,
        ubnd_tinh=ubnd_tinh,
        dl_ubnd=dl_ubnd,
        dl_one_stop=dl_one_stop,
        dl_tnmt=dl_tnmt,
        dl_commune_ubnd=dl_commune_ubnd,
        tk_ubnd=tk_ubnd,
        tk_one_stop=tk_one_stop,
        dl_motcua=_official("dl.motcua", "Phạm Thị Hoa", [(dl_one_stop, Role.ONE_STOP_OFFICER)]),
        dl_tnmt_cv=_official("dl.tnmt.cv", "Ngô Thị Lan", [(dl_tnmt, Role.HANDLING_OFFICIAL)]),
        dl_chutich=_official("dl.chutich", "Trần Đình Long", [(dl_ubnd, Role.CHAIRMAN)]),
        dl_admin=_official("dl.admin", "Lê Thị Mai", [(dl_ubnd, Role.ADMINISTRATOR)]),
        tk_motcua=_official(
            "tk.motcua", "Nguyễn Thị Hương", [(tk_one_stop, Role.ONE_STOP_OFFICER)]
        ),
        tinh_admin=_official("tinh.admin", "Phan Thị Ngọc", [(ubnd_tinh, Role.ADMINISTRATOR)]),
        nobody=_official("nobody", "Không Vai Trò", []),
        root=root,
    )


@pytest.fixture
def api(client: Client) -> Callable[..., Any]:
    """``api(method, path, user=None, **json)``: call /api/v1 with a bearer token for ``user``."""
    tokens: dict[str, str] = {}

    def call(method: str, path: str, user: Official | None = None, data: Any = None) -> Any:
        headers: dict[str, str] = {}
        if user is not None:
            if user.username not in tokens:
                response = client.post(
                    "/api/v1/auth/token",
                    {"username": user.username, "password": PASSWORD},
                    content_type="application/json",
                )
                assert response.status_code == 200, response.content
                tokens[user.username] = response.json()["token"]
            headers["Authorization"] = f"Bearer {tokens[user.username]}"
        url = f"/api/v1{path}"
        if method == "get":
            return client.get(url, data, headers=headers)
        return getattr(client, method)(
            url, data if data is not None else {}, content_type="application/json", headers=headers
        )

    return call
