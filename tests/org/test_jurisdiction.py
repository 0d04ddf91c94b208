"""Jurisdiction: which agencies and officials an official may see, and what they administer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from motcua.core.errors import ValidationFailed
from motcua.org import selectors, services
from motcua.org.models import Official, Role, RoleGrant
from tests.conftest import PASSWORD


def codes(queryset) -> list[str]:
    return sorted(queryset.values_list("code", flat=True))


def usernames(queryset) -> list[str]:
    return sorted(queryset.values_list("username", flat=True))


def test_an_official_sees_the_agency_of_their_role(world):
    assert codes(selectors.agencies_visible(official=world.dl_motcua)) == ["DL.MC"]
    assert codes(selectors.agencies_visible(official=world.dl_tnmt_cv)) == ["DL.TNMT"]


@pytest.mark.parametrize(
    "role",
    [
        Role.CHAIRMAN,
        Role.INSPECTOR,
        Role.REFORM_ADVISOR,
        Role.AP_CONTROL_CONTACT,
        Role.ADMINISTRATOR,
    ],
)
def test_a_unit_wide_role_sees_every_agency_of_the_unit_and_its_sub_units(world, role):
    official = services.official_create(
        username="dl.x",
        full_name="Người X",
        password=PASSWORD,
        roles=[services.RoleSpec(agency=world.dl_ubnd, role=role)],
    )
    assert codes(selectors.agencies_visible(official=official)) == [
        "DL.DS.UBND",
        "DL.MC",
        "DL.TNMT",
        "DL.UBND",
    ]


@pytest.mark.parametrize(
    "role", [Role.ONE_STOP_OFFICER, Role.HANDLING_OFFICIAL, Role.UNIT_HEAD, Role.LEGAL_OFFICER]
)
def test_an_agency_role_sees_only_its_agency(world, role):
    official = services.official_create(
        username="dl.y",
        full_name="Người Y",
        password=PASSWORD,
        roles=[services.RoleSpec(agency=world.dl_ubnd, role=role)],
    )
    assert codes(selectors.agencies_visible(official=official)) == ["DL.UBND"]


def test_a_province_wide_role_reaches_every_district_and_commune(world):
    assert len(codes(selectors.agencies_visible(official=world.tinh_admin))) == 7


def test_a_district_path_prefix_does_not_leak_into_a_sibling_with_a_longer_id(world):
    # /1/4/ must not match /1/40/: the path ends with a slash for that reason
    paths = [world.dl.path, world.tk.path]
    assert all(path.endswith("/") for path in paths)
    assert "TK.MC" not in codes(selectors.agencies_visible(official=world.dl_chutich))


def test_several_roles_add_up(world):
    services.role_grant(
        official=world.dl_motcua, agency=world.tk_one_stop, role=Role.ONE_STOP_OFFICER
    )
    assert codes(selectors.agencies_visible(official=world.dl_motcua)) == ["DL.MC", "TK.MC"]


def test_a_role_that_ended_yesterday_gives_nothing(world):
    RoleGrant.objects.filter(official=world.dl_chutich).update(
        valid_to=timezone.localdate() - timedelta(days=1)
    )
    assert codes(selectors.agencies_visible(official=world.dl_chutich)) == []
    assert usernames(selectors.officials_visible(official=world.dl_chutich)) == ["dl.chutich"]
    assert selectors.official_role_codes(official=world.dl_chutich) == set()


def test_a_role_that_starts_tomorrow_gives_nothing_yet(world):
    official = services.official_create(username="dl.sau", full_name="Sau", password=PASSWORD)
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.role_grant(
        official=official, agency=world.dl_ubnd, role=Role.CHAIRMAN, valid_from=tomorrow
    )
    assert codes(selectors.agencies_visible(official=official)) == []
    assert len(codes(selectors.agencies_visible(official=official, at=tomorrow))) == 4


def test_a_role_ending_today_still_counts_today(world):
    RoleGrant.objects.filter(official=world.dl_motcua).update(valid_to=timezone.localdate())
    assert codes(selectors.agencies_visible(official=world.dl_motcua)) == ["DL.MC"]


def test_an_inactive_official_sees_and_administers_nothing(world):
    Official.objects.filter(username__in=["dl.chutich", "dl.admin"]).update(is_active=False)
    chairman = Official.objects.get(username="dl.chutich")
    admin = Official.objects.get(username="dl.admin")
    assert codes(selectors.agencies_visible(official=chairman)) == []
    assert not selectors.can_administer_unit(official=admin, unit=world.dl)


def test_a_superuser_sees_every_agency_and_official(world):
    assert len(codes(selectors.agencies_visible(official=world.root))) == 7
    assert len(usernames(selectors.officials_visible(official=world.root))) == 8


def test_officials_visible_are_those_with_a_current_role_or_post_in_a_visible_agency(world):
    clerk = services.official_create(username="dl.vanthu", full_name="Văn thư", password=PASSWORD)
    services.position_add(
        official=clerk, agency=world.dl_commune_ubnd, title="Văn thư", valid_from=date(2020, 1, 1)
    )
    gone = services.official_create(username="dl.cu", full_name="Cũ", password=PASSWORD)
    services.position_add(
        official=gone,
        agency=world.dl_ubnd,
        title="Phó Chủ tịch",
        valid_from=date(2010, 1, 1),
        valid_to=date(2020, 1, 1),
    )
    assert usernames(selectors.officials_visible(official=world.dl_chutich)) == [
        "dl.admin",
        "dl.chutich",
        "dl.motcua",
        "dl.tnmt.cv",
        "dl.vanthu",
    ]
    assert usernames(selectors.officials_visible(official=world.tk_motcua)) == ["tk.motcua"]


def test_a_position_cannot_end_before_it_starts(world):
    with pytest.raises(ValidationFailed) as caught:
        services.position_add(
            official=world.dl_motcua,
            agency=world.dl_one_stop,
            title="Chuyên viên",
            valid_from=date(2020, 1, 2),
            valid_to=date(2020, 1, 1),
        )
    assert caught.value.code == "org.bad_period"
    assert world.dl_motcua.positions.count() == 0


# --- administration -----------------------------------------------------------------------


def test_a_district_administrator_administers_the_district_and_its_communes_only(world):
    def may(unit) -> bool:
        return selectors.can_administer_unit(official=world.dl_admin, unit=unit)

    assert may(world.dl)
    assert may(world.dl_commune)
    assert not may(world.tk)
    assert not may(world.tk_commune)
    assert not may(world.province)
    assert not may(None)


def test_only_superusers_administer_the_top_of_the_tree(world):
    assert selectors.can_administer_unit(official=world.root, unit=None)
    assert not selectors.can_administer_unit(official=world.tinh_admin, unit=None)
    assert selectors.can_administer_unit(official=world.tinh_admin, unit=world.tk_commune)


def test_a_chairman_is_not_an_administrator(world):
    assert not selectors.is_administrator(official=world.dl_chutich)
    assert not selectors.can_administer_unit(official=world.dl_chutich, unit=world.dl)
    assert selectors.is_administrator(official=world.dl_admin)
    assert selectors.is_administrator(official=world.root)


def test_a_superuser_holds_the_administrator_role_code(world):
    assert selectors.official_role_codes(official=world.root) == {Role.ADMINISTRATOR}
    assert selectors.official_role_codes(official=world.dl_motcua) == {Role.ONE_STOP_OFFICER}


def test_granting_the_same_role_twice_keeps_one_grant(world):
    before = RoleGrant.objects.count()
    services.role_grant(
        official=world.dl_motcua, agency=world.dl_one_stop, role=Role.ONE_STOP_OFFICER
    )
    assert RoleGrant.objects.count() == before


def test_an_unknown_role_is_refused_and_nothing_is_granted(world):
    before = RoleGrant.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.role_grant(official=world.dl_motcua, agency=world.dl_one_stop, role="king")
    assert caught.value.code == "org.bad_role"
    assert RoleGrant.objects.count() == before
