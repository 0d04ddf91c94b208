"""Committees (Ban Chỉ đạo CCHC, Tổ giúp việc): members with roles, one current head."""

from __future__ import annotations

import pytest

from motcua.core.errors import Conflict, ValidationFailed
from motcua.org import services
from motcua.org.models import Agency, AgencyKind, CommitteeMembership, CommitteeRole


@pytest.fixture
def steering(world) -> Agency:
    return services.agency_create(
        code="DL.BCD",
        name="Ban Chỉ đạo CCHC huyện Đô Lương",
        unit=world.dl,
        kind=AgencyKind.COMMITTEE,
    )


def members(committee: Agency) -> list[tuple[str, str]]:
    return sorted(committee.memberships.values_list("official__username", "role"))


def test_a_committee_has_a_head_a_deputy_members_and_a_secretary(world, steering):
    services.committee_member_add(
        committee=steering, official=world.dl_chutich, role=CommitteeRole.HEAD, title="Chủ tịch"
    )
    services.committee_member_add(
        committee=steering, official=world.dl_admin, role=CommitteeRole.DEPUTY
    )
    services.committee_member_add(
        committee=steering, official=world.dl_motcua, role=CommitteeRole.MEMBER
    )
    services.committee_member_add(
        committee=steering, official=world.dl_tnmt_cv, role=CommitteeRole.SECRETARY
    )
    assert members(steering) == [
        ("dl.admin", "deputy"),
        ("dl.chutich", "head"),
        ("dl.motcua", "member"),
        ("dl.tnmt.cv", "secretary"),
    ]


def test_a_second_current_head_is_a_conflict_and_changes_nothing(world, steering):
    services.committee_member_add(
        committee=steering, official=world.dl_chutich, role=CommitteeRole.HEAD
    )
    with pytest.raises(Conflict) as caught:
        services.committee_member_add(
            committee=steering, official=world.dl_admin, role=CommitteeRole.HEAD
        )
    assert caught.value.code == "org.committee_has_head"
    assert caught.value.status == 409
    assert members(steering) == [("dl.chutich", "head")]


def test_promoting_a_deputy_while_there_is_a_head_is_a_conflict(world, steering):
    services.committee_member_add(
        committee=steering, official=world.dl_chutich, role=CommitteeRole.HEAD
    )
    services.committee_member_add(
        committee=steering, official=world.dl_admin, role=CommitteeRole.DEPUTY
    )
    with pytest.raises(Conflict):
        services.committee_member_add(
            committee=steering, official=world.dl_admin, role=CommitteeRole.HEAD
        )
    assert members(steering) == [("dl.admin", "deputy"), ("dl.chutich", "head")]


def test_a_head_who_stepped_down_makes_room_for_a_new_head(world, steering):
    services.committee_member_add(
        committee=steering, official=world.dl_chutich, role=CommitteeRole.HEAD
    )
    services.committee_member_add(
        committee=steering, official=world.dl_chutich, role=CommitteeRole.MEMBER
    )
    services.committee_member_add(
        committee=steering, official=world.dl_admin, role=CommitteeRole.HEAD
    )
    assert members(steering) == [("dl.admin", "head"), ("dl.chutich", "member")]


def test_two_committees_each_have_their_own_head(world, steering):
    group = services.agency_create(
        code="DL.TGV",
        name="Tổ giúp việc",
        unit=world.dl,
        kind=AgencyKind.COMMITTEE,
        parent=steering,
    )
    for committee in [steering, group]:
        services.committee_member_add(
            committee=committee, official=world.dl_chutich, role=CommitteeRole.HEAD
        )
    assert members(steering) == members(group) == [("dl.chutich", "head")]


def test_only_a_committee_has_members(world):
    before = CommitteeMembership.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.committee_member_add(
            committee=world.dl_ubnd, official=world.dl_chutich, role=CommitteeRole.HEAD
        )
    assert caught.value.code == "org.not_a_committee"
    assert CommitteeMembership.objects.count() == before


def test_an_unknown_committee_role_is_refused(world, steering):
    with pytest.raises(ValidationFailed) as caught:
        services.committee_member_add(committee=steering, official=world.dl_chutich, role="boss")
    assert caught.value.code == "org.bad_role"
    assert members(steering) == []
