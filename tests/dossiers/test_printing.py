"""Forms 01–05 as A5 PDFs: the text read back from the PDF (pypdf), the page size, the
embedded font, the QR code and its link, long content flowing over pages."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from motcua.core.errors import Conflict
from motcua.dossiers import printing, services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.printing import (
    Apology,
    Applicant,
    ControlSheet,
    DocumentLine,
    HandOver,
    Letterhead,
    PrintingUnavailable,
    Receipt,
    Refusal,
    SupplementRequest,
)
from motcua.workcalendar.engine import Timeliness
from tests.dossiers.world import build, receive, vn

MM = 72 / 25.4
CODE = "DL.MC-250305-0001"
HEAD = Letterhead(agency="Bộ phận Một cửa Đô Lương", parent="UBND huyện Đô Lương", place="Đô Lương")
HANG = Applicant(
    name="Nguyễn Thị Hằng",
    address="Xóm 3, xã Đà Sơn, huyện Đô Lương, tỉnh Nghệ An",
    phone="0912345678",
    email="hang@example.vn",
)
PROCEDURE = "Đăng ký biến động đất đai (mẫu)"


@pytest.fixture
def dw(world):
    return build(world)


def act(dossier, actor, action, at, **payload):
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def hang(dw, at):
    return receive(
        dw,
        at,
        applicant=services.ApplicantData(
            full_name="Nguyễn Thị Hằng",
            id_number="040123456789",
            phone="0912345678",
            email="hang@example.vn",
            address="Xóm 3, xã Đông Sơn, huyện Đô Lương",
        ),
    )


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


FOOTER = re.compile(r"Mã hồ sơ \S+ - Trang \d+/\d+")


def text_of(pdf: bytes) -> str:
    """All the text, whitespace (line breaks of wrapped lines too) folded to one space and
    the page footers left out, so that text flowing over a page break reads on."""
    pages = [FOOTER.sub(" ", p.extract_text()) for p in reader(pdf).pages]
    return " ".join(" ".join(pages).split())


def footers(pdf: bytes) -> list[str]:
    return [m.group(0) for p in reader(pdf).pages for m in FOOTER.finditer(p.extract_text())]


def lines_of(pdf: bytes, page: int = 0) -> list[str]:
    return reader(pdf).pages[page].extract_text().splitlines()


def assert_a5_with_embedded_font(pdf: bytes) -> None:
    for page in reader(pdf).pages:
        assert float(page.mediabox.width) == pytest.approx(148 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.5)
        resources: Any = page["/Resources"]  # pypdf's objects are loosely typed
        fonts = [f.get_object() for f in resources["/Font"].values()]
        assert {re.sub(r"^/[A-Z]{6}\+", "", str(f["/BaseFont"])) for f in fonts} == {
            "DejaVuSerifBook",
            "DejaVuSerifBold",
        }
        for font in fonts:
            assert font["/Subtype"] == "/Type0"
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # the TrueType program itself, subset
            assert "/ToUnicode" in font  # so the text can be searched and copied


def assert_text_inside_the_page(pdf: bytes) -> None:
    """No text is drawn outside the printable area (nothing overflows the page)."""
    for page in reader(pdf).pages:
        ys: list[float] = []
        xs: list[float] = []

        def visit(text, cm, tm, font, size, ys=ys, xs=xs):
            if text.strip():
                xs.append(tm[4] * cm[0] + cm[4])
                ys.append(tm[5] * cm[3] + cm[5])

        page.extract_text(visitor_text=visit)
        assert ys
        assert min(ys) >= 5 * MM
        assert max(ys) <= 205 * MM
        assert min(xs) >= 10 * MM
        assert max(xs) <= 140 * MM


def qr_drawn(pdf: bytes, page: int = 0) -> list[list[int]]:
    """The dark modules drawn on the page, as a 0/1 matrix rebuilt from the filled
    rectangles ("x y w h re f", one per horizontal run of dark modules)."""
    runs = [
        tuple(float(v) for v in m.groups())
        for m in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) (-[\d.]+) re f", content(pdf, page))
    ]
    assert runs
    module = abs(runs[0][3])
    left, top = min(r[0] for r in runs), max(r[1] for r in runs)
    size = round((max(r[0] + r[2] for r in runs) - left) / module)
    grid = [[0] * size for _ in range(size)]
    for x, y, w, _h in runs:
        row, col = round((top - y) / module), round((x - left) / module)
        for c in range(col, col + round(w / module)):
            grid[row][c] = 1
    return grid


def links(pdf: bytes, page: int = 0) -> list[str]:
    annots = reader(pdf).pages[page].get("/Annots") or []
    return [a.get_object()["/A"]["/URI"] for a in annots]


RECEIPT = Receipt(
    letterhead=HEAD,
    code=CODE,
    issued_at=vn(2025, 3, 5, 8, 30),
    applicant=HANG,
    procedure=PROCEDURE,
    documents=(DocumentLine("Đơn đăng ký biến động"), DocumentLine("Sơ đồ thửa đất", 2)),
    time_limit="05 ngày làm việc",
    received_at=vn(2025, 3, 5, 8, 30),
    due_at=vn(2025, 3, 12, 17),
    receiver="Phạm Thị Hoa",
    return_place="Bộ phận Một cửa Đô Lương",
)


def content(pdf: bytes, page: int = 0) -> str:
    stream = reader(pdf).pages[page].get_contents()
    assert stream is not None
    return stream.get_data().decode("latin-1")


# -- Vietnamese words ------------------------------------------------------------------------


def test_dates_are_written_the_vietnamese_way_in_vietnam_time():
    assert printing.date_words(vn(2025, 3, 5, 8, 30)) == "ngày 05 tháng 3 năm 2025"
    assert printing.date_words(vn(2025, 1, 15)) == "ngày 15 tháng 01 năm 2025"
    assert printing.date_words(vn(2025, 2, 1)) == "ngày 01 tháng 02 năm 2025"
    assert printing.date_words(vn(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"
    # 2025-03-04 18:00 UTC is already the 5th in Vietnam
    utc = datetime(2025, 3, 4, 18, 0, tzinfo=UTC)
    assert printing.dated_line("Nghệ An", utc) == "Nghệ An, ngày 05 tháng 3 năm 2025"
    assert printing.time_words(datetime(2025, 3, 5, 1, 30, tzinfo=UTC)) == (
        "08 giờ 30 phút, ngày 05/03/2025"
    )


def test_place_names_and_time_limits():
    assert printing.place_name("Huyện Đô Lương") == "Đô Lương"
    assert printing.place_name("Tỉnh Nghệ An") == "Nghệ An"
    assert printing.place_name("Thành phố Vinh") == "Vinh"
    assert printing.place_name("Xã Đông Sơn") == "Đông Sơn"
    assert printing.place_name("Phường 12") == "Phường 12"
    assert printing.time_limit_words(Decimal(5), "working_days") == "05 ngày làm việc"
    assert printing.time_limit_words(Decimal("12.00"), "working_days") == "12 ngày làm việc"
    assert printing.time_limit_words(Decimal("1.50"), "working_days") == "1,5 ngày làm việc"
    assert printing.time_limit_words(Decimal(4), "working_hours") == "4 giờ làm việc"


def test_the_lookup_address_comes_from_the_public_url_setting(settings):
    settings.PUBLIC_URL = "https://motcua.nghean.gov.vn/"
    assert printing.lookup_url("DL.MC-250305-0001") == (
        "https://motcua.nghean.gov.vn/portal/lookup/?code=DL.MC-250305-0001"
    )
    assert printing.lookup_url("A B&c") == (
        "https://motcua.nghean.gov.vn/portal/lookup/?code=A%20B%26c"
    )


# -- the forms from plain data (nothing stored) ------------------------------------------------


def test_form_01_from_plain_data_is_an_a5_page_with_the_national_header():
    pdf = printing.render_receipt(RECEIPT)
    assert len(reader(pdf).pages) == 1
    assert_a5_with_embedded_font(pdf)
    assert_text_inside_the_page(pdf)
    lines = lines_of(pdf)
    assert lines[:7] == [
        "UBND HUYỆN ĐÔ LƯƠNG",
        "BỘ PHẬN MỘT CỬA ĐÔ",
        "LƯƠNG",
        "Số: ......../........",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đô Lương, ngày 05 tháng 3 năm 2025",
    ]
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in lines
    assert f"Mã hồ sơ: {CODE}" in lines
    text = text_of(pdf)
    for expected in [
        "Bộ phận tiếp nhận và trả kết quả: Bộ phận Một cửa Đô Lương",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hằng",
        "Địa chỉ: Xóm 3, xã Đà Sơn, huyện Đô Lương, tỉnh Nghệ An",
        "Số điện thoại: 0912345678 Email: hang@example.vn",
        "Nội dung yêu cầu giải quyết: Đăng ký biến động đất đai (mẫu)",
        "1. Thành phần hồ sơ nộp gồm: 1. Đơn đăng ký biến động (01 bản) 2. Sơ đồ thửa đất (02 bản)",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 05 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 05/03/2025",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 12/03/2025",
        "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa Đô Lương",
        "NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Hằng "
        "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Phạm Thị Hoa",
    ]:
        assert expected in text
    assert footers(pdf) == [f"Mã hồ sơ {CODE} - Trang 1/1"]


def test_the_qr_code_is_the_segno_matrix_of_the_lookup_url_and_a_link_to_it(settings):
    settings.PUBLIC_URL = "https://motcua.example.vn"
    url = f"https://motcua.example.vn/portal/lookup/?code={CODE}"
    pdf = printing.render_receipt(RECEIPT)
    want = [list(row) for row in segno.make(url, error="m", micro=False).matrix]
    assert qr_drawn(pdf) == want
    assert links(pdf) == [url]
    assert f"vào {url}" in text_of(pdf)


def test_form_02_at_the_counter_lists_every_item_and_has_no_qr_without_a_code():
    form = SupplementRequest(
        letterhead=HEAD,
        issued_at=vn(2025, 3, 5, 9, 5),
        applicant=HANG,
        procedure=PROCEDURE,
        items=("Bản sao sổ hộ khẩu", "Giấy ủy quyền có công chứng", "Trích lục bản đồ địa chính"),
        officer="Phạm Thị Hoa",
        officer_phone="0238 3871 234",
    )
    pdf = printing.render_supplement_request(form)
    assert_a5_with_embedded_font(pdf)
    text = text_of(pdf)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Đô Lương, ngày 05 tháng 3 năm 2025" in text
    assert "Hồ sơ của: Nguyễn Thị Hằng" in text
    assert (
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau: 1. Bản sao sổ hộ khẩu "
        "2. Giấy ủy quyền có công chứng 3. Trích lục bản đồ địa chính"
    ) in text
    assert "liên hệ với Phạm Thị Hoa, số điện thoại 0238 3871 234 để được hướng dẫn." in text
    assert "NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Phạm Thị Hoa" in text
    assert "Mã hồ sơ" not in text
    assert links(pdf) == []
    assert " re f" not in content(pdf)


def test_form_03_at_the_counter_gives_every_reason():
    form = Refusal(
        letterhead=HEAD,
        issued_at=vn(2025, 3, 5, 9, 5),
        applicant=HANG,
        procedure=PROCEDURE,
        reasons=(
            "Thủ tục không thuộc thẩm quyền giải quyết của UBND huyện Đô Lương.",
            "Đề nghị liên hệ Sở Tài nguyên và Môi trường tỉnh Nghệ An.",
        ),
        officer="Phạm Thị Hoa",
    )
    pdf = printing.render_refusal(form)
    text = text_of(pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert (
        "không đủ điều kiện tiếp nhận giải quyết với lý do sau: "
        "1. Thủ tục không thuộc thẩm quyền giải quyết của UBND huyện Đô Lương. "
        "2. Đề nghị liên hệ Sở Tài nguyên và Môi trường tỉnh Nghệ An."
    ) in text
    assert "NGƯỜI TIẾP NHẬN (Ký và ghi rõ họ tên) Phạm Thị Hoa" in text


def test_form_04_with_a_2000_character_reason_flows_to_a_second_page():
    reason = (
        "Cần lấy ý kiến thẩm định của Sở Tài nguyên và Môi trường về ranh giới thửa đất. " * 30
    )[:2000].strip()
    form = Apology(
        letterhead=HEAD,
        code=CODE,
        issued_at=vn(2025, 3, 11, 14),
        applicant=HANG,
        procedure=PROCEDURE,
        received_at=vn(2025, 3, 5, 8, 30),
        due_at=vn(2025, 3, 12, 17),
        new_due_at=vn(2025, 3, 19, 17),
        reason=reason,
        signer="Trần Đình Long",
    )
    pdf = printing.render_apology(form)
    assert len(reader(pdf).pages) == 2
    assert_a5_with_embedded_font(pdf)
    assert_text_inside_the_page(pdf)
    text = text_of(pdf)
    assert f"Lý do: {reason}" in text
    assert "hẹn trả kết quả giải quyết hồ sơ vào: 17 giờ 00 phút, ngày 19/03/2025" in text
    assert "THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu)" in text
    assert text.endswith("Trần Đình Long")
    assert footers(pdf) == [f"Mã hồ sơ {CODE} - Trang 1/2", f"Mã hồ sơ {CODE} - Trang 2/2"]


def test_form_01_with_30_documents_flows_to_a_second_page_in_order():
    documents = tuple(DocumentLine(f"Giấy tờ số {i}: bản sao chứng thực", 1) for i in range(1, 31))
    pdf = printing.render_receipt(replace(RECEIPT, documents=documents))
    pages = reader(pdf).pages
    assert len(pages) == 2
    assert_text_inside_the_page(pdf)
    text = text_of(pdf)
    listed = " ".join(f"{i}. Giấy tờ số {i}: bản sao chứng thực (01 bản)" for i in range(1, 31))
    assert listed in text
    assert "Phạm Thị Hoa" in pages[1].extract_text()  # the signatures end the form


def test_a_word_longer_than_the_line_is_cut_not_overflowing():
    pdf = printing.render_refusal(
        Refusal(HEAD, vn(2025, 3, 5), HANG, PROCEDURE, ("x" * 600,), "Phạm Thị Hoa")
    )
    assert_text_inside_the_page(pdf)
    assert "x" * 60 in text_of(pdf).replace(" ", "")


def test_form_05_with_many_hand_overs_repeats_the_table_heading_on_each_page():
    rows = tuple(
        HandOver(
            at=vn(2025, 3, 5 + i // 10, 8 + i % 10),
            from_agency="Phòng Tài nguyên và Môi trường",
            from_person="Ngô Thị Lan",
            to_agency="UBND huyện Đô Lương",
            to_person="Trần Đình Long",
            note=f"Lần giao số {i}" + (" rất dài" * 300 if i == 7 else ""),
            timeliness=Timeliness.LATE if i % 2 else Timeliness.EARLY,
        )
        for i in range(1, 31)
    )
    form = ControlSheet(
        letterhead=HEAD,
        code=CODE,
        issued_at=vn(2025, 3, 5, 8, 30),
        applicant=HANG,
        procedure=PROCEDURE,
        received_at=vn(2025, 3, 5, 8, 30),
        due_at=vn(2025, 3, 12, 17),
        handovers=rows,
        handling_agencies=("Bộ phận Một cửa Đô Lương", "Phòng Tài nguyên và Môi trường"),
    )
    pdf = printing.render_control_sheet(form)
    pages = reader(pdf).pages
    assert len(pages) >= 3
    assert_a5_with_embedded_font(pdf)
    assert_text_inside_the_page(pdf)
    for page in pages:
        assert "Bên giao" in page.extract_text()
    text = text_of(pdf)
    assert text.count("Quá hạn") == 15
    assert text.count("Trước hạn") == 15
    assert "Lần giao số 30" in text
    # the long note is split between pages, its words all there
    assert text.count("rất") == text.count("dài") == 300


# -- the forms from a stored dossier ---------------------------------------------------------


def test_receipt_from_a_dossier_received_at_the_counter(dw):
    d = hang(dw, vn(2027, 2, 3, 10))
    pdf = printing.render_receipt(printing.receipt_from(d))
    assert_a5_with_embedded_font(pdf)
    lines = lines_of(pdf)
    assert lines[:4] == [
        "UBND HUYỆN ĐÔ LƯƠNG",
        "BỘ PHẬN MỘT CỬA ĐÔ",
        "LƯƠNG",
        "Số: ......../........",
    ]
    assert "Đô Lương, ngày 03 tháng 02 năm 2027" in lines
    assert f"Mã hồ sơ: {d.code}" in lines
    text = text_of(pdf)
    for expected in [
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hằng",
        "Nội dung yêu cầu giải quyết: Đăng ký biến động đất đai (mẫu)",
        "1. Đơn đăng ký biến động (01 bản) 2. Giấy chứng nhận quyền sử dụng đất (01 bản)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 05 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 03/02/2027",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 17/02/2027",
        "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa Đô Lương",
        "(Ký và ghi rõ họ tên) Nguyễn Thị Hằng NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) "
        "Phạm Thị Hoa",
    ]:
        assert expected in text
    assert links(pdf) == [f"http://127.0.0.1:8000/portal/lookup/?code={d.code}"]


def test_supplement_request_from_the_event(dw):
    w = dw.w
    d = hang(dw, vn(2027, 3, 1, 9))
    items = ["Bản sao sổ hộ khẩu", "Giấy ủy quyền có công chứng của đồng sở hữu"]
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10, 15), items=items)
    event = d.events.get(action="request_supplement")
    form = printing.supplement_request_from(d, event)
    assert form.items == tuple(items)
    assert form.officer == "Phạm Thị Hoa"
    text = text_of(printing.render_supplement_request(form))
    assert "Đô Lương, ngày 01 tháng 3 năm 2027" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert "sau: 1. Bản sao sổ hộ khẩu 2. Giấy ủy quyền có công chứng của đồng sở hữu Trong" in text
    # on the control sheet: the dossier went back to the applicant, and came back
    d = act(d, w.dl_motcua, "supplement", vn(2027, 3, 2, 10), note="Đã nộp đủ")
    rows = printing.control_sheet_from(d).handovers[1:]
    mc, hoa, hang_ = "Bộ phận Một cửa Đô Lương", "Phạm Thị Hoa", "Nguyễn Thị Hằng"
    assert rows == (
        HandOver(
            vn(2027, 3, 1, 10, 15),
            mc,
            "",
            hoa,
            hang_,
            "Yêu cầu bổ sung, hoàn thiện hồ sơ: Bản sao sổ hộ khẩu; "
            "Giấy ủy quyền có công chứng của đồng sở hữu",
        ),
        HandOver(vn(2027, 3, 2, 10), "", mc, hang_, hoa, "Nộp bổ sung: Đã nộp đủ"),
    )


def test_apology_from_the_event_is_headed_by_the_agency_holding_the_dossier(dw):
    w = dw.w
    d = hang(dw, vn(2027, 2, 3, 10))
    d = act(
        d,
        w.dl_chutich,
        "apologize",
        vn(2027, 2, 15, 9),
        reason="Cần lấy ý kiến của Sở Tài nguyên và Môi trường",
        new_due_at=vn(2027, 2, 24, 17),
    )
    form = printing.apology_from(d, d.events.get(action="apologize"))
    assert form.letterhead == Letterhead(
        agency="Bộ phận Một cửa Đô Lương", parent="UBND huyện Đô Lương", place="Đô Lương"
    )
    pdf = printing.render_apology(form)
    text = text_of(pdf)
    for expected in [
        "Đô Lương, ngày 15 tháng 02 năm 2027",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Nguyễn Thị Hằng",
        "Ngày 03 tháng 02 năm 2027, Bộ phận Một cửa Đô Lương tiếp nhận giải quyết hồ sơ "
        f"đề nghị Đăng ký biến động đất đai (mẫu) của Ông/Bà; mã hồ sơ {d.code}.",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả: 17 giờ 00 phút, ngày 17/02/2027",
        "Lý do: Cần lấy ý kiến của Sở Tài nguyên và Môi trường",
        "vào: 17 giờ 00 phút, ngày 24/02/2027",
        "THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu)",
        "Trần Đình Long",
    ]:
        assert expected in text
    # an apology is not a hand-over: the control sheet leaves it out
    assert [h.note for h in printing.control_sheet_from(d).handovers] == ["Nộp trực tiếp"]


def test_refusal_from_a_refuse_event(dw):
    w = dw.w
    d = hang(dw, vn(2027, 2, 3, 10))
    # the event as the "refuse" action writes it (unsaved: the adapter only reads it)
    event = DossierEvent(
        dossier=d,
        seq=2,
        at=vn(2027, 2, 3, 14, 20),
        actor=w.dl_motcua,
        actor_name="dl.motcua",
        action="refuse",
        data={"reasons": ["Hồ sơ không thuộc thẩm quyền.", "Thiếu chữ ký của người nộp."]},
        to_status=3,
    )
    form = printing.refusal_from(d, event)
    assert form.reasons == ("Hồ sơ không thuộc thẩm quyền.", "Thiếu chữ ký của người nộp.")
    text = text_of(printing.render_refusal(form))
    assert "Đô Lương, ngày 03 tháng 02 năm 2027" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert (
        "lý do sau: 1. Hồ sơ không thuộc thẩm quyền. 2. Thiếu chữ ký của người nộp. "
        "Xin thông báo cho Ông/Bà được biết và thực hiện./."
    ) in text
    assert "NGƯỜI TIẾP NHẬN (Ký và ghi rõ họ tên) Phạm Thị Hoa" in text


def test_control_sheet_from_a_dossier_with_every_kind_of_hand_over(dw):
    w = dw.w
    d = hang(dw, vn(2027, 2, 3, 10))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 2, 3, 11))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 2, 11, 8), assignee="dl.tnmt.cv")
    d = act(
        d, w.dl_tnmt_cv, "forward", vn(2027, 2, 11, 9), agency="TK.UBND", note="Liên thông Tân Kỳ"
    )
    d = act(d, w.root, "complete_step", vn(2027, 2, 12, 9), note="Đã thẩm định")
    d = act(d, w.dl_chutich, "send_back", vn(2027, 2, 12, 10), note="Bổ sung ý kiến")
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 12, 11))
    d = act(d, w.dl_chutich, "finish", vn(2027, 2, 12, 15), result_note="Đã cập nhật biến động")
    d = act(d, w.dl_motcua, "return", vn(2027, 2, 15, 9), method="counter")
    sheet = printing.control_sheet_from(d)
    mc, tnmt, ubnd = (
        "Bộ phận Một cửa Đô Lương",
        "Phòng Tài nguyên và Môi trường",
        "UBND huyện Đô Lương",
    )
    hoa, lan, long = "Phạm Thị Hoa", "Ngô Thị Lan", "Trần Đình Long"
    early, on_time = Timeliness.EARLY, Timeliness.ON_TIME
    assert sheet.handovers == (
        HandOver(vn(2027, 2, 3, 10), "", mc, "Nguyễn Thị Hằng", hoa, "Nộp trực tiếp"),
        HandOver(vn(2027, 2, 3, 11), mc, tnmt, hoa, "", "Hoàn thành bước 1 (Tiếp nhận)", on_time),
        HandOver(
            vn(2027, 2, 11, 8), tnmt, tnmt, "Bùi Văn Sơn", lan, "Phân công xử lý bước 2 (Thẩm định)"
        ),
        HandOver(
            vn(2027, 2, 11, 9),
            tnmt,
            "UBND huyện Tân Kỳ",
            lan,
            "",
            "Chuyển bước 2 (Thẩm định) sang cơ quan khác: Liên thông Tân Kỳ",
        ),
        HandOver(
            vn(2027, 2, 12, 9),
            "UBND huyện Tân Kỳ",
            ubnd,
            "root",
            "",
            "Hoàn thành bước 2 (Thẩm định): Đã thẩm định",
            on_time,
        ),
        HandOver(
            vn(2027, 2, 12, 10),
            ubnd,
            tnmt,
            long,
            "",
            "Trả lại bước 2 (Thẩm định): Bổ sung ý kiến",
            on_time,
        ),
        HandOver(vn(2027, 2, 12, 11), tnmt, ubnd, lan, "", "Hoàn thành bước 2 (Thẩm định)", early),
        HandOver(
            vn(2027, 2, 12, 15),
            ubnd,
            mc,
            long,
            "",
            "Có kết quả giải quyết: Đã cập nhật biến động",
            early,
        ),
        HandOver(vn(2027, 2, 15, 9), mc, "", hoa, "Nguyễn Thị Hằng", "Trả kết quả: Nhận trực tiếp"),
    )
    assert sheet.handling_agencies == (mc, tnmt, ubnd)
    assert sheet.coordinating_agencies == ("UBND huyện Tân Kỳ",)
    pdf = printing.render_control_sheet(sheet)
    assert_a5_with_embedded_font(pdf)
    assert_text_inside_the_page(pdf)
    text = text_of(pdf)
    for expected in [
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ (Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả "
        f"kết quả, mã hồ sơ {d.code})",
        "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 17/02/2027",
        f"Cơ quan (bộ phận) giải quyết hồ sơ: {mc}; {tnmt}; {ubnd}",
        "Cơ quan phối hợp giải quyết hồ sơ: UBND huyện Tân Kỳ",
        f"1 Nguyễn Thị Hằng {mc} {hoa} 10 giờ 00 phút, ngày 03/02/2027 Nộp trực tiếp",
        f"2 {mc} {hoa} {tnmt} 11 giờ 00 phút, ngày 03/02/2027 Đúng hạn Hoàn thành bước 1",
        f"8 {ubnd} {long} {mc} 15 giờ 00 phút, ngày 12/02/2027 Trước hạn Có kết quả",
    ]:
        assert expected in text


def test_the_control_sheet_reads_a_fixed_number_of_queries(dw):
    w = dw.w
    dossiers = []
    for minute in (0, 5):
        d = hang(dw, vn(2027, 2, 3, 10, minute))
        d = act(d, w.dl_motcua, "complete_step", vn(2027, 2, 3, 11))
        d = act(d, dw.tnmt_head, "assign", vn(2027, 2, 11, 8), assignee="dl.tnmt.cv")
        dossiers.append(d)
    short, long = dossiers
    long = act(long, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 12, 9))
    long = act(long, w.dl_chutich, "send_back", vn(2027, 2, 12, 10), note="Bổ sung ý kiến")
    long = act(long, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 12, 11))
    long = act(long, w.dl_chutich, "finish", vn(2027, 2, 12, 15), result_note="Xong")
    long = act(long, w.dl_motcua, "return", vn(2027, 2, 15, 9), method="post")
    counts = []
    for d in (Dossier.objects.get(pk=short.pk), Dossier.objects.get(pk=long.pk)):
        with CaptureQueriesContext(connection) as queries:
            sheet = printing.control_sheet_from(d)
        counts.append(len(queries))
        assert len(sheet.handovers) == (3 if d.pk == short.pk else 8)
    assert counts[0] == counts[1]


# -- what cannot be printed ------------------------------------------------------------------


def test_a_missing_font_is_a_clear_error(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path
    with pytest.raises(PrintingUnavailable) as caught:
        printing.render_receipt(RECEIPT)
    assert caught.value.status == 503
    assert caught.value.code == "printing.font_missing"
    assert str(tmp_path / "DejaVuSerif.ttf") in caught.value.message
    assert "fonts-dejavu-core" in caught.value.message


def test_forms_that_do_not_fit_the_dossier_are_refused(dw):
    w = dw.w
    d = hang(dw, vn(2027, 2, 3, 10))
    receive_event = d.events.get(action="receive")
    for adapter in (
        printing.apology_from,
        printing.supplement_request_from,
        printing.refusal_from,
    ):
        with pytest.raises(Conflict) as caught:
            adapter(d, receive_event)
        assert caught.value.code == "printing.wrong_event"
    other = hang(dw, vn(2027, 2, 3, 11))
    with pytest.raises(Conflict):
        printing.refusal_from(other, receive_event)
    not_received = Dossier(code="X", received_at=None, due_at=None)
    with pytest.raises(Conflict) as caught:
        printing.receipt_from(not_received)
    assert caught.value.code == "printing.not_received"
    assert w
