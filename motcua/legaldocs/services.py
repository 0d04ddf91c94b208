"""Writes to the register of legal documents and its reviews: documents and their
relations, a review's outcomes (a proposal gives its reviewer a follow-up task with the six
"rõ"), and the approval that brings the register's statuses in line with the outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.text import fold
from motcua.dossiers import files
from motcua.legaldocs.models import (
    PROPOSALS,
    DocumentKind,
    DocumentRelation,
    DocumentStatus,
    LegalDocument,
    LegalReview,
    Outcome,
    RelationKind,
    ReviewKind,
    ReviewOutcome,
    ReviewState,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, Official, Role
from motcua.tasks import services as task_services
from motcua.tasks.models import SourceKind, Task

MAX_TEXT = 5000
FIRST_DAY, LAST_DAY = date(1945, 9, 2), date(2199, 12, 31)
# who keeps a unit's register and records reviews: its legal officers
KEEPERS = frozenset({Role.LEGAL_OFFICER})
# who approves a review: the chairman over the unit
APPROVERS = frozenset({Role.CHAIRMAN})
FOLLOW_UP_DAYS = 30


def may_keep_register(*, official: Official, unit: AdministrativeUnit) -> bool:
    return org_selectors.has_role_over_unit(official=official, unit=unit, roles=KEEPERS)


def _text(
    errors: dict[str, list[str]], name: str, value: object, limit: int, *, required: bool
) -> str:
    if not isinstance(value, str) or "\x00" in value:
        errors[name] = [_("Text expected.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = [_("Required.")]
    elif len(value) > limit:
        errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


def _day(errors: dict[str, list[str]], name: str, value: object, *, required: bool) -> date | None:
    if value is None:
        if required:
            errors[name] = [_("Required.")]
        return None
    if (
        not isinstance(value, date)
        or isinstance(value, datetime)
        or not FIRST_DAY <= value <= LAST_DAY
    ):
        errors[name] = [_("A date from 1945 to 2199.")]
        return None
    return value


@dataclass
class DocumentData:
    unit: AdministrativeUnit | None = None
    number: str = ""
    kind: str = ""
    title: str = ""
    issuing_body: str = ""
    signer: str = ""
    issued_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    subject: str = ""


def check_document(data: DocumentData) -> tuple[dict[str, list[str]], dict[str, object]]:
    """Every problem of a document's data, named (the import's dry run uses it too), and the
    cleaned values."""
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {
        "number": _text(errors, "number", data.number, 60, required=True),
        "title": _text(errors, "title", data.title, 500, required=True),
        "issuing_body": _text(errors, "issuing_body", data.issuing_body, 200, required=False),
        "signer": _text(errors, "signer", data.signer, 200, required=False),
        "subject": _text(errors, "subject", data.subject, 200, required=False),
        "issued_on": _day(errors, "issued_on", data.issued_on, required=True),
        "effective_on": _day(errors, "effective_on", data.effective_on, required=True),
        "expires_on": _day(errors, "expires_on", data.expires_on, required=False),
    }
    if data.unit is None:
        errors["unit"] = [_("Choose the unit.")]
    if data.kind not in DocumentKind.values:
        errors["kind"] = [", ".join(DocumentKind.values)]
    issued, effective, expires = values["issued_on"], values["effective_on"], values["expires_on"]
    if isinstance(issued, date) and isinstance(effective, date) and effective < issued:
        errors["effective_on"] = [_("A document takes effect on or after the day it is signed.")]
    if isinstance(effective, date) and isinstance(expires, date) and expires <= effective:
        errors["expires_on"] = [_("A document expires after it takes effect.")]
    return errors, values


@transaction.atomic
def legal_document_create(*, actor: Official, data: DocumentData) -> LegalDocument:
    """Register a document. 400 naming every problem; 403 unless the actor is a legal
    officer of the unit; 409 when the unit has a document of that number."""
    errors, values = check_document(data)
    if data.unit is not None and not may_keep_register(official=actor, unit=data.unit):
        raise PermissionDenied(
            "legal.forbidden",
            _("The register of %(unit)s is kept by its legal officers.") % {"unit": data.unit},
        )
    if errors:
        raise ValidationFailed(
            "legal.invalid", _("The document is incomplete or invalid."), fields=errors
        )
    number, title = str(values["number"]), str(values["title"])
    assert data.unit is not None  # noqa: S101 - checked above
    try:
        with transaction.atomic():
            return LegalDocument.objects.create(
                unit=data.unit,
                kind=data.kind,
                search_key=fold(f"{number} {title}"),
                **values,
            )
    except IntegrityError:
        raise Conflict(
            "legal.duplicate",
            _("%(unit)s has a document numbered %(number)s already.")
            % {"unit": data.unit, "number": number},
        ) from None


@transaction.atomic
def legal_document_attach(
    *, actor: Official, document: LegalDocument, data: IO[bytes], name: str
) -> LegalDocument:
    """Attach the document's file (kept by content hash, type and size checked)."""
    if not may_keep_register(official=actor, unit=document.unit):
        raise PermissionDenied("legal.forbidden", _("The register is kept by its legal officers."))
    stored = files.file_store(data=data, name=name, by=actor)
    LegalDocument.objects.filter(pk=document.pk).update(file=stored)
    document.file = stored
    return document


