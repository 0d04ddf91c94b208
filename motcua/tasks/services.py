"""Writes to tasks: creation with the six "rõ", broadcast to many agencies, and every
action of a task's life. One transaction each, the task row locked, one event per change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, AdministrativeUnit, Agency, Official, Role
from motcua.tasks.models import (
    OPEN_STATUSES,
    Broadcast,
    ExtensionRequest,
    Plan,
    PlanItem,
    PlanKind,
    SourceKind,
    Task,
    TaskEvent,
    TaskStatus,
)

MAX_TEXT = 5000
# the working calendar answers for these years (holidays are known to 2199)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 1, tzinfo=UTC)
# who may give a task to an agency: its head, or a unit-wide leader over its unit
ASSIGNING_ROLES = frozenset({Role.UNIT_HEAD, Role.CHAIRMAN})


@dataclass
class TaskData:
    """What a task states. ``None`` or empty means "not given": creation names every
    missing "rõ" at once."""

    title: str = ""
    description: str = ""
    assignee: Official | None = None
    lead_agency: Agency | None = None
    approver: Official | None = None
    start: datetime | None = None
    due_at: datetime | None = None
    working_days: int | None = None
    deliverable: str = ""
    coordinating_officials: Sequence[Official] = field(default_factory=list)
    coordinating_agencies: Sequence[Agency] = field(default_factory=list)
    source_kind: str = SourceKind.DIRECT
    source: str = ""


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def may_assign(*, official: Official, agency: Agency) -> bool:
    """The agency's head, or a chairman whose unit reaches the agency's unit."""
    if official.is_superuser:
        return True
    for grant in org_selectors.role_grants_current(official=official):
        if grant.role == Role.UNIT_HEAD and grant.agency_id == agency.pk:
            return True
        if grant.role in ASSIGNING_ROLES & UNIT_WIDE_ROLES and agency.unit.path.startswith(
            grant.agency.unit.path
        ):
            return True
    return False


def _missing(data: TaskData, *, broadcast: bool) -> dict[str, list[str]]:
    """The six "rõ", each named when missing."""
    errors: dict[str, list[str]] = {}
    if not broadcast and data.assignee is None:
        errors["assignee"] = [_("Rõ người: name the responsible official.")]
    if not data.title.strip():
        errors["title"] = [_("Rõ việc: give the task a title.")]
    if not data.description.strip():
        errors["description"] = [_("Rõ việc: say what is to be done.")]
    if not broadcast and data.lead_agency is None:
        errors["lead_agency"] = [_("Rõ trách nhiệm: name the lead agency.")]
    if data.due_at is None and data.working_days is None:
        errors["due_at"] = [_("Rõ thời gian: give a due time or a number of working days.")]
    if data.approver is None:
        errors["approver"] = [_("Rõ thẩm quyền: name who approves the result.")]
    if not data.deliverable.strip():
        errors["deliverable"] = [_("Rõ kết quả: state the expected result or product.")]
    return errors


def _check_texts(data: TaskData, errors: dict[str, list[str]]) -> None:
    for name, value, limit in (
        ("title", data.title, 300),
        ("description", data.description, MAX_TEXT),
        ("deliverable", data.deliverable, 500),
        ("source", data.source, 300),
    ):
        if len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    if data.source_kind not in SourceKind.values:
        errors.setdefault("source_kind", []).append(", ".join(SourceKind.values))
    if data.working_days is not None and not 0 < data.working_days <= 1000:
        errors.setdefault("working_days", []).append(_("Between 1 and 1,000 working days."))


def _deadline(
    data: TaskData, agency: Agency, now: datetime, errors: dict[str, list[str]]
) -> tuple[datetime, datetime] | None:
    """(start, due) by the lead agency's working calendar."""
    start = data.start or now
    for name, moment in (("start", start), ("due_at", data.due_at)):
        if moment is not None and not EARLIEST <= moment <= LATEST:
            errors.setdefault(name, []).append(_("Between 1990 and 2199."))
            return None
    if data.working_days is not None:
        engine = org_selectors.working_time_for_unit(unit=agency.unit)
        return start, engine.due_after_days(engine.effective_start(start), data.working_days)
    assert data.due_at is not None  # noqa: S101 - checked by _missing
    if data.due_at <= start:
        errors.setdefault("due_at", []).append(_("The due time must come after the start."))
        return None
    return start, data.due_at


def _is_member(official: Official, agency: Agency) -> bool:
    return any(
        g.agency_id == agency.pk for g in org_selectors.role_grants_current(official=official)
    )


