"""Procedure catalogue endpoints (API.md, Procedures) and simplification proposals.

Reading the catalogue is public (the citizens' portal shows it). Writing it is for
administrators of a top-level unit (the province publishes the catalogue); proposals are
written by officials of the proposing unit and decided by its chairman.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.timeparse import parse_aware, parse_clock, parse_date
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Official
from motcua.procedures import costs, selectors, services
from motcua.procedures.models import Procedure, ProcedureVersion, SimplificationProposal

router = Router(tags=["procedures"])


class TimeLimitIO(Schema):
    # the database keeps 7 digits, 2 after the point
    value: Decimal = Field(ge=0, le=Decimal("99999.99"), allow_inf_nan=False)
    unit: str = Field(max_length=20)


class FeeIO(Schema):
    name: str = Field(max_length=300)
    amount_vnd: int = Field(ge=0, le=10**13)


class DocumentIO(Schema):
    name: str = Field(max_length=500)
    mandatory: bool = True
    form: str = Field(default="any", max_length=20)
    count: int = Field(default=1, ge=1, le=100)


class StepIn(Schema):
    name: str = Field(max_length=300)
    agency: str | None = Field(default=None, max_length=40)
    role: str = Field(default="", max_length=30)
    hours: Decimal = Field(ge=0, le=Decimal("99999.99"), allow_inf_nan=False)


class StepOut(Schema):
    index: int
    name: str
    agency: str | None
    agency_name: str | None
    unit: str | None
    role: str
    hours: Decimal


class VersionIn(Schema):
    effective_from: dt.date
    time_limit: TimeLimitIO
    cutoff_time: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    pause_rule: str = Field(default="pause", max_length=10)
    fees: list[FeeIO] = Field(default=[], max_length=200)
    documents: list[DocumentIO] = Field(default=[], max_length=200)
    online_level: str = Field(default="none", max_length=10)
    result_document: str = Field(default="", max_length=500)
    legal_basis: str = Field(default="", max_length=20000)
    steps: list[StepIn] = Field(default=[], max_length=100)


class VersionOut(Schema):
    number: int
    effective_from: dt.date
    effective_to: dt.date | None
    time_limit: TimeLimitIO
    cutoff_time: str | None
    pause_rule: str
    online_level: str
    result_document: str
    legal_basis: str
    fees: list[FeeIO]
    documents: list[DocumentIO]
    steps: list[StepOut]
    in_use: bool


class ProcedureIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=500)
    field: str = Field(min_length=1, max_length=200)
    level: str
    version: VersionIn


class ProcedureSummary(Schema):
    code: str
    name: str
    field: str
    level: str
    sample: bool


class ProcedureOut(ProcedureSummary):
    versions: list[VersionOut]


class Page(Schema):
    items: list[ProcedureSummary]
    next: str | None


def summary_out(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "field": p.sector.name,
        "level": p.level.code,
        "sample": p.sample,
    }


def version_out(v: ProcedureVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "effective_from": v.effective_from,
        "effective_to": v.effective_to,
        "time_limit": {"value": v.time_limit_value, "unit": v.time_limit_unit},
        "cutoff_time": v.cutoff_time.strftime("%H:%M") if v.cutoff_time else None,
        "pause_rule": v.pause_rule,
        "online_level": v.online_level,
        "result_document": v.result_document,
        "legal_basis": v.legal_basis,
        "fees": [{"name": f.name, "amount_vnd": f.amount_vnd} for f in v.fees.all()],
        "documents": [
            {"name": d.name, "mandatory": d.mandatory, "form": d.form, "count": d.count}
            for d in v.documents.all()
        ],
        "steps": [
            {
                "index": i,
                "name": s.name,
                "agency": s.agency.code if s.agency else None,
                "agency_name": s.agency.name if s.agency else None,
                "unit": s.agency.unit.code if s.agency else None,
                "role": s.role,
                "hours": s.hours,
            }
            for i, s in enumerate(v.steps.all(), start=1)
        ],
        "in_use": v.is_frozen,
    }


def procedure_out(p: Procedure) -> dict[str, Any]:
    return {
        **summary_out(p),
        "versions": [version_out(v) for v in selectors.versions_of(procedure=p)],
    }


def _require_catalogue_admin(request: HttpRequest) -> Official:
    official = actor(request)
    if not org_selectors.can_edit_catalogue(official=official):
        raise PermissionDenied(
            "auth.forbidden", _("Only administrators of a province edit the catalogue.")
        )
    return official


def version_data(payload: VersionIn) -> services.VersionData:
    """The payload as the service's input, agency codes resolved (400 on unknown ones)."""
    codes = {s.agency for s in payload.steps if s.agency}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    unknown = sorted(codes - agencies.keys())
    if unknown:
        raise ValidationFailed(
            "procedure.invalid_version",
            _("The version is invalid."),
            fields={
                f"version.steps.{i}.agency": [_("Unknown agency %(code)s.") % {"code": s.agency}]
                for i, s in enumerate(payload.steps)
                if s.agency in unknown
            },
        )
    return services.VersionData(
        effective_from=payload.effective_from,
        time_limit_value=payload.time_limit.value,
        time_limit_unit=payload.time_limit.unit,
        # the schema's pattern lets "25:00" through; parse_clock turns it into a 400, where
        # time.fromisoformat would raise a ValueError (a 500)
        cutoff_time=(
            parse_clock(payload.cutoff_time, "version.cutoff_time") if payload.cutoff_time else None
        ),
        pause_rule=payload.pause_rule,
        online_level=payload.online_level,
        result_document=payload.result_document,
        legal_basis=payload.legal_basis,
        fees=[services.FeeData(f.name, f.amount_vnd) for f in payload.fees],
        documents=[
            services.DocumentData(d.name, d.mandatory, d.form, d.count) for d in payload.documents
        ],
        steps=[
            services.StepData(s.name, s.hours, agencies.get(s.agency or ""), s.role)
            for s in payload.steps
        ],
    )


