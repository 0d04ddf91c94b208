"""Writes to the catalogue. One transaction each; authorisation is the caller's."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit, Agency, Official, Role, UnitLevel
from motcua.procedures import costs
from motcua.procedures.models import (
    CatalogueDecision,
    DocumentForm,
    Fee,
    IncomeParameter,
    LimitUnit,
    OnlineLevel,
    PauseRule,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProposalEvent,
    ProposalStatus,
    Publication,
    RequiredDocument,
    Sector,
    SimplificationProposal,
)
from motcua.procedures.selectors import income_for_year, limit_hours, search_key


@dataclass(frozen=True)
class FeeData:
    name: str
    amount_vnd: int


@dataclass(frozen=True)
class DocumentData:
    name: str
    mandatory: bool = True
    form: str = DocumentForm.ANY
    count: int = 1


@dataclass(frozen=True)
class StepData:
    name: str
    hours: Decimal
    agency: Agency | None = None
    role: str = ""


@dataclass(frozen=True)
class VersionData:
    effective_from: date
    time_limit_value: Decimal
    time_limit_unit: str
    cutoff_time: time | None = None
    pause_rule: str = PauseRule.PAUSE
    online_level: str = OnlineLevel.NONE
    result_document: str = ""
    legal_basis: str = ""
    fees: Sequence[FeeData] = field(default_factory=tuple)
    documents: Sequence[DocumentData] = field(default_factory=tuple)
    steps: Sequence[StepData] = field(default_factory=tuple)


Errors = dict[str, list[str]]


def _check_version(data: VersionData, prefix: str = "version") -> None:
    """Every rule a version must satisfy, all errors at once, keyed by field path."""
    errors: Errors = {}

    def err(path: str, message: str) -> None:
        errors.setdefault(f"{prefix}.{path}", []).append(message)

    _check_scalars(data, err)
    _check_lists(data, err)
    if not errors and data.steps:
        total = sum((s.hours for s in data.steps), Decimal(0))
        allowed = limit_hours(value=data.time_limit_value, unit=data.time_limit_unit)
        if total > allowed:
            err(
                "steps",
                _("The steps take %(total)s working hours, more than the limit of %(allowed)s.")
                % {"total": _plain(total), "allowed": _plain(allowed)},
            )
    if errors:
        raise ValidationFailed(
            "procedure.invalid_version", _("The version is invalid."), fields=errors
        )


def _check_scalars(data: VersionData, err: Callable[[str, str], None]) -> None:
    if data.time_limit_unit not in LimitUnit.values:
        err("time_limit.unit", _("Choose working_days or working_hours."))
    if not data.time_limit_value.is_finite() or data.time_limit_value < 0:
        err("time_limit.value", _("The time limit must be a number of at least 0."))
    if data.pause_rule not in PauseRule.values:
        err("pause_rule", _("Choose pause or restart."))
    if data.online_level not in OnlineLevel.values:
        err("online_level", _("Choose full, partial or none."))


def _check_lists(data: VersionData, err: Callable[[str, str], None]) -> None:
    for i, fee in enumerate(data.fees):
        if not fee.name.strip():
            err(f"fees.{i}.name", _("A fee needs a name."))
        if fee.amount_vnd < 0:
            err(f"fees.{i}.amount_vnd", _("An amount cannot be negative."))
    seen: set[str] = set()
    for i, doc in enumerate(data.documents):
        name = doc.name.strip()
        if not name:
            err(f"documents.{i}.name", _("A document needs a name."))
        elif name.casefold() in seen:
            err(f"documents.{i}.name", _("The same document is listed twice."))
        seen.add(name.casefold())
        if doc.form not in DocumentForm.values:
            err(f"documents.{i}.form", _("Unknown document form."))
        if doc.count < 1:
            err(f"documents.{i}.count", _("At least one copy."))
    _check_steps(data, err)


def _check_steps(data: VersionData, err: Callable[[str, str], None]) -> None:
    for i, step in enumerate(data.steps):
        if not step.name.strip():
            err(f"steps.{i}.name", _("A step needs a name."))
        if not step.hours.is_finite() or step.hours < 0:
            err(f"steps.{i}.hours", _("Hours must be a number of at least 0."))
        if step.role and step.role not in Role.values:
            err(f"steps.{i}.role", _("Unknown role."))
        if step.agency is None and not step.role:
            err(f"steps.{i}.agency", _("Name the agency or the role that performs the step."))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _write_version(
    procedure: Procedure, number: int, data: VersionData, actor: Official | None
) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        effective_from=data.effective_from,
        time_limit_value=data.time_limit_value,
        time_limit_unit=data.time_limit_unit,
        cutoff_time=data.cutoff_time,
        pause_rule=data.pause_rule,
        online_level=data.online_level,
        result_document=data.result_document.strip(),
        legal_basis=data.legal_basis.strip(),
        created_by=actor,
    )
    _write_parts(version, data)
    return version


def _write_parts(version: ProcedureVersion, data: VersionData) -> None:
    Fee.objects.bulk_create(
        Fee(version=version, position=i, name=f.name.strip(), amount_vnd=f.amount_vnd)
        for i, f in enumerate(data.fees)
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            position=i,
            name=d.name.strip(),
            form=d.form,
            count=d.count,
            mandatory=d.mandatory,
        )
        for i, d in enumerate(data.documents)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            position=i,
            name=s.name.strip(),
            agency=s.agency,
            role=s.role,
            hours=s.hours,
        )
        for i, s in enumerate(data.steps)
    )


def sector_code(name: str) -> str:
    """The code of the sector named ``name`` (folded, slugified), as the API and the
    import derive it."""
    return slugify(fold(name))[:40] or "khac"


def sector_ensure(*, code: str, name: str) -> Sector:
    """The sector with ``code``, created with ``name`` if new."""
    if not code.strip() or not name.strip():
        raise ValidationFailed(
            "procedure.invalid",
            _("A sector needs a code and a name."),
            fields={"sector": [_("Required.")]},
        )
    sector, _created = Sector.objects.get_or_create(
        code=code.strip(), defaults={"name": name.strip()}
    )
    return sector


@transaction.atomic
def procedure_create(
    *,
    code: str,
    name: str,
    sector: Sector,
    level: UnitLevel,
    version: VersionData,
    actor: Official | None = None,
    sample: bool = False,
) -> Procedure:
    """Create a procedure with its first version."""
    code, name = code.strip(), name.strip()
    missing = {
        k: [_("This field is required.")] for k, v in (("code", code), ("name", name)) if not v
    }
    if missing:
        raise ValidationFailed(
            "procedure.invalid", _("Required fields are missing."), fields=missing
        )
    _check_version(version)
    if Procedure.objects.filter(code=code).exists():
        raise Conflict(
            "procedure.duplicate_code",
            _("A procedure with code %(code)s already exists.") % {"code": code},
            fields={"code": [_("Already used.")]},
        )
    try:
        with transaction.atomic():
            procedure = Procedure.objects.create(
                code=code,
                name=name,
                sector=sector,
                level=level,
                search_key=search_key(code, name),
                sample=sample,
            )
    except IntegrityError:
        raise Conflict("procedure.duplicate_code", _("That code is already used.")) from None
    _write_version(procedure, 1, version, actor)
    return procedure


@transaction.atomic
def version_add(
    *, procedure: Procedure, data: VersionData, actor: Official | None = None
) -> ProcedureVersion:
    """Add a version that succeeds the latest one from ``data.effective_from``.

    Versions never overlap: the new one must start after the latest starts, and the latest
    then ends the day before. That is succession, allowed even for a version in use.
    """
    _check_version(data)
    # lock the procedure row so two concurrent additions cannot both become "latest"
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    latest = (
        ProcedureVersion.objects.filter(procedure=procedure).order_by("-effective_from").first()
    )
    if latest is not None and data.effective_from <= latest.effective_from:
        raise Conflict(
            "procedure.version_overlap",
            _("A new version must start after %(day)s, when the latest version starts.")
            % {"day": latest.effective_from.isoformat()},
            fields={"version.effective_from": [_("Must be after the latest version's start.")]},
        )
    number = (latest.number + 1) if latest else 1
    if latest is not None:
        latest.effective_to = data.effective_from - timedelta(days=1)
        latest.save(update_fields=["effective_to"])
    return _write_version(procedure, number, data, actor)


@transaction.atomic
def version_update(*, version: ProcedureVersion, data: VersionData) -> ProcedureVersion:
    """Correct a version that no dossier uses yet (its start date stays)."""
    locked = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if locked.first_used_at is not None:
        raise Conflict(
            "procedure.version_in_use",
            _("This version is used by dossiers: add a new version instead of editing it."),
        )
    _check_version(data)
    for name in (
        "time_limit_value",
        "time_limit_unit",
        "cutoff_time",
        "pause_rule",
        "online_level",
        "result_document",
        "legal_basis",
    ):
        setattr(locked, name, getattr(data, name))
    locked.save()
    locked.fees.all().delete()
    locked.documents.all().delete()
    locked.steps.all().delete()
    _write_parts(locked, data)
    return locked


# Blank forms the applicant fills in: office documents and PDFs, at most 5 MB.
TEMPLATE_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods"})
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def document_template_attach(
    *, document: RequiredDocument, upload: UploadedFile
) -> RequiredDocument:
    """Attach the blank form of a required document.

    A version used by dossiers is frozen: its form may be added where it had none, never
    replaced. The file keeps its name; the storage never overwrites another file.
    """
    locked = (
        RequiredDocument.objects.select_for_update().select_related("version").get(pk=document.pk)
    )
    if locked.template and locked.version.is_frozen:
        raise Conflict(
            "procedure.version_in_use",
            _("This version is used by dossiers: its form cannot be replaced."),
        )
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in TEMPLATE_EXTENSIONS:
        raise ValidationFailed(
            "procedure.bad_template",
            _("A form must be one of: %(types)s.")
            % {"types": ", ".join(sorted(TEMPLATE_EXTENSIONS))},
            fields={"template": [_("Unsupported file type.")]},
        )
    if not upload.size or upload.size > TEMPLATE_MAX_BYTES:
        raise ValidationFailed(
            "procedure.bad_template",
            _("A form must be a non-empty file of at most 5 MB."),
            fields={"template": [_("Empty or too large.")]},
        )
    locked.template.save(name, upload, save=False)
    locked.save(update_fields=["template"])
    return locked


def version_mark_used(*, version: ProcedureVersion, at: datetime | None = None) -> None:
    """Freeze a version when the first dossier is received under it (idempotent)."""
    ProcedureVersion.objects.filter(pk=version.pk, first_used_at__isnull=True).update(
        first_used_at=at or timezone.now(), content_token=uuid.uuid4()
    )


def _decision_errors(*, number: str, title: str, signed_on: date, effective_on: date) -> Errors:
    """What is wrong with a decision's own fields, keyed by field."""
    errors: Errors = {}
    if not number.strip():
        errors["number"] = [_("Required.")]
    if not title.strip():
        errors["title"] = [_("Required.")]
    if effective_on < signed_on:
        errors["effective_on"] = [_("Before the signing date.")]
    return errors


