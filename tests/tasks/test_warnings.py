"""Task deadline warnings (tasks/warnings.py, issue 5): at 80 % of the allotted working time,
with one working day left, and past due, to the responsible official and the assigner (and
on breach the lead agency's head), each once per due time. Times are worked out by hand
from the default calendar (07:00-11:30, 13:30-17:00, Monday to Friday; March 2027 has no
holiday).

The task of ``tests.tasks.world.make`` starts Mon 1 March 2027 08:00 with 5 working days:
due Mon 8 March 17:00; allotted from the start: 7 h on Monday + 5 days of 8 h = 47 h."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from motcua.notifications.models import Notification
from motcua.tasks import services
from motcua.tasks.models import Task, TaskStatus, TaskWarning
from motcua.tasks.selectors import engine_of
from motcua.tasks.warnings import task_warnings
from tests.dossiers.world import vn
from tests.tasks.world import BASE, TaskWorld, build, make

HOUR = 3600
DUE = vn(2027, 3, 8, 17)


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def act(task: Task, actor: Any, action: str, at: datetime, **payload: Any) -> Task:
    return services.task_act(task=task, actor=actor, action=action, payload=payload, at=at)


def warnings_of(task: Task) -> list[tuple[str, datetime, list[str]]]:
    return [
        (w.kind, w.due_at, w.recipients)
        for w in TaskWarning.objects.filter(task=task).order_by("pk")
    ]


def told(task: Task) -> list[tuple[str, str, str]]:
    return list(
        Notification.objects.filter(topic=f"task-warning:{task.pk}")
        .order_by("pk")
        .values_list("official__username", "subject", "body")
    )


def message(kind: str, due: str, left_hours: float) -> tuple[str, str]:
    subject = {
        "eighty": _("Task at 80 %% of its time: %(title)s"),
        "one_day": _("Task with one working day left: %(title)s"),
        "breach": _("Task overdue: %(title)s"),
    }[kind] % {"title": BASE["title"]}
    if left_hours < 0:
        left = _("overdue by %(h).1f working hours") % {"h": -left_hours}
    else:
        left = _("%(h).1f working hours left") % {"h": left_hours}
    body = _('The task "%(title)s" of %(agency)s is due %(due)s (%(left)s).') % {
        "title": BASE["title"],
        "agency": "Phòng Tài nguyên và Môi trường",
        "due": due,
        "left": left,
    }
    return subject, body


def test_each_warning_at_its_moment_once_to_the_right_people(tw: TaskWorld) -> None:
    w = tw.w
    # assigned by the district's chairman: the land division's head hears only of a breach
    task = make(tw, actor=w.dl_chutich)
    assert (task.due_at, task.assigner) == (DUE, w.dl_chutich)
    assert w.dl_tnmt.name == "Phòng Tài nguyên và Môi trường"
    engine = engine_of(task)
    assert engine.working_seconds_between(task.start, task.due_at) == 47 * HOUR
    pair = ["dl.chutich", "dl.tnmt.cv"]
    # Fri 5 March 15:30: 9.5 h left of 47 (79.8 % used): nothing yet
    run = task_warnings(now=vn(2027, 3, 5, 15, 30))
    assert (run.checked, run.sent) == (1, None)
    # 15:36: 9.4 h left, 80 % used
    run = task_warnings(now=vn(2027, 3, 5, 15, 36))
    assert (run.checked, run.sent) == (1, {"eighty": 1})
    assert warnings_of(task) == [("eighty", DUE, pair)]
    eighty = message("eighty", "17:00 08/03/2027", 9.4)
    assert told(task) == [("dl.tnmt.cv", *eighty), ("dl.chutich", *eighty)]
    # run again a minute later: nothing new
    assert task_warnings(now=vn(2027, 3, 5, 15, 37)).sent is None
    # Fri 17:00: 8 h (one working day) left
    assert task_warnings(now=vn(2027, 3, 5, 17)).sent == {"one_day": 1}
    one_day = message("one_day", "17:00 08/03/2027", 8)
    assert told(task)[2:] == [("dl.tnmt.cv", *one_day), ("dl.chutich", *one_day)]
    # at the exact due moment the task is not overdue yet
    assert task_warnings(now=DUE).sent is None
    # Tue 9 March 07:30: half an hour overdue; the head of the lead agency is told too
    assert task_warnings(now=vn(2027, 3, 9, 7, 30)).sent == {"breach": 1}
    breach = message("breach", "17:00 08/03/2027", -0.5)
    assert told(task)[4:] == [
        ("dl.tnmt.cv", *breach),
        ("dl.chutich", *breach),
        ("dl.tnmt", *breach),
    ]
    assert warnings_of(task) == [
        ("eighty", DUE, pair),
        ("one_day", DUE, pair),
        ("breach", DUE, ["dl.chutich", "dl.tnmt", "dl.tnmt.cv"]),
    ]
    assert task_warnings(now=vn(2027, 3, 10, 9)).sent is None
    assert Notification.objects.filter(topic=f"task-warning:{task.pk}").count() == 7


def test_the_assigner_who_heads_the_agency_is_told_once(tw: TaskWorld) -> None:
    task = make(tw)  # assigned by the land division's head
    assert task_warnings(now=vn(2027, 3, 9, 9)).sent == {"breach": 1}
    assert warnings_of(task) == [("breach", DUE, ["dl.tnmt", "dl.tnmt.cv"])]
    assert [u for u, _s, _b in told(task)] == ["dl.tnmt.cv", "dl.tnmt"]


def test_a_late_run_sends_only_the_most_urgent_warning(tw: TaskWorld) -> None:
    task = make(tw)
    assert task_warnings(now=vn(2027, 3, 5, 17)).sent == {"one_day": 1}
    assert task_warnings(now=vn(2027, 3, 9, 9)).sent == {"breach": 1}
    assert [k for k, _d, _r in warnings_of(task)] == ["one_day", "breach"]


def test_a_task_of_less_than_a_day_has_no_one_day_warning(tw: TaskWorld) -> None:
    # Mon 1 March 08:00 to 16:00: 6 office hours
    task = make(tw, working_days=None, due_at=vn(2027, 3, 1, 16))
    # 14:00: 2 h left (one day or less), 4 h of 6 used (66.7 %): nothing
    assert task_warnings(now=vn(2027, 3, 1, 14)).sent is None
    # 15:00: 5 h of 6 used (83 %)
    assert task_warnings(now=vn(2027, 3, 1, 15)).sent == {"eighty": 1}
    assert task_warnings(now=vn(2027, 3, 1, 16, 1)).sent == {"breach": 1}
    assert [k for k, _d, _r in warnings_of(task)] == ["eighty", "breach"]


def test_a_granted_extension_re_arms_the_warnings(tw: TaskWorld) -> None:
    task = make(tw)
    task_warnings(now=vn(2027, 3, 5, 15, 36))
    task_warnings(now=vn(2027, 3, 5, 17))
    task_warnings(now=vn(2027, 3, 9, 9))
    # asked by the responsible official, granted by the assigner: due Fri 19 March 17:00
    new_due = vn(2027, 3, 19, 17)
    act(
        task,
        tw.w.dl_tnmt_cv,
        "extend",
        vn(2027, 3, 9, 9, 30),
        reason="Chờ ý kiến sở",
        new_due_at=new_due,
    )
    task = act(task, tw.tnmt_head, "decide_extension", vn(2027, 3, 9, 10), granted=True)
    assert task.due_at == new_due
    # allotted now 47 h + 9 days of 8 h = 119 h; Wed 10 March 09:00: 62 h left (48 % used)
    assert engine_of(task).working_seconds_between(task.start, new_due) == 119 * HOUR
    assert task_warnings(now=vn(2027, 3, 10, 9)).sent is None
    # Wed 17 March 09:00: 22 h left (81.5 % used)
    assert task_warnings(now=vn(2027, 3, 17, 9)).sent == {"eighty": 1}
    assert task_warnings(now=vn(2027, 3, 18, 17)).sent == {"one_day": 1}
    assert task_warnings(now=vn(2027, 3, 22, 8)).sent == {"breach": 1}
    pair = ["dl.tnmt", "dl.tnmt.cv"]  # the assigner heads the lead agency: told once
    assert warnings_of(task) == [
        ("eighty", DUE, pair),
        ("one_day", DUE, pair),
        ("breach", DUE, pair),
        ("eighty", new_due, pair),
        ("one_day", new_due, pair),
        ("breach", new_due, pair),
    ]
    subject, body = message("breach", "17:00 19/03/2027", -1)
    assert told(task)[-1] == ("dl.tnmt", subject, body)


def test_submitted_approved_and_cancelled_tasks_are_not_warned(tw: TaskWorld) -> None:
    w = tw.w
    submitted, approved, cancelled, returned = (make(tw) for _i in range(4))
    for task in (submitted, approved, returned):
        act(task, w.dl_tnmt_cv, "submit", vn(2027, 3, 2, 9), deliverable="QĐ số 5")
    act(approved, w.dl_chutich, "approve", vn(2027, 3, 3, 9))
    act(returned, w.dl_chutich, "return", vn(2027, 3, 3, 9), note="Bổ sung căn cứ")
    act(cancelled, tw.tnmt_head, "cancel", vn(2027, 3, 3, 9), reason="Không còn cần")
    statuses = set(Task.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "approved", "returned", "cancelled"}
    run = task_warnings(now=vn(2027, 3, 9, 9))
    assert (run.checked, run.sent) == (1, {"breach": 1})
    assert list(TaskWarning.objects.values_list("task_id", "kind")) == [(returned.pk, "breach")]
    # a returned task in progress again is still warned, once
    act(returned, w.dl_tnmt_cv, "progress", vn(2027, 3, 9, 10), percent=50)
    assert Task.objects.get(pk=returned.pk).status == TaskStatus.IN_PROGRESS
    assert task_warnings(now=vn(2027, 3, 9, 11)).sent is None


def test_queries_do_not_grow_with_the_number_of_tasks(tw: TaskWorld) -> None:
    def selects(now: datetime) -> tuple[int, dict[str, int] | None]:
        with CaptureQueriesContext(connection) as captured:
            run = task_warnings(now=now)
        reads = [
            q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
        ]
        return len(reads), run.sent

    make(tw)
    selects(vn(2027, 3, 2, 9))  # warms the calendar cache
    quiet_one, sent = selects(vn(2027, 3, 2, 9))
    assert sent is None
    for _i in range(4):
        make(tw)
    assert selects(vn(2027, 3, 2, 9)) == (quiet_one, None)
    assert quiet_one <= 3
    # five breaches at once: the head is looked up once, whatever the number of tasks
    many, sent = selects(vn(2027, 3, 9, 9))
    assert sent == {"breach": 5}
    make(tw)
    TaskWarning.objects.all().delete()
    assert selects(vn(2027, 3, 9, 9)) == (many, {"breach": 6})
    assert many <= quiet_one + 2


def test_the_task_warnings_command_prints_what_it_checked_and_sent(tw: TaskWorld) -> None:
    out = io.StringIO()
    call_command("task_warnings", stdout=out)
    assert out.getvalue() == "checked 0 open tasks; warnings sent: none\n"
    # started long ago: overdue now
    task = make(tw, start=vn(2026, 3, 2, 8), at=vn(2026, 3, 2, 8))
    out = io.StringIO()
    call_command("task_warnings", stdout=out)
    assert out.getvalue() == "checked 1 open tasks; warnings sent: breach 1\n"
    assert [k for k, _d, _r in warnings_of(task)] == ["breach"]
    out = io.StringIO()
    call_command("task_warnings", stdout=out)
    assert out.getvalue() == "checked 1 open tasks; warnings sent: none\n"
