"""What the system measures for a commitment, checked against figures worked out here by
plain Python over the records the scenario created (not through ``commitments.measures``),
and the freeze: once the evaluation has started, later changes to the records move the
live measure but not the values frozen in the commitment, nor its total.

The scenario, for 2027 (evaluation started Mon 2028-01-10 09:00): the district People's
Committee of Đô Lương (``DL.UBND``: its measures cover the district's agencies, DL.UBND,
DL.MC and DL.TNMT, not the commune's nor Tân Kỳ's) commits with the province's chairman;
the head of the land division (``DL.TNMT``: its own tasks and reports, and the dossiers it
held a handling step of) with the district's.

- dossiers at DL.MC: two resolved early (one online), one late, one carried over from
  2026 and resolved late in January, one received online in late December and resolved in
  2028, one withdrawn; others resolved in 2026, received in 2028, or received at Tân Kỳ;
- tasks: of DL.TNMT one on time, one late, one on time after an extension, one open and
  overdue, one submitted in time but approved only after the freeze, one cancelled, one due
  in 2028, one of 2026; of DL.UBND one on time; of Tân Kỳ one on time;
- misconduct reports: one substantiated about DL.TNMT, one not substantiated, one
  substantiated in 2026, one substantiated at Tân Kỳ, one still open;
- district-level procedures: one published for the district, one published for Tân Kỳ
  only, one published for the district's commune only, one not in force until 2028;
  and a commune-level one (another level)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from motcua.commitments import measures, selectors, services
from motcua.commitments.models import Commitment, CommitmentState
from motcua.commitments.services import TargetData
from motcua.core.errors import ValidationFailed
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierStatus, DossierStep
from motcua.inspections import services as inspections
from motcua.inspections.models import MisconductReport
from motcua.org.models import Agency, Official, Role, UnitLevel
from motcua.procedures import services as catalogue
from motcua.procedures.models import Procedure, ProcedureVersion, Publication
from motcua.procedures.services import DocumentData, StepData, VersionData
from motcua.tasks import services as task_services
from motcua.tasks.models import Task, TaskStatus
from tests.conftest import World
from tests.dossiers.world import DossierWorld, receive, vn
from tests.dossiers.world import build as build_dossiers
from tests.reports.scenarios import civil_status_procedure
from tests.tasks.world import TaskWorld, official
from tests.tasks.world import make as make_task

YEAR = 2027
START = vn(2027, 1, 1)
YEAR_END = vn(2028, 1, 1)
FREEZE = vn(2028, 1, 10, 9)
NOT_RECEIVED = {DossierStatus.SUBMITTED_ONLINE, DossierStatus.REFUSED}


@dataclass
class Scenario:
    dw: DossierWorld
    tw: TaskWorld
    tinh_chutich: Official
    tk_chutich: Official
    dl_inspector: Official
    tk_inspector: Official
    dossiers: list[Dossier] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    reports: list[MisconductReport] = field(default_factory=list)
    late_approval: Task | None = None  # submitted in time, approved after the freeze
    open_report: MisconductReport | None = None


# -- building the records through the real services -----------------------------------------


def _dossier_act(d: Dossier, actor: Official, action: str, at: datetime, **data: Any) -> Dossier:
    return dossier_services.dossier_act(dossier=d, actor=actor, action=action, payload=data, at=at)


def _resolved(dw: DossierWorld, received: datetime, done: datetime, channel: str) -> Dossier:
    """Received at DL.MC, both steps done within the day, finished at ``done``."""
    w = dw.w
    d = receive(dw, received, channel=channel)
    d = _dossier_act(d, w.dl_motcua, "complete_step", received.replace(hour=10))
    d = _dossier_act(d, w.dl_tnmt_cv, "complete_step", received.replace(hour=14))
    return _dossier_act(d, w.dl_chutich, "finish", done, result_note="Kết quả")


def _dossiers(s: Scenario) -> None:
    dw, w = s.dw, s.dw.w
    s.dossiers += [
        _resolved(dw, vn(2027, 3, 1, 7, 30), vn(2027, 3, 2, 15), "counter"),  # early
        _resolved(dw, vn(2027, 3, 8, 7, 30), vn(2027, 3, 10, 9), "online"),  # early
        _resolved(dw, vn(2027, 11, 1, 8), vn(2027, 11, 22, 9), "counter"),  # late
        _resolved(dw, vn(2026, 12, 21, 8), vn(2027, 1, 4, 10), "counter"),  # carried, late
        _resolved(dw, vn(2027, 12, 27, 8), vn(2028, 1, 4, 10), "online"),  # done in 2028
        _resolved(dw, vn(2026, 11, 2, 8), vn(2026, 11, 4, 9), "online"),  # all in 2026
        receive(dw, vn(2028, 1, 4, 8), channel="online"),  # received in 2028
    ]
    withdrawn = receive(dw, vn(2027, 3, 15, 8), channel="post")
    s.dossiers.append(
        _dossier_act(withdrawn, w.dl_motcua, "withdraw", vn(2027, 3, 15, 9), reason="Rút")
    )
    # Tân Kỳ resolves the land procedure too: its dossiers are Tân Kỳ's, not Đô Lương's
    decision = catalogue.decision_create(
        unit=w.province,
        number="9/QĐ-UBND",
        title="Công bố cho Tân Kỳ",
        signed_on=date(2019, 12, 1),
        effective_on=date(2019, 12, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[dw.procedure], unit=w.tk)
    s.dossiers.append(
        dossier_services.dossier_receive(
            actor=w.tk_motcua,
            procedure=dw.procedure,
            agency=w.tk_one_stop,
            channel="online",
            applicant=dossier_services.ApplicantData(
                full_name="Hồ Văn Tài", id_number="040111222333", phone="0911222333"
            ),
            documents=[
                dossier_services.DocumentIn("Đơn đăng ký biến động"),
                dossier_services.DocumentIn("Giấy chứng nhận quyền sử dụng đất"),
            ],
            at=vn(2027, 3, 1, 8),
        )
    )


def _task_act(task: Task, actor: Official, action: str, at: datetime, **data: Any) -> Task:
    return task_services.task_act(task=task, actor=actor, action=action, payload=data, at=at)


def _done(s: Scenario, start: datetime, submit: datetime, approve: datetime, **kw: Any) -> Task:
    task = make_task(s.tw, start=start, at=start, **kw)
    task = _task_act(task, task.assignee, "submit", submit, deliverable="Quyết định")
    return _task_act(task, task.approver, "approve", approve)


def _tasks(s: Scenario) -> None:
    tw, w = s.tw, s.tw.w
    s.tasks += [
        _done(s, vn(2027, 3, 1, 8), vn(2027, 3, 3, 9), vn(2027, 3, 4, 9)),  # on time
        _done(s, vn(2027, 3, 1, 8), vn(2027, 3, 22, 9), vn(2027, 3, 23, 9)),  # late
        _done(s, vn(2026, 12, 7, 8), vn(2026, 12, 8, 9), vn(2026, 12, 9, 9)),  # of 2026
        make_task(tw, start=vn(2027, 11, 1, 8), at=vn(2027, 11, 1, 8)),  # open, overdue
        make_task(tw, start=vn(2027, 12, 27, 8), working_days=10, at=vn(2027, 12, 27, 8)),
    ]
    extended = make_task(tw, start=vn(2027, 3, 1, 8), at=vn(2027, 3, 1, 8))
    extended = _task_act(
        extended,
        tw.tnmt_head,
        "extend",
        vn(2027, 3, 5, 9),
        new_due_at=vn(2027, 3, 31, 17),
        reason="Chờ số liệu",
    )
    extended = _task_act(extended, w.dl_tnmt_cv, "submit", vn(2027, 3, 25, 9), deliverable="QĐ")
    s.tasks.append(_task_act(extended, w.dl_chutich, "approve", vn(2027, 3, 26, 9)))
    cancelled = make_task(tw, start=vn(2027, 3, 1, 8), at=vn(2027, 3, 1, 8))
    s.tasks.append(_task_act(cancelled, tw.tnmt_head, "cancel", vn(2027, 3, 2, 9), reason="Bỏ"))
    pending = make_task(tw, start=vn(2027, 12, 20, 8), at=vn(2027, 12, 20, 8))
    s.late_approval = _task_act(
        pending, w.dl_tnmt_cv, "submit", vn(2027, 12, 22, 9), deliverable="QĐ"
    )
    s.tasks.append(s.late_approval)
    # the district People's Committee's own task, and one of Tân Kỳ's
    s.tasks.append(
        _done(
            s,
            vn(2027, 3, 1, 8),
            vn(2027, 3, 2, 9),
            vn(2027, 3, 2, 10),
            lead_agency=w.dl_ubnd,
            assignee=w.dl_chutich,
            actor=w.dl_chutich,
        )
    )
    s.tasks.append(
        _done(
            s,
            vn(2027, 3, 1, 8),
            vn(2027, 3, 2, 9),
            vn(2027, 3, 2, 10),
            lead_agency=w.tk_ubnd,
            assignee=s.tk_chutich,
            approver=s.tk_chutich,
            actor=s.tk_chutich,
        )
    )


def _report(s: Scenario, agency: str, at: datetime) -> MisconductReport:
    return inspections.misconduct_report_create(
        report=inspections.MisconductIn(
            kind="delay", description="Hẹn nhiều lần không trả kết quả.", agency_code=agency
        ),
        at=at,
    )


def _close(
    s: Scenario, report: MisconductReport, substantiated: bool, at: datetime
) -> MisconductReport:
    closer = s.tk_inspector if report.agency.code.startswith("TK.") else s.dl_inspector
    return inspections.misconduct_report_close(
        actor=closer,
        report=report,
        substantiated=substantiated,
        action_taken="Kiểm điểm" if substantiated else "",
        at=at,
    )


def _reports(s: Scenario) -> None:
    s.reports += [
        _close(s, _report(s, "DL.TNMT", vn(2027, 5, 3, 9)), True, vn(2027, 5, 10, 9)),
        _close(s, _report(s, "DL.MC", vn(2027, 5, 3, 9)), False, vn(2027, 6, 1, 9)),
        _close(s, _report(s, "DL.TNMT", vn(2026, 12, 1, 9)), True, vn(2026, 12, 15, 9)),
        _close(s, _report(s, "TK.MC", vn(2027, 5, 3, 9)), True, vn(2027, 5, 10, 9)),
    ]
    s.open_report = _report(s, "DL.MC", vn(2027, 12, 10, 9))
    s.reports.append(s.open_report)


def _district_procedure(code: str, effective_from: date) -> Procedure:
    return catalogue.procedure_create(
        code=code,
        name=f"Thủ tục {code}",
        sector=catalogue.sector_ensure(code="xay-dung", name="Xây dựng"),
        level=UnitLevel.objects.get(code="district"),
        version=VersionData(
            effective_from=effective_from,
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
            documents=[DocumentData("Đơn đề nghị")],
            steps=[StepData("Tiếp nhận", Decimal(8), None, Role.ONE_STOP_OFFICER)],
        ),
    )


def _procedures(s: Scenario) -> None:
    w = s.dw.w
    tk_only = _district_procedure("MAU.XD.01", date(2020, 1, 1))
    commune_only = _district_procedure("MAU.XD.02", date(2020, 1, 1))
    not_yet = _district_procedure("MAU.XD.03", date(2028, 2, 1))
    decision = catalogue.decision_create(
        unit=w.province,
        number="10/QĐ-UBND",
        title="Công bố thủ tục xây dựng",
        signed_on=date(2020, 1, 1),
        effective_on=date(2020, 1, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[tk_only], unit=w.tk)
    catalogue.procedures_publish(decision=decision, procedures=[commune_only], unit=w.dl_commune)
    catalogue.procedures_publish(decision=decision, procedures=[not_yet], unit=w.dl)
    civil_status_procedure(s.dw)  # commune level, published for the district


@pytest.fixture
def scenario(world: World) -> Scenario:
    dw = build_dossiers(world)
    s = Scenario(
        dw=dw,
        tw=TaskWorld(w=world, tnmt_head=dw.tnmt_head),
        tinh_chutich=official("tinh.chutich", [(world.ubnd_tinh, Role.CHAIRMAN)]),
        tk_chutich=official("tk.chutich", [(world.tk_ubnd, Role.CHAIRMAN)]),
        dl_inspector=official("dl.thanhtra", [(world.dl_ubnd, Role.INSPECTOR)]),
        tk_inspector=official("tk.thanhtra", [(world.tk_ubnd, Role.INSPECTOR)]),
    )
    _dossiers(s)
    _tasks(s)
    _reports(s)
    _procedures(s)
    return s


# -- the expected figures, by plain Python over the records -----------------------------------


def _scope(w: World, agency: Agency) -> set[int]:
    """The agencies a head answers for: a People's Committee, its unit's own agencies."""
    if agency == w.dl_ubnd:
        return {w.dl_ubnd.pk, w.dl_one_stop.pk, w.dl_tnmt.pk}
    return {agency.pk}


def _fresh(rows: Iterable[Any]) -> list[Any]:
    found = list(rows)
    for row in found:
        row.refresh_from_db()
    return found


def expected(s: Scenario, agency: Agency, end: datetime) -> dict[str, tuple[int, int | None]]:
    """(numerator, denominator) of each metric over 2027 up to ``end``."""
    scope = _scope(s.dw.w, agency)
    # received by those agencies, or with a handling step one of them held
    held = {
        step.dossier_id
        for d in s.dossiers
        for step in DossierStep.objects.filter(dossier=d)
        if step.agency_id in scope
    }
    dossiers = [d for d in _fresh(s.dossiers) if d.agency_id in scope or d.pk in held]
    resolved = [d for d in dossiers if d.finished_at and START <= d.finished_at < end]
    new = [
        d
        for d in dossiers
        if d.received_at and START <= d.received_at < end and d.status not in NOT_RECEIVED
    ]
    tasks = [
        t
        for t in _fresh(s.tasks)
        if t.lead_agency_id in scope
        and START <= t.due_at < YEAR_END
        and t.status != TaskStatus.CANCELLED
        and (t.due_at < end or t.status == TaskStatus.APPROVED)
    ]
    reports = [
        r
        for r in _fresh(s.reports)
        if r.agency_id in scope
        and r.substantiated is True
        and r.closed_at is not None
        and START <= r.closed_at < end
    ]
    # the procedures in force, and published, on the last day counted so far
    day = min(date(2027, 12, 31), timezone.localtime(end - timedelta(microseconds=1)).date())
    unit = agency.unit
    in_force = {
        v.procedure_id
        for v in ProcedureVersion.objects.select_related("procedure")
        if v.procedure.level_id == unit.level_id
        and v.effective_from <= day
        and (v.effective_to is None or v.effective_to >= day)
    }
    published = {
        p.procedure_id
        for p in Publication.objects.all()
        if p.unit_id == unit.pk
        and p.valid_from <= day
        and (p.valid_to is None or p.valid_to >= day)
        and p.procedure_id in in_force
    }
    return {
        "dossier_on_time_rate": (
            sum(1 for d in resolved if d.finished_at and d.finished_at <= d.due_at),
            len(resolved),
        ),
        "dossier_online_rate": (sum(1 for d in new if d.channel == "online"), len(new)),
        "task_on_time_rate": (
            sum(
                1
                for t in tasks
                if t.status == TaskStatus.APPROVED and t.finished_at and t.finished_at <= t.due_at
            ),
            len(tasks),
        ),
        "misconduct_substantiated": (len(reports), None),
        "procedures_published_rate": (len(published), len(in_force)),
    }


METRICS = [
    "dossier_on_time_rate",
    "dossier_online_rate",
    "task_on_time_rate",
    "misconduct_substantiated",
    "procedures_published_rate",
]


def district_targets() -> list[TargetData]:
    return [
        TargetData("Hồ sơ đúng hạn", "measured", "dossier_on_time_rate", "at_least", "50", 40),
        TargetData("Hồ sơ trực tuyến", "measured", "dossier_online_rate", "at_least", "50", 10),
        TargetData("Nhiệm vụ đúng hạn", "measured", "task_on_time_rate", "at_least", "50", 20),
        TargetData("Phản ánh", "measured", "misconduct_substantiated", "at_most", "0", 10),
        TargetData(
            "Công khai TTHC", "measured", "procedures_published_rate", "at_least", 33.33, 10
        ),
        TargetData("Đổi mới", "assessed", weight=10),
    ]


def _signed(s: Scenario, chairman: Official, agency: Agency, head: Official) -> Commitment:
    c = services.commitment_create(
        actor=chairman,
        year=YEAR,
        agency=agency,
        head=head,
        targets=district_targets(),
        pass_mark=Decimal(80),
        at=vn(2027, 1, 5, 9),
    )
    for who in (head, chairman):
        c = services.commitment_act(
            commitment=c, actor=who, action="sign", payload={}, at=vn(2027, 1, 6, 9)
        )
    return c


def _frozen(c: Commitment) -> list[tuple[int, Decimal | None, int | None, int | None, Any]]:
    return [
        (t.seq, t.value, t.numerator, t.denominator, t.score) for t in c.targets.order_by("seq")
    ]


# -- the tests ---------------------------------------------------------------------------------


def test_the_district_figures_are_those_worked_out_by_hand(scenario: Scenario) -> None:
    """The scenario's own figures, so that the comparison below is not between two empty
    sets: 2 of 4 resolved on time; 2 online of 5 received; 3 of 6 tasks on time (the one
    submitted in time is not approved yet); 1 substantiated report; 1 of 3 procedures."""
    w = scenario.dw.w
    assert expected(scenario, w.dl_ubnd, YEAR_END) == {
        "dossier_on_time_rate": (2, 4),
        "dossier_online_rate": (2, 5),
        "task_on_time_rate": (3, 6),
        "misconduct_substantiated": (1, None),
        "procedures_published_rate": (1, 3),
    }
    assert expected(scenario, w.dl_tnmt, YEAR_END)["task_on_time_rate"] == (2, 5)


@pytest.mark.parametrize("agency", ["dl_ubnd", "dl_tnmt"])
@pytest.mark.parametrize(
    "at",
    [
        vn(2027, 3, 9, 12),  # during the year: what has happened so far
        vn(2027, 11, 30, 12),
        FREEZE,  # after the year: the whole year
    ],
)
def test_each_metric_counts_what_the_records_say(
    scenario: Scenario, agency: str, at: datetime
) -> None:
    chosen = getattr(scenario.dw.w, agency)
    end = min(at, YEAR_END)
    want = expected(scenario, chosen, end)
    got = {}
    for metric in METRICS:
        found = measures.measure(metric=metric, agency=chosen, year=YEAR, now=at)
        got[metric] = (found.numerator, found.denominator)
    assert got == want


def test_start_of_evaluation_freezes_the_measured_targets(scenario: Scenario) -> None:
    w = scenario.dw.w
    c = _signed(scenario, scenario.tinh_chutich, w.dl_ubnd, w.dl_chutich)
    c = services.commitment_act(
        commitment=c, actor=scenario.tinh_chutich, action="start_evaluation", payload={}, at=FREEZE
    )
    want = expected(scenario, w.dl_ubnd, YEAR_END)
    targets = list(c.targets.order_by("seq"))
    for target in targets[:5]:
        assert (target.numerator, target.denominator) == want[target.metric], target.metric
        assert target.measured_at == FREEZE
    assert [(t.value, t.score) for t in targets] == [
        (Decimal("50.00"), Decimal(40)),  # 2/4 ≥ 50: met
        (Decimal("40.00"), Decimal(0)),  # 2/5 < 50
        (Decimal("50.00"), Decimal(20)),  # 3/6 ≥ 50
        (Decimal("1.00"), Decimal(0)),  # 1 > 0
        (Decimal("33.33"), Decimal(10)),  # 100/3 ≥ 33.33
        (None, None),  # assessed: the evaluator's
    ]
    standing = selectors.commitment_standing(commitment=c, now=vn(2028, 1, 20))
    assert standing.live is False
    assert standing.measured_at == FREEZE
    assert standing.total == Decimal("77.77")  # 70 of the 90 points scored so far
    event = c.events.get(action="start_evaluation")
    assert event.data == {
        "measured": [
            {"seq": 1, "value": "50.00", "numerator": 2, "denominator": 4, "met": True},
            {"seq": 2, "value": "40.00", "numerator": 2, "denominator": 5, "met": False},
            {"seq": 3, "value": "50.00", "numerator": 3, "denominator": 6, "met": True},
            {"seq": 4, "value": "1.00", "numerator": 1, "denominator": None, "met": False},
            {"seq": 5, "value": "33.33", "numerator": 1, "denominator": 3, "met": True},
        ]
    }


def test_later_changes_move_the_live_measure_but_not_the_frozen_values(
    scenario: Scenario,
) -> None:
    w = scenario.dw.w
    c = _signed(scenario, scenario.tinh_chutich, w.dl_ubnd, w.dl_chutich)
    c = services.commitment_act(
        commitment=c, actor=scenario.tinh_chutich, action="start_evaluation", payload={}, at=FREEZE
    )
    frozen = _frozen(c)
    standing_before = selectors.commitment_standing(commitment=c, now=vn(2028, 1, 11))
    revision = c.revision

    # the task submitted in time is approved after the freeze: done on time after all
    assert scenario.late_approval is not None
    _task_act(scenario.late_approval, w.dl_chutich, "approve", vn(2028, 1, 12, 9))
    # a finding recorded late, dated within the year
    assert scenario.open_report is not None
    _close(scenario, scenario.open_report, True, vn(2027, 12, 30, 9))

    later = vn(2028, 1, 15, 9)
    live = expected(scenario, w.dl_ubnd, YEAR_END)
    assert live["task_on_time_rate"] == (4, 6)
    assert live["misconduct_substantiated"] == (2, None)
    for metric in ("task_on_time_rate", "misconduct_substantiated"):
        found = measures.measure(metric=metric, agency=w.dl_ubnd, year=YEAR, now=later)
        assert (found.numerator, found.denominator) == live[metric]

    c.refresh_from_db()
    assert _frozen(c) == frozen
    assert c.revision == revision
    standing = selectors.commitment_standing(commitment=c, now=later)
    assert [(r.value, r.numerator, r.denominator, r.met, r.score) for r in standing.targets] == [
        (r.value, r.numerator, r.denominator, r.met, r.score) for r in standing_before.targets
    ]
    assert standing.total == standing_before.total == Decimal("77.77")

    # and the evaluation ends on the frozen figures
    c = services.commitment_act(
        commitment=c,
        actor=scenario.tinh_chutich,
        action="assess",
        payload={"target": 6, "score": 10},
        at=vn(2028, 1, 16, 9),
    )
    c = services.commitment_act(
        commitment=c, actor=scenario.tinh_chutich, action="conclude", payload={}, at=later
    )
    assert c.state == CommitmentState.EVALUATED
    assert c.total == Decimal("80.00")  # 40 + 0 + 20 + 0 + 10 + 10
    assert c.verdict == "meets"
    assert c.flagged is False


def test_a_signed_commitment_shows_the_live_standing(scenario: Scenario) -> None:
    """Before the evaluation the standing is measured at the moment asked, over the year
    so far; the assessed target is not scored yet."""
    w = scenario.dw.w
    c = _signed(scenario, scenario.tinh_chutich, w.dl_ubnd, w.dl_chutich)
    at = vn(2027, 3, 9, 12)
    standing = selectors.commitment_standing(commitment=c, now=at)
    want = expected(scenario, w.dl_ubnd, at)
    assert standing.live is True
    assert standing.measured_at == at
    assert [(r.numerator, r.denominator) for r in standing.targets[:5]] == [
        want[m] for m in METRICS
    ]
    # up to 9 March: resolved, the early one and the late one carried over; received, one
    # at the counter and one online; tasks fallen due, two on time and the late one, plus
    # the extended one approved on time (an approved task counts at once); nothing
    # substantiated yet; 1 of 3 procedures
    assert [(r.numerator, r.denominator) for r in standing.targets[:5]] == [
        (1, 2),
        (1, 2),
        (3, 4),
        (0, None),
        (1, 3),
    ]
    assert [r.met for r in standing.targets] == [True, True, True, True, True, None]
    assert [r.score for r in standing.targets] == [
        Decimal(40),
        Decimal(10),
        Decimal(20),
        Decimal(10),
        Decimal(10),
        None,
    ]
    assert standing.total == Decimal("100.00")
    assert standing.meets is True
    # nothing was written
    assert _frozen(c) == [(i, None, None, None, None) for i in range(1, 7)]


def test_a_division_answers_for_its_own_tasks_and_reports_only(scenario: Scenario) -> None:
    w = scenario.dw.w
    c = _signed(scenario, w.dl_chutich, w.dl_tnmt, scenario.tw.tnmt_head)
    c = services.commitment_act(
        commitment=c, actor=w.dl_chutich, action="start_evaluation", payload={}, at=FREEZE
    )
    got = {t.metric: (t.numerator, t.denominator) for t in c.targets.exclude(metric="")}
    want = expected(scenario, w.dl_tnmt, YEAR_END)
    assert got == want
    assert got["task_on_time_rate"] == (2, 5)  # not DL.UBND's task
    assert got["misconduct_substantiated"] == (1, None)


def test_a_division_answers_for_the_dossiers_it_handled(scenario: Scenario) -> None:
    """Work reaches the land division through the one-stop department: its dossiers are
    those it held a step of (all but the withdrawn one and those of 2028 and Tân Kỳ)."""
    w = scenario.dw.w
    want = expected(scenario, w.dl_tnmt, YEAR_END)
    assert want["dossier_on_time_rate"] == (2, 4)
    assert want["dossier_online_rate"] == (2, 4)  # the withdrawn one never reached it
    for metric in ("dossier_on_time_rate", "dossier_online_rate"):
        found = measures.measure(metric=metric, agency=w.dl_tnmt, year=YEAR, now=FREEZE)
        assert (found.numerator, found.denominator) == want[metric]


# -- review fixes --------------------------------------------------------------------------------


def test_a_report_naming_one_of_the_agencys_officials_counts_against_it(world: World) -> None:
    """The reporter chose the one-stop department that received the dossier, but named the
    land division's official: the division's head answers for it."""
    inspector = official("dl.thanhtra", [(world.dl_ubnd, Role.INSPECTOR)])
    r = inspections.misconduct_report_create(
        report=inspections.MisconductIn(
            kind="delay", description="Hẹn nhiều lần.", agency_code="DL.MC"
        ),
        at=vn(2027, 5, 3, 9),
    )
    MisconductReport.objects.filter(pk=r.pk).update(official=world.dl_tnmt_cv)
    inspections.misconduct_report_close(
        actor=inspector,
        report=r,
        substantiated=True,
        action_taken="Kiểm điểm",
        at=vn(2027, 5, 9, 9),
    )
    found = measures.measure(
        metric="misconduct_substantiated", agency=world.dl_tnmt, year=2027, now=vn(2028, 1, 2)
    )
    assert (found.numerator, found.value) == (1, Decimal(1))
    mc = measures.measure(
        metric="misconduct_substantiated", agency=world.dl_one_stop, year=2027, now=vn(2028, 1, 2)
    )
    assert mc.numerator == 1  # and the agency it was filed against


@pytest.mark.parametrize(
    ("numerator", "denominator", "comparison", "shown", "met"),
    [
        (440, 449, "at_least", Decimal("97.99"), False),  # 97.995…: not a met 98.00
        (441, 450, "at_least", Decimal("98.00"), True),  # exactly 98
        (9, 449, "at_most", Decimal("2.01"), False),  # 2.0044…: not a met 2.00
        (9, 450, "at_most", Decimal("2.00"), True),
    ],
)
def test_a_rate_is_shown_rounded_towards_failing_its_threshold(
    numerator: int, denominator: int, comparison: str, shown: Decimal, met: bool
) -> None:
    found = measures.Measure(numerator, denominator, is_rate=True)
    threshold = Decimal(98) if comparison == "at_least" else Decimal(2)
    assert found.value_for(comparison) == shown
    assert measures.meets(found, comparison, threshold) is met
    assert (shown >= threshold if comparison == "at_least" else shown <= threshold) is met


def test_a_misconduct_target_is_a_ceiling(world: World) -> None:
    head = official("dl.tnmt", [(world.dl_tnmt, Role.UNIT_HEAD)])
    with pytest.raises(ValidationFailed) as caught:
        services.commitment_create(
            actor=world.dl_chutich,
            year=2027,
            agency=world.dl_tnmt,
            head=head,
            targets=[
                TargetData("Phản ánh", "measured", "misconduct_substantiated", "at_least", 0, 10)
            ],
            at=vn(2027, 1, 5, 9),
        )
    assert list(caught.value.fields) == ["targets.1"]
    assert not Commitment.objects.exists()
