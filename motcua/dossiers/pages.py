"""Reads for the officials' dossier pages: the counter's procedures and appointment, "my
work", and which actions an official is offered on a dossier in its current state.

The services stay the only judges of what is allowed (a page offering an action the
service then refuses shows the service's 403); these rules mirror them so that a page
shows only the actions that will work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.dossiers import selectors
from motcua.dossiers.models import ENDED, Dossier, DossierStatus, DossierStep
from motcua.dossiers.timewords import TimeLeft, time_left
from motcua.notifications.models import Notification
from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, Agency, AgencyKind, Official, Role, RoleGrant
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.workcalendar.engine import Deadline, WorkingTime

WORKING_ROLES = frozenset(
    {Role.ONE_STOP_OFFICER, Role.HANDLING_OFFICIAL, Role.UNIT_HEAD, Role.CHAIRMAN}
)
HANDLING = frozenset({DossierStatus.RECEIVED, DossierStatus.HANDLING})
PAUSED = frozenset({DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FINANCIAL_OBLIGATION})
# a list page computes the remaining time of this many rows at most (nearest due first)
LIST_LIMIT = 200


# -- roles -----------------------------------------------------------------------------------


def grants_of(official: Official) -> list[RoleGrant]:
    """The official's current role grants, read once per request."""
    return list(org_selectors.role_grants_current(official=official))


def has_role(
    official: Official, grants: Sequence[RoleGrant], agency: Agency, roles: Iterable[str]
) -> bool:
    """Mirrors the services' rule: a grant of one of ``roles`` in ``agency``, or a
    unit-wide one (a chairman) in an agency of the agency's unit or a unit above it."""
    if official.is_superuser:
        return True
    wanted = set(roles)
    return any(
        g.role in wanted
        and (
            g.agency_id == agency.pk
            or (g.role in UNIT_WIDE_ROLES and agency.unit.path.startswith(g.agency.unit.path))
        )
        for g in grants
    )


def counter_agencies(official: Official) -> list[Agency]:
    """The agencies where the official receives dossiers (one-stop officer); a superuser
    may work at any one-stop department."""
    if official.is_superuser:
        return list(Agency.objects.filter(kind=AgencyKind.ONE_STOP).select_related("unit"))
    ids = {g.agency_id for g in grants_of(official) if g.role == Role.ONE_STOP_OFFICER}
    return list(Agency.objects.filter(pk__in=ids).select_related("unit", "parent"))


# -- the counter -----------------------------------------------------------------------------


def competent_procedures(*, agency: Agency, day: date) -> QuerySet[Procedure]:
    """Procedures the agency's own unit resolves on ``day`` (the services' competence
    rule: a publication for exactly that unit)."""
    published = procedure_selectors.published_in(unit=agency.unit, at=day).filter(unit=agency.unit)
    return Procedure.objects.filter(pk__in=published.values("procedure_id"))


def counter_procedures(
    *, agency: Agency, q: str, day: date, limit: int = 20
) -> list[dict[str, object]]:
    """Procedures matching ``q`` without diacritics: those the unit resolves first; when
    they are fewer than ``limit`` and words were typed, others marked not competent (so
    the officer finds the one to refuse with Form 03)."""
    found = procedure_selectors.procedures_search(q=q)
    competent = list(
        found.filter(pk__in=competent_procedures(agency=agency, day=day).values("pk")).order_by(
            "name", "code"
        )[:limit]
    )
    rows: list[dict[str, object]] = [
        {"code": p.code, "name": p.name, "competent": True} for p in competent
    ]
    if q.strip() and len(rows) < limit:
        others = found.exclude(pk__in=[p.pk for p in competent]).order_by("name", "code")
        rows += [
            {"code": p.code, "name": p.name, "competent": False}
            for p in others[: limit - len(rows)]
        ]
    return rows


def engine_for(agency: Agency) -> WorkingTime:
    return org_selectors.working_time_for_unit(unit=agency.unit)


def appointment(*, version: ProcedureVersion, agency: Agency, now: datetime) -> Deadline:
    """The due time a dossier received now would get: reception's own arithmetic."""
    from motcua.dossiers.services import deadline_for

    return deadline_for(version, now, engine_for(agency))


# -- time ------------------------------------------------------------------------------------


