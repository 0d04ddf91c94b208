"""Writes to dossiers: reception and every action of handling. One transaction each, the
dossier row locked, the actor's role and agency checked, and one hash-chained event
appended per change (the API and the pages only call these)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.ledger import GENESIS, event_hash
from motcua.dossiers.models import (
    ENDED,
    ApplicantType,
    Channel,
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    DossierStep,
    StepOutcome,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, Agency, Official, Role
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import (
    LimitUnit,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Publication,
)
from motcua.procedures.services import version_mark_used
from motcua.workcalendar.engine import WorkingTime
from motcua.workcalendar.selectors import working_time

ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
# mobile (03x, 05x, 07x, 08x, 09x) and landline (02x) numbers, 10 digits, or +84 instead of 0
PHONE = re.compile(r"^(?:0|\+84)(?:[235789]\d{8})$")
MAX_TEXT = 2000


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


# -- helpers ---------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _engine_for(agency: Agency) -> WorkingTime:
    return working_time(org_selectors.calendar_for_unit(unit=agency.unit))


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
    event = DossierEvent.objects.create(
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
    """``<agency code>-<yymmdd>-<4-digit daily sequence>``; the counter row is locked, so two
    receptions at the same agency never get the same number."""
    day = timezone.localtime(at).date()
    counter, _created = DailyCounter.objects.select_for_update().get_or_create(
        agency=agency, day=day
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{agency.code}-{day:%y%m%d}-{counter.last:04d}"


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


def _step_agency(step: ProcessStep, dossier: Dossier, resolving: Agency | None) -> Agency:
    """Who holds a process step: its own agency; for a step named by role only, the
    receiving agency for one-stop work, else the agency the catalogue publishes as resolving
    the procedure, else the receiving agency's parent (its People's Committee)."""
    if step.agency is not None:
        return step.agency
    if step.role == Role.ONE_STOP_OFFICER:
        return dossier.agency
    return resolving or dossier.agency.parent or dossier.agency


def _open_step(
    dossier: Dossier, index: int, start: datetime, engine: WorkingTime, resolving: Agency | None
) -> DossierStep:
    steps = list(dossier.version.steps.select_related("agency").all())
    step = steps[index - 1]
    allotted = int(step.hours * 3600)
    begin = engine.effective_start(start)
    return DossierStep.objects.create(
        dossier=dossier,
        index=index,
        name=step.name,
        agency=_step_agency(step, dossier, resolving),
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
    if channel not in Channel.values:
        raise ValidationFailed(
            "dossier.invalid",
            _("Unknown channel."),
            fields={"channel": [", ".join(Channel.values)]},
        )
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
    version = procedure_selectors.version_in_force(procedure=procedure, at=now)
    errors = _validate_applicant(applicant)
    errors.update(_check_documents(version, documents))
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
    engine = _engine_for(agency)
    limit = version.time_limit_value
    deadline = engine.deadline(
        now,
        working_days=int(limit) if version.time_limit_unit == LimitUnit.WORKING_DAYS else None,
        working_hours=float(limit) if version.time_limit_unit == LimitUnit.WORKING_HOURS else None,
        cutoff=version.cutoff_time,
    )
    dossier = Dossier.objects.create(
        code=_next_code(agency, now),
        procedure=procedure,
        version=version,
        agency=agency,
        channel=channel,
        status=DossierStatus.RECEIVED,
        applicant_type=applicant.applicant_type,
        applicant_name=applicant.full_name.strip(),
        applicant_id_number=applicant.id_number.strip(),
        applicant_phone=re.sub(r"[\s.-]", "", applicant.phone),
        applicant_email=applicant.email.strip(),
        applicant_address=applicant.address.strip(),
        received_at=now,
        effective_start=deadline.effective_start,
        due_at=deadline.due_at,
    )
    DossierDocument.objects.bulk_create(
        DossierDocument(
            dossier=dossier, name=d.name.strip(), copies=d.copies, file_sha256=d.file_sha256
        )
        for d in documents
    )
    version_mark_used(version=version, at=now)
    if version.steps.exists():
        _open_step(dossier, 1, deadline.effective_start, engine, _resolving_agency(dossier))
    _append_event(
        dossier,
        actor=actor,
        action="receive",
        from_status=None,
        data={
            "channel": channel,
            "version": version.number,
            "effective_start": _iso(deadline.effective_start),
            "due_at": _iso(deadline.due_at),
            "documents": [d.name.strip() for d in documents],
        },
        at=now,
    )
    dossier.save(update_fields=["revision", "ledger_head"])
    return dossier


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
    missing = [d.name for d in required if d.mandatory and d.name.strip().casefold() not in given]
    if missing:
        errors["documents"] = missing
    return errors


# -- handling --------------------------------------------------------------------------------


ActionFn = Callable[[Dossier, Official, dict[str, Any], datetime], dict[str, Any]]


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
    agency with the step's role (who then becomes its named holder)."""
    if step.assignee_id == actor.pk or _has_role(actor, step.agency, {Role.UNIT_HEAD}):
        return True
    if step.assignee_id is None and _has_role(
        actor, step.agency, {step.role} if step.role else WORKING_ROLES
    ):
        step.assignee = actor
        step.save(update_fields=["assignee"])
        return True
    return False


