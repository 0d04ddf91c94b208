"""Reads of the catalogue: search, the version in force, a unit's catalogue and counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.text import fold
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Official, Role
from motcua.procedures import costs
from motcua.procedures.models import (
    CatalogueDecision,
    IncomeParameter,
    LimitUnit,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Publication,
    SimplificationProposal,
)
from motcua.workcalendar.selectors import working_time


def search_key(code: str, name: str) -> str:
    return fold(f"{code} {name}")


def procedures_search(
    *,
    q: str | None = None,
    level: str | None = None,
    unit: AdministrativeUnit | None = None,
    sector: str | None = None,
    at: date | None = None,
) -> QuerySet[Procedure]:
    """Procedures matching every word of ``q`` whatever its diacritics and case, of a level,
    of a sector, and resolved in ``unit``'s area (the unit and its sub-units) on ``at``."""
    rows = Procedure.objects.select_related("sector", "level")
    for word in fold(q or "").split():
        rows = rows.filter(search_key__contains=word)
    if level:
        rows = rows.filter(level__code=level)
    if sector:
        rows = rows.filter(sector__code=sector)
    if unit is not None:
        # distinct: the area's few procedure ids are gathered first, rather than probing
        # the publications of every procedure in code order (PostgreSQL, bench/RESULTS.md)
        area = published_in(unit=unit, at=at).values("procedure_id").distinct()
        rows = rows.filter(pk__in=area)
    return rows


def published_in(*, unit: AdministrativeUnit, at: date | None = None) -> QuerySet[Publication]:
    """Publications in force on ``at`` for ``unit`` and its sub-units."""
    day = at or timezone.localdate()
    # the area's units first (a small table, its path indexed), so that the publications
    # are read through their unit index instead of scanning all of them (bench/RESULTS.md)
    area = AdministrativeUnit.objects.filter(path__startswith=unit.path).values("pk")
    return Publication.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        unit__in=area,
        valid_from__lte=day,
    )


def procedure_get(*, code: str) -> Procedure:
    found = Procedure.objects.select_related("sector", "level").filter(code=code).first()
    if found is None:
        raise NotFound("procedure.not_found", _("Unknown procedure %(code)s.") % {"code": code})
    return found


def versions_of(*, procedure: Procedure, fees: bool = True) -> QuerySet[ProcedureVersion]:
    """Versions with their fees (unless ``fees`` is false: reception does not read them),
    documents and steps (agencies and units) prefetched."""
    related: list[Any] = ["fees"] if fees else []
    related += [
        "documents",
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency__unit")),
    ]
    return (
        ProcedureVersion.objects.filter(procedure=procedure)
        .prefetch_related(*related)
        .order_by("effective_from")
    )


def in_force_on(day: date) -> Q:
    """Versions in force on ``day``."""
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def version_in_force(
    *, procedure: Procedure, at: datetime | date, fees: bool = True
) -> ProcedureVersion:
    """The version in force at ``at`` (a moment is read in Vietnam's time zone): the one a
    dossier received then keeps for its whole life."""
    day = timezone.localtime(at).date() if isinstance(at, datetime) else at
    version = versions_of(procedure=procedure, fees=fees).filter(in_force_on(day)).first()
    if version is None:
        raise NotFound(
            "procedure.no_version_in_force",
            _("Procedure %(code)s has no version in force on %(day)s.")
            % {"code": procedure.code, "day": day.isoformat()},
        )
    return version


def limit_hours(*, value: Decimal, unit: str) -> Decimal:
    """A time limit in working hours, for fitting the process steps into it. A limit of 0
    working days ("within the day") allows one office day."""
    if unit == LimitUnit.WORKING_HOURS:
        return value
    day = Decimal(working_time().day_seconds) / 3600
    return max(value, Decimal(1)) * day


@dataclass(frozen=True)
class CatalogueCounts:
    total: int
    by_level: dict[str, int]
    proposals: int


def catalogue_counts(*, unit: AdministrativeUnit, at: date | None = None) -> CatalogueCounts:
    """How many procedures are resolved in ``unit``'s area, by level of authority, and how
    many of them the unit (or its sub-units) proposed to simplify. Computed from records."""
    procedures = Procedure.objects.filter(
        pk__in=published_in(unit=unit, at=at).values("procedure_id")
    )
    by_level = dict(
        procedures.values_list("level__code").annotate(n=Count("pk")).order_by("level__rank")
    )
    proposals = (
        SimplificationProposal.objects.filter(unit__path__startswith=unit.path)
        .values("procedure_id")
        .distinct()
        .count()
    )
    return CatalogueCounts(total=sum(by_level.values()), by_level=by_level, proposals=proposals)


def income_for_year(*, year: int) -> IncomeParameter:
    found = IncomeParameter.objects.filter(year=year).first()
    if found is None:
        raise ValidationFailed(
            "proposal.no_income_parameter",
            _("No average income is recorded for %(year)s.") % {"year": year},
            fields={"year": [_("Record the average monthly income of this year first.")]},
        )
    return found


