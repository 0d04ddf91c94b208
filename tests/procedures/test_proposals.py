"""Simplification proposals: drafted with the current and proposed values, costed by the
year's income parameter, moved through draft -> submitted -> approved/rejected ->
implemented, where implementing creates the procedure's new version."""

from __future__ import annotations

import copy
from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.org.models import Role, UnitLevel
from motcua.procedures import selectors, services
from motcua.procedures.models import (
    IncomeParameter,
    Procedure,
    ProcedureVersion,
    ProposalEvent,
    SimplificationProposal,
)
from motcua.procedures.services import DocumentData, FeeData, StepData, VersionData

V1_FROM = date(2025, 1, 1)
IMPLEMENTED_FROM = date(2025, 10, 1)
# at 5,280,000 VND a month an hour costs 30,000: 30 h + 124,000 = 1,024,000 per dossier
CURRENT: dict[str, Any] = {
    "actions": [
        {"name": "Chuẩn bị và nộp hồ sơ", "hours": 20},
        {"name": "Nhận kết quả", "hours": 10},
    ],
    "time_limit": {"value": 10, "unit": "working_days"},
    "fees": [{"name": "Phí thẩm định", "amount_vnd": 100_000}],
    "other_costs_vnd": 24_000,
    "subjects_per_year": 1_200,
    "times_per_year": 1,
}
# 6 h + 51,000 = 231,000 per dossier, in 5 working days, one document fewer
PROPOSED: dict[str, Any] = {
    "actions": [{"name": "Nộp hồ sơ trực tuyến", "hours": 6}],
    "time_limit": {"value": 5, "unit": "working_days"},
    "documents": [
        {"name": "Đơn đề nghị cấp giấy phép xây dựng", "mandatory": True},
        {"name": "Bản vẽ thiết kế", "mandatory": False},
    ],
    "fees": [{"name": "Phí thẩm định", "amount_vnd": 50_000}],
    "other_costs_vnd": 1_000,
    "online_level": "full",
    "subjects_per_year": 1_200,
    "times_per_year": 1,
}


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def procedure(world: Any) -> Procedure:
    """A building permit of Đô Lương: 10 working days (80 h) of four steps."""
    services.income_parameter_set(year=2025, monthly_income_vnd=5_280_000, source="GSO 2024")
    return services.procedure_create(
        code="1.009994",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        sector=services.sector_ensure(code="xay-dung", name="Xây dựng"),
        level=UnitLevel.objects.get(code="district"),
        version=VersionData(
            effective_from=V1_FROM,
            time_limit_value=Decimal(10),
            time_limit_unit="working_days",
            cutoff_time=time(16, 0),
            pause_rule="restart",
            online_level="partial",
            result_document="Giấy phép xây dựng",
            legal_basis="Luật Xây dựng 2014",
            fees=[FeeData("Phí thẩm định", 100_000)],
            documents=[
                DocumentData("Đơn đề nghị cấp giấy phép xây dựng", form="original"),
                DocumentData("Giấy tờ về quyền sử dụng đất", form="certified_copy"),
                DocumentData("Bản vẽ thiết kế", count=2),
            ],
            steps=[
                StepData("Tiếp nhận", Decimal(8), world.dl_one_stop, Role.ONE_STOP_OFFICER),
                StepData("Thẩm định", Decimal(56), world.dl_tnmt, Role.HANDLING_OFFICIAL),
                StepData("Phê duyệt", Decimal(8), world.dl_ubnd, Role.CHAIRMAN),
                StepData("Trả kết quả", Decimal(8), world.dl_one_stop),
            ],
        ),
    )


def draft(world: Any, procedure: Procedure, **changes: Any) -> SimplificationProposal:
    arguments: dict[str, Any] = {
        "actor": world.dl_chutich,
        "procedure": procedure,
        "unit": world.dl,
        "title": "Rút ngắn thời hạn cấp giấy phép xây dựng",
        "year": 2025,
        "current": copy.deepcopy(CURRENT),
        "proposed": copy.deepcopy(PROPOSED),
        "rationale": "Liên thông trực tuyến",
    }
    return services.proposal_create(**{**arguments, **changes})


def act(proposal: SimplificationProposal, actor: Any, action: str, **kw: Any) -> Any:
    return services.proposal_act(proposal=proposal, actor=actor, action=action, **kw)


def approved(world: Any, procedure: Procedure, **changes: Any) -> SimplificationProposal:
    proposal = draft(world, procedure, **changes)
    act(proposal, world.dl_chutich, "submit")
    return act(proposal, world.dl_chutich, "approve")


