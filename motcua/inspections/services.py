"""Writes of the inspections area. For now: a citizen's misconduct report (phản ánh, kiến
nghị, SPEC §9), taken from the public portal and the public API. The input is untrusted:
every field is checked here and a bad one raises ``ValidationFailed`` naming it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, fields
from dataclasses import field as dc_field
from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.text import fold
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.services import PHONE
from motcua.inspections.models import (
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    MisconductEvent,
    MisconductKind,
    MisconductReport,
    Recommendation,
    RecommendationEvent,
    RecommendationState,
    ReportStatus,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, Official, Role
from motcua.tasks import services as task_services
from motcua.tasks.models import SourceKind, Task, TaskStatus

MAX_DESCRIPTION = 5000


@dataclass(frozen=True)
class MisconductIn:
    """A report as the citizen wrote it: codes and names as text."""

    kind: str
    description: str
    dossier_code: str = ""
    official_name: str = ""
    agency_code: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    # the reporter proved the dossier (its code with the applicant's ID number, or the
    # portal session that looked it up): only then is the report tied to it, so that an
    # unproved code reveals nothing of a dossier (whether it exists, who handled it);
    # the public pages and API say which (trusted callers: True)
    dossier_proven: bool = True


def _contact_ok(contact: str) -> bool:
    if PHONE.match(re.sub(r"[\s.-]", "", contact)):
        return True
    try:
        validate_email(contact)
    except DjangoValidationError:
        return False
    return True


def _holder_named(dossier: Dossier, name: str) -> DossierStep | None:
    """The step run whose holder's username or full name is ``name`` (accents, case and
    spacing aside), latest first; None when nobody, or two different people, match."""
    key = fold(name)
    runs = [
        s
        for s in DossierStep.objects.filter(dossier=dossier)
        .exclude(assignee=None)
        .select_related("assignee", "agency")
        .order_by("-started_at", "-pk")
        if s.assignee is not None and key in {fold(s.assignee.username), fold(s.assignee.full_name)}
    ]
    people = {s.assignee_id for s in runs}
    return runs[0] if len(people) == 1 else None


def _agencies_of(dossier: Dossier) -> set[int]:
    held = set(DossierStep.objects.filter(dossier=dossier).values_list("agency_id", flat=True))
    return held | {dossier.agency_id}


def _check_text(
    errors: dict[str, list[str]], name: str, value: str, *, limit: int, required: bool = False
) -> str:
    if "\x00" in value:
        errors[name] = [_("No NUL characters.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = [_("Required.")]
    elif len(value) > limit:
        errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


def _resolve(
    errors: dict[str, list[str]], code: str, agency_code: str, now: datetime
) -> tuple[Dossier | None, Agency | None]:
    """The dossier and the agency named, each checked (errors are added to ``errors``)."""
    dossier = None
    if code and "dossier" not in errors:
        dossier = Dossier.objects.select_related("agency").filter(code=code).first()
        if dossier is None:
            errors["dossier"] = [_("No dossier has this code.")]
    agency = None
    if "agency" in errors:
        return dossier, None
    if agency_code:
        day = timezone.localtime(now).date()
        agency = (
            Agency.objects.filter(code=agency_code, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .first()
        )
        if agency is None:
            errors["agency"] = [_("Unknown agency.")]
        elif dossier is not None and agency.pk not in _agencies_of(dossier):
            errors["agency"] = [_("This agency did not receive or handle the dossier.")]
    elif not code:
        errors["agency"] = [_("Choose the agency, or give the dossier's code.")]
    return dossier, agency


@transaction.atomic
def misconduct_report_create(
    *, report: MisconductIn, by: Official | None = None, at: datetime | None = None
) -> MisconductReport:
    """Record a misconduct report (status new), about an agency, optionally a dossier and
    an official. With a dossier, the agency is the dossier's (the receiving agency, or the
    agency of the step the named official held; a chosen agency must be one of the
    dossier's); without one, an agency must be chosen. ``official`` is set only when a
    holder of one of the dossier's steps has the name given (username or full name);
    otherwise the name is kept as written. Writes nothing when any field is invalid."""
    now = at or timezone.now()
    for f in fields(report):
        if f.name != "dossier_proven" and not isinstance(getattr(report, f.name), str):
            raise ValidationFailed(
                "misconduct.invalid", _("Text expected."), fields={f.name: [_("Text expected.")]}
            )
    errors: dict[str, list[str]] = {}
    kind = report.kind.strip()
    if kind not in MisconductKind.values:
        errors["kind"] = [", ".join(MisconductKind.values)]
    description = _check_text(
        errors, "description", report.description, limit=MAX_DESCRIPTION, required=True
    )
    code = _check_text(errors, "dossier", report.dossier_code, limit=60)
    official_name = _check_text(errors, "official", report.official_name, limit=200)
    agency_code = _check_text(errors, "agency", report.agency_code, limit=40)
    reporter_name = _check_text(errors, "reporter_name", report.reporter_name, limit=200)
    contact = _check_text(errors, "reporter_contact", report.reporter_contact, limit=254)
    if contact and "reporter_contact" not in errors and not _contact_ok(contact):
        errors["reporter_contact"] = [_("A phone number or an e-mail address.")]

    if code and not report.dossier_proven and "dossier" not in errors:
        # kept as the reporter wrote it, for the inspector to check
        given = _("Dossier code given by the reporter: %(code)s") % {"code": code}
        description = f"{description}\n\n[{given}]"
        code = ""
        if not agency_code:
            errors["agency"] = [_("Choose the agency, or give the dossier's code.")]
    dossier, agency = _resolve(errors, code, agency_code, now)
    if errors:
        raise ValidationFailed(
            "misconduct.invalid", _("The report is incomplete or invalid."), fields=errors
        )

    official: Official | None = None
    if dossier is not None:
        run = _holder_named(dossier, official_name) if official_name else None
        if run is not None:
            official = run.assignee
            agency = agency or run.agency
        agency = agency or dossier.agency
    assert agency is not None  # noqa: S101 - required above when no dossier is given
    created = MisconductReport.objects.create(
        kind=kind,
        description=description,
        dossier=dossier,
        official=official,
        official_name=official_name,
        agency=agency,
        reporter_name=reporter_name,
        reporter_contact=contact,
        reported_at=now,
        code=_new_code(),
    )
    _event(created, by, "receive", "", {"agency": agency.code}, now)
    created.save(update_fields=["revision"])
    return created


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def _new_code() -> str:
    """PA- and 10 random characters (50 bits): followed without login, so not guessable."""
    while True:
        code = "PA-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if not MisconductReport.objects.filter(code=code).exists():
            return code


def _event(
    report: MisconductReport,
    actor: Official | None,
    action: str,
    before: str,
    data: dict[str, object],
    at: datetime,
) -> None:
    report.revision += 1
    MisconductEvent.objects.create(
        report=report,
        seq=report.revision,
        at=at,
        actor=actor,
        action=action,
        from_status=before,
        to_status=report.status,
        data=data,
    )


# who investigates and closes reports: an inspector over the agency's unit (not the
# chairman: a substantiated report counts against the heads' commitments, his own included)
INVESTIGATING_ROLES = frozenset({Role.INSPECTOR})
INVESTIGATION_DAYS = 10


def _may_investigate(official: Official, report: MisconductReport, at: datetime) -> str | None:
    """Why ``official`` may not investigate the report, or None."""
    if not org_selectors.has_role_over_unit(
        official=official, unit=report.agency.unit, roles=INVESTIGATING_ROLES
    ):
        return "misconduct.forbidden"
    day = timezone.localtime(at).date()
    if report.official_id == official.pk or any(
        g.agency_id == report.agency_id
        for g in org_selectors.role_grants_current(official=official, at=day)
    ):
        return "misconduct.conflict"
    return None


def _refuse(code: str) -> PermissionDenied:
    if code == "misconduct.conflict":
        return PermissionDenied(
            code, _("An inspector does not judge a report about himself or his own agency.")
        )
    return PermissionDenied(code, _("Reports are investigated by an inspector over the agency."))


def _lock(report: MisconductReport) -> MisconductReport:
    return (
        MisconductReport.objects.select_for_update(of=("self",))
        .select_related("agency__unit")
        .get(pk=report.pk)
    )


@transaction.atomic
def misconduct_report_assign(
    *,
    actor: Official,
    report: MisconductReport,
    investigator: Official | None,
    working_days: object = INVESTIGATION_DAYS,
    at: datetime | None = None,
) -> MisconductReport:
    """An inspector over the agency with no stake in the report gives it to an investigator
    (an inspector with no stake in it either, himself included) with a deadline in working
    days by the agency's calendar; a report being investigated may be given to another."""
    now = at or timezone.now()
    locked = _lock(report)
    refused = _may_investigate(actor, locked, now)
    if refused is not None:  # nor does one with a stake in it choose who investigates
        raise _refuse(refused)
    if locked.status == ReportStatus.CLOSED:
        raise Conflict("misconduct.closed", _("The report is closed already."))
    errors: dict[str, list[str]] = {}
    if investigator is None:
        errors["investigator"] = [_("Choose the investigator.")]
    elif (why := _may_investigate(investigator, locked, now)) is not None:
        errors["investigator"] = [str(_refuse(why).message)]
    days = working_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        errors["working_days"] = [_("Between 1 and 90 working days.")]
    if errors:
        raise ValidationFailed("misconduct.invalid", _("The assignment is invalid."), fields=errors)
    assert investigator is not None  # noqa: S101 - checked above
    assert isinstance(days, int)  # noqa: S101
    engine = org_selectors.working_time_for_unit(unit=locked.agency.unit)
    before = locked.status
    locked.investigator, locked.assigned_at = investigator, now
    locked.due_at = engine.due_after_days(engine.effective_start(now), days)
    locked.status = ReportStatus.HANDLING
    _event(
        locked,
        actor,
        "assign",
        before,
        {
            "investigator": investigator.username,
            "due_at": timezone.localtime(locked.due_at).isoformat(),
        },
        now,
    )
    locked.save(update_fields=["investigator", "assigned_at", "due_at", "status", "revision"])
    return locked


