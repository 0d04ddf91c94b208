from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import ApplicantType, Rating
from motcua.inspections.models import MisconductKind
from motcua.org.models import Agency
from motcua.procedures.models import RequiredDocument, Sector

# what the file store accepts (dossiers/files.py checks the content itself)
ACCEPT = ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx"


class PortalSearchForm(forms.Form):
    q = forms.CharField(
        label=_("What do you need to do?"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. đăng ký khai sinh, or dang ky khai sinh"),
                "autocomplete": "off",
            }
        ),
    )
    sector = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All fields"),
    )


# -- dossiers: look-up and the citizen's actions --------------------------------------------


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=60,
        help_text=_("As printed on your receipt, e.g. DL.MC-270301-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    id_number = forms.CharField(
        label=_("ID document number of the applicant"),
        max_length=20,
        help_text=_("The 12-digit citizen ID number (or the 9-digit old ID) given when applying."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class _Versioned(forms.Form):
    """The dossier's revision the page was drawn from: acting on a dossier that changed
    meanwhile (an officer acted, or the form was sent twice) is refused, not repeated."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("The page is out of date: reload it and try again."),
            "invalid": _("The page is out of date: reload it and try again."),
            "min_value": _("The page is out of date: reload it and try again."),
        },
    )


class SupplementForm(_Versioned):
    """One upload per item the officer asked for, and a note."""

    note = forms.CharField(
        label=_("Note for the officer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for i, item in enumerate(items):
            self.fields[f"file_{i}"] = forms.FileField(
                label=item,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"file_{i}"] for i in range(len(self.items))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("note", "").strip() and not any(
            data.get(f"file_{i}") for i in range(len(self.items))
        ):
            raise forms.ValidationError(_("Attach at least one file, or write a note."))
        return data


class PaymentForm(_Versioned):
    confirm = forms.BooleanField(
        label=_("I have paid this amount online."),
        error_messages={"required": _("Tick the box to confirm that you have paid.")},
    )
    note = forms.CharField(
        label=_("Payment reference or note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(),
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Rating.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _current_agencies() -> Any:
    day = timezone.localdate()
    return (
        Agency.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit.name})"


class MisconductForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened?"), choices=MisconductKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Describe what happened"),
        help_text=_("When and where, what was said or asked, and anything that helps check it."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    dossier = forms.CharField(
        label=_("Dossier code (optional)"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    agency = AgencyChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— choose the agency —"),
        help_text=_("Needed unless you report from a dossier you looked up."),
    )
    official = forms.CharField(
        label=_("Name of the official (optional)"),
        required=False,
        max_length=200,
        help_text=_("As you know it, e.g. from a name badge."),
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    reporter_contact = forms.CharField(
        label=_("Your phone number or e-mail (optional)"),
        required=False,
        max_length=254,
        help_text=_("Only to tell you the outcome. You may report without giving it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)  # noqa: S101
        agency.queryset = _current_agencies()


class SubmissionForm(forms.Form):
    """An online submission: the applicant, where to file it, and one upload per document
    the procedure's version asks for (mandatory ones required)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    id_number = forms.CharField(
        label=_("ID document number"),
        max_length=20,
        help_text=_("12-digit citizen ID number, or the 9-digit old ID."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        help_text=_("For news of your dossier by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    applicant_type = forms.ChoiceField(
        label=_("Applying as"), choices=ApplicantType.choices, initial=ApplicantType.PERSON
    )
    agency = AgencyChoiceField(
        label=_("Where to file it"), queryset=Agency.objects.none(), to_field_name="code"
    )

    def __init__(
        self, *args: Any, documents: list[RequiredDocument], agencies: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)  # noqa: S101
        agency.queryset = agencies
        only = list(agencies[:2])
        if len(only) == 1:  # one place to file it: chosen already
            agency.initial = only[0].code
        self.documents = documents
        for i, doc in enumerate(documents):
            self.fields[f"doc_{i}"] = forms.FileField(
                label=doc.name,
                required=doc.mandatory,
                help_text="" if doc.mandatory else _("Only if it applies to you."),
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    def applicant_fields(self) -> list[forms.BoundField]:
        names = ["full_name", "id_number", "phone", "email", "address", "applicant_type"]
        return [self[n] for n in names]

    def document_fields(self) -> list[forms.BoundField]:
        return [self[f"doc_{i}"] for i in range(len(self.documents))]
