"""Deadline warnings (SPEC §5 "Late"): at 80 % of a step's or a dossier's allotted working
time, and when one working day or less remains, the holder and the head of its agency are
warned; on breach the head is told. Each warning is sent once (a unique row per step run
or dossier and kind), so the command can run every few minutes from several machines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import (
    DeadlineWarning,
    Dossier,
    DossierStatus,
    DossierStep,
    WarningKind,
)
from motcua.dossiers.selectors import engine_of
from motcua.notifications.services import notify_official
from motcua.org.models import Agency, Official, Role, RoleGrant
from motcua.workcalendar.engine import WorkingTime

RUNNING = [DossierStatus.RECEIVED, DossierStatus.HANDLING]  # paused ones do not run


@dataclass
class WarningRun:
    checked: int = 0
    sent: dict[str, int] | None = None

    def count(self, kind: str) -> None:
        self.sent = self.sent or {}
        self.sent[kind] = self.sent.get(kind, 0) + 1


def _kind(allotted: int, remaining: int, day_seconds: int, *, overdue: bool) -> WarningKind | None:
    """The most urgent warning due: breach once the due time has passed; one working day
    left (for items longer than a day: a half-day step would start "one day left"); 80 %
    of the allotted working time used."""
    if overdue:
        return WarningKind.BREACH
    if allotted > day_seconds and remaining <= day_seconds:
        return WarningKind.ONE_DAY
    if allotted > 0 and (allotted - remaining) >= 0.8 * allotted:
        return WarningKind.EIGHTY
    return None


def _heads(agency: Agency, at: datetime) -> list[Official]:
    day = timezone.localtime(at).date()
    # the head of a division, or the chairman heading a People's Committee
    grants = RoleGrant.objects.filter(
        agency=agency, role__in=[Role.UNIT_HEAD, Role.CHAIRMAN], valid_from__lte=day
    )
    grants = grants.exclude(valid_to__lt=day).select_related("official")
    return [g.official for g in grants if g.official.is_active]


def _record(
    dossier: Dossier, step: DossierStep | None, kind: WarningKind, at: datetime, people: list[str]
) -> bool:
    try:
        with transaction.atomic():
            DeadlineWarning.objects.create(
                dossier=dossier, step=step, kind=kind, at=at, recipients=people
            )
    except IntegrityError:
        return False  # sent before (by this run's predecessor or another machine)
    return True


def _left(engine: WorkingTime, due: datetime, now: datetime) -> str:
    seconds = engine.remaining_seconds(due, now)
    hours = abs(seconds) / 3600
    if seconds < 0:
        return _("overdue by %(h).1f working hours") % {"h": hours}
    return _("%(h).1f working hours left") % {"h": hours}


def deadline_warnings(*, now: datetime | None = None) -> WarningRun:
    """Warn for every running dossier (received or being handled; paused ones do not run):
    its open step against the step's due time, and the dossier against its legal due time.
    A dossier with no open step (every step done, nobody finished it) is told to the head
    of its receiving agency."""
    now = now or timezone.now()
    run = WarningRun()
    engines: dict[int, WorkingTime] = {}
    open_steps = DossierStep.objects.filter(finished_at__isnull=True).select_related(
        "agency", "assignee"
    )
    dossiers = (
        Dossier.objects.filter(status__in=RUNNING)
        .select_related("agency__unit", "version")
        .prefetch_related(Prefetch("steps", queryset=open_steps, to_attr="open_steps"))
        .order_by("pk")
    )
    for dossier in dossiers.iterator(chunk_size=500):
        engine = engines.get(dossier.agency_id)
        if engine is None:
            engine = engines[dossier.agency_id] = engine_of(dossier)
        step: DossierStep | None = next(iter(dossier.open_steps), None)
        if step is not None:
            run.checked += 1
            kind = _kind(
                step.allotted_seconds,
                engine.remaining_seconds(step.due_at, now),
                engine.day_seconds,
                overdue=now > step.due_at,
            )
            if kind is not None:
                _warn(
                    run, dossier, step, kind, step.agency, step.assignee, step.due_at, engine, now
                )
        assert dossier.due_at is not None  # noqa: S101 - received dossiers have one
        assert dossier.received_at is not None  # noqa: S101
        # the legal limit in office time, without the paused time that moved the due time
        legal = _legal_due(dossier, engine)
        allotted = engine.working_seconds_between(dossier.effective_start or legal, legal)
        kind = _kind(
            allotted,
            engine.remaining_seconds(dossier.due_at, now),
            engine.day_seconds,
            overdue=now > dossier.due_at,
        )
        if kind is not None:
            holder_agency = step.agency if step is not None else dossier.agency
            holder = step.assignee if step is not None else None
            _warn(run, dossier, None, kind, holder_agency, holder, dossier.due_at, engine, now)
    return run


def _legal_due(dossier: Dossier, engine: WorkingTime) -> datetime:
    from motcua.dossiers.services import deadline_for

    assert dossier.received_at is not None  # noqa: S101
    return deadline_for(dossier.version, dossier.received_at, engine).due_at


def _warn(
    run: WarningRun,
    dossier: Dossier,
    step: DossierStep | None,
    kind: WarningKind,
    agency: Agency,
    holder: Official | None,
    due: datetime,
    engine: WorkingTime,
    now: datetime,
) -> None:
    heads = _heads(agency, now)
    people = {o.pk: o for o in heads}
    if holder is not None:
        people[holder.pk] = holder
    if not _record(dossier, step, kind, now, sorted(o.username for o in people.values())):
        return
    run.count(kind)
    what = step.name if step is not None else _("the whole dossier")
    subject = {
        WarningKind.EIGHTY: _("80 %% of the time used: %(code)s"),
        WarningKind.ONE_DAY: _("One working day left: %(code)s"),
        WarningKind.BREACH: _("Overdue: %(code)s"),
    }[kind] % {"code": dossier.code}
    body = _("%(what)s of dossier %(code)s is due %(due)s (%(left)s).") % {
        "what": what,
        "code": dossier.code,
        "due": timezone.localtime(due).strftime("%H:%M %d/%m/%Y"),
        "left": _left(engine, due, now),
    }
    for official in people.values():
        notify_official(official, subject=subject, body=body, topic=f"warning:{dossier.code}")
