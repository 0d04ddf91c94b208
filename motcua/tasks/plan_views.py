"""Plan pages (login required): the plans an official sees with their weighted progress, a
new work programme or remedy plan, and a plan with its items (milestones of a remedy plan)
and the form that adds one. Every write goes through ``services``; the figures come from
``selectors.plan_progress``, the list's from one grouped query that sums the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.core.text import is_digits
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Official
from motcua.shell.pages import refuse_nul, signed_in
from motcua.tasks import selectors, services
from motcua.tasks.forms import TaskBaseForm, TaskForm
from motcua.tasks.models import Plan, PlanKind, TaskStatus
from motcua.tasks.views import (
    MAX_ID,
    PAGE_SIZE,
    TIMELINESS,
    Engines,
    Row,
    _put_errors,
    _row,
)

# the statuses whose items count in a plan's progress (as in ``selectors.plan_progress``)
COUNTED = [s for s in TaskStatus.values if s != TaskStatus.CANCELLED]


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def plannable_units(official: Official) -> QuerySet[AdministrativeUnit]:
    """The units ``services.may_plan`` lets the official issue plans for, in one query."""
    return org_selectors.units_reached(official=official, roles=services.ASSIGNING_ROLES).order_by(
        "path"
    )


# -- forms ----------------------------------------------------------------------------------


class PlanForm(forms.Form):
    # not required here: the service names a missing kind with every other problem
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", "—"), *PlanKind.choices]
    )
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False)
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=300)
    basis = forms.CharField(
        label=gettext_lazy("Basis (for a remedy plan: the deficiencies and who found them)"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, official: Official, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = plannable_units(official)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—"), *[(u.code, f"{u.code} — {u.name}") for u in self.units]]
        self.fields["year"].initial = timezone.localdate().year

    def plan_data(self) -> services.PlanData:
        c = self.cleaned_data
        code = c.get("unit") or ""
        return services.PlanData(
            kind=c.get("kind") or "",
            unit=self.units.filter(code=code).first() if code else None,
            year=c.get("year"),
            title=c.get("title") or "",
            basis=c.get("basis") or "",
        )


class PlanItemForm(TaskForm):
    """A task of the plan: the task form (its source is the plan) with the item's weight;
    the lead agency is one of the plan's unit or its sub-units."""

    weight = forms.IntegerField(label=gettext_lazy("Weight (1 to 100)"), required=False, initial=1)

    def __init__(self, *args: Any, official: Official, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, official=official, **kwargs)
        # the plan is the source: not chosen here
        del self.fields["source_kind"], self.fields["source"]
        # offered, and read back by ``task_data``: the assignable agencies of the plan's unit
        self.assignable = self.assignable.filter(unit__path__startswith=plan.unit.path)
        self._choices(
            "lead_agency",
            [("", "—"), *[(a.code, f"{a.code} — {a.name}") for a in self.assignable]],
        )

    def weight_value(self) -> int | None:
        value = self.cleaned_data.get("weight")
        return value if isinstance(value, int) else None


def _place_errors(form: TaskBaseForm | PlanForm, exc: DomainError) -> None:
    """The service's errors next to their fields, as on the task pages; an error of no
    field (a full plan) and the service's message when nothing was placed, on top."""
    if isinstance(form, TaskBaseForm):
        _put_errors(form, exc)
        for key, msgs in exc.fields.items():
            if key.split(".")[0] not in form.fields:
                for m in msgs:
                    form.add_error(None, str(m))
        return
    placed = False
    for key, msgs in exc.fields.items():
        for m in msgs:
            form.add_error(key if key in form.fields else None, str(m))
            placed = placed or key in form.fields
    if not placed:
        form.add_error(None, str(exc.message))


# -- the list -------------------------------------------------------------------------------


@dataclass
class PlanLine:
    plan: Plan
    items: int
    progress: str | None
    done: str | None


