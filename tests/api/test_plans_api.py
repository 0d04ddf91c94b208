"""Plans through the API (docs/api-plans.md): issuing a programme or a remedy plan with
every problem named at once, who may issue and who sees, the list's filters and pages, a
plan with its weighted roll-up and its items (each task in the shape of GET /tasks/{id}),
and an item added with the six "rõ" refused exactly as POST /tasks refuses them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.org import services as org_services
from motcua.org.models import AdministrativeUnit, AgencyKind, Official, Role
from motcua.tasks import selectors, services
from motcua.tasks.models import Plan, PlanItem, PlanKind, Task, TaskEvent
from tests.api.test_conventions import assert_error_shape
from tests.dossiers.world import vn
from tests.tasks.world import BASE, TaskWorld, build, data, official

Api = Callable[..., Any]
AT = vn(2027, 3, 1, 8)
PLAN: dict[str, Any] = {
    "kind": "programme",
    "unit": "427",
    "year": 2027,
    "title": "Chương trình công tác năm 2027",
    "basis": "",
}
ITEM: dict[str, Any] = {**BASE, "weight": 3}


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


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


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def tk_division_head() -> Official:
    division = org_services.agency_create(
        code="TK.TNMT",
        name="Phòng TN&MT Tân Kỳ",
        unit=AdministrativeUnit.objects.get(code="423"),
        kind=AgencyKind.DIVISION,
    )
    return official("tk.tnmt", [(division, Role.UNIT_HEAD)])


# -- issuing a plan --------------------------------------------------------------------------


def test_a_plan_is_issued_exactly(tw: TaskWorld, api: Api) -> None:
    response = api("post", "/plans", tw.w.dl_chutich, {**PLAN, "title": " CT 2027 "})
    assert response.status_code == 201, response.content
    plan = Plan.objects.get()
    body = response.json()
    created = body.pop("created_at")
    # to the millisecond, in Vietnam time
    assert abs(datetime.fromisoformat(created) - plan.created_at).total_seconds() < 0.001
    assert created.endswith("+07:00")
    assert body == {
        "id": plan.pk,
        "kind": "programme",
        "unit": "427",
        "year": 2027,
        "title": "CT 2027",
        "basis": "",
        "owner": "dl.chutich",
        "progress": None,
        "done": None,
        "weight": 0,
        "by_timeliness": {},
        "items": [],
    }
    assert (plan.unit, plan.owner, plan.title) == (tw.w.dl, tw.w.dl_chutich, "CT 2027")


def test_every_problem_of_a_plan_is_named_at_once(tw: TaskWorld, api: Api) -> None:
    error = assert_error_shape(api("post", "/plans", tw.w.dl_chutich, {}), 400, "plan.invalid")
    assert set(error["fields"]) == {"kind", "unit", "year", "title"}
    body = {"kind": "remedy_plan", "unit": "NO.SUCH", "year": 1989, "title": "x"}
    error = assert_error_shape(api("post", "/plans", tw.w.dl_chutich, body), 400, "plan.invalid")
    assert set(error["fields"]) == {"unit", "year", "basis"}
    assert "NO.SUCH" in error["fields"]["unit"][0]
    assert written() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {**PLAN, "year": "soon"},
        {**PLAN, "title": "x" * 301},
        {**PLAN, "basis": "x" * 5001},
        {**PLAN, "kind": ["programme"]},
        {**PLAN, "unit": 427},
    ],
)
def test_a_field_of_the_wrong_shape_is_400(tw: TaskWorld, api: Api, body: dict[str, Any]) -> None:
    response = api("post", "/plans", tw.w.dl_chutich, body)
    assert response.status_code == 400
    assert written() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dl_chutich", 201),
        ("tnmt_head", 201),  # head of an agency of the district
        ("root", 201),
        ("tk_head", 403),  # a division head of another district
        ("dl_tnmt_cv", 403),  # a handling official
        ("dl_admin", 403),
        ("nobody", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_issue_a_plan(tw: TaskWorld, api: Api, who: str, status: int) -> None:
    actor = {
        "tnmt_head": lambda: tw.tnmt_head,
        "tk_head": tk_division_head,
        "anonymous": lambda: None,
    }.get(who, lambda: getattr(tw.w, who))()
    response = api("post", "/plans", actor, PLAN)
    assert response.status_code == status, response.content
    if status == 201:
        assert Plan.objects.get().owner == actor
        return
    code = "auth.required" if status == 401 else "plan.forbidden"
    assert_error_shape(response, status, code)
    assert written() == (0, 0, 0, 0)


# -- reading plans -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("dl_chutich", True),
        ("dl_tnmt_cv", True),
        ("dl_motcua", True),
        ("tinh_admin", True),
        ("root", True),
        ("tk_motcua", False),
        ("nobody", False),
    ],
)
def test_who_sees_a_plan(tw: TaskWorld, api: Api, who: str, sees: bool) -> None:
    plan = plan_of(tw)
    viewer = getattr(tw.w, who)
    detail = api("get", f"/plans/{plan.pk}", viewer)
    listed = ids(api("get", "/plans", viewer))
    if sees:
        assert detail.status_code == 200
        assert detail.json()["id"] == plan.pk
        assert listed == {plan.pk}
    else:
        assert_error_shape(detail, 404, "plan.not_found")
        assert listed == set()
        response = api("post", f"/plans/{plan.pk}/items", viewer, ITEM)
        assert_error_shape(response, 404, "plan.not_found")
        assert written() == (1, 0, 0, 0)
    assert api("get", "/plans").status_code == 401
    assert api("get", f"/plans/{plan.pk}").status_code == 401


@pytest.mark.parametrize("raw", ["0", "-1", "9223372036854775808", "99999999999999999999", "x"])
def test_strange_plan_ids(tw: TaskWorld, api: Api, raw: str) -> None:
    response = api("get", f"/plans/{raw}", tw.w.root)
    assert response.status_code in {400, 404}
    assert_error_shape(response, response.status_code, response.json()["error"]["code"])
    response = api("post", f"/plans/{raw}/items", tw.w.root, ITEM)
    assert response.status_code in {400, 404}
    assert written() == (0, 0, 0, 0)


def test_the_list_filters_by_unit_year_and_kind(tw: TaskWorld, api: Api) -> None:
    programme = plan_of(tw)
    remedy = plan_of(tw, PlanKind.REMEDY_PLAN)
    older = plan_of(tw, year=2026)
    commune = services.plan_create(
        actor=tw.w.dl_chutich,
        data=services.PlanData(kind="programme", unit=tw.w.dl_commune, year=2027, title="CT"),
    )
    who = tw.w.dl_chutich
    assert ids(api("get", "/plans", who)) == {programme.pk, remedy.pk, older.pk, commune.pk}
    assert ids(api("get", "/plans", who, {"unit": "42701"})) == {commune.pk}
    assert ids(api("get", "/plans", who, {"year": 2026})) == {older.pk}
    assert ids(api("get", "/plans", who, {"kind": "remedy_plan"})) == {remedy.pk}
    assert ids(api("get", "/plans", who, {"unit": "427", "year": 2027, "kind": "programme"})) == {
        programme.pk
    }
    assert ids(api("get", "/plans", who, {"unit": "NO.SUCH"})) == set()
    item = api("get", "/plans", who, {"kind": "remedy_plan"}).json()["items"][0]
    assert set(item) == {"id", "kind", "unit", "year", "title", "basis", "owner", "created_at"}
    assert (item["kind"], item["unit"], item["basis"], item["owner"]) == (
        "remedy_plan",
        "427",
        "Kết luận thanh tra 05/KL-TTr",
        "dl.tnmt",
    )
    for query, name in (({"kind": "inspection"}, "kind"), ({"year": 99999}, "year")):
        error = assert_error_shape(api("get", "/plans", who, query), 400, "request.invalid")
        assert set(error["fields"]) == {name}


def test_the_list_is_paginated_and_its_queries_do_not_grow(tw: TaskWorld, api: Api) -> None:
    made = [plan_of(tw, title=f"CT {i}") for i in range(5)]
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 2}
    for _ in range(5):
        body = api("get", "/plans", tw.w.dl_chutich, params).json()
        seen += [item["id"] for item in body["items"]]
        if body["next"] is None:
            break
        params = {"limit": 2, "cursor": body["next"]}
    assert seen == [p.pk for p in made]
    api("get", "/plans", tw.w.dl_chutich)
    with CaptureQueriesContext(connection) as five:
        api("get", "/plans", tw.w.dl_chutich)
    for i in range(10):
        plan_of(tw, title=f"CT thêm {i}")
    with CaptureQueriesContext(connection) as fifteen:
        assert len(ids(api("get", "/plans", tw.w.dl_chutich))) == 15
    assert len(fifteen) == len(five)


def test_a_plan_with_its_roll_up_and_items(tw: TaskWorld, api: Api) -> None:
    plan = plan_of(tw)
    done = item_of(tw, plan, 3).task
    half = item_of(tw, plan, 1).task
    item_of(tw, plan, 2, working_days=1)
    dropped = item_of(tw, plan, 5).task
    cv = tw.w.dl_tnmt_cv
    services.task_act(task=done, actor=cv, action="submit", payload={"deliverable": "QĐ"})
    services.task_act(task=done, actor=tw.w.dl_chutich, action="approve", payload={})
    services.task_act(task=half, actor=cv, action="progress", payload={"percent": 40})
    services.task_act(task=dropped, actor=tw.tnmt_head, action="cancel", payload={"reason": "x"})

    body = api("get", f"/plans/{plan.pk}", tw.w.dl_tnmt_cv).json()

    # by hand: (3×100 + 1×40 + 2×0) / 6; done 3 of 6; the cancelled weight 5 left out
    assert (body["weight"], body["progress"], body["done"]) == (6, 340 / 6, 50.0)
    rolled = selectors.plan_progress(plan=plan)
    assert body["by_timeliness"] == rolled.by_timeliness
    assert sum(body["by_timeliness"].values()) == 3
    assert [(i["id"], i["weight"], i["progress"]) for i in body["items"]] == [
        (r.item.pk, r.item.weight, r.progress) for r in rolled.rows
    ]
    assert sorted(i["progress"] for i in body["items"]) == [0, 0, 40, 100]
    # each task exactly as GET /tasks/{id} shows it
    for item in body["items"]:
        shown = api("get", f"/tasks/{item['task']['id']}", tw.w.dl_tnmt_cv).json()
        assert item["task"] == shown
    assert {i["task"]["source"] for i in body["items"]} == {f"plan:{plan.pk}"}


def test_a_plans_queries_do_not_grow_with_its_items(tw: TaskWorld, api: Api) -> None:
    plan = plan_of(tw)
    for _ in range(2):
        item_of(tw, plan, coordinating_officials=[tw.tnmt_head])
    api("get", f"/plans/{plan.pk}", tw.w.dl_chutich)
    with CaptureQueriesContext(connection) as two:
        api("get", f"/plans/{plan.pk}", tw.w.dl_chutich)
    for _ in range(8):
        item_of(tw, plan, coordinating_agencies=[tw.w.dl_one_stop])
    with CaptureQueriesContext(connection) as ten:
        assert len(api("get", f"/plans/{plan.pk}", tw.w.dl_chutich).json()["items"]) == 10
    assert len(ten) == len(two)


# -- adding items ----------------------------------------------------------------------------


def test_an_item_is_added_exactly(tw: TaskWorld, api: Api) -> None:
    plan = plan_of(tw, PlanKind.REMEDY_PLAN)
    response = api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, ITEM)
    assert response.status_code == 201, response.content
    item = PlanItem.objects.select_related("task").get()
    body = response.json()
    assert (body["id"], body["weight"], body["progress"]) == (item.pk, 3, 0)
    assert set(body) == {"id", "weight", "progress", "task"}
    assert body["task"] == api("get", f"/tasks/{item.task_id}", tw.tnmt_head).json()
    task = item.task
    assert (task.source_kind, task.source) == ("remedy_plan", f"plan:{plan.pk}")
    assert (task.assignee, task.lead_agency, task.approver, task.assigner) == (
        tw.w.dl_tnmt_cv,
        tw.w.dl_tnmt,
        tw.w.dl_chutich,
        tw.tnmt_head,
    )
    assert task.due_at == vn(2027, 3, 8, 17)


@pytest.mark.parametrize(
    "missing", ["assignee", "title", "description", "lead_agency", "approver", "deliverable"]
)
def test_a_missing_ro_is_refused_exactly_as_post_tasks_refuses_it(
    tw: TaskWorld, api: Api, missing: str
) -> None:
    plan = plan_of(tw)
    body = {k: v for k, v in ITEM.items() if k != missing}
    as_item = api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, body)
    as_task = api("post", "/tasks", tw.tnmt_head, {k: v for k, v in body.items() if k != "weight"})
    error = assert_error_shape(as_item, 400, "task.incomplete")
    assert set(error["fields"]) == {missing}
    assert as_item.json() == as_task.json()
    assert written() == (1, 0, 0, 0)


def test_every_missing_ro_and_a_bad_weight_are_named_at_once(tw: TaskWorld, api: Api) -> None:
    plan = plan_of(tw)
    error = assert_error_shape(
        api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, {"weight": 0}),
        400,
        "plan.invalid_item",
    )
    assert set(error["fields"]) == {
        "assignee",
        "title",
        "description",
        "lead_agency",
        "due_at",
        "approver",
        "deliverable",
        "weight",
    }
    error = assert_error_shape(
        api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, {k: ITEM[k] for k in BASE}),
        400,
        "plan.invalid_item",
    )
    assert set(error["fields"]) == {"weight"}
    assert written() == (1, 0, 0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assignee": "no.such"}, "assignee"),
        ({"lead_agency": "NO.SUCH"}, "lead_agency"),
        ({"approver": "no.such"}, "approver"),
        ({"coordinators": ["NOPE"]}, "coordinators.0"),
        ({"due_at": "2027-03-05T08:00:00", "working_days": None}, "due_at"),
    ],
)
def test_unknown_references_are_refused_as_post_tasks_refuses_them(
    tw: TaskWorld, api: Api, changes: dict[str, Any], field: str
) -> None:
    plan = plan_of(tw)
    body = {**ITEM, **changes}
    as_item = api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, body)
    as_task = api("post", "/tasks", tw.tnmt_head, {k: v for k, v in body.items() if k != "weight"})
    assert as_item.status_code == 400
    assert field in as_item.json()["error"]["fields"]
    assert as_item.json() == as_task.json()
    assert written() == (1, 0, 0, 0)


@pytest.mark.parametrize(
    ("weight", "code"),
    [
        (0, "plan.invalid_item"),
        (101, "plan.invalid_item"),
        (-1, "plan.invalid_item"),
        (None, "plan.invalid_item"),
        (True, "request.invalid"),
        ("3", "request.invalid"),
        (2.5, "request.invalid"),
        ([3], "request.invalid"),
    ],
)
def test_a_weight_is_a_whole_number_from_1_to_100(
    tw: TaskWorld, api: Api, weight: Any, code: str
) -> None:
    plan = plan_of(tw)
    response = api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, {**ITEM, "weight": weight})
    error = assert_error_shape(response, 400, code)
    assert set(error["fields"]) == {"weight"}
    # a number no count could be is refused at the door
    response = api("post", f"/plans/{plan.pk}/items", tw.tnmt_head, {**ITEM, "weight": 10**30})
    assert_error_shape(response, 400, "request.invalid")
    assert written() == (1, 0, 0, 0)


def test_an_items_lead_agency_outside_the_plans_unit_is_refused(tw: TaskWorld, api: Api) -> None:
    commune = services.plan_create(
        actor=tw.w.dl_chutich,
        data=services.PlanData(kind="programme", unit=tw.w.dl_commune, year=2027, title="CT"),
    )
    response = api("post", f"/plans/{commune.pk}/items", tw.w.dl_chutich, ITEM)
    error = assert_error_shape(response, 400, "plan.invalid_item")
    assert set(error["fields"]) == {"lead_agency"}
    assert written() == (1, 0, 0, 0)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("tnmt_head", 201, ""),  # the issuer
        ("dl_chutich", 201, ""),  # may plan for the district
        ("dl_tnmt_cv", 403, "plan.forbidden"),  # sees the plan, may not add to it
        ("dl_admin", 403, "plan.forbidden"),
        ("tk_motcua", 404, "plan.not_found"),
        ("anonymous", 401, "auth.required"),
    ],
)
def test_who_may_add_an_item(tw: TaskWorld, api: Api, who: str, status: int, code: str) -> None:
    plan = plan_of(tw)
    actor = {"tnmt_head": tw.tnmt_head, "anonymous": None}.get(who, getattr(tw.w, who, None))
    response = api("post", f"/plans/{plan.pk}/items", actor, ITEM)
    assert response.status_code == status, response.content
    if status == 201:
        assert PlanItem.objects.get().task.assigner == actor
        return
    assert_error_shape(response, status, code)
    assert written() == (1, 0, 0, 0)
