"""Dossier endpoints (API.md, Dossiers): reception, actions, reads, the ledger check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.timeparse import parse_stored_time
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import ledger, selectors, services
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency
from motcua.procedures import selectors as procedure_selectors
from motcua.workcalendar.engine import WorkingTime

router = Router(tags=["dossiers"], auth=AUTH)

OPEN = [
    DossierStatus.RECEIVED,
    DossierStatus.HANDLING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FINANCIAL_OBLIGATION,
]
DONE = [DossierStatus.FINISHED, DossierStatus.RETURNED]


class ApplicantIn(Schema):
    full_name: str = Field(max_length=200)
    id_number: str = Field(max_length=20)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=300)
    type: str = "person"


class DocumentIn(Schema):
    name: str = Field(max_length=500)
    copies: int = Field(default=1, ge=1, le=100)
    file_sha256: str = Field(default="", max_length=64)
    origin: str = Field(default="", max_length=12)


class DossierIn(Schema):
    procedure: str = Field(max_length=40)
    agency: str = Field(max_length=40)
    channel: str = Field(max_length=10)
    applicant: ApplicantIn
    documents: list[DocumentIn] = Field(default=[], max_length=100)


class FileRef(Schema):
    name: str = Field(max_length=500)
    file_sha256: str = Field(default="", max_length=64)


class ActionIn(Schema):
    action: str = Field(max_length=40)
    expected_version: int | None = None
    assignee: str | None = Field(default=None, max_length=150)
    note: str | None = Field(default=None, max_length=2000)
    items: list[str] | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, max_length=2000)
    new_due_at: str | None = Field(default=None, max_length=40)
    result_note: str | None = Field(default=None, max_length=2000)
    method: str | None = Field(default=None, max_length=10)
    agency: str | None = Field(default=None, max_length=40)
    amount_vnd: int | None = None
    online: bool | None = None
    reasons: list[str] | None = Field(default=None, max_length=50)
    documents: list[FileRef] | None = Field(default=None, max_length=50)
    result_files: list[FileRef] | None = Field(default=None, max_length=50)


class RefusalIn(Schema):
    procedure: str = Field(max_length=40)
    agency: str = Field(max_length=40)
    channel: str = Field(max_length=10)
    applicant: ApplicantIn
    reasons: list[str] = Field(max_length=50)


def _refuse_nul(value: Any, field: str = "") -> None:
    """PostgreSQL keeps no NUL character in text (nor \\u0000 in jsonb): refuse it in any
    input on every database, rather than answer 500 there and store it on SQLite."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationFailed(
            "request.invalid",
            _("Text must not contain NUL characters."),
            fields={field or "__all__": [_("No NUL characters.")]},
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(item, f"{field}.{key}" if field else str(key))
    if isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_nul(item, f"{field}.{i}")


_mask = selectors.mask


def _shown(official: Any, dossier: Dossier) -> dict[str, Any]:
    """The full view for those who handle the dossier (logged), masked for the others."""
    full = selectors.may_see_personal_data(official=official, dossier=dossier)
    if full:
        selectors.personal_data_viewed(official=official, dossier=dossier, via="api")
    return dossier_out(dossier, full=full)


def dossier_out(
    d: Dossier, *, full: bool, engines: dict[int, WorkingTime] | None = None
) -> dict[str, Any]:
    """``engines`` caches the working calendar per receiving agency across a list page."""
    now = timezone.now()
    cache = {} if engines is None else engines
    engine = cache.get(d.agency_id)
    if engine is None:
        engine = cache[d.agency_id] = selectors.engine_of(d)
    timeliness = selectors.dossier_timeliness(d, now=now, engine=engine)
    return {
        "code": d.code,
        "status": d.status,
        "procedure": d.procedure.code,
        "agency": d.agency.code,
        "channel": d.channel,
        "applicant": {
            "type": d.applicant_type,
            "full_name": d.applicant_name,
            "id_number": d.applicant_id_number if full else _mask(d.applicant_id_number),
            "phone": d.applicant_phone if full else _mask(d.applicant_phone),
            "email": d.applicant_email if full else "",
            "address": d.applicant_address if full else "",
        },
        "received_at": _local(d.received_at),
        "effective_start": _local(d.effective_start),
        "due_at": _local(d.due_at),
        "appointment_at": _local(d.appointment_at),
        "finished_at": _local(d.finished_at),
        "returned_at": _local(d.returned_at),
        "timeliness": timeliness.value if timeliness else None,
        "steps": [
            {
                "index": s.index,
                "name": s.name,
                "agency": s.agency.code,
                "assignee": s.assignee.username if s.assignee else None,
                "started_at": _local(s.started_at),
                "due_at": _local(s.due_at),
                "finished_at": _local(s.finished_at),
                "outcome": s.outcome or None,
                "timeliness": selectors.step_timeliness(s, engine, now=now).value,
            }
            for s in d.steps.all()
        ],
        "procedure_version": d.version.number,
        "version": d.revision,
        "imported": d.imported,
    }


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


@router.post("/dossiers", response={201: dict[str, Any]}, summary="Receive a dossier")
def dossier_create(request: HttpRequest, payload: DossierIn) -> Status[dict[str, Any]]:
    official = actor(request)
    _refuse_nul(payload.dict())
    procedure = procedure_selectors.procedure_get(code=payload.procedure)
    agency = _agency(payload.agency)
    a = payload.applicant
    dossier = services.dossier_receive(
        actor=official,
        procedure=procedure,
        agency=agency,
        channel=payload.channel,
        applicant=services.ApplicantData(
            full_name=a.full_name,
            id_number=a.id_number,
            phone=a.phone,
            email=a.email,
            address=a.address,
            applicant_type=a.type,
        ),
        documents=[
            services.DocumentIn(d.name, d.copies, d.file_sha256, d.origin)
            for d in payload.documents
        ],
    )
    shown = selectors.dossier_visible_or_404(official=official, code=dossier.code)
    return Status(201, _shown(official, shown))


