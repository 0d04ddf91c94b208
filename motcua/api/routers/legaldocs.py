"""Legal-document endpoints (API.md, Legal documents; docs/api-legaldocs.md): the register
of a unit, its documents' relations and files, the import of a spreadsheet, the year's
expired documents, and the reviews with one outcome a document, their summary and their
approval by the chairman."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Count
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from motcua.api import lookups
from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.api.timeparse import parse_stored_time
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers import files
from motcua.dossiers.models import StoredFile
from motcua.legaldocs import imports, selectors, services
from motcua.legaldocs.models import (
    DocumentKind,
    DocumentRelation,
    DocumentStatus,
    LegalDocument,
    LegalReview,
    ReviewOutcome,
    ReviewState,
)
from motcua.org.models import Official

router = Router(tags=["legal documents"], auth=AUTH)

T = TypeVar("T")
# a date in a request: text, so that a bad one is named with the document's other problems
DateText = str | None


class DocumentIn(Schema):
    unit: str | None = Field(default=None, max_length=40)
    number: str = ""
    title: str = ""
    kind: str = Field(default="", max_length=20)
    issuing_body: str = ""
    signer: str = ""
    issued_on: DateText = Field(default=None, max_length=40)
    effective_on: DateText = Field(default=None, max_length=40)
    expires_on: DateText = Field(default=None, max_length=40)
    subject: str = ""


class RelationIn(Schema):
    kind: str = Field(default="", max_length=20)
    target: int | None = None


class ReviewIn(Schema):
    unit: str | None = Field(default=None, max_length=40)
    title: str = ""
    kind: str = Field(default="", max_length=20)
    trigger: int | None = None


class OutcomeIn(Schema):
    document: int | None = None
    outcome: str = Field(default="", max_length=20)
    reason: str = ""
    base_document: str = ""
    # a proposal's follow-up task; what is not given takes the service's defaults
    assignee: str | None = Field(default=None, max_length=150)
    lead_agency: str | None = Field(default=None, max_length=40)
    coordinators: list[str] = Field(default=[], max_length=50)
    approver: str | None = Field(default=None, max_length=150)
    due_at: str | None = Field(default=None, max_length=40)
    working_days: int | None = None
    deliverable: str = ""


def _check_id(value: int, code: str) -> None:
    # beyond a database integer: nothing to find, and no overflow in the query
    if not 0 < value < 2**63:
        raise NotFound(code, _("Unknown document %(id)s.") % {"id": value})


def _through(call: Callable[[], T], errors: dict[str, list[str]], message: str) -> T:
    """Call one service naming every problem at once (``lookups.all_named``)."""
    with lookups.all_named(errors, "legal.invalid", message):
        return call()


def _date(value: str | None, name: str, errors: dict[str, list[str]]) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = [_("Write a date as YYYY-MM-DD.")]
        return None


def _visible_document(
    official: Official, pk: int | None, name: str, errors: dict[str, list[str]]
) -> LegalDocument | None:
    if pk is None:
        return None
    found = (
        selectors.documents_visible(official=official).filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if found is None:
        errors[name] = [_("Unknown document %(id)s.") % {"id": pk}]
    return found


def _time(value: datetime | None) -> datetime | None:
    return None if value is None else timezone.localtime(value)


# -- shapes -----------------------------------------------------------------------------------


def _file_out(stored: StoredFile | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "sha256": stored.sha256,
        "name": stored.original_name,
        "size": stored.size,
        "content_type": stored.content_type,
    }


def _brief(d: LegalDocument) -> dict[str, Any]:
    return {"id": d.pk, "unit": d.unit.code, "number": d.number, "title": d.title}


def document_out(d: LegalDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "unit": d.unit.code,
        "number": d.number,
        "kind": d.kind,
        "title": d.title,
        "issuing_body": d.issuing_body,
        "signer": d.signer,
        "issued_on": d.issued_on,
        "effective_on": d.effective_on,
        "expires_on": d.expires_on,
        "subject": d.subject,
        "status": d.status,
        "status_since": d.status_since,
        "file": _file_out(d.file),
    }


def document_detail_out(d: LegalDocument) -> dict[str, Any]:
    """The document with its relations both ways: what it amends, replaces, repeals or
    rests on, and which documents do so to it."""
    out = document_out(d)
    out["relations"] = [
        {"id": r.pk, "kind": r.kind, "target": _brief(r.target)}
        for r in d.relations.select_related("target__unit").order_by("kind", "target__number")
    ]
    out["related_from"] = [
        {"id": r.pk, "kind": r.kind, "source": _brief(r.source)}
        for r in d.related_from.select_related("source__unit").order_by("kind", "source__number")
    ]
    return out


def outcome_out(o: ReviewOutcome) -> dict[str, Any]:
    return {
        "id": o.pk,
        "review": o.review_id,
        "document": o.document_id,
        "number": o.document.number,
        "title": o.document.title,
        "outcome": o.outcome,
        "reason": o.reason,
        "base_document": o.base_document,
        "reviewer": o.reviewer.username,
        "recorded_at": _time(o.recorded_at),
        "task": o.task_id,
        "task_status": o.task.status if o.task is not None else None,
        "task_assignee": o.task.assignee.username if o.task is not None else None,
        "task_due_at": _time(o.task.due_at) if o.task is not None else None,
    }


def summary_out(review: LegalReview) -> dict[str, Any]:
    summary = selectors.review_summary(review=review)
    return {"counts": summary.counts, "total": summary.total}


def review_out(r: LegalReview) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit": r.unit.code,
        "title": r.title,
        "kind": r.kind,
        "trigger": _brief(r.trigger) if r.trigger is not None else None,
        "state": r.state,
        "created_by": r.created_by.username,
        "created_at": _time(r.created_at),
        "approved_by": r.approved_by.username if r.approved_by is not None else None,
        "approved_at": _time(r.approved_at),
    }


def review_detail_out(r: LegalReview) -> dict[str, Any]:
    out = review_out(r)
    out["summary"] = summary_out(r)
    out["outcomes"] = [outcome_out(o) for o in selectors.review_outcomes(review=r)]
    return out


def _document(official: Official, document_id: int) -> LegalDocument:
    _check_id(document_id, "legal.not_found")
    found = (
        selectors.documents_visible(official=official)
        .select_related("file", "unit")
        .filter(pk=document_id)
        .first()
    )
    if found is None:
        raise NotFound("legal.not_found", _("Unknown document %(id)s.") % {"id": document_id})
    return found


def _review(official: Official, review_id: int) -> LegalReview:
    if not 0 < review_id < 2**63:
        raise NotFound("legal.review_not_found", _("Unknown review %(id)s.") % {"id": review_id})
    found = (
        selectors.reviews_visible(official=official)
        .select_related("trigger__unit")
        .filter(pk=review_id)
        .first()
    )
    if found is None:
        raise NotFound("legal.review_not_found", _("Unknown review %(id)s.") % {"id": review_id})
    return found


# -- documents --------------------------------------------------------------------------------


@router.post(
    "/legal-documents", response={201: dict[str, Any]}, summary="Register a legal document"
)
def document_create(request: HttpRequest, payload: DocumentIn) -> Status[dict[str, Any]]:
    official = actor(request)
    errors: dict[str, list[str]] = {}
    data = services.DocumentData(
        unit=lookups.unit(payload.unit, "unit", errors),
        number=payload.number,
        kind=payload.kind,
        title=payload.title,
        issuing_body=payload.issuing_body,
        signer=payload.signer,
        issued_on=_date(payload.issued_on, "issued_on", errors),
        effective_on=_date(payload.effective_on, "effective_on", errors),
        expires_on=_date(payload.expires_on, "expires_on", errors),
        subject=payload.subject,
    )
    document = _through(
        lambda: services.legal_document_create(actor=official, data=data),
        errors,
        _("The document is incomplete or invalid."),
    )
    return Status(201, document_detail_out(_document(official, document.pk)))


def _choice(value: str | None, name: str, allowed: list[str]) -> str | None:
    if value and value not in allowed:
        raise ValidationFailed(
            "request.invalid",
            _("Unknown %(name)s.") % {"name": name},
            fields={name: [", ".join(allowed)]},
        )
    return value or None


@router.get("/legal-documents", summary="The register: documents you may see")
def documents_list(
    request: HttpRequest,
    unit: str | None = Query(None, max_length=40),
    q: str | None = Query(None, max_length=200),
    status: str | None = Query(None, max_length=20),
    kind: str | None = Query(None, max_length=20),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Every word of ``q`` in the number or the title, whatever the diacritics and case
    (``quy dinh dat dai`` finds ``Quy định đất đai``)."""
    official = actor(request)
    errors: dict[str, list[str]] = {}
    unit_obj = lookups.unit(unit, "unit", errors)
    if errors:
        raise ValidationFailed("request.invalid", _("Unknown unit."), fields=errors)
    if q and "\x00" in q:
        raise ValidationFailed(
            "request.invalid", _("Unknown text."), fields={"q": [_("No NUL characters.")]}
        )
    rows = selectors.documents_search(
        official=official,
        q=q,
        unit=unit_obj,
        status=_choice(status, "status", DocumentStatus.values),
        kind=_choice(kind, "kind", DocumentKind.values),
    ).select_related("file")
    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=document_out)


