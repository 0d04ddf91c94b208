"""The demo loader: the organisation of the seed document, idempotent, every login working."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Model
from django.test import Client

from motcua.org.demo import DEMO_PASSWORD, load_demo_organisation
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    CommitteeMembership,
    CommitteeRole,
    Official,
    Position,
    Role,
    RoleGrant,
)
from motcua.workcalendar.models import CalendarOverride, WorkCalendar

MODELS: list[type[Model]] = [
    AdministrativeUnit,
    Agency,
    Official,
    Position,
    RoleGrant,
    CommitteeMembership,
    WorkCalendar,
    CalendarOverride,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", "--no-dossiers", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> None:
    seed()


def test_seeding_twice_creates_the_same_rows_as_seeding_once(db):
    seed()
    once = counts()
    assert all(once.values()), once
    seed()
    assert counts() == once


def test_quiet_logins_prints_no_password(db):
    output = seed()
    assert DEMO_PASSWORD not in output
    assert output.strip()


def test_the_logins_are_printed_with_the_password_otherwise(db):
    out = StringIO()
    call_command("seed_demo", "--no-dossiers", stdout=out)
    assert DEMO_PASSWORD in out.getvalue()
    assert "dl.motcua" in out.getvalue()


def test_the_province_has_do_luong_and_tan_ky(demo):
    province = AdministrativeUnit.objects.get(code="40")
    assert province.level.code == "province"
    assert province.parent is None
    districts = AdministrativeUnit.objects.filter(parent=province, level__code="district")
    assert dict(districts.values_list("code", "name")) == {
        "427": "Huyện Đô Lương",
        "423": "Huyện Tân Kỳ",
    }


@pytest.mark.parametrize("code", ["427", "423"])
def test_each_district_has_communes_a_one_stop_shop_and_a_peoples_committee(demo, code):
    district = AdministrativeUnit.objects.get(code=code)
    communes = AdministrativeUnit.objects.filter(parent=district, level__code="commune")
    assert communes.count() >= 4
    kinds = set(Agency.objects.filter(unit=district).values_list("kind", flat=True))
    assert {AgencyKind.ONE_STOP, AgencyKind.PEOPLE_COMMITTEE} <= kinds
    assert Agency.objects.filter(unit=district, kind=AgencyKind.PEOPLE_COMMITTEE).count() == 1
    # every commune has its own People's Committee
    for commune in communes:
        assert commune.agencies.filter(kind=AgencyKind.PEOPLE_COMMITTEE).count() == 1


@pytest.mark.parametrize(("code", "secretary"), [("427", "dl.bithu"), ("423", "tk.bithu")])
def test_the_party_secretary_heads_the_steering_committee_and_its_working_group(
    demo, code, secretary
):
    committees = Agency.objects.filter(unit__code=code, kind=AgencyKind.COMMITTEE)
    steering = committees.get(parent__isnull=True)
    group = committees.get(parent=steering)
    for committee in [steering, group]:
        head = CommitteeMembership.objects.get(committee=committee, role=CommitteeRole.HEAD)
        assert head.official.username == secretary
        assert head.valid_to is None


def test_every_role_is_granted_to_at_least_one_demo_official(demo):
    granted = set(RoleGrant.objects.values_list("role", flat=True))
    assert granted == set(Role.values)


def test_the_2025_commune_succeeds_the_three_merged_communes(demo):
    new = AdministrativeUnit.objects.get(code="42799")
    assert new.level.code == "commune"
    assert new.parent is not None
    assert new.parent.code == "40"
    assert new.valid_from == date(2025, 7, 1)
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["42701", "42702", "42703"]
    for old in new.predecessors.all():
        assert old.valid_to == date(2025, 6, 30)
        assert list(old.successors.values_list("code", flat=True)) == ["42799"]
        assert old.parent is not None
        assert old.parent.code == "427"


def test_every_demo_login_works_with_the_demo_password(demo):
    logins = load_demo_organisation().logins
    usernames = {login.username for login in logins}
    assert usernames == set(Official.objects.values_list("username", flat=True))
    for username in sorted(usernames):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_a_demo_one_stop_officer_signs_in_to_the_api_and_sees_their_shop(demo, client: Client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "dl.motcua", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    agencies = client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"})
    assert [a["name"] for a in agencies.json()["items"]] == [
        "Bộ phận tiếp nhận và trả kết quả huyện Đô Lương"
    ]


def test_the_demo_superuser_is_admin(demo):
    admin = Official.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