def _lines(plans: list[Plan]) -> list[PlanLine]:
    """Each plan's figures, in one grouped query (``selectors.plans_rollup``)."""
    sums = selectors.plans_rollup(plans=plans)
    lines = []
    for plan in plans:
        rollup = sums.get(plan.pk)
        lines.append(
            PlanLine(
                plan=plan,
                items=rollup.items if rollup else 0,
                progress=_percent(rollup.progress if rollup else None),
                done=_percent(rollup.done if rollup else None),
            )
        )
    return lines


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    rows = selectors.plans_visible(official=official)
    kind = str(request.GET.get("kind") or "")
    year = str(request.GET.get("year") or "").strip()
    if kind in PlanKind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    if is_digits(year) and 1990 <= int(year) <= 2199:
        rows = rows.filter(year=int(year))
    else:
        year = ""
    page = Paginator(rows.order_by("-year", "kind", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "lines": _lines(list(page.object_list)),
        "page": page,
        "kinds": PlanKind.choices,
        "filters": {"kind": kind, "year": year},
        "may_plan": plannable_units(official).exists(),
    }
    return render(request, "tasks/plans.html", context)


# -- a new plan -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    form = PlanForm(request.POST if request.method == "POST" else None, official=official)
    status = 200
    if request.method == "POST":
        try:
            refuse_nul(request.POST)
            if form.is_valid():
                plan = services.plan_create(actor=official, data=form.plan_data())
                messages.success(request, _("The plan was issued."))
                return redirect("tasks:plan", plan_id=plan.pk)
            status = 400
        except DomainError as exc:
            _place_errors(form, exc)
            status = exc.status
    return render(request, "tasks/plan_new.html", {"form": form}, status=status)


# -- one plan -------------------------------------------------------------------------------


def _plan(official: Official, raw: str) -> Plan:
    if not is_digits(raw) or not 0 < int(raw) <= MAX_ID:
        raise Http404
    try:
        return selectors.plan_visible_or_404(official=official, pk=int(raw))
    except NotFound:
        raise Http404 from None


def may_add_items(official: Official, plan: Plan) -> bool:
    """The rule of ``services.plan_add_item``: the plan's issuer or who may plan for its unit."""
    return official.pk == plan.owner_id or services.may_plan(official=official, unit=plan.unit)


@dataclass
class ItemLine:
    row: Row
    weight: int
    progress: int
    # the viewer may see the task itself (else: its title, agency, due time and progress)
    visible: bool = True


def _render_plan(
    request: HttpRequest,
    official: Official,
    plan: Plan,
    *,
    form: PlanItemForm | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    progress = selectors.plan_progress(plan=plan, now=now, official=official)
    engines = Engines()
    items = [
        ItemLine(
            row=_row(r.task, now, engines),
            weight=r.item.weight,
            progress=r.progress,
            visible=r.visible,
        )
        for r in progress.rows
    ]
    may_add = may_add_items(official, plan)
    if form is None and may_add:
        form = PlanItemForm(official=official, plan=plan)
    context = {
        "plan": plan,
        "milestones": plan.kind == PlanKind.REMEDY_PLAN,
        "progress": progress,
        "progress_percent": _percent(progress.progress),
        "done_percent": _percent(progress.done),
        "timeliness": [
            (key, label, progress.by_timeliness.get(key, 0)) for key, label in TIMELINESS.items()
        ],
        "items": items,
        "form": form if may_add else None,
        "error": error,
    }
    return render(request, "tasks/plan.html", context, status=status)


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: str) -> HttpResponse:
    official = signed_in(request)
    return _render_plan(request, official, _plan(official, plan_id))


@login_required
@require_POST
def plan_add_item(request: HttpRequest, plan_id: str) -> HttpResponse:
    official = signed_in(request)
    plan = _plan(official, plan_id)
    if not may_add_items(official, plan):
        # the service's refusal, said before reading a form this official is not offered
        refusal = PermissionDenied(
            "plan.forbidden", _("Items are added by the plan's issuer or the unit's leaders.")
        )
        return _render_plan(request, official, plan, error=refusal, status=refusal.status)
    form = PlanItemForm(request.POST, official=official, plan=plan)
    milestone = plan.kind == PlanKind.REMEDY_PLAN
    try:
        refuse_nul(request.POST)
        if form.is_valid():
            services.plan_add_item(
                actor=official, plan=plan, data=form.task_data(), weight=form.weight_value()
            )
            messages.success(
                request,
                _("The milestone was added.") if milestone else _("The item was added."),
            )
            return redirect("tasks:plan", plan_id=plan.pk)
        status = 400
    except DomainError as exc:
        _place_errors(form, exc)
        status = exc.status
    return _render_plan(request, official, plan, form=form, status=status)