@router.post(
    "/dossiers/refusals",
    response={201: dict[str, Any]},
    summary="Record a refusal at reception (Form 03)",
)
def dossier_refuse(request: HttpRequest, payload: RefusalIn) -> Status[dict[str, Any]]:
    official = actor(request)
    _refuse_nul(payload.dict())
    procedure = procedure_selectors.procedure_get(code=payload.procedure)
    agency = _agency(payload.agency)
    a = payload.applicant
    dossier = services.dossier_refuse_at_counter(
        actor=official,
        procedure=procedure,
        agency=agency,
        channel=payload.channel,
        applicant=services.ApplicantData(
            full_name=a.full_name,
            id_number=a.id_number,
            phone=a.phone,
            email=a.email,
            address=a.address,
            applicant_type=a.type,
        ),
        reasons=payload.reasons,
    )
    shown = selectors.dossier_visible_or_404(official=official, code=dossier.code)
    out = _shown(official, shown)
    out["reasons"] = dossier.end_reason.splitlines()
    return Status(201, out)


def _agency(code: str) -> Agency:
    agency = Agency.objects.select_related("unit", "parent").filter(code=code).first()
    if agency is None:
        raise ValidationFailed(
            "dossier.invalid",
            _("Unknown agency %(code)r.") % {"code": code},
            fields={"agency": [_("Unknown agency.")]},
        )
    return agency


@router.get("/dossiers", summary="Dossiers you may see")
def dossiers_list(
    request: HttpRequest,
    status: int | None = None,
    agency: str | None = None,
    timeliness: str | None = None,
    q: str | None = Query(None, max_length=200),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    official = actor(request)
    _refuse_nul({"agency": agency, "timeliness": timeliness, "q": q, "cursor": cursor})
    rows = selectors.dossiers_visible(official=official)
    if status is not None:
        rows = rows.filter(status=status)
    if agency:
        rows = rows.filter(
            agency=org_selectors.agency_visible_or_404(official=official, code=agency)
        )
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q))
    if timeliness:
        rows = _by_timeliness(rows, timeliness)
    engines: dict[int, WorkingTime] = {}
    return paginate(
        rows,
        keys=["pk"],
        cursor=cursor,
        limit=limit,
        serialize=lambda d: dossier_out(d, full=False, engines=engines),
    )


def _by_timeliness(rows: Any, timeliness: str) -> Any:
    now = timezone.now()
    tz = timezone.get_current_timezone()
    # a paused dossier's clock stopped when it was paused
    overdue = Q(due_at__lt=now) & (Q(paused_at__isnull=True) | Q(due_at__lt=F("paused_at")))
    if timeliness == "in_time":
        return rows.filter(status__in=OPEN).exclude(overdue)
    if timeliness == "overdue":
        return rows.filter(overdue, status__in=OPEN)
    done = rows.filter(status__in=DONE).annotate(
        finished_day=TruncDate("finished_at", tzinfo=tz), due_day=TruncDate("due_at", tzinfo=tz)
    )
    if timeliness == "late":
        return done.filter(finished_at__gt=F("due_at"))
    if timeliness == "early":
        return done.filter(finished_day__lt=F("due_day"))
    if timeliness == "on_time":
        return done.filter(finished_at__lte=F("due_at"), finished_day=F("due_day"))
    raise ValidationFailed(
        "request.invalid",
        _("Unknown timeliness."),
        fields={"timeliness": ["early, on_time, late, in_time, overdue"]},
    )


@router.get("/dossiers/{code}", summary="A dossier")
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    official = actor(request)
    return _shown(official, selectors.dossier_visible_or_404(official=official, code=code))


@router.post("/dossiers/{code}/actions", summary="Act on a dossier")
def dossier_action(request: HttpRequest, code: str, payload: ActionIn) -> dict[str, Any]:
    official = actor(request)
    dossier = selectors.dossier_visible_or_404(official=official, code=code)
    data = payload.dict(exclude_none=True)
    _refuse_nul(data)
    if payload.new_due_at is not None:
        data["new_due_at"] = parse_stored_time(payload.new_due_at, "new_due_at")
    services.dossier_act(
        dossier=dossier,
        actor=official,
        action=payload.action,
        payload=data,
        expected_version=payload.expected_version,
    )
    return _shown(official, selectors.dossier_visible_or_404(official=official, code=code))


@router.get("/dossiers/{code}/events", summary="The hash-chained history of a dossier")
def dossier_events(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    dossier = selectors.dossier_visible_or_404(official=actor(request), code=code)
    return [
        {
            "seq": e.seq,
            "at": timezone.localtime(e.at),
            "actor": e.actor_name or None,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "data": e.data,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in dossier.events.order_by("seq")
    ]


@router.get("/ledger/verify", summary="Recompute every dossier's hash chain (administrators)")
def ledger_verify(request: HttpRequest) -> dict[str, Any]:
    if not org_selectors.is_top_administrator(official=actor(request)):
        raise PermissionDenied(
            "auth.forbidden", _("Only administrators of a province verify the ledger.")
        )
    result = ledger.verify()
    return {"ok": result.ok, "checked": result.checked, "broken": result.broken}
