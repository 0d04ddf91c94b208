"""The report of an inspection (báo cáo kết quả kiểm tra) as an A4 PDF, printed with the
machinery of the one-stop shop's forms (``motcua.dossiers.printing``: fpdf2, DejaVu Serif
subset and embedded, the national motto in the letterhead), on an A4 page with the margins
of Decree 30/2020.

The report states the inspecting unit, the title, the period inspected and the dates of the
team's work, the scope, the team, the units inspected, the findings by category with their
evidence, the recommendations with their remedy task's due time and state, and the
conclusion. ``InspectionReport`` is a plain frozen dataclass; ``report_from`` builds it from
a stored inspection whose report is issued (a fixed number of queries), ``render_report``
prints it::

    pdf = printing.render_report(printing.report_from(inspection))

Language: like the legal forms, the report is Vietnamese and is not translated; only the
error messages go through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from motcua.core.errors import Conflict
from motcua.dossiers.printing import (
    BODY,
    Cell,
    FormPDF,
    Letterhead,
    _font_paths,
    place_name,
    time_words,
)
from motcua.inspections import selectors
from motcua.inspections.models import (
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    RecommendationState,
)
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind
from motcua.tasks.models import TaskStatus
from motcua.workcalendar.engine import Timeliness

CATEGORY_WORDS = {
    FindingCategory.LEADERSHIP: "Công tác chỉ đạo, điều hành; sáng kiến, đổi mới",
    FindingCategory.PROCEDURES: "Thủ tục hành chính",
    FindingCategory.LATE_DOSSIERS: "Hồ sơ giải quyết trễ hạn",
    FindingCategory.DIGITAL: "Chuyển đổi số",
    FindingCategory.OUTREACH: "Thông tin, tuyên truyền",
    FindingCategory.LEGAL_DOCUMENTS: "Văn bản quy phạm pháp luật",
    FindingCategory.ORGANISATION: "Tổ chức bộ máy, đội ngũ cán bộ, công chức",
    FindingCategory.OTHER: "Nội dung khác",
}
STATE_WORDS = {
    RecommendationState.OPEN: "Đang khắc phục",
    RecommendationState.CLOSED: "Đã kiểm tra: khắc phục có hiệu quả",
}
TASK_WORDS: dict[str, str] = {
    TaskStatus.ASSIGNED: "đã giao",
    TaskStatus.IN_PROGRESS: "đang thực hiện",
    TaskStatus.SUBMITTED: "đã báo cáo, chờ duyệt",
    TaskStatus.APPROVED: "đã hoàn thành, chờ kiểm tra",
    TaskStatus.RETURNED: "bị trả lại để làm lại",
    TaskStatus.CANCELLED: "đã hủy",
}
TIMELINESS_WORDS = {
    Timeliness.EARLY: "trước hạn",
    Timeliness.ON_TIME: "đúng hạn",
    Timeliness.LATE: "quá hạn",
    Timeliness.IN_TIME: "trong hạn",
    Timeliness.OVERDUE: "quá hạn",
}
TEAM_NAME = "ĐOÀN KIỂM TRA CẢI CÁCH HÀNH CHÍNH"


@dataclass(frozen=True)
class FindingLine:
    unit: str
    description: str
    evidence: str


@dataclass(frozen=True)
class CategoryBlock:
    """The findings of one category, in the order recorded."""

    category: str  # in words
    findings: tuple[FindingLine, ...]


@dataclass(frozen=True)
class RecommendationLine:
    unit: str
    text: str
    responsible: str  # the remedy task's responsible official and lead agency
    due_at: datetime
    state: str  # the recommendation's state and its task's, in words


@dataclass(frozen=True)
class InspectionReport:
    letterhead: Letterhead
    issued_at: datetime
    title: str
    inspecting_unit: str
    period_from: date
    period_to: date
    starts_on: date
    ends_on: date
    scope: str
    head: str
    members: tuple[str, ...]
    units: tuple[str, ...]
    findings: tuple[CategoryBlock, ...]
    recommendations: tuple[RecommendationLine, ...]
    conclusion: str
    recipients: tuple[str, ...] = ()


# -- the page -------------------------------------------------------------------------------

# A4 with the margins of Decree 30/2020 (annex I): top and bottom 20-25 mm, left 30-35 mm,
# right 15-20 mm
A4_LEFT, A4_RIGHT, A4_TOP, A4_BOTTOM = 30.0, 15.0, 20.0, 20.0
SIGN_HINT = "(Ký, ghi rõ họ tên)"


def day_words(day: date) -> str:
    return f"{day:%d/%m/%Y}"


class ReportPDF(FormPDF):
    """``FormPDF``'s fonts, letterhead and flowing rows on an A4 page."""

    def __init__(self, *, title: str) -> None:
        # FormPDF's own set-up is the A5 page of the one-stop forms: the same steps here,
        # with an A4 page and its margins
        FPDF.__init__(self, orientation="P", unit="mm", format="A4")
        self.form_code = ""
        for style, path in _font_paths().items():
            self.add_font("DejaVuSerif", style, str(path))
        self.set_margins(A4_LEFT, A4_TOP, A4_RIGHT)
        self.c_margin = 0.4
        self.set_auto_page_break(auto=True, margin=A4_BOTTOM)
        self.alias_nb_pages("{motcua-nb}")
        self.set_title(title)
        self.set_creator("motcua")
        self.set_lang("vi")
        self.add_page()
        self.font(BODY)

    def footer(self) -> None:
        self.set_y(-A4_BOTTOM + 6)
        self.font(8)
        self.cell(0, 4, f"Trang {self.page_no()}/{{motcua-nb}}", align="R")

    def heading(self, text: str) -> None:
        self.keep(20)  # a heading does not end a page alone
        self.ln(2)
        self.paragraph(text, bold=True)


