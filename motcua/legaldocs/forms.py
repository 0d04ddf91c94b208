"""Forms of the register's pages. They only read the inputs (dates, choices among what the
official may use); the rules of a document, a review and an outcome are the services',
whose errors are put next to each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.legaldocs import services
from motcua.legaldocs.models import (
    DocumentKind,
    LegalDocument,
    LegalReview,
    Outcome,
    RelationKind,
    ReviewKind,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, Official, RoleGrant
from motcua.tasks.forms import VnDateTimeField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_INDENT = "\u00a0\u00a0\u00a0"


def keeper_units(official: Official) -> QuerySet[AdministrativeUnit]:
    """The units whose register the official keeps (``services.may_keep_register``)."""
    return (
        org_selectors.units_reached(official=official, roles=services.KEEPERS)
        .select_related("level")
        .order_by("path")
    )


def unit_label(unit: AdministrativeUnit) -> str:
    return f"{_INDENT * (unit.level.rank - 1)}{unit.name}"


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE, input_formats=DATE_FORMATS)


def _text_field(label: Any, limit: int, *, textarea: bool = False) -> forms.CharField:
    # no max_length check here: the service names a text that is too long with the others
    attrs = {"maxlength": str(limit)}
    widget = forms.Textarea(attrs={**attrs, "rows": "3"}) if textarea else forms.TextInput(attrs)
    return forms.CharField(label=label, required=False, widget=widget, strip=False)


class LegalForm(forms.Form):
    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - our own fields
        field.choices = choices

    def put_errors(self, fields: dict[str, list[str]], message: str) -> None:
        """A service's errors next to their fields (where the form has not said something
        of that field already); the others, and the message when no field is named, on
        top of the form."""
        placed = False
        for key, msgs in fields.items():
            name = key.split(".")[0]
            if name in self.fields:
                placed = True
                if name not in self.errors:
                    for m in msgs:
                        self.add_error(name, str(m))
            else:
                for m in msgs:
                    self.add_error(None, str(m))
        if not placed:
            self.add_error(None, message)


class DocumentForm(LegalForm):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    number = _text_field(_("Number"), 60)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *DocumentKind.choices]
    )
    title = _text_field(_("Title"), 500, textarea=True)
    issuing_body = _text_field(_("Issuing body"), 200)
    signer = _text_field(_("Signed by"), 200)
    issued_on = _date_field(_("Signed on"))
    effective_on = _date_field(_("Effective on"))
    expires_on = _date_field(_("Expires on (if it says)"))
    subject = _text_field(_("Subject"), 200)

    def __init__(self, *args: Any, units: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        choices = [(u.code, unit_label(u)) for u in units]
        self._choices("unit", choices if len(units) == 1 else [("", "—"), *choices])

    def document_data(self) -> services.DocumentData:
        c = getattr(self, "cleaned_data", {})
        return services.DocumentData(
            unit=self.units.get(c.get("unit") or ""),
            number=c.get("number") or "",
            kind=c.get("kind") or "",
            title=c.get("title") or "",
            issuing_body=c.get("issuing_body") or "",
            signer=c.get("signer") or "",
            issued_on=c.get("issued_on"),
            effective_on=c.get("effective_on"),
            expires_on=c.get("expires_on"),
            subject=c.get("subject") or "",
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("The document's file (PDF, DOCX, JPEG, PNG or TIFF)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png,.tif,.tiff"}),
    )


class RelationForm(LegalForm):
    kind = forms.ChoiceField(
        label=_("This document"), required=False, choices=[("", "—"), *RelationKind.choices]
    )
    target = forms.ChoiceField(label=_("Document"), required=False)

    def __init__(self, *args: Any, targets: list[LegalDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {str(d.pk): d for d in targets}
        self._choices(
            "target",
            [("", "—"), *[(str(d.pk), f"{d.number} — {d.title[:120]}") for d in targets]],
        )

    def chosen(self) -> LegalDocument | None:
        return self.targets.get(getattr(self, "cleaned_data", {}).get("target") or "")


class ImportForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    file = forms.FileField(
        label=_("Register spreadsheet (.xlsx or .csv)"),
        help_text=_(
            "One row per document, the first row naming the columns: number, kind, title, "
            "issuing_body, signer, issued_on, effective_on, expires_on, subject."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, units: list[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - our own field
        field.choices = [(u.code, unit_label(u)) for u in units]

    def chosen_unit(self) -> AdministrativeUnit | None:
        return self.units.get(getattr(self, "cleaned_data", {}).get("unit") or "")


class ReviewForm(LegalForm):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    title = _text_field(_("Title"), 300)
    kind = forms.ChoiceField(
        label=_("Kind of review"), required=False, choices=[("", "—"), *ReviewKind.choices]
    )
    trigger = forms.ChoiceField(
        label=_("New base document (for a review it triggers)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        units: list[AdministrativeUnit],
        triggers: list[LegalDocument],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        self.triggers = {str(d.pk): d for d in triggers}
        choices = [(u.code, unit_label(u)) for u in units]
        self._choices("unit", choices if len(units) == 1 else [("", "—"), *choices])
        self._choices(
            "trigger",
            [
                ("", "—"),
                *[(str(d.pk), f"{d.unit.name}: {d.number} — {d.title[:100]}") for d in triggers],
            ],
        )

    def review_args(self) -> dict[str, Any]:
        c = getattr(self, "cleaned_data", {})
        return {
            "unit": self.units.get(c.get("unit") or ""),
            "title": c.get("title") or "",
            "kind": c.get("kind") or "",
            "trigger": self.triggers.get(c.get("trigger") or ""),
        }


def unit_officials(unit: AdministrativeUnit) -> list[tuple[str, str]]:
    """(username, "Name — agency") of the active officials with a current role in an agency
    of the unit, each once (the first of their agencies by code)."""
    today = timezone.localdate()
    grants = (
        RoleGrant.objects.filter(agency__unit=unit, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(official__is_active=True)
        .select_related("official", "agency")
        .order_by("agency__code", "official__full_name", "official__username")
    )
    seen: set[str] = set()
    out = []
    for g in grants:
        if g.official.username in seen:
            continue
        seen.add(g.official.username)
        out.append((g.official.username, f"{g.official.display_name} — {g.agency.code}"))
    return out


class OutcomeForm(LegalForm):
    document = forms.ChoiceField(label=_("Document"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    reason = _text_field(_("Reason"), services.MAX_TEXT, textarea=True)
    base_document = _text_field(_("Base document"), 300)
    assignee = forms.ChoiceField(label=_("Responsible official (rõ người)"), required=False)
    lead_agency = forms.ChoiceField(label=_("Lead agency (rõ trách nhiệm)"), required=False)
    approver = forms.ChoiceField(label=_("Approver (rõ thẩm quyền)"), required=False)
    due_at = VnDateTimeField(label=_("Due at (rõ thời gian, Vietnam time)"), required=False)
    working_days = forms.IntegerField(
        label=_("or within working days"), required=False, min_value=1, max_value=1000
    )
    deliverable = _text_field(_("Expected result (rõ kết quả)"), 500)

    FOLLOW_UP = ("assignee", "lead_agency", "approver", "due_at", "working_days", "deliverable")

    def __init__(
        self,
        *args: Any,
        review: LegalReview,
        documents: list[LegalDocument],
        officials: list[tuple[str, str]],
        agencies: list[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.documents = {str(d.pk): d for d in documents}
        self.agencies = {a.code: a for a in agencies}
        self.usernames = {u for u, _label in officials}
        self._choices(
            "document",
            [("", "—"), *[(str(d.pk), f"{d.number} — {d.title[:120]}") for d in documents]],
        )
        people = [("", _("— by default —")), *officials]
        self._choices("assignee", people)
        self._choices("approver", people)
        self._choices(
            "lead_agency",
            [("", _("— by default —")), *[(a.code, f"{a.code} — {a.name}") for a in agencies]],
        )

    def _official(self, username: str) -> Official | None:
        if not username or username not in self.usernames:
            return None
        return Official.objects.filter(username=username, is_active=True).first()

    def record_args(self) -> dict[str, Any]:
        c = getattr(self, "cleaned_data", {})
        return {
            "document": self.documents.get(c.get("document") or ""),
            "outcome": c.get("outcome") or "",
            "reason": c.get("reason") or "",
            "base_document": c.get("base_document") or "",
            "follow_up": services.FollowUp(
                assignee=self._official(c.get("assignee") or ""),
                lead_agency=self.agencies.get(c.get("lead_agency") or ""),
                approver=self._official(c.get("approver") or ""),
                due_at=c.get("due_at"),
                working_days=c.get("working_days"),
                deliverable=c.get("deliverable") or "",
            ),
        }