@router.get("/procedures", response=Page, summary="Search the catalogue (public)")
def procedures_list(
    request: HttpRequest,
    q: str | None = None,
    level: str | None = None,
    unit: str | None = None,
    field: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    unit_obj = org_selectors.unit_get(code=unit) if unit else None
    # ``field`` is answered as the sector's name and given as a name on POST: accept the
    # name here too (its slug is the sector's code; a code is its own slug)
    sector = services.sector_code(field) if field else None
    rows = selectors.procedures_search(q=q, level=level, unit=unit_obj, sector=sector)
    return paginate(rows, keys=["code"], cursor=cursor, limit=limit, serialize=summary_out)


@router.get("/procedures/{code}", response=ProcedureOut, summary="A procedure with its versions")
def procedure_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return procedure_out(selectors.procedure_get(code=code))


@router.get(
    "/procedures/{code}/in-force",
    response=VersionOut,
    summary="The version in force at a moment (what a dossier received then keeps)",
)
def procedure_in_force(request: HttpRequest, code: str, at: str) -> dict[str, Any]:
    moment = parse_aware(at, "at")
    procedure = selectors.procedure_get(code=code)
    return version_out(selectors.version_in_force(procedure=procedure, at=moment))


@router.post("/procedures", response={201: ProcedureOut}, auth=AUTH, summary="Create a procedure")
def procedure_create(request: HttpRequest, payload: ProcedureIn) -> Status[dict[str, Any]]:
    official = _require_catalogue_admin(request)
    level = org_selectors.level_get(code=payload.level)
    if level is None:
        raise ValidationFailed(
            "procedure.invalid",
            _("The procedure is invalid."),
            fields={"level": [_("Unknown level %(level)s.") % {"level": payload.level}]},
        )
    data = version_data(payload.version)
    # one transaction for both services: a refused procedure (invalid version, duplicate
    # code) must not leave behind the sector created for it
    with transaction.atomic():
        sector = services.sector_ensure(
            code=services.sector_code(payload.field), name=payload.field
        )
        procedure = services.procedure_create(
            code=payload.code,
            name=payload.name,
            sector=sector,
            level=level,
            version=data,
            actor=official,
        )
    return Status(201, procedure_out(procedure))


@router.post(
    "/procedures/{code}/versions",
    response={201: VersionOut},
    auth=AUTH,
    summary="Add a version with a later start",
)
def version_create(request: HttpRequest, code: str, payload: VersionIn) -> Status[dict[str, Any]]:
    official = _require_catalogue_admin(request)
    procedure = selectors.procedure_get(code=code)
    version = services.version_add(procedure=procedure, data=version_data(payload), actor=official)
    return Status(201, version_out(selectors.versions_of(procedure=procedure).get(pk=version.pk)))


# -- catalogue of a unit -------------------------------------------------------------------


class CountsOut(Schema):
    unit: str
    total: int
    by_level: dict[str, int]
    proposals: int


@router.get("/units/{code}/catalogue", response=CountsOut, summary="A unit's catalogue counts")
def unit_catalogue(request: HttpRequest, code: str, at: str | None = None) -> dict[str, Any]:
    unit = org_selectors.unit_get(code=code)
    counts = selectors.catalogue_counts(unit=unit, at=parse_date(at, "at") if at else None)
    return {"unit": unit.code, **counts.__dict__}


class PublicationIn(Schema):
    procedures: list[str] = Field(min_length=1)
    unit: str
    agency: str | None = None


class DecisionIn(Schema):
    unit: str
    number: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=500)
    signed_on: dt.date
    effective_on: dt.date
    publications: list[PublicationIn] = []