@transaction.atomic
def misconduct_report_close(
    *,
    actor: Official,
    report: MisconductReport,
    substantiated: object,
    action_taken: str = "",
    at: datetime | None = None,
) -> MisconductReport:
    """Close a report with its finding: substantiated (with the action taken) or not, by
    its investigator (an inspector closing a report nobody was given investigates it
    himself). A substantiated report counts against the agency in its head's commitment."""
    now = at or timezone.now()
    locked = _lock(report)
    refused = _may_investigate(actor, locked, now)
    if refused is not None:
        raise _refuse(refused)
    if locked.investigator_id not in {None, actor.pk}:
        raise PermissionDenied(
            "misconduct.not_investigator", _("The investigator closes the report.")
        )
    if locked.status == ReportStatus.CLOSED:
        raise Conflict("misconduct.closed", _("The report is closed already."))
    errors: dict[str, list[str]] = {}
    if not isinstance(substantiated, bool):
        errors["substantiated"] = [_("Say whether the report was substantiated.")]
    action = _check_text(
        errors, "action_taken", action_taken, limit=MAX_DESCRIPTION, required=substantiated is True
    )
    if errors:
        raise ValidationFailed("misconduct.invalid", _("The finding is incomplete."), fields=errors)
    assert isinstance(substantiated, bool)  # noqa: S101 - checked above
    before = locked.status
    if locked.investigator_id is None:  # the inspector investigated it himself
        locked.investigator, locked.assigned_at = actor, now
    locked.status, locked.substantiated, locked.action_taken = (
        ReportStatus.CLOSED,
        substantiated,
        action,
    )
    locked.closed_at = now
    _event(
        locked,
        actor,
        "close",
        before,
        {"substantiated": substantiated, "action_taken": action},
        now,
    )
    locked.save(
        update_fields=[
            "status",
            "substantiated",
            "action_taken",
            "closed_at",
            "investigator",
            "assigned_at",
            "revision",
        ]
    )
    return locked


