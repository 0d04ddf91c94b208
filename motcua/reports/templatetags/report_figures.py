"""Figures of the reports as people read them, in the page's language: rates as
percentages, overrun in working hours, roman numerals of the levels of Biểu 06."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import ngettext

from motcua.procedures.templatetags.catalogue import number_format
from motcua.reports.spreadsheet import roman_numeral

register = template.Library()


@register.filter
def rate(value: Any) -> str:
    """A fraction (0.975) as a percentage with two decimals ("97,50 %"); "–" for none."""
    if value is None or value == "":
        return "–"
    return f"{number_format(Decimal(str(value)) * 100, decimal_pos=2)} %"


@register.filter
def hours(value: Any) -> str:
    """Working hours as rounded by the selectors (3.5 → "3,5"; 18.0 → "18")."""
    if value is None or value == "":
        return "–"
    found = Decimal(str(value))
    plain = found.quantize(Decimal(1)) if found == found.to_integral_value() else found.normalize()
    return number_format(plain)


@register.filter
def overrun(value: Any) -> str:
    """ "3,5 working hours over" in words, the way UI.md wants the overrun said."""
    if value is None or value == "":
        return ""
    found = Decimal(str(value))
    count = int(found) if found == found.to_integral_value() else 2
    return ngettext("%(hours)s working hour over", "%(hours)s working hours over", count) % {
        "hours": hours(found)
    }


@register.filter
def roman(value: Any) -> str:
    try:
        return roman_numeral(int(value))
    except (TypeError, ValueError):
        return ""
