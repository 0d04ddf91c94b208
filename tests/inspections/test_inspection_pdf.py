"""The inspection report as an A4 PDF: the text read back (pypdf) with the national motto,
the inspecting unit, title, period, scope, team, units, findings by category with their
evidence, recommendations with their remedy's due time and state, and the conclusion; the
page size and the embedded font; long content flowing over pages with the table heading
repeated; a report not yet issued does not print."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from motcua.core.errors import Conflict
from motcua.dossiers.printing import time_words
from motcua.inspections import printing, services
from motcua.inspections.models import Inspection
from tests.dossiers.world import vn
from tests.inspections.inspection_world import (
    SCOPE,
    TITLE,
    InspectionWorld,
    build,
    find,
    plan,
    recommend,
    remedy_done,
)

MM = 72 / 25.4
FOOTER = re.compile(r"Trang \d+/\d+")
NOW = vn(2027, 4, 20, 9)


@pytest.fixture
def iw(world: Any) -> InspectionWorld:
    return build(world)


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """All the text, whitespace folded to one space, the page footers left out."""
    pages = [FOOTER.sub(" ", p.extract_text()) for p in reader(pdf).pages]
    return " ".join(" ".join(pages).split())


def issued(iw: InspectionWorld, extra: int = 0) -> Inspection:
    """An inspection of Đô Lương and Tân Kỳ with three findings and three recommendations:
    one closed, one overdue, one whose remedy is done and waits for verification (and
    ``extra`` more recommendations, alternately to each district)."""
    inspection = plan(iw)
    late = find(iw, inspection)
    find(
        iw,
        inspection,
        unit=iw.w.tk,
        category="digital",
        description="Cổng dịch vụ công chưa cập nhật 5 thủ tục mới.",
        evidence="Biên bản làm việc ngày 03/3/2027.",
    )
    find(
        iw,
        inspection,
        category="leadership",
        description="Chưa ban hành kế hoạch CCHC năm 2026.",
        evidence="Hồ sơ lưu của Văn phòng HĐND và UBND huyện.",
    )
    closed = recommend(iw, inspection, finding=late)
    remedy_done(closed.task, at=vn(2027, 4, 1, 9))
    services.recommendation_act(
        actor=iw.head,
        recommendation=closed,
        action="verify",
        effective=True,
        note="Đạt",
        at=vn(2027, 4, 2, 9),
    )
    recommend(
        iw,
        inspection,
        unit=iw.w.tk,
        text="Cập nhật đủ thủ tục hành chính lên Cổng dịch vụ công.",
        remedy=services.RemedyData(working_days=5),
    )
    waiting = recommend(iw, inspection, text="Ban hành kế hoạch CCHC.")
    remedy_done(waiting.task, at=vn(2027, 4, 5, 9))
    for i in range(extra):
        recommend(iw, inspection, unit=iw.w.tk if i % 2 else iw.w.dl, text=f"Thêm {i}")
    return services.inspection_report_issue(
        actor=iw.head,
        inspection=inspection,
        conclusion="Đô Lương và Tân Kỳ cơ bản thực hiện tốt; cần khắc phục các tồn tại nêu trên.",
        at=vn(2027, 3, 12, 16),
    )


def test_the_report_reads_back_with_everything_it_states(iw: InspectionWorld) -> None:
    inspection = issued(iw)
    pdf = printing.render_report(printing.report_from(inspection, now=NOW))
    text = text_of(pdf)
    tasks = [r.task for r in inspection.recommendations.order_by("pk")]
    expected = [
        "UBND TỈNH NGHỆ AN",
        "ĐOÀN KIỂM TRA CẢI CÁCH HÀNH CHÍNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nghệ An, ngày 12 tháng 3 năm 2027",
        "BÁO CÁO KẾT QUẢ KIỂM TRA",
        TITLE,
        "Đơn vị kiểm tra: Tỉnh Nghệ An",
        "Thời kỳ kiểm tra: từ 01/01/2026 đến 31/12/2026",
        "Thời gian kiểm tra: từ 01/03/2027 đến 12/03/2027",
        f"Nội dung, phạm vi kiểm tra: {SCOPE}",
        "Trưởng đoàn: tinh.thanhtra",
        "Thành viên: tinh.thanhtra2",
        "Đơn vị được kiểm tra: Huyện Đô Lương; Huyện Tân Kỳ",
        # findings by category, in the order of the categories
        "1. Công tác chỉ đạo, điều hành; sáng kiến, đổi mới (1)",
        "1.1. Huyện Đô Lương: Chưa ban hành kế hoạch CCHC năm 2026.",
        "Căn cứ, chứng cứ: Hồ sơ lưu của Văn phòng HĐND và UBND huyện.",
        "2. Hồ sơ giải quyết trễ hạn (1)",
        "2.1. Huyện Đô Lương: 12 hồ sơ đất đai giải quyết trễ hạn, không có phiếu xin lỗi.",
        "Căn cứ, chứng cứ: Sổ theo dõi hồ sơ quý IV/2026 của Bộ phận Một cửa.",
        "3. Chuyển đổi số (1)",
        "3.1. Huyện Tân Kỳ: Cổng dịch vụ công chưa cập nhật 5 thủ tục mới.",
        "III. KIẾN NGHỊ VÀ VIỆC KHẮC PHỤC",
        "IV. KẾT LUẬN",
        "Đô Lương và Tân Kỳ cơ bản thực hiện tốt; cần khắc phục các tồn tại nêu trên.",
        "TRƯỞNG ĐOÀN KIỂM TRA",
        "Nơi nhận:",
        "- UBND huyện Đô Lương;",
        "- UBND huyện Tân Kỳ;",
        "- Lưu: VT, Đoàn kiểm tra./.",
    ]
    missing = [e for e in expected if e not in text]
    assert missing == []
    # the order of the sections
    positions = [text.index(e) for e in ("I. THÔNG TIN", "II. KẾT QUẢ", "III. KIẾN", "IV. KẾT")]
    assert positions == sorted(positions)
    # each recommendation in the table, with its due time and state (wrapped in its cells)
    table = text.split("III. KIẾN NGHỊ VÀ VIỆC KHẮC PHỤC", 1)[1].split("IV. KẾT LUẬN")[0]
    for words in (
        "Rà soát toàn bộ hồ sơ trễ hạn",
        "Cập nhật đủ thủ tục hành chính",
        "Ban hành kế hoạch CCHC.",
        "Đã kiểm tra: khắc phục có hiệu quả",
        "Đang khắc phục: đã giao, quá hạn",
        "Đang khắc phục: đã hoàn thành, chờ kiểm tra, trước hạn",
        "Trần Đình Long, UBND huyện Đô Lương",
        "tk.chutich, UBND huyện Tân Kỳ",
    ):
        assert words in table, words
    for task in tasks:
        # the due time as words, e.g. "17 giờ 00 phút, ngày 13/04/2027"
        assert time_words(task.due_at).split(", ")[1] in table


def test_an_a4_page_with_the_font_embedded(iw: InspectionWorld) -> None:
    pdf = printing.render_report(printing.report_from(issued(iw), now=NOW))
    for page in reader(pdf).pages:
        assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(297 * MM, abs=0.5)
        resources: Any = page["/Resources"]
        fonts = [f.get_object() for f in resources["/Font"].values()]
        assert {re.sub(r"^/[A-Z]{6}\+", "", str(f["/BaseFont"])) for f in fonts} == {
            "DejaVuSerifBook",
            "DejaVuSerifBold",
        }
        for font in fonts:
            assert "/ToUnicode" in font


def test_a_long_report_flows_over_pages_with_the_table_heading_repeated(
    iw: InspectionWorld,
) -> None:
    inspection = plan(iw)
    for i in range(25):
        find(iw, inspection, description=f"Tồn tại số {i + 1}: " + "thiếu sót " * 30)
    for i in range(30):
        recommend(iw, inspection, text=f"Kiến nghị số {i + 1}: " + "khắc phục " * 12)
    services.inspection_report_issue(actor=iw.head, inspection=inspection, conclusion="Xong")
    inspection.refresh_from_db()
    pdf = printing.render_report(printing.report_from(inspection, now=NOW))
    pages = reader(pdf).pages
    assert len(pages) >= 4
    footers = [FOOTER.search(p.extract_text()) for p in pages]
    assert [m.group(0) if m else None for m in footers] == [
        f"Trang {i}/{len(pages)}" for i in range(1, len(pages) + 1)
    ]
    text = text_of(pdf)
    for i in range(25):
        assert f"Tồn tại số {i + 1}:" in text
    for i in range(30):
        assert f"Kiến nghị số {i + 1}:" in text
    # the table's heading on the page where it starts and on every page it continues on
    with_table = [p.extract_text() for p in pages if "Kiến nghị số" in p.extract_text()]
    assert len(with_table) >= 2
    assert all("Hạn khắc" in p and "Tình trạng" in p for p in with_table)


def test_a_report_not_issued_does_not_print(iw: InspectionWorld) -> None:
    inspection = plan(iw)
    find(iw, inspection)
    with pytest.raises(Conflict) as caught:
        printing.report_from(inspection)
    assert (caught.value.code, caught.value.status) == ("inspection.not_reported", 409)


def test_the_report_is_read_in_a_fixed_number_of_queries(
    iw: InspectionWorld, django_assert_max_num_queries: Any
) -> None:
    inspection = issued(iw, extra=5)
    # seven reads and the calendars of two units
    with django_assert_max_num_queries(7 + 2 * 4):
        report = printing.report_from(inspection, now=NOW)
    assert len(report.recommendations) == 8
