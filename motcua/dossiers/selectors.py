"""Reads of dossiers: what an official may see, timeliness, the public view."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.workcalendar.engine import Timeliness, WorkingTime


def dossiers_visible(*, official: Official) -> QuerySet[Dossier]:
    """Dossiers received by, or with a step held by, an agency the official may see."""
    agencies = org_selectors.agencies_visible(official=official)
    held = DossierStep.objects.filter(dossier=OuterRef("pk"), agency__in=agencies.values("pk"))
    return (
        Dossier.objects.filter(Exists(held) | Exists(agencies.filter(pk=OuterRef("agency_id"))))
        .select_related("procedure", "agency__unit", "version")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("agency", "assignee").order_by(
                    "started_at", "pk"
                ),
            )
        )
    )


def dossier_visible_or_404(*, official: Official, code: str) -> Dossier:
    # no code holds a NUL, and PostgreSQL refuses one in a query (a 500, not a 404)
    found = (
        None if "\x00" in code else dossiers_visible(official=official).filter(code=code).first()
    )
    if found is None:
        raise NotFound("dossier.not_found", _("Unknown dossier %(code)s.") % {"code": code})
    return found


def engine_of(dossier: Dossier) -> WorkingTime:
    return org_selectors.working_time_for_unit(unit=dossier.agency.unit)


FINISHED_STATES = {DossierStatus.FINISHED, DossierStatus.RETURNED}


def dossier_timeliness(
    dossier: Dossier, *, now: datetime | None = None, engine: WorkingTime | None = None
) -> Timeliness | None:
    """Early / on time / late once finished (against the legal due time, so an apology's
    new appointment does not excuse it); in time / overdue while open; None when ended
    otherwise (withdrawn, stopped, refused) or not yet received."""
    if dossier.due_at is None:
        return None
    engine = engine or engine_of(dossier)
    if dossier.status in FINISHED_STATES and dossier.finished_at is not None:
        return engine.classify(dossier.due_at, finished_at=dossier.finished_at)
    if dossier.status in {
        DossierStatus.RECEIVED,
        DossierStatus.HANDLING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.FINANCIAL_OBLIGATION,
    }:
        # a paused dossier's clock stopped when it was paused
        return engine.classify(dossier.due_at, now=dossier.paused_at or now or timezone.now())
    return None


def step_timeliness(step: DossierStep, engine: WorkingTime, *, now: datetime) -> Timeliness:
    if step.finished_at is not None:
        return engine.classify(step.due_at, finished_at=step.finished_at)
    return engine.classify(step.due_at, now=now)


HANDLING_ROLES = frozenset({"one_stop_officer", "handling_official", "unit_head", "chairman"})


def may_see_personal_data(*, official: Official, dossier: Dossier) -> bool:
    """SPEC §5 / issue: applicants' ID and phone numbers are shown in full only to those who
    handle the dossier: a one-stop officer of the receiving agency, and the officials and
    heads of the agencies that held one of its steps. Others (a chairman browsing, an
    inspector, an administrator) see them masked; a superuser sees everything."""
    if official.is_superuser:
        return True
    agencies = {dossier.agency_id} | {s.agency_id for s in dossier.steps.all()}
    return any(
        g.agency_id in agencies and g.role in HANDLING_ROLES
        for g in org_selectors.role_grants_current(official=official)
    )


def personal_data_viewed(*, official: Official, dossier: Dossier, via: str) -> None:
    """Log that ``official`` saw the applicant's full data (SPEC: each view is logged)."""
    from motcua.dossiers.models import PersonalDataView

    PersonalDataView.objects.create(official=official, dossier=dossier, via=via)


def mask(value: str, keep: int = 3) -> str:
    """``040123456789`` → ``*********789``."""
    return "*" * max(len(value) - keep, 0) + value[-keep:] if value else ""


def public_lookup(*, code: str, id_number: str) -> Dossier:
    """The citizen's look-up: the dossier whose code and applicant ID number both match;
    404 without saying which half was wrong."""
    found = None
    if "\x00" not in code + id_number and code and id_number:
        found = (
            Dossier.objects.select_related("procedure", "agency__unit", "version")
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=DossierStep.objects.select_related("agency").order_by(
                        "started_at", "pk"
                    ),
                )
            )
            .filter(code=code.strip(), applicant_id_number=id_number.strip())
            .first()
        )
    if found is None:
        raise NotFound(
            "dossier.not_found", _("No dossier matches this code and ID document number.")
        )
    return found
