"""Reads of tasks: what an official may see, timeliness, a broadcast's progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.tasks.models import OPEN_STATUSES, Broadcast, Plan, PlanItem, Task, TaskStatus
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


def tasks_of_source(*, source_kind: str, source: str) -> QuerySet[Task]:
    """The tasks another area created (``TaskData.source_kind`` and ``source``): the hook by
    which a programme, a remedy plan, an inspection recommendation or a legal-document
    review finds the tasks it gave and follows them."""
    return Task.objects.filter(source_kind=source_kind, source=source).select_related(
        "assignee", "lead_agency__unit"
    )


def plans_visible(*, official: Official) -> QuerySet[Plan]:
    """Plans of the units the official's roles reach, and those they issued."""
    rows = Plan.objects.select_related("unit", "owner")
    if official.is_superuser:
        return rows
    reached = org_selectors.units_reached(official=official)
    return rows.filter(Q(unit__in=reached.values("pk")) | Q(owner=official))


def plan_visible_or_404(*, official: Official, pk: int) -> Plan:
    found = plans_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("plan.not_found", _("Unknown plan %(id)s.") % {"id": pk})
    return found


@dataclass(frozen=True)
class PlanRow:
    item: PlanItem
    task: Task
    timeliness: Timeliness | None
    # the share of the item that counts as done: the task's percentage, 100 once approved
    progress: int
    # whether the viewer may see the task itself (its page, its description, its people);
    # a plan's items all count in its progress, whoever looks
    visible: bool = True


@dataclass(frozen=True)
class PlanProgress:
    rows: list[PlanRow]
    # weights of the items that count (a cancelled task's item does not)
    weight: int
    # Σ weight × progress / Σ weight, in percent; None when no item counts
    progress: float | None
    # the weighted share of items approved (done), in percent
    done: float | None
    by_timeliness: dict[str, int]


def plan_progress(
    *, plan: Plan, now: datetime | None = None, official: Official | None = None
) -> PlanProgress:
    """The plan's items with their tasks, and the weighted roll-up: one query, and one per
    unit whose calendar judges the tasks. With ``official``, each row says whether they may
    see its task (one more query)."""
    at = now or timezone.now()
    items = list(
        PlanItem.objects.filter(plan=plan)
        .select_related("task__assignee", "task__lead_agency__unit")
        .order_by("task__due_at", "pk")
    )
    shown: set[int] | None = None
    if official is not None:
        shown = set(
            tasks_visible(official=official)
            .filter(pk__in=[i.task_id for i in items])
            .values_list("pk", flat=True)
        )
    engines: dict[int, WorkingTime] = {}
    rows: list[PlanRow] = []
    counts: dict[str, int] = {}
    weight = weighted = weighted_done = 0
    for item in items:
        task = item.task
        unit_id = task.lead_agency.unit_id
        if unit_id not in engines:
            engines[unit_id] = engine_of(task)
        timeliness = task_timeliness(task, now=at, engine=engines[unit_id])
        progress = 100 if task.status == TaskStatus.APPROVED else task.percent
        rows.append(
            PlanRow(
                item=item,
                task=task,
                timeliness=timeliness,
                progress=progress,
                visible=shown is None or task.pk in shown,
            )
        )
        if task.status == TaskStatus.CANCELLED:
            continue
        weight += item.weight
        weighted += item.weight * progress
        weighted_done += item.weight * 100 if task.status == TaskStatus.APPROVED else 0
        if timeliness is not None:
            counts[timeliness.value] = counts.get(timeliness.value, 0) + 1
    return PlanProgress(
        rows=rows,
        weight=weight,
        progress=weighted / weight if weight else None,
        done=weighted_done / weight if weight else None,
        by_timeliness=counts,
    )


@dataclass(frozen=True)
class PlanRollup:
    items: int
    weight: int
    progress: float | None
    done: float | None


def plans_rollup(*, plans: Sequence[Plan]) -> dict[int, PlanRollup]:
    """``plan_progress``'s roll-up (Σ weight × progress / Σ weight over the items whose task
    is not cancelled, an approved task counting 100) for many plans in one grouped query,
    keyed by plan id; a plan without items is absent."""
    counted = ~Q(task__status=TaskStatus.CANCELLED)
    approved = Q(task__status=TaskStatus.APPROVED)
    rows = (
        PlanItem.objects.filter(plan__in=[p.pk for p in plans])
        .values("plan_id")
        .annotate(
            items=Count("pk"),
            counted_weight=Sum("weight", filter=counted),
            weighted=Sum(
                F("weight")
                * Case(
                    When(approved, then=Value(100)),
                    default=F("task__percent"),
                    output_field=IntegerField(),
                ),
                filter=counted,
                output_field=IntegerField(),
            ),
            weighted_done=Sum(
                Case(
                    When(approved, then=F("weight") * Value(100)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                filter=counted,
            ),
        )
        .order_by()
    )
    result: dict[int, PlanRollup] = {}
    for row in rows:
        weight = row["counted_weight"] or 0
        result[row["plan_id"]] = PlanRollup(
            items=row["items"],
            weight=weight,
            progress=(row["weighted"] or 0) / weight if weight else None,
            done=(row["weighted_done"] or 0) / weight if weight else None,
        )
    return result