class DecisionOut(Schema):
    id: int
    unit: str
    number: str
    title: str
    signed_on: dt.date
    effective_on: dt.date
    published: int


@router.post(
    "/catalogue-decisions",
    response={201: DecisionOut},
    auth=AUTH,
    summary="Record a publication decision and the procedures it publishes for each unit",
)
def decision_create(request: HttpRequest, payload: DecisionIn) -> Status[dict[str, Any]]:
    """A province's decision publishing (công bố) procedures as resolved by its units and
    their agencies. All or nothing: any unknown code refuses the whole decision."""
    official = actor(request)
    issuing = org_selectors.unit_get(code=payload.unit)
    if not org_selectors.can_administer_unit(official=official, unit=issuing):
        raise PermissionDenied("auth.forbidden", _("You do not administer this unit."))
    recorded = services.decision_record(
        unit=issuing,
        number=payload.number,
        title=payload.title,
        signed_on=payload.signed_on,
        effective_on=payload.effective_on,
        publications=[(p.procedures, p.unit, p.agency) for p in payload.publications],
    )
    decision = recorded.decision
    return Status(
        201,
        {
            "id": decision.pk,
            "unit": issuing.code,
            "number": decision.number,
            "title": decision.title,
            "signed_on": decision.signed_on,
            "effective_on": decision.effective_on,
            "published": recorded.published,
        },
    )


# -- compliance cost and proposals ---------------------------------------------------------


class CostIn(Schema):
    year: int
    current: dict[str, Any]
    proposed: dict[str, Any]


@router.post("/compliance-cost", auth=AUTH, summary="Compute a compliance-cost comparison")
def compliance_cost(request: HttpRequest, payload: CostIn) -> dict[str, Any]:
    actor(request)
    return selectors.compliance_cost(
        year=payload.year, current=payload.current, proposed=payload.proposed
    ).as_dict()


class ProposalIn(Schema):
    procedure: str = Field(max_length=40)
    unit: str = Field(max_length=40)
    title: str = Field(max_length=500)
    year: int = Field(ge=1900, le=2200)
    current: dict[str, Any]
    proposed: dict[str, Any]
    rationale: str = ""


class ProposalActionIn(Schema):
    action: str
    note: str = ""
    effective_from: dt.date | None = None