REC_COLUMNS = (
    Cell(8, "TT", bold=True, align="C", size=8.5),
    Cell(27, "Đơn vị", bold=True, align="C", size=8.5),
    Cell(52, "Kiến nghị", bold=True, align="C", size=8.5),
    Cell(30, "Người thực hiện, cơ quan chủ trì", bold=True, align="C", size=8.5),
    Cell(24, "Hạn khắc phục", bold=True, align="C", size=8.5),
    Cell(24, "Tình trạng", bold=True, align="C", size=8.5),
)


def render_report(report: InspectionReport) -> bytes:
    """The report as an A4 PDF: the recommendations as a table whose rows flow over pages,
    its heading repeated on each page."""
    title = "BÁO CÁO KẾT QUẢ KIỂM TRA"
    pdf = ReportPDF(title=f"{title}: {report.title}")
    pdf.letterhead(report.letterhead, report.issued_at)
    pdf.centered(title, size=12, bold=True)
    pdf.centered(report.title, size=11, bold=True)
    pdf.ln(3)

    pdf.heading("I. THÔNG TIN CHUNG")
    pdf.labelled("Đơn vị kiểm tra", report.inspecting_unit)
    pdf.labelled(
        "Thời kỳ kiểm tra",
        f"từ {day_words(report.period_from)} đến {day_words(report.period_to)}",
        bold_value=False,
    )
    pdf.labelled(
        "Thời gian kiểm tra",
        f"từ {day_words(report.starts_on)} đến {day_words(report.ends_on)}",
        bold_value=False,
    )
    pdf.labelled("Nội dung, phạm vi kiểm tra", report.scope, bold_value=False)
    pdf.labelled("Trưởng đoàn", report.head)
    pdf.labelled("Thành viên", "; ".join(report.members) or "(không có)", bold_value=False)
    pdf.labelled("Đơn vị được kiểm tra", "; ".join(report.units))

    pdf.heading("II. KẾT QUẢ KIỂM TRA: NHỮNG TỒN TẠI, HẠN CHẾ")
    for i, block in enumerate(report.findings, start=1):
        pdf.paragraph(f"{i}. {block.category} ({len(block.findings)})", bold=True, indent=2)
        for j, finding in enumerate(block.findings, start=1):
            pdf.row(
                [
                    Cell(6, ""),
                    Cell(8, f"{i}.{j}."),
                    Cell(pdf.epw - 14, f"{finding.unit}: {finding.description}"),
                ]
            )
            pdf.row(
                [
                    Cell(14, ""),
                    Cell(pdf.epw - 14, f"Căn cứ, chứng cứ: {finding.evidence}", size=9),
                ]
            )
    if not report.findings:
        pdf.paragraph("(Không có tồn tại, hạn chế nào được ghi nhận)", indent=2)

    pdf.heading("III. KIẾN NGHỊ VÀ VIỆC KHẮC PHỤC")
    small = 4.0

    def columns() -> None:
        pdf.row(REC_COLUMNS, border=True, line_h=small, keep_together=True)

    columns()
    for i, rec in enumerate(report.recommendations, start=1):
        values = (str(i), rec.unit, rec.text, rec.responsible, time_words(rec.due_at), rec.state)
        pdf.row(
            [
                Cell(col.width, value, align="C" if j == 0 else "L", size=8.5)
                for j, (col, value) in enumerate(zip(REC_COLUMNS, values, strict=True))
            ],
            border=True,
            line_h=small,
            keep_together=True,
            on_new_page=columns,
        )
    if not report.recommendations:
        pdf.row([Cell(pdf.epw, "(Không có kiến nghị)", size=8.5)], border=True, line_h=small)

    pdf.heading("IV. KẾT LUẬN")
    pdf.paragraph(report.conclusion or "(Chưa có kết luận)")
    pdf.signatures(
        [("TRƯỞNG ĐOÀN KIỂM TRA", SIGN_HINT, report.head)],
        recipients=report.recipients,
    )
    return pdf.output_bytes()


