"""Reads of tasks: what an official may see, timeliness, a broadcast's progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.tasks.models import OPEN_STATUSES, Broadcast, Task, TaskStatus
from motcua.workcalendar.engine import Timeliness, WorkingTime


def tasks_visible(*, official: Official) -> QuerySet[Task]:
    """Tasks of the agencies the official may see (lead or coordinating), and those they
    are responsible for, assigned, approve or coordinate."""
    agencies = org_selectors.agencies_visible(official=official)
    coordinated = Task.coordinating_agencies.through.objects.filter(
        task_id=OuterRef("pk"), agency_id__in=agencies.values("pk")
    )
    mine = (
        Q(assignee=official)
        | Q(assigner=official)
        | Q(approver=official)
        | Q(coordinating_officials=official)
    )
    if official.is_superuser:
        rows = Task.objects.all()
    else:
        rows = Task.objects.filter(
            Q(lead_agency__in=agencies.values("pk")) | Exists(coordinated) | mine
        ).distinct()
    return rows.select_related("assignee", "assigner", "approver", "lead_agency__unit")


def task_visible_or_404(*, official: Official, pk: int) -> Task:
    found = tasks_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("task.not_found", _("Unknown task %(id)s.") % {"id": pk})
    return found


def engine_of(task: Task) -> WorkingTime:
    return org_selectors.working_time_for_unit(unit=task.lead_agency.unit)


def task_timeliness(
    task: Task, *, now: datetime | None = None, engine: WorkingTime | None = None
) -> Timeliness | None:
    """Early / on time / late once approved (judged on the approved submission's time
    against the due time, extensions included); in time / overdue while open; None when
    cancelled."""
    engine = engine or engine_of(task)
    if task.status == TaskStatus.APPROVED and task.finished_at is not None:
        return engine.classify(task.due_at, finished_at=task.finished_at)
    if task.status in OPEN_STATUSES:
        return engine.classify(task.due_at, now=now or timezone.now())
    return None


@dataclass(frozen=True)
class BroadcastProgress:
    count: int
    done: int
    not_done: list[Task]

    @property
    def done_rate(self) -> float | None:
        return self.done / self.count if self.count else None


def broadcast_progress(*, broadcast: Broadcast) -> BroadcastProgress:
    tasks = list(broadcast.tasks.select_related("lead_agency", "assignee").order_by("pk"))
    done = [t for t in tasks if t.status == TaskStatus.APPROVED]
    return BroadcastProgress(
        count=len(tasks),
        done=len(done),
        not_done=[t for t in tasks if t.status != TaskStatus.APPROVED],
    )