class ProposalOut(Schema):
    id: int
    procedure: str
    unit: str
    title: str
    year: int
    status: str
    current: dict[str, Any]
    proposed: dict[str, Any]
    rationale: str
    costs: dict[str, Any]
    implemented_version: int | None


class ProposalPage(Schema):
    items: list[ProposalOut]
    next: str | None


def proposal_out(
    p: SimplificationProposal, comparison: costs.Comparison | None = None
) -> dict[str, Any]:
    if comparison is None:
        comparison = selectors.proposal_costs(proposal=p)
    return {
        "id": p.pk,
        "procedure": p.procedure.code,
        "unit": p.unit.code,
        "title": p.title,
        "year": p.year,
        "status": p.status,
        "current": p.current,
        "proposed": p.proposed,
        "rationale": p.rationale,
        "costs": comparison.as_dict(),
        "implemented_version": p.implemented_version.number if p.implemented_version else None,
    }


def _proposal_visible(official: Official, proposal_id: int) -> SimplificationProposal:
    found = (
        SimplificationProposal.objects.select_related("procedure", "unit", "implemented_version")
        .filter(pk=proposal_id)
        .first()
    )
    if found is None or not org_selectors.reaches_unit(official=official, unit=found.unit):
        raise NotFound("proposal.not_found", _("Unknown proposal."))
    return found


@router.get("/proposals", response=ProposalPage, auth=AUTH, summary="Proposals you may see")
def proposals_list(
    request: HttpRequest,
    unit: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    official = actor(request)
    rows = SimplificationProposal.objects.select_related(
        "procedure", "unit", "implemented_version"
    ).filter(unit__in=org_selectors.units_reached(official=official))
    if unit:
        rows = rows.filter(unit=org_selectors.unit_get(code=unit))
    if status:
        rows = rows.filter(status=status)
    page = paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=lambda p: p)
    # the costs of the whole page at once: one query for the income parameters, not one a row
    comparisons = selectors.proposals_costs(proposals=page["items"])
    return {
        "items": [proposal_out(p, comparisons[p.pk]) for p in page["items"]],
        "next": page["next"],
    }


@router.get("/proposals/{proposal_id}", response=ProposalOut, auth=AUTH, summary="A proposal")
def proposal_detail(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return proposal_out(_proposal_visible(actor(request), proposal_id))


@router.post("/proposals", response={201: ProposalOut}, auth=AUTH, summary="Draft a proposal")
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Status[dict[str, Any]]:
    official = actor(request)
    procedure = selectors.procedure_get(code=payload.procedure)
    unit = org_selectors.unit_get(code=payload.unit)
    if not selectors.may_propose(official=official, unit=unit):
        raise PermissionDenied("auth.forbidden", _("You may not propose for this unit."))
    proposal = services.proposal_create(
        actor=official,
        procedure=procedure,
        unit=unit,
        title=payload.title,
        year=payload.year,
        current=payload.current,
        proposed=payload.proposed,
        rationale=payload.rationale,
    )
    return Status(201, proposal_out(proposal))


@router.post("/proposals/{proposal_id}/actions", response=ProposalOut, auth=AUTH)
def proposal_action(
    request: HttpRequest, proposal_id: int, payload: ProposalActionIn
) -> dict[str, Any]:
    """submit (proposers), approve / reject / reopen (the unit's chairman), implement
    (catalogue administrators: it creates the procedure's new version)."""
    official = actor(request)
    proposal = _proposal_visible(official, proposal_id)
    allowed = selectors.proposal_action_allowed(
        official=official, proposal=proposal, action=payload.action
    )
    if not allowed:
        raise PermissionDenied("auth.forbidden", _("You may not do this to the proposal."))
    services.proposal_act(
        proposal=proposal,
        actor=official,
        action=payload.action,
        note=payload.note,
        effective_from=payload.effective_from,
    )
    return proposal_out(_proposal_visible(official, proposal_id))
