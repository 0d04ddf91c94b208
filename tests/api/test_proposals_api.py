"""Simplification proposals over the API: who may draft, see, submit, approve and implement
them. Proposers are officials whose proposer role (AP-control contact, reform advisor, unit
head, chairman, administrator) reaches the unit; the unit's chairman decides; catalogue
administrators implement. A proposal out of reach is 404; refusals change nothing."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from motcua.org.models import Role, UnitLevel
from motcua.org.services import RoleSpec, official_create
from motcua.procedures import services
from motcua.procedures.models import (
    ProcedureVersion,
    ProposalEvent,
    SimplificationProposal,
)
from tests.conftest import PASSWORD

# at 5,280,000 VND a month an hour costs 30,000: 1,024,000 -> 231,000 per dossier
CURRENT: dict[str, Any] = {
    "actions": [{"name": "Nộp hồ sơ", "hours": 30}],
    "time_limit": {"value": 10, "unit": "working_days"},
    "fees": [{"name": "Phí thẩm định", "amount_vnd": 100_000}],
    "other_costs_vnd": 24_000,
    "subjects_per_year": 1_000,
}
PROPOSED: dict[str, Any] = {
    "actions": [{"name": "Nộp trực tuyến", "hours": 6}],
    "time_limit": {"value": 5, "unit": "working_days"},
    "documents": [{"name": "Đơn đề nghị", "mandatory": True}],
    "fees": [{"name": "Phí thẩm định", "amount_vnd": 50_000}],
    "other_costs_vnd": 1_000,
    "subjects_per_year": 1_000,
}
COSTS = {
    "hourly_income_vnd": "30000.00",
    "before": {
        "hours": "30",
        "time_cost_vnd": 900_000,
        "cash_vnd": 124_000,
        "once_vnd": 1_024_000,
        "per_year_vnd": 1_024_000_000,
    },
    "after": {
        "hours": "6",
        "time_cost_vnd": 180_000,
        "cash_vnd": 51_000,
        "once_vnd": 231_000,
        "per_year_vnd": 231_000_000,
    },
    "saving_once_vnd": 793_000,
    "saving_per_year_vnd": 793_000_000,
    "saving_rate_percent": "77.44",
    "saving_rate_per_year_percent": "77.44",
}


def body(unit: str = "427", **changes: Any) -> dict[str, Any]:
    return {
        "procedure": "1.009994",
        "unit": unit,
        "title": "Rút ngắn thời hạn cấp giấy phép xây dựng",
        "year": 2025,
        "current": copy.deepcopy(CURRENT),
        "proposed": copy.deepcopy(PROPOSED),
        "rationale": "Liên thông trực tuyến",
        **changes,
    }


def state() -> dict[str, Any]:
    return {
        "proposals": list(
            SimplificationProposal.objects.order_by("pk").values_list("pk", "status", "title")
        ),
        "events": ProposalEvent.objects.count(),
        "versions": list(ProcedureVersion.objects.values_list("pk", "effective_to")),
    }


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    found = response.json()
    assert set(found) == {"error"}
    return dict(found["error"])


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def setup(world: Any) -> Any:
    """A building permit of 10 working days and the income parameter of 2025."""
    services.income_parameter_set(year=2025, monthly_income_vnd=5_280_000, source="GSO 2024")
    services.procedure_create(
        code="1.009994",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        sector=services.sector_ensure(code="xay-dung", name="Xây dựng"),
        level=UnitLevel.objects.get(code="district"),
        version=services.VersionData(
            effective_from=date(2025, 1, 1),
            time_limit_value=Decimal(10),
            time_limit_unit="working_days",
            steps=[
                services.StepData("Tiếp nhận", Decimal(8), world.dl_one_stop),
                services.StepData("Thẩm định", Decimal(72), world.dl_tnmt),
            ],
        ),
    )
    return world


def create(api: Any, user: Any, unit: str = "427", **changes: Any) -> dict[str, Any]:
    response = api("post", "/proposals", user=user, data=body(unit, **changes))
    assert response.status_code == 201, response.content
    return dict(response.json())


def act(api: Any, user: Any, proposal: dict[str, Any], action: str, **extra: Any) -> Any:
    return api(
        "post",
        f"/proposals/{proposal['id']}/actions",
        user=user,
        data={"action": action, **extra},
    )


# --- drafting: who may propose for which unit -----------------------------------------------------


def test_an_anonymous_caller_gets_401_and_nothing_is_written(api, setup):
    before = state()
    assert error(api("post", "/proposals", data=body()), 401)["code"] == "auth.required"
    assert state() == before


@pytest.mark.parametrize(
    ("who", "unit"),
    [
        ("dl_chutich", "427"),
        ("dl_chutich", "42701"),  # the chairman's role reaches the district's communes
        ("dl_admin", "427"),
        ("tinh_admin", "427"),
        ("tinh_admin", "42301"),
        ("root", "423"),
    ],
)
def test_an_official_with_a_proposer_role_reaching_the_unit_drafts_a_proposal(
    api, setup, who, unit
):
    found = create(api, getattr(setup, who), unit=unit)
    assert found == {
        "id": found["id"],
        "procedure": "1.009994",
        "unit": unit,
        "title": "Rút ngắn thời hạn cấp giấy phép xây dựng",
        "year": 2025,
        "status": "draft",
        "current": CURRENT,
        "proposed": PROPOSED,
        "rationale": "Liên thông trực tuyến",
        "costs": COSTS,
        "implemented_version": None,
    }
    proposal = SimplificationProposal.objects.get(pk=found["id"])
    assert proposal.created_by == getattr(setup, who)
    assert list(proposal.events.values_list("from_status", "to_status")) == [("", "draft")]


@pytest.mark.parametrize(
    ("who", "unit"),
    [
        ("tk_motcua", "427"),  # another district
        ("tk_motcua", "423"),  # own district, but a one-stop officer is not a proposer
        ("dl_motcua", "427"),
        ("dl_tnmt_cv", "427"),
        ("nobody", "427"),
        ("dl_chutich", "423"),
        ("dl_chutich", "40"),  # a district's chairman does not reach the province
        ("dl_admin", "42301"),
    ],
)
def test_anyone_else_gets_403_and_nothing_is_written(api, setup, who, unit):
    before = state()
    response = api("post", "/proposals", user=getattr(setup, who), data=body(unit))
    assert error(response, 403)["code"] == "auth.forbidden"
    assert state() == before


def test_a_unit_head_proposes_for_their_own_unit_only(api, setup):
    head = official_create(
        username="dl.truongphong",
        full_name="Hoàng Văn Nam",
        password=PASSWORD,
        roles=[RoleSpec(agency=setup.dl_tnmt, role=Role.UNIT_HEAD)],
    )
    create(api, head, unit="427")
    before = state()
    assert api("post", "/proposals", user=head, data=body("42701")).status_code == 403
    assert state() == before


def test_a_proposal_for_a_year_without_an_income_parameter_is_400_and_nothing_is_written(
    api, setup
):
    before = state()
    response = api("post", "/proposals", user=setup.dl_chutich, data=body(year=2019))
    found = error(response, 400)
    assert found["code"] == "proposal.no_income_parameter"
    assert list(found["fields"]) == ["year"]
    assert state() == before


def test_bad_cost_inputs_are_400_naming_the_fields_and_nothing_is_written(api, setup):
    before = state()
    proposed = {**PROPOSED, "actions": [{"name": "Nộp", "hours": "nhiều"}]}
    response = api("post", "/proposals", user=setup.dl_chutich, data=body(proposed=proposed))
    found = error(response, 400)
    assert found["code"] == "proposal.invalid_costs"
    assert list(found["fields"]) == ["proposed.actions.0.hours"]
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"procedure": "9.999999"}, 404, "procedure.not_found"),
        ({"unit": "999"}, 404, "org.unit_not_found"),
        ({"title": " "}, 400, "proposal.invalid"),
        ({"current": "1024000"}, 400, "request.invalid"),
    ],
)
def test_a_proposal_of_an_unknown_procedure_or_unit_or_without_title_is_refused(
    api, setup, changes, status, code
):
    before = state()
    response = api("post", "/proposals", user=setup.dl_chutich, data={**body(), **changes})
    assert error(response, status)["code"] == code
    assert state() == before


# --- seeing proposals -----------------------------------------------------------------------------


@pytest.fixture
def proposals(api: Any, setup: Any) -> dict[str, dict[str, Any]]:
    return {
        "dl": create(api, setup.dl_chutich, unit="427", title="Đô Lương"),
        "dl_commune": create(api, setup.dl_chutich, unit="42701", title="Đông Sơn"),
        "tk": create(api, setup.root, unit="423", title="Tân Kỳ"),
        "tk_commune": create(api, setup.root, unit="42301", title="Kỳ Sơn"),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("dl_chutich", ["Đô Lương", "Đông Sơn"]),
        ("dl_admin", ["Đô Lương", "Đông Sơn"]),
        ("dl_motcua", ["Đô Lương"]),  # a non-wide role sees its own unit's only
        ("tk_motcua", ["Tân Kỳ"]),
        ("nobody", []),
        ("tinh_admin", ["Đô Lương", "Đông Sơn", "Tân Kỳ", "Kỳ Sơn"]),
        ("root", ["Đô Lương", "Đông Sơn", "Tân Kỳ", "Kỳ Sơn"]),
    ],
)
def test_the_list_shows_only_the_proposals_of_units_in_reach(api, proposals, world, who, expected):
    assert titles(api("get", "/proposals", user=getattr(world, who))) == expected


def test_the_list_needs_a_signed_in_caller(api, proposals):
    assert error(api("get", "/proposals"), 401)["code"] == "auth.required"


def test_the_list_filters_by_unit_and_status(api, proposals, world):
    act(api, world.dl_chutich, proposals["dl"], "submit")
    assert titles(api("get", "/proposals", user=world.root, data={"unit": "42701"})) == ["Đông Sơn"]
    assert titles(api("get", "/proposals", user=world.root, data={"status": "submitted"})) == [
        "Đô Lương"
    ]
    # a unit out of reach filters to nothing, it does not widen the reach
    assert titles(api("get", "/proposals", user=world.tk_motcua, data={"unit": "427"})) == []


def test_the_list_is_paginated(api, proposals, world):
    first = api("get", "/proposals", user=world.root, data={"limit": 3})
    assert titles(first) == ["Đô Lương", "Đông Sơn", "Tân Kỳ"]
    second = api(
        "get", "/proposals", user=world.root, data={"limit": 3, "cursor": first.json()["next"]}
    )
    assert titles(second) == ["Kỳ Sơn"]
    assert second.json()["next"] is None


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("tk_motcua", "dl"),
        ("dl_chutich", "tk"),
        ("dl_motcua", "dl_commune"),
        ("nobody", "dl"),
    ],
)
def test_a_proposal_out_of_reach_is_404(api, proposals, world, who, key):
    response = api("get", f"/proposals/{proposals[key]['id']}", user=getattr(world, who))
    assert error(response, 404)["code"] == "proposal.not_found"


def test_a_proposal_in_reach_is_read_with_its_costs(api, proposals, world):
    response = api("get", f"/proposals/{proposals['dl_commune']['id']}", user=world.dl_chutich)
    assert response.status_code == 200
    assert response.json() == proposals["dl_commune"]


def test_an_unknown_proposal_is_404(api, proposals, world):
    assert error(api("get", "/proposals/999999", user=world.root), 404)["code"] == (
        "proposal.not_found"
    )


# --- acting on proposals --------------------------------------------------------------------------


def test_submit_approve_and_implement_by_the_right_people(api, proposals, world):
    dl = proposals["dl"]
    assert act(api, world.dl_admin, dl, "submit").json()["status"] == "submitted"
    assert act(api, world.dl_chutich, dl, "approve").json()["status"] == "approved"
    done = act(api, world.tinh_admin, dl, "implement", effective_from="2025-10-01")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "implemented"
    assert done.json()["implemented_version"] == 2
    versions = api("get", "/procedures/1.009994").json()["versions"]
    assert [(v["number"], v["effective_from"], v["effective_to"]) for v in versions] == [
        (1, "2025-01-01", "2025-09-30"),
        (2, "2025-10-01", None),
    ]
    assert versions[1]["time_limit"] == {"value": "5.00", "unit": "working_days"}
    assert [(s["name"], s["hours"]) for s in versions[1]["steps"]] == [
        ("Tiếp nhận", "4.00"),
        ("Thẩm định", "36.00"),
    ]
    assert [d["name"] for d in versions[1]["documents"]] == ["Đơn đề nghị"]
    assert list(
        ProposalEvent.objects.filter(proposal_id=dl["id"]).values_list(
            "from_status", "to_status", "actor__username"
        )
    ) == [
        ("", "draft", "dl.chutich"),
        ("draft", "submitted", "dl.admin"),
        ("submitted", "approved", "dl.chutich"),
        ("approved", "implemented", "tinh.admin"),
    ]


def to_status(api: Any, world: Any, proposal: dict[str, Any], status: str) -> None:
    path = {
        "draft": [],
        "submitted": ["submit"],
        "approved": ["submit", "approve"],
        "rejected": ["submit", "reject"],
    }[status]
    for action in path:
        assert act(api, world.root, proposal, action).status_code == 200


# (status the proposal is in, action, who tries) -> refused with 403
FORBIDDEN = [
    ("draft", "submit", "dl_motcua"),  # reaches the unit, but not a proposer
    ("draft", "submit", "dl_tnmt_cv"),
    ("submitted", "approve", "dl_admin"),  # only the unit's chairman decides
    ("submitted", "approve", "tinh_admin"),
    ("submitted", "reject", "dl_admin"),
    ("rejected", "reopen", "dl_admin"),
    ("approved", "implement", "dl_chutich"),  # only catalogue administrators implement
    ("approved", "implement", "dl_admin"),
]


@pytest.mark.parametrize(("status", "action", "who"), FORBIDDEN)
def test_an_action_by_the_wrong_person_is_403_and_nothing_changes(
    api, proposals, world, status, action, who
):
    to_status(api, world, proposals["dl"], status)
    before = state()
    response = act(api, getattr(world, who), proposals["dl"], action, effective_from="2025-10-01")
    assert error(response, 403)["code"] == "auth.forbidden"
    assert state() == before


OUT_OF_REACH = [
    ("tk_motcua", "dl", "draft", "submit"),
    ("nobody", "dl", "draft", "submit"),
    ("dl_motcua", "dl_commune", "draft", "submit"),
    ("dl_chutich", "tk", "submitted", "approve"),
    ("dl_admin", "tk", "approved", "implement"),
]


@pytest.mark.parametrize(("who", "key", "status", "action"), OUT_OF_REACH)
def test_an_action_on_a_proposal_out_of_reach_is_404_and_nothing_changes(
    api, proposals, world, who, key, status, action
):
    to_status(api, world, proposals[key], status)
    before = state()
    response = act(api, getattr(world, who), proposals[key], action, effective_from="2025-10-01")
    assert error(response, 404)["code"] == "proposal.not_found"
    assert state() == before


def test_an_action_needs_a_signed_in_caller(api, proposals):
    before = state()
    response = api("post", f"/proposals/{proposals['dl']['id']}/actions", data={"action": "submit"})
    assert error(response, 401)["code"] == "auth.required"
    assert state() == before


def test_reject_then_reopen_by_the_chairman(api, proposals, world):
    dl = proposals["dl"]
    act(api, world.dl_chutich, dl, "submit")
    assert act(api, world.dl_chutich, dl, "reject", note="Chưa đủ căn cứ").json()["status"] == (
        "rejected"
    )
    assert act(api, world.dl_chutich, dl, "reopen").json()["status"] == "draft"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "approve"),
        ("draft", "implement"),
        ("submitted", "submit"),
        ("rejected", "approve"),
    ],
)
def test_an_invalid_transition_is_409_and_nothing_changes(api, proposals, world, status, action):
    to_status(api, world, proposals["dl"], status)
    before = state()
    response = act(api, world.root, proposals["dl"], action, effective_from="2025-10-01")
    assert error(response, 409)["code"] == "proposal.invalid_transition"
    assert state() == before


def test_implementing_without_a_date_is_400_and_nothing_changes(api, proposals, world):
    to_status(api, world, proposals["dl"], "approved")
    before = state()
    found = error(act(api, world.tinh_admin, proposals["dl"], "implement"), 400)
    assert found["code"] == "proposal.invalid"
    assert list(found["fields"]) == ["effective_from"]
    assert state() == before


def test_an_unknown_action_is_400(api, proposals, world):
    before = state()
    found = error(act(api, world.root, proposals["dl"], "publish"), 400)
    assert found["code"] == "proposal.unknown_action"
    assert state() == before


@pytest.mark.parametrize("limit", [1, 4])
def test_the_list_costs_the_same_queries_for_one_proposal_or_many(
    api, proposals, world, limit, django_assert_num_queries
):
    api("get", "/proposals", user=world.dl_chutich)  # the token, fetched once
    # the token, the caller's roles, the page with its procedures and units, the incomes
    with django_assert_num_queries(4):
        response = api("get", "/proposals", user=world.dl_chutich, data={"limit": limit})
    assert len(titles(response)) == min(limit, 2)
    with django_assert_num_queries(3):  # a superuser's reach needs no roles
        response = api("get", "/proposals", user=world.root, data={"limit": limit})
    assert len(titles(response)) == limit


def test_the_unit_catalogue_counts_the_procedures_proposed_in_its_area(api, proposals):
    # Đô Lương and its commune both propose the same procedure: it counts once
    assert api("get", "/units/427/catalogue").json()["proposals"] == 1
    assert api("get", "/units/42301/catalogue").json()["proposals"] == 1