@transaction.atomic
def decision_create(
    *, unit: AdministrativeUnit, number: str, title: str, signed_on: date, effective_on: date
) -> CatalogueDecision:
    errors = _decision_errors(
        number=number, title=title, signed_on=signed_on, effective_on=effective_on
    )
    if "number" in errors or "title" in errors:
        raise ValidationFailed(
            "procedure.invalid_decision",
            _("A decision needs a number and a title."),
            fields=errors,
        )
    if errors:
        raise ValidationFailed(
            "procedure.invalid_decision",
            _("A decision cannot take effect before it is signed."),
            fields=errors,
        )
    decision, created = CatalogueDecision.objects.get_or_create(
        unit=unit,
        number=number.strip(),
        defaults={"title": title.strip(), "signed_on": signed_on, "effective_on": effective_on},
    )
    if not created:
        raise Conflict("procedure.duplicate_decision", _("This decision is already recorded."))
    return decision


@transaction.atomic
def procedures_publish(
    *,
    decision: CatalogueDecision,
    procedures: Sequence[Procedure],
    unit: AdministrativeUnit,
    agency: Agency | None = None,
) -> int:
    """Publish ``procedures`` as resolved by ``unit`` (under the decision's issuing unit)
    from the decision's effective date; a procedure already published there is skipped.
    Returns how many publications were added."""
    if not unit.path.startswith(decision.unit.path):
        raise ValidationFailed(
            "procedure.outside_decision",
            _("A decision publishes procedures only for its own unit and sub-units."),
        )
    if agency is not None and agency.unit_id != unit.pk:
        raise ValidationFailed("procedure.bad_agency", _("The agency belongs to another unit."))
    # skip what is already published there: still in force, or from this very date (a
    # publication that ended keeps its row; a new one needs a later start)
    existing = set(
        Publication.objects.filter(unit=unit, procedure__in=procedures)
        .filter(Q(valid_to__isnull=True) | Q(valid_from=decision.effective_on))
        .values_list("procedure_id", flat=True)
    )
    unique = {p.pk: p for p in procedures if p.pk not in existing}
    rows = [
        Publication(
            decision=decision,
            procedure=p,
            unit=unit,
            agency=agency,
            valid_from=decision.effective_on,
        )
        for p in unique.values()
    ]
    Publication.objects.bulk_create(rows)
    return len(rows)


