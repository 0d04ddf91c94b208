"""Public endpoints (API.md: ``POST /public/lookup``; docs/api-misconduct.md: following a
misconduct report by its code): no token. Every one is rate-limited per client address (and
the look-ups also per dossier code), with the same counters as the portal's pages, and
answers what a citizen may know: nothing beyond the applicant's name and the dossier's
progress, and for a wrong code + ID number pair a 404 that does not say which half was
wrong; of a misconduct report, where it stands and its finding, never its investigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from motcua.api.routers.dossiers import ApplicantIn, _refuse_nul
from motcua.core.errors import NotFound, ValidationFailed
from motcua.dossiers import files, services
from motcua.dossiers import selectors as dossier_selectors
from motcua.inspections import selectors as inspection_selectors
from motcua.inspections import services as inspection_services
from motcua.org.models import Agency
from motcua.portal import limits
from motcua.portal import selectors as portal_selectors
from motcua.procedures import selectors as procedure_selectors

router = Router(tags=["public"], auth=None)


class LookupIn(Schema):
    code: str = Field(max_length=60)
    id_number: str = Field(max_length=20)


class RatingIn(Schema):
    id_number: str = Field(max_length=20)
    level: int
    comment: str = Field(default="", max_length=2000)


class MisconductIn(Schema):
    kind: str = Field(max_length=20)
    description: str = Field(max_length=5000)
    dossier: str = Field(default="", max_length=60)
    # with the dossier's code, the applicant's ID number ties the report to the dossier
    id_number: str = Field(default="", max_length=20)
    official: str = Field(default="", max_length=200)
    agency: str = Field(default="", max_length=40)
    reporter_name: str = Field(default="", max_length=200)
    reporter_contact: str = Field(default="", max_length=254)


class PublicDocumentIn(Schema):
    name: str = Field(max_length=500)
    file_sha256: str = Field(default="", max_length=64)


class SubmissionIn(Schema):
    procedure: str = Field(max_length=40)
    agency: str = Field(max_length=40)
    applicant: ApplicantIn
    documents: list[PublicDocumentIn] = Field(default=[], max_length=100)


def _lookup(request: HttpRequest, code: str, id_number: str) -> Any:
    _refuse_nul({"code": code, "id_number": id_number})
    limits.lookup_attempt(request, code)
    try:
        return dossier_selectors.public_lookup(code=code, id_number=id_number)
    except NotFound:
        limits.lookup_failed(code)
        raise


@router.post("/public/lookup", summary="Look a dossier up by its code and the ID number")
def public_lookup(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    dossier = _lookup(request, payload.code, payload.id_number)
    return portal_selectors.public_out(portal_selectors.public_view(dossier))


@router.post(
    "/public/dossiers/{code}/rating",
    response={201: dict[str, Any]},
    summary="Rate the service once the result is returned",
)
def public_rating(request: HttpRequest, code: str, payload: RatingIn) -> Status[dict[str, Any]]:
    _refuse_nul(payload.comment, "comment")
    dossier = _lookup(request, code, payload.id_number)
    rating = services.dossier_rate(dossier=dossier, level=payload.level, comment=payload.comment)
    return Status(
        201,
        {
            "code": dossier.code,
            "level": rating.level,
            "comment": rating.comment,
            "rated_at": timezone.localtime(rating.at),
        },
    )


@router.post(
    "/public/misconduct-reports",
    response={201: dict[str, Any]},
    summary="Report misconduct (harassment, asking for money, delay)",
)
def public_misconduct_report(request: HttpRequest, payload: MisconductIn) -> Status[dict[str, Any]]:
    _refuse_nul(payload.dict())
    limits.report_attempt(request)
    proven = False
    if payload.dossier and payload.id_number:
        _lookup(request, payload.dossier, payload.id_number)  # 404 for a wrong pair
        proven = True
    report = inspection_services.misconduct_report_create(
        report=inspection_services.MisconductIn(
            kind=payload.kind,
            description=payload.description,
            dossier_code=payload.dossier,
            official_name=payload.official,
            agency_code=payload.agency,
            reporter_name=payload.reporter_name,
            reporter_contact=payload.reporter_contact,
            dossier_proven=proven,
        )
    )
    return Status(
        201,
        {
            "id": report.pk,
            # the reporter's only way back to the report (GET /public/misconduct-reports/{code})
            "code": report.code,
            "kind": report.kind,
            "status": report.status,
            "agency": report.agency.code,
            "dossier": report.dossier.code if report.dossier else None,
            "reported_at": timezone.localtime(report.reported_at),
        },
    )


def follow_up_out(view: inspection_selectors.MisconductFollowUp) -> dict[str, Any]:
    """The reporter's view of a report (the portal's follow-up page shows the same)."""
    return {
        "code": view.code,
        "kind": view.kind,
        "kind_label": view.kind_label,
        "agency": view.agency,
        "agency_name": view.agency_name,
        "received_on": view.received_on,
        "status": view.status,
        "status_label": view.status_label,
        "due_on": view.due_on,
        "closed_on": view.closed_on,
        "substantiated": view.substantiated,
        "action_taken": view.action_taken or None,
    }


@router.get(
    "/public/misconduct-reports/{code}",
    summary="Follow a misconduct report by its follow-up code",
)
def public_misconduct_follow(request: HttpRequest, code: str) -> dict[str, Any]:
    # a code that is malformed, wrong or nobody's: the same 404; a NUL is dropped from the
    # rate-limit key (PostgreSQL refuses it in text) and can match no code anyway
    key = code.replace("\x00", "")[:60]
    limits.lookup_attempt(request, key)
    view = inspection_selectors.misconduct_report_follow(code=code)
    if view is None:
        limits.lookup_failed(key)
        raise NotFound("misconduct.not_found", _("No report has this code."))
    return follow_up_out(view)


@router.post(
    "/public/files",
    response={201: dict[str, Any]},
    summary="Upload a file for an online submission (multipart)",
)
def public_file_upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    limits.upload_attempt(request)
    stored = files.file_store(data=file, name=file.name or "", by=None)
    return Status(
        201,
        {
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "name": stored.original_name,
        },
    )


@router.post(
    "/public/dossiers",
    response={201: dict[str, Any]},
    summary="File a dossier online (status 1, awaiting receipt)",
)
def public_submit(request: HttpRequest, payload: SubmissionIn) -> Status[dict[str, Any]]:
    _refuse_nul(payload.dict())
    limits.submit_attempt(request)
    procedure = procedure_selectors.procedure_get(code=payload.procedure)
    if portal_selectors.online_version(procedure=procedure) is None:
        raise ValidationFailed(
            "dossier.not_online",
            _("This procedure cannot be filed online."),
            fields={"procedure": [_("Not offered online.")]},
        )
    agency = (
        portal_selectors.online_agencies(procedure=procedure).filter(code=payload.agency).first()
    )
    if agency is None:
        raise ValidationFailed(
            "dossier.invalid",
            _("File it with the one-stop department of a unit that resolves the procedure."),
            fields={"agency": [_("Not a one-stop department that takes this procedure.")]},
        )
    a = payload.applicant
    dossier = services.dossier_submit_online(
        procedure=procedure,
        agency=Agency.objects.select_related("unit", "parent").get(pk=agency.pk),
        applicant=services.ApplicantData(
            full_name=a.full_name,
            id_number=a.id_number,
            phone=a.phone,
            email=a.email,
            address=a.address,
            applicant_type=a.type,
        ),
        documents=[
            services.DocumentIn(name=d.name, file_sha256=d.file_sha256) for d in payload.documents
        ],
    )
    return Status(
        201,
        {
            "code": dossier.code,
            "status": dossier.status,
            "procedure": procedure.code,
            "agency": dossier.agency.code,
            "submitted_at": timezone.localtime(dossier.submitted_at)
            if dossier.submitted_at
            else None,
            "documents": [
                {"name": d.name, "file_sha256": d.file_sha256 or None}
                for d in dossier.documents.all()
            ],
        },
    )
