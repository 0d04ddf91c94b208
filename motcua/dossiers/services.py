"""Writes to dossiers: reception and every action of handling. One transaction each, the
dossier row locked, the actor's role and agency checked, and one hash-chained event
appended per change (the API and the pages only call these)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.ledger import GENESIS, event_hash
from motcua.dossiers.models import (
    ENDED,
    ApplicantType,
    Channel,
    DailyCounter,
    DocumentKind,
    DocumentOrigin,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    DossierStep,
    Rating,
    StepOutcome,
    StoredFile,
)
from motcua.notifications.models import Medium
from motcua.notifications.services import notify
from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, Agency, AgencyKind, Official, Role
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import (
    LimitUnit,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Publication,
    RequiredDocument,
)
from motcua.procedures.services import version_mark_used
from motcua.workcalendar.engine import Deadline, WorkingTime

ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
# mobile (03x, 05x, 07x, 08x, 09x) and landline (02x) numbers, 10 digits, or +84 instead of 0
PHONE = re.compile(r"^(?:0|\+84)(?:[235789]\d{8})$")
MAX_TEXT = 2000
# an apology's new appointment lies within a year of the legal due time
MAX_DELAY = timedelta(days=366)


@dataclass(frozen=True)
class ApplicantData:
    full_name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    applicant_type: str = ApplicantType.PERSON


@dataclass(frozen=True)
class DocumentIn:
    name: str
    copies: int = 1
    file_sha256: str = ""
    origin: str = ""


# -- helpers ---------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _engine_for(agency: Agency) -> WorkingTime:
    return org_selectors.working_time_for_unit(unit=agency.unit)


def _has_role(official: Official, agency: Agency, roles: set[str]) -> bool:
    """A current grant of one of ``roles`` in ``agency``; a unit-wide role (the chairman)
    granted in an agency of the agency's unit or of a unit above it counts too."""
    if official.is_superuser:
        return True
    return any(
        g.role in roles
        and (
            g.agency_id == agency.pk
            or (g.role in UNIT_WIDE_ROLES and agency.unit.path.startswith(g.agency.unit.path))
        )
        for g in org_selectors.role_grants_current(official=official)
    )


def _append_event(
    dossier: Dossier,
    *,
    actor: Official | None,
    action: str,
    from_status: int | None,
    data: dict[str, Any],
    at: datetime,
) -> DossierEvent:
    """Append the next event of ``dossier`` (its row is locked by the caller) and move the
    chain's head on the dossier row, in the same transaction."""
    event = _chain_event(
        dossier, actor=actor, action=action, from_status=from_status, data=data, at=at
    )
    event.save(force_insert=True)
    return event


