"""Officials' task pages (login required): my tasks, a new task, the task with the actions
open to the official, one task to many agencies and its progress. Every write goes through
``services``; a service's error is shown next to the input it concerns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as FormValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.forms import DateField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotFound, ValidationFailed
from motcua.core.text import is_digits
from motcua.dossiers.timewords import TimeLeft, time_left
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.shell.pages import refuse_nul, signed_in
from motcua.tasks import selectors, services
from motcua.tasks.forms import (
    BroadcastForm,
    TaskBaseForm,
    TaskForm,
    VnDateTimeField,
    assignable_agencies,
)
from motcua.tasks.models import (
    OPEN_STATUSES,
    Broadcast,
    ExtensionRequest,
    Task,
    TaskStatus,
)
from motcua.tasks.timeline import (
    DEFAULT_WEEKS,
    FIRST_DAY,
    LAST_DAY,
    MAX_ROWS,
    MAX_WEEKS,
    deadline_timeline,
)
from motcua.workcalendar.engine import CalendarError, WorkingTime

MAX_ID = 2**63 - 1
PAGE_SIZE = 50
TIMELINESS = {
    "in_time": gettext_lazy("In time"),
    "overdue": gettext_lazy("Overdue"),
    "early": gettext_lazy("Early"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
}
ACTION_LABELS = {
    "assign": gettext_lazy("Assigned"),
    "progress": gettext_lazy("Progress reported"),
    "submit": gettext_lazy("Submitted for approval"),
    "approve": gettext_lazy("Approved"),
    "return": gettext_lazy("Returned for rework"),
    "extend": gettext_lazy("More time asked"),
    "decide_extension": gettext_lazy("More time decided"),
    "cancel": gettext_lazy("Cancelled"),
}


def _visible(official: Official, raw: str) -> Task:
    if not is_digits(raw) or not 0 < int(raw) <= MAX_ID:
        raise Http404
    try:
        return selectors.task_visible_or_404(official=official, pk=int(raw))
    except NotFound:
        raise Http404 from None


# -- time ------------------------------------------------------------------------------------


class Engines:
    """The working-time engine per lead agency's unit, built once per page."""

    def __init__(self) -> None:
        self._by_unit: dict[int, WorkingTime] = {}

    def of(self, task: Task) -> WorkingTime:
        unit_id = task.lead_agency.unit_id
        if unit_id not in self._by_unit:
            self._by_unit[unit_id] = selectors.engine_of(task)
        return self._by_unit[unit_id]


@dataclass
class Row:
    task: Task
    time: TimeLeft | None
    timeliness: str | None


def _row(task: Task, now: datetime, engines: Engines) -> Row:
    engine = engines.of(task)
    try:
        tl = selectors.task_timeliness(task, now=now, engine=engine)
        left = None
        if task.status in OPEN_STATUSES:
            allotted = engine.remaining_seconds(task.due_at, task.start)
            left = time_left(task.due_at, now=now, engine=engine, allotted_seconds=allotted)
    except CalendarError:
        # a due time beyond the calendar's range (set through the API): shown without words
        return Row(task, None, None)
    return Row(task, left, tl.value if tl else None)


def _rows(tasks: QuerySet[Task], now: datetime, engines: Engines) -> list[Row]:
    rows = [_row(t, now, engines) for t in tasks]
    # least remaining working time first (overdue first); closed tasks after, by due time
    return sorted(
        rows,
        key=lambda r: (r.time is None, r.time.seconds if r.time else 0, r.task.due_at, r.task.pk),
    )


def _by_timeliness(rows: QuerySet[Task], timeliness: str, now: datetime) -> QuerySet[Task]:
    if timeliness == "in_time":
        return rows.filter(status__in=OPEN_STATUSES, due_at__gte=now)
    if timeliness == "overdue":
        return rows.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if timeliness == "late":
        return rows.filter(status=TaskStatus.APPROVED, finished_at__gt=F("due_at"))
    tz = timezone.get_current_timezone()
    done = rows.filter(status=TaskStatus.APPROVED, finished_at__lte=F("due_at")).annotate(
        done_day=TruncDate("finished_at", tzinfo=tz), due_day=TruncDate("due_at", tzinfo=tz)
    )
    if timeliness == "early":
        return done.filter(done_day__lt=F("due_day"))
    return done.filter(done_day=F("due_day"))


