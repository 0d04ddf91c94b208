"""One task to many agencies (SPEC §6, API.md "Tasks"): one task per agency, each to the
agency's head (a People's Committee without a head goes to its chairman); a level picks
every agency of that level the actor may assign to, one-stop departments excluded; all or
nothing; the broadcast's progress follows approvals exactly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from motcua.org import services as org_services
from motcua.org.models import AgencyKind, Official, Role
from motcua.tasks.models import Broadcast, Task, TaskEvent
from tests.tasks.world import BASE, TaskWorld, build, official

BODY = {k: v for k, v in BASE.items() if k not in {"assignee", "lead_agency"}}


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def _tasks(ids: list[int]) -> list[tuple[str, str, str, str]]:
    rows = Task.objects.filter(pk__in=ids).select_related("lead_agency", "assignee", "broadcast")
    return [
        (t.lead_agency.code, t.assignee.username, t.source_kind, t.due_at.isoformat())
        for t in rows.order_by("pk")
    ]


def test_level_of_a_chairman(tw: TaskWorld, api: Callable[..., Any]) -> None:
    # a head for the one-stop department: it is still left out
    official("dl.mc.head", [(tw.w.dl_one_stop, Role.UNIT_HEAD)])
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, {**BODY, "level": "district"})
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["count"] == 2
    assert out["ids"] == sorted(out["ids"])
    assert Broadcast.objects.get().pk == out["id"]
    # Đô Lương's district agencies only (Tân Kỳ is not the chairman's), by code
    assert _tasks(out["ids"]) == [
        ("DL.TNMT", "dl.tnmt", "broadcast", "2027-03-08T10:00:00+00:00"),
        ("DL.UBND", "dl.chutich", "broadcast", "2027-03-08T10:00:00+00:00"),
    ]
    assert set(Task.objects.values_list("broadcast_id", flat=True)) == {out["id"]}
    assert TaskEvent.objects.filter(action="assign").count() == 2


def test_level_of_the_province_chairman(tw: TaskWorld, api: Callable[..., Any]) -> None:
    boss = official("tinh.chutich", [(tw.w.ubnd_tinh, Role.CHAIRMAN)])
    official("tk.chutich", [(tw.w.tk_ubnd, Role.CHAIRMAN)])
    response = api("post", "/tasks/broadcast", boss, {**BODY, "level": "district"})
    assert response.status_code == 201, response.content
    assert sorted(row[:2] for row in _tasks(response.json()["ids"])) == [
        ("DL.TNMT", "dl.tnmt"),
        ("DL.UBND", "dl.chutich"),
        ("TK.UBND", "tk.chutich"),
    ]


def test_level_with_a_headless_agency_creates_nothing(
    tw: TaskWorld, api: Callable[..., Any]
) -> None:
    boss = official("tinh.chutich", [(tw.w.ubnd_tinh, Role.CHAIRMAN)])
    response = api("post", "/tasks/broadcast", boss, {**BODY, "level": "district"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "task.no_head"
    assert error["fields"] == {"agencies": ["TK.UBND"]}
    assert "TK.UBND" in error["message"]
    assert (Task.objects.count(), Broadcast.objects.count(), TaskEvent.objects.count()) == (0, 0, 0)


def test_commune_level_without_a_chairman(tw: TaskWorld, api: Callable[..., Any]) -> None:
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, {**BODY, "level": "commune"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"agencies": ["DL.DS.UBND"]}
    assert Task.objects.count() == 0


def test_explicit_agencies(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BODY, "agencies": ["DL.UBND", "DL.TNMT"]}
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, body)
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 2
    assert [row[:2] for row in _tasks(response.json()["ids"])] == [
        ("DL.UBND", "dl.chutich"),
        ("DL.TNMT", "dl.tnmt"),
    ]


def test_explicit_agency_outside_reach_is_403_all_or_nothing(
    tw: TaskWorld, api: Callable[..., Any]
) -> None:
    official("tk.chutich", [(tw.w.tk_ubnd, Role.CHAIRMAN)])
    body = {**BODY, "agencies": ["DL.TNMT", "TK.UBND"]}
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, body)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "task.forbidden"
    assert "TK.UBND" in error["message"]
    assert "DL.TNMT" not in error["message"]
    assert (Task.objects.count(), Broadcast.objects.count()) == (0, 0)


def test_explicit_headless_agency_is_400(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BODY, "agencies": ["DL.TNMT", "DL.DS.UBND"]}
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "task.no_head"
    assert response.json()["error"]["fields"] == {"agencies": ["DL.DS.UBND"]}
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"agencies": ["DL.TNMT", "NOPE"]}, {"agencies.1"}),
        ({"level": "galaxy"}, {"level"}),
        ({"agencies": []}, {"agencies"}),
        ({"agencies": ["DL.TNMT"], "approver": None}, {"approver"}),
        ({"agencies": ["DL.TNMT"], "title": "", "deliverable": ""}, {"title", "deliverable"}),
    ],
)
def test_broadcast_input_refused(
    tw: TaskWorld, api: Callable[..., Any], body: dict[str, Any], fields: set[str]
) -> None:
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, {**BODY, **body})
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) == fields
    assert Task.objects.count() == 0


def test_a_handling_official_reaches_no_agency(tw: TaskWorld, api: Callable[..., Any]) -> None:
    response = api("post", "/tasks/broadcast", tw.w.dl_tnmt_cv, {**BODY, "level": "district"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"agencies"}
    assert Task.objects.count() == 0


def test_progress_follows_approvals(tw: TaskWorld, api: Callable[..., Any]) -> None:
    tp = org_services.agency_create(
        code="DL.TP", name="Phòng Tư pháp", unit=tw.w.dl, kind=AgencyKind.DIVISION
    )
    official("dl.tp", [(tp, Role.UNIT_HEAD)])
    body = {**BODY, "level": "district"}
    made = api("post", "/tasks/broadcast", tw.w.dl_chutich, body).json()
    assert made["count"] == 3
    path = f"/tasks/broadcast/{made['id']}"
    heads = {t.pk: t.assignee for t in Task.objects.select_related("assignee")}

    def finish(pk: int) -> None:
        head: Official = heads[pk]
        submit = {"action": "submit", "deliverable": "Quy chế mới"}
        assert api("post", f"/tasks/{pk}/actions", head, submit).status_code == 200
        approve = {"action": "approve"}
        assert api("post", f"/tasks/{pk}/actions", tw.w.dl_chutich, approve).status_code == 200

    first = api("get", path, tw.w.dl_chutich).json()
    assert (first["count"], first["done"], first["done_rate"]) == (3, 0, 0.0)
    assert [t["id"] for t in first["not_done"]] == made["ids"]
    finish(made["ids"][1])
    # submitted but not approved does not count
    api(
        "post",
        f"/tasks/{made['ids'][0]}/actions",
        heads[made["ids"][0]],
        {
            "action": "submit",
            "deliverable": "x",
        },
    )
    one = api("get", path, tw.w.dl_chutich).json()
    assert (one["count"], one["done"], one["done_rate"]) == (3, 1, 1 / 3)
    assert [t["id"] for t in one["not_done"]] == [made["ids"][0], made["ids"][2]]
    assert one["not_done"][0]["status"] == "submitted"
    api("post", f"/tasks/{made['ids'][0]}/actions", tw.w.dl_chutich, {"action": "approve"})
    finish(made["ids"][2])
    done = api("get", path, tw.w.dl_chutich).json()
    assert (done["count"], done["done"], done["done_rate"], done["not_done"]) == (3, 3, 1.0, [])


def test_progress_visibility(tw: TaskWorld, api: Callable[..., Any]) -> None:
    made = api("post", "/tasks/broadcast", tw.w.dl_chutich, {**BODY, "level": "district"}).json()
    path = f"/tasks/broadcast/{made['id']}"
    assert api("get", path, tw.tnmt_head).json()["count"] == 2  # a receiving head sees it
    assert api("get", path, tw.w.tk_motcua).status_code == 404
    assert api("get", path, None).status_code == 401
    assert api("get", "/tasks/broadcast/999999", tw.w.dl_chutich).status_code == 404


def test_due_time_before_start_creates_nothing(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BODY, "working_days": None, "due_at": "2027-02-01T17:00:00+07:00"}
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, {**body, "level": "district"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"due_at"}
    assert (Task.objects.count(), Broadcast.objects.count()) == (0, 0)


def test_working_days_by_each_agency_calendar_across_tet(
    tw: TaskWorld, api: Callable[..., Any]
) -> None:
    body = {**BODY, "start": "2027-02-03T10:00:00+07:00", "level": "district"}
    made = api("post", "/tasks/broadcast", tw.w.dl_chutich, body).json()
    dues = {row[3] for row in _tasks(made["ids"])}
    assert dues == {"2027-02-17T10:00:00+00:00"}  # 17:00 in Vietnam, after Tết


def test_an_agency_listed_twice_gets_one_task(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BODY, "agencies": ["DL.TNMT", "DL.TNMT"]}
    response = api("post", "/tasks/broadcast", tw.w.dl_chutich, body)
    assert response.status_code in {201, 400}
    assert Task.objects.filter(lead_agency__code="DL.TNMT").count() == (
        1 if response.status_code == 201 else 0
    )