def events(proposal: SimplificationProposal) -> list[tuple[str, str, str, str]]:
    return [
        (e.from_status, e.to_status, e.actor.username, e.note)
        for e in ProposalEvent.objects.filter(proposal=proposal).select_related("actor")
    ]


def state() -> dict[str, Any]:
    return {
        "proposals": list(SimplificationProposal.objects.values_list("pk", "status", "title")),
        "events": ProposalEvent.objects.count(),
        "versions": list(ProcedureVersion.objects.values_list("pk", "effective_to")),
    }


# --- drafting -----------------------------------------------------------------------------------


def test_a_draft_is_written_with_its_values_and_a_draft_event(world, procedure):
    proposal = draft(world, procedure, title="  Rút ngắn thời hạn  ", rationale=" Lý do ")
    proposal.refresh_from_db()
    assert proposal.status == "draft"
    assert (proposal.procedure, proposal.unit, proposal.year) == (procedure, world.dl, 2025)
    assert (proposal.title, proposal.rationale) == ("Rút ngắn thời hạn", "Lý do")
    assert proposal.current == CURRENT
    assert proposal.proposed == PROPOSED
    assert proposal.created_by == world.dl_chutich
    assert proposal.implemented_version is None
    assert events(proposal) == [("", "draft", "dl.chutich", "")]


def test_the_costs_of_a_proposal_are_computed_from_the_income_of_its_year(world, procedure):
    result = selectors.proposal_costs(proposal=draft(world, procedure))
    assert result.hourly_income_vnd == Decimal(30_000)
    assert (result.before.once_vnd, result.after.once_vnd) == (Decimal(1_024_000), Decimal(231_000))
    assert result.saving_rate_percent == Decimal("77.44")
    assert result.before.per_year_vnd == Decimal(1_228_800_000)
    assert result.saving_per_year_vnd == Decimal(951_600_000)
    # a later year's income changes the price of the same hours
    services.income_parameter_set(year=2026, monthly_income_vnd=7_040_000, source="GSO 2025")
    later = selectors.proposal_costs(proposal=draft(world, procedure, year=2026))
    assert later.hourly_income_vnd == Decimal(40_000)
    assert later.before.once_vnd == Decimal(1_324_000)


def test_a_proposal_for_a_year_without_an_income_parameter_is_refused(world, procedure):
    before = state()
    with pytest.raises(ValidationFailed) as caught:
        draft(world, procedure, year=2024)
    assert caught.value.code == "proposal.no_income_parameter"
    assert caught.value.fields == {
        "year": ["Record the average monthly income of this year first."]
    }
    assert state() == before


def test_costing_without_the_income_parameter_of_the_year_is_refused(world, procedure):
    proposal = draft(world, procedure)
    IncomeParameter.objects.filter(year=2025).delete()
    with pytest.raises(ValidationFailed) as caught:
        selectors.proposal_costs(proposal=proposal)
    assert caught.value.code == "proposal.no_income_parameter"
    with pytest.raises(ValidationFailed) as caught:
        selectors.compliance_cost(year=2025, current=CURRENT, proposed=PROPOSED)
    assert caught.value.code == "proposal.no_income_parameter"


def test_a_proposal_needs_a_title(world, procedure):
    with pytest.raises(ValidationFailed) as caught:
        draft(world, procedure, title="  ")
    assert caught.value.code == "proposal.invalid"
    assert caught.value.fields == {"title": ["Required."]}
    assert SimplificationProposal.objects.count() == 0


def test_bad_cost_inputs_of_both_sides_are_named_and_nothing_is_written(world, procedure):
    current = {**CURRENT, "actions": [{"name": "Nộp", "hours": -1}]}
    proposed = {k: v for k, v in PROPOSED.items() if k != "subjects_per_year"}
    with pytest.raises(ValidationFailed) as caught:
        draft(world, procedure, current=current, proposed=proposed)
    assert caught.value.code == "proposal.invalid_costs"
    assert caught.value.fields == {
        "current.actions.0.hours": ["Must be a number of at least 0."],
        "proposed.subjects_per_year": ["A number is required."],
    }
    assert state()["proposals"] == []
    assert ProposalEvent.objects.count() == 0