def _chain_event(
    dossier: Dossier,
    *,
    actor: Official | None,
    action: str,
    from_status: int | None,
    data: dict[str, Any],
    at: datetime,
) -> DossierEvent:
    """The next event of ``dossier``, not yet saved, with the chain's head moved on the
    dossier object (the hash covers the code, not the row id, so a new dossier's first
    event is computed before its row is written)."""
    seq = dossier.revision + 1
    prev = dossier.ledger_head or GENESIS
    actor_name = actor.username if actor else ""
    digest = event_hash(
        code=dossier.code,
        seq=seq,
        at=at,
        actor=actor_name,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        data=data,
        prev_hash=prev,
    )
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        at=at,
        actor=actor,
        actor_name=actor_name,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        data=data,
        prev_hash=prev,
        hash=digest,
    )
    dossier.revision, dossier.ledger_head = seq, digest
    return event


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _next_code(agency: Agency, at: datetime) -> str:
    """``<agency code>-<yymmdd>-<4-digit daily sequence>``. One upsert takes the next number
    under the counter row's lock (PostgreSQL; SQLite holds the write lock from BEGIN
    IMMEDIATE), so two receptions at the same agency never get the same number."""
    day = timezone.localtime(at).date()
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name from the model
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, day],
        )
        (number,) = cursor.fetchone()
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _validate_applicant(applicant: ApplicantData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not applicant.full_name.strip():
        errors["applicant.full_name"] = [_("The applicant's name is required.")]
    elif len(applicant.full_name) > 200:
        errors["applicant.full_name"] = [_("At most 200 characters.")]
    if not ID_NUMBER.match(applicant.id_number.strip()):
        errors["applicant.id_number"] = [_("An ID document number has 9 or 12 digits.")]
    phone = re.sub(r"[\s.-]", "", applicant.phone)
    if phone and not PHONE.match(phone):
        errors["applicant.phone"] = [_("Not a Vietnamese phone number (10 digits from 0).")]
    if applicant.email:
        try:
            validate_email(applicant.email)
        except DjangoValidationError:
            errors["applicant.email"] = [_("Not an e-mail address.")]
    if len(applicant.address) > 300:
        errors["applicant.address"] = [_("At most 300 characters.")]
    if applicant.applicant_type not in ApplicantType.values:
        errors["applicant.applicant_type"] = [_("Unknown applicant type.")]
    return errors


def _step_agency(step: ProcessStep, dossier: Dossier) -> Agency:
    """Who holds a process step: its own agency; for a step named by role only, the
    receiving agency for one-stop work, else the agency the catalogue publishes as resolving
    the procedure, else the receiving agency's parent (its People's Committee)."""
    if step.agency is not None:
        return step.agency
    if step.role == Role.ONE_STOP_OFFICER:
        return dossier.agency
    return _resolving_agency(dossier) or dossier.agency.parent or dossier.agency


def _open_step(
    dossier: Dossier, index: int, start: datetime, engine: WorkingTime
) -> DossierStep | None:
    """Open the run of step ``index`` (None for a version without steps)."""
    version = dossier.version
    prefetched = "steps" in getattr(version, "_prefetched_objects_cache", {})
    steps = list(version.steps.all() if prefetched else version.steps.select_related("agency"))
    if not steps:
        return None
    step = steps[index - 1]
    allotted = int(step.hours * 3600)
    begin = engine.effective_start(start)
    return DossierStep.objects.create(
        dossier=dossier,
        index=index,
        name=step.name,
        agency=_step_agency(step, dossier),
        role=step.role,
        allotted_seconds=allotted,
        started_at=begin,
        due_at=engine.due_after_seconds(begin, allotted),
    )


def _resolving_agency(dossier: Dossier) -> Agency | None:
    publication = (
        Publication.objects.filter(procedure=dossier.procedure, unit=dossier.agency.unit)
        .exclude(agency=None)
        .select_related("agency")
        .first()
    )
    return publication.agency if publication else None


# -- reception -------------------------------------------------------------------------------


def _check_competence(procedure: Procedure, agency: Agency, now: datetime) -> None:
    day = timezone.localtime(now).date()
    competent = procedure_selectors.published_in(unit=agency.unit, at=day).filter(
        procedure=procedure, unit=agency.unit
    )
    if not competent.exists():
        raise ValidationFailed(
            "dossier.not_competent",
            _("%(unit)s does not resolve the procedure %(code)s.")
            % {"unit": agency.unit.name, "code": procedure.code},
            fields={"procedure": [_("Outside the competence of this unit.")]},
        )


def _check_channel(channel: str) -> None:
    if channel not in Channel.values:
        raise ValidationFailed(
            "dossier.invalid",
            _("Unknown channel."),
            fields={"channel": [", ".join(Channel.values)]},
        )


def _raise_for(errors: dict[str, list[str]]) -> None:
    missing = errors.get("documents")
    if missing and len(errors) == 1:
        raise ValidationFailed(
            "dossier.incomplete",
            _("The dossier is incomplete: %(n)d mandatory document(s) missing.")
            % {"n": len(missing)},
            fields={"documents": missing},
        )
    if errors:
        raise ValidationFailed("dossier.invalid", _("The dossier is invalid."), fields=errors)


def _set_clock(dossier: Dossier, now: datetime, engine: WorkingTime) -> None:
    """Received now: the legal due time from the version's limit (no query)."""
    deadline = deadline_for(dossier.version, now, engine)
    dossier.received_at = now
    dossier.effective_start, dossier.due_at = deadline.effective_start, deadline.due_at


def _begin_handling(dossier: Dossier, now: datetime, engine: WorkingTime) -> None:
    """After the clock is set and the row exists: freeze the version, open step 1."""
    version = dossier.version
    if version.first_used_at is None:
        version_mark_used(version=version, at=now)
    assert dossier.effective_start is not None  # noqa: S101 - set by _set_clock
    _open_step(dossier, 1, dossier.effective_start, engine)


def _applicant_fields(applicant: ApplicantData) -> dict[str, Any]:
    return {
        "applicant_type": applicant.applicant_type,
        "applicant_name": applicant.full_name.strip(),
        "applicant_id_number": applicant.id_number.strip(),
        "applicant_phone": re.sub(r"[\s.-]", "", applicant.phone),
        "applicant_email": applicant.email.strip(),
        "applicant_address": applicant.address.strip(),
    }


def _store_documents(dossier: Dossier, documents: Sequence[DocumentIn], at: datetime) -> None:
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            name=d.name.strip(),
            copies=d.copies,
            file_sha256=d.file_sha256,
            origin=d.origin
            or (DocumentOrigin.DIGITISED if d.file_sha256 else DocumentOrigin.PAPER),
            added_at=at,
        )
        for d in documents
    )


# the documents and steps of used (frozen) versions, by content token: they never change,
# so every reception after the first reads them from memory instead of two queries
_FROZEN: dict[UUID, tuple[list[RequiredDocument], list[ProcessStep]]] = {}
_FROZEN_MAX = 5000


def _version_for_reception(procedure: Procedure, now: datetime) -> ProcedureVersion:
    """The version in force, with its documents and steps as if prefetched."""
    day = timezone.localtime(now).date()
    version = (
        ProcedureVersion.objects.filter(procedure=procedure)
        .filter(procedure_selectors.in_force_on(day))
        .order_by("effective_from")
        .first()
    )
    token = version.content_token if version is not None else None
    if version is None or token is None or version.first_used_at is None:
        return procedure_selectors.version_in_force(procedure=procedure, at=now, fees=False)
    content = _FROZEN.get(token)
    if content is None:
        documents = list(RequiredDocument.objects.filter(version=version).order_by("position"))
        steps = list(
            ProcessStep.objects.filter(version=version)
            .select_related("agency__unit")
            .order_by("position")
        )
        if len(_FROZEN) >= _FROZEN_MAX:
            _FROZEN.clear()
        content = _FROZEN[token] = (documents, steps)
    cache = version._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    for name, rows in (("documents", content[0]), ("steps", content[1])):
        related = getattr(version, name).get_queryset()
        related._result_cache = list(rows)
        related._prefetch_done = True
        cache[name] = related
    return version