# (procedure codes, resolving unit code, resolving agency code or None)
PublicationRow = tuple[Sequence[str], str, str | None]


@dataclass(frozen=True)
class DecisionRecorded:
    decision: CatalogueDecision
    published: int  # publications added (a procedure already published there is skipped)


def _publication_errors(
    issuing: AdministrativeUnit, rows: Sequence[PublicationRow]
) -> tuple[Errors, dict[str, Procedure], dict[str, AdministrativeUnit], dict[str, Agency]]:
    """Every code of ``rows`` resolved in three queries, and what is wrong with each row
    keyed ``publications.<row>.procedures|unit|agency``."""
    procedures = {
        p.code: p for p in Procedure.objects.filter(code__in={c for row in rows for c in row[0]})
    }
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in={r[1] for r in rows})}
    agencies = {a.code: a for a in Agency.objects.filter(code__in={r[2] for r in rows if r[2]})}
    errors: Errors = {}
    for i, (codes, unit_code, agency_code) in enumerate(rows):
        at = f"publications.{i}"
        if not codes:
            errors[f"{at}.procedures"] = [_("List at least one procedure.")]
        missing = sorted(set(codes) - procedures.keys())
        if missing:
            errors[f"{at}.procedures"] = [
                _("Unknown procedure %(code)s.") % {"code": c} for c in missing
            ]
        unit = units.get(unit_code)
        if unit is None:
            errors[f"{at}.unit"] = [_("Unknown unit %(code)r.") % {"code": unit_code}]
        elif not unit.path.startswith(issuing.path):
            errors[f"{at}.unit"] = [
                _("A decision publishes procedures only for its own unit and sub-units.")
            ]
        agency = agencies.get(agency_code) if agency_code else None
        if agency_code and agency is None:
            errors[f"{at}.agency"] = [_("Unknown agency %(code)r.") % {"code": agency_code}]
        elif agency is not None and unit is not None and agency.unit_id != unit.pk:
            errors[f"{at}.agency"] = [_("The agency belongs to another unit.")]
    return errors, procedures, units, agencies