def test_proposed_changes_that_could_not_make_a_version_are_refused_at_once(world, procedure):
    proposed = {
        **PROPOSED,
        "time_limit": {"value": "năm ngày", "unit": "days"},
        "documents": [{"name": " "}, "Bản vẽ", {"name": "Đơn", "mandatory": "yes"}],
        "fees": [{"amount_vnd": 50_000}],
        "online_level": "level4",
    }
    with pytest.raises(ValidationFailed) as caught:
        draft(world, procedure, proposed=proposed)
    assert caught.value.code == "proposal.invalid_costs"
    assert caught.value.fields == {
        "proposed.time_limit.value": ["The time limit must be a number of at least 0."],
        "proposed.time_limit.unit": ["Choose working_days or working_hours."],
        "proposed.documents.0.name": ["A document needs a name."],
        "proposed.documents.1.name": ["A document needs a name."],
        "proposed.documents.2.mandatory": ["Give true or false."],
        "proposed.fees.0.name": ["A fee needs a name."],
        "proposed.online_level": ["Choose full, partial or none."],
    }
    assert SimplificationProposal.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_limit": 5}, "proposed.time_limit"),
        ({"time_limit": {"value": -1}}, "proposed.time_limit.value"),
        ({"time_limit": {"value": True}}, "proposed.time_limit.value"),
        ({"documents": {"name": "Đơn"}}, "proposed.documents"),
    ],
)
def test_a_malformed_time_limit_or_document_list_is_refused(world, procedure, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        draft(world, procedure, proposed={**PROPOSED, **changes})
    assert list(caught.value.fields) == [field]
    assert SimplificationProposal.objects.count() == 0


# --- editing ----------------------------------------------------------------------------------


def test_a_draft_may_be_edited(world, procedure):
    proposal = draft(world, procedure)
    edited = services.proposal_update(
        proposal=proposal,
        title=" Bỏ thành phần hồ sơ trùng lặp ",
        current=CURRENT,
        proposed={**PROPOSED, "time_limit": {"value": 7, "unit": "working_days"}},
        rationale="Đã có trong CSDL đất đai",
    )
    proposal.refresh_from_db()
    assert edited.pk == proposal.pk
    assert proposal.title == "Bỏ thành phần hồ sơ trùng lặp"
    assert proposal.rationale == "Đã có trong CSDL đất đai"
    assert proposal.proposed["time_limit"] == {"value": 7, "unit": "working_days"}
    assert proposal.status == "draft"


def test_an_invalid_edit_changes_nothing(world, procedure):
    proposal = draft(world, procedure)
    with pytest.raises(ValidationFailed) as caught:
        services.proposal_update(
            proposal=proposal,
            title="Mới",
            current={**CURRENT, "times_per_year": "hai"},
            proposed=PROPOSED,
        )
    assert caught.value.fields == {"current.times_per_year": ["Not a number."]}
    proposal.refresh_from_db()
    assert (proposal.title, proposal.current) == (
        "Rút ngắn thời hạn cấp giấy phép xây dựng",
        CURRENT,
    )


@pytest.mark.parametrize("actions", [["submit"], ["submit", "approve"], ["submit", "reject"]])
def test_a_proposal_that_left_draft_cannot_be_edited(world, procedure, actions):
    proposal = draft(world, procedure)
    for action in actions:
        act(proposal, world.dl_chutich, action)
    before = state()
    with pytest.raises(Conflict) as caught:
        services.proposal_update(
            proposal=proposal, title="Sửa sau khi gửi", current=CURRENT, proposed=CURRENT
        )
    assert caught.value.code == "proposal.not_draft"
    assert state() == before
    proposal.refresh_from_db()
    assert proposal.proposed == PROPOSED


# --- the life of a proposal ---------------------------------------------------------------


def test_submit_approve_and_implement_record_each_step(world, procedure):
    proposal = draft(world, procedure)
    assert act(proposal, world.dl_chutich, "submit", note=" Gửi ").status == "submitted"
    assert act(proposal, world.dl_chutich, "approve").status == "approved"
    done = act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    assert done.status == "implemented"
    proposal.refresh_from_db()
    assert proposal.status == "implemented"
    assert proposal.implemented_version is not None
    assert proposal.implemented_version.number == 2
    assert events(proposal) == [
        ("", "draft", "dl.chutich", ""),
        ("draft", "submitted", "dl.chutich", "Gửi"),
        ("submitted", "approved", "dl.chutich", ""),
        ("approved", "implemented", "tinh.admin", ""),
    ]


def test_implementing_creates_the_new_version_from_the_version_in_force(world, procedure):
    proposal = approved(world, procedure)
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)

    v1, v2 = selectors.versions_of(procedure=procedure)
    assert (v1.number, v1.effective_to) == (1, date(2025, 9, 30))
    assert (v2.number, v2.effective_from, v2.effective_to) == (2, IMPLEMENTED_FROM, None)
    assert v2.created_by == world.tinh_admin
    # what the proposal changes
    assert (v2.time_limit_value, v2.time_limit_unit) == (Decimal(5), "working_days")
    assert v2.online_level == "full"
    assert [(f.name, f.amount_vnd) for f in v2.fees.all()] == [("Phí thẩm định", 50_000)]
    assert [(d.name, d.mandatory) for d in v2.documents.all()] == [
        ("Đơn đề nghị cấp giấy phép xây dựng", True),
        ("Bản vẽ thiết kế", False),
    ]
    # what it keeps
    assert (v2.cutoff_time, v2.pause_rule) == (time(16, 0), "restart")
    assert (v2.result_document, v2.legal_basis) == ("Giấy phép xây dựng", "Luật Xây dựng 2014")
    # 80 h of steps into a limit of 40 h: each step keeps its share, halved
    assert [(s.name, s.agency, s.role, s.hours) for s in v2.steps.all()] == [
        ("Tiếp nhận", world.dl_one_stop, "one_stop_officer", Decimal(4)),
        ("Thẩm định", world.dl_tnmt, "handling_official", Decimal(28)),
        ("Phê duyệt", world.dl_ubnd, "chairman", Decimal(4)),
        ("Trả kết quả", world.dl_one_stop, "", Decimal(4)),
    ]
    assert selectors.version_in_force(procedure=procedure, at=IMPLEMENTED_FROM) == v2


