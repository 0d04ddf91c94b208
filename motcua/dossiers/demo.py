"""Demo dossiers: a year (2024) of one-stop work in the demo units, and a few open ones.

Every dossier is driven through the real services (``dossier_receive``, ``dossier_act``
with ``at=`` moments walking through working time, ``dossier_rate``), so each has a true
hash-chained history and every figure on the statistics pages is computed from it: a
dossier is late because an official completed a step after the due time, not because a
number was typed. The random choices are seeded, so two runs on an empty database write
the same 2024 history; the open dossiers are placed relative to "now".

What the demo data can and cannot show (sample data, not real figures):

- The demo catalogue is published from 1 March 2024 (its sample decision), so reception
  starts then: the "2024" year is March to December.
- Đô Lương's staffed communes were dissolved by the 2025 reform and carry no catalogue, so
  commune work is shown at Tân Kỳ's two staffed communes; Đô Lương and Tân Kỳ districts
  receive district-level work. Procedures whose steps fall to an agency without demo
  officials (business registration, schools, the province's land office) are left out.
- Volumes are scaled down (about a thousand dossiers at ``scale=1``) so that ``seed_demo``
  stays near two minutes on SQLite: a real district receives tens of thousands a year.
- The applicants are invented and have no phone number or e-mail address, so seeding
  queues no message to anyone (and prints no SMS to the log).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, AgencyKind, Official, Role, RoleGrant
from motcua.procedures.models import OnlineLevel, Procedure, ProcedureVersion, Publication
from motcua.workcalendar.engine import WorkingTime

FIRST_DAY = date(2024, 3, 1)  # the demo catalogue's decision takes effect


@dataclass(frozen=True)
class Shop:
    """A one-stop shop of the demo, its volume of work at ``scale=1`` and its mix."""

    agency: str
    volume: int
    late_rate: float  # share of resolved dossiers completed late
    procedures: tuple[tuple[str, int], ...]  # (procedure code, weight)
    # procedures whose handling step is sent to a district division for its opinion and
    # back (interconnected commune work): procedure code -> district agency code
    forwards: tuple[tuple[str, str], ...] = ()


SHOPS: tuple[Shop, ...] = (
    Shop(
        "000.20.27.H42",  # Bộ phận tiếp nhận và trả kết quả huyện Đô Lương
        430,
        0.14,
        (
            # Tư pháp: civil status with foreign elements, certification
            ("2.000806", 3),
            ("2.000528", 2),
            ("DL-MAU-H-005", 2),
            ("DL-MAU-H-013", 10),
            ("DL-MAU-H-014", 4),
            ("2.001008", 3),
            ("2.000992", 2),
            # Tài nguyên và Môi trường: land (the busiest, and the latest)
            ("DL-MAU-H-023", 8),
            ("DL-MAU-H-024", 4),
            ("DL-MAU-H-026", 6),
            ("DL-MAU-H-019", 5),
            ("DL-MAU-H-032", 8),
            ("DL-MAU-H-033", 6),
            ("DL-MAU-H-027", 3),
            ("DL-MAU-H-030", 2),
            ("DL-MAU-H-031", 1),
            # Kinh tế và Hạ tầng: building permits, licences
            ("DL-MAU-H-042", 8),
            ("DL-MAU-H-043", 2),
            ("DL-MAU-H-065", 1),
            ("DL-MAU-H-071", 1),
            # Lao động - Thương binh và Xã hội
            ("1.001776", 5),
            ("DL-MAU-H-104", 2),
            ("DL-MAU-H-108", 2),
        ),
    ),
    Shop(
        "000.20.23.H42",  # Bộ phận tiếp nhận và trả kết quả huyện Tân Kỳ
        150,
        0.09,
        (("2.000806", 3), ("2.000528", 2), ("2.001008", 4), ("2.000992", 2), ("1.001776", 6)),
    ),
    Shop(
        "001.23.MC.H42",  # Bộ phận Một cửa Thị trấn Tân Kỳ
        250,
        0.05,
        (
            ("1.001193", 10),
            ("1.000656", 4),
            ("1.000894", 4),
            ("1.004873", 8),
            ("2.000635", 6),
            ("2.000815", 14),
            ("2.000884", 8),
            ("2.001035", 4),
            ("1.001022", 1),
            ("1.004884", 2),
            ("1.001699", 2),
            ("2.001263", 1),
            ("1.001731", 1),
            ("1.001653", 1),
        ),
        forwards=(("1.001699", "000.07.23.H42"), ("2.001263", "000.03.23.H42")),
    ),
    Shop(
        "002.23.MC.H42",  # Bộ phận Một cửa Xã Kỳ Sơn
        170,
        0.06,
        (
            ("1.001193", 10),
            ("1.000656", 5),
            ("1.000894", 4),
            ("1.004873", 7),
            ("2.000635", 4),
            ("2.000815", 10),
            ("2.000884", 6),
            ("2.001035", 5),
            ("1.004884", 2),
            ("1.001699", 2),
            ("1.001731", 1),
        ),
        forwards=(("1.001699", "000.07.23.H42"),),
    ),
)

# shares of the dossiers (of each shop) with each turn of events
SHARES = {
    "withdraw": 0.03,
    "stop": 0.012,
    "supplement": 0.07,
    "apology": 0.8,  # of the late ones
    "forward": 0.6,  # of the interconnected procedures' dossiers
    "refuse": 0.04,  # of the online submissions
    "rated": 0.55,  # of the returned ones
}
CHANNELS = (("counter", 0.68), ("online", 0.27), ("post", 0.05))
RATINGS_ON_TIME = (55, 35, 8, 2)  # very satisfied, satisfied, neutral, dissatisfied (%)
RATINGS_LATE = (15, 35, 30, 20)

SURNAMES = (
    *("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"),
    *("Hồ", "Ngô", "Dương", "Lý", "Thái", "Đinh", "Cao", "Chu", "Lương", "Hà"),
)
MIDDLE = {"m": ("Văn", "Đình", "Quang", "Hữu", "Minh", "Xuân"), "f": ("Thị", "Thị", "Ngọc")}
GIVEN = {
    "m": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc"),
    "f": ("Anh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Oanh", "Thảo", "Yến"),
}
HAMLETS = ("Xóm 1", "Xóm 2", "Xóm 3", "Xóm 5", "Xóm Đông", "Xóm Trung", "Khối 1", "Khối 4")

WITHDRAW_REASONS = (
    "Người nộp hồ sơ đề nghị rút hồ sơ để bổ sung giấy tờ và nộp lại sau.",
    "Công dân có đơn xin rút hồ sơ do thay đổi nhu cầu.",
)
STOP_REASONS = (
    "Phát sinh tranh chấp liên quan đến đối tượng của hồ sơ, dừng giải quyết theo quy định.",
    "Hồ sơ thuộc trường hợp không đủ điều kiện giải quyết sau khi thẩm định.",
)
LATE_REASONS = (
    "Cần xác minh thêm thông tin thực địa, chưa hoàn thành trong thời hạn.",
    "Số lượng hồ sơ tăng đột biến trong kỳ, cán bộ thụ lý chưa kịp xử lý.",
    "Chờ ý kiến của cơ quan có liên quan.",
)
SUPPLEMENT_ITEMS = (
    "Bản sao giấy tờ tùy thân có chứng thực",
    "Sơ đồ vị trí thửa đất có xác nhận của UBND xã",
    "Giấy tờ chứng minh quan hệ nhân thân",
)
REFUSE_REASONS = ("Hồ sơ nộp trực tuyến thiếu bản quét giấy tờ bắt buộc, đề nghị nộp lại.",)
COMMENTS = {
    1: "Cán bộ hướng dẫn tận tình.",
    2: "",
    3: "Thời gian chờ còn lâu.",
    4: "Hồ sơ bị trễ hẹn.",
}


@dataclass
class DossierDemoResult:
    created: int = 0
    by_agency: dict[str, int] = field(default_factory=dict)
    late: int = 0
    apologies: int = 0
    supplemented: int = 0
    withdrawn: int = 0
    stopped: int = 0
    forwarded: int = 0
    refused: int = 0
    rated: int = 0
    open: int = 0
    skipped: bool = False


@dataclass
class _Plan:
    """The turn of events of one 2024 dossier."""

    procedure: str
    channel: str
    end: str = "finish"  # finish | withdraw | stop | refuse (online submissions)
    late: bool = False
    apology: bool = False
    supplement: bool = False
    forward_to: str = ""


class _People:
    """Who acts for an agency, read from the demo's role grants."""

    def __init__(self) -> None:
        self.by_role: dict[tuple[int, str], Official] = {}
        grants = org_selectors_current_grants()
        for grant in grants:
            self.by_role.setdefault((grant.agency_id, grant.role), grant.official)
        self.committees = {
            a.unit_id: a.pk for a in Agency.objects.filter(kind=AgencyKind.PEOPLE_COMMITTEE)
        }

    def get(self, agency: Agency, role: str) -> Official | None:
        return self.by_role.get((agency.pk, role))

    def chairman(self, agency: Agency) -> Official | None:
        committee = self.committees.get(agency.unit_id)
        return self.by_role.get((committee, Role.CHAIRMAN)) if committee else None

    def head(self, agency: Agency) -> Official | None:
        return self.get(agency, Role.UNIT_HEAD) or self.chairman(agency)

    def handler(self, agency: Agency) -> Official | None:
        return self.get(agency, Role.HANDLING_OFFICIAL) or self.head(agency)

    def for_step(self, step: DossierStep) -> Official | None:
        """Who completes ``step``: its named holder, else an official of its agency with
        the step's role (the head for a step no one of that role holds)."""
        if step.assignee is not None:
            return step.assignee
        if step.role == Role.ONE_STOP_OFFICER:
            return self.get(step.agency, Role.ONE_STOP_OFFICER)
        if step.role == Role.CHAIRMAN:
            return self.chairman(step.agency) or self.head(step.agency)
        if step.role == Role.UNIT_HEAD:
            return self.head(step.agency)
        return self.handler(step.agency)


