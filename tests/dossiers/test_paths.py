"""Every path of a dossier through handling (SPEC §3, §5), end to end through the services,
with the events each writes and the state it leaves; every refusal changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers import ledger, services
from motcua.dossiers.models import Dossier, DossierStatus, DossierStep, StepOutcome
from motcua.dossiers.selectors import dossier_timeliness
from motcua.org import services as org_services
from motcua.org.models import Role
from motcua.procedures import services as catalogue
from motcua.procedures.services import DocumentData, StepData, VersionData
from motcua.workcalendar.engine import Timeliness
from tests.conftest import PASSWORD
from tests.dossiers.world import DossierWorld, build, receive, vn

S = DossierStatus


@pytest.fixture
def dw(world):
    return build(world)


def act(dossier: Dossier, actor, action: str, at: datetime, **payload: Any) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def history(d: Dossier) -> list[tuple[str, int | None, int]]:
    return list(d.events.order_by("seq").values_list("action", "from_status", "to_status"))


def runs(d: Dossier) -> list[tuple[int, str, datetime, datetime, datetime | None, str]]:
    return [
        (s.index, s.agency.code, s.started_at, s.due_at, s.finished_at, s.outcome)
        for s in d.steps.select_related("agency").order_by("started_at", "pk")
    ]


def snapshot(d: Dossier) -> tuple[Any, ...]:
    return (
        Dossier.objects.filter(pk=d.pk).values().get(),
        list(DossierStep.objects.filter(dossier=d).order_by("pk").values()),
        d.events.count(),
    )


def official(username: str, *roles: tuple[Any, str]):
    return org_services.official_create(
        username=username,
        full_name=username,
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=a, role=r) for a, r in roles],
    )


def at_step_two(dw: DossierWorld, received: datetime, step_one_done: datetime) -> Dossier:
    d = receive(dw, received)
    return act(d, dw.w.dl_motcua, "complete_step", step_one_done)


def walk_to_finish(dw: DossierWorld, finish_at: datetime) -> Dossier:
    """Received Wed 2027-02-03 10:00 (due Wed 2027-02-17 17:00), every step done, finished."""
    w = dw.w
    d = at_step_two(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 11))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 2, 11, 8), assignee="dl.tnmt.cv")
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 11, 16), note="Đủ điều kiện")
    return act(d, w.dl_chutich, "finish", finish_at, result_note="Đã cập nhật biến động")


def version_with(dw: DossierWorld, **changes: Any) -> None:
    """A second version of the land procedure, in force from 2027-01-01, with ``changes``."""
    w = dw.w
    data = VersionData(
        effective_from=date(2027, 1, 1),
        time_limit_value=Decimal(5),
        time_limit_unit="working_days",
        documents=[
            DocumentData("Đơn đăng ký biến động"),
            DocumentData("Giấy chứng nhận quyền sử dụng đất"),
        ],
        steps=[
            StepData("Tiếp nhận", Decimal(4), None, Role.ONE_STOP_OFFICER),
            StepData("Thẩm định", Decimal(16), w.dl_tnmt, Role.HANDLING_OFFICIAL),
            StepData("Ký duyệt", Decimal(4), w.dl_ubnd, Role.CHAIRMAN),
        ],
    )
    catalogue.version_add(procedure=dw.procedure, data=replace(data, **changes))


# -- the main path ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finish_at", "expected"),
    [
        (vn(2027, 2, 16, 16), Timeliness.EARLY),
        (vn(2027, 2, 17, 7), Timeliness.ON_TIME),
        (vn(2027, 2, 17, 17), Timeliness.ON_TIME),
        (vn(2027, 2, 17, 17, 0, 1), Timeliness.LATE),
        (vn(2027, 2, 18, 9), Timeliness.LATE),
    ],
)
def test_receive_steps_finish_return_classifies_against_the_due_time(dw, finish_at, expected):
    w = dw.w
    d = walk_to_finish(dw, finish_at)
    assert d.status == S.FINISHED
    assert d.finished_at == finish_at
    assert d.result_note == "Đã cập nhật biến động"
    d = act(d, w.dl_motcua, "return", finish_at.replace(hour=20), method="post")
    d.refresh_from_db()
    assert d.status == S.RETURNED
    assert (d.returned_at, d.return_method) == (finish_at.replace(hour=20), "post")
    assert d.due_at == vn(2027, 2, 17, 17)
    assert dossier_timeliness(d) == expected
    assert history(d) == [
        ("receive", None, S.RECEIVED),
        ("complete_step", S.RECEIVED, S.HANDLING),
        ("assign", S.HANDLING, S.HANDLING),
        ("complete_step", S.HANDLING, S.HANDLING),
        ("finish", S.HANDLING, S.FINISHED),
        ("return", S.FINISHED, S.RETURNED),
    ]
    assert d.revision == 6
    assert ledger.verify().ok


def test_each_step_opens_with_its_own_due_time_and_records_the_hand_over(dw):
    w = dw.w
    d = walk_to_finish(dw, vn(2027, 2, 12, 9))
    assert runs(d) == [
        # 4 h from Wed 10:00: 16:00
        (1, "DL.MC", vn(2027, 2, 3, 10), vn(2027, 2, 3, 16), vn(2027, 2, 3, 11), "done"),
        # 16 h from Wed 11:00: 4 h on Wed, Tết 4-10 Feb, 8 h Thu 11th, 4 h Fri 12th
        (2, "DL.TNMT", vn(2027, 2, 3, 11), vn(2027, 2, 12, 11), vn(2027, 2, 11, 16), "done"),
        # 4 h from Thu 16:00: 1 h on Thu, 3 h Fri
        (3, "DL.UBND", vn(2027, 2, 11, 16), vn(2027, 2, 12, 10), vn(2027, 2, 12, 9), "done"),
    ]
    assignees = list(d.steps.order_by("index").values_list("assignee__username", flat=True))
    assert assignees == ["dl.motcua", "dl.tnmt.cv", "dl.chutich"]
    events = list(d.events.order_by("seq"))
    assert [e.actor for e in events] == [
        w.dl_motcua,
        w.dl_motcua,
        dw.tnmt_head,
        w.dl_tnmt_cv,
        w.dl_chutich,
    ]
    assert events[1].data == {
        "step": 1,
        "agency": "DL.MC",
        "note": "",
        "to_step": 2,
        "to_agency": "DL.TNMT",
        "step_due_at": "2027-02-12T11:00:00+07:00",
    }
    assert events[2].data == {"step": 2, "from": None, "to": "dl.tnmt.cv", "agency": "DL.TNMT"}
    assert events[3].data == {
        "step": 2,
        "agency": "DL.TNMT",
        "note": "Đủ điều kiện",
        "to_step": 3,
        "to_agency": "DL.UBND",
        "step_due_at": "2027-02-12T10:00:00+07:00",
    }
    assert events[4].data == {"result_note": "Đã cập nhật biến động", "result_files": []}


def test_finish_before_the_last_step_is_refused(dw):
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        act(d, dw.tnmt_head, "finish", vn(2027, 3, 2, 9), result_note="x")
    assert caught.value.code == "dossier.steps_remaining"
    assert snapshot(d) == before


def test_an_open_dossier_is_in_time_then_overdue(dw):
    d = receive(dw, vn(2027, 2, 3, 10))
    assert dossier_timeliness(d, now=vn(2027, 2, 17, 17)) == Timeliness.IN_TIME
    assert dossier_timeliness(d, now=vn(2027, 2, 17, 17, 0, 1)) == Timeliness.OVERDUE


# -- supplement during handling ---------------------------------------------------------------


def test_a_supplement_from_friday_to_monday_moves_both_due_times_by_three_office_hours(dw):
    w = dw.w
    # Thu 2027-03-04 09:00: due Thu 11 March 17:00; step 2 from 10:00, 16 h: Mon 8 March 10:00
    d = at_step_two(dw, vn(2027, 3, 4, 9), vn(2027, 3, 4, 10))
    assert d.due_at == vn(2027, 3, 11, 17)
    assert d.steps.get(finished_at=None).due_at == vn(2027, 3, 8, 10)
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 4, 11), assignee="dl.tnmt.cv")
    d = act(
        d,
        w.dl_tnmt_cv,
        "request_supplement",
        vn(2027, 3, 5, 16),
        items=[" Bản sao sổ hộ khẩu ", "Trích lục bản đồ"],
    )
    assert d.status == S.SUPPLEMENT_REQUESTED
    assert d.paused_at == vn(2027, 3, 5, 16)
    assert dossier_timeliness(d, now=vn(2027, 3, 5, 16)) == Timeliness.IN_TIME
    d = act(d, w.dl_motcua, "supplement", vn(2027, 3, 8, 9), note="Đã bổ sung")
    assert d.status == S.HANDLING
    assert d.paused_at is None
    # Fri 16:00-17:00 and Mon 07:00-09:00
    assert d.due_at == vn(2027, 3, 12, 10)
    step = d.steps.get(finished_at=None)
    assert (step.index, step.due_at) == (2, vn(2027, 3, 8, 15))
    d.refresh_from_db()
    assert d.due_at == vn(2027, 3, 12, 10)
    request, supplement = list(d.events.order_by("seq"))[-2:]
    assert (request.action, request.from_status, request.to_status) == (
        "request_supplement",
        S.HANDLING,
        S.SUPPLEMENT_REQUESTED,
    )
    assert request.data == {
        "items": ["Bản sao sổ hộ khẩu", "Trích lục bản đồ"],
        "due_at_before": "2027-03-11T17:00:00+07:00",
        "step": 2,
    }
    assert (supplement.action, supplement.from_status, supplement.to_status) == (
        "supplement",
        S.SUPPLEMENT_REQUESTED,
        S.HANDLING,
    )
    assert supplement.actor == w.dl_motcua
    assert supplement.data == {
        "note": "Đã bổ sung",
        "documents": [],
        "paused_office_seconds": 3 * 3600,
        "due_at_after": "2027-03-12T10:00:00+07:00",
        "by": "officer",
    }


@pytest.mark.parametrize(
    ("received", "paused", "resumed", "seconds", "due", "step_due"),
    [
        # across lunch: 11:00-11:30 and 13:30-14:00
        (
            vn(2027, 3, 1, 9),
            vn(2027, 3, 1, 11),
            vn(2027, 3, 1, 14),
            3600,
            vn(2027, 3, 9, 8),
            vn(2027, 3, 1, 16),
        ),
        # across Tết (4-10 Feb 2027): Tue 2nd 16:00-17:00, Wed 3rd all day, Thu 11th 07-08;
        # due Tue 16 Feb 17:00 + 10 h; the step's 15:00 on the 2nd + 10 h ends Wed 3rd 17:00
        (
            vn(2027, 2, 2, 9),
            vn(2027, 2, 2, 16),
            vn(2027, 2, 11, 8),
            10 * 3600,
            vn(2027, 2, 18, 9),
            vn(2027, 2, 3, 17),
        ),
        # paused and resumed outside office hours: no office time elapsed
        (
            vn(2027, 3, 1, 9),
            vn(2027, 3, 1, 17, 30),
            vn(2027, 3, 2, 6, 45),
            0,
            vn(2027, 3, 8, 17),
            vn(2027, 3, 1, 15),
        ),
    ],
)
def test_a_supplement_moves_the_due_times_by_exactly_the_office_time_paused(
    dw, received, paused, resumed, seconds, due, step_due
):
    w = dw.w
    d = receive(dw, received)
    d = act(d, w.dl_motcua, "request_supplement", paused, items=["Bản sao CCCD"])
    d = act(d, w.dl_motcua, "supplement", resumed)
    assert d.due_at == due
    assert d.steps.get().due_at == step_due
    assert d.events.get(action="supplement").data["paused_office_seconds"] == seconds


def test_a_restart_version_counts_the_whole_limit_again_from_the_supplement(dw):
    w = dw.w
    version_with(dw, pause_rule="restart")
    d = receive(dw, vn(2027, 3, 4, 9))
    assert d.version.pause_rule == "restart"
    assert d.due_at == vn(2027, 3, 11, 17)
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 5, 16), items=["Bản vẽ"])
    d = act(d, w.dl_motcua, "supplement", vn(2027, 3, 8, 9))
    # five working days after Monday 8 March; the open step's 4 h from Monday 09:00
    assert d.due_at == vn(2027, 3, 15, 17)
    assert d.steps.get().due_at == vn(2027, 3, 8, 15)
    assert d.events.get(action="supplement").data == {
        "note": "",
        "documents": [],
        "paused_office_seconds": 3 * 3600,
        "due_at_after": "2027-03-15T17:00:00+07:00",
        "by": "officer",
    }


def test_a_restart_version_in_working_hours_counts_the_hours_again(dw):
    w = dw.w
    version_with(
        dw,
        pause_rule="restart",
        time_limit_value=Decimal(8),
        time_limit_unit="working_hours",
        steps=[StepData("Tiếp nhận và giải quyết", Decimal(8), None, Role.ONE_STOP_OFFICER)],
    )
    d = receive(dw, vn(2027, 3, 1, 9))
    assert d.due_at == vn(2027, 3, 2, 9)
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Ảnh"])
    d = act(d, w.dl_motcua, "supplement", vn(2027, 3, 3, 12))  # at lunch: from 13:30
    # 13:30-17:00 on Wednesday, 07:00-11:30 on Thursday
    assert d.due_at == vn(2027, 3, 4, 11, 30)
    assert d.steps.get().due_at == vn(2027, 3, 4, 11, 30)


def test_the_supplement_is_received_by_a_one_stop_officer_of_the_receiving_agency(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ"])
    before = snapshot(d)
    for who in (w.dl_tnmt_cv, w.tk_motcua, dw.tnmt_head):
        with pytest.raises(PermissionDenied):
            act(d, who, "supplement", vn(2027, 3, 2, 9))
    assert snapshot(d) == before


@pytest.mark.parametrize("items", [None, [], [""], ["  "], "Bản vẽ", [1], ["x" * 2001]])
def test_a_supplement_request_must_list_what_is_missing(dw, items):
    d = receive(dw, vn(2027, 3, 1, 9))
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=items)
    assert list(caught.value.fields) == ["items"]
    assert snapshot(d) == before


# -- late, with an apology letter -------------------------------------------------------------


def test_an_apology_before_the_due_time_sets_the_appointment_but_the_dossier_is_still_late(dw):
    w = dw.w
    d = at_step_two(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 11))
    d = act(
        d,
        dw.tnmt_head,
        "apologize",
        vn(2027, 2, 17, 10),
        reason="Cần xác minh thực địa",
        new_due_at=vn(2027, 2, 19, 17),
    )
    assert d.appointment_at == vn(2027, 2, 19, 17)
    assert d.due_at == vn(2027, 2, 17, 17)
    assert d.status == S.HANDLING
    event = d.events.get(action="apologize")
    assert (event.actor, event.from_status, event.to_status) == (dw.tnmt_head, S.HANDLING, 4)
    assert event.data == {
        "reason": "Cần xác minh thực địa",
        "new_due_at": "2027-02-19T17:00:00+07:00",
        "due_at": "2027-02-17T17:00:00+07:00",
    }
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 18, 9))
    d = act(d, w.dl_chutich, "finish", vn(2027, 2, 19, 9), result_note="Xong")
    d = act(d, w.dl_motcua, "return", vn(2027, 2, 19, 10), method="counter")
    d.refresh_from_db()
    assert d.appointment_at == vn(2027, 2, 19, 17)
    assert dossier_timeliness(d) == Timeliness.LATE
    assert [a for a, *_ in history(d)] == [
        "receive",
        "complete_step",
        "apologize",
        "complete_step",
        "finish",
        "return",
    ]


@pytest.mark.parametrize("at", [vn(2027, 2, 17, 17), vn(2027, 2, 18, 8)])
def test_an_apology_at_or_after_the_due_time_is_too_late(dw, at):
    d = at_step_two(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 11))
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        act(d, dw.tnmt_head, "apologize", at, reason="Chậm", new_due_at=vn(2027, 2, 26, 17))
    assert (caught.value.code, caught.value.status) == ("dossier.apology_too_late", 409)
    assert snapshot(d) == before


@pytest.mark.parametrize(
    "new_due_at", [vn(2027, 2, 17, 17), vn(2027, 2, 16, 17), None, "2027-02-19T17:00:00+07:00"]
)
def test_the_new_appointment_must_come_after_the_due_time(dw, new_due_at):
    d = at_step_two(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 11))
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.tnmt_head, "apologize", vn(2027, 2, 16, 9), reason="x", new_due_at=new_due_at)
    assert (caught.value.code, caught.value.status) == ("dossier.invalid", 400)
    assert list(caught.value.fields) == ["new_due_at"]
    assert snapshot(d) == before


def test_only_the_head_of_the_handling_agency_apologizes(dw):
    w = dw.w
    d = at_step_two(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 11))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 2, 11, 8), assignee="dl.tnmt.cv")
    before = snapshot(d)
    for who in (w.dl_tnmt_cv, w.dl_motcua, w.tk_motcua, w.nobody):
        with pytest.raises(PermissionDenied):
            act(d, who, "apologize", vn(2027, 2, 16, 9), reason="x", new_due_at=vn(2027, 2, 19))
    assert snapshot(d) == before
    # at the signing step, the People's Committee's chairman heads the handling agency
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 16, 10))
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        act(
            d,
            dw.tnmt_head,
            "apologize",
            vn(2027, 2, 16, 11),
            reason="x",
            new_due_at=vn(2027, 2, 19),
        )
    assert snapshot(d) == before
    d = act(
        d, w.dl_chutich, "apologize", vn(2027, 2, 16, 11), reason="x", new_due_at=vn(2027, 2, 19)
    )
    assert d.appointment_at == vn(2027, 2, 19)


# -- send back --------------------------------------------------------------------------------


def test_sending_back_from_step_two_opens_a_new_run_of_step_one_and_keeps_both(dw):
    w = dw.w
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, w.dl_tnmt_cv, "send_back", vn(2027, 3, 2, 9), note="Thiếu chữ ký")
    assert d.status == S.HANDLING
    assert runs(d) == [
        (1, "DL.MC", vn(2027, 3, 1, 9), vn(2027, 3, 1, 15), vn(2027, 3, 1, 10), "done"),
        (2, "DL.TNMT", vn(2027, 3, 1, 10), vn(2027, 3, 3, 10), vn(2027, 3, 2, 9), "sent_back"),
        (1, "DL.MC", vn(2027, 3, 2, 9), vn(2027, 3, 2, 15), None, ""),
    ]
    # whoever took the unassigned step to send it back is its named holder
    assert d.steps.get(outcome=StepOutcome.SENT_BACK).assignee == w.dl_tnmt_cv
    assert d.steps.get(finished_at=None).assignee is None
    event = d.events.get(action="send_back")
    assert (event.from_status, event.to_status) == (S.HANDLING, S.HANDLING)
    assert event.data == {"step": 2, "to_step": 1, "to_agency": "DL.MC", "note": "Thiếu chữ ký"}
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 2, 10))
    assert runs(d)[-1] == (2, "DL.TNMT", vn(2027, 3, 2, 10), vn(2027, 3, 4, 10), None, "")
    assert [a for a, *_ in history(d)] == ["receive", "complete_step", "send_back", "complete_step"]
    assert DossierStep.objects.filter(dossier=d).count() == 4


def test_sending_back_needs_a_note_and_the_holder(dw):
    w = dw.w
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, w.dl_tnmt_cv, "send_back", vn(2027, 3, 2, 9), note="  ")
    assert list(caught.value.fields) == ["note"]
    with pytest.raises(PermissionDenied):
        act(d, w.dl_motcua, "send_back", vn(2027, 3, 2, 9), note="Thiếu")
    assert snapshot(d) == before


# -- withdraw and stop ------------------------------------------------------------------------


def test_a_one_stop_officer_withdraws_with_a_reason_closing_the_open_step(dw):
    w = dw.w
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, w.dl_motcua, "withdraw", vn(2027, 3, 2, 9), reason="Công dân xin rút hồ sơ")
    d.refresh_from_db()
    assert d.status == S.WITHDRAWN
    assert d.end_reason == "Công dân xin rút hồ sơ"
    assert runs(d)[-1] == (
        2,
        "DL.TNMT",
        vn(2027, 3, 1, 10),
        vn(2027, 3, 3, 10),
        vn(2027, 3, 2, 9),
        "closed",
    )
    assert not d.steps.filter(finished_at=None).exists()
    assert history(d)[-1] == ("withdraw", S.HANDLING, S.WITHDRAWN)
    assert d.events.get(action="withdraw").data == {"reason": "Công dân xin rút hồ sơ"}
    assert dossier_timeliness(d) is None


def test_a_dossier_waiting_for_a_supplement_may_be_withdrawn(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ"])
    d = act(d, w.dl_motcua, "withdraw", vn(2027, 3, 3, 9), reason="Không bổ sung được")
    assert (d.status, d.paused_at) == (S.WITHDRAWN, None)
    assert history(d)[-1] == ("withdraw", S.SUPPLEMENT_REQUESTED, S.WITHDRAWN)
    assert d.steps.get().outcome == StepOutcome.CLOSED


def test_the_unit_head_stops_handling_with_a_reason_closing_the_open_step(dw):
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "stop", vn(2027, 3, 2, 9), reason="Đất đang có tranh chấp")
    d.refresh_from_db()
    assert (d.status, d.end_reason) == (S.STOPPED, "Đất đang có tranh chấp")
    assert runs(d)[-1][4:] == (vn(2027, 3, 2, 9), "closed")
    assert history(d)[-1] == ("stop", S.HANDLING, S.STOPPED)


@pytest.mark.parametrize("step_done", [0, 1, 2])
def test_the_chairman_stops_handling_wherever_the_dossier_is_in_the_district(dw, step_done):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    if step_done >= 1:
        d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    if step_done >= 2:
        d = act(d, dw.tnmt_head, "complete_step", vn(2027, 3, 1, 11))
    d = act(d, w.dl_chutich, "stop", vn(2027, 3, 2, 9), reason="Đất đang có tranh chấp")
    assert d.status == S.STOPPED
    assert d.steps.get(index=step_done + 1).outcome == StepOutcome.CLOSED


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("withdraw", "dl_tnmt_cv"),
        ("withdraw", "tk_motcua"),
        ("withdraw", "tnmt_head"),
        ("stop", "dl_motcua"),
        ("stop", "dl_tnmt_cv"),
        ("stop", "nobody"),
    ],
)
def test_withdraw_and_stop_are_refused_to_others(dw, action, who):
    actor = getattr(dw, who, None) or getattr(dw.w, who)
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        act(d, actor, action, vn(2027, 3, 2, 9), reason="Lý do")
    assert snapshot(d) == before


@pytest.mark.parametrize(("action", "who"), [("withdraw", "dl_motcua"), ("stop", "tnmt_head")])
def test_withdraw_and_stop_need_a_reason(dw, action, who):
    actor = getattr(dw, who, None) or getattr(dw.w, who)
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, actor, action, vn(2027, 3, 2, 9), reason=" ")
    assert list(caught.value.fields) == ["reason"]
    assert snapshot(d) == before


# -- what each state allows -------------------------------------------------------------------


Move = tuple[Any, str, dict[str, Any]]


def in_status(dw: DossierWorld, status: int) -> Dossier:
    """A dossier received Mon 2027-03-01 09:00 and walked into ``status`` that morning."""
    w = dw.w
    step_one: Move = (w.dl_motcua, "complete_step", {})
    step_two: Move = (dw.tnmt_head, "complete_step", {})
    finish: Move = (w.dl_chutich, "finish", {"result_note": "Xong"})
    paths: dict[int, list[Move]] = {
        S.RECEIVED: [],
        S.SUPPLEMENT_REQUESTED: [(w.dl_motcua, "request_supplement", {"items": ["Bản vẽ"]})],
        S.WITHDRAWN: [(w.dl_motcua, "withdraw", {"reason": "Rút"})],
        S.HANDLING: [step_one],
        S.STOPPED: [step_one, (w.dl_chutich, "stop", {"reason": "Dừng"})],
        S.FINISHED: [step_one, step_two, finish],
        S.RETURNED: [step_one, step_two, finish, (w.dl_motcua, "return", {"method": "counter"})],
    }
    d = receive(dw, vn(2027, 3, 1, 9))
    for hour, (actor, action, payload) in enumerate(paths[status], start=10):
        d = act(d, actor, action, vn(2027, 3, 1, hour), **payload)
    return d


PAYLOADS: dict[str, dict[str, Any]] = {
    "assign": {"assignee": "dl.tnmt.cv"},
    "complete_step": {"note": "x"},
    "send_back": {"note": "x"},
    "request_supplement": {"items": ["x"]},
    "supplement": {"note": "x"},
    "apologize": {"reason": "x", "new_due_at": vn(2027, 12, 31, 17)},
    "finish": {"result_note": "x"},
    "return": {"method": "counter"},
    "withdraw": {"reason": "x"},
    "stop": {"reason": "x"},
}
ALLOWED = {
    S.RECEIVED: {
        "assign",
        "complete_step",
        "request_supplement",
        "apologize",
        "finish",
        "withdraw",
        "stop",
    },
    S.HANDLING: {
        "assign",
        "complete_step",
        "send_back",
        "request_supplement",
        "apologize",
        "finish",
        "withdraw",
        "stop",
    },
    S.SUPPLEMENT_REQUESTED: {"supplement", "withdraw", "stop"},
    S.FINISHED: {"return"},
    S.RETURNED: set(),
    S.WITHDRAWN: set(),
    S.STOPPED: set(),
}
REFUSED = [
    (status, action)
    for status, allowed in ALLOWED.items()
    for action in PAYLOADS
    if action not in allowed
]


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_an_action_not_allowed_in_the_state_is_a_conflict_changing_nothing(dw, status, action):
    d = in_status(dw, status)
    assert d.status == status
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        # the superuser may do anything the state allows: only the state refuses
        act(d, dw.w.root, action, vn(2027, 3, 2, 9), **PAYLOADS[action])
    assert (caught.value.code, caught.value.status) == ("dossier.invalid_transition", 409)
    assert snapshot(d) == before


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status, allowed in ALLOWED.items() for action in sorted(allowed)],
)
def test_an_action_allowed_in_the_state_goes_through(dw, status, action):
    d = in_status(dw, status)
    payload = PAYLOADS[action]
    open_step = d.steps.filter(finished_at=None).first()
    if action == "finish":
        # finishing needs the last step open
        while open_step is not None and open_step.index < 3:
            d = act(d, dw.w.root, "complete_step", vn(2027, 3, 2, 8))
            open_step = d.steps.get(finished_at=None)
    if action == "assign" and open_step is not None and open_step.index == 1:
        payload = {"assignee": "dl.motcua"}
    revision = Dossier.objects.get(pk=d.pk).revision
    d = act(d, dw.w.root, action, vn(2027, 3, 2, 9), **payload)
    assert d.revision == revision + 1
    assert d.events.latest("seq").action == action


def test_an_unknown_action_is_refused(dw):
    d = receive(dw, vn(2027, 3, 1, 9))
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.w.root, "approve", vn(2027, 3, 1, 10))
    assert caught.value.code == "dossier.unknown_action"
    assert snapshot(d) == before


def test_an_action_on_a_stale_version_is_a_conflict_changing_nothing(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    stale = d.revision
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        services.dossier_act(
            dossier=d,
            actor=dw.tnmt_head,
            action="assign",
            payload={"assignee": "dl.tnmt.cv"},
            expected_version=stale,
            at=vn(2027, 3, 1, 11),
        )
    assert (caught.value.code, caught.value.status) == ("dossier.changed", 409)
    assert snapshot(d) == before
    d = services.dossier_act(
        dossier=d,
        actor=dw.tnmt_head,
        action="assign",
        payload={"assignee": "dl.tnmt.cv"},
        expected_version=stale + 1,
        at=vn(2027, 3, 1, 11),
    )
    assert d.revision == stale + 2


# -- assignment and who completes a step ------------------------------------------------------


def test_the_agency_head_assigns_and_reassigns_within_the_agency(dw):
    second = official("dl.tnmt.cv2", (dw.w.dl_tnmt, Role.HANDLING_OFFICIAL))
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 14), assignee="dl.tnmt.cv2")
    assert d.steps.get(finished_at=None).assignee == second
    assert [e.data for e in d.events.filter(action="assign").order_by("seq")] == [
        {"step": 2, "from": None, "to": "dl.tnmt.cv", "agency": "DL.TNMT"},
        {"step": 2, "from": "dl.tnmt.cv", "to": "dl.tnmt.cv2", "agency": "DL.TNMT"},
    ]


@pytest.mark.parametrize(
    "assignee", ["dl.motcua", "tk.motcua", "dl.chutich", "nobody", "ghost", ""]
)
def test_an_assignee_outside_the_steps_agency_is_refused(dw, assignee):
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee=assignee)
    assert caught.value.code == "dossier.invalid"
    assert list(caught.value.fields) == ["assignee"]
    assert snapshot(d) == before


def test_an_official_takes_a_free_step_but_not_a_held_one_nor_assigns_others(dw):
    w = dw.w
    official("dl.tnmt.cv2", (w.dl_tnmt, Role.HANDLING_OFFICIAL))
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        act(d, w.dl_tnmt_cv, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv2")
    assert snapshot(d) == before
    d = act(d, w.dl_tnmt_cv, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    assert d.steps.get(finished_at=None).assignee == w.dl_tnmt_cv
    assert d.events.latest("seq").actor == w.dl_tnmt_cv
    before = snapshot(d)
    second = Dossier.objects.get(pk=d.pk)
    with pytest.raises(PermissionDenied):
        act(
            second,
            official_named("dl.tnmt.cv2"),
            "assign",
            vn(2027, 3, 1, 14),
            assignee="dl.tnmt.cv2",
        )
    assert snapshot(d) == before


def official_named(username: str):
    from motcua.org.models import Official

    return Official.objects.get(username=username)


def test_the_assignee_or_the_head_completes_an_assigned_step(dw):
    w = dw.w
    second = official("dl.tnmt.cv2", (w.dl_tnmt, Role.HANDLING_OFFICIAL))
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    before = snapshot(d)
    for who in (second, w.dl_motcua, w.dl_chutich, w.tk_motcua):
        with pytest.raises(PermissionDenied):
            act(d, who, "complete_step", vn(2027, 3, 1, 14))
    assert snapshot(d) == before
    d = act(d, dw.tnmt_head, "complete_step", vn(2027, 3, 1, 14))
    done = d.steps.get(index=2)
    assert (done.assignee, done.outcome, done.finished_at) == (
        w.dl_tnmt_cv,
        "done",
        vn(2027, 3, 1, 14),
    )
    assert d.events.latest("seq").actor == dw.tnmt_head


def test_an_official_with_the_steps_role_completes_a_free_step_and_becomes_its_holder(dw):
    w = dw.w
    second = official("dl.tnmt.cv2", (w.dl_tnmt, Role.HANDLING_OFFICIAL))
    clerk = official("dl.tnmt.admin", (w.dl_tnmt, Role.ADMINISTRATOR))
    elsewhere = official("dl.ds.cv", (w.dl_commune_ubnd, Role.HANDLING_OFFICIAL))
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    before = snapshot(d)
    for who in (clerk, elsewhere, w.dl_motcua):
        with pytest.raises(PermissionDenied):
            act(d, who, "complete_step", vn(2027, 3, 1, 14))
    assert snapshot(d) == before
    d = act(d, second, "complete_step", vn(2027, 3, 1, 14))
    assert d.steps.get(index=2).assignee == second
    assert d.steps.get(finished_at=None).index == 3


def test_the_first_step_cannot_be_sent_back(dw):
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, dw.w.dl_motcua, "assign", vn(2027, 3, 1, 10), assignee="dl.motcua")
    assert d.status == S.HANDLING
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        act(d, dw.w.dl_motcua, "send_back", vn(2027, 3, 1, 11), note="Thiếu")
    assert caught.value.code == "dossier.invalid_transition"
    assert snapshot(d) == before


def test_after_the_last_step_is_done_the_one_stop_officer_finishes(dw):
    w = dw.w
    d = at_step_two(dw, vn(2027, 3, 1, 9), vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "complete_step", vn(2027, 3, 1, 11))
    d = act(d, w.dl_chutich, "complete_step", vn(2027, 3, 1, 14), note="Đã ký")
    assert d.status == S.HANDLING
    assert not d.steps.filter(finished_at=None).exists()
    assert d.events.latest("seq").data == {
        "step": 3,
        "agency": "DL.UBND",
        "note": "Đã ký",
    }
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        act(d, w.dl_chutich, "complete_step", vn(2027, 3, 1, 15))
    assert caught.value.code == "dossier.invalid_transition"
    with pytest.raises(PermissionDenied):
        act(d, w.dl_tnmt_cv, "finish", vn(2027, 3, 1, 15), result_note="Xong")
    assert snapshot(d) == before
    d = act(d, w.dl_motcua, "finish", vn(2027, 3, 1, 15), result_note="Xong")
    assert (d.status, d.finished_at) == (S.FINISHED, vn(2027, 3, 1, 15))
    assert dossier_timeliness(d) == Timeliness.EARLY
