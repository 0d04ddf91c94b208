"""Demo inspection (sample data, driven through the services): the province's inspection
team inspected administrative reform in Đô Lương and Tân Kỳ, found the seed's deficiencies
(little initiative and innovation, late dossiers, limited digital transformation, outreach
not renewed) — the figures in the evidence of late dossiers and online filing are computed
from the demo year's dossiers — and gave each district its recommendations as tasks; some
remedies were verified effective and closed, one was found not effective and given again,
the others are under way. Plus two misconduct reports received lately: one waiting for an
investigator, one under investigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from motcua.inspections import services
from motcua.inspections.models import FindingCategory, Inspection, Recommendation
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Official
from motcua.reports.selectors import agencies_of_unit, dossier_statistics
from motcua.tasks import services as task_services
from motcua.tasks.demo import _Clock

TITLE = "Kiểm tra công tác cải cách hành chính tại huyện Đô Lương và huyện Tân Kỳ"


@dataclass
class InspectionDemoResult:
    skipped: bool = False
    inspection: Inspection | None = None
    findings: int = 0
    recommendations: int = 0
    closed: int = 0
    reports: int = 0


def _evidence(unit: AdministrativeUnit, category: str) -> str:
    stats = dossier_statistics(
        agencies=agencies_of_unit(unit=unit, descendants=True),
        first=date(2024, 1, 1),
        last=date(2024, 12, 31),
    )
    if category == FindingCategory.LATE_DOSSIERS:
        return (
            f"Năm 2024: {stats.late}/{stats.resolved} hồ sơ giải quyết trễ hạn; "
            f"{stats.overdue} hồ sơ quá hạn chưa giải quyết (số liệu Một cửa)."
        )
    if category == FindingCategory.DIGITAL:
        return (
            f"Năm 2024: {stats.by_channel.get('online', 0)}/{stats.new} hồ sơ nộp trực tuyến "
            "(số liệu Một cửa)."
        )
    return "Báo cáo CCHC năm 2024 của huyện; làm việc trực tiếp với Ban Chỉ đạo CCHC."


FINDINGS = (
    (
        FindingCategory.LEADERSHIP,
        "Tính chủ động, đổi mới, sáng tạo trong cải cách hành chính còn ít.",
    ),
    (
        FindingCategory.LATE_DOSSIERS,
        "Vẫn còn hồ sơ thủ tục hành chính giải quyết trễ hạn cho công dân.",
    ),
    (FindingCategory.DIGITAL, "Chuyển đổi số còn hạn chế."),
    (FindingCategory.OUTREACH, "Công tác thông tin, tuyên truyền chưa được đổi mới."),
)
RECOMMENDATIONS = {
    FindingCategory.LEADERSHIP: (
        "Phát huy vai trò Ban Chỉ đạo CCHC; có sáng kiến, giải pháp CCHC mới."
    ),
    FindingCategory.LATE_DOSSIERS: (
        "Giải quyết dứt điểm hồ sơ trễ hạn, xin lỗi công dân; xử lý trách nhiệm."
    ),
    FindingCategory.DIGITAL: (
        "Đẩy mạnh dịch vụ công trực tuyến, số hóa hồ sơ và kết quả giải quyết."
    ),
    FindingCategory.OUTREACH: (
        "Đổi mới hình thức tuyên truyền CCHC, công khai kết quả trên cổng thông tin."
    ),
}
# how each district's remedies stand: "closed" (verified effective), "again" (found not
# effective, given again), "done" (approved, waiting for the inspector), "open"
STATES = {
    ("427", FindingCategory.LEADERSHIP): "closed",
    ("427", FindingCategory.LATE_DOSSIERS): "again",
    ("427", FindingCategory.DIGITAL): "open",
    ("427", FindingCategory.OUTREACH): "done",
    ("423", FindingCategory.LEADERSHIP): "closed",
    ("423", FindingCategory.LATE_DOSSIERS): "open",
    ("423", FindingCategory.DIGITAL): "closed",
    ("423", FindingCategory.OUTREACH): "open",
}


def _drive(
    rec: Recommendation, state: str, clock: _Clock, inspector: Official, now: datetime
) -> bool:
    """Drive the remedy to its demo state; True when the recommendation was closed."""
    if state == "open":
        task_services.task_act(
            task=rec.task,
            actor=rec.task.assignee,
            action="progress",
            payload={"percent": 40, "note": "Đang triển khai"},
            at=clock.days_after(rec.task.start, 5),
        )
        return False
    submitted = clock.days_after(rec.task.start, 15)
    task_services.task_act(
        task=rec.task,
        actor=rec.task.assignee,
        action="submit",
        payload={"deliverable": "Báo cáo kết quả khắc phục", "note": ""},
        at=submitted,
    )
    task_services.task_act(
        task=rec.task,
        actor=rec.task.approver,
        action="approve",
        payload={"note": "Đã nhận báo cáo"},
        at=clock.days_after(submitted, 1),
    )
    if state == "done":
        return False
    verified = clock.days_after(submitted, 3)
    effective = state == "closed"
    services.recommendation_act(
        actor=inspector,
        recommendation=rec,
        action="verify",
        effective=effective,
        note="Đã kiểm tra thực tế tại Bộ phận Một cửa."
        if effective
        else "Số hồ sơ trễ hạn chưa giảm; yêu cầu tiếp tục khắc phục.",
        at=verified,
    )
    return effective


@transaction.atomic
def seed_inspections(*, now: datetime | None = None) -> InspectionDemoResult:
    """Idempotent: when the demo inspection exists, nothing is written."""
    result = InspectionDemoResult()
    now = now or timezone.now()
    province = AdministrativeUnit.objects.filter(code="40").first()
    districts = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=["427", "423"])}
    people = {
        o.username: o
        for o in Official.objects.filter(username__in=["tinh.kiemtra", "tinh.cchc", "dl.thanhtra"])
    }
    if province is None or len(districts) < 2 or "tinh.kiemtra" not in people:
        result.skipped = True
        return result
    if Inspection.objects.filter(title=TITLE).exists():
        result.skipped = True
        return result
    head = people["tinh.kiemtra"]
    clock = _Clock(org_selectors.working_time_for_unit(unit=province))
    starts = clock.days_before(now, 70)
    inspection = services.inspection_create(
        actor=head,
        data=services.InspectionData(
            unit=province,
            year=timezone.localtime(starts).year,
            title=TITLE,
            scope=(
                "Lãnh đạo, chỉ đạo CCHC; cải cách TTHC và cơ chế một cửa, một cửa liên thông; "
                "chuyển đổi số; thông tin, tuyên truyền."
            ),
            period_from=date(2024, 1, 1),
            period_to=date(2024, 12, 31),
            starts_on=timezone.localtime(starts).date(),
            ends_on=timezone.localtime(clock.days_after(starts, 5)).date(),
            head=head,
            members=[people[u] for u in ("tinh.cchc",) if u in people],
            inspected_units=list(districts.values()),
        ),
    )
    given = clock.days_after(starts, 6)
    for code, unit in sorted(districts.items()):
        for category, text in FINDINGS:
            finding = services.finding_record(
                actor=head,
                inspection=inspection,
                unit=unit,
                category=category,
                description=text,
                evidence=_evidence(unit, category),
                at=clock.days_after(starts, 2),
            )
            result.findings += 1
            rec = services.recommendation_give(
                actor=head,
                inspection=inspection,
                unit=unit,
                text=RECOMMENDATIONS[category],
                finding=finding,
                remedy=services.RemedyData(working_days=40),
                at=given,
            )
            result.recommendations += 1
            result.closed += _drive(rec, STATES[(code, category)], clock, head, now)
    services.inspection_report_issue(
        actor=head,
        inspection=inspection,
        conclusion=(
            "Hai huyện đã quyết liệt trong CCHC; đề nghị Ban Chỉ đạo CCHC hai huyện tiếp tục "
            "chỉ đạo đồng bộ, khắc phục các tồn tại, hạn chế theo các kiến nghị."
        ),
        at=clock.days_after(starts, 7),
    )
    result.inspection = inspection
    result.reports = _misconduct(clock, now, people.get("dl.thanhtra"))
    return result


def _misconduct(clock: _Clock, now: datetime, inspector: Official | None) -> int:
    waiting = services.misconduct_report_create(
        report=services.MisconductIn(
            kind="asking_money",
            description="Công chức gợi ý nộp thêm tiền để được giải quyết nhanh. (Dữ liệu mẫu.)",
            agency_code="000.20.27.H42",
        ),
        at=clock.days_before(now, 2),
    )
    handled = services.misconduct_report_create(
        report=services.MisconductIn(
            kind="delay",
            description="Hồ sơ chuyển mục đích sử dụng đất quá hẹn chưa có kết quả. (Dữ liệu mẫu.)",
            agency_code="000.05.27.H42",
            reporter_name="Công dân (mẫu)",
        ),
        at=clock.days_before(now, 6),
    )
    if inspector is not None:
        services.misconduct_report_assign(
            actor=inspector,
            report=handled,
            investigator=inspector,
            working_days=10,
            at=clock.days_before(now, 5),
        )
    return 2 if waiting.pk else 0