def _assign(
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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
    taking = assignee.pk == actor.pk and step.assignee_id is None
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
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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
        nxt = _open_step(
            dossier, step.index + 1, at, _engine_for(dossier.agency), _resolving_agency(dossier)
        )
        data.update(to_step=nxt.index, to_agency=nxt.agency.code, step_due_at=_iso(nxt.due_at))
    dossier.status = DossierStatus.HANDLING
    return data


def _send_back(
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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
    back = _open_step(
        dossier, step.index - 1, at, _engine_for(dossier.agency), _resolving_agency(dossier)
    )
    return {"step": step.index, "to_step": back.index, "to_agency": back.agency.code, "note": note}


def _request_supplement(
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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


def _supplement(
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or dossier.paused_at is None:
        raise _invalid_transition(dossier, "supplement")
    _need(
        _has_role(actor, dossier.agency, {Role.ONE_STOP_OFFICER}),
        _("The supplement is received by a one-stop officer of the receiving agency."),
    )
    note = _text(payload, "note", required=False)
    engine = _engine_for(dossier.agency)
    step = _open_step_of(dossier)
    assert dossier.due_at is not None  # noqa: S101 - set at reception
    if dossier.version.pause_rule == "restart":
        limit = dossier.version.time_limit_value
        start = engine.effective_start(at)
        if dossier.version.time_limit_unit == LimitUnit.WORKING_DAYS:
            dossier.due_at = engine.due_after_days(start, int(limit))
        else:
            dossier.due_at = engine.due_after_hours(start, float(limit))
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
    return {"note": note, "paused_office_seconds": paused, "due_at_after": _iso(dossier.due_at)}


def _apologize(
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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
    if new_due is None or new_due <= dossier.due_at:
        raise ValidationFailed(
            "dossier.invalid",
            _("The new appointment must come after the due time."),
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
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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
    if step is not None:
        step.finished_at, step.outcome = at, StepOutcome.DONE
        step.save(update_fields=["finished_at", "outcome"])
    dossier.finished_at, dossier.result_note = at, result
    dossier.status = DossierStatus.FINISHED
    return {"result_note": result}


def _return(
    dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
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
        dossier: Dossier, actor: Official, payload: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
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
    "assign": _assign,
    "complete_step": _complete_step,
    "send_back": _send_back,
    "request_supplement": _request_supplement,
    "supplement": _supplement,
    "apologize": _apologize,
    "finish": _finish,
    "return": _return,
    "withdraw": _end(DossierStatus.WITHDRAWN, "withdraw", {Role.ONE_STOP_OFFICER}),
    "stop": _end(DossierStatus.STOPPED, "stop", {Role.UNIT_HEAD, Role.CHAIRMAN}),
}


@transaction.atomic
def dossier_act(
    *,
    dossier: Dossier,
    actor: Official,
    action: str,
    payload: dict[str, Any],
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Apply ``action`` to the dossier: the row is locked, so of two officials acting at
    once one wins and the other gets 409 (with ``expected_version``) or acts on the new
    state. Every change appends one event."""
    fn = ACTIONS.get(action)
    if fn is None:
        raise ValidationFailed(
            "dossier.unknown_action",
            _("Unknown action."),
            fields={"action": [", ".join(ACTIONS)]},
        )
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
    return locked