@transaction.atomic
def legal_relation_add(
    *, actor: Official, source: LegalDocument, kind: str, target: LegalDocument
) -> DocumentRelation:
    if not may_keep_register(official=actor, unit=source.unit):
        raise PermissionDenied("legal.forbidden", _("The register is kept by its legal officers."))
    errors: dict[str, list[str]] = {}
    if kind not in RelationKind.values:
        errors["kind"] = [", ".join(RelationKind.values)]
    if source.pk == target.pk:
        errors["target"] = [_("A document does not relate to itself.")]
    if errors:
        raise ValidationFailed("legal.invalid", _("The relation is invalid."), fields=errors)
    try:
        # the unique constraint decides when two record the same relation at once
        with transaction.atomic():
            return DocumentRelation.objects.create(source=source, kind=kind, target=target)
    except IntegrityError:
        raise Conflict(
            "legal.duplicate_relation", _("This relation is recorded already.")
        ) from None


# -- reviews ---------------------------------------------------------------------------------


@transaction.atomic
def legal_review_create(
    *,
    actor: Official,
    unit: AdministrativeUnit | None,
    title: str,
    kind: str,
    trigger: LegalDocument | None = None,
    at: datetime | None = None,
) -> LegalReview:
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, 300, required=True)
    if unit is None:
        errors["unit"] = [_("Choose the unit.")]
    if kind not in ReviewKind.values:
        errors["kind"] = [", ".join(ReviewKind.values)]
    if kind == ReviewKind.TRIGGERED and trigger is None:
        errors["trigger"] = [_("Name the new base document that calls for the review.")]
    if unit is not None and not may_keep_register(official=actor, unit=unit):
        raise PermissionDenied(
            "legal.forbidden",
            _("Reviews of %(unit)s are made by its legal officers.") % {"unit": unit},
        )
    if errors:
        raise ValidationFailed("legal.invalid", _("The review is incomplete."), fields=errors)
    assert unit is not None  # noqa: S101 - checked above
    return LegalReview.objects.create(
        unit=unit,
        title=title,
        kind=kind,
        trigger=trigger if kind == ReviewKind.TRIGGERED else None,
        created_by=actor,
        created_at=at or timezone.now(),
    )


@dataclass
class FollowUp:
    """A proposal's follow-up task; what is not given takes the defaults of
    ``review_outcome_record``."""

    assignee: Official | None = None
    lead_agency: Agency | None = None
    approver: Official | None = None
    due_at: datetime | None = None
    working_days: int | None = None
    deliverable: str = ""
    coordinating_agencies: list[Agency] = field(default_factory=list)


DELIVERABLES = {
    Outcome.PROPOSE_AMEND: gettext_noop("Draft of the amending or supplementing document"),
    Outcome.PROPOSE_REPLACE: gettext_noop("Draft of the replacing document"),
    Outcome.PROPOSE_REPEAL: gettext_noop("Draft of the repealing document"),
    Outcome.PROPOSE_SUSPEND: gettext_noop("Draft decision to suspend the document"),
    Outcome.PROPOSE_NEW: gettext_noop("Draft of the new document"),
}


def _legal_agency(official: Official, unit: AdministrativeUnit) -> Agency | None:
    for grant in org_selectors.role_grants_current(official=official):
        if grant.role in KEEPERS and grant.agency.unit_id == unit.pk:
            return grant.agency
    return None


def _chairman(unit: AdministrativeUnit, at: datetime) -> Official | None:
    committee = Agency.objects.filter(unit=unit, kind=AgencyKind.PEOPLE_COMMITTEE).first()
    return org_selectors.agency_head(agency=committee, at=at) if committee else None


def _check_follow_up(review: LegalReview, given: FollowUp) -> None:
    """A proposal's follow-up stays in the review's unit: its lead and coordinating
    agencies are the unit's, and its approver leads the unit or one of its agencies."""
    errors: dict[str, list[str]] = {}
    inside = _("Choose an agency of %(unit)s.") % {"unit": review.unit.name}
    if given.lead_agency is not None and given.lead_agency.unit_id != review.unit_id:
        errors["lead_agency"] = [inside]
    if any(a.unit_id != review.unit_id for a in given.coordinating_agencies):
        errors["coordinators"] = [inside]
    if given.approver is not None and not org_selectors.has_role_over_unit(
        official=given.approver, unit=review.unit, roles={Role.CHAIRMAN, Role.UNIT_HEAD}
    ):
        errors["approver"] = [
            _("The approver leads %(unit)s or one of its agencies.") % {"unit": review.unit.name}
        ]
    if errors:
        raise ValidationFailed("legal.invalid", _("The follow-up task is invalid."), fields=errors)


def review_source(review: LegalReview) -> str:
    """The reference a review's follow-up tasks carry (``Task.source``)."""
    return f"legal-review:{review.pk}"


