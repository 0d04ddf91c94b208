"""Task endpoints (API.md, Tasks): the six "rõ", broadcast, actions, reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from motcua.api import lookups
from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.timeparse import parse_stored_time
from motcua.core.errors import NotFound, ValidationFailed
from motcua.org.models import Agency, Official, UnitLevel
from motcua.tasks import selectors, services
from motcua.tasks.models import OPEN_STATUSES, Broadcast, Task, TaskStatus
from motcua.workcalendar.engine import WorkingTime

router = Router(tags=["tasks"], auth=AUTH)


class TaskFields(Schema):
    title: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=5000)
    lead_agency: str | None = Field(default=None, max_length=40)
    coordinators: list[str] = Field(default=[], max_length=50)
    approver: str | None = Field(default=None, max_length=150)
    start: str | None = Field(default=None, max_length=40)
    due_at: str | None = Field(default=None, max_length=40)
    working_days: int | None = Field(default=None, ge=1, le=1000)
    deliverable: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=300)
    source_kind: str = Field(default="direct", max_length=15)


class TaskIn(TaskFields):
    assignee: str | None = Field(default=None, max_length=150)


class BroadcastIn(TaskFields):
    level: str | None = Field(default=None, max_length=32)
    agencies: list[str] = Field(default=[], max_length=2000)
    unit: str | None = Field(default=None, max_length=40)


class ActionIn(Schema):
    action: str = Field(max_length=30)
    expected_version: int | None = None
    percent: int | None = None
    note: str | None = Field(default=None, max_length=5000)
    deliverable: str | None = Field(default=None, max_length=5000)
    new_due_at: str | None = Field(default=None, max_length=40)
    reason: str | None = Field(default=None, max_length=5000)
    granted: bool | None = None


def _time(value: str | None, field: str) -> datetime | None:
    return None if value is None else parse_stored_time(value, field)


def _data(payload: TaskFields, assignee: str | None) -> services.TaskData:
    errors: dict[str, list[str]] = {}
    officials, agencies = [], []
    for i, name in enumerate(payload.coordinators):
        # a coordinator is an agency code or an official's username
        agency = Agency.objects.filter(code=name).first()
        if agency is not None:
            agencies.append(agency)
            continue
        official = Official.objects.filter(username=name, is_active=True).first()
        if official is None:
            errors[f"coordinators.{i}"] = [_("Neither an agency nor an official.")]
        else:
            officials.append(official)
    data = services.TaskData(
        title=payload.title,
        description=payload.description,
        assignee=lookups.official(assignee, "assignee", errors),
        lead_agency=lookups.agency(payload.lead_agency, "lead_agency", errors),
        approver=lookups.official(payload.approver, "approver", errors),
        start=_time(payload.start, "start"),
        due_at=_time(payload.due_at, "due_at"),
        working_days=payload.working_days,
        deliverable=payload.deliverable,
        coordinating_officials=officials,
        coordinating_agencies=agencies,
        source_kind=payload.source_kind,
        source=payload.source,
    )
    if errors:
        raise ValidationFailed("task.invalid", _("The task is invalid."), fields=errors)
    return data


def task_out(task: Task, *, engine: WorkingTime | None = None) -> dict[str, Any]:
    timeliness = selectors.task_timeliness(task, engine=engine)
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "assignee": task.assignee.username,
        "lead_agency": task.lead_agency.code,
        "assigner": task.assigner.username,
        "approver": task.approver.username,
        "coordinators": [o.username for o in task.coordinating_officials.all()]
        + [a.code for a in task.coordinating_agencies.all()],
        "start": timezone.localtime(task.start),
        "due_at": timezone.localtime(task.due_at),
        "original_due_at": timezone.localtime(task.original_due_at),
        "deliverable": task.deliverable,
        "source_kind": task.source_kind,
        "source": task.source,
        "broadcast": task.broadcast_id,
        "status": task.status,
        "timeliness": timeliness.value if timeliness else None,
        "percent": task.percent,
        "done_at": timezone.localtime(task.finished_at) if task.finished_at else None,
        "version": task.revision,
    }


def _shown(official: Official, pk: int) -> dict[str, Any]:
    task = selectors.task_visible_or_404(official=official, pk=pk)
    return task_out(task)


@router.post("/tasks", response={201: dict[str, Any]}, summary="Assign a task (the six 'rõ')")
def task_create(request: HttpRequest, payload: TaskIn) -> Status[dict[str, Any]]:
    official = actor(request)
    task = services.task_create(actor=official, data=_data(payload, payload.assignee))
    return Status(201, _shown(official, task.pk))


@router.post(
    "/tasks/broadcast", response={201: dict[str, Any]}, summary="One task to many agencies"
)
def task_broadcast(request: HttpRequest, payload: BroadcastIn) -> Status[dict[str, Any]]:
    official = actor(request)
    data = _data(payload, None)
    if payload.level:
        level = UnitLevel.objects.filter(code=payload.level).first()
        if level is None:
            raise ValidationFailed(
                "task.invalid", _("Unknown level."), fields={"level": [_("Unknown level.")]}
            )
        rows = Agency.objects.select_related("unit").filter(unit__level=level)
        if payload.unit:
            scope = Agency.objects.filter(unit__code=payload.unit).values("unit__path")[:1]
            rows = rows.filter(unit__path__startswith=scope)
        # every agency of that level the actor may assign to (a chairman's units)
        agencies = [
            a
            for a in rows.exclude(kind="one_stop").order_by("unit__path", "code")
            if services.may_assign(official=official, agency=a)
        ]
    else:
        errors: dict[str, list[str]] = {}
        agencies = []
        for i, code in enumerate(payload.agencies):
            found = lookups.agency(code, f"agencies.{i}", errors)
            if found is not None:
                agencies.append(found)
        if errors:
            raise ValidationFailed("task.invalid", _("Unknown agencies."), fields=errors)
    broadcast = services.task_broadcast(actor=official, agencies=agencies, data=data)
    ids = list(broadcast.tasks.order_by("pk").values_list("pk", flat=True))
    return Status(201, {"id": broadcast.pk, "count": len(ids), "ids": ids})


@router.get("/tasks/broadcast/{broadcast_id}", summary="How many agencies have done it")
def broadcast_detail(request: HttpRequest, broadcast_id: int) -> dict[str, Any]:
    official = actor(request)
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first() if broadcast_id > 0 else None
    visible = selectors.tasks_visible(official=official)
    if broadcast is None or not (
        broadcast.assigner_id == official.pk or visible.filter(broadcast=broadcast).exists()
    ):
        raise NotFound("task.not_found", _("Unknown broadcast task."))
    progress = selectors.broadcast_progress(broadcast=broadcast)
    return {
        "id": broadcast.pk,
        "title": broadcast.title,
        "count": progress.count,
        "done": progress.done,
        "done_rate": progress.done_rate,
        "not_done": [
            {
                "id": t.pk,
                "agency": t.lead_agency.code,
                "assignee": t.assignee.username,
                "status": t.status,
            }
            for t in progress.not_done
        ],
    }


@router.get("/tasks", summary="Tasks you may see")
def tasks_list(
    request: HttpRequest,
    assignee: str | None = Query(None, max_length=150),
    agency: str | None = Query(None, max_length=40),
    timeliness: str | None = Query(None, max_length=10),
    status: str | None = Query(None, max_length=12),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    official = actor(request)
    rows = selectors.tasks_visible(official=official).prefetch_related(
        "coordinating_officials", "coordinating_agencies"
    )
    if assignee:
        rows = rows.filter(assignee__username=assignee)
    if agency:
        rows = rows.filter(lead_agency__code=agency)
    if status:
        rows = rows.filter(status=status)
    if timeliness:
        rows = _by_timeliness(rows, timeliness)
    engines: dict[int, WorkingTime] = {}

    def serialize(task: Task) -> dict[str, Any]:
        # the working calendar is read once per lead agency's unit, not once per row
        unit_id = task.lead_agency.unit_id
        if unit_id not in engines:
            engines[unit_id] = selectors.engine_of(task)
        return task_out(task, engine=engines[unit_id])

    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=serialize)


def _by_timeliness(rows: Any, timeliness: str) -> Any:
    now = timezone.now()
    if timeliness == "in_time":
        return rows.filter(status__in=OPEN_STATUSES, due_at__gte=now)
    if timeliness == "overdue":
        return rows.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if timeliness == "late":
        return rows.filter(status=TaskStatus.APPROVED, finished_at__gt=F("due_at"))
    if timeliness in {"early", "on_time"}:
        tz = timezone.get_current_timezone()
        done = rows.filter(status=TaskStatus.APPROVED, finished_at__lte=F("due_at")).annotate(
            done_day=TruncDate("finished_at", tzinfo=tz), due_day=TruncDate("due_at", tzinfo=tz)
        )
        if timeliness == "early":
            return done.filter(done_day__lt=F("due_day"))
        return done.filter(done_day=F("due_day"))
    raise ValidationFailed(
        "request.invalid",
        _("Unknown timeliness."),
        fields={"timeliness": ["early, on_time, late, in_time, overdue"]},
    )


@router.get("/tasks/{task_id}", summary="A task")
def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    if not 0 < task_id < 2**63:
        raise NotFound("task.not_found", _("Unknown task."))
    return _shown(actor(request), task_id)


@router.get("/tasks/{task_id}/events", summary="A task's history")
def task_events(request: HttpRequest, task_id: int) -> list[dict[str, Any]]:
    if not 0 < task_id < 2**63:
        raise NotFound("task.not_found", _("Unknown task."))
    task = selectors.task_visible_or_404(official=actor(request), pk=task_id)
    return [
        {
            "seq": e.seq,
            "at": timezone.localtime(e.at),
            "actor": e.actor.username,
            "action": e.action,
            "from_status": e.from_status or None,
            "to_status": e.to_status,
            "data": e.data,
        }
        for e in task.events.select_related("actor").order_by("seq")
    ]


@router.post("/tasks/{task_id}/actions", summary="Act on a task")
def task_action(request: HttpRequest, task_id: int, payload: ActionIn) -> dict[str, Any]:
    official = actor(request)
    if not 0 < task_id < 2**63:
        raise NotFound("task.not_found", _("Unknown task."))
    task = selectors.task_visible_or_404(official=official, pk=task_id)
    data = payload.dict(exclude_none=True)
    if payload.new_due_at is not None:
        data["new_due_at"] = _time(payload.new_due_at, "new_due_at")
    services.task_act(
        task=task,
        actor=official,
        action=payload.action,
        payload=data,
        expected_version=payload.expected_version,
    )
    return _shown(official, task_id)
