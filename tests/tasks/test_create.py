"""Creating a task (SPEC §6, API.md "Tasks"): the six "rõ" are all required and each
missing one is named; the due time comes from the lead agency's working calendar (Civil
Code rule: end of office hours of the N-th working day after the effective start's day,
across Tết); who may assign, and the responsible official's agency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import holidays
import pytest
from django.utils import translation

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.org.models import Role
from motcua.tasks import selectors, services
from motcua.tasks.models import Task, TaskEvent
from tests.dossiers.world import vn
from tests.tasks.world import BASE, TaskWorld, build, make, official

# the "rõ" each key stands for (title and description are both "rõ việc")
SIX = ["assignee", "title", "description", "lead_agency", "due_at", "approver", "deliverable"]
EMPTY: dict[str, Any] = {
    "assignee": None,
    "title": "  ",
    "description": "",
    "lead_agency": None,
    "due_at": None,
    "approver": None,
    "deliverable": "",
}


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def _without(key: str) -> dict[str, Any]:
    body = dict(BASE)
    body.pop(key, None)
    if key == "due_at":
        body.pop("working_days")
    return body


# -- the six "rõ" ------------------------------------------------------------------------


@pytest.mark.parametrize("missing", SIX)
def test_service_names_the_missing_ro(tw: TaskWorld, missing: str) -> None:
    changes = {missing: EMPTY[missing]}
    if missing == "due_at":
        changes["working_days"] = None
    with pytest.raises(ValidationFailed) as caught:
        make(tw, **changes)
    assert caught.value.code == "task.incomplete"
    assert set(caught.value.fields) == {missing}
    assert Task.objects.count() == 0


def test_service_names_every_missing_ro_at_once(tw: TaskWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.task_create(actor=tw.tnmt_head, data=services.TaskData())
    assert caught.value.code == "task.incomplete"
    assert set(caught.value.fields) == set(SIX)


@pytest.mark.parametrize("missing", SIX)
def test_api_names_the_missing_ro(tw: TaskWorld, api: Callable[..., Any], missing: str) -> None:
    response = api("post", "/tasks", tw.tnmt_head, _without(missing))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "task.incomplete"
    assert set(error["fields"]) == {missing}
    assert error["fields"][missing][0]  # a human message for it
    assert Task.objects.count() == 0


def test_api_names_every_missing_ro(tw: TaskWorld, api: Callable[..., Any]) -> None:
    response = api("post", "/tasks", tw.tnmt_head, {})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "task.incomplete"
    assert set(error["fields"]) == set(SIX)


def test_api_blank_texts_count_as_missing(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BASE, "title": "   ", "description": "\n", "deliverable": " "}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "description", "deliverable"}


def test_api_unknown_people_and_agency_are_named(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BASE, "assignee": "ghost", "approver": "ghost2", "lead_agency": "XX"}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"assignee", "approver", "lead_agency"}


def test_api_creates_a_complete_task(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BASE, "coordinators": ["DL.UBND", "dl.motcua"], "source": "KH 12/KH-UBND"}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 201, response.content
    out = response.json()
    task = Task.objects.get()
    assert out["id"] == task.pk
    assert {k: out[k] for k in BASE if k != "working_days"} == {
        **{k: BASE[k] for k in BASE if k != "working_days"},
        "start": "2027-03-01T08:00:00+07:00",
    }
    # 5 working days after Monday 2027-03-01 (no holiday in March 2027): Monday 8th, 17:00
    assert out["due_at"] == "2027-03-08T17:00:00+07:00"
    assert out["original_due_at"] == out["due_at"]
    assert out["assigner"] == "dl.tnmt"
    assert out["coordinators"] == ["dl.motcua", "DL.UBND"]
    assert (out["status"], out["timeliness"], out["percent"], out["version"]) == (
        "assigned",
        "in_time",
        0,
        1,
    )
    assert out["source"] == "KH 12/KH-UBND"
    event = TaskEvent.objects.get()
    assert (event.seq, event.action, event.from_status, event.to_status) == (
        1,
        "assign",
        "",
        "assigned",
    )
    assert event.actor == tw.tnmt_head


# -- the due time from the working calendar --------------------------------------------


def _by_hand(start: datetime, days: int) -> datetime:
    """The Civil Code rule worked independently of the engine: skip weekends and the
    holidays the ``holidays`` package marks for Vietnam; a start outside office hours
    (07:00-11:30, 13:30-17:00) counts from the next office period."""
    public = holidays.country_holidays("VN", years=[start.year, start.year + 1])

    def working(d: date) -> bool:
        return d.weekday() < 5 and d not in public

    day = start.date()
    minutes = start.hour * 60 + start.minute
    if not working(day) or minutes >= 17 * 60:
        day += timedelta(days=1)
        while not working(day):
            day += timedelta(days=1)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if working(day):
            counted += 1
    return vn(day.year, day.month, day.day, 17)


def test_tet_2027_holidays_are_the_expected_days() -> None:
    tet = {d for d in holidays.country_holidays("VN", years=[2027]) if d.month == 2}
    assert tet == {date(2027, 2, d) for d in range(4, 11)}


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # SPEC §3's example: Wednesday before Tết, 10:00; Tết runs 4-10 February
        (vn(2027, 2, 3, 10), 5, vn(2027, 2, 17, 17)),
        # the same day after office hours: the clock starts Thursday 11th, after Tết
        (vn(2027, 2, 3, 18), 5, vn(2027, 2, 18, 17)),
        # started during Tết itself
        (vn(2027, 2, 8, 9), 1, vn(2027, 2, 12, 17)),
        # one working day from the last day before Tết
        (vn(2027, 2, 3, 16, 59), 1, vn(2027, 2, 11, 17)),
    ],
)
def test_working_days_cross_tet(tw: TaskWorld, start: datetime, days: int, due: datetime) -> None:
    assert _by_hand(start, days) == due
    task = make(tw, start=start, working_days=days)
    task.refresh_from_db()
    assert (task.start, task.due_at, task.original_due_at) == (start, due, due)


def test_api_working_days_across_tet(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**BASE, "start": "2027-02-03T10:00:00+07:00", "working_days": 5}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 201, response.content
    assert response.json()["due_at"] == "2027-02-17T17:00:00+07:00"


def test_api_explicit_due_time(tw: TaskWorld, api: Callable[..., Any]) -> None:
    body = {**_without("due_at"), "due_at": "2027-03-10T03:00:00Z"}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 201, response.content
    assert response.json()["due_at"] == "2027-03-10T10:00:00+07:00"
    assert Task.objects.get().due_at == vn(2027, 3, 10, 10)


@pytest.mark.parametrize("due", ["2027-03-01T08:00:00+07:00", "2027-02-28T17:00:00+07:00"])
def test_api_due_time_not_after_start_is_refused(
    tw: TaskWorld, api: Callable[..., Any], due: str
) -> None:
    body = {**_without("due_at"), "due_at": due}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "task.invalid"
    assert set(error["fields"]) == {"due_at"}
    assert Task.objects.count() == 0


def test_service_due_time_before_start_is_refused(tw: TaskWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(tw, working_days=None, due_at=vn(2027, 2, 28))
    assert set(caught.value.fields) == {"due_at"}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("due_at", "2027-03-10T10:00:00", "request.naive_time"),
        ("start", "yesterday", "request.bad_time"),
    ],
)
def test_api_bad_times(
    tw: TaskWorld, api: Callable[..., Any], field: str, value: str, code: str
) -> None:
    body = {**_without("due_at"), "due_at": "2027-03-10T10:00:00+07:00", field: value}
    response = api("post", "/tasks", tw.tnmt_head, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]["fields"]) == {field}


@pytest.mark.parametrize("days", [0, -1, 1001])
def test_api_working_days_out_of_range(tw: TaskWorld, api: Callable[..., Any], days: int) -> None:
    response = api("post", "/tasks", tw.tnmt_head, {**BASE, "working_days": days})
    assert response.status_code == 400
    assert "working_days" in str(response.json()["error"].get("fields", {}))


# -- who may assign ---------------------------------------------------------------------


def test_chairman_assigns_in_the_district(tw: TaskWorld) -> None:
    task = make(tw, actor=tw.w.dl_chutich)
    assert task.assigner == tw.w.dl_chutich


def test_province_chairman_assigns_to_a_district_division(tw: TaskWorld) -> None:
    boss = official("tinh.chutich", [(tw.w.ubnd_tinh, Role.CHAIRMAN)])
    assert make(tw, actor=boss).assigner == boss


@pytest.mark.parametrize("who", ["dl_tnmt_cv", "dl_admin", "dl_motcua", "tk_motcua", "nobody"])
def test_others_may_not_assign(tw: TaskWorld, who: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        make(tw, actor=getattr(tw.w, who))
    assert caught.value.code == "task.forbidden"
    assert Task.objects.count() == 0


def test_head_of_one_agency_may_not_assign_to_another(tw: TaskWorld) -> None:
    with pytest.raises(PermissionDenied):
        make(tw, lead_agency=tw.w.dl_ubnd, assignee=tw.w.dl_chutich)


def test_chairman_may_not_assign_in_another_district(tw: TaskWorld) -> None:
    tk_cv = official("tk.cv", [(tw.w.tk_ubnd, Role.HANDLING_OFFICIAL)])
    with pytest.raises(PermissionDenied):
        make(tw, actor=tw.w.dl_chutich, lead_agency=tw.w.tk_ubnd, assignee=tk_cv)


def test_api_handling_official_gets_403(tw: TaskWorld, api: Callable[..., Any]) -> None:
    response = api("post", "/tasks", tw.w.dl_tnmt_cv, BASE)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "task.forbidden"


def test_api_responsible_official_must_work_in_the_lead_agency(
    tw: TaskWorld, api: Callable[..., Any]
) -> None:
    response = api("post", "/tasks", tw.tnmt_head, {**BASE, "assignee": "dl.motcua"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "task.invalid"
    assert set(error["fields"]) == {"assignee"}
    assert Task.objects.count() == 0


def test_api_without_token_is_401(tw: TaskWorld, api: Callable[..., Any]) -> None:
    assert api("post", "/tasks", None, BASE).status_code == 401
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"start": vn(2300, 1, 1, 8)},
        {"working_days": None, "due_at": vn(2300, 1, 1, 8)},
        {"start": vn(1900, 1, 1, 8)},
    ],
)
def test_times_the_working_calendar_cannot_answer_are_refused(tw, changes):
    """A due time in 9999 was accepted and then broke every page and list showing it."""
    from motcua.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        make(tw, **changes)
    assert set(raised.value.fields) <= {"start", "due_at"}
    assert not Task.objects.exists()


@pytest.mark.parametrize("kind", ["programme", "remedy_plan", "broadcast"])
def test_a_task_cannot_claim_a_plan_or_a_broadcast_it_is_not_part_of(tw, kind):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        make(tw, source_kind=kind, source="plan:1")
    assert caught.value.fields == {
        "source_kind": ["A programme's or a plan's tasks are added on the plan."]
    }
    assert Task.objects.count() == 0
    assert TaskEvent.objects.count() == 0


def test_another_area_gives_a_task_with_its_own_source_and_finds_it_again(tw):
    task = make(tw, source_kind="inspection", source="recommendation:7")
    found = selectors.tasks_of_source(source_kind="inspection", source="recommendation:7")
    assert list(found) == [task]
    assert not selectors.tasks_of_source(source_kind="inspection", source="recommendation:8")