def test_documents_the_version_already_had_keep_their_form_and_copies(world, procedure):
    proposal = approved(world, procedure)
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    v2 = procedure.versions.get(number=2)
    assert [(d.name, d.form, d.count) for d in v2.documents.all()] == [
        ("Đơn đề nghị cấp giấy phép xây dựng", "original", 1),
        ("Bản vẽ thiết kế", "any", 2),
    ]


def test_steps_shrink_in_proportion_into_a_limit_in_working_hours(world, procedure):
    # 80 h of steps into 7 working hours: each step x 0.0875
    proposal = approved(
        world, procedure, proposed={**PROPOSED, "time_limit": {"value": 7, "unit": "working_hours"}}
    )
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    v2 = procedure.versions.get(number=2)
    hours = [s.hours for s in v2.steps.all()]
    assert hours == [Decimal("0.70"), Decimal("4.90"), Decimal("0.70"), Decimal("0.70")]
    assert sum(hours) == Decimal(7)
    assert (v2.time_limit_value, v2.time_limit_unit) == (Decimal(7), "working_hours")


def test_shrunk_steps_are_rounded_down_to_the_hundredth_so_they_still_fit(world, procedure):
    # 80 h into 7.77 h: x 0.097125 gives 0.777 and 5.439; rounding half up (0.78, 5.44)
    # would take 7.78 h, over the limit; rounding down takes 7.74 h
    proposal = approved(
        world,
        procedure,
        proposed={**PROPOSED, "time_limit": {"value": "7.77", "unit": "working_hours"}},
    )
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    v2 = procedure.versions.get(number=2)
    hours = [s.hours for s in v2.steps.all()]
    assert hours == [Decimal("0.77"), Decimal("5.43"), Decimal("0.77"), Decimal("0.77")]
    assert sum(hours) == Decimal("7.74")


def test_steps_keep_their_hours_when_the_limit_does_not_shrink(world, procedure):
    proposal = approved(
        world, procedure, proposed={**PROPOSED, "time_limit": {"value": 12, "unit": "working_days"}}
    )
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    v2 = procedure.versions.get(number=2)
    assert [s.hours for s in v2.steps.all()] == [Decimal(8), Decimal(56), Decimal(8), Decimal(8)]


def test_what_the_proposal_does_not_change_is_copied_from_the_version_in_force(world, procedure):
    proposed = {
        k: v
        for k, v in PROPOSED.items()
        if k not in {"time_limit", "documents", "fees", "online_level"}
    }
    proposal = approved(world, procedure, proposed=proposed)
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    v2 = procedure.versions.get(number=2)
    assert (v2.time_limit_value, v2.time_limit_unit, v2.online_level) == (
        Decimal(10),
        "working_days",
        "partial",
    )
    assert [(f.name, f.amount_vnd) for f in v2.fees.all()] == [("Phí thẩm định", 100_000)]
    assert [(d.name, d.form, d.count) for d in v2.documents.all()] == [
        ("Đơn đề nghị cấp giấy phép xây dựng", "original", 1),
        ("Giấy tờ về quyền sử dụng đất", "certified_copy", 1),
        ("Bản vẽ thiết kế", "any", 2),
    ]
    assert [s.hours for s in v2.steps.all()] == [Decimal(8), Decimal(56), Decimal(8), Decimal(8)]