def _event(
    task: Task, actor: Official, action: str, before: str, data: dict[str, Any], at: datetime
) -> None:
    task.revision += 1
    TaskEvent.objects.create(
        task=task,
        seq=task.revision,
        at=at,
        actor=actor,
        action=action,
        from_status=before,
        to_status=task.status,
        data=data,
    )


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _write(
    actor: Official,
    data: TaskData,
    agency: Agency,
    assignee: Official,
    start: datetime,
    due: datetime,
    now: datetime,
    broadcast: Broadcast | None = None,
) -> Task:
    assert data.approver is not None  # noqa: S101 - checked by _missing
    task = Task.objects.create(
        title=data.title.strip(),
        description=data.description.strip(),
        assignee=assignee,
        lead_agency=agency,
        assigner=actor,
        start=start,
        due_at=due,
        original_due_at=due,
        approver=data.approver,
        deliverable=data.deliverable.strip(),
        source_kind=SourceKind.BROADCAST if broadcast else data.source_kind,
        source=data.source.strip(),
        broadcast=broadcast,
    )
    task.coordinating_officials.set(data.coordinating_officials)
    task.coordinating_agencies.set(data.coordinating_agencies)
    _event(
        task,
        actor,
        "assign",
        "",
        {
            "assignee": assignee.username,
            "lead_agency": agency.code,
            "approver": data.approver.username,
            "start": _iso(start),
            "due_at": _iso(due),
            "coordinators": sorted(o.username for o in data.coordinating_officials)
            + sorted(a.code for a in data.coordinating_agencies),
        },
        now,
    )
    task.save(update_fields=["revision"])
    return task


# sources whose tasks come through their own service (plan_add_item, task_broadcast), so
# that a task never claims a plan it is not an item of
OWN_SERVICE_SOURCES = frozenset(
    {SourceKind.PROGRAMME, SourceKind.REMEDY_PLAN, SourceKind.BROADCAST}
)


@transaction.atomic
def task_create(*, actor: Official, data: TaskData, at: datetime | None = None) -> Task:
    """Assign a task. Refuses (400) naming every missing "rõ"; 403 unless the actor may
    assign to the lead agency; the responsible official must work in the lead agency.
    Other areas give tasks through here with their ``source_kind`` and a ``source``
    reference they find them by (``selectors.tasks_of_source``); a plan's items come
    through ``plan_add_item``."""
    return _task_create(actor=actor, data=data, at=at, own_service=False)


def task_create_for_source(
    *, assigner: Official, data: TaskData, at: datetime | None = None
) -> Task:
    """The hook for areas whose own rules give a task (a review's proposal to its reviewer,
    an inspection's recommendation to the inspected unit): the source's service has decided
    the task is due and answers for the authority, so ``assigner`` need not head the lead
    agency; the six "rõ", the source and the responsible official's membership of the lead
    agency are checked as for any task."""
    if data.source_kind not in {SourceKind.INSPECTION, SourceKind.LEGAL_REVIEW}:
        raise ValueError(data.source_kind)
    return _task_create(actor=assigner, data=data, at=at, own_service=True, authorised=True)


def _task_create(
    *,
    actor: Official,
    data: TaskData,
    at: datetime | None,
    own_service: bool,
    authorised: bool = False,
) -> Task:
    now = _now(at)
    errors = _missing(data, broadcast=False)
    _check_texts(data, errors)
    if not own_service and data.source_kind in OWN_SERVICE_SOURCES:
        errors.setdefault("source_kind", []).append(
            _("A programme's or a plan's tasks are added on the plan.")
        )
    if errors:
        raise ValidationFailed(
            "task.incomplete" if set(errors) & _SIX else "task.invalid",
            _("The task does not state everything it must (the six 'rõ')."),
            fields=errors,
        )
    agency, assignee = data.lead_agency, data.assignee
    assert agency is not None  # noqa: S101 - checked above
    assert assignee is not None  # noqa: S101
    if not authorised and not may_assign(official=actor, agency=agency):
        raise PermissionDenied(
            "task.forbidden",
            _("Tasks of %(agency)s are assigned by its head or the chairman.")
            % {"agency": agency.name},
        )
    if not _is_member(assignee, agency):
        errors["assignee"] = [_("The responsible official must work in the lead agency.")]
    times = _deadline(data, agency, now, errors)
    if errors or times is None:
        raise ValidationFailed("task.invalid", _("The task is invalid."), fields=errors)
    return _write(actor, data, agency, assignee, times[0], times[1], now)