@transaction.atomic
def dossier_receive(
    *,
    actor: Official,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: ApplicantData,
    documents: Sequence[DocumentIn],
    at: datetime | None = None,
) -> Dossier:
    """Receive a complete dossier at ``agency`` (status 2) and open its first step.

    Refuses, writing nothing: an actor who is not a one-stop officer of the agency (403); a
    procedure the agency's unit does not resolve (400 ``dossier.not_competent``, Form 03); a
    mandatory document missing (400 ``dossier.incomplete`` listing every missing one,
    Form 02); invalid applicant data (400 with ``fields``).
    """
    now = _now(at)
    if not _has_role(actor, agency, {Role.ONE_STOP_OFFICER}):
        raise PermissionDenied(
            "dossier.forbidden", _("Only a one-stop officer of this agency receives dossiers.")
        )
    _check_channel(channel)
    _check_competence(procedure, agency, now)
    version = _version_for_reception(procedure, now)
    errors = _validate_applicant(applicant)
    errors.update(_check_documents(version, documents))
    _raise_for(errors)
    engine = _engine_for(agency)
    dossier = Dossier(
        code=_next_code(agency, now),
        procedure=procedure,
        version=version,
        agency=agency,
        channel=channel,
        status=DossierStatus.RECEIVED,
        **_applicant_fields(applicant),
    )
    # the clock and the first event are computed before the row is written: one INSERT
    # carries the due time and the chain's head
    _set_clock(dossier, now, engine)
    event = _chain_event(
        dossier,
        actor=actor,
        action="receive",
        from_status=None,
        data=_receipt_data(dossier, documents),
        at=now,
    )
    dossier.save(force_insert=True)
    event.save(force_insert=True)
    _store_documents(dossier, documents, now)
    _begin_handling(dossier, now, engine)
    _notify_applicant(dossier, "receive")
    return dossier


def deadline_for(version: ProcedureVersion, now: datetime, engine: WorkingTime) -> Deadline:
    """The legal clock of a dossier received ``now`` under ``version``."""
    limit = version.time_limit_value
    return engine.deadline(
        now,
        working_days=int(limit) if version.time_limit_unit == LimitUnit.WORKING_DAYS else None,
        working_hours=float(limit) if version.time_limit_unit == LimitUnit.WORKING_HOURS else None,
        cutoff=version.cutoff_time,
    )


def _receipt_data(dossier: Dossier, documents: Sequence[DocumentIn]) -> dict[str, Any]:
    return {
        "channel": dossier.channel,
        "version": dossier.version.number,
        "effective_start": _iso(dossier.effective_start),
        "due_at": _iso(dossier.due_at),
        "documents": [d.name.strip() for d in documents],
    }


@transaction.atomic
def dossier_submit_online(
    *,
    procedure: Procedure,
    agency: Agency,
    applicant: ApplicantData,
    documents: Sequence[DocumentIn],
    vneid_verified: bool = False,
    at: datetime | None = None,
) -> Dossier:
    """An applicant files online (status 1): the dossier gets its code at once, and its
    clock starts when a one-stop officer receives it (action ``receive``) or it is refused
    (action ``refuse``). Competence and applicant data are checked now; completeness is
    checked at receipt, where the officer may refuse listing what is missing."""
    now = _now(at)
    if agency.kind != AgencyKind.ONE_STOP:
        raise ValidationFailed(
            "dossier.invalid",
            _("Online dossiers are filed with a one-stop department."),
            fields={"agency": [_("Not a one-stop department.")]},
        )
    _check_competence(procedure, agency, now)
    version = procedure_selectors.version_in_force(procedure=procedure, at=now)
    errors = _validate_applicant(applicant)
    doc_errors = _check_documents(version, documents)
    doc_errors.pop("documents", None)  # missing ones are the officer's call at receipt
    errors.update(doc_errors)
    _raise_for(errors)
    dossier = Dossier.objects.create(
        code=_next_code(agency, now),
        procedure=procedure,
        version=version,
        agency=agency,
        channel=Channel.ONLINE,
        status=DossierStatus.SUBMITTED_ONLINE,
        submitted_at=now,
        vneid_verified=vneid_verified,
        **_applicant_fields(applicant),
    )
    _store_documents(dossier, documents, now)
    _append_event(
        dossier,
        actor=None,
        action="submit",
        from_status=None,
        data={"documents": [d.name.strip() for d in documents], "version": version.number},
        at=now,
    )
    dossier.save(update_fields=["revision", "ledger_head"])
    return dossier


