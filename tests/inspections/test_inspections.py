"""Inspections through their services: only inspectors plan, only the team records
findings and gives recommendations, only the head issues the report; every
recommendation is a task with the six "rõ" for the inspected unit, closed only by the
team's verification that the remedy worked (a remedy found not effective is given again
as a new task); who sees an inspection; the figures of an inspection and of a year."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.inspections import selectors, services
from motcua.inspections.models import (
    Finding,
    Inspection,
    InspectionState,
    Recommendation,
    RecommendationEvent,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import Role
from motcua.tasks import selectors as task_selectors
from motcua.tasks import services as task_services
from motcua.tasks.models import SourceKind, Task, TaskEvent
from tests.dossiers.world import vn
from tests.inspections.inspection_world import (
    AT,
    SCOPE,
    TITLE,
    InspectionWorld,
    build,
    find,
    plan,
    recommend,
    remedy_done,
)
from tests.tasks.world import official


@pytest.fixture(autouse=True)
def english() -> Any:
    # the messages are asserted in English (their msgids), whatever the default language
    with translation.override("en"):
        yield


@pytest.fixture
def iw(world: Any) -> InspectionWorld:
    return build(world)


def written() -> tuple[int, ...]:
    return (
        Inspection.objects.count(),
        Finding.objects.count(),
        Recommendation.objects.count(),
        RecommendationEvent.objects.count(),
        Task.objects.count(),
        TaskEvent.objects.count(),
    )


def due_after(unit: Any, days: int) -> Any:
    engine = org_selectors.working_time_for_unit(unit=unit)
    return engine.due_after_days(engine.effective_start(AT), days)


# -- planning --------------------------------------------------------------------------------


def test_an_inspector_plans_an_inspection_with_its_team_and_units(iw: InspectionWorld) -> None:
    inspection = plan(iw, members=[iw.member, iw.head, iw.member])
    inspection.refresh_from_db()
    assert (
        inspection.unit,
        inspection.year,
        inspection.title,
        inspection.scope,
        inspection.period_from,
        inspection.period_to,
        inspection.starts_on,
        inspection.ends_on,
        inspection.head,
        inspection.state,
        inspection.conclusion,
        inspection.reported_at,
        inspection.created_by,
    ) == (
        iw.w.province,
        2027,
        TITLE,
        SCOPE,
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2027, 3, 1),
        date(2027, 3, 12),
        iw.head,
        InspectionState.PLANNED,
        "",
        None,
        iw.head,
    )
    # the head is not also a member, a member given twice is one
    assert list(inspection.members.all()) == [iw.member]
    assert set(inspection.inspected_units.all()) == {iw.w.dl, iw.w.tk}


@pytest.mark.parametrize("who", ["tinh_chutich", "dl_thanhtra", "dl_chutich", "nobody"])
def test_only_an_inspector_over_the_inspecting_unit_plans(iw: InspectionWorld, who: str) -> None:
    actor = {
        "tinh_chutich": iw.tinh_chutich,  # the chairman directs, the inspectors plan
        "dl_thanhtra": iw.dl_thanhtra,  # a district inspector does not reach the province
        "dl_chutich": iw.w.dl_chutich,
        "nobody": iw.w.nobody,
    }[who]
    before = written()
    with pytest.raises(PermissionDenied) as caught:
        plan(iw, actor=actor)
    assert caught.value.code == "inspection.forbidden"
    assert written() == before


def test_a_district_inspector_plans_the_inspection_of_a_commune(iw: InspectionWorld) -> None:
    inspection = plan(
        iw,
        actor=iw.dl_thanhtra,
        unit=iw.w.dl,
        head=iw.dl_thanhtra,
        members=[],
        inspected_units=[iw.w.dl_commune],
    )
    assert (inspection.unit, inspection.head) == (iw.w.dl, iw.dl_thanhtra)


def test_an_empty_inspection_names_every_missing_field(iw: InspectionWorld) -> None:
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        services.inspection_create(actor=iw.head, data=services.InspectionData())
    assert caught.value.code == "inspection.invalid"
    assert set(caught.value.fields) == {
        "unit",
        "year",
        "title",
        "scope",
        "period_from",
        "period_to",
        "starts_on",
        "ends_on",
        "head",
        "inspected_units",
    }
    assert written() == before


def test_dates_in_the_wrong_order_and_a_head_who_is_no_inspector_are_refused(
    iw: InspectionWorld,
) -> None:
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        plan(
            iw,
            period_from=date(2026, 12, 31),
            period_to=date(2026, 1, 1),
            starts_on=date(2027, 3, 12),
            ends_on=date(2027, 3, 1),
            head=iw.tinh_chutich,
            year=1989,
        )
    assert caught.value.fields == {
        "period_to": ["Not before 2026-12-31."],
        "ends_on": ["Not before 2027-03-12."],
        "year": ["A year from 1990 to 2199."],
        "head": ["tinh.chutich is not an inspector of the inspecting unit."],
    }
    assert written() == before


def test_units_inspected_are_under_the_inspecting_unit(iw: InspectionWorld) -> None:
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        plan(
            iw,
            actor=iw.dl_thanhtra,
            unit=iw.w.dl,
            head=iw.dl_thanhtra,
            inspected_units=[iw.w.dl_commune, iw.w.tk_commune],
        )
    assert caught.value.fields == {"inspected_units": ["Not under the inspecting unit: 42301."]}
    assert written() == before


# -- findings --------------------------------------------------------------------------------


def test_a_member_of_the_team_records_a_finding_and_the_inspection_is_under_way(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    finding = find(iw, inspection, actor=iw.member, unit=iw.w.tk, category="digital")
    finding.refresh_from_db()
    assert (
        finding.inspection,
        finding.unit,
        finding.category,
        finding.description,
        finding.evidence,
        finding.recorded_by,
        finding.recorded_at,
    ) == (
        inspection,
        iw.w.tk,
        "digital",
        "12 hồ sơ đất đai giải quyết trễ hạn, không có phiếu xin lỗi.",
        "Sổ theo dõi hồ sơ quý IV/2026 của Bộ phận Một cửa.",
        iw.member,
        AT,
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.UNDER_WAY


@pytest.mark.parametrize("who", ["outsider", "tinh_chutich", "dl_chutich"])
def test_only_the_team_records_findings(iw: InspectionWorld, who: str) -> None:
    inspection = plan(iw)
    actor = {
        "outsider": iw.outsider,
        "tinh_chutich": iw.tinh_chutich,
        "dl_chutich": iw.w.dl_chutich,
    }
    before = written()
    with pytest.raises(PermissionDenied) as caught:
        find(iw, inspection, actor=actor[who])
    assert caught.value.code == "inspection.forbidden"
    assert written() == before
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED


def test_a_finding_on_a_unit_not_inspected_is_refused(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    before = written()
    # a commune of an inspected district is not itself inspected
    with pytest.raises(ValidationFailed) as caught:
        find(iw, inspection, unit=iw.w.dl_commune)
    assert caught.value.fields == {"unit": ["This unit is not inspected by this inspection."]}
    assert written() == before


def test_a_finding_names_every_problem(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        services.finding_record(
            actor=iw.head,
            inspection=inspection,
            unit=None,
            category="weather",
            description="  ",
            evidence="",
            at=AT,
        )
    assert caught.value.code == "inspection.invalid"
    assert caught.value.fields == {
        "category": [
            "leadership, procedures, late_dossiers, digital, outreach, legal_documents, "
            "organisation, other"
        ],
        "description": ["Required."],
        "evidence": ["Required."],
        "unit": ["Choose the unit concerned."],
    }
    assert written() == before


# -- recommendations -------------------------------------------------------------------------


def test_a_recommendation_is_a_task_with_the_six_ro_for_the_inspected_unit(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    finding = find(iw, inspection)
    rec = recommend(iw, inspection, actor=iw.member, finding=finding)
    rec.refresh_from_db()
    task = rec.task
    assert (rec.inspection, rec.finding, rec.unit, rec.state, rec.closed_at) == (
        inspection,
        finding,
        iw.w.dl,
        "open",
        None,
    )
    text = "Rà soát toàn bộ hồ sơ trễ hạn và gửi phiếu xin lỗi cho người dân."
    # rõ việc
    assert task.title == f"Remedy: {text}"
    assert task.description == text
    # rõ người: the head of the unit's People's Committee (its chairman)
    assert task.assignee == iw.w.dl_chutich
    # rõ trách nhiệm: led by the People's Committee, assigned in the name of the team's head
    assert task.lead_agency == iw.w.dl_ubnd
    assert task.assigner == iw.head
    # rõ thời gian: 30 working days by the unit's calendar
    assert (task.start, task.due_at, task.original_due_at) == (
        AT,
        due_after(iw.w.dl, 30),
        due_after(iw.w.dl, 30),
    )
    # counted by hand: 30 working days after Tuesday 2 March (no holiday until 16 April)
    assert task.due_at == vn(2027, 4, 13, 17)
    # rõ thẩm quyền: the head of the team approves the remedy
    assert task.approver == iw.head
    # rõ kết quả
    assert task.deliverable == "A report on the remedy, with its evidence"
    assert (task.source_kind, task.source, task.status) == (
        SourceKind.INSPECTION,
        f"recommendation:{rec.pk}",
        "assigned",
    )
    events = list(rec.events.values_list("seq", "action", "actor", "task", "data"))
    assert events == [(1, "give", iw.member.pk, task.pk, {"task": task.pk, "unit": "427"})]
    assert list(task_selectors.tasks_of_source(source_kind="inspection", source=task.source)) == [
        task
    ]


def test_the_remedy_task_may_be_given_in_full(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(
        iw,
        inspection,
        remedy=services.RemedyData(
            lead_agency=iw.w.dl_tnmt,
            assignee=iw.w.dl_tnmt_cv,
            approver=iw.member,
            working_days=10,
            deliverable="Danh sách hồ sơ đã xử lý",
        ),
    )
    task = rec.task
    assert (task.lead_agency, task.assignee, task.approver, task.assigner) == (
        iw.w.dl_tnmt,
        iw.w.dl_tnmt_cv,
        iw.member,
        iw.head,
    )
    assert (task.due_at, task.deliverable) == (due_after(iw.w.dl, 10), "Danh sách hồ sơ đã xử lý")


def test_a_remedy_whose_responsible_is_not_of_the_lead_agency_writes_nothing(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        recommend(
            iw, inspection, remedy=services.RemedyData(lead_agency=iw.w.dl_tnmt, assignee=iw.member)
        )
    assert caught.value.fields == {
        "assignee": ["The responsible official must work in the lead agency."]
    }
    assert written() == before


@pytest.mark.parametrize("who", ["outsider", "dl_chutich"])
def test_only_the_team_gives_recommendations(iw: InspectionWorld, who: str) -> None:
    inspection = plan(iw)
    before = written()
    with pytest.raises(PermissionDenied) as caught:
        recommend(iw, inspection, actor=getattr(iw, who, None) or iw.w.dl_chutich)
    assert caught.value.code == "inspection.forbidden"
    assert written() == before


def test_a_recommendation_to_a_unit_not_inspected_or_from_another_inspections_finding(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    other = plan(iw, title="Kiểm tra khác")
    theirs = find(iw, other)
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        recommend(iw, inspection, unit=iw.w.tk_commune, finding=theirs, text="")
    assert caught.value.fields == {
        "text": ["Required."],
        "unit": ["This unit is not inspected by this inspection."],
        "finding": ["The finding is not one of this inspection's."],
    }
    assert written() == before


# -- verification ----------------------------------------------------------------------------


def verify(iw: InspectionWorld, rec: Recommendation, **kw: Any) -> Recommendation:
    kw.setdefault("actor", iw.head)
    kw.setdefault("action", "verify")
    kw.setdefault("at", vn(2027, 4, 20, 9))
    return services.recommendation_act(recommendation=rec, **kw)


def state(rec: Recommendation) -> tuple[Any, ...]:
    rec.refresh_from_db()
    return (rec.state, rec.closed_at, rec.task_id, rec.revision, rec.events.count())


def test_verifying_before_the_remedy_is_approved_is_refused(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    task_services.task_act(
        task=rec.task,
        actor=rec.task.assignee,
        action="submit",
        payload={"deliverable": "Báo cáo"},
        at=vn(2027, 4, 1, 9),
    )
    before = state(rec)
    with pytest.raises(Conflict) as caught:
        verify(iw, rec, effective=True, note="Đã kiểm tra")
    assert (caught.value.code, caught.value.status) == ("recommendation.remedy_not_done", 409)
    assert state(rec) == before


def test_a_cancelled_remedy_can_only_be_found_not_effective_and_given_again(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    task_services.task_act(
        task=rec.task,
        actor=rec.task.assigner,
        action="cancel",
        payload={"reason": "Giao nhầm cơ quan"},
        at=vn(2027, 4, 1, 9),
    )
    before = state(rec)
    with pytest.raises(Conflict):
        verify(iw, rec, effective=True, note="Không thể hiệu quả")
    assert state(rec) == before
    old = rec.task_id
    rec = verify(iw, rec, effective=False, note="Chưa khắc phục: giao lại")
    assert rec.state == "open"
    assert rec.task_id != old
    assert rec.task.status == "assigned"
    assert list(rec.events.values_list("action", flat=True)) == ["give", "verify", "give_again"]


def test_a_recommendation_is_never_closed_without_a_verification(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    before = state(rec)
    with pytest.raises(Conflict) as caught:
        verify(iw, rec, action="close", effective=True, note="Đóng")
    assert (caught.value.code, caught.value.status) == ("recommendation.not_verified", 409)
    assert state(rec) == before


def test_an_unknown_action_and_an_incomplete_verification_are_named(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    before = state(rec)
    with pytest.raises(ValidationFailed) as unknown:
        verify(iw, rec, action="approve")
    assert (unknown.value.code, unknown.value.fields) == (
        "recommendation.unknown_action",
        {"action": ["verify"]},
    )
    with pytest.raises(ValidationFailed) as incomplete:
        verify(iw, rec, effective="yes", note=" ")
    assert (incomplete.value.code, incomplete.value.fields) == (
        "recommendation.invalid",
        {"effective": ["Say whether the remedy worked."], "note": ["Required."]},
    )
    assert state(rec) == before


def test_only_the_team_verifies(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    before = state(rec)
    for who in (iw.outsider, iw.w.dl_chutich, iw.tinh_chutich):
        with pytest.raises(PermissionDenied):
            verify(iw, rec, actor=who, effective=True, note="Đạt")
    assert state(rec) == before


def test_a_remedy_found_effective_closes_the_recommendation(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    task = remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    verify(iw, rec, actor=iw.member, effective=True, note="Đã gửi đủ 12 phiếu xin lỗi.")
    assert state(rec) == ("closed", vn(2027, 4, 20, 9), task.pk, 3, 3)
    events = list(rec.events.values_list("seq", "action", "actor", "task", "data"))
    assert events == [
        (1, "give", iw.head.pk, task.pk, {"task": task.pk, "unit": "427"}),
        (
            2,
            "verify",
            iw.member.pk,
            task.pk,
            {"effective": True, "note": "Đã gửi đủ 12 phiếu xin lỗi."},
        ),
        (3, "close", iw.member.pk, task.pk, {}),
    ]
    before = state(rec)
    with pytest.raises(Conflict) as caught:
        verify(iw, rec, effective=False, note="Lại")
    assert caught.value.code == "recommendation.closed"
    assert state(rec) == before


def test_a_remedy_found_not_effective_is_given_again_as_a_new_task(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    old = remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    at = vn(2027, 4, 20, 9)
    verify(iw, rec, effective=False, note="Còn 3 hồ sơ chưa có phiếu xin lỗi.", at=at)
    rec.refresh_from_db()
    new = rec.task
    assert new.pk != old.pk
    # the old task is kept as it was, approved
    old.refresh_from_db()
    assert (old.status, old.source) == ("approved", f"recommendation:{rec.pk}")
    # the new one: the same unit, people and approver, a new deadline from the verification
    engine = org_selectors.working_time_for_unit(unit=iw.w.dl)
    text = "Rà soát toàn bộ hồ sơ trễ hạn và gửi phiếu xin lỗi cho người dân."
    assert (
        new.title,
        new.description,
        new.assignee,
        new.lead_agency,
        new.assigner,
        new.approver,
        new.start,
        new.due_at,
        new.deliverable,
        new.source_kind,
        new.source,
        new.status,
    ) == (
        f"Remedy again (2): {text}",
        text,
        iw.w.dl_chutich,
        iw.w.dl_ubnd,
        iw.head,
        iw.head,
        at,
        engine.due_after_days(engine.effective_start(at), 30),
        "A report on the remedy, with its evidence",
        "inspection",
        f"recommendation:{rec.pk}",
        "assigned",
    )
    assert (rec.state, rec.closed_at) == ("open", None)
    events = list(rec.events.values_list("seq", "action", "task", "data"))
    assert events == [
        (1, "give", old.pk, {"task": old.pk, "unit": "427"}),
        (2, "verify", old.pk, {"effective": False, "note": "Còn 3 hồ sơ chưa có phiếu xin lỗi."}),
        (3, "give_again", new.pk, {"task": new.pk}),
    ]
    source = task_selectors.tasks_of_source(source_kind="inspection", source=new.source)
    assert sorted(source.values_list("pk", flat=True)) == [old.pk, new.pk]
    # the new task is verified in its turn; the third round is numbered so
    remedy_done(new, at=vn(2027, 5, 3, 9))
    verify(iw, rec, effective=False, note="Vẫn còn thiếu.", at=vn(2027, 5, 4, 9))
    rec.refresh_from_db()
    assert rec.task.title == f"Remedy again (3): {text}"


# -- the report ------------------------------------------------------------------------------


def test_the_head_issues_the_report_once_findings_are_recorded(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    with pytest.raises(ValidationFailed) as caught:
        services.inspection_report_issue(actor=iw.head, inspection=inspection, conclusion="")
    assert caught.value.fields == {
        "conclusion": ["Required."],
        "findings": ["Record the findings first."],
    }
    find(iw, inspection)
    for who in (iw.member, iw.outsider, iw.tinh_chutich):
        with pytest.raises(PermissionDenied) as refused:
            services.inspection_report_issue(actor=who, inspection=inspection, conclusion="Xong")
        assert refused.value.code == "inspection.forbidden"
    inspection.refresh_from_db()
    assert (inspection.state, inspection.conclusion, inspection.reported_at) == (
        "under_way",
        "",
        None,
    )
    at = vn(2027, 3, 12, 16)
    services.inspection_report_issue(
        actor=iw.head, inspection=inspection, conclusion=" Đạt yêu cầu, còn tồn tại. ", at=at
    )
    inspection.refresh_from_db()
    assert (inspection.state, inspection.conclusion, inspection.reported_at) == (
        "reported",
        "Đạt yêu cầu, còn tồn tại.",
        at,
    )
    with pytest.raises(Conflict) as again:
        services.inspection_report_issue(actor=iw.head, inspection=inspection, conclusion="Lại")
    assert again.value.code == "inspection.reported"
    before = written()
    with pytest.raises(Conflict) as late:
        find(iw, inspection)
    assert late.value.code == "inspection.reported"
    assert written() == before


def test_recommendations_are_verified_after_the_report(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    find(iw, inspection)
    rec = recommend(iw, inspection)
    services.inspection_report_issue(actor=iw.head, inspection=inspection, conclusion="Xong")
    remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    verify(iw, rec, effective=True, note="Đạt")
    assert state(rec)[0] == "closed"


def test_no_new_recommendation_once_the_report_is_issued(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    find(iw, inspection)
    services.inspection_report_issue(actor=iw.head, inspection=inspection, conclusion="Xong")
    before = written()
    with pytest.raises(Conflict) as caught:
        recommend(iw, inspection)
    assert caught.value.code == "inspection.reported"
    assert written() == before


# -- who sees --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("head", True),
        ("member", True),
        ("outsider", True),  # an inspector over the inspecting unit
        ("tinh_chutich", True),  # the chairman of the inspecting unit
        ("dl_chutich", True),  # the chairman of an inspected unit
        ("tk_chutich", True),
        ("root", True),
        ("dl_thanhtra", False),  # an inspector of an inspected unit, not its chairman
        ("dl_tnmt_cv", False),
        ("dl_admin", False),
        ("tinh_admin", False),
        ("nobody", False),
    ],
)
def test_who_sees_an_inspection(iw: InspectionWorld, who: str, sees: bool) -> None:
    inspection = plan(iw)
    viewer = getattr(iw, who, None) or getattr(iw.w, who)
    assert list(selectors.inspections_visible(official=viewer)) == ([inspection] if sees else [])


def test_a_district_inspection_is_not_seen_by_the_other_district(iw: InspectionWorld) -> None:
    district = plan(
        iw,
        actor=iw.dl_thanhtra,
        unit=iw.w.dl,
        head=iw.dl_thanhtra,
        members=[],
        inspected_units=[iw.w.dl_commune],
    )
    assert list(selectors.inspections_visible(official=iw.w.dl_chutich)) == [district]
    assert list(selectors.inspections_visible(official=iw.tinh_chutich)) == [district]
    assert list(selectors.inspections_visible(official=iw.tk_chutich)) == []
    assert list(selectors.inspections_visible(official=iw.head)) == [district]  # over it


def test_the_figures_of_an_inspection_and_of_its_year(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    late = find(iw, inspection)
    find(iw, inspection, category="digital", unit=iw.w.tk)
    find(iw, inspection, category="late_dossiers", unit=iw.w.tk)
    closed = recommend(iw, inspection, finding=late)
    remedy_done(closed.task, at=vn(2027, 4, 1, 9))  # early
    verify(iw, closed, effective=True, note="Đạt")
    recommend(iw, inspection, unit=iw.w.tk)  # open, in time at first
    overdue = recommend(
        iw, inspection, remedy=services.RemedyData(working_days=1), at=vn(2027, 3, 2, 9)
    )
    now = vn(2027, 3, 20, 9)
    summary = selectors.inspection_summary(inspection=inspection, now=now)
    assert summary.findings_by_category == {
        "leadership": 0,
        "procedures": 0,
        "late_dossiers": 2,
        "digital": 1,
        "outreach": 0,
        "legal_documents": 0,
        "organisation": 0,
        "other": 0,
    }
    assert (summary.findings, summary.recommendations, summary.open, summary.closed) == (
        3,
        3,
        2,
        1,
    )
    assert summary.by_timeliness == {
        "early": 1,
        "on_time": 0,
        "late": 0,
        "in_time": 1,
        "overdue": 1,
    }
    empty = plan(iw, title="Chưa bắt đầu", starts_on=date(2027, 6, 1), ends_on=date(2027, 6, 5))
    counts = [
        "pk",
        "findings_count",
        "recommendations_open",
        "recommendations_closed",
        "recommendations_overdue",
    ]
    rows = selectors.inspections_with_counts(
        Inspection.objects.order_by("pk"), now=now
    ).values_list(*counts)
    assert list(rows) == [(inspection.pk, 3, 2, 1, 1), (empty.pk, 0, 0, 0, 0)]
    assert overdue.task.due_at < now < overdue.task.due_at + timedelta(days=30)


def test_the_recommendations_with_their_task_and_history_in_bounded_queries(
    iw: InspectionWorld, django_assert_max_num_queries: Any
) -> None:
    inspection = plan(iw)
    for i in range(6):
        rec = recommend(iw, inspection, unit=iw.w.dl if i % 2 else iw.w.tk)
        if i < 2:
            remedy_done(rec.task, at=vn(2027, 4, 1, 9))
            verify(iw, rec, effective=bool(i), note="Kiểm tra")
    inspection = Inspection.objects.get(pk=inspection.pk)
    # three reads and one calendar per unit (two units), whatever the number of rows
    with django_assert_max_num_queries(3 + 2 * 4):
        rows = selectors.inspection_recommendations(inspection=inspection)
        assert [len(r.events) for r in rows] == [3, 3, 1, 1, 1, 1]
        assert [r.task.assignee.username for r in rows] == ["tk.chutich", "dl.chutich"] + [
            "tk.chutich",
            "dl.chutich",
        ] * 2


def test_the_team_is_of_inspectors_none_of_a_unit_inspected(iw: InspectionWorld) -> None:
    dual = official(
        "tinh.kiemnhiem", [(iw.w.ubnd_tinh, Role.INSPECTOR), (iw.w.dl_tnmt, Role.HANDLING_OFFICIAL)]
    )
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        plan(iw, members=[iw.member, iw.w.dl_chutich, dual])
    assert caught.value.fields == {
        "members": [
            "Trần Đình Long is not an inspector of the inspecting unit.",
            "tinh.kiemnhiem works in a unit inspected.",
        ]
    }
    assert written() == before


def test_a_remedy_is_led_in_the_inspected_unit_and_approved_by_the_team(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        recommend(
            iw,
            inspection,
            remedy=services.RemedyData(lead_agency=iw.w.tk_ubnd, approver=iw.w.dl_chutich),
        )
    assert set(caught.value.fields) == {"lead_agency", "approver"}
    assert written() == before