@transaction.atomic
def decision_record(
    *,
    unit: AdministrativeUnit,
    number: str,
    title: str,
    signed_on: date,
    effective_on: date,
    publications: Sequence[PublicationRow],
) -> DecisionRecorded:
    """Record a decision of ``unit`` and the procedures it publishes for each of its units
    (and their agencies), given by code. All or nothing: every error of the decision and
    of its rows is reported at once, and nothing is written unless there is none; a number
    the unit already used is a ``procedure.duplicate_decision`` conflict. The API and the
    page both record decisions through here."""
    errors = _decision_errors(
        number=number, title=title, signed_on=signed_on, effective_on=effective_on
    )
    found, procedures, units, agencies = _publication_errors(unit, publications)
    errors.update(found)
    if errors:
        raise ValidationFailed(
            "procedure.invalid_decision", _("The decision is invalid."), fields=errors
        )
    decision = decision_create(
        unit=unit, number=number, title=title, signed_on=signed_on, effective_on=effective_on
    )
    published = sum(
        procedures_publish(
            decision=decision,
            procedures=[procedures[c] for c in codes],
            unit=units[unit_code],
            agency=agencies[agency_code] if agency_code else None,
        )
        for codes, unit_code, agency_code in publications
    )
    return DecisionRecorded(decision=decision, published=published)


@transaction.atomic
def income_parameter_set(*, year: int, monthly_income_vnd: int, source: str) -> IncomeParameter:
    if monthly_income_vnd <= 0 or not source.strip():
        raise ValidationFailed(
            "proposal.invalid_income", _("Give a positive monthly income and its source.")
        )
    param, _created = IncomeParameter.objects.update_or_create(
        year=year, defaults={"monthly_income_vnd": monthly_income_vnd, "source": source.strip()}
    )
    return param


def _check_costs(current: Any, proposed: Any) -> None:
    errors: dict[str, list[str]] = {}
    for name, raw in (("current", current), ("proposed", proposed)):
        try:
            costs.parse_inputs(raw, name)
        except costs.CostInputError as exc:
            # the messages are marked with gettext_noop in costs.py: translated here
            errors.update({k: [_(m) for m in v] for k, v in exc.fields.items()})
    _check_changes(proposed, errors)
    if errors:
        raise ValidationFailed(
            "proposal.invalid_costs", _("The cost inputs are invalid."), fields=errors
        )