# -- inspections -----------------------------------------------------------------------------

INSPECTORS = frozenset({Role.INSPECTOR})
REMEDY_DAYS = 30


@dataclass
class InspectionData:
    unit: AdministrativeUnit | None = None
    year: int | None = None
    title: str = ""
    scope: str = ""
    period_from: date | None = None
    period_to: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    head: Official | None = None
    members: list[Official] = dc_field(default_factory=list)
    inspected_units: list[AdministrativeUnit] = dc_field(default_factory=list)


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _dates_problems(data: InspectionData, errors: dict[str, list[str]]) -> None:
    for a, b in (("period_from", "period_to"), ("starts_on", "ends_on")):
        first, last = getattr(data, a), getattr(data, b)
        for name, value in ((a, first), (b, last)):
            if not _is_day(value) or not date(1990, 1, 1) <= value <= date(2199, 12, 31):
                errors[name] = [_("A date from 1990 to 2199.")]
        if a not in errors and b not in errors and last < first:
            errors[b] = [_("Not before %(day)s.") % {"day": first.isoformat()}]


def _team_problems(data: InspectionData, errors: dict[str, list[str]]) -> None:
    """The team: inspectors of the inspecting unit, none holding a role in a unit it
    inspects (nobody inspects his own unit)."""
    if data.unit is None:
        return
    inspected = tuple(u.path for u in data.inspected_units)
    for name, people in (("head", [data.head] if data.head else []), ("members", data.members)):
        for person in people:
            if not org_selectors.has_role_over_unit(
                official=person, unit=data.unit, roles=INSPECTORS
            ):
                errors.setdefault(name, []).append(
                    _("%(name)s is not an inspector of the inspecting unit.")
                    % {"name": person.display_name}
                )
            elif inspected and any(
                g.agency.unit.path.startswith(inspected)
                for g in org_selectors.role_grants_current(official=person)
            ):
                errors.setdefault(name, []).append(
                    _("%(name)s works in a unit inspected.") % {"name": person.display_name}
                )


