"""Forms of the commitment pages. They only read the inputs; the rules (a year in range, a
head of the agency, targets with a measure or assessed, weights and thresholds) are checked
by ``services``, whose errors are put next to the field or the target row they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.commitments import services
from motcua.commitments.models import Comparison, Metric, Target, TargetKind
from motcua.core.text import is_digits
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Official, Role, RoleGrant

# a new commitment's form shows at least this many target rows (the blank ones are skipped)
MIN_ROWS = 8


def chairable_agencies(official: Official) -> QuerySet[Agency]:
    """The agencies ``services.commitment_create`` lets the official chair a commitment of:
    those of the units his CHAIRMAN grants reach, less his own People's Committee (a
    chairman does not commit to himself)."""
    rows = Agency.objects.select_related("unit").order_by("unit__path", "code")
    if official.is_superuser:
        return rows
    grants = org_selectors.role_grants_current(official=official).filter(role=Role.CHAIRMAN)
    units = org_selectors.units_reached(official=official, roles={Role.CHAIRMAN})
    return rows.filter(unit__in=units.values("pk")).exclude(pk__in=grants.values("agency_id"))


def head_grants(agencies: QuerySet[Agency]) -> list[RoleGrant]:
    """The current grants that make someone the head of one of ``agencies`` (as the
    service's ``_is_head``: a unit head, or the chairman of a People's Committee)."""
    today = timezone.localdate()
    return list(
        RoleGrant.objects.filter(
            agency__in=agencies.values("pk"),
            role__in=services.HEAD_ROLES,
            valid_from__lte=today,
            official__is_active=True,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("official", "agency")
        .order_by("agency__unit__path", "agency__code", "official__full_name", "official__pk")
    )


def _int_or_raw(raw: str) -> object:
    """A whole number when the text is one; the text itself otherwise (the service names
    the problem); None when empty."""
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if is_digits(raw) and len(raw) < 10 else raw


def _pass_mark_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Pass mark (points out of 100)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"}),
    )


class CommitmentForm(forms.Form):
    year = forms.CharField(
        label=gettext_lazy("Year"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1990, "max": 2199}),
    )
    agency = forms.ChoiceField(label=gettext_lazy("Agency of the head"), required=False)
    head = forms.ChoiceField(label=gettext_lazy("Head who commits"), required=False)
    pass_mark = _pass_mark_field()

    def __init__(self, *args: Any, official: Official, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.official = official
        self.agencies = chairable_agencies(official)
        agency_list = list(self.agencies)
        grants = head_grants(self.agencies)
        self._choices(
            "agency", [("", "—"), *[(a.code, f"{a.code} — {a.name}") for a in agency_list]]
        )
        groups: dict[str, list[tuple[str, str]]] = {}
        for g in grants:
            if g.official_id == official.pk:
                continue
            label = f"{g.agency.code} — {g.agency.name}"
            groups.setdefault(label, []).append((g.official.username, g.official.display_name))
        self._choices("head", [("", "—"), *groups.items()])

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - our own fields
        field.choices = choices

    def chosen_agency(self) -> Agency | None:
        code = self.cleaned_data.get("agency") or ""
        return self.agencies.filter(code=code).first() if code else None

    def chosen_head(self) -> Official | None:
        username = self.cleaned_data.get("head") or ""
        if not username:
            return None
        return Official.objects.filter(username=username, is_active=True).first()

    def year_value(self) -> object:
        return _int_or_raw(self.cleaned_data.get("year") or "")

    def pass_mark_value(self) -> object:
        # blank stays blank: the service names it rather than a default filling in
        return (self.cleaned_data.get("pass_mark") or "").strip()


class PassMarkForm(forms.Form):
    pass_mark = _pass_mark_field()

    def pass_mark_value(self) -> object:
        # blank stays blank: the service names it rather than a default filling in
        return (self.cleaned_data.get("pass_mark") or "").strip()


def _blank_choice(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class TargetRowForm(forms.Form):
    """One row of targets; a row left wholly blank is not a target."""

    title = forms.CharField(label=gettext_lazy("Target"), required=False, strip=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=_blank_choice(TargetKind.choices)
    )
    metric = forms.ChoiceField(
        label=gettext_lazy("What the system measures"),
        required=False,
        choices=_blank_choice(Metric.choices),
    )
    comparison = forms.ChoiceField(
        label=gettext_lazy("Comparison"),
        required=False,
        choices=_blank_choice(Comparison.choices),
    )
    threshold = forms.CharField(
        label=gettext_lazy("Threshold"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
    )
    weight = forms.CharField(
        label=gettext_lazy("Weight (points)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 100}),
    )

    def is_blank(self) -> bool:
        c = self.cleaned_data
        return not any(str(c.get(name) or "").strip() for name in self.fields)

    def target_data(self) -> services.TargetData:
        c = self.cleaned_data
        threshold = str(c.get("threshold") or "").strip()
        return services.TargetData(
            title=str(c.get("title") or ""),
            kind=str(c.get("kind") or ""),
            metric=str(c.get("metric") or ""),
            comparison=str(c.get("comparison") or ""),
            threshold=threshold or None,
            weight=_int_or_raw(str(c.get("weight") or "")),
        )


TargetFormSet = forms.formset_factory(
    TargetRowForm,
    extra=0,
    max_num=services.MAX_TARGETS,
    absolute_max=services.MAX_TARGETS,
    validate_max=True,
)


def target_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> Any:
    return TargetFormSet(data, initial=initial, prefix="targets")


def padded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows and blank ones after them: at least ``MIN_ROWS`` rows, two blank ones when
    there is room."""
    size = min(services.MAX_TARGETS, max(MIN_ROWS, len(rows) + 2))
    return rows + [{} for _ in range(size - len(rows))]


