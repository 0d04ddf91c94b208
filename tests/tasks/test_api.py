"""Reading tasks through the API (API.md "Tasks"): who sees which task (their agencies,
lead or coordinating, or where they are named), 401 without a token, the list's filters
(``timeliness=`` judged in Vietnam time exactly as the task's own ``timeliness``), and a
list whose query count does not grow with its length."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.tasks import services
from motcua.tasks.models import Task
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, make


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def act(task: Task, actor: Any, action: str, at: datetime, **payload: Any) -> None:
    services.task_act(task=task, actor=actor, action=action, payload=payload, at=at)


# -- visibility --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("tnmt_head", True),  # assigner and head of the lead agency
        ("dl_tnmt_cv", True),  # responsible
        ("dl_chutich", True),  # approver; chairman of the district
        ("dl_admin", True),  # unit-wide role in the district
        ("root", True),
        ("dl_motcua", False),  # another agency of the same district
        ("tk_motcua", False),  # another district
        ("tinh_admin", True),  # the province's administrator reaches the district
        ("nobody", False),
    ],
)
def test_who_sees_a_task(tw: TaskWorld, api: Callable[..., Any], who: str, sees: bool) -> None:
    task = make(tw)
    other = make(tw, lead_agency=tw.w.dl_ubnd, assignee=tw.w.dl_chutich, actor=tw.w.dl_chutich)
    viewer = tw.tnmt_head if who == "tnmt_head" else getattr(tw.w, who)
    detail = api("get", f"/tasks/{task.pk}", viewer)
    listed = ids(api("get", "/tasks", viewer))
    events = api("get", f"/tasks/{task.pk}/events", viewer)
    if sees:
        assert detail.status_code == 200
        assert detail.json()["id"] == task.pk
        assert task.pk in listed
        assert events.status_code == 200
    else:
        assert detail.status_code == 404
        assert detail.json()["error"]["code"] == "task.not_found"
        assert events.status_code == 404
        assert task.pk not in listed
        assert listed <= {other.pk}


def test_coordinating_agency_and_official_see_it(tw: TaskWorld, api: Callable[..., Any]) -> None:
    task = make(tw, coordinating_agencies=[tw.w.dl_one_stop])
    named = make(tw, coordinating_officials=[tw.w.tk_motcua])
    assert ids(api("get", "/tasks", tw.w.dl_motcua)) == {task.pk}
    assert ids(api("get", "/tasks", tw.w.tk_motcua)) == {named.pk}
    assert api("get", f"/tasks/{named.pk}", tw.w.tk_motcua).status_code == 200
    assert api("get", f"/tasks/{task.pk}", tw.w.tk_motcua).status_code == 404
    # seeing a task is not the right to act on it
    refused = api("post", f"/tasks/{named.pk}/actions", tw.w.tk_motcua, {"action": "approve"})
    assert refused.status_code == 409  # nothing submitted: the state is checked first
    progress = {"action": "progress", "percent": 5}
    assert api("post", f"/tasks/{named.pk}/actions", tw.w.tk_motcua, progress).status_code == 403


def test_list_has_each_task_once(tw: TaskWorld, api: Callable[..., Any]) -> None:
    # seen through several paths at once (lead agency, coordinating agency, named)
    task = make(
        tw,
        coordinating_agencies=[tw.w.dl_tnmt, tw.w.dl_ubnd],
        coordinating_officials=[tw.tnmt_head, tw.w.dl_chutich],
    )
    items = api("get", "/tasks", tw.w.dl_chutich).json()["items"]
    assert [i["id"] for i in items] == [task.pk]
    assert sorted(items[0]["coordinators"]) == sorted(
        ["dl.tnmt", "dl.chutich", "DL.TNMT", "DL.UBND"]
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/tasks"),
        ("get", "/tasks/{pk}"),
        ("get", "/tasks/{pk}/events"),
        ("post", "/tasks/{pk}/actions"),
        ("post", "/tasks/broadcast"),
    ],
)
def test_401_without_token(tw: TaskWorld, api: Callable[..., Any], method: str, path: str) -> None:
    task = make(tw)
    response = api(method, path.format(pk=task.pk), None, {"action": "cancel", "reason": "x"})
    assert response.status_code == 401
    assert "error" in response.json()
    task.refresh_from_db()
    assert task.status == "assigned"


def test_unknown_task_is_404(tw: TaskWorld, api: Callable[..., Any]) -> None:
    assert api("get", "/tasks/987654", tw.w.root).status_code == 404
    act_on = api("post", "/tasks/987654/actions", tw.w.root, {"action": "cancel"})
    assert act_on.status_code == 404


# -- filters -------------------------------------------------------------------------------


def test_filters_by_assignee_agency_status(tw: TaskWorld, api: Callable[..., Any]) -> None:
    mine = make(tw)
    chair = make(tw, lead_agency=tw.w.dl_ubnd, assignee=tw.w.dl_chutich, actor=tw.w.dl_chutich)
    act(mine, tw.w.dl_tnmt_cv, "progress", vn(2027, 3, 2), percent=10)
    user = tw.w.dl_chutich
    assert ids(api("get", "/tasks", user, {"assignee": "dl.tnmt.cv"})) == {mine.pk}
    assert ids(api("get", "/tasks", user, {"agency": "DL.UBND"})) == {chair.pk}
    assert ids(api("get", "/tasks", user, {"status": "in_progress"})) == {mine.pk}
    assert ids(api("get", "/tasks", user, {"status": "assigned"})) == {chair.pk}
    assert ids(api("get", "/tasks", user, {"assignee": "ghost"})) == set()


def test_timeliness_filter(tw: TaskWorld, api: Callable[..., Any]) -> None:
    """Each value returns exactly its tasks. Edges: a submission at 00:30 of the due day is
    the previous day in UTC (on time, not early); one at 23:30 before a 06:00 due time is
    the same day in UTC (early, not on time)."""
    cv, chair = tw.w.dl_tnmt_cv, tw.w.dl_chutich
    # 2026-01-05 + 5 working days = Monday 2026-01-12 17:00, long past
    past: dict[str, Any] = {"start": vn(2026, 1, 5, 8), "working_days": 5}

    def done(submit_at: datetime, **changes: Any) -> Task:
        task = make(tw, **{**past, **changes})
        act(task, cv, "submit", submit_at, deliverable="x")
        act(task, chair, "approve", vn(2026, 2, 1))
        return task

    expected: dict[str, set[int]] = {
        "in_time": {make(tw).pk},  # due 2027-03-08
        "overdue": {make(tw, **past).pk},
        "early": {
            done(vn(2026, 1, 9, 10)).pk,
            done(vn(2026, 1, 11, 23, 30), working_days=None, due_at=vn(2026, 1, 12, 6)).pk,
        },
        "on_time": {done(vn(2026, 1, 12, 0, 30)).pk, done(vn(2026, 1, 12, 17)).pk},
        "late": {done(vn(2026, 1, 12, 17, 0, 1)).pk, done(vn(2026, 1, 20, 9)).pk},
    }
    submitted = make(tw, **past)  # submitted, not approved: still open, so overdue
    act(submitted, cv, "submit", vn(2026, 1, 10), deliverable="x")
    expected["overdue"].add(submitted.pk)
    returned = make(tw)  # returned, due in 2027: in time
    act(returned, cv, "submit", vn(2026, 1, 10), deliverable="x")
    act(returned, chair, "return", vn(2026, 1, 11), note="x")
    expected["in_time"].add(returned.pk)
    cancelled = make(tw, **past)
    act(cancelled, tw.tnmt_head, "cancel", vn(2026, 1, 6), reason="x")

    everything = api("get", "/tasks", chair).json()["items"]
    assert len(everything) == 11
    by_item = {i["id"]: i["timeliness"] for i in everything}
    assert by_item[cancelled.pk] is None
    for value, wanted in expected.items():
        response = api("get", "/tasks", chair, {"timeliness": value})
        assert ids(response) == wanted, value
        assert {i["timeliness"] for i in response.json()["items"]} == {value}
        assert {pk for pk, t in by_item.items() if t == value} == wanted, value


def test_unknown_timeliness_is_400(tw: TaskWorld, api: Callable[..., Any]) -> None:
    response = api("get", "/tasks", tw.w.dl_chutich, {"timeliness": "soon"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"timeliness"}


def test_pagination(tw: TaskWorld, api: Callable[..., Any]) -> None:
    made = [make(tw).pk for _ in range(3)]
    first = api("get", "/tasks", tw.w.dl_chutich, {"limit": 2}).json()
    assert [i["id"] for i in first["items"]] == made[:2]
    second = api("get", "/tasks", tw.w.dl_chutich, {"limit": 2, "cursor": first["next"]}).json()
    assert ([i["id"] for i in second["items"]], second["next"]) == ([made[2]], None)


# -- query count -------------------------------------------------------------------------------


def _list_queries(api: Callable[..., Any], user: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api("get", "/tasks", user)
    assert response.status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow(tw: TaskWorld, api: Callable[..., Any]) -> None:
    def some(n: int) -> None:
        for _ in range(n):
            make(tw, coordinating_agencies=[tw.w.dl_ubnd], coordinating_officials=[tw.tnmt_head])
            make(tw, lead_agency=tw.w.dl_ubnd, assignee=tw.w.dl_chutich, actor=tw.w.dl_chutich)

    user = tw.w.dl_chutich
    api("get", "/tasks", user)  # the token, and the calendar engine, built once
    some(1)
    two = _list_queries(api, user)
    some(4)
    ten = _list_queries(api, user)
    assert len(api("get", "/tasks", user).json()["items"]) == 10
    assert ten == two
