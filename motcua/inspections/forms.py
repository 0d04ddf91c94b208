"""Forms of the inspection pages. They only read the inputs (units and people by code and
user name, dates, times in Vietnam time); every rule is the service's, whose errors are
put next to each field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from motcua.inspections import services
from motcua.inspections.models import Finding, FindingCategory, Inspection
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, Official, Role, RoleGrant
from motcua.tasks.forms import VnDateTimeField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def plannable_units(official: Official) -> QuerySet[AdministrativeUnit]:
    """The units whose inspections ``official`` may plan: those their inspector's role
    reaches (the rule of ``services.inspection_create``)."""
    return org_selectors.units_reached(official=official, roles=services.INSPECTORS).order_by(
        "path"
    )


def _current_grants() -> Q:
    today = timezone.localdate()
    return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def inspectors_for(units: QuerySet[AdministrativeUnit]) -> QuerySet[Official]:
    """Active officials with a current inspector's role in one of ``units`` or above one of
    them: those who may head an inspection of these units."""
    paths = set(units.values_list("path", flat=True))
    above = {
        "/" + "/".join(parts[:i]) + "/"
        for path in paths
        for parts in [[p for p in path.split("/") if p]]
        for i in range(1, len(parts) + 1)
    }
    grants = RoleGrant.objects.filter(
        _current_grants(), role=Role.INSPECTOR, agency__unit__path__in=above
    )
    return Official.objects.filter(is_active=True, pk__in=grants.values("official_id")).order_by(
        "full_name", "username"
    )


def _set_choices(field: forms.Field, choices: Sequence[tuple[str, StrOrPromise]]) -> None:
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - our own fields
    field.choices = choices


class InspectionForm(forms.Form):
    unit = forms.ChoiceField(label=_("Inspecting unit"), required=False)
    year = forms.IntegerField(label=_("Year of the plan"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    scope = forms.CharField(
        label=_("Scope (what is inspected)"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    period_from = forms.DateField(
        label=_("Period inspected: from"), required=False, widget=DATE, input_formats=DATE_FORMATS
    )
    period_to = forms.DateField(
        label=_("Period inspected: to"), required=False, widget=DATE, input_formats=DATE_FORMATS
    )
    starts_on = forms.DateField(
        label=_("The team works from"), required=False, widget=DATE, input_formats=DATE_FORMATS
    )
    ends_on = forms.DateField(
        label=_("The team works until"), required=False, widget=DATE, input_formats=DATE_FORMATS
    )
    head = forms.ChoiceField(label=_("Head of the team"), required=False)
    members = forms.MultipleChoiceField(label=_("Team members"), required=False)
    inspected_units = forms.MultipleChoiceField(label=_("Units inspected"), required=False)

    def __init__(self, *args: Any, official: Official, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = plannable_units(official)
        unit_choices = [(u.code, f"{u.code} — {u.name}") for u in self.units]
        _set_choices(self.fields["unit"], [("", "—"), *unit_choices])
        _set_choices(self.fields["inspected_units"], unit_choices)
        heads = [(o.username, o.display_name) for o in inspectors_for(self.units)]
        _set_choices(self.fields["head"], [("", "—"), *heads])
        visible = org_selectors.officials_visible(official=official).filter(is_active=True)
        _set_choices(
            self.fields["members"],
            [(o.username, o.display_name) for o in visible.order_by("full_name", "username")],
        )
        self.fields["year"].initial = timezone.localdate().year

    def inspection_data(self) -> services.InspectionData:
        c = self.cleaned_data
        code = c.get("unit") or ""
        head = c.get("head") or ""
        return services.InspectionData(
            unit=self.units.filter(code=code).first() if code else None,
            year=c.get("year"),
            title=c.get("title") or "",
            scope=c.get("scope") or "",
            period_from=c.get("period_from"),
            period_to=c.get("period_to"),
            starts_on=c.get("starts_on"),
            ends_on=c.get("ends_on"),
            head=Official.objects.filter(username=head, is_active=True).first() if head else None,
            members=list(
                Official.objects.filter(
                    username__in=c.get("members") or [], is_active=True
                ).order_by("pk")
            ),
            inspected_units=list(
                self.units.filter(code__in=c.get("inspected_units") or []).order_by("path")
            ),
        )


def _inspected_choices(inspection: Inspection) -> list[tuple[str, str]]:
    return [(u.code, f"{u.code} — {u.name}") for u in inspection.inspected_units.order_by("path")]


class FindingForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit concerned"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "—"), *FindingCategory.choices]
    )
    description = forms.CharField(
        label=_("Finding (the deficiency)"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "finding-%s")
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        _set_choices(self.fields["unit"], [("", "—"), *_inspected_choices(inspection)])

    def chosen_unit(self) -> AdministrativeUnit | None:
        code = self.cleaned_data.get("unit") or ""
        return self.inspection.inspected_units.filter(code=code).first() if code else None


def remedy_agencies(inspection: Inspection) -> QuerySet[Agency]:
    """The agencies of the inspected units (and of their sub-units): who may lead a remedy."""
    paths = list(inspection.inspected_units.values_list("path", flat=True))
    reach = Q(pk__in=[])
    for path in paths:
        reach |= Q(unit__path__startswith=path)
    return Agency.objects.filter(reach).select_related("unit").order_by("unit__path", "code")


class RecommendationForm(forms.Form):
    """A recommendation and its remedy task; a task field left empty takes the service's
    default (led by the unit's People's Committee, done by its head, approved by the head
    of the team, within 30 working days, a report on the remedy as its result)."""

    unit = forms.ChoiceField(label=_("Unit that remedies"), required=False)
    finding = forms.ChoiceField(label=_("From the finding"), required=False)
    text = forms.CharField(
        label=_("Recommendation"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_agency = forms.ChoiceField(label=_("Lead agency of the remedy"), required=False)
    assignee = forms.ChoiceField(label=_("Responsible official"), required=False)
    approver = forms.ChoiceField(label=_("Approver of the result"), required=False)
    working_days = forms.IntegerField(
        label=_("Within working days"), required=False, min_value=1, max_value=1000
    )
    due_at = VnDateTimeField(label=_("or due at (Vietnam time)"), required=False)
    deliverable = forms.CharField(label=_("Expected result"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        inspection: Inspection,
        findings: list[Finding],
        finding: Finding | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "rec-%s")
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.findings = findings
        self.agencies = remedy_agencies(inspection)
        _set_choices(self.fields["unit"], [("", "—"), *_inspected_choices(inspection)])
        _set_choices(
            self.fields["finding"],
            [("", "—"), *[(str(f.pk), f"#{f.pk} {f.description[:80]}") for f in findings]],
        )
        _set_choices(
            self.fields["lead_agency"],
            [("", _("Default: the unit's People's Committee"))]
            + [(a.code, f"{a.code} — {a.name}") for a in self.agencies],
        )
        today = _current_grants()
        grants = (
            RoleGrant.objects.filter(today, agency__in=self.agencies.values("pk"))
            .filter(official__is_active=True)
            .select_related("official", "agency")
            .order_by("agency__code", "official__full_name", "official__username")
        )
        people: dict[str, str] = {}
        for g in grants:
            people.setdefault(g.official.username, f"{g.official.display_name} — {g.agency.code}")
        _set_choices(
            self.fields["assignee"],
            [("", _("Default: the head of the lead agency")), *people.items()],
        )
        team = [inspection.head, *inspection.members.order_by("full_name", "username")]
        _set_choices(
            self.fields["approver"],
            [("", _("Default: the head of the team"))]
            + [(o.username, o.display_name) for o in team],
        )
        self.fields["working_days"].initial = services.REMEDY_DAYS
        if finding is not None:
            # from a finding: its unit, and the remedy led by that unit's People's Committee
            # and done by its head, as the service would default them
            self.fields["finding"].initial = str(finding.pk)
            self.fields["unit"].initial = finding.unit.code
            committee = self.agencies.filter(
                unit=finding.unit, kind=AgencyKind.PEOPLE_COMMITTEE
            ).first()
            if committee is not None:
                self.fields["lead_agency"].initial = committee.code
                head = org_selectors.agency_head(agency=committee, at=timezone.now())
                if head is not None and head.username in people:
                    self.fields["assignee"].initial = head.username
            self.fields["approver"].initial = inspection.head.username

    def _official(self, name: str) -> Official | None:
        username = self.cleaned_data.get(name) or ""
        return (
            Official.objects.filter(username=username, is_active=True).first() if username else None
        )

    def chosen_unit(self) -> AdministrativeUnit | None:
        code = self.cleaned_data.get("unit") or ""
        return self.inspection.inspected_units.filter(code=code).first() if code else None

    def chosen_finding(self) -> Finding | None:
        raw = self.cleaned_data.get("finding") or ""
        return next((f for f in self.findings if str(f.pk) == raw), None)

    def remedy(self) -> services.RemedyData:
        c = self.cleaned_data
        code = c.get("lead_agency") or ""
        return services.RemedyData(
            lead_agency=self.agencies.filter(code=code).first() if code else None,
            assignee=self._official("assignee"),
            approver=self._official("approver"),
            working_days=c.get("working_days"),
            due_at=c.get("due_at"),
            deliverable=c.get("deliverable") or "",
        )


class VerifyForm(forms.Form):
    effective = forms.ChoiceField(
        label=_("Did the remedy work?"),
        required=False,
        choices=[("1", _("Effective")), ("0", _("Not effective"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the check found"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def effective_value(self) -> bool | None:
        raw = self.cleaned_data.get("effective") or ""
        return {"1": True, "0": False}.get(raw)


class ReportForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