def default_targets() -> list[dict[str, Any]]:
    """A usual set a chairman may submit as is: dossiers and tasks on time, no substantiated
    misconduct, every procedure published, and one target the evaluator assesses."""

    def measured(title: str, metric: str, comparison: str, threshold: str, weight: int) -> Any:
        return {
            "title": title,
            "kind": TargetKind.MEASURED,
            "metric": metric,
            "comparison": comparison,
            "threshold": threshold,
            "weight": str(weight),
        }

    return [
        measured(_("Dossiers resolved on time"), Metric.DOSSIER_ON_TIME, "at_least", "98", 30),
        measured(_("Tasks done on time"), Metric.TASK_ON_TIME, "at_least", "95", 25),
        measured(_("No substantiated misconduct report"), Metric.MISCONDUCT, "at_most", "0", 15),
        measured(
            _("Procedures of its level published"),
            Metric.PROCEDURES_PUBLISHED,
            "at_least",
            "100",
            10,
        ),
        {
            "title": _("Leadership, discipline and innovation in reform"),
            "kind": TargetKind.ASSESSED,
            "metric": "",
            "comparison": "",
            "threshold": "",
            "weight": "20",
        },
    ]


def targets_initial(targets: list[Target]) -> list[dict[str, Any]]:
    return [
        {
            "title": t.title,
            "kind": t.kind,
            "metric": t.metric,
            "comparison": t.comparison,
            "threshold": "" if t.threshold is None else str(t.threshold),
            "weight": str(t.weight),
        }
        for t in targets
    ]


def targets_posted(formset: Any) -> tuple[list[services.TargetData], list[int]]:
    """The targets of the non-blank rows, and for each the index of its row (the service
    numbers the targets it is given from 1; an error on ``targets.3`` belongs to the row
    of the third target given)."""
    data: list[services.TargetData] = []
    rows: list[int] = []
    for i, form in enumerate(formset.forms):
        if form.is_blank():
            continue
        data.append(form.target_data())
        rows.append(i)
    return data, rows