def test_fee_amounts_stored_as_text_or_decimals_are_implemented_as_whole_dong(world, procedure):
    fees = [
        {"name": "Phí thẩm định", "amount_vnd": "50000"},
        {"name": "Lệ phí", "amount_vnd": 2000.0},
    ]
    proposal = approved(world, procedure, proposed={**PROPOSED, "fees": fees})
    act(proposal, world.tinh_admin, "implement", effective_from=IMPLEMENTED_FROM)
    v2 = procedure.versions.get(number=2)
    assert [(f.name, f.amount_vnd) for f in v2.fees.all()] == [
        ("Phí thẩm định", 50_000),
        ("Lệ phí", 2_000),
    ]


def test_reject_then_reopen_returns_the_proposal_to_draft_for_editing(world, procedure):
    proposal = draft(world, procedure)
    act(proposal, world.dl_admin, "submit")
    assert act(proposal, world.dl_chutich, "reject", note="Chưa đủ căn cứ").status == "rejected"
    assert act(proposal, world.dl_chutich, "reopen").status == "draft"
    services.proposal_update(
        proposal=proposal, title="Bổ sung căn cứ", current=CURRENT, proposed=PROPOSED
    )
    assert events(proposal) == [
        ("", "draft", "dl.chutich", ""),
        ("draft", "submitted", "dl.admin", ""),
        ("submitted", "rejected", "dl.chutich", "Chưa đủ căn cứ"),
        ("rejected", "draft", "dl.chutich", ""),
    ]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.title) == ("draft", "Bổ sung căn cứ")


# --- refused transitions change nothing --------------------------------------------------------


PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "rejected": ["submit", "reject"],
    "implemented": ["submit", "approve", "implement"],
}
INVALID = [
    ("draft", "approve"),
    ("draft", "reject"),
    ("draft", "reopen"),
    ("draft", "implement"),
    ("submitted", "submit"),
    ("submitted", "reopen"),
    ("submitted", "implement"),
    ("approved", "submit"),
    ("approved", "approve"),
    ("approved", "reject"),
    ("approved", "reopen"),
    ("rejected", "submit"),
    ("rejected", "approve"),
    ("rejected", "reject"),
    ("rejected", "implement"),
    ("implemented", "submit"),
    ("implemented", "approve"),
    ("implemented", "reject"),
    ("implemented", "reopen"),
    ("implemented", "implement"),
]


@pytest.mark.parametrize(("status", "action"), INVALID, ids=[f"{s}-{a}" for s, a in INVALID])
def test_an_invalid_transition_is_a_conflict_and_nothing_changes(world, procedure, status, action):
    proposal = draft(world, procedure)
    for step in PATHS[status]:
        act(proposal, world.root, step, effective_from=IMPLEMENTED_FROM)
    before = state()
    with pytest.raises(Conflict) as caught:
        act(proposal, world.root, action, effective_from=date(2026, 1, 1))
    assert caught.value.code == "proposal.invalid_transition"
    assert state() == before
    proposal.refresh_from_db()
    assert proposal.status == status


def test_an_unknown_action_is_refused(world, procedure):
    proposal = draft(world, procedure)
    before = state()
    with pytest.raises(ValidationFailed) as caught:
        act(proposal, world.root, "publish")
    assert caught.value.code == "proposal.unknown_action"
    assert caught.value.fields == {"action": ["submit, approve, reject, reopen, implement"]}
    assert state() == before


def test_implementing_needs_the_date_from_which_the_new_version_applies(world, procedure):
    proposal = approved(world, procedure)
    before = state()
    with pytest.raises(ValidationFailed) as caught:
        act(proposal, world.tinh_admin, "implement")
    assert caught.value.code == "proposal.invalid"
    assert caught.value.fields == {"effective_from": ["Required."]}
    assert state() == before
    assert procedure.versions.count() == 1


def test_implementing_on_or_before_the_latest_version_is_an_overlap_and_nothing_changes(
    world, procedure
):
    proposal = approved(world, procedure)
    before = state()
    with pytest.raises(Conflict) as caught:
        act(proposal, world.tinh_admin, "implement", effective_from=V1_FROM)
    assert caught.value.code == "procedure.version_overlap"
    assert state() == before
    proposal.refresh_from_db()
    assert (proposal.status, proposal.implemented_version) == ("approved", None)


def test_implementing_before_the_first_version_finds_no_version_to_start_from(world, procedure):
    proposal = approved(world, procedure)
    before = state()
    with pytest.raises(NotFound) as caught:
        act(proposal, world.tinh_admin, "implement", effective_from=date(2024, 6, 1))
    assert caught.value.code == "procedure.no_version_in_force"
    assert state() == before
