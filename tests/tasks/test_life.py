"""A task's life (SPEC §6): progress, submission, approval or return, extensions, cancel;
who may do each; invalid transitions and stale versions are conflicts; every change is
exactly one event with its from/to status; timeliness is judged on the approved
submission's time against the (possibly extended) due time.

The task of ``tests.tasks.world.make`` starts Monday 2027-03-01 08:00 with 5 working days
(March 2027 has no holiday): due Monday 2027-03-08 17:00."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.tasks import services
from motcua.tasks.models import ExtensionRequest, Task, TaskEvent
from motcua.tasks.selectors import task_timeliness
from motcua.workcalendar.engine import Timeliness
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, make

DUE = vn(2027, 3, 8, 17)


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


@pytest.fixture
def task(tw: TaskWorld) -> Task:
    made = make(tw)
    assert made.due_at == DUE
    return made


def act(
    task: Task,
    actor: Any,
    action: str,
    *,
    at: datetime | None = None,
    version: int | None = None,
    **payload: Any,
) -> Task:
    return services.task_act(
        task=task,
        actor=actor,
        action=action,
        payload=payload,
        expected_version=version,
        at=at or vn(2027, 3, 2, 9),
    )


def events(task: Task) -> list[tuple[int, str, str, str, str]]:
    return [
        (e.seq, e.action, e.from_status, e.to_status, e.actor.username)
        for e in TaskEvent.objects.filter(task=task).select_related("actor").order_by("seq")
    ]


def submitted(tw: TaskWorld, task: Task, at: datetime | None = None) -> Task:
    return act(task, tw.w.dl_tnmt_cv, "submit", at=at, deliverable="QĐ số 5/QĐ-TNMT")


def approved(tw: TaskWorld, task: Task, submit_at: datetime) -> Task:
    submitted(tw, task, submit_at)
    return act(task, tw.w.dl_chutich, "approve", at=vn(2027, 3, 20, 9))


# -- the whole life, as events ------------------------------------------------------------


def test_life_with_return_and_events(tw: TaskWorld, task: Task, api: Callable[..., Any]) -> None:
    cv, head, chair = tw.w.dl_tnmt_cv, tw.tnmt_head, tw.w.dl_chutich
    assert act(task, cv, "progress", percent=40, note="Đã dự thảo").status == "in_progress"
    assert act(task, cv, "progress", percent=60).percent == 60
    first = submitted(tw, task, vn(2027, 3, 3, 9))
    assert (first.status, first.percent, first.submitted_at) == (
        "submitted",
        100,
        vn(2027, 3, 3, 9),
    )
    back = act(task, chair, "return", at=vn(2027, 3, 3, 15), note="Bổ sung căn cứ")
    assert (back.status, back.submitted_at, back.finished_at) == ("returned", None, None)
    # not done: back at the progress last reported before the submission, not 100 %
    assert back.percent == 60
    act(task, cv, "progress", at=vn(2027, 3, 4, 8), percent=90)
    submitted(tw, task, vn(2027, 3, 5, 10))
    done = act(task, head, "approve", at=vn(2027, 3, 9, 8), note="Đạt")
    assert done.status == "approved"
    assert (done.finished_at, done.approved_at) == (vn(2027, 3, 5, 10), vn(2027, 3, 9, 8))
    assert done.result_note == "QĐ số 5/QĐ-TNMT"
    assert done.revision == 8
    assert events(task) == [
        (1, "assign", "", "assigned", "dl.tnmt"),
        (2, "progress", "assigned", "in_progress", "dl.tnmt.cv"),
        (3, "progress", "in_progress", "in_progress", "dl.tnmt.cv"),
        (4, "submit", "in_progress", "submitted", "dl.tnmt.cv"),
        (5, "return", "submitted", "returned", "dl.chutich"),
        (6, "progress", "returned", "in_progress", "dl.tnmt.cv"),
        (7, "submit", "in_progress", "submitted", "dl.tnmt.cv"),
        (8, "approve", "submitted", "approved", "dl.tnmt"),
    ]
    response = api("get", f"/tasks/{task.pk}/events", chair)
    assert response.status_code == 200
    got = response.json()
    assert [(e["seq"], e["action"], e["from_status"], e["to_status"], e["actor"]) for e in got] == [
        (s, a, f or None, t, u) for s, a, f, t, u in events(task)
    ]
    assert got[1]["data"] == {"percent": 40, "note": "Đã dự thảo"}
    assert got[4]["data"] == {"note": "Bổ sung căn cứ", "percent": 60}
    assert got[4]["at"] == "2027-03-03T15:00:00+07:00"
    assert got[7]["data"] == {"note": "Đạt", "done_at": "2027-03-05T10:00:00+07:00"}
    detail = api("get", f"/tasks/{task.pk}", chair).json()
    assert (detail["status"], detail["timeliness"], detail["done_at"], detail["version"]) == (
        "approved",
        "early",
        "2027-03-05T10:00:00+07:00",
        8,
    )


# -- progress and submission --------------------------------------------------------------


@pytest.mark.parametrize("percent", [0, 100])
def test_progress_bounds_accepted(tw: TaskWorld, task: Task, percent: int) -> None:
    assert act(task, tw.w.dl_tnmt_cv, "progress", percent=percent).percent == percent


@pytest.mark.parametrize("percent", [-1, 101, True, "50", 12.5, None])
def test_progress_percent_refused(tw: TaskWorld, task: Task, percent: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.w.dl_tnmt_cv, "progress", percent=percent)
    assert set(caught.value.fields) == {"percent"}
    task.refresh_from_db()
    assert (task.status, task.percent, task.revision) == ("assigned", 0, 1)
    assert len(events(task)) == 1


@pytest.mark.parametrize("who", ["tnmt_head", "dl_chutich", "dl_admin"])
def test_progress_only_by_the_responsible(tw: TaskWorld, task: Task, who: str) -> None:
    actor = tw.tnmt_head if who == "tnmt_head" else getattr(tw.w, who)
    with pytest.raises(PermissionDenied):
        act(task, actor, "progress", percent=10)
    assert len(events(task)) == 1


@pytest.mark.parametrize("deliverable", [None, "", "   ", 5])
def test_submit_needs_the_deliverable(tw: TaskWorld, task: Task, deliverable: Any) -> None:
    payload = {} if deliverable is None else {"deliverable": deliverable}
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.w.dl_tnmt_cv, "submit", **payload)
    assert set(caught.value.fields) == {"deliverable"}
    task.refresh_from_db()
    assert (task.status, task.submitted_at) == ("assigned", None)


def test_submit_only_by_the_responsible(tw: TaskWorld, task: Task) -> None:
    with pytest.raises(PermissionDenied):
        act(task, tw.tnmt_head, "submit", deliverable="x")


# -- approval and return ---------------------------------------------------------------


@pytest.mark.parametrize("action", ["approve", "return"])
@pytest.mark.parametrize("who", ["dl_admin", "dl_tnmt_cv", "dl_motcua"])
def test_third_official_may_not_judge(tw: TaskWorld, task: Task, action: str, who: str) -> None:
    submitted(tw, task)
    with pytest.raises(PermissionDenied):
        act(task, getattr(tw.w, who), action, note="x")
    task.refresh_from_db()
    assert task.status == "submitted"
    assert len(events(task)) == 2


def test_return_needs_a_note(tw: TaskWorld, task: Task) -> None:
    submitted(tw, task)
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.w.dl_chutich, "return")
    assert set(caught.value.fields) == {"note"}


def test_api_third_official_gets_403_another_district_404(
    tw: TaskWorld, task: Task, api: Callable[..., Any]
) -> None:
    submitted(tw, task)
    path = f"/tasks/{task.pk}/actions"
    refused = api("post", path, tw.w.dl_admin, {"action": "approve"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "task.forbidden"
    assert api("post", path, tw.w.tk_motcua, {"action": "approve"}).status_code == 404
    ok = api("post", path, tw.w.dl_chutich, {"action": "approve", "note": "Đạt"})
    assert ok.status_code == 200
    assert (ok.json()["status"], ok.json()["version"]) == ("approved", 3)


# -- extensions -----------------------------------------------------------------------------


def test_extension_asked_then_granted(tw: TaskWorld, task: Task) -> None:
    cv, head = tw.w.dl_tnmt_cv, tw.tnmt_head
    asked = act(task, cv, "extend", new_due_at=vn(2027, 3, 12, 17), reason="Chờ ý kiến Sở")
    assert (asked.due_at, asked.original_due_at, asked.status) == (DUE, DUE, "assigned")
    request = ExtensionRequest.objects.get()
    assert (request.state, request.requested_by, request.new_due_at) == (
        "pending",
        cv,
        vn(2027, 3, 12, 17),
    )
    with pytest.raises(Conflict) as caught:
        act(task, cv, "extend", new_due_at=vn(2027, 3, 15, 17), reason="again")
    assert caught.value.code == "task.extension_pending"
    with pytest.raises(Conflict):  # the assigner too waits for the pending one
        act(task, head, "extend", new_due_at=vn(2027, 3, 15, 17), reason="more")
    for not_assigner in (cv, tw.w.dl_chutich):  # the approver is not the assigner
        with pytest.raises(PermissionDenied):
            act(task, not_assigner, "decide_extension", granted=True)
    granted = act(task, head, "decide_extension", at=vn(2027, 3, 3, 9), granted=True)
    assert (granted.due_at, granted.original_due_at) == (vn(2027, 3, 12, 17), DUE)
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == (
        "granted",
        head,
        vn(2027, 3, 3, 9),
    )
    with pytest.raises(Conflict) as none_left:
        act(task, head, "decide_extension", granted=True)
    assert none_left.value.code == "task.no_extension_pending"
    assert [e[1:4] for e in events(task)] == [
        ("assign", "", "assigned"),
        ("extend", "assigned", "assigned"),
        ("decide_extension", "assigned", "assigned"),
    ]
    assert TaskEvent.objects.get(task=task, seq=3).data == {
        "request": request.pk,
        "granted": True,
        "note": "",
        "due_at": "2027-03-12T17:00:00+07:00",
    }


def test_extension_refused_needs_a_note(tw: TaskWorld, task: Task) -> None:
    act(task, tw.w.dl_tnmt_cv, "extend", new_due_at=vn(2027, 3, 12, 17), reason="Chờ")
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.tnmt_head, "decide_extension", granted=False)
    assert set(caught.value.fields) == {"note"}
    with pytest.raises(ValidationFailed) as no_choice:
        act(task, tw.tnmt_head, "decide_extension", note="?")
    assert set(no_choice.value.fields) == {"granted"}
    refused = act(task, tw.tnmt_head, "decide_extension", granted=False, note="Đủ thời gian")
    assert (refused.due_at, refused.original_due_at) == (DUE, DUE)
    assert ExtensionRequest.objects.get().state == "refused"
    # refused, so a new request may be made
    act(task, tw.w.dl_tnmt_cv, "extend", new_due_at=vn(2027, 3, 10, 17), reason="Lần 2")
    assert ExtensionRequest.objects.filter(state="pending").count() == 1


def test_extension_by_the_assigner_is_granted_at_once(tw: TaskWorld, task: Task) -> None:
    extended = act(task, tw.tnmt_head, "extend", new_due_at=vn(2027, 3, 15, 17), reason="Tết")
    assert (extended.due_at, extended.original_due_at) == (vn(2027, 3, 15, 17), DUE)
    request = ExtensionRequest.objects.get()
    assert (request.state, request.decided_by) == ("granted", tw.tnmt_head)
    assert TaskEvent.objects.get(task=task, seq=2).data["granted"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"new_due_at": DUE, "reason": "x"}, "new_due_at"),
        ({"new_due_at": vn(2027, 3, 5, 17), "reason": "x"}, "new_due_at"),
        ({"reason": "x"}, "new_due_at"),
        ({"new_due_at": vn(2027, 3, 12, 17)}, "reason"),
        ({"new_due_at": vn(2027, 3, 12, 17), "reason": " "}, "reason"),
    ],
)
def test_extension_input_refused(
    tw: TaskWorld, task: Task, payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.w.dl_tnmt_cv, "extend", **payload)
    assert set(caught.value.fields) == {field}
    assert ExtensionRequest.objects.count() == 0


def test_approver_may_not_extend(tw: TaskWorld, task: Task) -> None:
    with pytest.raises(PermissionDenied):
        act(task, tw.w.dl_chutich, "extend", new_due_at=vn(2027, 3, 12, 17), reason="x")


def test_api_extension(tw: TaskWorld, task: Task, api: Callable[..., Any]) -> None:
    path = f"/tasks/{task.pk}/actions"
    naive = {"action": "extend", "new_due_at": "2027-03-12T17:00:00", "reason": "x"}
    assert api("post", path, tw.w.dl_tnmt_cv, naive).status_code == 400
    asked = api(
        "post",
        path,
        tw.w.dl_tnmt_cv,
        {"action": "extend", "new_due_at": "2027-03-12T10:00:00Z", "reason": "Chờ"},
    )
    assert asked.status_code == 200, asked.content
    assert asked.json()["due_at"] == "2027-03-08T17:00:00+07:00"
    again = api(
        "post",
        path,
        tw.w.dl_tnmt_cv,
        {"action": "extend", "new_due_at": "2027-03-13T10:00:00Z", "reason": "Chờ"},
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "task.extension_pending")
    decided = api("post", path, tw.tnmt_head, {"action": "decide_extension", "granted": True})
    assert decided.status_code == 200
    assert decided.json()["due_at"] == "2027-03-12T17:00:00+07:00"
    assert decided.json()["original_due_at"] == "2027-03-08T17:00:00+07:00"


# -- cancel --------------------------------------------------------------------------------


def test_cancel_only_by_the_assigner_with_a_reason(tw: TaskWorld, task: Task) -> None:
    for other in (tw.w.dl_tnmt_cv, tw.w.dl_chutich):
        with pytest.raises(PermissionDenied):
            act(task, other, "cancel", reason="x")
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.tnmt_head, "cancel")
    assert set(caught.value.fields) == {"reason"}
    cancelled = act(task, tw.tnmt_head, "cancel", reason="Không còn cần")
    assert cancelled.status == "cancelled"
    assert task_timeliness(cancelled, now=vn(2030, 1, 1)) is None
    assert events(task)[-1] == (2, "cancel", "assigned", "cancelled", "dl.tnmt")


# -- invalid transitions and stale versions -------------------------------------------------

ANY_ACTION: dict[str, tuple[str, dict[str, Any]]] = {
    "progress": ("dl_tnmt_cv", {"percent": 10}),
    "submit": ("dl_tnmt_cv", {"deliverable": "x"}),
    "approve": ("dl_chutich", {}),
    "return": ("dl_chutich", {"note": "x"}),
    "extend": ("dl_tnmt_cv", {"new_due_at": vn(2027, 4, 1, 17), "reason": "x"}),
    "cancel": ("tnmt_head", {"reason": "x"}),
}


def _into(tw: TaskWorld, task: Task, status: str) -> None:
    if status in {"submitted", "approved"}:
        submitted(tw, task)
    if status == "approved":
        act(task, tw.w.dl_chutich, "approve")
    if status == "cancelled":
        act(task, tw.tnmt_head, "cancel", reason="x")


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("assigned", "approve"),
        ("assigned", "return"),
        ("submitted", "progress"),
        ("submitted", "submit"),
        *[("approved", a) for a in ANY_ACTION],
        *[("cancelled", a) for a in ANY_ACTION],
    ],
)
def test_invalid_transitions_conflict(tw: TaskWorld, task: Task, status: str, action: str) -> None:
    _into(tw, task, status)
    before = len(events(task))
    who, payload = ANY_ACTION[action]
    actor = tw.tnmt_head if who == "tnmt_head" else getattr(tw.w, who)
    with pytest.raises(Conflict) as caught:
        act(task, actor, action, **payload)
    assert caught.value.code == "task.invalid_transition"
    task.refresh_from_db()
    assert task.status == status
    assert len(events(task)) == before


def test_unknown_action(tw: TaskWorld, task: Task) -> None:
    with pytest.raises(ValidationFailed) as caught:
        act(task, tw.w.dl_tnmt_cv, "finish")
    assert caught.value.code == "task.unknown_action"


def test_stale_version_conflicts(tw: TaskWorld, task: Task) -> None:
    assert act(task, tw.w.dl_tnmt_cv, "progress", version=1, percent=10).revision == 2
    with pytest.raises(Conflict) as caught:
        act(task, tw.w.dl_tnmt_cv, "progress", version=1, percent=20)
    assert caught.value.code == "task.changed"
    task.refresh_from_db()
    assert (task.percent, task.revision) == (10, 2)


def test_api_stale_version_conflicts(tw: TaskWorld, task: Task, api: Callable[..., Any]) -> None:
    path = f"/tasks/{task.pk}/actions"
    body = {"action": "progress", "percent": 30, "expected_version": 1}
    first = api("post", path, tw.w.dl_tnmt_cv, body)
    assert (first.status_code, first.json()["version"], first.json()["percent"]) == (200, 2, 30)
    stale = api("post", path, tw.w.dl_tnmt_cv, {**body, "percent": 50})
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "task.changed")
    invalid = api("post", path, tw.w.dl_chutich, {"action": "approve"})
    assert (invalid.status_code, invalid.json()["error"]["code"]) == (
        409,
        "task.invalid_transition",
    )
    bad = api("post", path, tw.w.dl_tnmt_cv, {"action": "progress", "percent": 101})
    assert (bad.status_code, set(bad.json()["error"]["fields"])) == (400, {"percent"})
    assert len(events(task)) == 2


# -- timeliness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (vn(2027, 3, 8, 16, 59), Timeliness.IN_TIME),
        (DUE, Timeliness.IN_TIME),
        (vn(2027, 3, 8, 17, 0, 1), Timeliness.OVERDUE),
        (vn(2027, 4, 1), Timeliness.OVERDUE),
    ],
)
def test_open_task_in_time_or_overdue(task: Task, now: datetime, expected: Timeliness) -> None:
    assert task_timeliness(task, now=now) == expected


@pytest.mark.parametrize(
    ("submit_at", "expected"),
    [
        (vn(2027, 3, 5, 10), Timeliness.EARLY),
        (vn(2027, 3, 7, 23, 59), Timeliness.EARLY),  # Sunday before the due day
        (vn(2027, 3, 8, 0, 30), Timeliness.ON_TIME),  # the due day, in Vietnam time
        (DUE, Timeliness.ON_TIME),
        (vn(2027, 3, 8, 17, 0, 1), Timeliness.LATE),
        (vn(2027, 3, 9, 8), Timeliness.LATE),
    ],
)
def test_approved_judged_on_the_submission(
    tw: TaskWorld, task: Task, submit_at: datetime, expected: Timeliness
) -> None:
    done = approved(tw, task, submit_at)  # approved on 20 March: later than any of them
    assert done.finished_at == submit_at
    assert task_timeliness(done, now=vn(2030, 1, 1)) == expected


def test_approved_judged_against_the_extended_due_time(tw: TaskWorld, task: Task) -> None:
    act(task, tw.tnmt_head, "extend", new_due_at=vn(2027, 3, 12, 17), reason="x")
    on_time = approved(tw, task, vn(2027, 3, 12, 9))
    assert on_time.original_due_at == DUE
    assert task_timeliness(on_time, now=vn(2030, 1, 1)) == Timeliness.ON_TIME


def test_resubmission_after_return_decides(tw: TaskWorld, task: Task) -> None:
    submitted(tw, task, vn(2027, 3, 2, 9))
    act(task, tw.w.dl_chutich, "return", at=vn(2027, 3, 3, 9), note="Sửa")
    done = approved(tw, task, vn(2027, 3, 10, 9))
    assert done.finished_at == vn(2027, 3, 10, 9)
    assert task_timeliness(done, now=vn(2030, 1, 1)) == Timeliness.LATE


def test_submitted_task_is_still_open(tw: TaskWorld, task: Task) -> None:
    submitted(tw, task, vn(2027, 3, 5))
    assert task_timeliness(task, now=vn(2027, 3, 9)) == Timeliness.OVERDUE


def test_no_extension_decided_once_the_task_is_done(tw: TaskWorld, task: Task) -> None:
    act(task, tw.w.dl_tnmt_cv, "extend", new_due_at=vn(2027, 3, 12, 17), reason="Chờ")
    done = approved(tw, task, vn(2027, 3, 10, 9))
    assert task_timeliness(done, now=vn(2030, 1, 1)) == Timeliness.LATE
    with pytest.raises(Conflict):
        act(task, tw.tnmt_head, "decide_extension", at=vn(2027, 3, 21), granted=True)
    task.refresh_from_db()
    assert task.due_at == DUE
