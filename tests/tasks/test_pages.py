"""Officials' task pages: my tasks, a new task, the task with its actions, one task to many
agencies. Who sees what, the six "rõ" named next to their fields, the life of a task through
the pages with exact outcomes, a stale page, the broadcast's figures, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import ValidationFailed
from motcua.org.models import Official
from motcua.tasks import services
from motcua.tasks.models import Broadcast, ExtensionRequest, Task, TaskEvent, TaskStatus
from tests.dossiers.world import vn
from tests.tasks.world import BASE, TaskWorld, build, make

FORM: dict[str, Any] = {
    "title": BASE["title"],
    "description": BASE["description"],
    "lead_agency": "DL.TNMT",
    "assignee": "dl.tnmt.cv",
    "approver": "dl.chutich",
    "start": "2027-03-01T08:00",
    "working_days": "5",
    "deliverable": BASE["deliverable"],
    "source_kind": "direct",
    "source": "Kế hoạch 12/KH-UBND",
}


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def login(official: Official) -> Client:
    client = Client()
    client.force_login(official)
    return client


def html(response: Any) -> str:
    return response.content.decode()


def act(task: Task, actor: Official, action: str, **data: Any) -> Any:
    return login(actor).post(
        f"/tasks/{task.pk}/act/",
        {"action": action, "expected_version": str(task.revision), **data},
    )


# -- who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/tasks/", "/tasks/new/", "/tasks/1/", "/tasks/broadcast/new/", "/tasks/broadcast/1/"]
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_the_task_page_is_for_those_who_may_see_the_task(tw: TaskWorld) -> None:
    task = make(tw)
    for who in (tw.w.dl_tnmt_cv, tw.tnmt_head, tw.w.dl_chutich, tw.w.root):
        response = login(who).get(f"/tasks/{task.pk}/")
        assert response.status_code == 200, who
        assert task.title in html(response)
    assert login(tw.w.tk_motcua).get(f"/tasks/{task.pk}/").status_code == 404
    assert login(tw.w.nobody).get(f"/tasks/{task.pk}/").status_code == 404
    assert login(tw.w.tk_motcua).post(f"/tasks/{task.pk}/act/", {}).status_code == 404


@pytest.mark.parametrize(
    "raw", ["abc", "0", "-1", "99999999999999999999", "9223372036854775808", "1%00", "１"]
)
def test_strange_ids_are_not_found(tw: TaskWorld, raw: str) -> None:
    client = login(tw.w.root)
    # a NUL in the path is refused (400) by the middleware before any view
    expected = 400 if "%00" in raw else 404
    assert client.get(f"/tasks/{raw}/").status_code == expected
    assert client.get(f"/tasks/broadcast/{raw}/").status_code == expected
    assert client.post(f"/tasks/{raw}/act/", {"action": "cancel"}).status_code == expected


def test_my_tasks_sections(tw: TaskWorld) -> None:
    task = make(tw)
    page = html(login(tw.w.dl_tnmt_cv).get("/tasks/"))
    mine = page.split('data-section="mine"')[1].split("</section>")[0]
    assert f'data-task="{task.pk}"' in mine
    assigned = html(login(tw.tnmt_head).get("/tasks/"))
    assert (
        f'data-task="{task.pk}"'
        in assigned.split('data-section="assigned"')[1].split("</section>")[0]
    )
    assert "data-new-task" in assigned
    assert 'href="/tasks/" data-nav="tasks"' in assigned
    # a one-stop officer of another district sees no task and may assign none
    other = html(login(tw.w.tk_motcua).get("/tasks/"))
    assert f'data-task="{task.pk}"' not in other
    assert "data-new-task" not in other


def test_my_tasks_to_approve_and_filters(tw: TaskWorld) -> None:
    task = make(tw)
    services.task_act(
        task=task, actor=tw.w.dl_tnmt_cv, action="submit", payload={"deliverable": "QĐ 1"}
    )
    page = html(login(tw.w.dl_chutich).get("/tasks/"))
    approve = page.split('data-section="to_approve"')[1].split("</section>")[0]
    assert f'data-task="{task.pk}"' in approve
    client = login(tw.w.dl_chutich)
    agencies = html(client.get("/tasks/?status=submitted&agency=DL.TNMT&timeliness=in_time"))
    assert f'data-task="{task.pk}"' in agencies.split('data-section="agencies"')[1]
    none = html(client.get("/tasks/?status=approved"))
    assert f'data-task="{task.pk}"' not in none.split('data-section="agencies"')[1]
    # unknown filter values are ignored, never a 500
    assert (
        client.get("/tasks/?status=zz&timeliness=x&agency=ZZ&page=999999999999").status_code == 200
    )


def test_my_tasks_colours_overdue_first(tw: TaskWorld) -> None:
    late = make(tw, start=vn(2020, 3, 2, 8), working_days=1, title="Việc quá hạn")
    later = make(tw, title="Việc còn hạn")
    page = html(login(tw.w.dl_tnmt_cv).get("/tasks/"))
    mine = page.split('data-section="mine"')[1].split("</section>")[0]
    assert mine.index(f'data-task="{late.pk}"') < mine.index(f'data-task="{later.pk}"')
    row = mine.split(f'data-task="{late.pk}"')[1].split("</tr>")[0]
    assert 'data-tone="late"' in row
    assert 'data-timeliness="overdue"' in row


def test_my_tasks_queries_do_not_grow_with_the_tasks(tw: TaskWorld) -> None:
    client = login(tw.w.dl_tnmt_cv)
    for _ in range(2):
        make(tw)
    client.get("/tasks/")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/tasks/").status_code == 200
    for _ in range(8):
        make(tw)
    with CaptureQueriesContext(connection) as ten:
        response = client.get("/tasks/")
    assert html(response).count("data-task=") == 20  # mine and my agencies
    assert len(ten) == len(two)


# -- a new task ------------------------------------------------------------------------------


def test_the_new_task_form_offers_only_what_the_official_may_assign(tw: TaskWorld) -> None:
    page = html(login(tw.tnmt_head).get("/tasks/new/"))
    assert 'value="DL.TNMT"' in page
    assert 'value="DL.UBND"' not in page
    assert 'value="TK.UBND"' not in page
    chairman = html(login(tw.w.dl_chutich).get("/tasks/new/"))
    assert 'value="DL.UBND"' in chairman
    assert 'value="DL.TNMT"' in chairman
    assert 'value="TK.UBND"' not in chairman
    # an agency outside the form's reach is refused as a bad choice, nothing created
    response = login(tw.tnmt_head).post("/tasks/new/", {**FORM, "lead_agency": "TK.UBND"})
    assert response.status_code == 400
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    "missing",
    ["title", "description", "lead_agency", "assignee", "approver", "deliverable", "due_at"],
)
def test_a_missing_ro_is_named_next_to_its_field(tw: TaskWorld, missing: str) -> None:
    data = {**FORM}
    if missing == "due_at":
        data.pop("working_days")
    else:
        data[missing] = ""
    response = login(tw.tnmt_head).post("/tasks/new/", data)
    assert response.status_code == 400
    page = html(response)
    field = page.split(f'data-field="{missing}"')[1].split("</p>")[0]
    assert "field-error" in field
    assert page.count('class="field-error"') == 1
    # the values typed are kept
    if missing != "deliverable":
        assert BASE["deliverable"] in page
    assert (Task.objects.count(), TaskEvent.objects.count()) == (0, 0)


def test_a_task_is_created_through_the_form_exactly(tw: TaskWorld) -> None:
    response = login(tw.tnmt_head).post(
        "/tasks/new/", {**FORM, "coordinating_officials": ["dl.tnmt"]}
    )
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert (task.assignee, task.lead_agency, task.assigner, task.approver) == (
        tw.w.dl_tnmt_cv,
        tw.w.dl_tnmt,
        tw.tnmt_head,
        tw.w.dl_chutich,
    )
    assert task.start == vn(2027, 3, 1, 8)
    assert task.due_at.isoformat() == "2027-03-08T10:00:00+00:00"
    assert (task.source_kind, task.source, task.status) == (
        "direct",
        "Kế hoạch 12/KH-UBND",
        "assigned",
    )
    assert [o.username for o in task.coordinating_officials.all()] == ["dl.tnmt"]


def test_a_due_time_beyond_the_calendar_is_refused_or_still_renders(tw: TaskWorld) -> None:
    client = login(tw.tnmt_head)
    response = client.post(
        "/tasks/new/", {**FORM, "working_days": "", "due_at": "9999-12-31T23:59"}
    )
    assert response.status_code == 400
    assert "field-error" in html(response).split('data-field="due_at"')[1].split("</p>")[0]
    # the service refuses it too (the API goes through it)
    with pytest.raises(ValidationFailed):
        make(tw, working_days=None, due_at=vn(2300, 1, 1, 8))
    assert client.get("/tasks/").status_code == 200


def test_the_due_time_is_read_in_vietnam_time(tw: TaskWorld) -> None:
    data = {**FORM, "working_days": "", "due_at": "2027-03-05T16:30"}
    assert login(tw.tnmt_head).post("/tasks/new/", data).status_code == 302
    assert Task.objects.get().due_at == vn(2027, 3, 5, 16, 30)


@pytest.mark.parametrize(
    "changes",
    [
        {"due_at": "yesterday", "working_days": ""},
        {"working_days": "99999999999999999999999"},
        {"title": "a\x00b"},
        {"due_at": "2027-02-01T08:00", "working_days": ""},
    ],
)
def test_bad_input_to_the_form_is_a_400(tw: TaskWorld, changes: dict[str, str]) -> None:
    response = login(tw.tnmt_head).post("/tasks/new/", {**FORM, **changes})
    assert response.status_code == 400
    assert Task.objects.count() == 0


# -- the task page and its actions ----------------------------------------------------------


def _actions(page: str) -> set[str]:
    if "data-actions>" not in page:
        return set()
    section = page.split("data-actions>")[1].split("</section>", maxsplit=1)[0]
    return {part.split('"')[0] for part in section.split('data-action="')[1:]}


def test_each_official_is_offered_only_their_actions(tw: TaskWorld) -> None:
    task = make(tw)
    assert _actions(html(login(tw.w.dl_tnmt_cv).get(f"/tasks/{task.pk}/"))) == {
        "progress",
        "submit",
        "extend",
    }
    assert _actions(html(login(tw.tnmt_head).get(f"/tasks/{task.pk}/"))) == {"extend", "cancel"}
    assert _actions(html(login(tw.w.dl_chutich).get(f"/tasks/{task.pk}/"))) == set()
    services.task_act(
        task=task, actor=tw.w.dl_tnmt_cv, action="submit", payload={"deliverable": "x"}
    )
    assert _actions(html(login(tw.w.dl_chutich).get(f"/tasks/{task.pk}/"))) == {"approve", "return"}


def test_the_whole_life_through_the_pages(tw: TaskWorld) -> None:
    assert login(tw.tnmt_head).post("/tasks/new/", FORM).status_code == 302
    task = Task.objects.get()
    response = act(task, tw.w.dl_tnmt_cv, "progress", percent="40", note="Đã dự thảo")
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.percent, task.revision) == (TaskStatus.IN_PROGRESS, 40, 2)
    assert act(task, tw.w.dl_tnmt_cv, "submit", deliverable="QĐ 15/QĐ-UBND").status_code == 302
    task.refresh_from_db()
    assert (task.status, task.percent, task.result_note) == ("submitted", 100, "QĐ 15/QĐ-UBND")
    # the assignee may not approve their own result: the form is not offered, the service refuses
    assert act(task, tw.w.dl_tnmt_cv, "approve").status_code == 403
    assert act(task, tw.w.dl_chutich, "approve", note="Đạt").status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
    assert task.finished_at == task.submitted_at
    assert task.approved_at is not None
    assert list(task.events.values_list("action", "actor__username", "to_status")) == [
        ("assign", "dl.tnmt", "assigned"),
        ("progress", "dl.tnmt.cv", "in_progress"),
        ("submit", "dl.tnmt.cv", "submitted"),
        ("approve", "dl.chutich", "approved"),
    ]
    page = html(login(tw.tnmt_head).get(f"/tasks/{task.pk}/"))
    assert 'data-timeliness="early"' in page
    assert page.count("data-event=") == 4
    assert _actions(page) == set()


def test_a_stale_page_changes_nothing(tw: TaskWorld) -> None:
    task = make(tw)
    stale = task.revision
    services.task_act(task=task, actor=tw.w.dl_tnmt_cv, action="progress", payload={"percent": 10})
    response = login(tw.w.dl_tnmt_cv).post(
        f"/tasks/{task.pk}/act/",
        {"action": "progress", "expected_version": str(stale), "percent": "90"},
    )
    assert response.status_code == 409
    assert 'data-error="task.changed"' in html(response)
    task.refresh_from_db()
    assert (task.percent, task.revision, task.events.count()) == (10, 2, 2)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "progress", "percent": "abc"},
        {"action": "progress", "percent": "101"},
        {"action": "progress", "percent": "99999999999999999999999"},
        {"action": "progress", "percent": "50", "note": "a\x00"},
        {"action": "progress", "percent": "50", "expected_version": "x"},
        {"action": "submit", "deliverable": ""},
        {"action": "extend", "new_due_at": "2027-13-45T08:00", "reason": "r"},
        {"action": "destroy"},
    ],
)
def test_bad_action_input_is_refused_and_changes_nothing(
    tw: TaskWorld, data: dict[str, str]
) -> None:
    task = make(tw)
    response = login(tw.w.dl_tnmt_cv).post(f"/tasks/{task.pk}/act/", data)
    assert response.status_code == 400
    task.refresh_from_db()
    assert (task.status, task.percent, task.revision) == ("assigned", 0, 1)


def test_more_time_asked_and_granted_through_the_pages(tw: TaskWorld) -> None:
    task = make(tw)
    first_due = task.due_at
    response = act(
        task, tw.w.dl_tnmt_cv, "extend", new_due_at="2027-03-12T17:00", reason="Chờ số liệu"
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_at == first_due
    assert _actions(html(login(tw.tnmt_head).get(f"/tasks/{task.pk}/"))) == {
        "decide_extension",
        "cancel",
    }
    assert act(task, tw.tnmt_head, "decide_extension", granted="1").status_code == 302
    task.refresh_from_db()
    assert task.due_at == vn(2027, 3, 12, 17)
    assert ExtensionRequest.objects.get().state == ExtensionRequest.State.GRANTED


def test_cancel_needs_a_reason(tw: TaskWorld) -> None:
    task = make(tw)
    assert act(task, tw.tnmt_head, "cancel", reason="").status_code == 400
    assert act(task, tw.tnmt_head, "cancel", reason="Không còn cần").status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


# -- one task to many agencies ---------------------------------------------------------------


def test_a_broadcast_through_the_pages_and_its_figures(tw: TaskWorld) -> None:
    body = {k: v for k, v in FORM.items() if k not in {"assignee", "lead_agency"}}
    client = login(tw.w.dl_chutich)
    assert client.get("/tasks/broadcast/new/").status_code == 200
    response = client.post("/tasks/broadcast/new/", {**body, "level": "district"})
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/broadcast/{broadcast.pk}/"
    tasks = {t.lead_agency.code: t for t in broadcast.tasks.select_related("lead_agency")}
    assert sorted(tasks) == ["DL.TNMT", "DL.UBND"]
    page = html(client.get(f"/tasks/broadcast/{broadcast.pk}/"))
    assert 'data-count="2"' in page
    assert 'data-done="0"' in page
    assert 'data-rate="0.0"' in page
    done = tasks["DL.TNMT"]
    services.task_act(task=done, actor=tw.tnmt_head, action="submit", payload={"deliverable": "x"})
    services.task_act(task=done, actor=tw.w.dl_chutich, action="approve", payload={})
    page = html(client.get(f"/tasks/broadcast/{broadcast.pk}/"))
    assert 'data-done="1"' in page
    assert 'data-rate="50.0"' in page
    assert 'data-not-done="DL.UBND"' in page
    assert 'data-not-done="DL.TNMT"' not in page
    assert f'href="/tasks/{tasks["DL.UBND"].pk}/"' in page
    assert login(tw.w.tk_motcua).get(f"/tasks/broadcast/{broadcast.pk}/").status_code == 404


def test_a_broadcast_with_nothing_chosen_names_the_agencies(tw: TaskWorld) -> None:
    body = {k: v for k, v in FORM.items() if k not in {"assignee", "lead_agency"}}
    response = login(tw.w.dl_chutich).post("/tasks/broadcast/new/", body)
    assert response.status_code == 400
    field = html(response).split('data-field="agencies"')[1].split("</p>")[0]
    assert "field-error" in field
    assert Broadcast.objects.count() == 0