def _check_changes(proposed: Any, errors: Errors) -> None:
    """What implementing copies into the new version (time limit, documents, fee names,
    online level) must be usable then: checked now, so an approved proposal never fails
    to implement on a malformed value."""
    if not isinstance(proposed, Mapping):
        return  # parse_inputs has reported it

    def err(path: str, message: str) -> None:
        errors.setdefault(f"proposed.{path}", []).append(message)

    limit = proposed.get("time_limit")
    if limit is not None and not isinstance(limit, Mapping):
        err("time_limit", _("An object with a value and a unit is required."))
    elif limit is not None:
        if "value" in limit and not _is_limit(limit["value"]):
            err("time_limit.value", _("The time limit must be a number of at least 0."))
        if "unit" in limit and limit["unit"] not in LimitUnit.values:
            err("time_limit.unit", _("Choose working_days or working_hours."))
    documents = proposed.get("documents")
    if documents is not None and not isinstance(documents, list):
        err("documents", _("A list is required."))
    for i, doc in enumerate(documents if isinstance(documents, list) else []):
        if not isinstance(doc, Mapping) or not str(doc.get("name") or "").strip():
            err(f"documents.{i}.name", _("A document needs a name."))
        elif not isinstance(doc.get("mandatory", True), bool):
            err(f"documents.{i}.mandatory", _("Give true or false."))
    fees = proposed.get("fees")
    for i, fee in enumerate(fees if isinstance(fees, list) else []):
        if isinstance(fee, Mapping) and not str(fee.get("name") or "").strip():
            err(f"fees.{i}.name", _("A fee needs a name."))
    if "online_level" in proposed and proposed["online_level"] not in OnlineLevel.values:
        err("online_level", _("Choose full, partial or none."))


def _is_limit(raw: Any) -> bool:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        return False
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return False
    return value.is_finite() and value >= 0


@transaction.atomic
def proposal_create(
    *,
    actor: Official,
    procedure: Procedure,
    unit: AdministrativeUnit,
    title: str,
    year: int,
    current: Any,
    proposed: Any,
    rationale: str = "",
) -> SimplificationProposal:
    """A draft simplification proposal; its costs are computed, never typed in, so the
    average income of ``year`` must be recorded first."""
    if not title.strip():
        raise ValidationFailed(
            "proposal.invalid", _("A proposal needs a title."), fields={"title": [_("Required.")]}
        )
    _check_costs(current, proposed)
    income_for_year(year=year)  # raises proposal.no_income_parameter
    proposal = SimplificationProposal.objects.create(
        procedure=procedure,
        unit=unit,
        title=title.strip(),
        rationale=rationale.strip(),
        year=year,
        current=current,
        proposed=proposed,
        created_by=actor,
    )
    ProposalEvent.objects.create(proposal=proposal, actor=actor, to_status=ProposalStatus.DRAFT)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal: SimplificationProposal,
    title: str,
    current: Any,
    proposed: Any,
    rationale: str = "",
) -> SimplificationProposal:
    locked = SimplificationProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.DRAFT:
        raise Conflict("proposal.not_draft", _("Only a draft proposal can be edited."))
    if not title.strip():
        raise ValidationFailed(
            "proposal.invalid", _("A proposal needs a title."), fields={"title": [_("Required.")]}
        )
    _check_costs(current, proposed)
    locked.title, locked.current, locked.proposed = title.strip(), current, proposed
    locked.rationale = rationale.strip()
    locked.save(update_fields=["title", "current", "proposed", "rationale"])
    return locked


# the proposal's life: which state each action leads from and to
PROPOSAL_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((ProposalStatus.DRAFT,), ProposalStatus.SUBMITTED),
    "approve": ((ProposalStatus.SUBMITTED,), ProposalStatus.APPROVED),
    "reject": ((ProposalStatus.SUBMITTED,), ProposalStatus.REJECTED),
    "reopen": ((ProposalStatus.REJECTED,), ProposalStatus.DRAFT),
    "implement": ((ProposalStatus.APPROVED,), ProposalStatus.IMPLEMENTED),
}