def _inspection_problems(data: InspectionData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, limit in (("title", 300), ("scope", MAX_DESCRIPTION)):
        value = getattr(data, name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = [_("Required.")]
        elif len(value) > limit or "\x00" in value:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    if data.unit is None:
        errors["unit"] = [_("Choose the inspecting unit.")]
    year = data.year
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2199:
        errors["year"] = [_("A year from 1990 to 2199.")]
    _dates_problems(data, errors)
    if data.head is None:
        errors["head"] = [_("Name the head of the team.")]
    if not data.inspected_units:
        errors["inspected_units"] = [_("Choose the units inspected.")]
    elif data.unit is not None:
        outside = [u.code for u in data.inspected_units if not u.path.startswith(data.unit.path)]
        if outside:
            errors["inspected_units"] = [
                _("Not under the inspecting unit: %(codes)s.") % {"codes": ", ".join(outside)}
            ]
    return errors


@transaction.atomic
def inspection_create(
    *, actor: Official, data: InspectionData, at: datetime | None = None
) -> Inspection:
    """An inspection of the year's plan, by an inspector over the inspecting unit; its
    head is an inspector too."""
    errors = _inspection_problems(data)
    if data.unit is not None and not org_selectors.has_role_over_unit(
        official=actor, unit=data.unit, roles=INSPECTORS
    ):
        raise PermissionDenied(
            "inspection.forbidden",
            _("Inspections of %(unit)s are planned by its inspectors.") % {"unit": data.unit},
        )
    _team_problems(data, errors)
    if errors:
        raise ValidationFailed(
            "inspection.invalid", _("The inspection is incomplete or invalid."), fields=errors
        )
    assert data.unit is not None  # noqa: S101 - checked above
    assert data.head is not None  # noqa: S101
    assert isinstance(data.year, int)  # noqa: S101
    assert data.period_from and data.period_to and data.starts_on and data.ends_on  # noqa: PT018,S101
    inspection = Inspection.objects.create(
        unit=data.unit,
        year=data.year,
        title=data.title.strip(),
        scope=data.scope.strip(),
        period_from=data.period_from,
        period_to=data.period_to,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        head=data.head,
        created_by=actor,
    )
    inspection.members.set({m.pk: m for m in data.members if m.pk != data.head.pk}.values())
    inspection.inspected_units.set(data.inspected_units)
    return inspection


def in_team(*, official: Official, inspection: Inspection) -> bool:
    return (
        official.pk == inspection.head_id
        or inspection.members.filter(pk=official.pk).exists()
        or official.is_superuser
    )


def _team_only(official: Official, inspection: Inspection) -> None:
    if not in_team(official=official, inspection=inspection):
        raise PermissionDenied(
            "inspection.forbidden", _("Only the inspection's team records its work.")
        )


def _unit_inspected(
    inspection: Inspection, unit: AdministrativeUnit | None, errors: dict[str, list[str]]
) -> None:
    if unit is None:
        errors["unit"] = [_("Choose the unit concerned.")]
    elif not inspection.inspected_units.filter(pk=unit.pk).exists():
        errors["unit"] = [_("This unit is not inspected by this inspection.")]


@transaction.atomic
def finding_record(
    *,
    actor: Official,
    inspection: Inspection,
    unit: AdministrativeUnit | None,
    category: str,
    description: str,
    evidence: str,
    at: datetime | None = None,
) -> Finding:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _team_only(actor, locked)
    if locked.state == InspectionState.REPORTED:
        raise Conflict("inspection.reported", _("The report is issued: its findings are final."))
    errors: dict[str, list[str]] = {}
    if category not in FindingCategory.values:
        errors["category"] = [", ".join(FindingCategory.values)]
    text = _check_text(errors, "description", description, limit=MAX_DESCRIPTION, required=True)
    proof = _check_text(errors, "evidence", evidence, limit=MAX_DESCRIPTION, required=True)
    _unit_inspected(locked, unit, errors)
    if errors:
        raise ValidationFailed("inspection.invalid", _("The finding is incomplete."), fields=errors)
    assert unit is not None  # noqa: S101 - checked above
    if locked.state == InspectionState.PLANNED:
        locked.state = InspectionState.UNDER_WAY
        locked.save(update_fields=["state"])
    return Finding.objects.create(
        inspection=locked,
        unit=unit,
        category=category,
        description=text,
        evidence=proof,
        recorded_by=actor,
        recorded_at=at or timezone.now(),
    )


@dataclass
class RemedyData:
    """The remedy task of a recommendation; what is not given takes the defaults: led by
    the inspected unit's People's Committee, done by its head, approved by the head of
    the inspection team, due in 30 working days."""

    lead_agency: Agency | None = None
    assignee: Official | None = None
    approver: Official | None = None
    working_days: int | None = None
    due_at: datetime | None = None
    deliverable: str = ""


def _check_remedy(
    inspection: Inspection, unit: AdministrativeUnit, remedy: RemedyData
) -> dict[str, list[str]]:
    """A remedy is led by an agency of the inspected unit (or one under it) and its result
    approved by the team, never by the unit that remedies."""
    errors: dict[str, list[str]] = {}
    agency = remedy.lead_agency
    if agency is not None and not agency.unit.path.startswith(unit.path):
        errors["lead_agency"] = [
            _("The remedy is led by an agency of %(unit)s.") % {"unit": unit.name}
        ]
    approver = remedy.approver
    if approver is not None and not (
        approver.pk == inspection.head_id or inspection.members.filter(pk=approver.pk).exists()
    ):
        errors["approver"] = [_("The remedy's result is approved by the inspection's team.")]
    return errors


def recommendation_source(recommendation: Recommendation) -> str:
    """The reference a recommendation's tasks carry (``Task.source``)."""
    return f"recommendation:{recommendation.pk}"


def _remedy_task(
    rec: Recommendation, inspection: Inspection, remedy: RemedyData, at: datetime, round_: int
) -> Task:
    agency = (
        remedy.lead_agency
        or Agency.objects.filter(unit=rec.unit, kind=AgencyKind.PEOPLE_COMMITTEE).first()
    )
    assignee = remedy.assignee or (
        org_selectors.agency_head(agency=agency, at=at) if agency is not None else None
    )
    title = _("Remedy: %(text)s") % {"text": rec.text[:200]}
    if round_ > 1:
        title = _("Remedy again (%(n)d): %(text)s") % {"n": round_, "text": rec.text[:180]}
    data = task_services.TaskData(
        title=title,
        description=rec.text,
        assignee=assignee,
        lead_agency=agency,
        approver=remedy.approver or inspection.head,
        start=at,
        due_at=remedy.due_at,
        working_days=remedy.working_days or (None if remedy.due_at else REMEDY_DAYS),
        deliverable=remedy.deliverable or _("A report on the remedy, with its evidence"),
        source_kind=SourceKind.INSPECTION,
        source=recommendation_source(rec) if rec.pk else "",
    )
    return task_services.task_create_for_source(assigner=inspection.head, data=data, at=at)


def _rec_event(
    rec: Recommendation, actor: Official, action: str, data: dict[str, object], at: datetime
) -> None:
    rec.revision += 1
    RecommendationEvent.objects.create(
        recommendation=rec,
        seq=rec.revision,
        at=at,
        actor=actor,
        action=action,
        task=rec.task,
        data=data,
    )


@transaction.atomic
def recommendation_give(
    *,
    actor: Official,
    inspection: Inspection,
    unit: AdministrativeUnit | None,
    text: str,
    finding: Finding | None = None,
    remedy: RemedyData | None = None,
    at: datetime | None = None,
) -> Recommendation:
    """A recommendation to an inspected unit, given as a task with the six "rõ" (assigned
    in the name of the team's head)."""
    now = at or timezone.now()
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _team_only(actor, locked)
    if locked.state == InspectionState.REPORTED:
        raise Conflict(
            "inspection.reported", _("The report is issued: its recommendations are final.")
        )
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "text", text, limit=MAX_DESCRIPTION, required=True)
    _unit_inspected(locked, unit, errors)
    if finding is not None and finding.inspection_id != locked.pk:
        errors["finding"] = [_("The finding is not one of this inspection's.")]
    if unit is not None and "unit" not in errors and remedy is not None:
        errors.update(_check_remedy(locked, unit, remedy))
    if errors:
        raise ValidationFailed(
            "inspection.invalid", _("The recommendation is incomplete."), fields=errors
        )
    assert unit is not None  # noqa: S101 - checked above
    rec = Recommendation(inspection=locked, finding=finding, unit=unit, text=body)
    # the task's source names the recommendation, which needs its task to be saved: the
    # task is made first and its source set once the recommendation has its id
    rec.task = _remedy_task(rec, locked, remedy or RemedyData(), now, 1)
    rec.save()
    rec.task.source = recommendation_source(rec)
    rec.task.save(update_fields=["source"])
    _rec_event(rec, actor, "give", {"task": rec.task.pk, "unit": unit.code}, now)
    rec.save(update_fields=["revision"])
    return rec


@transaction.atomic
def recommendation_act(
    *,
    actor: Official,
    recommendation: Recommendation,
    action: str,
    effective: object = None,
    note: str = "",
    remedy: RemedyData | None = None,
    at: datetime | None = None,
) -> Recommendation:
    """``verify``: an inspector of the team checks the remedy once its task is approved:
    effective closes the recommendation; not effective gives the unit the remedy again as a
    new task (``remedy``). ``close``: only a verification that the remedy worked closes a
    recommendation, so closing otherwise is refused (409)."""
    now = at or timezone.now()
    rec = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("inspection__head", "task", "unit")
        .get(pk=recommendation.pk)
    )
    inspection = rec.inspection
    _team_only(actor, inspection)
    if rec.state == RecommendationState.CLOSED:
        raise Conflict("recommendation.closed", _("The recommendation is closed already."))
    if action == "close":
        raise Conflict(
            "recommendation.not_verified",
            _("A recommendation is closed by verifying that the remedy worked."),
        )
    if action != "verify":
        raise ValidationFailed(
            "recommendation.unknown_action", _("Unknown action."), fields={"action": ["verify"]}
        )
    # a cancelled remedy task can only be found not effective, which gives it again
    cancelled = rec.task.status == TaskStatus.CANCELLED
    if rec.task.status != TaskStatus.APPROVED and not (cancelled and effective is False):
        raise Conflict(
            "recommendation.remedy_not_done",
            _("The remedy's task is not done yet: verify it once its result is approved."),
        )
    errors: dict[str, list[str]] = {}
    if not isinstance(effective, bool):
        errors["effective"] = [_("Say whether the remedy worked.")]
    text = _check_text(errors, "note", note, limit=MAX_DESCRIPTION, required=True)
    if errors:
        raise ValidationFailed(
            "recommendation.invalid", _("The verification is incomplete."), fields=errors
        )
    _rec_event(rec, actor, "verify", {"effective": effective, "note": text}, now)
    if effective:
        rec.state, rec.closed_at = RecommendationState.CLOSED, now
        _rec_event(rec, actor, "close", {}, now)
    else:
        rounds = RecommendationEvent.objects.filter(
            recommendation=rec, action__in=["give", "give_again"]
        ).count()
        again = remedy or RemedyData(
            lead_agency=rec.task.lead_agency,
            assignee=rec.task.assignee,
            approver=rec.task.approver,
        )
        if remedy is not None and (problems := _check_remedy(inspection, rec.unit, remedy)):
            raise ValidationFailed(
                "recommendation.invalid", _("The new remedy task is invalid."), fields=problems
            )
        rec.task = _remedy_task(rec, inspection, again, now, rounds + 1)
        _rec_event(rec, actor, "give_again", {"task": rec.task.pk}, now)
    rec.save(update_fields=["state", "closed_at", "task", "revision"])
    return rec


@transaction.atomic
def inspection_report_issue(
    *, actor: Official, inspection: Inspection, conclusion: str, at: datetime | None = None
) -> Inspection:
    """The head of the team issues the report: its findings and recommendations are final
    (recommendations are still verified and closed afterwards)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if actor.pk != locked.head_id and not actor.is_superuser:
        raise PermissionDenied("inspection.forbidden", _("The head of the team issues the report."))
    if locked.state == InspectionState.REPORTED:
        raise Conflict("inspection.reported", _("The report is issued already."))
    errors: dict[str, list[str]] = {}
    text = _check_text(errors, "conclusion", conclusion, limit=MAX_DESCRIPTION, required=True)
    if not locked.findings.exists():
        errors["findings"] = [_("Record the findings first.")]
    if errors:
        raise ValidationFailed("inspection.invalid", _("The report is incomplete."), fields=errors)
    locked.state, locked.conclusion, locked.reported_at = (
        InspectionState.REPORTED,
        text,
        at or timezone.now(),
    )
    locked.save(update_fields=["state", "conclusion", "reported_at"])
    return locked