@transaction.atomic
def dossier_refuse_at_counter(
    *,
    actor: Official,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: ApplicantData,
    reasons: Sequence[str],
    at: datetime | None = None,
) -> Dossier:
    """Record a refusal at reception (status 3, Form 03): the dossier is outside the
    unit's competence or may not be received, for the reasons given. It gets a code so the
    refusal can be printed and found; it never counts as received in the statistics."""
    now = _now(at)
    if not _has_role(actor, agency, {Role.ONE_STOP_OFFICER}):
        raise PermissionDenied(
            "dossier.forbidden", _("Only a one-stop officer of this agency refuses dossiers.")
        )
    _check_channel(channel)
    errors = _validate_applicant(applicant)
    clean = _reasons(reasons)
    _raise_for(errors)
    dossier = Dossier.objects.create(
        code=_next_code(agency, now),
        procedure=procedure,
        version=procedure_selectors.version_in_force(procedure=procedure, at=now),
        agency=agency,
        channel=channel,
        status=DossierStatus.REFUSED,
        ended_at=now,
        end_reason="\n".join(clean),
        **_applicant_fields(applicant),
    )
    _append_event(
        dossier, actor=actor, action="refuse", from_status=None, data={"reasons": clean}, at=now
    )
    dossier.save(update_fields=["revision", "ledger_head"])
    _notify_applicant(dossier, "refuse")
    return dossier


def _reasons(reasons: Any) -> list[str]:
    if (
        not isinstance(reasons, list | tuple)
        or not reasons
        or len(reasons) > 50
        or not all(isinstance(r, str) and r.strip() and len(r) <= MAX_TEXT for r in reasons)
    ):
        raise ValidationFailed(
            "dossier.invalid",
            _("Give the reasons for the refusal."),
            fields={"reasons": [_("A non-empty list of texts.")]},
        )
    return [r.strip() for r in reasons]


def _check_documents(
    version: ProcedureVersion, documents: Sequence[DocumentIn]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    required = list(version.documents.all())
    known = {d.name.strip().casefold() for d in required}
    given = set()
    for i, doc in enumerate(documents):
        name = doc.name.strip().casefold()
        if name not in known:
            errors[f"documents.{i}.name"] = [_("Not a document of this procedure.")]
        if doc.copies < 1:
            errors[f"documents.{i}.copies"] = [_("At least one copy.")]
        if doc.file_sha256 and not re.fullmatch(r"[0-9a-f]{64}", doc.file_sha256):
            errors[f"documents.{i}.file_sha256"] = [_("Not a SHA-256 digest.")]
        given.add(name)
    digests = {d.file_sha256 for d in documents if re.fullmatch(r"[0-9a-f]{64}", d.file_sha256)}
    if digests:
        stored = set(StoredFile.objects.filter(pk__in=digests).values_list("pk", flat=True))
        for i, doc in enumerate(documents):
            if doc.file_sha256 in digests and doc.file_sha256 not in stored:
                errors[f"documents.{i}.file_sha256"] = [_("No uploaded file has this digest.")]
    for i, doc in enumerate(documents):
        if doc.origin and doc.origin not in DocumentOrigin.values:
            errors[f"documents.{i}.origin"] = [", ".join(DocumentOrigin.values)]
    missing = [d.name for d in required if d.mandatory and d.name.strip().casefold() not in given]
    if missing:
        errors["documents"] = missing
    return errors


# -- handling --------------------------------------------------------------------------------


ActionFn = Callable[[Dossier, Official | None, dict[str, Any], datetime], dict[str, Any]]


def _open_step_of(dossier: Dossier) -> DossierStep | None:
    return (
        # of=("self",): locking the joined rows is not wanted, and PostgreSQL refuses FOR
        # UPDATE on the nullable side of the outer join to the assignee
        DossierStep.objects.select_for_update(of=("self",))
        .select_related("agency", "assignee")
        .filter(dossier=dossier, finished_at__isnull=True)
        .first()
    )


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied("dossier.forbidden", message)


def _text(payload: dict[str, Any], key: str, *, required: bool) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise ValidationFailed(
            "dossier.invalid", _("Text expected."), fields={key: [_("Text expected.")]}
        )
    value = value.strip()
    if required and not value:
        raise ValidationFailed("dossier.invalid", _("Required."), fields={key: [_("Required.")]})
    if len(value) > MAX_TEXT:
        raise ValidationFailed(
            "dossier.invalid", _("Too long."), fields={key: [_("At most 2000 characters.")]}
        )
    return value


def _invalid_transition(dossier: Dossier, action: str) -> Conflict:
    return Conflict(
        "dossier.invalid_transition",
        _("The action %(action)s is not allowed on a dossier in status %(status)s.")
        % {"action": action, "status": dossier.get_status_display()},
    )


WORKING_ROLES: set[str] = {
    Role.ONE_STOP_OFFICER,
    Role.HANDLING_OFFICIAL,
    Role.UNIT_HEAD,
    Role.CHAIRMAN,
}


def _holder_or_head(actor: Official, step: DossierStep) -> bool:
    """The step's assignee, its agency's head, or, while nobody holds it, an official of its
    agency with the step's role. Whoever acts on a free step becomes its named holder, so
    every step that was worked on names a person."""
    if step.assignee_id == actor.pk:
        return True
    if _has_role(actor, step.agency, {Role.UNIT_HEAD}):
        if step.assignee_id is None:  # the head acting on a free step is its named holder
            step.assignee = actor
            step.save(update_fields=["assignee"])
        return True
    if step.assignee_id is None and _has_role(
        actor, step.agency, {step.role} if step.role else WORKING_ROLES
    ):
        step.assignee = actor
        step.save(update_fields=["assignee"])
        return True
    return False


def _assign(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    step = _open_step_of(dossier)
    if step is None or dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "assign")
    username = _text(payload, "assignee", required=True)
    assignee = Official.objects.filter(username=username, is_active=True).first()
    if (
        assignee is None
        or not org_selectors.role_grants_current(official=assignee)
        .filter(agency=step.agency)
        .exists()
    ):
        raise ValidationFailed(
            "dossier.invalid",
            _("The assignee must be an official of the step's agency."),
            fields={
                "assignee": [_("Not an official of %(agency)s.") % {"agency": step.agency.name}]
            },
        )
    # an official may take a free step only with the step's role (or a working role when
    # the step names none), as for acting on it
    taking = (
        assignee.pk == actor.pk
        and step.assignee_id is None
        and _has_role(actor, step.agency, {step.role} if step.role else WORKING_ROLES)
    )
    _need(
        taking or _has_role(actor, step.agency, {Role.UNIT_HEAD}),
        _("Only the head of the step's agency assigns it (an official may take a free step)."),
    )
    before = step.assignee.username if step.assignee else None
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    dossier.status = DossierStatus.HANDLING
    return {"step": step.index, "from": before, "to": assignee.username, "agency": step.agency.code}


def _complete_step(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    step = _open_step_of(dossier)
    if step is None or dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "complete_step")
    _need(
        _holder_or_head(actor, step),
        _("Only the step's assignee or its agency's head completes it."),
    )
    note = _text(payload, "note", required=False)
    step.finished_at, step.outcome = at, StepOutcome.DONE
    step.save(update_fields=["finished_at", "outcome"])
    data: dict[str, Any] = {"step": step.index, "agency": step.agency.code, "note": note}
    total = dossier.version.steps.count()
    if step.index < total:
        nxt = _open_step(dossier, step.index + 1, at, _engine_for(dossier.agency))
        assert nxt is not None  # noqa: S101 - the version has this step
        data.update(to_step=nxt.index, to_agency=nxt.agency.code, step_due_at=_iso(nxt.due_at))
    dossier.status = DossierStatus.HANDLING
    return data


def _send_back(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    step = _open_step_of(dossier)
    if step is None or step.index == 1 or dossier.status != DossierStatus.HANDLING:
        raise _invalid_transition(dossier, "send_back")
    _need(
        _holder_or_head(actor, step),
        _("Only the step's assignee or its agency's head sends it back."),
    )
    note = _text(payload, "note", required=True)
    step.finished_at, step.outcome = at, StepOutcome.SENT_BACK
    step.save(update_fields=["finished_at", "outcome"])
    back = _open_step(dossier, step.index - 1, at, _engine_for(dossier.agency))
    assert back is not None  # noqa: S101 - the version has this step
    return {"step": step.index, "to_step": back.index, "to_agency": back.agency.code, "note": note}


def _request_supplement(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    step = _open_step_of(dossier)
    if step is None or dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "request_supplement")
    _need(_holder_or_head(actor, step), _("Only the step's assignee or its agency's head asks."))
    items = payload.get("items")
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(i, str) and i.strip() and len(i) <= MAX_TEXT for i in items)
    ):
        raise ValidationFailed(
            "dossier.invalid",
            _("List what the applicant must supplement."),
            fields={"items": [_("A non-empty list of texts.")]},
        )
    dossier.paused_at = at
    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
    return {
        "items": [i.strip() for i in items],
        "due_at_before": _iso(dossier.due_at),
        "step": step.index,
    }


