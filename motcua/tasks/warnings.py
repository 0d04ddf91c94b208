"""Deadline warnings for tasks (issue 5), as for dossiers: at 80 % of the allotted working
time, when one working day is left (for tasks longer than a day) and past the due time, the
responsible official and the assigner are warned, and on breach the lead agency's head too.
Times are worked in the lead agency's working calendar. Each warning is sent once per task,
kind and due time (a unique row), so the command can run every few minutes from several
machines, and a granted extension, which moves the due time, re-arms the warnings.

A task submitted for approval waits for its approver and is not warned; assigned, in
progress and returned tasks are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import WarningKind
from motcua.notifications.services import notify_official
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.tasks import selectors
from motcua.tasks.models import Task, TaskStatus, TaskWarning
from motcua.workcalendar.engine import WorkingTime

WARNED = [TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED]


@dataclass
class TaskWarningRun:
    checked: int = 0
    sent: dict[str, int] | None = None

    def count(self, kind: str) -> None:
        self.sent = self.sent or {}
        self.sent[kind] = self.sent.get(kind, 0) + 1


def warning_kind(
    allotted: int, remaining: int, day_seconds: int, *, overdue: bool
) -> WarningKind | None:
    """The most urgent warning due: breach once the due time has passed; one working day
    left (only for tasks longer than a working day); 80 % of the allotted time used."""
    if overdue:
        return WarningKind.BREACH
    if allotted > day_seconds and remaining <= day_seconds:
        return WarningKind.ONE_DAY
    if allotted > 0 and (allotted - remaining) >= 0.8 * allotted:
        return WarningKind.EIGHTY
    return None


def task_warnings(*, now: datetime | None = None) -> TaskWarningRun:
    """Warn for every assigned, in-progress or returned task. Reads a fixed number of
    queries whatever the number of tasks (one engine per administrative unit, cached by
    the calendar selectors); a warning sent costs its writes and, on breach, the lookup
    of the lead agency's head (once per agency in a run)."""
    now = now or timezone.now()
    run = TaskWarningRun()
    engines: dict[int, WorkingTime] = {}
    heads: dict[int, Official | None] = {}
    tasks = (
        Task.objects.filter(status__in=WARNED)
        .select_related("lead_agency__unit", "assignee", "assigner")
        .order_by("pk")
    )
    for task in tasks.iterator(chunk_size=500):
        run.checked += 1
        unit_id = task.lead_agency.unit_id
        engine = engines.get(unit_id)
        if engine is None:
            engine = engines[unit_id] = selectors.engine_of(task)
        kind = warning_kind(
            engine.working_seconds_between(task.start, task.due_at),
            engine.remaining_seconds(task.due_at, now),
            engine.day_seconds,
            overdue=now > task.due_at,
        )
        if kind is None:
            continue
        people = [task.assignee, task.assigner]
        if kind == WarningKind.BREACH:
            agency = task.lead_agency
            if agency.pk not in heads:
                heads[agency.pk] = org_selectors.agency_head(agency=agency, at=now)
            head = heads[agency.pk]
            if head is not None:
                people.append(head)
        _warn(run, task, kind, people, engine, now)
    return run


def _record(task: Task, kind: WarningKind, at: datetime, people: list[str]) -> bool:
    try:
        with transaction.atomic():
            TaskWarning.objects.create(
                task=task, kind=kind, due_at=task.due_at, at=at, recipients=people
            )
    except IntegrityError:
        return False  # sent before (by an earlier run or another machine)
    return True


def _left(engine: WorkingTime, due: datetime, now: datetime) -> str:
    seconds = engine.remaining_seconds(due, now)
    hours = abs(seconds) / 3600
    if seconds < 0:
        return _("overdue by %(h).1f working hours") % {"h": hours}
    return _("%(h).1f working hours left") % {"h": hours}


def _warn(
    run: TaskWarningRun,
    task: Task,
    kind: WarningKind,
    people: list[Official],
    engine: WorkingTime,
    now: datetime,
) -> None:
    # each person once, in the order given; officials no longer active are not told
    told = list({o.pk: o for o in people if o.is_active}.values())
    if not _record(task, kind, now, sorted(o.username for o in told)):
        return
    run.count(kind)
    subject = {
        WarningKind.EIGHTY: _("Task at 80 %% of its time: %(title)s"),
        WarningKind.ONE_DAY: _("Task with one working day left: %(title)s"),
        WarningKind.BREACH: _("Task overdue: %(title)s"),
    }[kind] % {"title": task.title}
    body = _('The task "%(title)s" of %(agency)s is due %(due)s (%(left)s).') % {
        "title": task.title,
        "agency": task.lead_agency.name,
        "due": timezone.localtime(task.due_at).strftime("%H:%M %d/%m/%Y"),
        "left": _left(engine, task.due_at, now),
    }
    for official in told:
        notify_official(official, subject=subject, body=body, topic=f"task-warning:{task.pk}")
