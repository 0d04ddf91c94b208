"""Forms of the officials' misconduct-report pages: a report filed by an official, the
assignment to an investigator, the finding that closes it. The services check everything
again; these forms only turn the posted text into values and keep what was typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.inspections.models import MisconductKind
from motcua.org.models import Agency, Official

MAX_TEXT = 5000


class AgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name} ({obj.unit.name})"


class InvestigatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


def current_agencies() -> QuerySet[Agency]:
    day = timezone.localdate()
    return (
        Agency.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("unit")
        .order_by("unit__path", "code")
    )


class MisconductNewForm(forms.Form):
    """A report an official files about an agency (and, optionally, a dossier and one of
    its officials), for themself or for a citizen who came or called."""

    kind = forms.ChoiceField(label=_("What happened?"), choices=MisconductKind.choices)
    description = forms.CharField(
        label=_("Describe what happened"),
        help_text=_("When and where, what was said or asked, and anything that helps check it."),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    agency = AgencyField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— choose the agency —"),
        help_text=_("Needed unless you give the code of a dossier you may see."),
    )
    dossier = forms.CharField(
        label=_("Dossier code (optional)"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    official = forms.CharField(
        label=_("Name of the official reported (optional)"), required=False, max_length=200
    )
    reporter_name = forms.CharField(
        label=_("Reporter"),
        required=False,
        max_length=200,
        help_text=_("You, or the citizen you file the report for."),
    )
    reporter_contact = forms.CharField(
        label=_("Reporter's phone number or e-mail (optional)"), required=False, max_length=254
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)  # noqa: S101
        agency.queryset = current_agencies()


class AssignForm(forms.Form):
    """The investigator, among those the service accepts, and the time in working days."""

    investigator = InvestigatorField(
        label=_("Investigator"),
        queryset=Official.objects.none(),
        to_field_name="username",
        empty_label=_("— choose the investigator —"),
        help_text=_("An inspector over the agency, with no role in it and not the one reported."),
    )
    working_days = forms.IntegerField(
        label=_("Working days to investigate"),
        min_value=1,
        max_value=90,
        initial=10,
        help_text=_("Counted by the agency's working calendar from now."),
    )

    def __init__(self, *args: Any, investigators: Iterable[Official], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["investigator"]
        assert isinstance(field, InvestigatorField)  # noqa: S101
        # the list offers those the service accepts; any active official is taken, so that
        # the service, which decides, says why another one may not investigate it
        field.queryset = Official.objects.filter(is_active=True)
        field.widget.choices = [
            ("", field.empty_label),
            *((o.username, field.label_from_instance(o)) for o in investigators),
        ]


class CloseForm(forms.Form):
    """The finding: substantiated or not, and the action taken (required when it is)."""

    substantiated = forms.TypedChoiceField(
        label=_("Finding"),
        choices=[("yes", _("Substantiated")), ("no", _("Not substantiated"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    action_taken = forms.CharField(
        label=_("Action taken"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("Required when the report is substantiated; the reporter is told it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
