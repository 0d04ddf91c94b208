"""What a citizen sees of a dossier: one reading for the timeline page and the public API,
so that both say the same thing. No personal data beyond the applicant's own name: no ID
or phone number, no address, no names of officials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatus, DossierStep
from motcua.dossiers.timewords import TimeLeft, time_left
from motcua.org.models import Agency, AgencyKind
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import OnlineLevel, Procedure, ProcedureVersion, Publication
from motcua.workcalendar.engine import Timeliness

# the clock runs (or stands, while the applicant owes something) in these statuses
RUNNING = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.HANDLING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.FINANCIAL_OBLIGATION,
    }
)
FINISHED = frozenset({DossierStatus.FINISHED, DossierStatus.RETURNED})
# the events a citizen's timeline lists (officials' internal moves are summed up by the
# steps; their names are not shown)
SHOWN_EVENTS = frozenset(
    {
        "submit",
        "receive",
        "refuse",
        "complete_step",
        "send_back",
        "forward",
        "request_supplement",
        "supplement",
        "request_payment",
        "pay",
        "apologize",
        "finish",
        "return",
        "withdraw",
        "stop",
        "rate",
    }
)


@dataclass(frozen=True)
class PublicStep:
    index: int
    name: str
    agency: str  # the agency holding (or that held) the step; "" before it starts
    state: str  # "done", "current" or "upcoming"

    @property
    def finished(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class SupplementRequest:
    at: datetime
    items: list[str]
    answered_at: datetime | None


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    data: dict[str, Any]


@dataclass
class PublicDossier:
    dossier: Dossier
    now: datetime
    timeliness: Timeliness | None
    # the time the citizen may expect the result: the apology's new appointment, else the
    # legal due time; None before reception and once the dossier has ended
    expected_at: datetime | None
    time_left: TimeLeft | None
    steps: list[PublicStep]
    current_agency: str
    supplements: list[SupplementRequest]
    payment_amount_vnd: int | None
    payment_note: str
    apology_reason: str
    events: list[PublicEvent]
    rated_level: int | None

    @property
    def code(self) -> str:
        return self.dossier.code

    @property
    def status(self) -> int:
        return self.dossier.status

    @property
    def open_supplement(self) -> SupplementRequest | None:
        if self.dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or not self.supplements:
            return None
        return self.supplements[-1]

    @property
    def may_rate(self) -> bool:
        return self.dossier.status == DossierStatus.RETURNED and self.rated_level is None


def _steps(dossier: Dossier, runs: list[DossierStep]) -> list[PublicStep]:
    """The process version's steps, each done, current or upcoming, from the step runs (a
    step sent back or forwarded runs again as a new row; the latest run decides)."""
    process = list(dossier.version.steps.all())
    latest: dict[int, DossierStep] = {}
    for r in runs:
        latest[r.index] = r
    last = runs[-1] if runs else None
    done_below = 0
    current = None
    if dossier.status in FINISHED:
        done_below = len(process) + 1
    elif last is not None:
        done_below = last.index + (1 if last.outcome == "done" else 0)
        current = last.index if last.finished_at is None else None
    out = []
    for position, step in enumerate(process, start=1):
        run = latest.get(position)
        state = (
            "current" if position == current else "done" if position < done_below else "upcoming"
        )
        out.append(PublicStep(position, step.name, run.agency.name if run else "", state))
    return out


def _money(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def public_view(dossier: Dossier, *, now: datetime | None = None) -> PublicDossier:
    """The citizen's view of ``dossier`` (as loaded by ``dossiers.selectors.public_lookup``,
    steps prefetched): a constant number of queries whatever the length of its history."""
    now = now or timezone.now()
    engine = dossier_selectors.engine_of(dossier)
    runs = list(dossier.steps.all())
    # while paused, time stands where the pause began: the classification too
    clock = dossier.paused_at or now
    timeliness = dossier_selectors.dossier_timeliness(dossier, now=clock, engine=engine)
    expected = dossier.appointment_at or dossier.due_at
    left = None
    if dossier.status in RUNNING and expected is not None:
        allotted = (
            engine.working_seconds_between(dossier.effective_start, dossier.due_at)
            if dossier.effective_start and dossier.due_at
            else None
        )
        left = time_left(
            expected,
            now=now,
            engine=engine,
            allotted_seconds=allotted,
            paused_at=dossier.paused_at,
        )
    events = list(
        DossierEvent.objects.filter(dossier=dossier, action__in=SHOWN_EVENTS)
        .only("at", "action", "data")
        .order_by("seq")
    )
    supplements: list[SupplementRequest] = []
    amount, payment_note, apology, rated = None, "", "", None
    for e in events:
        data = e.data if isinstance(e.data, dict) else {}
        if e.action == "request_supplement":
            items = [str(i) for i in data.get("items", []) if isinstance(i, str)]
            supplements.append(SupplementRequest(e.at, items, None))
        elif e.action == "supplement" and supplements and supplements[-1].answered_at is None:
            supplements[-1] = SupplementRequest(supplements[-1].at, supplements[-1].items, e.at)
        elif e.action == "request_payment":
            amount = _money(data.get("amount_vnd"))
            payment_note = str(data.get("note") or "")
        elif e.action == "apologize":
            apology = str(data.get("reason") or "")
        elif e.action == "rate":
            rated = _money(data.get("level"))
    open_run: DossierStep | None = next((r for r in reversed(runs) if r.finished_at is None), None)
    return PublicDossier(
        dossier=dossier,
        now=now,
        timeliness=timeliness,
        expected_at=expected if dossier.status in RUNNING else None,
        time_left=left,
        steps=_steps(dossier, runs),
        current_agency=open_run.agency.name if open_run else "",
        supplements=supplements,
        payment_amount_vnd=amount,
        payment_note=payment_note,
        apology_reason=apology if dossier.appointment_at else "",
        events=[
            PublicEvent(e.at, e.action, e.data if isinstance(e.data, dict) else {}) for e in events
        ],
        rated_level=rated,
    )


def public_out(view: PublicDossier) -> dict[str, Any]:
    """The public API's body (API.md: public look-up), in Vietnam's time."""
    d = view.dossier
    return {
        "code": d.code,
        "procedure": d.procedure.code,
        "procedure_name": d.procedure.name,
        "agency": d.agency.code,
        "agency_name": d.agency.name,
        "status": d.status,
        "status_label": str(d.get_status_display()),
        "submitted_at": _local(d.submitted_at),
        "received_at": _local(d.received_at),
        "due_at": _local(d.due_at),
        "appointment_at": _local(d.appointment_at),
        "paused": d.paused_at is not None,
        "finished_at": _local(d.finished_at),
        "returned_at": _local(d.returned_at),
        "timeliness": view.timeliness.value if view.timeliness else None,
        "remaining_working_seconds": view.time_left.seconds if view.time_left else None,
        "steps": [
            {
                "index": s.index,
                "name": s.name,
                "finished": s.finished,
                "current": s.state == "current",
            }
            for s in view.steps
        ],
        "supplement_items": view.open_supplement.items if view.open_supplement else [],
        "payment_amount_vnd": (
            view.payment_amount_vnd if d.status == DossierStatus.FINANCIAL_OBLIGATION else None
        ),
        "rated": view.rated_level is not None,
    }


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


# -- online submission ----------------------------------------------------------------------


def online_version(*, procedure: Procedure, at: datetime | None = None) -> ProcedureVersion | None:
    """The version in force if it may be filed online (full or partial), else None."""
    try:
        version = procedure_selectors.version_in_force(procedure=procedure, at=at or timezone.now())
    except NotFound:
        return None
    return version if version.online_level in {OnlineLevel.FULL, OnlineLevel.PARTIAL} else None


def online_agencies(*, procedure: Procedure, at: datetime | None = None) -> QuerySet[Agency]:
    """The one-stop departments of the units that publish ``procedure`` today: where an
    online submission may be filed (the units' competence is checked again on submission)."""
    day = timezone.localtime(at or timezone.now()).date()
    publications = Publication.objects.filter(procedure=procedure, valid_from__lte=day).exclude(
        valid_to__lt=day
    )
    return (
        Agency.objects.filter(
            kind=AgencyKind.ONE_STOP,
            unit__in=publications.values("unit"),
            valid_from__lte=day,
        )
        .exclude(valid_to__lt=day)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def dossier_for_citizen(*, code: str) -> Dossier | None:
    """A dossier the citizen already proved to hold (the code is in their session, put
    there by a look-up with the ID number, or by their own online submission), loaded as
    the public look-up loads it."""
    if "\x00" in code:
        return None
    return (
        Dossier.objects.select_related("procedure", "agency__unit", "version")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("agency").order_by("started_at", "pk"),
            ),
            "version__steps",
        )
        .filter(code=code)
        .first()
    )
