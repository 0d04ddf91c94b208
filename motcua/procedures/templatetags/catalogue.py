"""Numbers of the catalogue as people read them, in the page's language: money in đồng with
the locale's grouping (1.024.000 in Vietnamese), rates with two decimals, time limits and
hours in words."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.procedures.models import LimitUnit, ProcedureVersion

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        found = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros, never in exponent form (100, not 1E+2)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def number_format(value: Decimal | int, decimal_pos: int | None = None) -> str:
    """The locale's separators, always grouped by thousands: Django's Vietnamese formats
    name a thousands separator but no grouping, which would print 1024000."""
    return numberformat.format(
        value,
        str(get_format("DECIMAL_SEPARATOR")),
        decimal_pos=decimal_pos,
        grouping=3,
        thousand_sep=str(get_format("THOUSAND_SEPARATOR")),
        force_grouping=True,
    )


def _count(value: Decimal) -> int:
    """The number that chooses a plural form: fractions read as plural."""
    return int(value) if value == value.to_integral_value() else 2


@register.filter
def number(value: Any) -> str:
    found = _decimal(value)
    return "" if found is None else number_format(_plain(found))


@register.filter
def vnd(value: Any) -> str:
    found = _decimal(value)
    if found is None:
        return "–"
    whole = int(found.quantize(Decimal(1), ROUND_HALF_UP))
    return _("%(amount)s VND") % {"amount": number_format(whole)}


@register.filter
def percent(value: Any) -> str:
    found = _decimal(value)
    return "–" if found is None else f"{number_format(found, decimal_pos=2)} %"


@register.filter
def total_vnd(fees: Any) -> int:
    """The sum of a version's fees (0 when free)."""
    return sum(f.amount_vnd for f in fees)


@register.filter
def working_hours(value: Any) -> str:
    found = _decimal(value)
    if found is None:
        return ""
    return ngettext("%(n)s working hour", "%(n)s working hours", _count(found)) % {
        "n": number(found)
    }


@register.filter
def time_limit(version: ProcedureVersion) -> str:
    value = _plain(version.time_limit_value)
    if version.time_limit_unit == LimitUnit.WORKING_HOURS:
        return working_hours(value)
    if value == 0:
        return _("within the working day")
    return ngettext("%(n)s working day", "%(n)s working days", _count(value)) % {"n": number(value)}