_SIX = frozenset(
    {"assignee", "title", "description", "lead_agency", "due_at", "approver", "deliverable"}
)


@transaction.atomic
def task_broadcast(
    *, actor: Official, agencies: Sequence[Agency], data: TaskData, at: datetime | None = None
) -> Broadcast:
    """One task per agency, each to the agency's head; all or nothing: an agency the actor
    may not assign to, or one without a head, refuses the whole broadcast naming it."""
    now = _now(at)
    agencies = list({a.pk: a for a in agencies}.values())  # an agency named twice gets one
    errors = _missing(data, broadcast=True)
    _check_texts(data, errors)
    if not agencies:
        errors["agencies"] = [_("Choose at least one agency.")]
    if errors:
        raise ValidationFailed(
            "task.incomplete", _("The task does not state everything it must."), fields=errors
        )
    forbidden = [a.code for a in agencies if not may_assign(official=actor, agency=a)]
    if forbidden:
        raise PermissionDenied(
            "task.forbidden",
            _("You may not assign tasks to: %(codes)s.") % {"codes": ", ".join(forbidden)},
        )
    heads = {a.pk: org_selectors.agency_head(agency=a, at=now) for a in agencies}
    headless = [a.code for a in agencies if heads[a.pk] is None]
    if headless:
        raise ValidationFailed(
            "task.no_head",
            _("These agencies have no head to receive the task: %(codes)s.")
            % {"codes": ", ".join(headless)},
            fields={"agencies": headless},
        )
    broadcast = Broadcast.objects.create(title=data.title.strip(), assigner=actor)
    for agency in agencies:
        times = _deadline(data, agency, now, errors)
        if times is None:
            raise ValidationFailed("task.invalid", _("The task is invalid."), fields=errors)
        head = heads[agency.pk]
        assert head is not None  # noqa: S101
        _write(actor, data, agency, head, times[0], times[1], now, broadcast)
    return broadcast


# -- actions ---------------------------------------------------------------------------------

ActionFn = Callable[[Task, Official, dict[str, Any], datetime], dict[str, Any]]


def _text(payload: dict[str, Any], key: str, *, required: bool) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValidationFailed(
            "task.invalid",
            _("Text expected."),
            fields={key: [_("Text, at most 5,000 characters.")]},
        )
    if required and not value.strip():
        raise ValidationFailed("task.invalid", _("Required."), fields={key: [_("Required.")]})
    return value.strip()


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied("task.forbidden", message)


def _invalid(task: Task, action: str) -> Conflict:
    return Conflict(
        "task.invalid_transition",
        _("The action %(action)s is not allowed on a task in status %(status)s.")
        % {"action": action, "status": task.get_status_display()},
    )


WORKING = {TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED}


