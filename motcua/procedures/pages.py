"""Reads and rules shaped for the web pages: the officials' catalogue and the citizens'
portal. Queries go through the selectors; what is here only arranges their results
(the version to show, the process as a timeline) and says who may do what on a page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.http import FileResponse, Http404

from motcua.core.errors import ValidationFailed
from motcua.core.text import fold, is_digits
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.procedures import costs, selectors
from motcua.procedures.models import (
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    SimplificationProposal,
)

in_force_on = selectors.in_force_on


def with_version_in_force(rows: QuerySet[Procedure], day: date) -> QuerySet[Procedure]:
    """``rows`` with ``p.in_force`` (a list of at most one version, with its fees) loaded in
    one extra query per page, whatever the number of rows."""
    versions = ProcedureVersion.objects.filter(in_force_on(day)).prefetch_related("fees")
    return rows.prefetch_related(Prefetch("versions", queryset=versions, to_attr="in_force"))


def exact_name_first(rows: QuerySet[Procedure], q: str | None) -> QuerySet[Procedure]:
    """A procedure whose whole name is the words searched comes first ("dang ky khai sinh"
    before "Đăng ký khai sinh kết hợp nhận cha, mẹ, con"), then the code order."""
    key = fold(q or "")
    if not key:
        return rows
    exact = Case(When(search_key__endswith=f" {key}", then=Value(0)), default=Value(1))
    return rows.order_by(exact, "code")


def version_in_force(versions: Iterable[ProcedureVersion], day: date) -> ProcedureVersion | None:
    """Of already loaded versions, the one in force on ``day``."""
    return next(
        (
            v
            for v in versions
            if v.effective_from <= day and (v.effective_to is None or day <= v.effective_to)
        ),
        None,
    )


def version_to_show(
    versions: list[ProcedureVersion], day: date, number: str | None
) -> ProcedureVersion | None:
    """The version asked for by number, else the one in force, else the latest."""
    if number and is_digits(number):
        asked = next((v for v in versions if v.number == int(number)), None)
        if asked is not None:
            return asked
    return version_in_force(versions, day) or (versions[-1] if versions else None)


@dataclass(frozen=True)
class TimelineRow:
    number: int
    step: ProcessStep
    start_percent: Decimal
    width_percent: Decimal
    interconnected: bool


@dataclass(frozen=True)
class Timeline:
    rows: list[TimelineRow]
    total_hours: Decimal
    limit_hours: Decimal
    limit_percent: Decimal  # where the time limit falls on the scale

    @property
    def over(self) -> bool:
        return self.total_hours > self.limit_hours

    @property
    def spare_hours(self) -> Decimal:
        return self.limit_hours - self.total_hours


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.01")) if whole else Decimal(0)


def timeline(*, procedure: Procedure, version: ProcedureVersion) -> Timeline:
    """The internal process laid end to end on a scale of working hours.

    A step is interconnected (liên thông) when its agency belongs to another unit than the
    process's own: the unit of the first step whose agency sits at the procedure's level of
    authority, or, without one, any unit of another level.
    """
    steps = list(version.steps.all())
    total = sum((s.hours for s in steps), Decimal(0))
    limit = selectors.limit_hours(value=version.time_limit_value, unit=version.time_limit_unit)
    scale = max(total, limit)
    home = next(
        (
            s.agency.unit_id
            for s in steps
            if s.agency and s.agency.unit.level_id == procedure.level_id
        ),
        None,
    )
    rows: list[TimelineRow] = []
    start = Decimal(0)
    for number, step in enumerate(steps, start=1):
        if step.agency is None:
            interconnected = False
        elif home is not None:
            interconnected = step.agency.unit_id != home
        else:
            interconnected = step.agency.unit.level_id != procedure.level_id
        rows.append(
            TimelineRow(
                number=number,
                step=step,
                start_percent=_percent(start, scale),
                width_percent=_percent(step.hours, scale),
                interconnected=interconnected,
            )
        )
        start += step.hours
    return Timeline(
        rows=rows, total_hours=total, limit_hours=limit, limit_percent=_percent(limit, scale)
    )


def document_template_response(*, document_id: int) -> FileResponse:
    """The form template of a required document, as a download (404 when there is none)."""
    document = RequiredDocument.objects.filter(pk=document_id).first()
    if document is None or not document.template:
        raise Http404
    try:
        handle = document.template.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = PurePath(document.template.name or "form").name
    return FileResponse(handle, as_attachment=True, filename=name)


# -- proposals ---------------------------------------------------------------------------


def proposals_visible(*, official: Official) -> QuerySet[SimplificationProposal]:
    """Proposals of the units the official's roles reach (as the API lists them)."""
    return SimplificationProposal.objects.select_related(
        "procedure", "unit", "implemented_version"
    ).filter(unit__in=org_selectors.units_reached(official=official))


def proposal_visible(*, official: Official, proposal_id: int) -> SimplificationProposal | None:
    return proposals_visible(official=official).filter(pk=proposal_id).first()


proposer_units = selectors.proposer_units
may_propose = selectors.may_propose
proposal_action_allowed = selectors.proposal_action_allowed


def comparisons_for(
    proposals: Iterable[SimplificationProposal],
) -> dict[int, costs.Comparison | None]:
    """The cost comparison of each proposal by the selector the API lists them with (the
    income parameters of all their years in one query). One unusable proposal (its year's
    parameter removed since) must not take the page down: it then shows no figures."""
    rows = list(proposals)
    try:
        return dict(selectors.proposals_costs(proposals=rows))
    except ValidationFailed:
        found: dict[int, costs.Comparison | None] = {}
        for p in rows:
            try:
                found[p.pk] = selectors.proposal_costs(proposal=p)
            except ValidationFailed:
                found[p.pk] = None
        return found