class Engines:
    """The working-time engine per receiving agency, built once per page."""

    def __init__(self) -> None:
        self._by_unit: dict[int, WorkingTime] = {}

    def of(self, dossier: Dossier) -> WorkingTime:
        unit_id = dossier.agency.unit_id
        engine = self._by_unit.get(unit_id)
        if engine is None:
            engine = self._by_unit[unit_id] = selectors.engine_of(dossier)
        return engine


def dossier_time(dossier: Dossier, *, now: datetime, engine: WorkingTime) -> TimeLeft | None:
    """The dossier's time left against the appointment it runs to (an apology's new
    appointment, else the legal due time); None once finished or ended."""
    due = dossier.appointment_at or dossier.due_at
    if due is None or dossier.status not in HANDLING | PAUSED:
        return None
    return time_left(due, now=now, engine=engine, paused_at=dossier.paused_at)


def step_time(step: DossierStep, *, now: datetime, engine: WorkingTime) -> TimeLeft | None:
    if step.finished_at is not None:
        return None
    return time_left(
        step.due_at,
        now=now,
        engine=engine,
        allotted_seconds=step.allotted_seconds,
        paused_at=step.dossier.paused_at,
    )


# -- my work ---------------------------------------------------------------------------------


@dataclass
class WorkRow:
    step: DossierStep
    time: TimeLeft
    free: bool  # nobody holds it: the official may take it


@dataclass
class HeadQueue:
    agency: Agency
    rows: list[WorkRow]
    officials: list[Official]


@dataclass
class MyWork:
    mine: list[WorkRow]
    heads: list[HeadQueue]
    notifications: list[Notification]
    counter: bool = False  # the official works at a counter
    online_waiting: int = 0
    to_return: int = 0


def _open_steps() -> QuerySet[DossierStep]:
    return (
        DossierStep.objects.filter(finished_at__isnull=True)
        .exclude(dossier__status__in=[*ENDED, DossierStatus.FINISHED])
        .select_related("dossier__procedure", "dossier__agency__unit", "agency", "assignee")
        .order_by("due_at", "pk")
    )


def _rows(steps: Iterable[DossierStep], now: datetime, engines: Engines) -> list[WorkRow]:
    rows = []
    for step in steps:
        shown = step_time(step, now=now, engine=engines.of(step.dossier))
        assert shown is not None  # noqa: S101 - open steps only
        rows.append(WorkRow(step=step, time=shown, free=step.assignee_id is None))
    # paused ones (the applicant owes something) after those the official can act on
    rows.sort(key=lambda r: (r.step.dossier.paused_at is not None, r.time.seconds, r.step.pk))
    return rows


def my_work(*, official: Official, now: datetime | None = None) -> MyWork:
    """Steps the official holds and free steps of their agencies they may take, ordered
    by remaining working time (overdue first); for heads, every open step of their
    agency; the official's own notifications; what waits at their counters."""
    now = now or timezone.now()
    grants = grants_of(official)
    engines = Engines()
    free = Q()
    for g in grants:
        if g.role in WORKING_ROLES:
            free |= Q(agency_id=g.agency_id, role=g.role) | Q(agency_id=g.agency_id, role="")
    mine_q = Q(assignee=official)
    if free:
        mine_q |= Q(assignee__isnull=True) & free
    mine = _rows(_open_steps().filter(mine_q)[:LIST_LIMIT], now, engines)
    head_ids = sorted({g.agency_id for g in grants if g.role == Role.UNIT_HEAD})
    heads: list[HeadQueue] = []
    if head_ids:
        steps = list(_open_steps().filter(agency_id__in=head_ids)[:LIST_LIMIT])
        people = _officials_by_agency(head_ids)
        for agency in Agency.objects.filter(pk__in=head_ids).select_related("unit"):
            rows = _rows([s for s in steps if s.agency_id == agency.pk], now, engines)
            heads.append(HeadQueue(agency, rows, people.get(agency.pk, [])))
    counter_ids = [g.agency_id for g in grants if g.role == Role.ONE_STOP_OFFICER]
    work = MyWork(
        mine=mine,
        heads=heads,
        notifications=list(
            Notification.objects.filter(official=official).order_by("-created_at", "-pk")[:10]
        ),
    )
    if counter_ids:
        work.counter = True
        counts = Dossier.objects.filter(agency_id__in=counter_ids).filter(
            status__in=[DossierStatus.SUBMITTED_ONLINE, DossierStatus.FINISHED]
        )
        statuses = list(counts.values_list("status", flat=True))
        work.online_waiting = statuses.count(DossierStatus.SUBMITTED_ONLINE)
        work.to_return = statuses.count(DossierStatus.FINISHED)
    return work


