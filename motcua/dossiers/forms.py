"""Forms of the officials' dossier pages: the counter, the actions on a dossier, the
apology letter. The services validate the domain rules (ID numbers, phones, completeness,
who may act); these forms check shapes and sizes and carry the services' per-field
errors back next to the inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers.models import ApplicantType, Channel
from motcua.dossiers.services import ApplicantData
from motcua.org.models import Agency
from motcua.procedures.models import RequiredDocument

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_LINES = 50
MAX_TEXT = 2000
# the services key applicant errors like "applicant.id_number"
SERVICE_FIELDS = {
    "applicant.full_name": "full_name",
    "applicant.id_number": "id_number",
    "applicant.phone": "phone",
    "applicant.email": "email",
    "applicant.address": "address",
    "applicant.applicant_type": "applicant_type",
    "channel": "channel",
    "procedure": "procedure",
    "reasons": "reasons",
}
COUNTER_CHANNELS = [
    (Channel.COUNTER.value, Channel.COUNTER.label),
    (Channel.POST.value, Channel.POST.label),
]


def lines(text: str) -> list[str]:
    """Non-empty lines of a textarea, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class CounterForm(forms.Form):
    """Reception at the counter: who, what procedure, by which channel. The documents'
    checklist is read separately (see ``document_rows``), as its rows depend on the
    procedure chosen."""

    agency = forms.ChoiceField(label=_("Receiving agency"))
    channel = forms.ChoiceField(label=_("Channel"), choices=COUNTER_CHANNELS, initial="counter")
    procedure = forms.CharField(
        label=_("Procedure"),
        max_length=40,
        help_text=_("Type words of its name, without accents, or its code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "data-procedure-input": ""}
        ),
    )
    applicant_type = forms.ChoiceField(
        label=_("Applicant type"), choices=ApplicantType.choices, initial=ApplicantType.PERSON
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    id_number = forms.CharField(
        label=_("ID document number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    reasons = forms.CharField(
        label=_("Reasons for refusing (one per line)"),
        max_length=MAX_LINES * 200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, agencies: Sequence[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_ = self.fields["agency"]
        assert isinstance(field_, forms.ChoiceField)  # noqa: S101
        field_.choices = [(a.code, a.name) for a in agencies]
        # chosen above the form (it decides the online submissions listed): carried along
        field_.widget = forms.HiddenInput()

    def clean_procedure(self) -> str:
        # the picker may leave "CODE · name" in the input: the code is what counts
        return str(self.cleaned_data["procedure"]).split("·")[0].strip()

    def applicant(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            full_name=data["full_name"],
            id_number=data["id_number"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            address=data.get("address", ""),
            applicant_type=data["applicant_type"],
        )

    def show_error(self, exc: DomainError) -> list[str]:
        """Put the service's per-field messages next to the inputs; returns the messages
        of places this form has no input for."""
        rest: list[str] = []
        for key, messages in exc.fields.items():
            name = SERVICE_FIELDS.get(key)
            if name is not None and name in self.fields:
                for message in messages:
                    self.add_error(name, message)
            elif not key.startswith("documents"):
                rest.extend(messages)
        return rest


@dataclass
class DocumentRow:
    """One line of the counter's checklist: a document of the version, whether it was
    handed in, how many copies, its scan if uploaded."""

    index: int
    name: str
    mandatory: bool
    given: bool = False
    copies: int = 1
    file_sha256: str = ""
    file_name: str = ""
    upload: UploadedFile | None = None
    missing: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"doc-{self.index}"


def _int(raw: str | None, default: int) -> int:
    try:
        value = int(raw or default)
    except ValueError:
        return default
    return min(max(value, 1), 100)


def document_rows(
    required: Sequence[RequiredDocument],
    data: Mapping[str, Any] | None = None,
    files: MultiValueDict[str, UploadedFile] | None = None,
) -> list[DocumentRow]:
    """The checklist of a version's documents, as posted (names come from the version,
    never from the request). A row with a file or a file kept from an earlier attempt
    counts as handed in."""
    rows = []
    for i, doc in enumerate(required):
        row = DocumentRow(index=i, name=doc.name, mandatory=doc.mandatory, copies=doc.count or 1)
        if data is not None:
            p = row.prefix
            sha = str(data.get(f"{p}-sha", "") or "")
            row.file_sha256 = sha if len(sha) == 64 and sha.isalnum() else ""
            row.file_name = str(data.get(f"{p}-file_name", "") or "")[:255]
            row.upload = files.get(f"{p}-file") if files is not None else None
            row.given = bool(data.get(f"{p}-given")) or bool(row.upload) or bool(row.file_sha256)
            row.copies = _int(data.get(f"{p}-copies"), row.copies)
        rows.append(row)
    return rows


class VietnamDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read as Vietnam time, whatever zone is active."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(VN_TZ):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return timezone.localtime(value, VN_TZ).strftime("%Y-%m-%dT%H:%M")
        return value


class ApologyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_due_at = VietnamDateTimeField(
        label=_("New appointment"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Vietnam time."),
    )


class ReturnSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code or applicant"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )
