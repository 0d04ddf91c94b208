from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.procedures.models import Sector


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