# -- my tasks --------------------------------------------------------------------------------


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    now = timezone.now()
    engines = Engines()
    visible = selectors.tasks_visible(official=official)
    open_ = visible.filter(status__in=OPEN_STATUSES)
    agencies = org_selectors.agencies_visible(official=official).order_by("code")
    agency_rows = visible.filter(lead_agency__in=agencies.values("pk"))
    status = request.GET.get("status") or ""
    timeliness = request.GET.get("timeliness") or ""
    agency = request.GET.get("agency") or ""
    if status in TaskStatus.values:
        agency_rows = agency_rows.filter(status=status)
    else:
        status = ""
    if timeliness in TIMELINESS:
        agency_rows = _by_timeliness(agency_rows, timeliness, now)
    else:
        timeliness = ""
    agency_list = list(agencies)
    if agency and any(a.code == agency for a in agency_list):
        agency_rows = agency_rows.filter(lead_agency__code=agency)
    else:
        agency = ""
    page = Paginator(agency_rows.order_by("due_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "mine": _rows(open_.filter(assignee=official), now, engines),
        "assigned": _rows(open_.filter(assigner=official), now, engines),
        "to_approve": _rows(
            visible.filter(status=TaskStatus.SUBMITTED).filter(
                Q(approver=official) | Q(assigner=official)
            ),
            now,
            engines,
        ),
        "agency_rows": [_row(t, now, engines) for t in page.object_list],
        "page": page,
        "agencies": agency_list,
        "statuses": TaskStatus.choices,
        "timelinesses": list(TIMELINESS.items()),
        "filters": {"status": status, "timeliness": timeliness, "agency": agency},
        "may_assign": forms_assignable(official),
    }
    return render(request, "tasks/my_tasks.html", context)


def forms_assignable(official: Official) -> bool:
    return assignable_agencies(official).exists()


# -- a new task, a broadcast -----------------------------------------------------------------


def _put_errors(form: TaskBaseForm, exc: DomainError) -> None:
    """The service's errors next to their fields; the others on top of the form."""
    placed = False
    for key, msgs in exc.fields.items():
        name = key.split(".")[0]
        for m in msgs:
            if name in form.fields:
                form.add_error(name, str(m))
                placed = True
    if not placed or exc.code != "task.incomplete":
        form.add_error(None, str(exc.message))


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    form = TaskForm(request.POST if request.method == "POST" else None, official=official)
    status = 200
    if request.method == "POST":
        try:
            refuse_nul(request.POST)
            if form.is_valid():
                task = services.task_create(actor=official, data=form.task_data())
                messages.success(request, _("The task was assigned."))
                return redirect("tasks:task", task_id=task.pk)
            status = 400
        except DomainError as exc:
            _put_errors(form, exc)
            status = exc.status
    return render(request, "tasks/new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def broadcast_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    form = BroadcastForm(request.POST if request.method == "POST" else None, official=official)
    status = 200
    if request.method == "POST":
        try:
            refuse_nul(request.POST)
            if form.is_valid():
                broadcast = services.task_broadcast(
                    actor=official, agencies=form.chosen_agencies(), data=form.task_data()
                )
                messages.success(request, _("The task was sent to every agency chosen."))
                return redirect("tasks:broadcast", broadcast_id=broadcast.pk)
            status = 400
        except DomainError as exc:
            _put_errors(form, exc)
            status = exc.status
    return render(request, "tasks/broadcast_new.html", {"form": form}, status=status)


@login_required
@require_GET
def broadcast_detail(request: HttpRequest, broadcast_id: str) -> HttpResponse:
    official = signed_in(request)
    if not is_digits(broadcast_id) or not 0 < int(broadcast_id) <= MAX_ID:
        raise Http404
    broadcast = Broadcast.objects.select_related("assigner").filter(pk=int(broadcast_id)).first()
    visible = selectors.tasks_visible(official=official)
    if broadcast is None or not (
        broadcast.assigner_id == official.pk or visible.filter(broadcast=broadcast).exists()
    ):
        raise Http404
    progress = selectors.broadcast_progress(broadcast=broadcast)
    rate = progress.done_rate
    context = {
        "broadcast": broadcast,
        "progress": progress,
        "rate_percent": f"{rate * 100:.1f}" if rate is not None else None,
    }
    return render(request, "tasks/broadcast.html", context)


# -- one task --------------------------------------------------------------------------------


def allowed_actions(*, official: Official, task: Task, pending: bool) -> list[str]:
    """The actions the service would accept from this official now."""
    out: list[str] = []
    is_open = task.status in OPEN_STATUSES
    assignee = official.pk == task.assignee_id
    assigner = official.pk == task.assigner_id or official.is_superuser
    judge = assigner or official.pk == task.approver_id
    if task.status in services.WORKING and assignee:
        out += ["progress", "submit"]
    if task.status == TaskStatus.SUBMITTED and judge:
        out += ["approve", "return"]
    if is_open and (assignee or assigner) and not pending:
        out.append("extend")
    if is_open and assigner and pending:
        out.append("decide_extension")
    if is_open and assigner:
        out.append("cancel")
    return out


def _summary(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(k), ", ".join(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in data.items()
        if v not in ("", None, [])
    ]


def _render_task(
    request: HttpRequest,
    official: Official,
    task: Task,
    *,
    errors: dict[str, DomainError] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    engines = Engines()
    extensions = list(task.extensions.select_related("requested_by", "decided_by"))
    pending = next((e for e in extensions if e.state == ExtensionRequest.State.PENDING), None)
    statuses = dict(TaskStatus.choices)
    events = [
        (
            e,
            ACTION_LABELS.get(e.action, e.action),
            _summary(e.data),
            statuses.get(e.from_status, ""),
            statuses.get(e.to_status, ""),
        )
        for e in task.events.select_related("actor").order_by("seq")
    ]
    actions = allowed_actions(official=official, task=task, pending=pending is not None)
    row = _row(task, now, engines)
    context = {
        "task": task,
        "row": row,
        "coordinating_officials": list(task.coordinating_officials.all()),
        "coordinating_agencies": list(task.coordinating_agencies.all()),
        "events": events,
        "extensions": extensions,
        "pending": pending,
        "actions": actions,
        "errors": errors or {},
        "stray_errors": [exc for act, exc in (errors or {}).items() if act not in actions],
        "posted": request.POST if errors else {},
    }
    return render(request, "tasks/task.html", context, status=status)


@login_required
@require_GET
def task_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    official = signed_in(request)
    return _render_task(request, official, _visible(official, task_id))


def _int(raw: str, field: str, low: int, high: int) -> int:
    raw = raw.strip()
    if not is_digits(raw) or not low <= int(raw) <= high:
        raise ValidationFailed(
            "task.invalid",
            _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
            fields={field: [_("From %(low)d to %(high)d.") % {"low": low, "high": high}]},
        )
    return int(raw)


def _moment(raw: str, field: str) -> datetime | None:
    try:
        return VnDateTimeField(required=False).clean(raw)
    except FormValidationError:
        raise ValidationFailed(
            "task.invalid",
            _("A date and time, e.g. 2027-03-01 08:00."),
            fields={field: [_("A date and time, e.g. 2027-03-01 08:00.")]},
        ) from None


def _payload(action: str, post: Any) -> dict[str, Any]:
    """The service payload from an action form."""
    text = {k: str(post.get(k) or "") for k in ("note", "deliverable", "reason")}
    granted = post.get("granted")
    payloads: dict[str, Callable[[], dict[str, Any]]] = {
        "progress": lambda: {
            "percent": _int(str(post.get("percent") or ""), "percent", 0, 100),
            "note": text["note"],
        },
        "submit": lambda: {"deliverable": text["deliverable"], "note": text["note"]},
        "approve": lambda: {"note": text["note"]},
        "return": lambda: {"note": text["note"]},
        "extend": lambda: {
            "new_due_at": _moment(str(post.get("new_due_at") or ""), "new_due_at"),
            "reason": text["reason"],
        },
        "decide_extension": lambda: {
            "granted": granted == "1" if granted in {"0", "1"} else None,
            "note": text["note"],
        },
        "cancel": lambda: {"reason": text["reason"]},
    }
    return payloads[action]()


def _expected_version(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    if not is_digits(str(raw)):
        raise ValidationFailed(
            "request.invalid",
            _("The page is out of date: reload it."),
            fields={"expected_version": [_("A whole number.")]},
        )
    return int(str(raw))


DONE_MESSAGES = {
    "progress": gettext_lazy("The progress was recorded."),
    "submit": gettext_lazy("The result was submitted for approval."),
    "approve": gettext_lazy("The result was approved."),
    "return": gettext_lazy("The result was returned for rework."),
    "extend": gettext_lazy("The request for more time was recorded."),
    "decide_extension": gettext_lazy("The request for more time was decided."),
    "cancel": gettext_lazy("The task was cancelled."),
}


@login_required
@require_POST
def task_act(request: HttpRequest, task_id: str) -> HttpResponse:
    """One action with the version the page showed: a page gone stale meanwhile gets the
    service's 409 and changes nothing."""
    official = signed_in(request)
    task = _visible(official, task_id)
    action = str(request.POST.get("action") or "")[:40]
    try:
        refuse_nul(request.POST)
        if action not in services.ACTIONS:
            raise ValidationFailed(
                "task.unknown_action", _("Unknown action."), fields={"action": [action]}
            )
        expected = _expected_version(request.POST.get("expected_version"))
        services.task_act(
            task=task,
            actor=official,
            action=action,
            payload=_payload(action, request.POST),
            expected_version=expected,
        )
    except DomainError as exc:
        fresh = _visible(official, task_id)
        return _render_task(request, official, fresh, errors={action: exc}, status=exc.status)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("tasks:task", task_id=task.pk)


# -- the timeline of deadlines ---------------------------------------------------------------


@login_required
@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    """The deadlines of the tasks the official sees, week by week. A bad parameter is named
    above the form and its default used instead, so the page always answers."""
    official = signed_in(request)
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday())
    weeks = DEFAULT_WEEKS
    errors: list[str] = []
    raw_from = str(request.GET.get("from") or "").strip()
    if raw_from:
        try:
            chosen = DateField(input_formats=["%Y-%m-%d"]).clean(raw_from)
        except FormValidationError:
            chosen = None
        if chosen is None or not FIRST_DAY <= chosen <= LAST_DAY:
            errors.append(
                _("“From” must be a date such as 2027-03-01, from %(first)s to %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        else:
            first = chosen
    raw_weeks = str(request.GET.get("weeks") or "").strip()
    if raw_weeks:
        if is_digits(raw_weeks) and 1 <= int(raw_weeks) <= MAX_WEEKS:
            weeks = int(raw_weeks)
        else:
            errors.append(_("Weeks must be a whole number from 1 to %(n)d.") % {"n": MAX_WEEKS})
    agencies = list(org_selectors.agencies_visible(official=official).order_by("code"))
    code = str(request.GET.get("agency") or "")
    agency = next((a for a in agencies if a.code == code), None)
    if code and agency is None:
        errors.append(_("Choose an agency from the list."))
    mine = request.GET.get("mine") == "1"
    shown = deadline_timeline(
        official=official,
        start=first,
        weeks=weeks,
        agency=agency,
        assignee=official if mine else None,
    )

    def link(start: date) -> str:
        query = {"from": start.isoformat(), "weeks": str(weeks)}
        if agency is not None:
            query["agency"] = agency.code
        if mine:
            query["mine"] = "1"
        return "?" + urlencode(query)

    context = {
        "timeline": shown,
        "errors": errors,
        "agencies": agencies,
        "filters": {
            "from": first.isoformat(),
            "weeks": weeks,
            "agency": agency.code if agency else "",
            "mine": mine,
        },
        "max_weeks": MAX_WEEKS,
        "max_rows": MAX_ROWS,
        "previous_link": link(first - timedelta(weeks=weeks)),
        "next_link": link(first + timedelta(weeks=weeks)),
        "this_week_link": link(today - timedelta(days=today.weekday())),
    }
    return render(request, "tasks/timeline.html", context)
