"""Inspections through the API (docs/api-inspections.md): planning with every problem named
at once and nothing written, the year's plan with its figures in bounded queries, an
inspection with its team, units, findings and recommendations (task and events), the team's
findings and recommendations, verification (409 before the remedy is approved, 409 to close
without it), the report and its PDF; 400/403/404/409 in the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.inspections import services
from motcua.inspections.models import (
    Finding,
    Inspection,
    Recommendation,
    RecommendationEvent,
)
from motcua.tasks.models import Task, TaskEvent
from tests.api.test_conventions import assert_error_shape
from tests.dossiers.world import vn
from tests.inspections.inspection_world import (
    SCOPE,
    TITLE,
    InspectionWorld,
    build,
    find,
    plan,
    recommend,
    remedy_done,
)

Api = Callable[..., Any]
NEW: dict[str, Any] = {
    "unit": "40",
    "year": 2027,
    "title": TITLE,
    "scope": SCOPE,
    "period_from": "2026-01-01",
    "period_to": "2026-12-31",
    "starts_on": "2027-03-01",
    "ends_on": "2027-03-12",
    "head": "tinh.thanhtra",
    "members": ["tinh.thanhtra2"],
    "inspected_units": ["427", "423"],
}


@pytest.fixture(autouse=True)
def english(client: Client) -> Any:
    """Messages are compared with their English msgids: the API's in the language of the
    request (the cookie), the services called directly here in the active language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
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


# -- planning --------------------------------------------------------------------------------


def test_an_inspector_plans_an_inspection(iw: InspectionWorld, api: Api) -> None:
    response = api("post", "/inspections", iw.head, NEW)
    assert response.status_code == 201, response.content
    inspection = Inspection.objects.get()
    assert response.json() == {
        "id": inspection.pk,
        "unit": "40",
        "year": 2027,
        "title": TITLE,
        "scope": SCOPE,
        "period_from": "2026-01-01",
        "period_to": "2026-12-31",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-12",
        "head": "tinh.thanhtra",
        "members": ["tinh.thanhtra2"],
        "inspected_units": ["423", "427"],
        "state": "planned",
        "conclusion": "",
        "reported_at": None,
        "counts": {
            "findings": 0,
            "recommendations_open": 0,
            "recommendations_closed": 0,
            "recommendations_overdue": 0,
        },
        "findings": [],
        "recommendations": [],
        "summary": {
            "findings_by_category": {
                "leadership": 0,
                "procedures": 0,
                "late_dossiers": 0,
                "digital": 0,
                "outreach": 0,
                "legal_documents": 0,
                "organisation": 0,
                "other": 0,
            },
            "recommendations": 0,
            "open": 0,
            "closed": 0,
            "by_timeliness": {"early": 0, "on_time": 0, "late": 0, "in_time": 0, "overdue": 0},
        },
    }
    assert inspection.created_by == iw.head


def test_every_problem_is_named_at_once_and_nothing_is_written(
    iw: InspectionWorld, api: Api
) -> None:
    body = {
        **NEW,
        "title": " ",
        "period_from": "2026-02-30",
        "ends_on": "2027-02-01",
        "members": ["tinh.thanhtra2", "no.such.person"],
        "inspected_units": ["427", "NO.SUCH"],
    }
    error = assert_error_shape(
        api("post", "/inspections", iw.head, body), 400, "inspection.invalid"
    )
    assert error["fields"] == {
        "title": ["Required."],
        "period_from": ["Write a date as YYYY-MM-DD."],
        "ends_on": ["Not before 2027-03-01."],
        "members.1": ["Unknown official 'no.such.person'."],
        "inspected_units.1": ["Unknown unit 'NO.SUCH'."],
    }
    assert written() == (0, 0, 0, 0, 0, 0)


def test_unknown_members_or_units_write_nothing_even_when_the_rest_is_valid(
    iw: InspectionWorld, api: Api
) -> None:
    body = {**NEW, "members": ["no.such.person"]}
    error = assert_error_shape(
        api("post", "/inspections", iw.head, body), 400, "inspection.invalid"
    )
    assert error["fields"] == {"members.0": ["Unknown official 'no.such.person'."]}
    body = {**NEW, "inspected_units": ["427", "NO.SUCH"]}
    error = assert_error_shape(
        api("post", "/inspections", iw.head, body), 400, "inspection.invalid"
    )
    assert error["fields"] == {"inspected_units.1": ["Unknown unit 'NO.SUCH'."]}
    assert written() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize("who", ["tinh_chutich", "dl_thanhtra", "nobody"])
