from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.workcalendar.models import OverrideKind


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=OverrideKind.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=255)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