def _officials_by_agency(agency_ids: Sequence[int]) -> dict[int, list[Official]]:
    """The officials with a current role in each agency (to assign a step to)."""
    today = timezone.localdate()
    grants = (
        RoleGrant.objects.filter(agency_id__in=agency_ids, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(official__is_active=True)
        .select_related("official")
        .order_by("official__full_name", "official__username")
    )
    out: dict[int, list[Official]] = {}
    for g in grants:
        people = out.setdefault(g.agency_id, [])
        if g.official not in people:
            people.append(g.official)
    return out


def officials_of(agency: Agency) -> list[Official]:
    return _officials_by_agency([agency.pk]).get(agency.pk, [])


# -- actions on one dossier ------------------------------------------------------------------


def open_step(dossier: Dossier) -> DossierStep | None:
    """The open step, from the steps prefetched by ``selectors.dossiers_visible``."""
    return next((s for s in dossier.steps.all() if s.finished_at is None), None)


def _holder_or_head(official: Official, grants: Sequence[RoleGrant], step: DossierStep) -> bool:
    if step.assignee_id == official.pk or has_role(official, grants, step.agency, {"unit_head"}):
        return True
    return step.assignee_id is None and has_role(
        official, grants, step.agency, {step.role} if step.role else WORKING_ROLES
    )


def allowed_actions(  # noqa: PLR0912 - one rule per action, read top to bottom
    *, official: Official, dossier: Dossier, grants: Sequence[RoleGrant], now: datetime
) -> set[str]:
    """The actions offered to ``official`` on ``dossier`` now (see services.ACTIONS)."""
    step = open_step(dossier)
    status = dossier.status
    one_stop = has_role(official, grants, dossier.agency, {Role.ONE_STOP_OFFICER})
    actions: set[str] = set()
    if status == DossierStatus.SUBMITTED_ONLINE and one_stop:
        actions |= {"receive", "refuse"}
    if step is not None and status in HANDLING:
        holder = _holder_or_head(official, grants, step)
        if has_role(official, grants, step.agency, {Role.UNIT_HEAD}):
            actions.add("assign")
        elif step.assignee_id is None and has_role(
            official, grants, step.agency, {step.role} if step.role else WORKING_ROLES
        ):
            actions.add("take")
        if holder:
            actions |= {"complete_step", "forward", "request_supplement", "request_payment"}
            if step.index > 1 and status == DossierStatus.HANDLING:
                actions.add("send_back")
    if status in HANDLING:
        last = len(dossier.version.steps.all())
        holder_agency = step.agency if step else dossier.agency
        if (step is None or step.index >= last) and (
            (step is not None and _holder_or_head(official, grants, step))
            or has_role(official, grants, holder_agency, {Role.UNIT_HEAD})
            or one_stop
        ):
            actions.add("finish")
        if (
            dossier.due_at is not None
            and now < dossier.due_at
            and has_role(official, grants, holder_agency, {Role.UNIT_HEAD, Role.CHAIRMAN})
        ):
            actions.add("apologize")
    if status == DossierStatus.SUPPLEMENT_REQUESTED and one_stop:
        actions.add("supplement")
    if status == DossierStatus.FINANCIAL_OBLIGATION and one_stop:
        actions.add("pay")
    if status == DossierStatus.FINISHED and one_stop:
        actions.add("return")
    if status not in ENDED and status != DossierStatus.FINISHED:
        agencies = [dossier.agency] + ([step.agency] if step else [])
        if any(has_role(official, grants, a, {Role.ONE_STOP_OFFICER}) for a in agencies):
            actions.add("withdraw")
        if any(has_role(official, grants, a, {Role.UNIT_HEAD, Role.CHAIRMAN}) for a in agencies):
            actions.add("stop")
    return actions


def forward_targets(*, dossier: Dossier, step: DossierStep, day: date) -> QuerySet[Agency]:
    """Agencies of the dossier's province in force today, but the step's own."""
    root = "/".join(dossier.agency.unit.path.split("/")[:2]) + "/"
    return (
        Agency.objects.filter(unit__path__startswith=root, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .exclude(pk=step.agency_id)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


PRINTED = {"request_supplement": "02", "refuse": "03", "apologize": "04"}