# -- from the stored inspection -------------------------------------------------------------


def _committee(unit: AdministrativeUnit, committees: dict[int, Agency]) -> str:
    """The People's Committee of the unit by name, else the unit's name."""
    agency = committees.get(unit.pk)
    return agency.name if agency is not None else unit.name


def _state_words(row: selectors.RecommendationRow) -> str:
    rec, task = row.recommendation, row.task
    if rec.state == RecommendationState.CLOSED:
        return STATE_WORDS[RecommendationState.CLOSED]
    words = f"{STATE_WORDS[RecommendationState.OPEN]}: {TASK_WORDS.get(task.status, task.status)}"
    if row.timeliness is not None:
        words += f", {TIMELINESS_WORDS[row.timeliness]}"
    return words


def report_from(inspection: Inspection, *, now: datetime | None = None) -> InspectionReport:
    """The report of an inspection whose report is issued, dated at its issue; the state of
    each recommendation is the one at ``now``. Seven queries, and one per unit whose
    calendar judges the remedy tasks, whatever the number of findings and recommendations."""
    if inspection.state != InspectionState.REPORTED or inspection.reported_at is None:
        raise Conflict(
            "inspection.not_reported",
            _("The report of this inspection is not issued yet."),
        )
    at = now or timezone.now()
    full = (
        Inspection.objects.select_related("unit", "head")
        .prefetch_related(
            Prefetch("members"),
            Prefetch("inspected_units", queryset=AdministrativeUnit.objects.order_by("path")),
        )
        .get(pk=inspection.pk)
    )
    units = list(full.inspected_units.all())
    committees = {
        a.unit_id: a
        for a in Agency.objects.filter(
            unit__in=[full.unit, *units], kind=AgencyKind.PEOPLE_COMMITTEE
        ).order_by("-pk")
    }
    findings = list(Finding.objects.filter(inspection=full).select_related("unit").order_by("pk"))
    blocks = []
    for category in FindingCategory:
        mine = [f for f in findings if f.category == category]
        if mine:
            blocks.append(
                CategoryBlock(
                    category=CATEGORY_WORDS[category],
                    findings=tuple(
                        FindingLine(
                            unit=f.unit.name, description=f.description, evidence=f.evidence
                        )
                        for f in mine
                    ),
                )
            )
    rows = selectors.inspection_recommendations(inspection=full, now=at)
    recommendations = tuple(
        RecommendationLine(
            unit=row.recommendation.unit.name,
            text=row.recommendation.text,
            responsible=f"{row.task.assignee.display_name}, {row.task.lead_agency.name}",
            due_at=row.task.due_at,
            state=_state_words(row),
        )
        for row in rows
    )
    parent = _committee(full.unit, committees)
    return InspectionReport(
        letterhead=Letterhead(agency=TEAM_NAME, parent=parent, place=place_name(full.unit.name)),
        issued_at=inspection.reported_at,
        title=full.title,
        inspecting_unit=full.unit.name,
        period_from=full.period_from,
        period_to=full.period_to,
        starts_on=full.starts_on,
        ends_on=full.ends_on,
        scope=full.scope,
        head=full.head.display_name,
        members=tuple(m.display_name for m in sorted(full.members.all(), key=lambda m: m.pk)),
        units=tuple(u.name for u in units),
        findings=tuple(blocks),
        recommendations=recommendations,
        conclusion=full.conclusion,
        recipients=(*[_committee(u, committees) for u in units], "Lưu: VT, Đoàn kiểm tra"),
    )
