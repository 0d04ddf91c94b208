"""Plan pages: the list with each plan's weighted progress (the figures of
``selectors.plan_progress``), a new plan with every problem next to its field, the plan's
page with its items and the form adding one (an item of a programme, a milestone of a
remedy plan), who sees and who may add what, and queries that do not grow with the rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.org.models import Official, Role
from motcua.tasks import selectors, services
from motcua.tasks.models import Plan, PlanItem, PlanKind, Task, TaskEvent
from tests.dossiers.world import vn
from tests.tasks.world import BASE, TaskWorld, build, data, make, official

AT = vn(2027, 3, 1, 8)
ITEM: dict[str, Any] = {
    "title": BASE["title"],
    "description": BASE["description"],
    "lead_agency": "DL.TNMT",
    "assignee": "dl.tnmt.cv",
    "approver": "dl.chutich",
    "start": "2027-03-01T08:00",
    "working_days": "5",
    "deliverable": BASE["deliverable"],
    "weight": "3",
}
PLAN: dict[str, Any] = {
    "kind": "programme",
    "unit": "427",
    "year": "2027",
    "title": "Chương trình công tác năm 2027",
    "basis": "",
}


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def login(official: Official, language: str | None = None) -> Client:
    client = Client()
    client.force_login(official)
    if language:
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
        for m in re.finditer(r'data-field="(\w+)">(.*?)</p>', page, re.S)
        if "field-error" in m.group(2)
    }


def plan_of(tw: TaskWorld, kind: str = PlanKind.PROGRAMME, **changes: Any) -> Plan:
    fields: dict[str, Any] = {
        "kind": kind,
        "unit": tw.w.dl,
        "year": 2027,
        "title": "Chương trình công tác năm 2027",
        "basis": "Kết luận thanh tra 05/KL-TTr" if kind == PlanKind.REMEDY_PLAN else "",
    }
    fields.update(changes)
    return services.plan_create(actor=tw.tnmt_head, data=services.PlanData(**fields))


def item_of(tw: TaskWorld, plan: Plan, weight: int = 1, **changes: Any) -> PlanItem:
    return services.plan_add_item(
        actor=tw.tnmt_head, plan=plan, data=data(tw, **changes), weight=weight, at=AT
    )


def written() -> tuple[int, int, int, int]:
    return (
        Plan.objects.count(),
        PlanItem.objects.count(),
        Task.objects.count(),
        TaskEvent.objects.count(),
    )


# -- who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/tasks/plans/", "/tasks/plans/new/", "/tasks/plans/1/", "/tasks/plans/1/items/"]
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("tnmt_head", True),  # the issuer
        ("dl_chutich", True),
        ("dl_tnmt_cv", True),  # an official of the district
        ("dl_motcua", True),
        ("tinh_admin", True),  # the province reaches the district
        ("root", True),
        ("tk_motcua", False),  # another district
        ("nobody", False),
    ],
)
def test_who_sees_a_plan(tw: TaskWorld, who: str, sees: bool) -> None:
    plan = plan_of(tw)
    viewer = tw.tnmt_head if who == "tnmt_head" else getattr(tw.w, who)
    client = login(viewer)
    listed = html(client.get("/tasks/plans/"))
    detail = client.get(f"/tasks/plans/{plan.pk}/")
    if sees:
        assert f'data-plan="{plan.pk}"' in listed
        assert detail.status_code == 200
        assert plan.title in html(detail)
    else:
        assert f'data-plan="{plan.pk}"' not in listed
        assert "data-empty" in section(listed, "plans")
        assert detail.status_code == 404
        assert client.post(f"/tasks/plans/{plan.pk}/items/", ITEM).status_code == 404
        assert written() == (1, 0, 0, 0)


@pytest.mark.parametrize(
    "raw", ["abc", "0", "-1", "99999999999999999999", "9223372036854775808", "1%00", "１"]
)
def test_strange_plan_ids_are_not_found(tw: TaskWorld, raw: str) -> None:
    client = login(tw.w.root)
    expected = 400 if "%00" in raw else 404
    assert client.get(f"/tasks/plans/{raw}/").status_code == expected
    assert client.post(f"/tasks/plans/{raw}/items/", ITEM).status_code == expected
    assert written() == (0, 0, 0, 0)


def test_my_tasks_links_to_the_plans(tw: TaskWorld) -> None:
    page = html(login(tw.w.dl_tnmt_cv).get("/tasks/"))
    assert 'href="/tasks/plans/" data-plans' in page


# -- the list --------------------------------------------------------------------------------


def _rolled_up(tw: TaskWorld) -> tuple[Plan, Plan, Plan]:
    """A programme with weights 3, 1, 2 at approved / 40 % / 0 % and a cancelled item, a
    remedy plan with one item, and an empty programme."""
    programme = plan_of(tw)
    done = item_of(tw, programme, 3).task
    half = item_of(tw, programme, 1).task
    item_of(tw, programme, 2)
    dropped = item_of(tw, programme, 5).task
    cv = tw.w.dl_tnmt_cv
    services.task_act(task=done, actor=cv, action="submit", payload={"deliverable": "QĐ"})
    services.task_act(task=done, actor=tw.w.dl_chutich, action="approve", payload={})
    services.task_act(task=half, actor=cv, action="progress", payload={"percent": 40})
    services.task_act(task=dropped, actor=cv, action="progress", payload={"percent": 70})
    services.task_act(task=dropped, actor=tw.tnmt_head, action="cancel", payload={"reason": "x"})
    remedy = plan_of(tw, PlanKind.REMEDY_PLAN, title="Kế hoạch khắc phục")
    services.task_act(
        task=item_of(tw, remedy, 4).task, actor=cv, action="progress", payload={"percent": 25}
    )
    empty = plan_of(tw, title="Chương trình trống", year=2026)
    return programme, remedy, empty


def _line(page: str, plan: Plan) -> str:
    return page.split(f'<tr data-plan="{plan.pk}"')[1].split("</tr>", maxsplit=1)[0]


def test_the_list_shows_each_plans_weighted_progress(tw: TaskWorld) -> None:
    programme, remedy, empty = _rolled_up(tw)
    page = html(login(tw.w.dl_chutich).get("/tasks/plans/"))
    # (3×100 + 1×40 + 2×0) / 6 = 56.67 %; approved 3 of 6 = 50 %; 4 items
    line = _line(page, programme)
    assert 'data-items="4"' in line
    assert 'data-progress="56.7"' in line
    assert 'data-done="50.0"' in line
    assert f'href="/tasks/plans/{programme.pk}/"' in line
    line = _line(page, remedy)
    assert 'data-items="1"' in line
    assert 'data-progress="25.0"' in line
    assert 'data-done="0.0"' in line
    line = _line(page, empty)
    assert 'data-items="0"' in line
    assert 'data-progress=""' in line
    # the same figures as the plan's own roll-up
    for plan in (programme, remedy):
        rolled = selectors.plan_progress(plan=plan)
        assert rolled.progress is not None
        assert rolled.done is not None
        assert f'data-progress="{rolled.progress:.1f}"' in _line(page, plan)
        assert f'data-done="{rolled.done:.1f}"' in _line(page, plan)
    # newest year first
    assert page.index(f'data-plan="{programme.pk}"') < page.index(f'data-plan="{empty.pk}"')


def test_the_list_filters_by_kind_and_year(tw: TaskWorld) -> None:
    programme, remedy, empty = _rolled_up(tw)
    client = login(tw.w.dl_chutich)

    def shown(query: str) -> set[int]:
        response = client.get(f"/tasks/plans/{query}")
        assert response.status_code == 200
        return {int(pk) for pk in re.findall(r'<tr data-plan="(\d+)"', html(response))}

    assert shown("") == {programme.pk, remedy.pk, empty.pk}
    assert shown("?kind=remedy_plan") == {remedy.pk}
    assert shown("?kind=programme&year=2026") == {empty.pk}
    # values that mean nothing are ignored, never a 500
    assert shown("?kind=zz&year=abc&page=99999999999999") == {programme.pk, remedy.pk, empty.pk}
    assert shown("?year=99999999999999999999") == {programme.pk, remedy.pk, empty.pk}


def test_the_list_queries_do_not_grow_with_the_plans(tw: TaskWorld) -> None:
    client = login(tw.w.dl_chutich)
    for _ in range(2):
        item_of(tw, plan_of(tw), 2)
    client.get("/tasks/plans/")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/tasks/plans/").status_code == 200
    for _ in range(8):
        plan = plan_of(tw)
        item_of(tw, plan, 2)
        item_of(tw, plan, 1)
    with CaptureQueriesContext(connection) as ten:
        response = client.get("/tasks/plans/")
    assert html(response).count("<tr data-plan=") == 10
    assert len(ten) == len(two)


def test_the_new_plan_link_is_for_those_who_may_plan(tw: TaskWorld) -> None:
    assert "data-new-plan" in html(login(tw.tnmt_head).get("/tasks/plans/"))
    assert "data-new-plan" in html(login(tw.w.dl_chutich).get("/tasks/plans/"))
    assert "data-new-plan" not in html(login(tw.w.dl_tnmt_cv).get("/tasks/plans/"))


# -- a new plan ------------------------------------------------------------------------------


def test_the_new_plan_form_offers_the_units_the_official_may_plan_for(tw: TaskWorld) -> None:
    head = html(login(tw.tnmt_head).get("/tasks/plans/new/"))
    assert 'value="427"' in head
    assert 'value="42701"' not in head
    chairman = html(login(tw.w.dl_chutich).get("/tasks/plans/new/"))
    assert 'value="427"' in chairman
    assert 'value="42701"' in chairman
    assert 'value="423"' not in chairman
    # a unit outside the official's reach is refused as a bad choice, nothing written
    response = login(tw.w.dl_tnmt_cv).post("/tasks/plans/new/", PLAN)
    assert response.status_code == 400
    assert field_errors(html(response)) == {"unit"}
    assert written() == (0, 0, 0, 0)


def test_a_plan_is_issued_through_the_form_exactly(tw: TaskWorld) -> None:
    response = login(tw.w.dl_chutich).post(
        "/tasks/plans/new/",
        {**PLAN, "kind": "remedy_plan", "unit": "42701", "basis": "Kết luận 05/KL-TTr"},
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/plans/{plan.pk}/"
    assert (plan.kind, plan.unit, plan.year, plan.title, plan.basis, plan.owner) == (
        "remedy_plan",
        tw.w.dl_commune,
        2027,
        PLAN["title"],
        "Kết luận 05/KL-TTr",
        tw.w.dl_chutich,
    )


def test_every_problem_of_a_new_plan_is_next_to_its_field(tw: TaskWorld) -> None:
    response = login(tw.w.dl_chutich).post(
        "/tasks/plans/new/", {"kind": "", "unit": "", "year": "", "title": " ", "basis": ""}
    )
    assert response.status_code == 400
    page = html(response)
    assert field_errors(page) == {"kind", "unit", "year", "title"}
    assert written() == (0, 0, 0, 0)
    response = login(tw.w.dl_chutich).post(
        "/tasks/plans/new/", {**PLAN, "kind": "remedy_plan", "year": "2200"}
    )
    assert response.status_code == 400
    assert field_errors(html(response)) == {"year", "basis"}
    # what was typed is kept
    assert PLAN["title"] in html(response)
    assert written() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"year": "abc"},
        {"year": "99999999999999999999999"},
        {"title": "a\x00b"},
        {"title": "x" * 301},
        {"kind": "inspection"},
        {"unit": "NO.SUCH"},
    ],
)
def test_bad_input_to_the_new_plan_form_is_a_400(tw: TaskWorld, changes: dict[str, str]) -> None:
    response = login(tw.w.dl_chutich).post("/tasks/plans/new/", {**PLAN, **changes})
    assert response.status_code == 400
    assert written() == (0, 0, 0, 0)


# -- the plan's page -------------------------------------------------------------------------


def test_the_plan_page_shows_the_roll_up_and_the_items_by_due_time(tw: TaskWorld) -> None:
    programme, _remedy, _empty = _rolled_up(tw)
    first = item_of(tw, programme, 2, title="Việc sớm nhất", working_days=1).task
    page = html(login(tw.w.dl_tnmt_cv, "en").get(f"/tasks/plans/{programme.pk}/"))
    rolled = selectors.plan_progress(plan=programme)
    assert rolled.progress is not None
    assert rolled.done is not None
    # with the new item: (300 + 40 + 0 + 0) / 8 = 42.5 %; approved 3 of 8 = 37.5 %
    assert (rolled.weight, f"{rolled.progress:.1f}", f"{rolled.done:.1f}") == (8, "42.5", "37.5")
    progress = section(page, "progress")
    assert '<progress max="100" value="42.5"' in progress
    assert 'data-progress="42.5">42.5% done, weighted' in progress
    assert 'data-done="37.5"' in progress
    assert "Approved (done): 37.5% of the weight" in progress
    # timeliness counts, coloured and worded
    for key, n in rolled.by_timeliness.items():
        assert f'data-count-{key}="{n}"' in progress
    assert '<span class="timeliness tl-early">Early</span>' in progress
    assert "data-basis" not in page  # a programme without a basis
    items = section(page, "items")
    assert "<h2" in items
    assert ">Items</h2>" in items
    tasks = [int(pk) for pk in re.findall(r'<tr data-task="(\d+)"', items)]
    assert tasks == [r.task.pk for r in rolled.rows]
    assert tasks[0] == first.pk
    row = items.split(f'data-task="{first.pk}"')[1].split("</tr>")[0]
    assert f'href="/tasks/{first.pk}/"' in row
    assert "DL.TNMT" in row
    assert tw.w.dl_tnmt_cv.display_name in row
    assert "<td data-weight>2</td>" in row
    assert "data-percent>0%" in row
    assert "data-timeliness=" in row
    # the cancelled item is shown, marked as not counting
    assert items.count("data-not-counted") == 1
    # the responsible official may not add items: no form
    assert 'data-section="add"' not in page


def test_a_remedy_plan_speaks_of_milestones(tw: TaskWorld) -> None:
    plan = plan_of(tw, PlanKind.REMEDY_PLAN)
    page = html(login(tw.tnmt_head, "en").get(f"/tasks/plans/{plan.pk}/"))
    assert "Kết luận thanh tra 05/KL-TTr" in page.split("data-basis>")[1]
    assert ">Milestones</h2>" in page
    assert ">Add a milestone</h2>" in page
    assert "No milestone yet." in page
    assert ">Add the milestone</button>" in section(page, "add")
    programme = plan_of(tw)
    page = html(login(tw.tnmt_head, "en").get(f"/tasks/plans/{programme.pk}/"))
    assert ">Add an item</h2>" in page
    assert ">Add the item</button>" in page
    assert "milestone" not in page.lower()


def test_the_add_form_is_for_the_issuer_and_who_may_plan(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    for who in (tw.tnmt_head, tw.w.dl_chutich, tw.w.root):
        page = html(login(who).get(f"/tasks/plans/{plan.pk}/"))
        assert 'data-form="plan-item"' in page, who
    for who in (tw.w.dl_tnmt_cv, tw.w.dl_motcua, tw.w.tinh_admin):
        page = html(login(who).get(f"/tasks/plans/{plan.pk}/"))
        assert 'data-form="plan-item"' not in page, who


def test_the_add_form_offers_only_agencies_of_the_plans_unit(tw: TaskWorld) -> None:
    commune = services.plan_create(
        actor=tw.w.dl_chutich,
        data=services.PlanData(kind="programme", unit=tw.w.dl_commune, year=2027, title="CT xã"),
    )
    page = html(login(tw.w.dl_chutich).get(f"/tasks/plans/{commune.pk}/"))
    lead = page.split('data-field="lead_agency"')[1].split("</p>")[0]
    assert 'value="DL.DS.UBND"' in lead
    assert 'value="DL.TNMT"' not in lead
    assert 'data-field="source_kind"' not in page
    assert 'data-field="weight"' in page
    # an agency of the district is refused next to the field, nothing written
    response = login(tw.w.dl_chutich).post(f"/tasks/plans/{commune.pk}/items/", ITEM)
    assert response.status_code == 400
    assert field_errors(html(response)) == {"lead_agency"}
    assert written() == (1, 0, 0, 0)


def test_an_item_is_added_through_the_form_exactly(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    response = login(tw.tnmt_head).post(f"/tasks/plans/{plan.pk}/items/", ITEM)
    item = PlanItem.objects.select_related("task").get()
    task = item.task
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/plans/{plan.pk}/"
    assert (item.plan, item.weight) == (plan, 3)
    assert (task.assignee, task.lead_agency, task.assigner, task.approver) == (
        tw.w.dl_tnmt_cv,
        tw.w.dl_tnmt,
        tw.tnmt_head,
        tw.w.dl_chutich,
    )
    assert (task.title, task.description, task.deliverable) == (
        BASE["title"],
        BASE["description"],
        BASE["deliverable"],
    )
    assert (task.start, task.due_at) == (vn(2027, 3, 1, 8), vn(2027, 3, 8, 17))
    assert (task.source_kind, task.source) == ("programme", f"plan:{plan.pk}")
    page = html(login(tw.tnmt_head).get(f"/tasks/plans/{plan.pk}/"))
    assert f'<tr data-task="{task.pk}"' in section(page, "items")


def test_the_missing_ro_and_a_bad_weight_are_next_to_their_fields(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    response = login(tw.tnmt_head).post(
        f"/tasks/plans/{plan.pk}/items/", {**ITEM, "title": "", "approver": "", "weight": "0"}
    )
    assert response.status_code == 400
    page = html(response)
    assert field_errors(page) == {"title", "approver", "weight"}
    # what was typed is kept, the plan is still shown
    assert BASE["deliverable"] in page
    assert 'data-section="items"' in page
    assert written() == (1, 0, 0, 0)
    response = login(tw.tnmt_head).post(f"/tasks/plans/{plan.pk}/items/", {**ITEM, "weight": ""})
    assert response.status_code == 400
    assert field_errors(html(response)) == {"weight"}
    assert written() == (1, 0, 0, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"weight": "abc"},
        {"weight": "101"},
        {"weight": "99999999999999999999999"},
        {"working_days": "abc"},
        {"title": "a\x00b"},
        {"due_at": "2027-13-45T08:00", "working_days": ""},
        {"assignee": "dl.motcua"},  # not of the lead agency
    ],
)
def test_bad_input_to_the_item_form_is_a_400(tw: TaskWorld, changes: dict[str, str]) -> None:
    plan = plan_of(tw)
    response = login(tw.tnmt_head).post(f"/tasks/plans/{plan.pk}/items/", {**ITEM, **changes})
    assert response.status_code == 400
    assert written() == (1, 0, 0, 0)


def test_who_may_not_add_an_item_is_refused_and_nothing_is_written(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    response = login(tw.w.dl_tnmt_cv).post(f"/tasks/plans/{plan.pk}/items/", ITEM)
    assert response.status_code == 403
    assert 'data-error="plan.forbidden"' in html(response)
    assert written() == (1, 0, 0, 0)
    # a head of the commune may plan for the commune, not add to the district's plan
    head = official("ds.head", [(tw.w.dl_commune_ubnd, Role.UNIT_HEAD)])
    assert login(head).post(f"/tasks/plans/{plan.pk}/items/", ITEM).status_code == 404
    assert written() == (1, 0, 0, 0)


def test_the_plan_page_queries_do_not_grow_with_the_items(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    client = login(tw.tnmt_head)
    for _ in range(2):
        item_of(tw, plan)
    client.get(f"/tasks/plans/{plan.pk}/")
    with CaptureQueriesContext(connection) as two:
        assert client.get(f"/tasks/plans/{plan.pk}/").status_code == 200
    for _ in range(8):
        item_of(tw, plan)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(f"/tasks/plans/{plan.pk}/")
    assert section(html(response), "items").count("<tr data-task=") == 10
    assert len(ten) == len(two)


# -- the task's page -------------------------------------------------------------------------


def test_the_task_page_says_which_plan_it_is_part_of(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    task = item_of(tw, plan).task
    page = html(login(tw.w.dl_tnmt_cv, "en").get(f"/tasks/{task.pk}/"))
    part = page.split(f'data-plan="{plan.pk}"')[1].split("</dd>")[0]
    assert "Part of plan" in part
    assert f'<a href="/tasks/plans/{plan.pk}/">{plan.title}</a>' in part
    direct = make(tw)
    assert "data-plan=" not in html(login(tw.w.dl_tnmt_cv).get(f"/tasks/{direct.pk}/"))
