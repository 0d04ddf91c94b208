"""Plan endpoints (docs/api-plans.md): work programmes and remedy plans, their items (each
a task with the six "rõ") and the weighted roll-up of their progress."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictInt

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.routers.tasks import TaskIn, _data, task_out
from motcua.core.errors import NotFound, ValidationFailed
from motcua.org.models import AdministrativeUnit
from motcua.tasks import selectors, services
from motcua.tasks.models import Plan, PlanKind
from motcua.workcalendar.engine import WorkingTime

router = Router(tags=["plans"], auth=AUTH)

MAX_ID = 2**63 - 1


class PlanIn(Schema):
    kind: str = Field(default="", max_length=15)
    unit: str | None = Field(default=None, max_length=40)
    year: int | None = None
    title: str = Field(default="", max_length=300)
    basis: str = Field(default="", max_length=5000)


class PlanItemIn(TaskIn):
    # a whole number (not true, "3" or 2.5); its range (1 to 100) is the service's, which
    # names a weight outside it together with every missing "rõ"
    weight: StrictInt | None = None


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "kind": plan.kind,
        "unit": plan.unit.code,
        "year": plan.year,
        "title": plan.title,
        "basis": plan.basis,
        "owner": plan.owner.username,
        "created_at": timezone.localtime(plan.created_at),
    }


def _visible(official: Any, plan_id: int) -> Plan:
    if not 0 < plan_id <= MAX_ID:
        raise NotFound("plan.not_found", _("Unknown plan %(id)s.") % {"id": plan_id})
    return selectors.plan_visible_or_404(official=official, pk=plan_id)


def _summary(row: selectors.PlanRow) -> dict[str, Any]:
    """An item's task for a viewer who may see the plan but not the task: what the plan
    itself states, nothing of the task's people, description or history."""
    task = row.task
    return {
        "id": task.pk,
        "title": task.title,
        "lead_agency": task.lead_agency.code,
        "due_at": timezone.localtime(task.due_at).isoformat(),
        "status": task.status,
        "timeliness": row.timeliness.value if row.timeliness else None,
        "percent": task.percent,
    }


def _detail(plan: Plan, official: Any) -> dict[str, Any]:
    """The plan, its roll-up and its items, from ``selectors.plan_progress`` (the figures of
    the plan's page), with the queries bounded by the units, not the items. A task the
    caller may not see is summed up (``_summary``)."""
    progress = selectors.plan_progress(plan=plan, official=official)
    tasks = [row.task for row in progress.rows]
    prefetch_related_objects(
        tasks, "assigner", "approver", "coordinating_officials", "coordinating_agencies"
    )
    engines: dict[int, WorkingTime] = {}

    def engine(row: selectors.PlanRow) -> WorkingTime:
        unit_id = row.task.lead_agency.unit_id
        if unit_id not in engines:
            engines[unit_id] = selectors.engine_of(row.task)
        return engines[unit_id]

    return {
        **plan_out(plan),
        "progress": progress.progress,
        "done": progress.done,
        "weight": progress.weight,
        "by_timeliness": progress.by_timeliness,
        "items": [
            {
                "id": row.item.pk,
                "weight": row.item.weight,
                "progress": row.progress,
                "task": task_out(row.task, engine=engine(row)) if row.visible else _summary(row),
            }
            for row in progress.rows
        ],
    }


@router.post("/plans", response={201: dict[str, Any]}, summary="Issue a programme or remedy plan")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    official = actor(request)
    unknown: dict[str, list[str]] = {}
    unit = None
    if payload.unit:
        unit = AdministrativeUnit.objects.filter(code=payload.unit).first()
        if unit is None:
            unknown["unit"] = [_("Unknown unit %(code)r.") % {"code": payload.unit}]
    data = services.PlanData(
        kind=payload.kind,
        unit=unit,
        year=payload.year,
        title=payload.title,
        basis=payload.basis,
    )
    try:
        plan = services.plan_create(actor=official, data=data)
    except ValidationFailed as exc:
        # an unknown unit is named as such, with every other problem of the plan
        raise ValidationFailed(exc.code, exc.message, fields={**exc.fields, **unknown}) from None
    return Status(201, _detail(plan, official))


@router.get("/plans", summary="Plans you may see")
def plans_list(
    request: HttpRequest,
    unit: str | None = Query(None, max_length=40),
    year: int | None = Query(None, ge=1990, le=2199),
    kind: str | None = Query(None, max_length=15),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    official = actor(request)
    rows = selectors.plans_visible(official=official)
    if unit:
        rows = rows.filter(unit__code=unit)
    if year is not None:
        rows = rows.filter(year=year)
    if kind:
        if kind not in PlanKind.values:
            raise ValidationFailed(
                "request.invalid",
                _("Unknown kind of plan."),
                fields={"kind": [", ".join(PlanKind.values)]},
            )
        rows = rows.filter(kind=kind)
    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=plan_out)


@router.get("/plans/{plan_id}", summary="A plan, its progress and its items")
def plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    official = actor(request)
    return _detail(_visible(official, plan_id), official)


@router.post(
    "/plans/{plan_id}/items",
    response={201: dict[str, Any]},
    summary="Add an item (a milestone of a remedy plan) as a task",
)
def plan_add_item(
    request: HttpRequest, plan_id: int, payload: PlanItemIn
) -> Status[dict[str, Any]]:
    official = actor(request)
    plan = _visible(official, plan_id)
    item = services.plan_add_item(
        actor=official, plan=plan, data=_data(payload, payload.assignee), weight=payload.weight
    )
    shown = _detail(plan, official)
    return Status(201, next(i for i in shown["items"] if i["id"] == item.pk))