def _resume(dossier: Dossier, at: datetime) -> int:
    """End a pause (supplement or financial obligation): the due times move by the office
    time paused (or restart, by the version's pause rule). Returns the paused seconds."""
    assert dossier.paused_at is not None  # noqa: S101 - callers check the status
    assert dossier.due_at is not None  # noqa: S101 - set at reception
    engine = _engine_for(dossier.agency)
    step = _open_step_of(dossier)
    if dossier.appointment_at is not None:
        # the apology's appointment moves with the clock it promised against
        dossier.appointment_at = engine.shift_by_pause(
            dossier.appointment_at, dossier.paused_at, at
        )
    if dossier.version.pause_rule == "restart":
        start = engine.effective_start(at)
        dossier.due_at = deadline_for(dossier.version, at, engine).due_at
        if step is not None:
            step.due_at = engine.due_after_seconds(start, step.allotted_seconds)
    else:
        dossier.due_at = engine.shift_by_pause(dossier.due_at, dossier.paused_at, at)
        if step is not None:
            step.due_at = engine.shift_by_pause(step.due_at, dossier.paused_at, at)
    if step is not None:
        step.save(update_fields=["due_at"])
    paused = engine.working_seconds_between(dossier.paused_at, at)
    dossier.paused_at = None
    dossier.status = DossierStatus.HANDLING
    return paused


