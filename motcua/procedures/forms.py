"""Forms of the catalogue pages: the catalogue's filters, the proposal editor and the import.

The editor's inputs are Django forms and formsets (rows of citizen actions, fees and
documents), turned into the JSON a proposal stores (see ``costs.parse_inputs``). Errors
that the services report by JSON path (``current.actions.0.hours``) go back to the form
and field that produced that place, so they show next to the input.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core import signing
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from motcua.org.models import AdministrativeUnit, UnitLevel
from motcua.procedures import spreadsheet
from motcua.procedures.models import LimitUnit, OnlineLevel, Procedure, Sector

SIDES = ("current", "proposed")
ROWS = ("actions", "fees", "documents")
_INDENT = "\u00a0\u00a0\u00a0"


class UnitChoiceField(forms.ModelChoiceField[AdministrativeUnit]):
    """Units in tree order, indented by level, chosen by code."""

    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{_INDENT * (obj.level.rank - 1)}{obj.name}"


def units_in_tree_order() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.select_related("level").order_by("path")


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or code, with or without accents")}
        ),
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=units_in_tree_order(),
        to_field_name="code",
        required=False,
        empty_label=_("All units"),
    )
    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=UnitLevel.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All levels"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All sectors"),
    )


class ProposalActionForm(forms.Form):
    LABELS: Mapping[str, Any] = {
        "submit": _("Submit for decision"),
        "approve": _("Approve"),
        "reject": _("Reject"),
        "reopen": _("Reopen as a draft"),
        "implement": _("Implement: create the simplified version"),
    }
    action = forms.ChoiceField(choices=list(LABELS.items()))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    effective_from = forms.DateField(
        label=_("The simplified version applies from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# -- the proposal editor -------------------------------------------------------------------


class ProposalForm(forms.Form):
    procedure = forms.CharField(label=_("Procedure (national code)"), max_length=40)
    unit = UnitChoiceField(
        label=_("Proposing unit"), queryset=AdministrativeUnit.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label=_("Title of the proposal"), max_length=500)
    year = forms.IntegerField(
        label=_("Year of the average income"),
        min_value=1990,
        max_value=2100,
        help_text=_("The average monthly income of this year prices a citizen's hour."),
    )
    rationale = forms.CharField(
        label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, units: QuerySet[AdministrativeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            # editing: a proposal keeps its procedure, unit and year
            del self.fields["procedure"]
            del self.fields["unit"]
            self.fields["year"].disabled = True
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_procedure(self) -> Procedure:
        code = self.cleaned_data["procedure"].strip()
        found = Procedure.objects.select_related("sector", "level").filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("No procedure has this code."))
        return found


def _money(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, required=False, initial=0)


class SideForm(forms.Form):
    """The scalar cost inputs and the time limit of one side (current or proposed)."""

    time_limit_value = forms.DecimalField(
        label=_("Time limit"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    time_limit_unit = forms.ChoiceField(
        label=_("Unit of the time limit"), choices=LimitUnit.choices, initial=LimitUnit.WORKING_DAYS
    )
    online_level = forms.ChoiceField(
        label=_("Online service level"),
        choices=[("", _("Not stated")), *OnlineLevel.choices],
        required=False,
    )
    hired_services_vnd = _money(_("Hired services (VND)"))
    other_costs_vnd = _money(_("Other costs (VND)"))
    subjects_per_year = forms.IntegerField(label=_("Subjects per year"), min_value=0)
    times_per_year = forms.IntegerField(
        label=_("Times per subject per year"), min_value=0, initial=1
    )


class RowForm(forms.Form):
    """One row of a list; a row whose ``row_fields`` are all empty is no row at all."""

    row_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        if not self.is_bound:
            return False
        return all(not str(self.data.get(self.add_prefix(n), "")).strip() for n in self.row_fields)


class ActionForm(RowForm):
    row_fields = ("name", "hours")
    name = forms.CharField(label=_("Citizen action"), max_length=300)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=7, decimal_places=2)


class FeeForm(RowForm):
    row_fields = ("name", "amount_vnd")
    name = forms.CharField(label=_("Fee or charge"), max_length=300)
    amount_vnd = forms.IntegerField(label=_("Amount (VND)"), min_value=0)


class DocumentRowForm(RowForm):
    row_fields = ("name",)
    name = forms.CharField(label=_("Document"), max_length=500)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)


class RowFormSet(forms.BaseFormSet[RowForm]):
    """Rows that may be left blank (ignored) or ticked for removal."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None:  # the empty form (index None) is built empty_permitted already
            # every row, even one shown with a value, may be emptied: it then drops out
            kwargs["empty_permitted"] = True
        return kwargs

    def _should_delete_form(self, form: forms.Form) -> bool:
        # Django skips the errors of forms to delete: a blank row is one
        blank = isinstance(form, RowForm) and form.is_blank()
        return blank or bool(super()._should_delete_form(form))  # type: ignore[misc]

    def live_forms(self) -> list[forms.Form]:
        """The rows that count, after validation."""
        return [f for f in self.forms if not self._should_delete_form(f)]


