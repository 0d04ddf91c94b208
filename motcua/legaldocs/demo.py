"""Demo register of Tân Kỳ (sample data: the numbers, titles and dates are invented; the
seed gives only the review's figures). 36 documents of the district's People's Council and
People's Committee, and the 2024 review that found 21 expired, 14 still in force unchanged,
1 to be amended or replaced and none to be repealed: the summary is counted from the
outcome records, the register's statuses follow the approved outcomes, and the proposal is
a task of the Justice division."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction

from motcua.legaldocs import services
from motcua.legaldocs.models import DocumentKind, LegalDocument, LegalReview, Outcome
from motcua.org.models import AdministrativeUnit, Official
from motcua.tasks import services as task_services

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
REVIEW_TITLE = (
    "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của HĐND, UBND huyện Tân Kỳ năm 2024"
)

# (subject, title) of the sample documents; the outcome of each is set below
SUBJECTS = (
    ("Đất đai", "Quy định hạn mức giao đất ở tại nông thôn"),
    ("Đất đai", "Quy định trình tự bồi thường, hỗ trợ khi Nhà nước thu hồi đất"),
    ("Xây dựng", "Quy định quản lý trật tự xây dựng trên địa bàn huyện"),
    ("Xây dựng", "Quy chế quản lý kiến trúc đô thị thị trấn Tân Kỳ"),
    ("Tài chính", "Quy định mức thu phí chợ trên địa bàn huyện"),
    ("Tài chính", "Phân cấp nguồn thu, nhiệm vụ chi ngân sách cấp huyện, cấp xã"),
    ("Tài chính", "Định mức phân bổ dự toán chi thường xuyên ngân sách"),
    ("Giáo dục", "Quy định về dạy thêm, học thêm trên địa bàn huyện"),
    ("Y tế", "Quy định công tác vệ sinh an toàn thực phẩm"),
    ("Văn hóa", "Quy chế xét công nhận gia đình văn hóa, làng văn hóa"),
    ("Văn hóa", "Quy định thực hiện nếp sống văn minh trong việc cưới, việc tang"),
    ("Nông nghiệp", "Chính sách hỗ trợ phát triển sản xuất nông nghiệp"),
    ("Nông nghiệp", "Quy định quản lý, bảo vệ rừng sản xuất"),
    ("Môi trường", "Quy định thu gom, xử lý rác thải sinh hoạt"),
    ("Giao thông", "Quy định quản lý, bảo trì đường giao thông nông thôn"),
    ("Nội vụ", "Quy chế thi đua, khen thưởng của huyện"),
    ("Nội vụ", "Quy định phân cấp quản lý cán bộ, công chức"),
    ("Nội vụ", "Quy chế làm việc của Ủy ban nhân dân huyện"),
    ("Tư pháp", "Quy chế phối hợp phổ biến, giáo dục pháp luật"),
    ("Tư pháp", "Quy định kiểm tra, xử lý văn bản quy phạm pháp luật"),
    ("Lao động", "Chính sách hỗ trợ đào tạo nghề cho lao động nông thôn"),
    ("Lao động", "Quy định hỗ trợ người có công với cách mạng"),
    ("Công thương", "Quy hoạch mạng lưới chợ trên địa bàn huyện"),
    ("Công thương", "Quy định quản lý cụm công nghiệp"),
    ("Đất đai", "Bảng giá cho thuê đất trên địa bàn huyện"),
    ("Xây dựng", "Quy định cấp giấy phép xây dựng nhà ở riêng lẻ"),
    ("Tài chính", "Quy định chế độ công tác phí, hội nghị phí"),
    ("Giáo dục", "Quy định tuyển sinh các cấp học"),
    ("Y tế", "Kế hoạch phòng, chống dịch bệnh gia súc, gia cầm"),
    ("Văn hóa", "Quy định quản lý hoạt động quảng cáo ngoài trời"),
    ("Nông nghiệp", "Quy định phòng, chống thiên tai"),
    ("Môi trường", "Quy định bảo vệ môi trường làng nghề"),
    ("Giao thông", "Quy định quản lý bến bãi, phương tiện thủy nội địa"),
    ("Nội vụ", "Quy định tiếp công dân của Ủy ban nhân dân huyện"),
    ("Tư pháp", "Quy chế phối hợp quản lý nhà nước về hộ tịch"),
    ("Tài nguyên", "Quy định quản lý khai thác khoáng sản làm vật liệu xây dựng thông thường"),
)

# the seed's review: 21 expired, 14 still in force unchanged, 1 to amend, 0 to repeal
OUTCOMES = [Outcome.EXPIRED_WHOLE] * 21 + [Outcome.IN_FORCE] * 14 + [Outcome.PROPOSE_AMEND] * 1
REASONS = {
    Outcome.EXPIRED_WHOLE: (
        "Căn cứ ban hành đã hết hiệu lực; nội dung đã được thay thế bởi văn bản mới của cấp trên."
    ),
    Outcome.IN_FORCE: "Nội dung còn phù hợp với quy định hiện hành.",
    Outcome.PROPOSE_AMEND: (
        "Một số nội dung không còn phù hợp với Luật Đất đai 2024; cần sửa đổi, bổ sung."
    ),
}


@dataclass
class LegalDemoResult:
    skipped: bool = False
    documents: int = 0
    review: LegalReview | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _at(d: date, hour: int) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=ZONE)


@transaction.atomic
def seed_legal_documents() -> LegalDemoResult:
    """Idempotent: when Tân Kỳ's register has documents, nothing is written."""
    result = LegalDemoResult()
    unit = AdministrativeUnit.objects.filter(code="423").first()
    people = {
        o.username: o for o in Official.objects.filter(username__in=["tk.tuphap", "tk.chutich"])
    }
    if unit is None or len(people) < 2 or LegalDocument.objects.filter(unit=unit).exists():
        result.skipped = True
        return result
    officer, chairman = people["tk.tuphap"], people["tk.chutich"]
    documents = []
    for i, (subject, title) in enumerate(SUBJECTS, start=1):
        year = 2008 + (i * 7) % 14
        resolution = i % 5 == 0
        signed = date(year, 1 + (i * 5) % 12, 1 + (i * 3) % 27)
        documents.append(
            services.legal_document_create(
                actor=officer,
                data=services.DocumentData(
                    unit=unit,
                    number=f"{i:02d}/{year}/{'NQ-HĐND' if resolution else 'QĐ-UBND'}",
                    kind=DocumentKind.RESOLUTION if resolution else DocumentKind.DECISION,
                    title=f"{title} (mẫu)",
                    issuing_body="HĐND huyện Tân Kỳ" if resolution else "UBND huyện Tân Kỳ",
                    signer="Chủ tịch" if not resolution else "Chủ tịch HĐND",
                    issued_on=signed,
                    effective_on=date(signed.year, signed.month, min(signed.day + 10, 28)),
                    subject=subject,
                ),
            )
        )
    review = services.legal_review_create(
        actor=officer,
        unit=unit,
        title=REVIEW_TITLE,
        kind="periodic",
        at=_at(date(2024, 10, 1), 8),
    )
    for i, (document, outcome) in enumerate(zip(documents, OUTCOMES, strict=True)):
        recorded = services.review_outcome_record(
            actor=officer,
            review=review,
            document=document,
            outcome=outcome,
            reason=REASONS[outcome],
            base_document="Luật Đất đai 2024" if outcome == Outcome.PROPOSE_AMEND else "",
            at=_at(date(2024, 10, 7 + i % 10), 9),
        )
        if recorded.task is not None:  # the amendment is drafted and approved in time
            task_services.task_act(
                task=recorded.task,
                actor=officer,
                action="submit",
                payload={"deliverable": "Dự thảo quyết định sửa đổi, bổ sung", "note": ""},
                at=_at(date(2024, 11, 15), 10),
            )
            task_services.task_act(
                task=recorded.task,
                actor=chairman,
                action="approve",
                payload={"note": "Đồng ý trình ban hành"},
                at=_at(date(2024, 11, 18), 9),
            )
    review = services.legal_review_approve(
        actor=chairman, review=review, at=_at(date(2024, 12, 10), 15)
    )
    result.documents, result.review = len(documents), review
    result.counts = {
        o: OUTCOMES.count(o)
        for o in (Outcome.EXPIRED_WHOLE, Outcome.IN_FORCE, Outcome.PROPOSE_AMEND)
    }
    return result