def test_only_inspectors_of_the_unit_plan(iw: InspectionWorld, api: Api, who: str) -> None:
    actor = getattr(iw, who, None) or getattr(iw.w, who)
    assert_error_shape(api("post", "/inspections", actor, NEW), 403, "inspection.forbidden")
    assert written() == (0, 0, 0, 0, 0, 0)


def test_a_token_is_required(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    for method, path in (
        ("post", "/inspections"),
        ("get", "/inspections"),
        ("get", f"/inspections/{inspection.pk}"),
        ("get", f"/inspections/{inspection.pk}/report.pdf"),
        ("post", f"/inspections/{inspection.pk}/findings"),
    ):
        assert_error_shape(api(method, path), 401, "auth.required")


def test_wrong_types_are_400(iw: InspectionWorld, api: Api) -> None:
    for body in ({**NEW, "year": "abc"}, {**NEW, "members": "tinh.thanhtra2"}):
        assert_error_shape(api("post", "/inspections", iw.head, body), 400, "request.invalid")
    assert written() == (0, 0, 0, 0, 0, 0)


# -- the year's plan -------------------------------------------------------------------------


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [i["id"] for i in response.json()["items"]]


def test_the_plan_of_a_year_with_the_figures_of_each(iw: InspectionWorld, api: Api) -> None:
    later = plan(iw, title="Quý III", starts_on=date(2027, 7, 1), ends_on=date(2027, 7, 5))
    inspection = plan(iw)
    find(iw, inspection)
    recommend(iw, inspection, remedy=services.RemedyData(working_days=1), at=vn(2025, 3, 3, 9))
    done = recommend(iw, inspection, unit=iw.w.tk)
    remedy_done(done.task, at=vn(2027, 3, 10, 9))
    services.recommendation_act(
        actor=iw.head, recommendation=done, action="verify", effective=True, note="Đạt"
    )
    last_year = plan(iw, year=2026)
    district = plan(
        iw,
        actor=iw.dl_thanhtra,
        unit=iw.w.dl,
        head=iw.dl_thanhtra,
        members=[],
        inspected_units=[iw.w.dl_commune],
    )
    response = api("get", "/inspections?year=2027", iw.tinh_chutich)
    # ordered by when the team works
    assert _ids(response) == [inspection.pk, district.pk, later.pk]
    first = response.json()["items"][0]
    assert first["counts"] == {
        "findings": 1,
        "recommendations_open": 1,
        "recommendations_closed": 1,
        "recommendations_overdue": 1,
    }
    assert set(first) == {
        "id",
        "unit",
        "year",
        "title",
        "scope",
        "period_from",
        "period_to",
        "starts_on",
        "ends_on",
        "head",
        "members",
        "inspected_units",
        "state",
        "conclusion",
        "reported_at",
        "counts",
    }
    assert _ids(api("get", "/inspections?year=2027&unit=427", iw.tinh_chutich)) == [district.pk]
    assert _ids(api("get", "/inspections?year=2026", iw.tinh_chutich)) == [last_year.pk]
    # what each sees
    assert _ids(api("get", "/inspections?year=2027", iw.tk_chutich)) == [inspection.pk, later.pk]
    assert _ids(api("get", "/inspections", iw.w.dl_tnmt_cv)) == []
    # pages
    page = api("get", "/inspections?year=2027&limit=2", iw.tinh_chutich).json()
    assert [i["id"] for i in page["items"]] == [inspection.pk, district.pk]
    rest = api("get", f"/inspections?year=2027&limit=2&cursor={page['next']}", iw.tinh_chutich)
    assert _ids(rest) == [later.pk]
    assert rest.json()["next"] is None


def test_the_list_refuses_what_is_no_filter(iw: InspectionWorld, api: Api) -> None:
    for query in ("year=1989", "year=abc", "limit=0", "cursor=zz"):
        response = api("get", f"/inspections?{query}", iw.head)
        assert response.status_code == 400, query
        assert_error_shape(response, 400, response.json()["error"]["code"])


def test_the_list_queries_do_not_grow_with_the_inspections(iw: InspectionWorld, api: Api) -> None:
    def one() -> None:
        inspection = plan(iw)
        find(iw, inspection)
        recommend(iw, inspection)

    for _ in range(2):
        one()
    api("get", "/inspections", iw.tinh_chutich)
    with CaptureQueriesContext(connection) as two:
        assert len(_ids(api("get", "/inspections", iw.tinh_chutich))) == 2
    for _ in range(8):
        one()
    with CaptureQueriesContext(connection) as ten:
        assert len(_ids(api("get", "/inspections", iw.tinh_chutich))) == 10
    assert len(ten) == len(two)


# -- one inspection --------------------------------------------------------------------------


def test_an_inspection_with_its_findings_and_recommendations(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    finding = find(iw, inspection, actor=iw.member)
    rec = recommend(iw, inspection, finding=finding)
    task = rec.task
    body = api("get", f"/inspections/{inspection.pk}", iw.w.dl_chutich).json()
    assert body["state"] == "under_way"
    assert body["findings"] == [
        {
            "id": finding.pk,
            "unit": "427",
            "category": "late_dossiers",
            "description": "12 hồ sơ đất đai giải quyết trễ hạn, không có phiếu xin lỗi.",
            "evidence": "Sổ theo dõi hồ sơ quý IV/2026 của Bộ phận Một cửa.",
            "recorded_by": "tinh.thanhtra2",
            "recorded_at": "2027-03-02T09:00:00+07:00",
        }
    ]
    assert body["recommendations"] == [
        {
            "id": rec.pk,
            "inspection": inspection.pk,
            "unit": "427",
            "finding": finding.pk,
            "text": "Rà soát toàn bộ hồ sơ trễ hạn và gửi phiếu xin lỗi cho người dân.",
            "state": "open",
            "closed_at": None,
            "task": {
                "id": task.pk,
                "title": f"Remedy: {rec.text}",
                "status": "assigned",
                "timeliness": "in_time",
                "due_at": "2027-04-13T17:00:00+07:00",
                "assignee": "dl.chutich",
                "lead_agency": "DL.UBND",
                "approver": "tinh.thanhtra",
            },
            "events": [
                {
                    "seq": 1,
                    "at": "2027-03-02T09:00:00+07:00",
                    "actor": "tinh.thanhtra",
                    "action": "give",
                    "task": task.pk,
                    "data": {"task": task.pk, "unit": "427"},
                }
            ],
        }
    ]
    assert body["counts"]["recommendations_open"] == 1
    assert body["summary"]["findings_by_category"]["late_dossiers"] == 1
    assert body["summary"]["by_timeliness"]["in_time"] == 1


@pytest.mark.parametrize("who", ["dl_thanhtra", "dl_tnmt_cv", "nobody"])
def test_an_inspection_one_may_not_see_is_not_found(
    iw: InspectionWorld, api: Api, who: str
) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    viewer = getattr(iw, who, None) or getattr(iw.w, who)
    before = written()
    for method, path, body in (
        ("get", f"/inspections/{inspection.pk}", None),
        ("get", f"/inspections/{inspection.pk}/report.pdf", None),
        ("post", f"/inspections/{inspection.pk}/findings", {"unit": "427"}),
        ("post", f"/inspections/{inspection.pk}/recommendations", {"unit": "427"}),
        ("post", f"/inspections/{inspection.pk}/report", {"conclusion": "X"}),
    ):
        assert_error_shape(api(method, path, viewer, body), 404, "inspection.not_found")
    response = api("post", f"/recommendations/{rec.pk}/actions", viewer, {"action": "verify"})
    assert_error_shape(response, 404, "recommendation.not_found")
    assert written() == before


def test_ids_that_are_none_are_not_found(iw: InspectionWorld, api: Api) -> None:
    for raw in ("0", "-1", "99999999999999999999"):
        assert api("get", f"/inspections/{raw}", iw.w.root).status_code in {404, 400}
        response = api("post", f"/recommendations/{raw}/actions", iw.w.root, {"action": "x"})
        assert response.status_code in {404, 400}
    assert_error_shape(api("get", "/inspections/12345", iw.w.root), 404, "inspection.not_found")


# -- findings and recommendations ------------------------------------------------------------


def test_the_team_records_a_finding(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    body = {
        "unit": "423",
        "category": "digital",
        "description": "Chưa số hóa kết quả.",
        "evidence": "Biên bản",
    }
    response = api("post", f"/inspections/{inspection.pk}/findings", iw.member, body)
    assert response.status_code == 201, response.content
    finding = Finding.objects.get()
    shown = response.json()
    assert shown == {
        "id": finding.pk,
        "unit": "423",
        "category": "digital",
        "description": "Chưa số hóa kết quả.",
        "evidence": "Biên bản",
        "recorded_by": "tinh.thanhtra2",
        "recorded_at": shown["recorded_at"],
    }


def test_a_finding_refused(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    path = f"/inspections/{inspection.pk}/findings"
    error = assert_error_shape(
        api("post", path, iw.head, {"unit": "NO.SUCH", "category": "x"}), 400, "inspection.invalid"
    )
    assert set(error["fields"]) == {"unit", "category", "description", "evidence"}
    assert error["fields"]["unit"] == ["Unknown unit 'NO.SUCH'."]
    body = {"unit": "42701", "category": "other", "description": "A", "evidence": "B"}
    error = assert_error_shape(api("post", path, iw.head, body), 400, "inspection.invalid")
    assert error["fields"] == {"unit": ["This unit is not inspected by this inspection."]}
    assert_error_shape(api("post", path, iw.outsider, body), 403, "inspection.forbidden")
    assert_error_shape(api("post", path, iw.tinh_chutich, body), 403, "inspection.forbidden")
    assert written() == (1, 0, 0, 0, 0, 0)


def test_the_team_gives_a_recommendation_as_a_task(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    finding = find(iw, inspection)
    body = {
        "unit": "427",
        "text": "Ban hành quy chế tiếp nhận hồ sơ.",
        "finding": finding.pk,
        "lead_agency": "DL.TNMT",
        "assignee": "dl.tnmt.cv",
        "approver": "tinh.thanhtra2",
        "due_at": "2027-05-03T17:00:00+07:00",
        "deliverable": "Quyết định ban hành quy chế",
    }
    response = api("post", f"/inspections/{inspection.pk}/recommendations", iw.member, body)
    assert response.status_code == 201, response.content
    rec = Recommendation.objects.get()
    task = rec.task
    shown = response.json()
    assert shown["task"] == {
        "id": task.pk,
        "title": "Remedy: Ban hành quy chế tiếp nhận hồ sơ.",
        "status": "assigned",
        "timeliness": shown["task"]["timeliness"],
        "due_at": "2027-05-03T17:00:00+07:00",
        "assignee": "dl.tnmt.cv",
        "lead_agency": "DL.TNMT",
        "approver": "tinh.thanhtra2",
    }
    assert (shown["id"], shown["finding"], shown["state"], task.source) == (
        rec.pk,
        finding.pk,
        "open",
        f"recommendation:{rec.pk}",
    )
    assert [e["action"] for e in shown["events"]] == ["give"]
    # the task is a task like any other: the team's head sees it through /tasks
    seen = api("get", f"/tasks/{task.pk}", iw.head).json()
    assert (seen["source_kind"], seen["source"]) == ("inspection", f"recommendation:{rec.pk}")


def test_a_recommendation_refused(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    other = plan(iw, title="Khác")
    theirs = find(iw, other)
    path = f"/inspections/{inspection.pk}/recommendations"
    body = {
        "unit": "42301",
        "text": "",
        "finding": theirs.pk,
        "lead_agency": "NO.SUCH",
        "assignee": "no.such",
    }
    error = assert_error_shape(api("post", path, iw.head, body), 400, "inspection.invalid")
    assert error["fields"] == {
        "text": ["Required."],
        "unit": ["This unit is not inspected by this inspection."],
        "finding": ["The finding is not one of this inspection's."],
        "lead_agency": ["Unknown agency 'NO.SUCH'."],
        "assignee": ["Unknown official 'no.such'."],
    }
    # an unknown agency is no default: nothing is written even when the rest is valid
    error = assert_error_shape(
        api("post", path, iw.head, {"unit": "427", "text": "X", "lead_agency": "NO.SUCH"}),
        400,
        "inspection.invalid",
    )
    assert error["fields"] == {"lead_agency": ["Unknown agency 'NO.SUCH'."]}
    ok = {"unit": "427", "text": "X"}
    assert_error_shape(api("post", path, iw.outsider, ok), 403, "inspection.forbidden")
    error = assert_error_shape(
        api("post", path, iw.head, {**ok, "due_at": "2027-05-03T17:00"}), 400, "request.naive_time"
    )
    assert error["fields"] == {"due_at": ["A time must carry its UTC offset, e.g. +07:00."]}
    assert written() == (2, 1, 0, 0, 0, 0)


# -- verification ----------------------------------------------------------------------------


def test_verify_close_and_give_again(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    path = f"/recommendations/{rec.pk}/actions"
    effective = {"action": "verify", "effective": True, "note": "Đạt"}
    # not before the remedy's result is approved
    assert_error_shape(api("post", path, iw.head, effective), 409, "recommendation.remedy_not_done")
    first = remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    # never closed without a verification
    assert_error_shape(
        api("post", path, iw.head, {"action": "close"}), 409, "recommendation.not_verified"
    )
    assert_error_shape(
        api("post", path, iw.head, {"action": "x"}), 400, "recommendation.unknown_action"
    )
    error = assert_error_shape(
        api("post", path, iw.head, {"action": "verify", "effective": "yes", "note": "x"}),
        400,
        "request.invalid",
    )
    assert set(error["fields"]) == {"effective"}
    error = assert_error_shape(
        api("post", path, iw.head, {"action": "verify"}), 400, "recommendation.invalid"
    )
    assert set(error["fields"]) == {"effective", "note"}
    assert_error_shape(api("post", path, iw.w.dl_chutich, effective), 403, "inspection.forbidden")
    assert rec.events.count() == 1
    # not effective: a new task, with the remedy given anew
    again = {
        "action": "verify",
        "effective": False,
        "note": "Còn thiếu.",
        "lead_agency": "DL.TNMT",
        "assignee": "dl.tnmt.cv",
        "working_days": 5,
    }
    response = api("post", path, iw.member, again)
    assert response.status_code == 200, response.content
    shown = response.json()
    rec.refresh_from_db()
    assert rec.task_id != first.pk
    assert (shown["state"], shown["task"]["id"], shown["task"]["assignee"]) == (
        "open",
        rec.task_id,
        "dl.tnmt.cv",
    )
    assert shown["task"]["lead_agency"] == "DL.TNMT"
    assert [(e["seq"], e["action"], e["task"]) for e in shown["events"]] == [
        (1, "give", first.pk),
        (2, "verify", first.pk),
        (3, "give_again", rec.task_id),
    ]
    assert shown["events"][1]["data"] == {"effective": False, "note": "Còn thiếu."}
    # found effective, it is closed
    remedy_done(rec.task, at=vn(2027, 5, 3, 9))
    response = api("post", path, iw.head, effective)
    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["state"] == "closed"
    assert shown["closed_at"] is not None
    assert [e["action"] for e in shown["events"]] == [
        "give",
        "verify",
        "give_again",
        "verify",
        "close",
    ]
    assert_error_shape(api("post", path, iw.head, effective), 409, "recommendation.closed")


def test_a_new_remedy_with_an_unknown_agency_is_refused_before_verifying(
    iw: InspectionWorld, api: Api
) -> None:
    inspection = plan(iw)
    rec = recommend(iw, inspection)
    remedy_done(rec.task, at=vn(2027, 4, 1, 9))
    before = written()
    body = {"action": "verify", "effective": False, "note": "X", "lead_agency": "NO.SUCH"}
    error = assert_error_shape(
        api("post", f"/recommendations/{rec.pk}/actions", iw.head, body),
        400,
        "recommendation.invalid",
    )
    assert error["fields"] == {"lead_agency": ["Unknown agency 'NO.SUCH'."]}
    assert written() == before


# -- the report ------------------------------------------------------------------------------


def test_the_head_issues_the_report_and_it_prints(iw: InspectionWorld, api: Api) -> None:
    inspection = plan(iw)
    path = f"/inspections/{inspection.pk}/report"
    assert_error_shape(api("get", f"{path}.pdf", iw.head), 409, "inspection.not_reported")
    error = assert_error_shape(
        api("post", path, iw.head, {"conclusion": ""}), 400, "inspection.invalid"
    )
    assert set(error["fields"]) == {"conclusion", "findings"}
    find(iw, inspection)
    assert_error_shape(
        api("post", path, iw.member, {"conclusion": "X"}), 403, "inspection.forbidden"
    )
    response = api("post", path, iw.head, {"conclusion": "Đạt yêu cầu."})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["conclusion"]) == ("reported", "Đạt yêu cầu.")
    assert response.json()["reported_at"] is not None
    assert_error_shape(api("post", path, iw.head, {"conclusion": "X"}), 409, "inspection.reported")
    pdf = api("get", f"{path}.pdf", iw.w.dl_chutich)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