def _follow_up(
    review: LegalReview,
    document: LegalDocument,
    outcome: str,
    reason: str,
    actor: Official,
    given: FollowUp,
    at: datetime,
) -> Task:
    label = Outcome(outcome).label
    data = task_services.TaskData(
        title=_("%(outcome)s: %(number)s") % {"outcome": label, "number": document.number},
        # the reason in full where it fits a task's description, cut otherwise (the outcome
        # keeps it whole)
        description=f"{document.number} {document.title}\n\n{reason}"[: task_services.MAX_TEXT],
        assignee=given.assignee or actor,
        lead_agency=given.lead_agency or _legal_agency(given.assignee or actor, review.unit),
        approver=given.approver or _chairman(review.unit, at) or review.created_by,
        start=at,
        due_at=given.due_at,
        working_days=given.working_days or (None if given.due_at is not None else FOLLOW_UP_DAYS),
        deliverable=given.deliverable or _(DELIVERABLES[Outcome(outcome)]),
        coordinating_agencies=given.coordinating_agencies,
        source_kind=SourceKind.LEGAL_REVIEW,
        source=review_source(review),
    )
    return task_services.task_create_for_source(assigner=review.created_by, data=data, at=at)


@transaction.atomic
def review_outcome_record(
    *,
    actor: Official,
    review: LegalReview,
    document: LegalDocument | None,
    outcome: str,
    reason: str,
    base_document: str = "",
    follow_up: FollowUp | None = None,
    at: datetime | None = None,
) -> ReviewOutcome:
    """Record the outcome for one document of the review's unit, with its reason (and the
    base document it rests on). A proposal gives a follow-up task (by default to the
    reviewer in their legal agency, approved by the unit's chairman, due in 30 working
    days); 409 once the document has an outcome in this review or the review is approved."""
    now = at or timezone.now()
    locked = LegalReview.objects.select_for_update().get(pk=review.pk)
    if not may_keep_register(official=actor, unit=locked.unit):
        raise PermissionDenied(
            "legal.forbidden", _("Outcomes are recorded by the unit's legal officers.")
        )
    if locked.state != ReviewState.OPEN:
        raise Conflict(
            "legal.review_approved", _("The review is approved: its outcomes are final.")
        )
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [", ".join(Outcome.values)]
    reason = _text(errors, "reason", reason, MAX_TEXT, required=True)
    base = _text(errors, "base_document", base_document, 300, required=False)
    if document is None:
        errors["document"] = [_("Choose the document.")]
    elif document.unit_id != locked.unit_id:
        errors["document"] = [_("The document is not in this unit's register.")]
    if errors:
        raise ValidationFailed("legal.invalid", _("The outcome is incomplete."), fields=errors)
    assert document is not None  # noqa: S101 - checked above
    if ReviewOutcome.objects.filter(review=locked, document=document).exists():
        raise Conflict(
            "legal.outcome_recorded",
            _("%(number)s has its outcome in this review already.") % {"number": document.number},
        )
    task = None
    if outcome in PROPOSALS:
        given = follow_up or FollowUp()
        _check_follow_up(locked, given)
        task = _follow_up(locked, document, outcome, reason, actor, given, now)
    return ReviewOutcome.objects.create(
        review=locked,
        document=document,
        outcome=outcome,
        reason=reason,
        base_document=base,
        reviewer=actor,
        recorded_at=now,
        task=task,
    )


STATUS_OF = {
    Outcome.EXPIRED_WHOLE: DocumentStatus.EXPIRED,
    Outcome.EXPIRED_PART: DocumentStatus.PARTLY_EXPIRED,
}


@transaction.atomic
def legal_review_approve(
    *, actor: Official, review: LegalReview, at: datetime | None = None
) -> LegalReview:
    """The chairman approves the review: each document found expired in whole or in part
    takes that status in the register from the approval day."""
    now = at or timezone.now()
    locked = LegalReview.objects.select_for_update().select_related("unit").get(pk=review.pk)
    if not org_selectors.has_role_over_unit(official=actor, unit=locked.unit, roles=APPROVERS):
        raise PermissionDenied("legal.forbidden", _("The chairman approves the review."))
    if locked.state != ReviewState.OPEN:
        raise Conflict("legal.review_approved", _("The review is approved already."))
    if not locked.outcomes.exists():
        raise Conflict("legal.review_empty", _("A review without outcomes is not approved."))
    day = timezone.localtime(now).date()
    for row in locked.outcomes.filter(outcome__in=list(STATUS_OF)).select_related("document"):
        doc = row.document
        status = STATUS_OF[Outcome(row.outcome)]
        if doc.status == DocumentStatus.EXPIRED:
            continue  # expired in whole already: a later "in part" does not bring it back
        if doc.status != status:  # the day it changed stays the day it changed
            doc.status, doc.status_since = status, day
        if status == DocumentStatus.EXPIRED:
            # it ceased to be in force now, whatever later expiry date it stated
            doc.expires_on = min(doc.expires_on, day) if doc.expires_on else day
        doc.save(update_fields=["status", "status_since", "expires_on"])
    locked.state, locked.approved_by, locked.approved_at = ReviewState.APPROVED, actor, now
    locked.save(update_fields=["state", "approved_by", "approved_at"])
    return locked