@router.get(
    "/legal-documents/expired", summary="A unit's documents that ceased to be in force in a year"
)
def documents_expired(
    request: HttpRequest,
    unit: str = Query(..., max_length=40),
    year: int = Query(..., ge=1945, le=2199),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The list of ``selectors.documents_expired_in`` (the page and its export show the
    same rows), of the documents you may see."""
    official = actor(request)
    errors: dict[str, list[str]] = {}
    unit_obj = lookups.unit(unit, "unit", errors)
    if unit_obj is None:
        raise ValidationFailed("request.invalid", _("Unknown unit."), fields=errors)
    visible = selectors.documents_visible(official=official).values("pk")
    rows = (
        selectors.documents_expired_in(unit=unit_obj, year=year)
        .filter(pk__in=visible)
        .select_related("unit", "file")
    )
    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=document_out)


@router.post(
    "/legal-documents/import",
    summary="Import a unit's register from an .xlsx or .csv file (dry run by default)",
)
def documents_import(
    request: HttpRequest,
    file: File[UploadedFile],
    unit: str = Query(..., max_length=40),
    dry_run: bool = True,
) -> dict[str, Any]:
    """Every row is checked; with ``dry_run=false`` the rows are registered all or nothing:
    when any row is rejected nothing is written and the answer is 400
    ``legal.import_rejected`` naming each rejected row in ``fields``."""
    official = actor(request)
    errors: dict[str, list[str]] = {}
    unit_obj = lookups.unit(unit, "unit", errors)
    if unit_obj is None:
        raise ValidationFailed("request.invalid", _("Unknown unit."), fields=errors)
    if not services.may_keep_register(official=official, unit=unit_obj):
        raise PermissionDenied(
            "legal.forbidden",
            _("The register of %(unit)s is kept by its legal officers.") % {"unit": unit_obj},
        )
    imports.check_file_size(file.size)
    rows = imports.read_rows(file.read(), file.name or "")
    report = imports.legal_documents_import(
        unit=unit_obj, rows=rows, actor=official, dry_run=dry_run
    )
    if report.rejected and not dry_run:
        raise ValidationFailed(
            "legal.import_rejected",
            report.summary(),
            fields={f"row {r.row}": [r.reason] for r in report.rejected},
        )
    return report.as_dict()


@router.get("/legal-documents/{document_id}", summary="A document and its relations")
def document_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return document_detail_out(_document(actor(request), document_id))


@router.post(
    "/legal-documents/{document_id}/relations",
    response={201: dict[str, Any]},
    summary="Record that the document amends, replaces, repeals or rests on another",
)
def relation_add(
    request: HttpRequest, document_id: int, payload: RelationIn
) -> Status[dict[str, Any]]:
    official = actor(request)
    source = _document(official, document_id)
    errors: dict[str, list[str]] = {}
    target = _visible_document(official, payload.target, "target", errors)
    if payload.target is None:
        errors["target"] = [_("Choose the document.")]
    if target is None:
        # the service's order: who may first, then what is wrong
        if not services.may_keep_register(official=official, unit=source.unit):
            raise PermissionDenied(
                "legal.forbidden", _("The register is kept by its legal officers.")
            )
        raise ValidationFailed("legal.invalid", _("The relation is invalid."), fields=errors)
    relation: DocumentRelation = services.legal_relation_add(
        actor=official, source=source, kind=payload.kind, target=target
    )
    return Status(
        201,
        {
            "id": relation.pk,
            "source": _brief(source),
            "kind": relation.kind,
            "target": _brief(target),
        },
    )


@router.post(
    "/legal-documents/{document_id}/file",
    response={201: dict[str, Any]},
    summary="Attach the document's file (PDF, DOCX, images; legal officers)",
)
def document_attach(
    request: HttpRequest, document_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    official = actor(request)
    document = _document(official, document_id)
    services.legal_document_attach(
        actor=official, document=document, data=file, name=file.name or ""
    )
    return Status(201, document_detail_out(_document(official, document_id)))


@router.get("/legal-documents/{document_id}/file", summary="Download the document's file")
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    document = _document(actor(request), document_id)
    if document.file is None:
        raise NotFound("legal.no_file", _("The document has no file."))
    return FileResponse(
        files.file_open(document.file),
        content_type=document.file.content_type,
        as_attachment=True,
        filename=document.file.original_name,
    )


# -- reviews ----------------------------------------------------------------------------------


@router.post("/legal-reviews", response={201: dict[str, Any]}, summary="Open a review")
def review_create(request: HttpRequest, payload: ReviewIn) -> Status[dict[str, Any]]:
    official = actor(request)
    errors: dict[str, list[str]] = {}
    unit = lookups.unit(payload.unit, "unit", errors)
    trigger = _visible_document(official, payload.trigger, "trigger", errors)
    review = _through(
        lambda: services.legal_review_create(
            actor=official, unit=unit, title=payload.title, kind=payload.kind, trigger=trigger
        ),
        errors,
        _("The review is incomplete."),
    )
    return Status(201, review_detail_out(_review(official, review.pk)))


@router.get("/legal-reviews", summary="Reviews you may see")
def reviews_list(
    request: HttpRequest,
    unit: str | None = Query(None, max_length=40),
    state: str | None = Query(None, max_length=20),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    rows = (
        selectors.reviews_visible(official=actor(request))
        .select_related("trigger__unit")
        .annotate(outcome_count=Count("outcomes"))
    )
    if unit:
        rows = rows.filter(unit__code=unit)
    if _choice(state, "state", ReviewState.values):
        rows = rows.filter(state=state)

    def serialize(r: LegalReview) -> dict[str, Any]:
        return {**review_out(r), "outcomes": getattr(r, "outcome_count", 0)}

    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=serialize)


@router.get("/legal-reviews/{review_id}", summary="A review with its outcomes")
def review_detail(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return review_detail_out(_review(actor(request), review_id))


@router.get("/legal-reviews/{review_id}/summary", summary="How many documents got each outcome")
def review_summary(request: HttpRequest, review_id: int) -> dict[str, Any]:
    return summary_out(_review(actor(request), review_id))


@router.post(
    "/legal-reviews/{review_id}/outcomes",
    response={201: dict[str, Any]},
    summary="Record the outcome for one document (a proposal gives a follow-up task)",
)
def outcome_record(
    request: HttpRequest, review_id: int, payload: OutcomeIn
) -> Status[dict[str, Any]]:
    official = actor(request)
    review = _review(official, review_id)
    errors: dict[str, list[str]] = {}
    document = _visible_document(official, payload.document, "document", errors)
    coordinators = []
    for i, code in enumerate(payload.coordinators):
        found = lookups.agency(code, f"coordinators.{i}", errors)
        if found is not None:
            coordinators.append(found)
    due_at = None
    if payload.due_at is not None:
        try:
            due_at = parse_stored_time(payload.due_at, "due_at")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if payload.working_days is not None and not 0 < payload.working_days <= 1000:
        errors["working_days"] = [_("Between 1 and 1,000 working days.")]
    follow_up = services.FollowUp(
        assignee=lookups.official(payload.assignee, "assignee", errors),
        lead_agency=lookups.agency(payload.lead_agency, "lead_agency", errors),
        approver=lookups.official(payload.approver, "approver", errors),
        due_at=due_at,
        working_days=payload.working_days if "working_days" not in errors else None,
        deliverable=payload.deliverable,
        coordinating_agencies=coordinators,
    )
    outcome = _through(
        lambda: services.review_outcome_record(
            actor=official,
            review=review,
            document=document,
            outcome=payload.outcome,
            reason=payload.reason,
            base_document=payload.base_document,
            follow_up=follow_up,
        ),
        errors,
        _("The outcome is incomplete."),
    )
    shown = selectors.review_outcomes(review=review).get(pk=outcome.pk)
    return Status(201, outcome_out(shown))


@router.post("/legal-reviews/{review_id}/approve", summary="The chairman approves the review")
def review_approve(request: HttpRequest, review_id: int) -> dict[str, Any]:
    official = actor(request)
    review = _review(official, review_id)
    services.legal_review_approve(actor=official, review=review)
    return review_detail_out(_review(official, review_id))
