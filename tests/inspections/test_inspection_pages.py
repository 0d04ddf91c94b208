"""Inspection pages: the year's plan with each inspection's figures (queries that do not
grow with the rows), a new inspection created exactly or refused with every problem next to
its field, the inspection with its team, units, findings and recommendations (task link,
timeliness in colour and words, state, verification history), the forms of the team (a
finding, a recommendation, from a finding with its remedy defaulted, a verification once the
remedy is approved) and of its head (the report), and 404 for those who may not see."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.inspections import services
from motcua.inspections.models import (
    Finding,
    Inspection,
    Recommendation,
    RecommendationEvent,
)
from motcua.org.models import Official
from motcua.tasks.models import Task, TaskEvent
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

NEW: dict[str, Any] = {
    "unit": "40",
    "year": "2027",
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
FINDING: dict[str, Any] = {
    "unit": "427",
    "category": "late_dossiers",
    "description": "12 hồ sơ trễ hạn chưa có phiếu xin lỗi.",
    "evidence": "Sổ theo dõi hồ sơ quý IV/2026.",
}


@pytest.fixture
def iw(world: Any) -> InspectionWorld:
    return build(world)


def login(official: Official, language: str = "en") -> Client:
    client = Client()
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html(response: Any) -> str:
    return response.content.decode()


def section(page: str, name: str) -> str:
    return page.split(f'data-section="{name}"')[1].split("</section>", maxsplit=1)[0]


def field_errors(page: str) -> set[str]:
    """The fields that show an error next to them."""
    return {
        m.group(1)
        for m in re.finditer(r'data-field="(\w+)">(.*?)</(?:p|fieldset)>', page, re.S)
        if "field-error" in m.group(2)
    }


def article(page: str, rec: Recommendation) -> str:
    return page.split(f'<article class="card recommendation" data-recommendation="{rec.pk}"')[
        1
    ].split("</article>", maxsplit=1)[0]


def written() -> tuple[int, ...]:
    return (
        Inspection.objects.count(),
        Finding.objects.count(),
        Recommendation.objects.count(),
        RecommendationEvent.objects.count(),
        Task.objects.count(),
        TaskEvent.objects.count(),
    )


# -- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/inspections/",
        "/inspections/new/",
        "/inspections/1/",
        "/inspections/1/report.pdf",
    ],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("head", True),
        ("member", True),
        ("outsider", True),
        ("tinh_chutich", True),
        ("dl_chutich", True),
        ("root", True),
        ("dl_thanhtra", False),
        ("dl_tnmt_cv", False),
        ("nobody", False),
    ],
)
def test_who_sees_an_inspection_page(iw: InspectionWorld, who: str, sees: bool) -> None:
    inspection = plan(iw)
    find(iw, inspection)
    rec = recommend(iw, inspection)
    viewer = getattr(iw, who, None) or getattr(iw.w, who)
    client = login(viewer)
    listed = html(client.get("/inspections/?year=2027"))
    detail = client.get(f"/inspections/{inspection.pk}/")
    if sees:
        assert f'data-inspection="{inspection.pk}"' in listed
        assert detail.status_code == 200
        return
    assert f'data-inspection="{inspection.pk}"' not in listed
    assert "data-empty" in section(listed, "inspections")
    assert detail.status_code == 404
    before = written()
    for path, data in (
        (f"/inspections/{inspection.pk}/findings/", FINDING),
        (f"/inspections/{inspection.pk}/recommendations/", {"unit": "427", "text": "X"}),
        (f"/inspections/{inspection.pk}/report/", {"conclusion": "X"}),
        (f"/inspections/recommendations/{rec.pk}/verify/", {"effective": "1", "note": "X"}),
    ):
        assert client.post(path, data).status_code == 404
    assert client.get(f"/inspections/{inspection.pk}/report.pdf").status_code == 404
    assert written() == before


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "99999999999999999999", "9223372036854775808"])
def test_strange_ids_are_not_found(iw: InspectionWorld, raw: str) -> None:
    client = login(iw.w.root)
    assert client.get(f"/inspections/{raw}/").status_code == 404
    assert client.post(f"/inspections/{raw}/findings/", FINDING).status_code == 404
    assert client.post(f"/inspections/recommendations/{raw}/verify/", {}).status_code == 404
    assert written() == (0, 0, 0, 0, 0, 0)


def test_the_navigation_leads_to_the_inspections(iw: InspectionWorld) -> None:
    page = html(login(iw.w.dl_tnmt_cv).get("/tasks/"))
    assert 'href="/inspections/" data-nav="inspections"' in page


# -- the year's plan -------------------------------------------------------------------------


def _line(page: str, inspection: Inspection) -> str:
    return page.split(f'<tr data-inspection="{inspection.pk}"')[1].split("</tr>", maxsplit=1)[0]


def test_the_plan_of_the_year_with_the_figures_of_each_inspection(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    late = find(iw, inspection)
    find(iw, inspection, unit=iw.w.tk, category="digital")
    closed = recommend(iw, inspection, finding=late)
    remedy_done(closed.task, at=vn(2027, 4, 1, 9))
    services.recommendation_act(
        actor=iw.head, recommendation=closed, action="verify", effective=True, note="Đạt"
    )
    recommend(iw, inspection, unit=iw.w.tk)
    # due in 2025: overdue now
    recommend(iw, inspection, remedy=services.RemedyData(working_days=1), at=vn(2025, 3, 3, 9))
    quiet = plan(iw, title="Kiểm tra quý III", starts_on=date(2027, 7, 1), ends_on=date(2027, 7, 5))
    plan(iw, title="Kế hoạch năm trước", year=2026)
    page = html(login(iw.tinh_chutich).get("/inspections/?year=2027"))
    assert "Inspections of 2027" in page
    line = _line(page, inspection)
    assert 'data-state="under_way"' in line
    assert f'href="/inspections/{inspection.pk}/"' in line
    assert "Huyện Đô Lương, Huyện Tân Kỳ" in line
    assert "01/03/2027 – 12/03/2027" in line
    for figure in ('data-findings="2"', 'data-open="2"', 'data-closed="1"', 'data-overdue="1"'):
        assert figure in line
    assert "time-late" in line
    assert "1 overdue" in line
    quiet_line = _line(page, quiet)
    for figure in ('data-findings="0"', 'data-open="0"', 'data-closed="0"', 'data-overdue="0"'):
        assert figure in quiet_line
    totals = page.split("data-totals", 1)[1].split(">", 1)[0]
    assert totals == (
        ' data-count="2" data-findings="2" data-open="2" data-closed="1" data-overdue="1"'
    )
    # ordered by when the team works; the year before is not in this year's plan
    assert page.index(f'data-inspection="{inspection.pk}"') < page.index(
        f'data-inspection="{quiet.pk}"'
    )
    assert "Kế hoạch năm trước" not in page


def test_the_year_filter(iw: InspectionWorld) -> None:
    this_year = timezone.localdate().year
    current = plan(iw, year=this_year, title="Kiểm tra năm nay")
    later = plan(iw, year=2030, title="Kiểm tra năm 2030")
    client = login(iw.head)

    def shown(query: str) -> set[int]:
        response = client.get(f"/inspections/{query}")
        assert response.status_code == 200
        return {int(pk) for pk in re.findall(r'<tr data-inspection="(\d+)"', html(response))}

    assert shown("") == {current.pk}
    assert shown("?year=2030") == {later.pk}
    assert shown("?year=2029") == set()
    page = html(client.get("/inspections/?year=2030"))
    assert 'href="?year=2029" data-year-link="previous"' in page
    assert 'href="?year=2031" data-year-link="next"' in page
    # a year that is none is said, and this year shown instead; never a 500
    for raw in ("abc", "1989", "99999999999999999999", "２０２７"):
        response = client.get(f"/inspections/?year={raw}&page=99999999999")
        assert response.status_code == 200
        assert 'data-error="year"' in html(response)
        assert {int(pk) for pk in re.findall(r'<tr data-inspection="(\d+)"', html(response))} == {
            current.pk
        }


def test_the_list_queries_do_not_grow_with_the_inspections(iw: InspectionWorld) -> None:
    client = login(iw.tinh_chutich)

    def one() -> None:
        inspection = plan(iw)
        find(iw, inspection)
        recommend(iw, inspection)

    for _ in range(2):
        one()
    client.get("/inspections/?year=2027")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/inspections/?year=2027").status_code == 200
    for _ in range(8):
        one()
    with CaptureQueriesContext(connection) as ten:
        response = client.get("/inspections/?year=2027")
    assert html(response).count("<tr data-inspection=") == 10
    assert len(ten) == len(two)


def test_the_new_inspection_link_is_for_inspectors(iw: InspectionWorld) -> None:
    assert "data-new-inspection" in html(login(iw.head).get("/inspections/"))
    assert "data-new-inspection" in html(login(iw.dl_thanhtra).get("/inspections/"))
    assert "data-new-inspection" not in html(login(iw.tinh_chutich).get("/inspections/"))
    assert "data-new-inspection" not in html(login(iw.w.dl_tnmt_cv).get("/inspections/"))


# -- a new inspection ------------------------------------------------------------------------


def test_an_inspector_plans_an_inspection_from_the_page(iw: InspectionWorld) -> None:
    client = login(iw.head)
    form = html(client.get("/inspections/new/"))
    assert 'data-form="inspection"' in form
    assert '<option value="40">40 — Tỉnh Nghệ An</option>' in form
    assert '<option value="tinh.thanhtra">tinh.thanhtra</option>' in form
    # the chairman is no inspector: not offered as head
    assert '<option value="tinh.chutich">' not in section_of_field(form, "head")
    response = client.post("/inspections/new/", NEW)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    assert (
        inspection.unit.code,
        inspection.year,
        inspection.title,
        inspection.scope,
        inspection.period_from,
        inspection.period_to,
        inspection.starts_on,
        inspection.ends_on,
        inspection.head,
        inspection.created_by,
        inspection.state,
    ) == (
        "40",
        2027,
        TITLE,
        SCOPE,
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2027, 3, 1),
        date(2027, 3, 12),
        iw.head,
        iw.head,
        "planned",
    )
    assert [m.username for m in inspection.members.all()] == ["tinh.thanhtra2"]
    assert sorted(u.code for u in inspection.inspected_units.all()) == ["423", "427"]
    page = html(client.get(response["Location"]))
    assert "The inspection was added to the plan." in page


def section_of_field(page: str, name: str) -> str:
    return page.split(f'data-field="{name}"')[1].split("</p>", maxsplit=1)[0]


def test_an_empty_inspection_shows_every_problem_next_to_its_field(iw: InspectionWorld) -> None:
    response = login(iw.head).post("/inspections/new/", {"year": ""})
    assert response.status_code == 400
    page = html(response)
    assert field_errors(page) == {
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
    assert "Choose the inspecting unit." in section_of_field(page, "unit")
    assert written() == (0, 0, 0, 0, 0, 0)


def test_dates_that_are_none_and_a_unit_out_of_reach_are_refused_next_to_their_fields(
    iw: InspectionWorld,
) -> None:
    client = login(iw.dl_thanhtra)
    response = client.post(
        "/inspections/new/",
        {**NEW, "unit": "40", "period_from": "2026-02-30", "inspected_units": ["423"]},
    )
    assert response.status_code == 400
    # the province is not a unit he may plan for: not a valid choice, nor is Tân Kỳ, nor
    # an inspector of the province he does not see
    assert field_errors(html(response)) == {"unit", "period_from", "inspected_units", "members"}
    assert written() == (0, 0, 0, 0, 0, 0)


def test_an_official_who_is_no_inspector_is_refused(iw: InspectionWorld) -> None:
    client = login(iw.tinh_chutich)
    page = html(client.get("/inspections/new/"))
    assert 'data-error="inspection.forbidden"' in page
    response = client.post("/inspections/new/", NEW)
    assert response.status_code == 400  # no unit he may choose
    assert "unit" in field_errors(html(response))
    assert written() == (0, 0, 0, 0, 0, 0)


def test_a_head_who_is_no_inspector_is_refused_next_to_the_field(iw: InspectionWorld) -> None:
    response = login(iw.head).post("/inspections/new/", {**NEW, "head": "dl.thanhtra"})
    assert response.status_code == 400
    page = html(response)
    assert field_errors(page) == {"head"}
    assert "dl.thanhtra is not an inspector of the inspecting unit." in page
    assert written() == (0, 0, 0, 0, 0, 0)


# -- the inspection --------------------------------------------------------------------------


def _full(iw: InspectionWorld) -> tuple[Inspection, Recommendation, Recommendation]:
    inspection = plan(iw)
    late = find(iw, inspection)
    waiting = recommend(iw, inspection, finding=late)
    remedy_done(waiting.task, at=vn(2027, 3, 20, 9))
    overdue = recommend(
        iw,
        inspection,
        unit=iw.w.tk,
        text="Cập nhật thủ tục lên Cổng dịch vụ công.",
        remedy=services.RemedyData(working_days=2),
        at=vn(2025, 3, 3, 9),
    )
    return inspection, waiting, overdue


def test_the_inspection_page_shows_everything_to_the_team(iw: InspectionWorld) -> None:
    inspection, waiting, overdue = _full(iw)
    page = html(login(iw.member).get(f"/inspections/{inspection.pk}/"))
    header = page.split(f'data-inspection="{inspection.pk}"', 1)[1].split("</header>")[0]
    assert 'data-state="under_way"' in page
    for text in (
        TITLE,
        "Tỉnh Nghệ An",
        'data-period="2026-01-01/2026-12-31"',
        "01/01/2026 – 31/12/2026",
        'data-dates="2027-03-01/2027-03-12"',
        SCOPE,
    ):
        assert text in header
    team = section(page, "team")
    assert 'data-head="tinh.thanhtra"' in team
    assert 'data-member="tinh.thanhtra2"' in team
    assert 'data-inspected="427"' in team
    assert 'data-inspected="423"' in team
    findings = section(page, "findings")
    assert 'data-category="late_dossiers" data-unit="427"' in findings
    assert "Late dossiers" in findings
    assert "12 hồ sơ đất đai giải quyết trễ hạn" in findings
    assert "Sổ theo dõi hồ sơ quý IV/2026 của Bộ phận Một cửa." in findings
    summary = section(page, "summary")
    assert 'data-findings="1" data-open="2" data-closed="0"' in summary
    assert 'data-count-category="late_dossiers" data-count="1"' in summary
    assert 'data-count-early="1"' in summary
    assert 'data-count-overdue="1"' in summary

    one = article(page, waiting)
    assert 'data-state="open"' in one
    assert 'data-task-status="approved"' in one
    assert f'href="/tasks/{waiting.task_id}/" data-task-link="{waiting.task_id}"' in one
    assert 'data-timeliness="early"' in one
    assert "data-awaits-verification" in one
    assert f'data-from-finding="{waiting.finding_id}"' in one
    assert 'data-event="give"' in one
    # the team may verify it: its remedy is approved
    assert f'data-action="verify" data-recommendation="{waiting.pk}"' in one
    assert 'name="effective"' in one

    two = article(page, overdue)
    assert 'data-task-status="assigned"' in two
    assert 'data-timeliness="overdue"' in two
    assert 'data-tone="late"' in two
    assert "overdue by" in two
    assert 'data-action="verify"' not in two
    # the team's forms; the report is for the head only
    assert 'data-form="finding"' in page
    assert 'data-form="recommendation"' in page
    assert 'data-form="report"' not in page
    assert "data-pdf" not in page
    assert 'data-action="recommend-from"' in page


def test_visitors_who_are_not_of_the_team_are_offered_no_action(iw: InspectionWorld) -> None:
    inspection, waiting, _overdue = _full(iw)
    for who in (iw.w.dl_chutich, iw.tinh_chutich, iw.outsider):
        response = login(who).get(f"/inspections/{inspection.pk}/")
        assert response.status_code == 200
        page = html(response)
        assert f'data-recommendation="{waiting.pk}"' in page
        for action in ('data-action="verify"', "data-form=", 'data-action="recommend-from"'):
            assert action not in page


def test_the_head_is_offered_the_report(iw: InspectionWorld) -> None:
    inspection, _waiting, _overdue = _full(iw)
    page = html(login(iw.head).get(f"/inspections/{inspection.pk}/"))
    assert 'data-form="report"' in page


def test_the_page_speaks_vietnamese_and_english(iw: InspectionWorld) -> None:
    inspection, _waiting, _overdue = _full(iw)
    english = html(login(iw.head, "en").get(f"/inspections/{inspection.pk}/"))
    vietnamese = html(login(iw.head, "vi").get(f"/inspections/{inspection.pk}/"))
    assert '<html lang="en">' in english
    assert '<html lang="vi">' in vietnamese
    assert "Record a finding" in english


# -- the team's forms ------------------------------------------------------------------------


def test_a_member_records_a_finding_from_the_page(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    client = login(iw.member)
    response = client.post(f"/inspections/{inspection.pk}/findings/", FINDING)
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    finding = Finding.objects.get()
    assert (
        finding.inspection,
        finding.unit.code,
        finding.category,
        finding.description,
        finding.evidence,
        finding.recorded_by,
    ) == (
        inspection,
        "427",
        "late_dossiers",
        FINDING["description"],
        FINDING["evidence"],
        iw.member,
    )
    page = html(client.get(response["Location"]))
    assert "The finding was recorded." in page
    assert f'data-finding="{finding.pk}"' in page


def test_an_incomplete_finding_shows_its_problems_next_to_the_fields(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    response = login(iw.head).post(f"/inspections/{inspection.pk}/findings/", {"unit": ""})
    assert response.status_code == 400
    form = section(html(response), "record-finding")
    assert field_errors(form) == {"unit", "category", "description", "evidence"}
    # a unit of the tree but not inspected is no choice here
    response = login(iw.head).post(
        f"/inspections/{inspection.pk}/findings/", {**FINDING, "unit": "42701"}
    )
    assert response.status_code == 400
    assert field_errors(section(html(response), "record-finding")) == {"unit"}
    assert written() == (1, 0, 0, 0, 0, 0)


def test_someone_outside_the_team_may_not_record_a_finding(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    response = login(iw.outsider).post(f"/inspections/{inspection.pk}/findings/", FINDING)
    assert response.status_code == 403
    assert 'data-error="inspection.forbidden"' in html(response)
    assert written() == (1, 0, 0, 0, 0, 0)


def test_a_recommendation_from_a_finding_has_its_remedy_defaulted(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    finding = find(iw, inspection, unit=iw.w.tk)
    client = login(iw.head)
    page = html(client.get(f"/inspections/{inspection.pk}/?finding={finding.pk}"))
    form = section(page, "recommend")
    assert f'<option value="{finding.pk}" selected>' in form
    assert '<option value="423" selected>' in form
    assert '<option value="TK.UBND" selected>' in form
    assert '<option value="tk.chutich" selected>' in form
    assert '<option value="tinh.thanhtra" selected>' in form
    assert 'name="working_days" value="30"' in form
    response = client.post(
        f"/inspections/{inspection.pk}/recommendations/",
        {
            "unit": "423",
            "finding": str(finding.pk),
            "text": "Cập nhật thủ tục.",
            "lead_agency": "TK.UBND",
            "assignee": "tk.chutich",
            "approver": "tinh.thanhtra",
            "working_days": "30",
            "due_at": "",
            "deliverable": "",
        },
    )
    assert response.status_code == 302
    rec = Recommendation.objects.get()
    task = rec.task
    assert (rec.unit.code, rec.finding, rec.text) == ("423", finding, "Cập nhật thủ tục.")
    assert (
        task.lead_agency.code,
        task.assignee.username,
        task.approver,
        task.assigner,
        task.deliverable,
        task.source,
    ) == (
        "TK.UBND",
        "tk.chutich",
        iw.head,
        iw.head,
        "A report on the remedy, with its evidence",
        f"recommendation:{rec.pk}",
    )


def test_a_recommendation_with_its_remedy_given(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    response = login(iw.member).post(
        f"/inspections/{inspection.pk}/recommendations/",
        {
            "unit": "427",
            "text": "Ban hành quy chế.",
            "lead_agency": "DL.TNMT",
            "assignee": "dl.tnmt.cv",
            "approver": "tinh.thanhtra2",
            "due_at": "2027-05-03T17:00",
            "deliverable": "Quyết định ban hành quy chế",
        },
    )
    assert response.status_code == 302
    task = Recommendation.objects.get().task
    assert (
        task.lead_agency.code,
        task.assignee.username,
        task.approver.username,
        task.due_at,
        task.deliverable,
    ) == (
        "DL.TNMT",
        "dl.tnmt.cv",
        "tinh.thanhtra2",
        vn(2027, 5, 3, 17),
        "Quyết định ban hành quy chế",
    )


def test_an_incomplete_recommendation_shows_its_problems_next_to_the_fields(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    client = login(iw.head)
    response = client.post(f"/inspections/{inspection.pk}/recommendations/", {"text": " "})
    assert response.status_code == 400
    form = section(html(response), "recommend")
    assert field_errors(form) == {"text", "unit"}
    # the remedy task's own rules, next to its fields
    response = client.post(
        f"/inspections/{inspection.pk}/recommendations/",
        {"unit": "427", "text": "Ban hành quy chế.", "lead_agency": "DL.TNMT", "assignee": ""},
    )
    assert response.status_code == 400
    form = section(html(response), "recommend")
    assert field_errors(form) == {"assignee"}
    assert written() == (1, 0, 0, 0, 0, 0)


def test_the_team_verifies_a_remedy_found_effective(iw: InspectionWorld) -> None:
    inspection, waiting, _overdue = _full(iw)
    client = login(iw.member)
    response = client.post(
        f"/inspections/recommendations/{waiting.pk}/verify/",
        {"effective": "1", "note": "Đã gửi đủ phiếu xin lỗi."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    waiting.refresh_from_db()
    assert waiting.state == "closed"
    page = html(client.get(response["Location"]))
    one = article(page, waiting)
    assert 'data-state="closed"' in one
    assert 'data-event="verify" data-effective="1"' in one
    assert "Đã gửi đủ phiếu xin lỗi." in one
    assert 'data-event="close"' in one
    assert 'data-action="verify"' not in one


def test_a_remedy_found_not_effective_is_given_again_from_the_page(iw: InspectionWorld) -> None:
    inspection, waiting, _overdue = _full(iw)
    old = waiting.task_id
    client = login(iw.head)
    response = client.post(
        f"/inspections/recommendations/{waiting.pk}/verify/",
        {"effective": "0", "note": "Còn thiếu 3 phiếu."},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == "open"
    assert waiting.task_id != old
    one = article(html(client.get(f"/inspections/{inspection.pk}/")), waiting)
    assert f'data-task-link="{waiting.task_id}"' in one
    assert 'data-event="verify" data-effective="0"' in one
    assert 'data-event="give_again"' in one
    assert f'href="/tasks/{old}/"' in one  # the history links the first task
    assert 'data-action="verify"' not in one  # the new remedy is not done yet


def test_an_incomplete_verification_is_refused_next_to_its_fields(iw: InspectionWorld) -> None:
    _inspection, waiting, _overdue = _full(iw)
    before = written()
    response = login(iw.head).post(f"/inspections/recommendations/{waiting.pk}/verify/", {})
    assert response.status_code == 400
    one = article(html(response), waiting)
    assert field_errors(one) == {"effective", "note"}
    assert written() == before


def test_verifying_a_remedy_not_done_is_refused_on_top(iw: InspectionWorld) -> None:
    _inspection, _waiting, overdue = _full(iw)
    before = written()
    response = login(iw.head).post(
        f"/inspections/recommendations/{overdue.pk}/verify/", {"effective": "1", "note": "Đạt"}
    )
    assert response.status_code == 409
    assert 'data-error="recommendation.remedy_not_done"' in section(html(response), "refused")
    assert written() == before


def test_someone_outside_the_team_may_not_verify(iw: InspectionWorld) -> None:
    _inspection, waiting, _overdue = _full(iw)
    before = written()
    response = login(iw.w.dl_chutich).post(
        f"/inspections/recommendations/{waiting.pk}/verify/", {"effective": "1", "note": "Đạt"}
    )
    assert response.status_code == 403
    assert written() == before


# -- the report ------------------------------------------------------------------------------


def test_the_head_issues_the_report_and_it_prints(iw: InspectionWorld) -> None:
    inspection, _waiting, _overdue = _full(iw)
    client = login(iw.head)
    assert client.get(f"/inspections/{inspection.pk}/report.pdf").status_code == 409
    response = client.post(f"/inspections/{inspection.pk}/report/", {"conclusion": " "})
    assert response.status_code == 400
    assert field_errors(section(html(response), "report")) == {"conclusion"}
    response = client.post(
        f"/inspections/{inspection.pk}/report/", {"conclusion": "Cơ bản đạt yêu cầu."}
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.state, inspection.conclusion) == ("reported", "Cơ bản đạt yêu cầu.")
    page = html(client.get(f"/inspections/{inspection.pk}/"))
    assert f'href="/inspections/{inspection.pk}/report.pdf" data-pdf' in page
    assert "Cơ bản đạt yêu cầu." in page.split("data-conclusion", 1)[1]
    # the report is final: no more findings, recommendations or report
    for form in ('data-form="finding"', 'data-form="recommendation"', 'data-form="report"'):
        assert form not in page
    # the verification of the approved remedy goes on
    assert 'data-action="verify"' in page
    pdf = client.get(f"/inspections/{inspection.pk}/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    # those who see the inspection print it too
    assert login(iw.w.dl_chutich).get(f"/inspections/{inspection.pk}/report.pdf").status_code == 200


def test_only_the_head_issues_the_report(iw: InspectionWorld) -> None:
    inspection, _waiting, _overdue = _full(iw)
    response = login(iw.member).post(
        f"/inspections/{inspection.pk}/report/", {"conclusion": "Xong"}
    )
    assert response.status_code == 403
    assert 'data-error="inspection.forbidden"' in html(response)
    inspection.refresh_from_db()
    assert (inspection.state, inspection.conclusion) == ("under_way", "")


def test_the_admin_shows_inspections_without_editing_them(iw: InspectionWorld) -> None:
    inspection, _waiting, _overdue = _full(iw)
    client = login(iw.w.root)
    assert client.get("/admin/inspections/inspection/").status_code == 200
    page = client.get(f"/admin/inspections/inspection/{inspection.pk}/change/")
    assert page.status_code == 200
    assert "Cập nhật thủ tục lên Cổng dịch vụ công." in html(page)
    assert client.get("/admin/inspections/inspection/add/").status_code == 403
    before = written()
    response = client.post(
        f"/admin/inspections/inspection/{inspection.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert written() == before


def test_the_inspection_page_queries_do_not_grow_with_its_recommendations(
    iw: InspectionWorld,
) -> None:
    inspection, _waiting, _overdue = _full(iw)
    client = login(iw.head)
    client.get(f"/inspections/{inspection.pk}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/inspections/{inspection.pk}/").status_code == 200
    for i in range(6):
        finding = find(iw, inspection, unit=iw.w.tk if i % 2 else iw.w.dl)
        rec = recommend(iw, inspection, finding=finding, unit=finding.unit)
        remedy_done(rec.task, at=vn(2027, 3, 20, 9))
        services.recommendation_act(
            actor=iw.head, recommendation=rec, action="verify", effective=False, note="Chưa đạt"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/inspections/{inspection.pk}/")
    assert html(response).count('<article class="card recommendation"') == 8
    assert len(many) == len(few)