ActionFormSet = forms.formset_factory(ActionForm, formset=RowFormSet, extra=1, can_delete=True)
FeeFormSet = forms.formset_factory(FeeForm, formset=RowFormSet, extra=1, can_delete=True)
DocumentFormSet = forms.formset_factory(
    DocumentRowForm, formset=RowFormSet, extra=1, can_delete=True
)
_FORMSETS = {"actions": ActionFormSet, "fees": FeeFormSet, "documents": DocumentFormSet}


def json_number(value: Decimal) -> int | float:
    """A whole number as an int, else a float (whose repr reads back as the same Decimal)."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class Side:
    name: str
    form: SideForm
    rows: dict[str, RowFormSet]
    # JSON place ("actions.0") -> the row form it came from, for putting errors back
    places: dict[str, forms.Form] = field(default_factory=dict)

    @classmethod
    def build(cls, name: str, data: Mapping[str, Any] | None, stored: Mapping[str, Any]) -> Side:
        initial = _side_initial(stored) if data is None else {}
        return cls(
            name=name,
            form=SideForm(data, prefix=name, initial=initial.get("form")),
            rows={
                kind: cast(
                    RowFormSet, formset(data, prefix=f"{name}-{kind}", initial=initial.get(kind))
                )
                for kind, formset in _FORMSETS.items()
            },
        )

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.rows.values()]
        return all(results)

    def as_json(self) -> dict[str, Any]:
        """What the proposal stores for this side (valid forms only)."""
        cleaned = self.form.cleaned_data
        self.places = {}
        data: dict[str, Any] = {}
        for kind in ROWS:
            items: list[dict[str, Any]] = []
            for form in self.rows[kind].live_forms():
                self.places[f"{kind}.{len(items)}"] = form
                items.append(_row_json(kind, form.cleaned_data))
            if items or kind != "documents":
                # no documents listed means "documents unchanged", not "no documents"
                data[kind] = items
        data["hired_services_vnd"] = cleaned["hired_services_vnd"] or 0
        data["other_costs_vnd"] = cleaned["other_costs_vnd"] or 0
        data["subjects_per_year"] = cleaned["subjects_per_year"]
        data["times_per_year"] = cleaned["times_per_year"]
        if cleaned["time_limit_value"] is not None:
            data["time_limit"] = {
                "value": json_number(cleaned["time_limit_value"]),
                "unit": cleaned["time_limit_unit"],
            }
        if cleaned["online_level"]:
            data["online_level"] = cleaned["online_level"]
        return data

    def add_error(self, path: Sequence[str], message: str) -> None:
        """Put an error reported at ``path`` (below this side) next to its input."""
        if len(path) >= 2 and path[0] in ROWS:
            form = self.places.get(f"{path[0]}.{path[1]}")
            if form is not None:
                name = path[2] if len(path) > 2 and path[2] in form.fields else None
                form.add_error(name, message)
                return
        name = {"time_limit": "time_limit_value"}.get(path[0], path[0]) if path else ""
        self.form.add_error(name if name in self.form.fields else None, message)


def _row_json(kind: str, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    if kind == "actions":
        return {"name": cleaned["name"].strip(), "hours": json_number(cleaned["hours"])}
    if kind == "fees":
        return {"name": cleaned["name"].strip(), "amount_vnd": cleaned["amount_vnd"]}
    return {"name": cleaned["name"].strip(), "mandatory": bool(cleaned["mandatory"])}


def _side_initial(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Initial values of a side's forms from its stored JSON (tolerant of odd values)."""
    limit = stored.get("time_limit")
    limit = limit if isinstance(limit, Mapping) else {}

    def rows(kind: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
        raw = stored.get(kind)
        items = raw if isinstance(raw, list) else []
        return [{k: item.get(k) for k in keys} for item in items if isinstance(item, Mapping)]

    return {
        "form": {
            "time_limit_value": limit.get("value"),
            "time_limit_unit": limit.get("unit", LimitUnit.WORKING_DAYS),
            "online_level": stored.get("online_level", ""),
            "hired_services_vnd": stored.get("hired_services_vnd", 0),
            "other_costs_vnd": stored.get("other_costs_vnd", 0),
            "subjects_per_year": stored.get("subjects_per_year"),
            "times_per_year": stored.get("times_per_year", 1),
        },
        "actions": rows("actions", ("name", "hours")),
        "fees": rows("fees", ("name", "amount_vnd")),
        "documents": rows("documents", ("name", "mandatory")),
    }


# keys of a side that the editor writes; any other key stored (by the API) is kept
EDITED_KEYS = frozenset(
    {
        *ROWS,
        "hired_services_vnd",
        "other_costs_vnd",
        "subjects_per_year",
        "times_per_year",
        "time_limit",
        "online_level",
    }
)


class ProposalEditor:
    """The proposal form and both sides, bound to a POST or filled from stored values."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        units: QuerySet[AdministrativeUnit] | None = None,
        initial: Mapping[str, Any] | None = None,
        stored: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.form = ProposalForm(data, units=units, initial=initial)
        self.stored = stored or {}
        self.sides = {name: Side.build(name, data, self.stored.get(name, {})) for name in SIDES}
        self._payload: dict[str, Any] | None = None

    @property
    def current(self) -> Side:
        return self.sides["current"]

    @property
    def proposed(self) -> Side:
        return self.sides["proposed"]

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [s.is_valid() for s in self.sides.values()]
        return all(results)

    def payload(self) -> dict[str, Any]:
        """``{year, current, proposed}`` as the compliance-cost endpoint takes it; values the
        editor does not show (stored through the API) are kept."""
        if self._payload is None:
            sides = {}
            for name, side in self.sides.items():
                kept = {k: v for k, v in self.stored.get(name, {}).items() if k not in EDITED_KEYS}
                sides[name] = {**kept, **side.as_json()}
            self._payload = {"year": self.form.cleaned_data["year"], **sides}
        return self._payload

    def add_errors(self, fields: Mapping[str, Sequence[str]], message: str) -> None:
        """Errors of a domain error: by field path where given, else the message on top."""
        for key, messages in fields.items():
            head, *rest = key.split(".")
            for text in messages:
                if head in self.sides:
                    self.sides[head].add_error(rest, text)
                elif head in self.form.fields:
                    self.form.add_error(head, text)
                else:
                    self.form.add_error(None, text)
        if not fields:
            self.form.add_error(None, message)


# -- the catalogue import page -------------------------------------------------------------


class CatalogueImportForm(forms.Form):
    """A catalogue spreadsheet: checked first (a dry run); imported when the form carries
    the signed token of a clean check of the same file by the same official.

    Nothing is kept on the server between the check and the import: the page that shows
    the check's report asks for the file again and holds, in a hidden field, the file's
    SHA-256 signed with the secret key (so any application process can verify it)."""

    SALT = "motcua.procedures.catalogue-import"
    TOKEN_MAX_AGE = 2 * 60 * 60  # seconds a check stands for the import

    file = forms.FileField(
        label=_("Catalogue spreadsheet (.xlsx or .csv)"),
        help_text=_(
            "One row per procedure, the first row naming the columns, as in the export. "
            "Checking the file writes nothing."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    checked = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, official_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.official_id = official_id
        self.sheet: spreadsheet.Sheet | None = None
        self.digest = ""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            spreadsheet.check_file_size(upload.size)
            data = upload.read()
            self.sheet = spreadsheet.read_catalogue(data, upload.name or "")
        except spreadsheet.UnreadableFile as exc:
            raise forms.ValidationError(exc.message) from None
        self.digest = hashlib.sha256(data).hexdigest()
        return upload

    def token(self) -> str:
        """The proof that this file was checked (valid form only)."""
        return signing.dumps({"sha256": self.digest, "by": self.official_id}, salt=self.SALT)

    def confirmed(self) -> bool:
        """Whether the form carries a recent token of a check of this very file."""
        raw = self.cleaned_data.get("checked") or ""
        if not raw:
            return False
        try:
            found = signing.loads(raw, salt=self.SALT, max_age=self.TOKEN_MAX_AGE)
        except signing.BadSignature:  # also an expired one
            return False
        return found == {"sha256": self.digest, "by": self.official_id}

    def confirming(self, name: str) -> CatalogueImportForm:
        """The form of the import after a clean check: the same file, chosen again."""
        form = CatalogueImportForm(official_id=self.official_id, initial={"checked": self.token()})
        form.fields["file"].label = _("Choose the same file again")
        form.fields["file"].help_text = _(
            "Checked: %(name)s. For safety the browser does not keep the file: choose it "
            "again to import it; a different file is only checked."
        ) % {"name": name}
        return form


# -- publication decisions -----------------------------------------------------------------


def procedure_codes(text: str) -> list[str]:
    """Codes typed one per line or separated by commas (or semicolons, or blanks), in
    order, each once."""
    return list(dict.fromkeys(re.split(r"[\s,;]+", text.strip()))) if text.strip() else []


class DecisionForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Issuing unit"), queryset=AdministrativeUnit.objects.none(), to_field_name="code"
    )
    number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "1234/QĐ-UBND"}),
    )
    title = forms.CharField(
        label=_("Summary of the decision"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"placeholder": _("Publishing the list of administrative procedures of…")}
        ),
    )
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    effective_on = forms.DateField(
        label=_("Effective on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The procedures are resolved by the units from this day."),
    )

    def __init__(self, *args: Any, units: QuerySet[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PublicationRowForm(RowForm):
    """Procedures one unit (and, where named, one of its agencies) resolves."""

    row_fields = ("unit", "agency", "procedures")
    unit = UnitChoiceField(
        label=_("Resolving unit"),
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="code",
        empty_label=_("Choose a unit"),
    )
    agency = forms.ChoiceField(label=_("Resolving agency (optional)"), required=False)
    procedures = forms.CharField(
        label=_("Procedure codes"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "1.001193\n2.000720"}),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[AdministrativeUnit],
        agencies: Sequence[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["agency"].choices = [("", _("The unit as a whole")), *agencies]  # type: ignore[attr-defined]

    def clean_procedures(self) -> list[str]:
        codes = procedure_codes(self.cleaned_data["procedures"])
        if not codes:
            raise forms.ValidationError(_("List at least one procedure."))
        return codes


class PublicationFormSet(RowFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(f.errors for f in self.forms) and not self.live_forms():
            raise forms.ValidationError(_("Publish at least one procedure for a unit."))

    def rows(self) -> list[tuple[list[str], str, str | None]]:
        """The live rows as the service takes them: (codes, unit code, agency code)."""
        return [
            (
                f.cleaned_data["procedures"],
                f.cleaned_data["unit"].code,
                f.cleaned_data["agency"] or None,
            )
            for f in self.live_forms()
        ]


PublicationRows = cast(
    type[PublicationFormSet],
    forms.formset_factory(PublicationRowForm, formset=PublicationFormSet, extra=2, can_delete=True),
)