ACTION_LABELS = {
    "submit": pgettext_lazy("proposal action", "submit"),
    "approve": pgettext_lazy("proposal action", "approve"),
    "reject": pgettext_lazy("proposal action", "reject"),
    "reopen": pgettext_lazy("proposal action", "reopen"),
    "implement": pgettext_lazy("proposal action", "implement"),
}


@transaction.atomic
def proposal_act(
    *,
    proposal: SimplificationProposal,
    actor: Official,
    action: str,
    note: str = "",
    effective_from: date | None = None,
) -> SimplificationProposal:
    """Move a proposal through draft, submitted, approved/rejected, implemented.

    ``implement`` creates the procedure's new version from the version in force on
    ``effective_from``, with the proposed time limit, documents and fees.
    """
    if action not in PROPOSAL_ACTIONS:
        raise ValidationFailed(
            "proposal.unknown_action",
            _("Unknown action."),
            fields={"action": [", ".join(PROPOSAL_ACTIONS)]},
        )
    locked = SimplificationProposal.objects.select_for_update().get(pk=proposal.pk)
    sources, target = PROPOSAL_ACTIONS[action]
    if locked.status not in sources:
        raise Conflict(
            "proposal.invalid_transition",
            _("A proposal in the state “%(status)s” cannot take the action “%(action)s”.")
            % {"status": locked.get_status_display(), "action": ACTION_LABELS[action]},
        )
    if action == "implement":
        if effective_from is None:
            raise ValidationFailed(
                "proposal.invalid",
                _("Give the date from which the simplified version applies."),
                fields={"effective_from": [_("Required.")]},
            )
        locked.implemented_version = _implement(locked, effective_from, actor)
    ProposalEvent.objects.create(
        proposal=locked, actor=actor, from_status=locked.status, to_status=target, note=note.strip()
    )
    locked.status = target
    locked.save(update_fields=["status", "implemented_version"])
    return locked


def _implement(
    proposal: SimplificationProposal, effective_from: date, actor: Official
) -> ProcedureVersion:
    from motcua.procedures.selectors import version_in_force

    base = version_in_force(procedure=proposal.procedure, at=effective_from)
    proposed = proposal.proposed
    limit = proposed.get("time_limit") or {}
    documents = proposed.get("documents")
    fees = proposed.get("fees")
    data = VersionData(
        effective_from=effective_from,
        time_limit_value=Decimal(str(limit.get("value", base.time_limit_value))),
        time_limit_unit=str(limit.get("unit", base.time_limit_unit)),
        cutoff_time=base.cutoff_time,
        pause_rule=base.pause_rule,
        online_level=str(proposed.get("online_level", base.online_level)),
        result_document=base.result_document,
        legal_basis=base.legal_basis,
        # amounts were checked whole and not negative, but may be stored as "1000" or 1000.0
        fees=[FeeData(str(f["name"]), int(Decimal(str(f["amount_vnd"])))) for f in fees]
        if isinstance(fees, list)
        else [FeeData(f.name, f.amount_vnd) for f in base.fees.all()],
        documents=_proposed_documents(documents, list(base.documents.all())),
        steps=_fitted_steps(
            list(base.steps.all()),
            limit_hours(
                value=Decimal(str(limit.get("value", base.time_limit_value))),
                unit=str(limit.get("unit", base.time_limit_unit)),
            ),
        ),
    )
    return version_add(procedure=proposal.procedure, data=data, actor=actor)


def _proposed_documents(proposed: Any, base: list[RequiredDocument]) -> list[DocumentData]:
    """The proposal's documents (or the base version's when it lists none); a document the
    base version already had keeps its form and number of copies."""
    if not isinstance(proposed, list):
        return [DocumentData(d.name, d.mandatory, d.form, d.count) for d in base]
    known = {d.name.strip().casefold(): d for d in base}
    result = []
    for item in proposed:
        name = str(item["name"]).strip()
        before = known.get(name.casefold())
        result.append(
            DocumentData(
                name,
                bool(item.get("mandatory", True)),
                before.form if before else DocumentForm.ANY,
                before.count if before else 1,
            )
        )
    return result


def _fitted_steps(steps: list[ProcessStep], allowed: Decimal) -> list[StepData]:
    """The base version's steps, shortened in proportion when a shorter time limit no
    longer holds them (each step keeps its share of the process)."""
    total = sum((s.hours for s in steps), Decimal(0))
    factor = allowed / total if total > allowed else Decimal(1)
    return [
        StepData(s.name, (s.hours * factor).quantize(Decimal("0.01"), ROUND_DOWN), s.agency, s.role)
        for s in steps
    ]
