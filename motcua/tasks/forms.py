"""Forms of the task pages. They only read the inputs (times in Vietnam time, numbers);
the six "rõ" are checked by ``services``, whose errors are put next to each field."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, Agency, Official, Role, RoleGrant, UnitLevel
from motcua.tasks import services
from motcua.tasks.models import SourceKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# the working calendar's range
FIRST_YEAR, LAST_YEAR = 1970, 2200
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]


class VnDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read in Asia/Ho_Chi_Minh whatever the active timezone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            for fmt in INPUT_FORMATS:
                try:
                    naive = datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware below
                except ValueError:
                    continue
                if not FIRST_YEAR <= naive.year < LAST_YEAR:
                    break
                return naive.replace(tzinfo=VN)
            raise forms.ValidationError(_("A date and time, e.g. 2027-03-01 08:00."))
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(VN).strftime("%Y-%m-%dT%H:%M")
        return value


def assignable_agencies(official: Official) -> QuerySet[Agency]:
    """The agencies ``services.may_assign`` lets the official give tasks to, in one query
    (the same rule: their head, or a unit-wide chairman over their unit)."""
    rows = Agency.objects.select_related("unit").order_by("unit__path", "code")
    if official.is_superuser:
        return rows
    reach = Q(pk__in=[])
    for grant in org_selectors.role_grants_current(official=official):
        if grant.role == Role.UNIT_HEAD:
            reach |= Q(pk=grant.agency_id)
        if grant.role in services.ASSIGNING_ROLES & UNIT_WIDE_ROLES:
            reach |= Q(unit__path__startswith=grant.agency.unit.path)
    return rows.filter(reach)


def _leaders_above(official: Official) -> list[int]:
    """Official ids of the heads and chairmen of the official's units and the units above
    them: who may approve what the official assigns."""
    paths: set[str] = set()
    for grant in org_selectors.role_grants_current(official=official):
        parts = [p for p in grant.agency.unit.path.split("/") if p]
        paths.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    today = timezone.localdate()
    return list(
        RoleGrant.objects.filter(
            agency__unit__path__in=paths,
            role__in=[Role.UNIT_HEAD, Role.CHAIRMAN],
            valid_from__lte=today,
            official__is_active=True,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("official_id", flat=True)
    )


def _members(agencies: QuerySet[Agency]) -> list[tuple[str, str]]:
    """(username, "Name — agency") of officials with a current role in the agencies."""
    today = timezone.localdate()
    grants = (
        RoleGrant.objects.filter(agency__in=agencies.values("pk"), valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(official__is_active=True)
        .select_related("official", "agency")
        .order_by("agency__code", "official__full_name", "official__username")
    )
    seen: set[tuple[int, int]] = set()
    out = []
    for g in grants:
        if (g.official_id, g.agency_id) in seen:
            continue
        seen.add((g.official_id, g.agency_id))
        out.append((g.official.username, f"{g.official.display_name} — {g.agency.code}"))
    return out


def _unique(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for key, label in rows:
        if key not in seen:
            seen.add(key)
            out.append((key, label))
    return out


class TaskBaseForm(forms.Form):
    title = forms.CharField(label=_("Task (rõ việc)"), required=False, max_length=300)
    description = forms.CharField(
        label=_("What is to be done"), required=False, max_length=5000, widget=forms.Textarea
    )
    coordinating_officials = forms.MultipleChoiceField(
        label=_("Coordinating officials"), required=False
    )
    coordinating_agencies = forms.MultipleChoiceField(
        label=_("Coordinating agencies"), required=False
    )
    start = VnDateTimeField(label=_("Start (Vietnam time)"), required=False)
    due_at = VnDateTimeField(label=_("Due at (rõ thời gian, Vietnam time)"), required=False)
    working_days = forms.IntegerField(
        label=_("or within working days"), required=False, min_value=1, max_value=1000
    )
    approver = forms.ChoiceField(label=_("Approver (rõ thẩm quyền)"), required=False)
    deliverable = forms.CharField(
        label=_("Expected result (rõ kết quả)"), required=False, max_length=500
    )
    source_kind = forms.ChoiceField(
        label=_("Source"),
        choices=[c for c in SourceKind.choices if c[0] not in services.OWN_SERVICE_SOURCES],
        initial=SourceKind.DIRECT,
    )
    source = forms.CharField(label=_("Source reference"), required=False, max_length=300)

    def __init__(self, *args: Any, official: Official, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.official = official
        self.assignable = assignable_agencies(official)
        visible = org_selectors.officials_visible(official=official).filter(is_active=True)
        people = [(o.username, o.display_name) for o in visible.order_by("full_name", "username")]
        approvers = Official.objects.filter(
            Q(pk__in=visible.values("pk")) | Q(pk__in=_leaders_above(official))
        ).order_by("full_name", "username")
        self._choices("approver", [("", "—"), *[(o.username, o.display_name) for o in approvers]])
        self._choices("coordinating_officials", people)
        self._choices(
            "coordinating_agencies",
            [
                (a.code, f"{a.code} — {a.name}")
                for a in org_selectors.agencies_visible(official=official).order_by("code")
            ],
        )

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - our own fields
        field.choices = choices

    def _official(self, username: str) -> Official | None:
        if not username:
            return None
        return Official.objects.filter(username=username, is_active=True).first()

    def task_data(self) -> services.TaskData:
        c = self.cleaned_data
        return services.TaskData(
            title=c.get("title") or "",
            description=c.get("description") or "",
            approver=self._official(c.get("approver") or ""),
            start=c.get("start"),
            due_at=c.get("due_at"),
            working_days=c.get("working_days"),
            deliverable=c.get("deliverable") or "",
            coordinating_officials=list(
                Official.objects.filter(username__in=c.get("coordinating_officials") or [])
            ),
            coordinating_agencies=list(
                Agency.objects.filter(code__in=c.get("coordinating_agencies") or [])
            ),
            source_kind=c.get("source_kind") or SourceKind.DIRECT,
            source=c.get("source") or "",
        )


class TaskForm(TaskBaseForm):
    """One task: the responsible official is one of the lead agency's officials."""

    field_order = ["title", "description", "lead_agency", "assignee"]
    lead_agency = forms.ChoiceField(label=_("Lead agency (rõ trách nhiệm)"), required=False)
    assignee = forms.ChoiceField(label=_("Responsible official (rõ người)"), required=False)

    def __init__(self, *args: Any, official: Official, **kwargs: Any) -> None:
        super().__init__(*args, official=official, **kwargs)
        self._choices(
            "lead_agency",
            [
                ("", "—"),
                *[(a.code, f"{a.code} — {a.name}") for a in self.assignable],
            ],
        )
        self._choices("assignee", [("", "—"), *_unique(_members(self.assignable))])

    def task_data(self) -> services.TaskData:
        data = super().task_data()
        code = self.cleaned_data.get("lead_agency") or ""
        data.lead_agency = self.assignable.filter(code=code).first() if code else None
        data.assignee = self._official(self.cleaned_data.get("assignee") or "")
        return data


class BroadcastForm(TaskBaseForm):
    """One task to every agency of a level in reach, or to the agencies chosen."""

    field_order = ["title", "description", "level", "agencies"]
    level = forms.ChoiceField(label=_("Every agency of the level"), required=False)
    agencies = forms.MultipleChoiceField(label=_("or these agencies"), required=False)

    def __init__(self, *args: Any, official: Official, **kwargs: Any) -> None:
        super().__init__(*args, official=official, **kwargs)
        self._choices(
            "level",
            [
                ("", "—"),
                *[(lv.code, lv.name) for lv in UnitLevel.objects.order_by("rank")],
            ],
        )
        self._choices(
            "agencies",
            [(a.code, f"{a.code} — {a.name}") for a in self.assignable.exclude(kind="one_stop")],
        )

    def chosen_agencies(self) -> list[Agency]:
        level = self.cleaned_data.get("level") or ""
        rows = self.assignable.exclude(kind="one_stop")
        if level:
            return list(rows.filter(unit__level__code=level))
        return list(rows.filter(code__in=self.cleaned_data.get("agencies") or []))