def _progress(task: Task, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if task.status not in WORKING:
        raise _invalid(task, "progress")
    _need(actor.pk == task.assignee_id, _("Progress is reported by the responsible official."))
    percent = payload.get("percent")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationFailed(
            "task.invalid", _("A percentage from 0 to 100."), fields={"percent": ["0-100"]}
        )
    note = _text(payload, "note", required=False)
    task.percent = percent
    task.status = TaskStatus.IN_PROGRESS
    return {"percent": percent, "note": note}


def _submit(task: Task, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if task.status not in WORKING:
        raise _invalid(task, "submit")
    _need(actor.pk == task.assignee_id, _("The result is submitted by the responsible official."))
    note = _text(payload, "note", required=False)
    deliverable = _text(payload, "deliverable", required=True)
    task.status, task.percent, task.submitted_at = TaskStatus.SUBMITTED, 100, at
    task.result_note = deliverable
    return {"note": note, "deliverable": deliverable}


def _judge(task: Task, actor: Official) -> bool:
    return actor.pk in {task.approver_id, task.assigner_id} or actor.is_superuser


def _approve(task: Task, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if task.status != TaskStatus.SUBMITTED:
        raise _invalid(task, "approve")
    _need(_judge(task, actor), _("Only the approver or the assigner approves the result."))
    note = _text(payload, "note", required=False)
    task.status, task.finished_at, task.approved_at = TaskStatus.APPROVED, task.submitted_at, at
    return {"note": note, "done_at": _iso(task.submitted_at)}


def _return(task: Task, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if task.status != TaskStatus.SUBMITTED:
        raise _invalid(task, "return")
    _need(_judge(task, actor), _("Only the approver or the assigner returns the result."))
    note = _text(payload, "note", required=True)
    # the submission set 100 %: a result sent back is not done, so the task is back at the
    # progress last reported before it (a plan's roll-up must not count it as done)
    last = (
        TaskEvent.objects.filter(task=task, action="progress").order_by("-seq").only("data").first()
    )
    reported = last.data.get("percent") if last is not None else None
    task.percent = reported if isinstance(reported, int) and 0 <= reported < 100 else 0
    task.status, task.submitted_at = TaskStatus.RETURNED, None
    return {"note": note, "percent": task.percent}


def _extend(task: Task, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The responsible official asks for more time (the assigner decides); the assigner
    extending it grants it at once."""
    if task.status not in OPEN_STATUSES:
        raise _invalid(task, "extend")
    assigner = actor.pk == task.assigner_id or actor.is_superuser
    _need(
        assigner or actor.pk == task.assignee_id,
        _("More time is asked by the responsible official and given by the assigner."),
    )
    reason = _text(payload, "reason", required=True)
    new_due = payload.get("new_due_at")
    if not isinstance(new_due, datetime) or not task.due_at < new_due <= LATEST:
        raise ValidationFailed(
            "task.invalid",
            _("The new due time must come after the current one."),
            fields={"new_due_at": [_("After %(due)s.") % {"due": _iso(task.due_at)}]},
        )
    if ExtensionRequest.objects.filter(task=task, state=ExtensionRequest.State.PENDING).exists():
        raise Conflict("task.extension_pending", _("A request for more time waits already."))
    request = ExtensionRequest.objects.create(
        task=task, requested_by=actor, requested_at=at, new_due_at=new_due, reason=reason
    )
    data: dict[str, Any] = {"new_due_at": _iso(new_due), "reason": reason, "request": request.pk}
    if assigner:
        _grant(task, request, actor, at, "")
        data["granted"] = True
    return data


def _grant(task: Task, request: ExtensionRequest, actor: Official, at: datetime, note: str) -> None:
    request.state, request.decided_by, request.decided_at = (
        ExtensionRequest.State.GRANTED,
        actor,
        at,
    )
    request.decision_note = note
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    task.due_at = request.new_due_at


def _decide_extension(
    task: Task, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if task.status not in OPEN_STATUSES:
        raise _invalid(task, "decide_extension")
    _need(
        actor.pk == task.assigner_id or actor.is_superuser,
        _("Only the assigner grants or refuses more time."),
    )
    request = ExtensionRequest.objects.filter(
        task=task, state=ExtensionRequest.State.PENDING
    ).first()
    if request is None:
        raise Conflict("task.no_extension_pending", _("No request for more time waits."))
    granted = payload.get("granted")
    if not isinstance(granted, bool):
        raise ValidationFailed(
            "task.invalid", _("Grant or refuse."), fields={"granted": ["true or false"]}
        )
    note = _text(payload, "note", required=not granted)
    if granted:
        _grant(task, request, actor, at, note)
    else:
        request.state, request.decided_by, request.decided_at = (
            ExtensionRequest.State.REFUSED,
            actor,
            at,
        )
        request.decision_note = note
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return {"request": request.pk, "granted": granted, "note": note, "due_at": _iso(task.due_at)}


def _cancel(task: Task, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if task.status not in OPEN_STATUSES:
        raise _invalid(task, "cancel")
    _need(
        actor.pk == task.assigner_id or actor.is_superuser,
        _("Only the assigner cancels a task."),
    )
    reason = _text(payload, "reason", required=True)
    task.status = TaskStatus.CANCELLED
    return {"reason": reason}


ACTIONS: dict[str, ActionFn] = {
    "progress": _progress,
    "submit": _submit,
    "approve": _approve,
    "return": _return,
    "extend": _extend,
    "decide_extension": _decide_extension,
    "cancel": _cancel,
}


@transaction.atomic
def task_act(
    *,
    task: Task,
    actor: Official,
    action: str,
    payload: dict[str, Any],
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Task:
    fn = ACTIONS.get(action)
    if fn is None:
        raise ValidationFailed(
            "task.unknown_action", _("Unknown action."), fields={"action": [", ".join(ACTIONS)]}
        )
    locked = (
        Task.objects.select_for_update(of=("self",))
        .select_related("lead_agency__unit")
        .filter(pk=task.pk)
        .first()
    )
    if locked is None:
        raise NotFound("task.not_found", _("Unknown task."))
    if expected_version is not None and expected_version != locked.revision:
        raise Conflict(
            "task.changed",
            _("The task changed meanwhile: reload it."),
        )
    now = _now(at)
    before = locked.status
    data = fn(locked, actor, payload, now)
    _event(locked, actor, action, before, data, now)
    locked.save()
    return locked


# -- plans: work programmes and remedy plans ------------------------------------------------

MAX_PLAN_ITEMS = 500


@dataclass
class PlanData:
    kind: str = ""
    unit: AdministrativeUnit | None = None
    year: int | None = None
    title: str = ""
    basis: str = ""


def may_plan(*, official: Official, unit: AdministrativeUnit) -> bool:
    """Who issues a unit's programme or remedy plan: its chairman (or one above it), or
    the head of one of its agencies."""
    return org_selectors.has_role_over_unit(official=official, unit=unit, roles=ASSIGNING_ROLES)


@transaction.atomic
def plan_create(*, actor: Official, data: PlanData) -> Plan:
    errors: dict[str, list[str]] = {}
    if data.kind not in PlanKind.values:
        errors["kind"] = [", ".join(PlanKind.values)]
    if data.unit is None:
        errors["unit"] = [_("Choose the unit.")]
    if data.year is None or isinstance(data.year, bool) or not 1990 <= data.year <= 2199:
        errors["year"] = [_("A year from 1990 to 2199.")]
    title = data.title.strip()
    if not title:
        errors["title"] = [_("Required.")]
    elif len(title) > 300:
        errors["title"] = [_("At most %(n)d characters.") % {"n": 300}]
    if len(data.basis) > MAX_TEXT:
        errors["basis"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    if data.kind == PlanKind.REMEDY_PLAN and not data.basis.strip():
        errors["basis"] = [_("Say which deficiencies the plan remedies and who found them.")]
    if errors:
        raise ValidationFailed(
            "plan.invalid", _("The plan is incomplete or invalid."), fields=errors
        )
    assert data.unit is not None  # noqa: S101 - checked above
    assert data.year is not None  # noqa: S101
    if not may_plan(official=actor, unit=data.unit):
        raise PermissionDenied(
            "plan.forbidden",
            _("Plans of %(unit)s are issued by its chairman or the heads of its agencies.")
            % {"unit": data.unit.name},
        )
    return Plan.objects.create(
        kind=data.kind,
        unit=data.unit,
        year=data.year,
        title=title,
        basis=data.basis.strip(),
        owner=actor,
    )


@transaction.atomic
def plan_add_item(
    *, actor: Official, plan: Plan, data: TaskData, weight: object, at: datetime | None = None
) -> PlanItem:
    """Add an item (a milestone of a remedy plan) as a task with the six "rõ", whose source
    is the plan. The item's lead agency is one of the plan's unit or its sub-units; the
    actor is the plan's issuer or may plan for its unit, and may assign to the agency."""
    locked = Plan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)
    if not (actor.pk == locked.owner_id or may_plan(official=actor, unit=locked.unit)):
        raise PermissionDenied(
            "plan.forbidden", _("Items are added by the plan's issuer or the unit's leaders.")
        )
    errors: dict[str, list[str]] = {}
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        errors["weight"] = [_("A whole number from 1 to 100.")]
    agency = data.lead_agency
    if agency is not None and not agency.unit.path.startswith(locked.unit.path):
        errors["lead_agency"] = [
            _("The lead agency must belong to %(unit)s.") % {"unit": locked.unit.name}
        ]
    if PlanItem.objects.filter(plan=locked).count() >= MAX_PLAN_ITEMS:
        errors["plan"] = [_("A plan holds at most %(n)d items.") % {"n": MAX_PLAN_ITEMS}]
    if errors:
        # the task's own checks first, so that every problem is named at once
        missing = _missing(data, broadcast=False)
        _check_texts(data, missing)
        raise ValidationFailed(
            "plan.invalid_item", _("The item is invalid."), fields=missing | errors
        )
    data.source_kind = locked.kind
    data.source = plan_source(locked)
    task = _task_create(actor=actor, data=data, at=at, own_service=True)
    assert isinstance(weight, int)  # noqa: S101 - checked above
    return PlanItem.objects.create(plan=locked, task=task, weight=weight)


def plan_source(plan: Plan) -> str:
    """The reference a plan's tasks carry (``Task.source``): see ``tasks_of_source``."""
    return f"plan:{plan.pk}"
