"""Writes of the inspections area. For now: a citizen's misconduct report (phản ánh, kiến
nghị, SPEC §9), taken from the public portal and the public API. The input is untrusted:
every field is checked here and a bad one raises ``ValidationFailed`` naming it."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime

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
from motcua.inspections.models import MisconductKind, MisconductReport, ReportStatus
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Official, Role

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
    *, report: MisconductIn, at: datetime | None = None
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
    return MisconductReport.objects.create(
        kind=kind,
        description=description,
        dossier=dossier,
        official=official,
        official_name=official_name,
        agency=agency,
        reporter_name=reporter_name,
        reporter_contact=contact,
        reported_at=now,
    )


# who closes a report with a finding: an inspector over the agency's unit (not the
# chairman: a substantiated report counts against the heads' commitments, his own included)
CLOSING_ROLES = frozenset({Role.INSPECTOR})


@transaction.atomic
def misconduct_report_close(
    *,
    actor: Official,
    report: MisconductReport,
    substantiated: object,
    action_taken: str = "",
    at: datetime | None = None,
) -> MisconductReport:
    """Close a report with its finding: substantiated (with the action taken) or not. A
    substantiated report counts against the agency in its head's commitment. The report's
    investigation workflow (assignment, deadline) comes with the inspections issue."""
    locked = (
        MisconductReport.objects.select_for_update(of=("self",))
        .select_related("agency__unit")
        .get(pk=report.pk)
    )
    if not org_selectors.has_role_over_unit(
        official=actor, unit=locked.agency.unit, roles=CLOSING_ROLES
    ):
        raise PermissionDenied(
            "misconduct.forbidden", _("Reports are closed by an inspector over the agency.")
        )
    day = timezone.localtime(at or timezone.now()).date()
    if locked.official_id == actor.pk or any(
        g.agency_id == locked.agency_id
        for g in org_selectors.role_grants_current(official=actor, at=day)
    ):
        raise PermissionDenied(
            "misconduct.conflict",
            _("An inspector does not judge a report about himself or his own agency."),
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
    locked.status, locked.substantiated, locked.action_taken = (
        ReportStatus.CLOSED,
        substantiated,
        action,
    )
    locked.closed_at = at or timezone.now()
    locked.save(update_fields=["status", "substantiated", "action_taken", "closed_at"])
    return locked