def _supplement(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or dossier.paused_at is None:
        raise _invalid_transition(dossier, "supplement")
    _need(
        actor is None or _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("The supplement is received by a one-stop officer of the receiving agency."),
    )
    note = _text(payload, "note", required=False)
    files = _files(payload, "documents")
    _store_documents(dossier, files, at)
    paused = _resume(dossier, at)
    return {
        "note": note,
        "documents": [d.name for d in files],
        "paused_office_seconds": paused,
        "due_at_after": _iso(dossier.due_at),
        "by": "applicant" if actor is None else "officer",
    }


def _files(payload: dict[str, Any], key: str) -> list[DocumentIn]:
    """``[{name, file_sha256}]`` of uploaded files (stored by files.file_store)."""
    raw = payload.get(key) or []
    ok = isinstance(raw, list) and len(raw) <= 50
    out: list[DocumentIn] = []
    for item in raw if ok else []:
        name = item.get("name") if isinstance(item, dict) else None
        sha = item.get("file_sha256", "") if isinstance(item, dict) else None
        if not (isinstance(name, str) and name.strip() and len(name) <= 500):
            ok = False
            break
        if not isinstance(sha, str) or (sha and not re.fullmatch(r"[0-9a-f]{64}", sha)):
            ok = False
            break
        out.append(DocumentIn(name=name.strip(), file_sha256=sha))
    if not ok:
        raise ValidationFailed(
            "dossier.invalid",
            _("Documents are a list of {name, file_sha256}."),
            fields={key: [_("A list of {name, file_sha256}.")]},
        )
    digests = {d.file_sha256 for d in out if d.file_sha256}
    if digests and StoredFile.objects.filter(pk__in=digests).count() != len(digests):
        raise ValidationFailed(
            "dossier.invalid",
            _("A file was not uploaded."),
            fields={key: [_("No uploaded file has this digest.")]},
        )
    return out


def _request_payment(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Ask the applicant to meet a financial obligation (fees, land use levy...): the clock
    pauses until it is met, as for a supplement (status 6)."""
    step = _open_step_of(dossier)
    if step is None or dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "request_payment")
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    _need(_holder_or_head(actor, step), _("Only the step's assignee or its agency's head asks."))
    amount = payload.get("amount_vnd")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount < 10**13:
        raise ValidationFailed(
            "dossier.invalid",
            _("The amount is a positive number of đồng."),
            fields={"amount_vnd": [_("A positive whole number.")]},
        )
    note = _text(payload, "note", required=False)
    dossier.paused_at = at
    dossier.status = DossierStatus.FINANCIAL_OBLIGATION
    return {"amount_vnd": amount, "note": note, "due_at_before": _iso(dossier.due_at)}


def _pay(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if dossier.status != DossierStatus.FINANCIAL_OBLIGATION or dossier.paused_at is None:
        raise _invalid_transition(dossier, "pay")
    _need(
        actor is None or _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("A payment is recorded by a one-stop officer of the receiving agency."),
    )
    online = payload.get("online", actor is None)
    if not isinstance(online, bool):
        raise ValidationFailed(
            "dossier.invalid", _("Yes or no."), fields={"online": [_("true or false")]}
        )
    note = _text(payload, "note", required=False)
    dossier.fees_paid_online = online
    paused = _resume(dossier, at)
    return {
        "online": online,
        "note": note,
        "paused_office_seconds": paused,
        "due_at_after": _iso(dossier.due_at),
    }


def _receive(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Receive an online submission: the version in force now, completeness, the clock."""
    if dossier.status != DossierStatus.SUBMITTED_ONLINE:
        raise _invalid_transition(dossier, "receive")
    assert actor is not None  # noqa: S101
    _need(
        _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("Only a one-stop officer of this agency receives dossiers."),
    )
    dossier.version = procedure_selectors.version_in_force(procedure=dossier.procedure, at=at)
    given = [
        DocumentIn(d.name, d.copies, d.file_sha256)
        for d in dossier.documents.filter(kind=DocumentKind.COMPONENT)
    ]
    _raise_for(
        {k: v for k, v in _check_documents(dossier.version, given).items() if k == "documents"}
    )
    engine = _engine_for(dossier.agency)
    _set_clock(dossier, at, engine)
    _begin_handling(dossier, at, engine)
    dossier.status = DossierStatus.RECEIVED
    data = _receipt_data(dossier, given)
    data["submitted_at"] = _iso(dossier.submitted_at)
    return data


def _refuse(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if dossier.status != DossierStatus.SUBMITTED_ONLINE:
        raise _invalid_transition(dossier, "refuse")
    assert actor is not None  # noqa: S101
    _need(
        _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("Only a one-stop officer of this agency refuses dossiers."),
    )
    reasons = _reasons(payload.get("reasons"))
    dossier.status, dossier.ended_at = DossierStatus.REFUSED, at
    dossier.end_reason = "\n".join(reasons)
    return {"reasons": reasons}


def _forward(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Hand the open step to another agency (of this or another unit: interconnected
    procedures), keeping its due time: the step's time does not restart by moving."""
    step = _open_step_of(dossier)
    if step is None or dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "forward")
    assert actor is not None  # noqa: S101
    _need(
        _holder_or_head(actor, step),
        _("Only the step's assignee or its agency's head forwards it."),
    )
    code = _text(payload, "agency", required=True)
    target = Agency.objects.select_related("unit").filter(code=code).first()
    day = timezone.localtime(at).date()
    if (
        target is None
        or target.pk == step.agency_id
        or target.valid_from > day
        or (target.valid_to is not None and target.valid_to < day)
    ):
        raise ValidationFailed(
            "dossier.invalid",
            _("Forward to another existing agency."),
            fields={"agency": [_("Unknown agency, or the step's own agency.")]},
        )
    note = _text(payload, "note", required=True)
    step.finished_at, step.outcome = at, StepOutcome.FORWARDED
    step.save(update_fields=["finished_at", "outcome"])
    moved = DossierStep.objects.create(
        dossier=dossier,
        index=step.index,
        name=step.name,
        agency=target,
        role=step.role,
        allotted_seconds=step.allotted_seconds,
        started_at=at,
        due_at=step.due_at,
    )
    dossier.status = DossierStatus.HANDLING
    return {
        "step": step.index,
        "from_agency": step.agency.code,
        "from": step.assignee.username if step.assignee else None,
        "to_agency": moved.agency.code,
        "note": note,
    }


def _apologize(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    if dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "apologize")
    step = _open_step_of(dossier)
    holder = step.agency if step else dossier.agency
    _need(
        _has_role(actor, holder, {Role.UNIT_HEAD, Role.CHAIRMAN}),
        _("The apology letter is issued by the head of the handling agency."),
    )
    reason = _text(payload, "reason", required=True)
    raw = payload.get("new_due_at")
    new_due = raw if isinstance(raw, datetime) else None
    assert dossier.due_at is not None  # noqa: S101 - set at reception
    if new_due is None or new_due <= dossier.due_at or new_due > dossier.due_at + MAX_DELAY:
        raise ValidationFailed(
            "dossier.invalid",
            _("The new appointment must come after the due time, within a year of it."),
            fields={"new_due_at": [_("After %(due)s.") % {"due": _iso(dossier.due_at)}]},
        )
    if at >= dossier.due_at:
        raise Conflict(
            "dossier.apology_too_late",
            _("An apology letter is issued before the due time, not after it."),
        )
    dossier.appointment_at = new_due
    return {"reason": reason, "new_due_at": _iso(new_due), "due_at": _iso(dossier.due_at)}


def _finish(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    if dossier.status not in {DossierStatus.RECEIVED, DossierStatus.HANDLING}:
        raise _invalid_transition(dossier, "finish")
    step = _open_step_of(dossier)
    last = dossier.version.steps.count()
    if step is not None and step.index < last:
        raise Conflict("dossier.steps_remaining", _("Steps of the process remain to be done."))
    holder = step.agency if step else dossier.agency
    _need(
        (step is not None and _holder_or_head(actor, step))
        or _has_role(actor, holder, {Role.UNIT_HEAD})
        or _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("Only the last step's holder, its head or the receiving one-stop officer finishes."),
    )
    result = _text(payload, "result_note", required=True)
    files = _files(payload, "result_files")
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier,
            kind=DocumentKind.RESULT,
            name=f.name,
            file_sha256=f.file_sha256,
            origin=DocumentOrigin.DIGITISED if f.file_sha256 else DocumentOrigin.PAPER,
            added_at=at,
        )
        for f in files
    )
    if step is not None:
        step.finished_at, step.outcome = at, StepOutcome.DONE
        step.save(update_fields=["finished_at", "outcome"])
    dossier.finished_at, dossier.result_note = at, result
    dossier.status = DossierStatus.FINISHED
    return {"result_note": result, "result_files": [f.name for f in files]}


def _return(
    dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
    if dossier.status != DossierStatus.FINISHED:
        raise _invalid_transition(dossier, "return")
    _need(
        _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("The result is returned by a one-stop officer of the receiving agency."),
    )
    method = _text(payload, "method", required=True)
    if method not in Channel.values:
        raise ValidationFailed(
            "dossier.invalid",
            _("Unknown return method."),
            fields={"method": [", ".join(Channel.values)]},
        )
    dossier.returned_at, dossier.return_method = at, method
    dossier.status = DossierStatus.RETURNED
    return {"method": method}


def _end(status: int, action: str, roles: set[str]) -> ActionFn:
    def act(
        dossier: Dossier, actor: Official | None, payload: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
        assert actor is not None  # noqa: S101 - officials only (see PUBLIC_ACTIONS)
        if dossier.status in ENDED or dossier.status == DossierStatus.FINISHED:
            raise _invalid_transition(dossier, action)
        step = _open_step_of(dossier)
        agencies = [dossier.agency] + ([step.agency] if step else [])
        _need(
            any(_has_role(actor, a, roles) for a in agencies),
            _("You may not end this dossier."),
        )
        reason = _text(payload, "reason", required=True)
        if step is not None:
            step.finished_at, step.outcome = at, StepOutcome.CLOSED
            step.save(update_fields=["finished_at", "outcome"])
        dossier.end_reason, dossier.ended_at = reason, at
        dossier.paused_at = None
        dossier.status = status
        return {"reason": reason}

    return act


ACTIONS: dict[str, ActionFn] = {
    "receive": _receive,
    "refuse": _refuse,
    "assign": _assign,
    "complete_step": _complete_step,
    "send_back": _send_back,
    "forward": _forward,
    "request_supplement": _request_supplement,
    "supplement": _supplement,
    "request_payment": _request_payment,
    "pay": _pay,
    "apologize": _apologize,
    "finish": _finish,
    "return": _return,
    "withdraw": _end(DossierStatus.WITHDRAWN, "withdraw", {Role.ONE_STOP_OFFICER}),
    "stop": _end(DossierStatus.STOPPED, "stop", {Role.UNIT_HEAD, Role.CHAIRMAN}),
}
# what an applicant does from the portal (no official acting): the portal checks the
# code and ID-number pair before calling
PUBLIC_ACTIONS = frozenset({"supplement", "pay"})


@transaction.atomic
def dossier_act(
    *,
    dossier: Dossier,
    actor: Official | None,
    action: str,
    payload: dict[str, Any],
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Apply ``action`` to the dossier: the row is locked, so of two officials acting at
    once one wins and the other gets 409 (with ``expected_version``) or acts on the new
    state. Every change appends one event; the applicant is notified after commit where
    the action concerns them. ``actor`` None is the applicant (PUBLIC_ACTIONS only)."""
    fn = ACTIONS.get(action)
    if fn is None:
        raise ValidationFailed(
            "dossier.unknown_action",
            _("Unknown action."),
            fields={"action": [", ".join(ACTIONS)]},
        )
    if actor is None and action not in PUBLIC_ACTIONS:
        raise PermissionDenied("dossier.forbidden", _("Only officials take this action."))
    locked = (
        Dossier.objects.select_for_update(of=("self",))  # agency__parent is an outer join
        .select_related("agency__unit", "agency__parent", "version", "procedure")
        .filter(pk=dossier.pk)
        .first()
    )
    if locked is None:
        raise NotFound("dossier.not_found", _("Unknown dossier."))
    if expected_version is not None and expected_version != locked.revision:
        raise Conflict(
            "dossier.changed",
            _("The dossier changed meanwhile (version %(now)d, not %(expected)d): reload it.")
            % {"now": locked.revision, "expected": expected_version},
        )
    now = _now(at)
    before = locked.status
    data = fn(locked, actor, payload, now)
    _append_event(locked, actor=actor, action=action, from_status=before, data=data, at=now)
    locked.save()
    _notify_applicant(locked, action, data)
    return locked


@transaction.atomic
def dossier_rate(
    *, dossier: Dossier, level: int, comment: str = "", at: datetime | None = None
) -> Rating:
    """The applicant rates the service once the result is returned (once per dossier); the
    rating is attributed to every agency and official that held a step of it."""
    now = _now(at)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status != DossierStatus.RETURNED:
        raise Conflict("dossier.not_returned", _("A dossier is rated once its result is returned."))
    if Rating.objects.filter(dossier=locked).exists():
        raise Conflict("dossier.already_rated", _("This dossier has already been rated."))
    if isinstance(level, bool) or level not in Rating.Level.values:
        raise ValidationFailed(
            "dossier.invalid",
            _("Choose one of the four levels."),
            fields={"level": ["1, 2, 3, 4"]},
        )
    text = _text({"comment": comment}, "comment", required=False)
    rating = Rating.objects.create(dossier=locked, level=level, comment=text, at=now)
    steps = DossierStep.objects.filter(dossier=locked)
    rating.agencies.set(set(steps.values_list("agency", flat=True)) | {locked.agency_id})
    rating.officials.set(set(steps.exclude(assignee=None).values_list("assignee", flat=True)))
    _append_event(
        locked,
        actor=None,
        action="rate",
        from_status=locked.status,
        data={"level": level, "comment": text},
        at=now,
    )
    locked.save(update_fields=["revision", "ledger_head"])
    return rating


# -- notifications to the applicant ----------------------------------------------------------


def _applicant_message(  # noqa: PLR0911 - one message per action, read top to bottom
    dossier: Dossier, action: str, data: dict[str, Any]
) -> tuple[str, str]:
    """Subject and text in the interface's default language (Vietnamese)."""
    when = _when(dossier.appointment_at or dossier.due_at)
    if action == "receive":
        return _("Dossier received"), _(
            "Your dossier %(code)s (%(procedure)s) was received. The result is due %(due)s."
        ) % {"code": dossier.code, "procedure": dossier.procedure.name, "due": when}
    if action == "refuse":
        return _("Dossier refused"), _("Your dossier %(code)s was not received: %(reasons)s") % {
            "code": dossier.code,
            "reasons": "; ".join(dossier.end_reason.splitlines()),
        }
    if action == "request_supplement":
        return _("Supplement requested"), _(
            "Your dossier %(code)s needs: %(items)s. Handling is paused until you supplement."
        ) % {"code": dossier.code, "items": "; ".join(data.get("items", []))}
    if action == "request_payment":
        return _("Financial obligation"), _(
            "Your dossier %(code)s waits for a payment of %(amount)s đồng."
        ) % {"code": dossier.code, "amount": f"{data.get('amount_vnd', 0):,}".replace(",", ".")}
    if action == "apologize":
        return _("Apology and new appointment"), _(
            "We apologise: your dossier %(code)s will be late (%(reason)s). "
            "New appointment: %(due)s."
        ) % {"code": dossier.code, "reason": data.get("reason", ""), "due": when}
    if action == "finish":
        return _("Result ready"), _(
            "The result of your dossier %(code)s is ready to be returned."
        ) % {"code": dossier.code}
    return "", ""


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


NOTIFIED = frozenset(
    {"receive", "refuse", "request_supplement", "request_payment", "apologize", "finish"}
)


def _notify_applicant(dossier: Dossier, action: str, data: dict[str, Any] | None = None) -> None:
    if action not in NOTIFIED:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _applicant_message(dossier, action, data or {})
    topic = f"dossier:{dossier.code}:{action}"
    if dossier.applicant_email:
        notify(
            medium=Medium.EMAIL,
            recipient=dossier.applicant_email,
            subject=subject,
            body=body,
            topic=topic,
        )
    if dossier.applicant_phone:
        notify(
            medium=Medium.SMS,
            recipient=dossier.applicant_phone,
            subject=subject,
            body=body,
            topic=topic,
        )