def org_selectors_current_grants() -> list[RoleGrant]:
    today = timezone.localdate()
    return list(
        RoleGrant.objects.filter(valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .select_related("official")
        .order_by("official__username", "pk")
    )


class _Seeder:
    def __init__(self, rng: random.Random, result: DossierDemoResult) -> None:
        self.rng = rng
        self.result = result
        self.people = _People()
        self.engines: dict[int, WorkingTime] = {}
        self.procedures: dict[str, Procedure] = {}
        self.versions: dict[int, list[ProcedureVersion]] = {}
        self.agencies = {
            a.code: a
            for a in Agency.objects.select_related("unit__level", "unit__parent", "parent")
        }
        self.by_pk = {a.pk: a for a in self.agencies.values()}
        self.person_counter = 0
        self.opening = datetime.combine(FIRST_DAY, time.min, tzinfo=timezone.get_current_timezone())

    # -- the things acted on ---------------------------------------------------------------

    def engine(self, agency: Agency) -> WorkingTime:
        found = self.engines.get(agency.pk)
        if found is None:
            found = org_selectors.working_time_for_unit(unit=agency.unit)
            self.engines[agency.pk] = found
        return found

    def procedure(self, code: str) -> Procedure:
        found = self.procedures.get(code)
        if found is None:
            found = self.procedures[code] = Procedure.objects.get(code=code)
            self.versions[found.pk] = list(
                ProcedureVersion.objects.filter(procedure=found).prefetch_related(
                    "documents", "steps"
                )
            )
        return found

    def version(self, procedure: Procedure, day: date) -> ProcedureVersion:
        for version in self.versions[procedure.pk]:
            if version.effective_from <= day and (
                version.effective_to is None or version.effective_to >= day
            ):
                return version
        raise ValueError(f"{procedure.code} has no version in force on {day}")

    def documents(self, version: ProcedureVersion) -> list[services.DocumentIn]:
        docs = [d for d in version.documents.all() if d.mandatory]
        optional = [d for d in version.documents.all() if not d.mandatory]
        if optional and self.rng.random() < 0.3:
            docs.append(self.rng.choice(optional))
        return [services.DocumentIn(d.name, copies=d.count or 1) for d in docs]

    def applicant(self, agency: Agency) -> services.ApplicantData:
        rng = self.rng
        sex = rng.choice("mf")
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        born = rng.randint(1950, 2004)
        century = (0 if born < 2000 else 2) + (1 if sex == "f" else 0)
        self.person_counter += 1
        serial = (self.person_counter * 7919 + rng.randint(0, 7918)) % 1_000_000
        id_number = f"040{century}{born % 100:02d}{serial:06d}"
        commune = agency.unit.name if agency.unit.level.code == "commune" else ""
        district = agency.unit.name if not commune else agency.unit.parent.name  # type: ignore[union-attr]
        where = ", ".join(x for x in (rng.choice(HAMLETS), commune, district, "Nghệ An") if x)
        return services.ApplicantData(full_name=name, id_number=id_number, address=where)

    # -- time ------------------------------------------------------------------------------

    def filed_before(self, received: datetime) -> datetime:
        """When an online submission received at ``received`` was filed: up to a day and a
        half earlier (evenings and weekends too), never before the catalogue applies."""
        filed = received - timedelta(minutes=self.rng.randint(10, 36 * 60))
        return max(filed, self.opening)

    def office_moment(self, engine: WorkingTime, day: date) -> datetime:
        """A moment inside the office hours of working ``day``."""
        opening = engine.effective_start(datetime.combine(day, time(0, 0), tzinfo=engine.tz))
        offset = self.rng.randint(300, engine.day_seconds - 900)
        return engine.due_after_seconds(opening, offset)

    # -- one dossier -----------------------------------------------------------------------

    def act(
        self, dossier: Dossier, actor: Official | None, action: str, at: datetime, **payload: Any
    ) -> Dossier:
        return services.dossier_act(
            dossier=dossier, actor=actor, action=action, payload=payload, at=at
        )

    def open_step(self, dossier: Dossier) -> DossierStep | None:
        return (
            DossierStep.objects.select_related("agency__unit", "assignee")
            .filter(dossier=dossier, finished_at__isnull=True)
            .first()
        )

    def receive(self, agency: Agency, procedure: Procedure, channel: str, at: datetime) -> Dossier:
        version = self.version(procedure, timezone.localtime(at).date())
        officer = self.people.get(agency, Role.ONE_STOP_OFFICER)
        assert officer is not None  # noqa: S101 - checked by _check_shop
        applicant = self.applicant(agency)
        documents = self.documents(version)
        if channel != "online":
            return services.dossier_receive(
                actor=officer,
                procedure=procedure,
                agency=agency,
                channel=channel,
                applicant=applicant,
                documents=documents,
                at=at,
            )
        # filed online some time before an officer receives it (evenings and weekends too)
        submitted = self.filed_before(at)
        dossier = services.dossier_submit_online(
            procedure=procedure,
            agency=agency,
            applicant=applicant,
            documents=documents,
            vneid_verified=self.rng.random() < 0.6,
            at=submitted,
        )
        return self.act(dossier, officer, "receive", at)

    def run(self, agency: Agency, plan: _Plan, received: datetime) -> None:  # noqa: PLR0912, PLR0915 - one story, top to bottom
        rng, people, result = self.rng, self.people, self.result
        procedure = self.procedure(plan.procedure)
        engine = self.engine(agency)
        officer = people.get(agency, Role.ONE_STOP_OFFICER)
        assert officer is not None  # noqa: S101
        if plan.end == "refuse":
            submitted = self.filed_before(received)
            version = self.version(procedure, timezone.localtime(submitted).date())
            dossier = services.dossier_submit_online(
                procedure=procedure,
                agency=agency,
                applicant=self.applicant(agency),
                documents=self.documents(version),
                at=submitted,
            )
            self.act(dossier, officer, "refuse", received, reasons=list(REFUSE_REASONS))
            result.refused += 1
            return
        dossier = self.receive(agency, procedure, plan.channel, received)
        assert dossier.effective_start is not None  # noqa: S101 - set at receipt
        assert dossier.due_at is not None  # noqa: S101
        start = dossier.effective_start
        total = max(engine.working_seconds_between(start, dossier.due_at), 600)
        steps = list(dossier.version.steps.all())
        weights = [max(float(s.hours), 0.25) * rng.uniform(0.6, 1.4) for s in steps]
        share = sum(weights)
        finish = total * (rng.uniform(0.45, 0.85) if plan.late else rng.uniform(0.2, 0.97))
        targets: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w / share * finish
            targets.append(acc)
        culprit = rng.randrange(1, len(steps) - 1) if plan.late and len(steps) > 2 else 0
        if plan.late:
            overrun = (total - finish) + rng.uniform(0.25, 4.0) * engine.day_seconds
            targets = [t + (overrun if i >= culprit else 0) for i, t in enumerate(targets)]
        clock = {"ws": 0.0, "shift": 0.0}

        def moment(ws: float) -> datetime:
            ws = max(ws + clock["shift"], clock["ws"] + 120)
            clock["ws"] = ws
            return engine.due_after_seconds(start, int(ws))

        for i in range(len(steps) - 1):
            step = self.open_step(dossier)
            if step is None:  # pragma: no cover - the process always has a next step
                break
            begin = targets[i - 1] if i else 0.0
            span = targets[i] - begin
            if i == 1:
                head, handler = people.head(step.agency), people.handler(step.agency)
                if head is not None and handler is not None and handler.pk != head.pk:
                    dossier = self.act(
                        dossier,
                        head,
                        "assign",
                        moment(begin + span * 0.05),
                        assignee=handler.username,
                    )
                    step = self.open_step(dossier)
                    assert step is not None  # noqa: S101
                if plan.end in {"withdraw", "stop"}:
                    at = moment(begin + span * rng.uniform(0.2, 0.8))
                    if plan.end == "withdraw":
                        self.act(
                            dossier, officer, "withdraw", at, reason=rng.choice(WITHDRAW_REASONS)
                        )
                        result.withdrawn += 1
                    else:
                        chairman = people.chairman(agency)
                        self.act(dossier, chairman, "stop", at, reason=rng.choice(STOP_REASONS))
                        result.stopped += 1
                    return
                if plan.supplement:
                    holder = people.for_step(step)
                    asked = begin + span * rng.uniform(0.1, 0.4)
                    dossier = self.act(
                        dossier,
                        holder,
                        "request_supplement",
                        moment(asked),
                        items=[rng.choice(SUPPLEMENT_ITEMS)],
                    )
                    paused = rng.uniform(0.5, 6) * engine.day_seconds
                    by = None if rng.random() < 0.4 else officer
                    dossier = self.act(
                        dossier, by, "supplement", moment(asked + paused), note="Đã bổ sung"
                    )
                    # the due times moved by the paused office time: so does the plan
                    clock["shift"] += paused
                    result.supplemented += 1
                if plan.forward_to:
                    holder = people.for_step(step)
                    target = self.agencies[plan.forward_to]
                    dossier = self.act(
                        dossier,
                        holder,
                        "forward",
                        moment(begin + span * 0.45),
                        agency=target.code,
                        note=f"Chuyển {target.name} cho ý kiến",
                    )
                    back = people.head(target)
                    dossier = self.act(
                        dossier,
                        back,
                        "forward",
                        moment(begin + span * 0.75),
                        agency=step.agency.code,
                        note="Đã có ý kiến, chuyển lại để giải quyết",
                    )
                    result.forwarded += 1
                    step = self.open_step(dossier)
                    assert step is not None  # noqa: S101
            if plan.late and plan.apology and i == culprit and dossier.due_at is not None:
                due = engine.working_seconds_between(start, dossier.due_at) - clock["shift"]
                latest = due - 300
                earliest = max(begin, clock["ws"] - clock["shift"]) + 300
                if earliest < latest:
                    at = moment(rng.uniform(earliest, latest))
                    new_due = engine.due_after_seconds(
                        start, int(targets[-1] + clock["shift"] + engine.day_seconds)
                    )
                    head = people.head(step.agency)
                    dossier = self.act(
                        dossier,
                        head,
                        "apologize",
                        at,
                        reason=rng.choice(LATE_REASONS),
                        new_due_at=max(new_due, dossier.due_at + timedelta(days=1)),
                    )
                    result.apologies += 1
            dossier = self.act(
                dossier, people.for_step(step), "complete_step", moment(targets[i]), note=""
            )
        dossier = self.act(
            dossier, officer, "finish", moment(targets[-1]), result_note="Đã có kết quả giải quyết"
        )
        if plan.late:
            result.late += 1
        method = "online" if plan.channel == "online" and rng.random() < 0.5 else "counter"
        if plan.channel == "post":
            method = "post"
        returned = moment(targets[-1] + rng.uniform(0.05, 2.5) * engine.day_seconds)
        dossier = self.act(dossier, officer, "return", returned, method=method)
        if rng.random() < SHARES["rated"]:
            weights_ = RATINGS_LATE if plan.late else RATINGS_ON_TIME
            level = rng.choices((1, 2, 3, 4), weights=weights_)[0]
            services.dossier_rate(
                dossier=dossier,
                level=level,
                comment=COMMENTS[level],
                at=returned + timedelta(minutes=rng.randint(2, 60)),
            )
            result.rated += 1

    # -- open work, relative to now --------------------------------------------------------

    def open_work(
        self, agency: Agency, now: datetime, count: int, *, online_waiting: int, supplement: bool
    ) -> None:
        rng, people, result = self.rng, self.people, self.result
        engine = self.engine(agency)
        officer = people.get(agency, Role.ONE_STOP_OFFICER)
        assert officer is not None  # noqa: S101
        codes = [code for code, _w in _shop(agency.code).procedures]
        days: list[date] = []
        day = timezone.localtime(now).date() - timedelta(days=1)
        while len(days) < 10:
            if engine.is_working_day(day):
                days.append(day)
            day -= timedelta(days=1)
        for n in range(count):
            procedure = self.procedure(rng.choice(codes))
            received = self.office_moment(engine, days[min(n * 2, len(days) - 1)])
            dossier = self.receive(agency, procedure, "counter", received)
            result.open += 1
            result.created += 1
            # 0: just received; 1: handled at step 2; 2: waiting for a supplement; 3: step 3
            stage = n % 4
            if stage == 2 and not supplement:
                stage = 1
            at = received
            for _ in range(min(stage, 2)):
                step = self.open_step(dossier)
                nxt = engine.due_after_seconds(at, rng.randint(1800, 6 * 3600))
                if step is None or nxt >= now:
                    break
                at = nxt
                if stage == 2 and step.index >= 2:
                    dossier = self.act(
                        dossier,
                        people.for_step(step),
                        "request_supplement",
                        at,
                        items=[rng.choice(SUPPLEMENT_ITEMS)],
                    )
                    break
                dossier = self.act(dossier, people.for_step(step), "complete_step", at, note="")
        today = timezone.localtime(now).date()
        online = [
            c
            for c in codes
            if self.version(self.procedure(c), today).online_level != OnlineLevel.NONE
        ]
        for _ in range(online_waiting if online else 0):
            procedure = self.procedure(rng.choice(online))
            version = self.version(procedure, today)
            services.dossier_submit_online(
                procedure=procedure,
                agency=agency,
                applicant=self.applicant(agency),
                documents=self.documents(version),
                vneid_verified=True,
                at=now - timedelta(hours=rng.randint(2, 30)),
            )
            result.open += 1
            result.created += 1


def _shop(code: str) -> Shop:
    return next(s for s in SHOPS if s.agency == code)


def _quota(n: int, share: float) -> int:
    return round(n * share)


def _plans(shop: Shop, n: int, rng: random.Random, online_ok: dict[str, bool]) -> list[_Plan]:
    """``n`` dossiers of ``shop`` with their turn of events in the shop's proportions."""
    codes = [c for c, _w in shop.procedures]
    weights = [w for _c, w in shop.procedures]
    plans = []
    for _ in range(n):
        code = rng.choices(codes, weights=weights)[0]
        channel = rng.choices([c for c, _s in CHANNELS], weights=[s for _c, s in CHANNELS])[0]
        if channel == "online" and not online_ok[code]:
            channel = "counter"
        plans.append(_Plan(procedure=code, channel=channel))
    order = list(range(n))
    rng.shuffle(order)
    taken = iter(order)
    for end in ("withdraw", "stop"):
        for _ in range(_quota(n, SHARES[end])):
            plans[next(taken)].end = end
    online = [i for i in order if plans[i].channel == "online" and plans[i].end == "finish"]
    for i in online[: _quota(len(online), SHARES["refuse"])]:
        plans[i].end = "refuse"
    finishing = [i for i in order if plans[i].end == "finish"]
    late = finishing[: _quota(len(finishing), shop.late_rate)]
    for k, i in enumerate(late):
        plans[i].late = True
        plans[i].apology = k < math.ceil(len(late) * SHARES["apology"])
    # supplements fall on dossiers taken from the other end of the shuffled order, so
    # that some late ones were supplemented too
    for i in [i for i in reversed(order) if plans[i].end == "finish"][
        : _quota(n, SHARES["supplement"])
    ]:
        plans[i].supplement = True
    targets = dict(shop.forwards)
    for i in order:
        plan = plans[i]
        if plan.procedure in targets and plan.end == "finish" and rng.random() < SHARES["forward"]:
            plan.forward_to = targets[plans[i].procedure]
    return plans


def _ensure_each_turn(shop_plans: list[tuple[Shop, list[_Plan]]]) -> None:
    """A small configuration still shows every turn of events once: give the largest
    shop (or the largest with interconnected procedures) one of each that none has."""

    def flat() -> list[_Plan]:
        return [p for _s, plans in shop_plans for p in plans]

    largest = max(shop_plans, key=lambda sp: len(sp[1]))[1]
    finishing = [p for p in largest if p.end == "finish" and not p.late]
    if not any(p.end == "withdraw" for p in flat()) and finishing:
        finishing.pop().end = "withdraw"
    if not any(p.end == "stop" for p in flat()) and finishing:
        finishing.pop().end = "stop"
    if not any(p.supplement for p in flat()) and finishing:
        finishing[-1].supplement = True
    if not any(p.late for p in flat()) and finishing:
        finishing[0].late = finishing[0].apology = True
    if not any(p.apology for p in flat()):
        for p in flat():
            if p.late:
                p.apology = True
                break
    if not any(p.forward_to for p in flat()):
        with_forwards = [(s, plans) for s, plans in shop_plans if s.forwards]
        if with_forwards:
            shop, plans = max(with_forwards, key=lambda sp: len(sp[1]))
            code, target = shop.forwards[0]
            candidates = [p for p in plans if p.end == "finish" and not p.late]
            if candidates:
                candidates[0].procedure, candidates[0].forward_to = code, target


def _check_shop(seeder: _Seeder, shop: Shop) -> Agency:
    """The shop exists with an officer, and every step of its procedures has someone to
    act (a configuration error here is a bug of this module, said plainly)."""
    agency = seeder.agencies[shop.agency]
    if seeder.people.get(agency, Role.ONE_STOP_OFFICER) is None:
        raise ValueError(f"no one-stop officer at {shop.agency}")
    for code, _w in shop.procedures:
        procedure = seeder.procedure(code)
        publication = (
            Publication.objects.filter(procedure=procedure, unit=agency.unit)
            .select_related("agency__unit")
            .first()
        )
        if publication is None:
            raise ValueError(f"{code} is not published for {agency.unit.code}")
        resolving = publication.agency or agency.parent or agency
        for version in seeder.versions[procedure.pk]:
            for step in version.steps.all():
                if step.agency_id is not None:
                    holder = seeder.by_pk[step.agency_id]
                elif step.role == Role.ONE_STOP_OFFICER:
                    holder = agency
                else:
                    holder = resolving
                fake = DossierStep(agency=holder, role=step.role)
                if seeder.people.for_step(fake) is None:
                    raise ValueError(f"no one acts for step {step.name!r} of {code}")
    return agency


def _working_days(engine: WorkingTime, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if engine.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


@transaction.atomic
def seed_dossiers(
    *,
    year: int = 2024,
    seed: int = 2024,
    scale: float = 1.0,
    now: datetime | None = None,
    open_work: bool = True,
) -> DossierDemoResult:
    """A year of dossiers at the demo shops (``scale`` times the demo volume), then a few
    open ones received in the last working days before ``now``. Idempotent: when the demo
    shops already have dossiers, nothing is written (``skipped``)."""
    result = DossierDemoResult()
    codes = [s.agency for s in SHOPS]
    if Dossier.objects.filter(agency__code__in=codes).exists():
        result.skipped = True
        return result
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    seeder = _Seeder(rng, result)
    now = now or timezone.now()
    first = max(date(year, 1, 1), FIRST_DAY)
    last = min(date(year, 12, 31), timezone.localtime(now).date() - timedelta(days=30))
    shop_plans: list[tuple[Shop, list[_Plan]]] = []
    for shop in SHOPS:
        _check_shop(seeder, shop)
        online_ok = {
            code: seeder.version(seeder.procedure(code), first).online_level != OnlineLevel.NONE
            for code, _w in shop.procedures
        }
        n = max(3, round(shop.volume * scale))
        shop_plans.append((shop, _plans(shop, n, rng, online_ok)))
    _ensure_each_turn(shop_plans)
    for shop, plans in shop_plans:
        agency = seeder.agencies[shop.agency]
        engine = seeder.engine(agency)
        days = _working_days(engine, first, last)
        moments = sorted(seeder.office_moment(engine, rng.choice(days)) for _ in plans)
        for plan, received in zip(plans, moments, strict=True):
            seeder.run(agency, plan, received)
        result.by_agency[shop.agency] = len(plans)
        result.created += len(plans)
    if open_work:
        for k, shop in enumerate(SHOPS):
            agency = seeder.agencies[shop.agency]
            # two online submissions wait for receipt, two dossiers for a supplement
            seeder.open_work(
                agency, now, count=4, online_waiting=int(k in {0, 2}), supplement=k in {0, 2}
            )
            result.by_agency[shop.agency] = Dossier.objects.filter(agency=agency).count()
    return result
