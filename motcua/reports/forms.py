"""The choice every report page starts from: whose dossiers (an agency, or a unit with or
without its sub-units, among those the official may see) and which period (a month, a
quarter, the first 6, 9 or 12 months of a year, or explicit dates)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, AdministrativeUnit, Agency, AgencyKind, Official
from motcua.reports.selectors import FIRST_DAY, LAST_DAY, agencies_of_unit

_INDENT = "\u00a0\u00a0\u00a0"
PERIODS = (
    ("month", gettext_lazy("Month")),
    ("quarter", gettext_lazy("Quarter")),
    ("6m", gettext_lazy("First 6 months")),
    ("9m", gettext_lazy("First 9 months")),
    ("12m", gettext_lazy("Year (12 months)")),
    ("range", gettext_lazy("From date to date")),
)
MONTHS_OF = {"6m": 6, "9m": 9, "12m": 12}


@dataclass(frozen=True)
class Scope:
    """Whose dossiers a report covers."""

    agencies: QuerySet[Agency]
    label: str
    unit: AdministrativeUnit | None = None
    agency: Agency | None = None
    descendants: bool = False

    @property
    def value(self) -> str:
        if self.agency is not None:
            return f"agency:{self.agency.code}"
        assert self.unit is not None  # noqa: S101 - a scope is a unit or an agency
        return f"unit:{self.unit.code}"


def units_for(official: Official) -> QuerySet[AdministrativeUnit]:
    """The units whose reports ``official`` may read as a whole (the API's rule): those a
    unit-wide role reaches (a chairman, an inspector...). Others report on their own
    agencies only: a unit's figures name officials of agencies they do not work in."""
    return (
        org_selectors.units_reached(official=official, roles=UNIT_WIDE_ROLES)
        .select_related("level")
        .order_by("path")
    )


def agencies_for(official: Official) -> QuerySet[Agency]:
    return org_selectors.agencies_visible(official=official).order_by("unit__path", "name")


def default_scope(official: Official, *, units: bool = True) -> str | None:
    """The official's highest unit; for the agency-only tracking log, their first one-stop
    department (the log is the one-stop department's book), else their first agency."""
    if units:
        unit = units_for(official).first()
        if unit is not None:
            return f"unit:{unit.code}"
    agencies = agencies_for(official)
    agency = agencies.filter(kind=AgencyKind.ONE_STOP).first() or agencies.first()
    return f"agency:{agency.code}" if agency else None


class ReportForm(forms.Form):
    """Scope and period. ``cleaned_data`` then holds ``scope`` (a ``Scope``), ``first``,
    ``last`` and ``period_label``. Query keys: scope, descendants, period, year, month,
    quarter, from, to."""

    scope = forms.ChoiceField(label=gettext_lazy("Agency or unit"))
    descendants = forms.BooleanField(label=gettext_lazy("With sub-units"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS)
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=FIRST_DAY.year,
        max_value=LAST_DAY.year,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        coerce=int,
        choices=[(m, str(m)) for m in range(1, 13)],
        required=False,
        empty_value=None,
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        choices=[(q, str(q)) for q in range(1, 5)],
        required=False,
        empty_value=None,
    )

    def __init__(self, data: Any, *, official: Official, units: bool = True, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        # "from" is a Python keyword: the field is added by name
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.official = official
        self.allow_units = units
        self._units = {u.code: u for u in units_for(official)} if units else {}
        self._agencies = {a.code: a for a in agencies_for(official).select_related("unit")}
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if self._units:
            groups.append(
                (
                    _("Units"),
                    [
                        (f"unit:{u.code}", f"{_INDENT * (u.level.rank - 1)}{u.name}")
                        for u in self._units.values()
                    ],
                )
            )
        if self._agencies:
            groups.append(
                (
                    _("Agencies"),
                    [(f"agency:{a.code}", f"{a.name} ({a.code})") for a in self._agencies.values()],
                )
            )
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)  # noqa: S101 - declared above
        scope.choices = groups
        self.has_scopes = bool(groups)
        if not units:
            scope.label = _("Agency")
            del self.fields["descendants"]

    @classmethod
    def defaults(cls, official: Official, *, units: bool = True) -> dict[str, Any]:
        """The query of a first visit: the official's highest unit, this month."""
        today = timezone.localdate()
        return {
            "scope": default_scope(official, units=units) or "",
            "period": "month",
            "year": today.year,
            "month": today.month,
        }

    def _scope(self, raw: str, descendants: bool) -> Scope | None:
        kind, _sep, code = raw.partition(":")
        if kind == "unit" and code in self._units:
            unit = self._units[code]
            label = (
                _("%(unit)s and its sub-units") % {"unit": unit.name} if descendants else unit.name
            )
            return Scope(
                agencies=agencies_of_unit(unit=unit, descendants=descendants),
                label=label,
                unit=unit,
                descendants=descendants,
            )
        if kind == "agency" and code in self._agencies:
            agency = self._agencies[code]
            return Scope(
                agencies=Agency.objects.filter(pk=agency.pk), label=agency.name, agency=agency
            )
        return None  # pragma: no cover - ChoiceField refused a value outside the choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "scope" in data:
            found = self._scope(data["scope"], bool(data.get("descendants")) and self.allow_units)
            if found is None:  # pragma: no cover - see _scope
                self.add_error("scope", _("Choose an agency or a unit you may see."))
            else:
                data["scope"] = found
        kind = data.get("period")
        if kind == "range":
            self._clean_range(data)
        elif kind:
            year = data.get("year")
            if year is None:
                if "year" not in self.errors:
                    self.add_error("year", _("Give the year."))
            else:
                self._clean_in_year(data, kind, int(year))
        return data

    def _clean_in_year(self, data: dict[str, Any], kind: str, year: int) -> None:
        if kind == "month":
            month = data.get("month")
            if month is None:
                self.add_error("month", _("Choose the month."))
                return
            first_month, months = int(month), 1
            label = _("Month %(month)s/%(year)s") % {"month": month, "year": year}
        elif kind == "quarter":
            quarter = data.get("quarter")
            if quarter is None:
                self.add_error("quarter", _("Choose the quarter."))
                return
            first_month, months = 3 * int(quarter) - 2, 3
            label = _("Quarter %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
        else:
            first_month, months = 1, MONTHS_OF[kind]
            label = (
                _("Year %(year)s") % {"year": year}
                if months == 12
                else _("First %(months)s months of %(year)s") % {"months": months, "year": year}
            )
        last_month = first_month + months - 1
        data["first"] = date(year, first_month, 1)
        data["last"] = date(year, last_month, calendar.monthrange(year, last_month)[1])
        data["period_label"] = label

    def _clean_range(self, data: dict[str, Any]) -> None:
        first, last = data.get("from"), data.get("to")
        for name, day in (("from", first), ("to", last)):
            if day is None:
                if name not in self.errors:
                    self.add_error(name, _("Give the date."))
            elif not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(
                    name,
                    _("Between %(first)s and %(last)s.")
                    % {
                        "first": FIRST_DAY.strftime("%d/%m/%Y"),
                        "last": LAST_DAY.strftime("%d/%m/%Y"),
                    },
                )
        if first is None or last is None or self.errors:
            return
        if first > last:
            self.add_error("to", _("The end comes before the start."))
            return
        data["first"], data["last"] = first, last
        data["period_label"] = _("From %(first)s to %(last)s") % {
            "first": first.strftime("%d/%m/%Y"),
            "last": last.strftime("%d/%m/%Y"),
        }


class DashboardForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=FIRST_DAY.year, max_value=LAST_DAY.year
    )

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("A year that has begun."))
        return year