def compliance_cost(*, year: int, current: object, proposed: object) -> costs.Comparison:
    """Cost before and after, and the saving, for the income parameter of ``year``."""
    income = income_for_year(year=year)
    return _compare(income.monthly_income_vnd, current, proposed)


def _compare(monthly_income_vnd: int, current: object, proposed: object) -> costs.Comparison:
    errors: dict[str, list[str]] = {}
    parsed = []
    for name, raw in (("current", current), ("proposed", proposed)):
        try:
            parsed.append(costs.parse_inputs(raw, name))
        except costs.CostInputError as exc:
            # the messages are marked with gettext_noop in costs.py: translated here
            errors.update({k: [_(m) for m in v] for k, v in exc.fields.items()})
    if errors:
        raise ValidationFailed(
            "proposal.invalid_costs", _("The cost inputs are invalid."), fields=errors
        )
    return costs.compare(parsed[0], parsed[1], monthly_income_vnd)


def proposal_costs(*, proposal: SimplificationProposal) -> costs.Comparison:
    return compliance_cost(year=proposal.year, current=proposal.current, proposed=proposal.proposed)


def proposals_costs(*, proposals: Sequence[SimplificationProposal]) -> dict[int, costs.Comparison]:
    """``proposal_costs`` of each proposal by id, the income parameters of all their years
    read in one query (a list page must not cost a query per row)."""
    incomes = dict(
        IncomeParameter.objects.filter(year__in={p.year for p in proposals}).values_list(
            "year", "monthly_income_vnd"
        )
    )
    found: dict[int, costs.Comparison] = {}
    for p in proposals:
        if p.year not in incomes:
            income_for_year(year=p.year)  # raises proposal.no_income_parameter
        found[p.pk] = _compare(incomes[p.year], p.current, p.proposed)
    return found


def proposals_in(*, unit: AdministrativeUnit) -> QuerySet[SimplificationProposal]:
    return SimplificationProposal.objects.filter(unit__path__startswith=unit.path).select_related(
        "procedure", "unit"
    )


# Who may draft and submit a proposal for a unit (the API and the pages share this rule).
PROPOSERS = frozenset(
    {
        Role.AP_CONTROL_CONTACT,
        Role.REFORM_ADVISOR,
        Role.UNIT_HEAD,
        Role.CHAIRMAN,
        Role.ADMINISTRATOR,
    }
)


def proposer_units(*, official: Official) -> QuerySet[AdministrativeUnit]:
    """Units ``official`` may propose for: a unit-wide proposer role reaches its unit and
    sub-units, a unit head's role its own unit."""
    return (
        org_selectors.units_reached(official=official, roles=PROPOSERS)
        .select_related("level")
        .order_by("path")
    )


def may_propose(*, official: Official, unit: AdministrativeUnit) -> bool:
    return org_selectors.has_role_over_unit(official=official, unit=unit, roles=PROPOSERS)


def proposal_action_allowed(
    *, official: Official, proposal: SimplificationProposal, action: str
) -> bool:
    """submit (proposers), approve / reject / reopen (the unit's chairman), implement
    (catalogue administrators: it creates the procedure's new version)."""
    if action == "implement":
        return org_selectors.can_edit_catalogue(official=official)
    if action in {"approve", "reject", "reopen"}:
        return org_selectors.has_role_over_unit(
            official=official, unit=proposal.unit, roles={Role.CHAIRMAN}
        )
    return may_propose(official=official, unit=proposal.unit)


# -- publication decisions -----------------------------------------------------------------


def decisions_visible(*, official: Official) -> QuerySet[CatalogueDecision]:
    """Decisions an official may read: issued by a unit their roles reach, or publishing
    procedures for one (a district sees the province's decisions that concern it)."""
    reached = org_selectors.units_reached(official=official).values("pk")
    concerning = Publication.objects.filter(unit__in=reached).values("decision_id")
    return CatalogueDecision.objects.select_related("unit").filter(
        Q(unit__in=reached) | Q(pk__in=concerning)
    )


def decisions_counted(rows: QuerySet[CatalogueDecision]) -> QuerySet[CatalogueDecision]:
    """``rows``, newest first, each with how many procedures it published, for how many
    units, in how many publications (one query for a whole page)."""
    return rows.annotate(
        procedure_count=Count("publications__procedure", distinct=True),
        unit_count=Count("publications__unit", distinct=True),
        publication_count=Count("publications"),
    ).order_by("-signed_on", "-pk")


def decision_issuers(*, official: Official) -> QuerySet[AdministrativeUnit]:
    """Units ``official`` may record a decision for, in tree order: those
    ``org_selectors.can_administer_unit`` allows (an administrator's unit and sub-units)."""
    return (
        org_selectors.units_reached(official=official, roles={Role.ADMINISTRATOR})
        .select_related("level")
        .order_by("path")
    )
