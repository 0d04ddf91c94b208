"""Printed forms 01–05 of the one-stop shop (Decree 61/2018, annex of Circular
01/2018/TT-VPCP) as A5 PDFs with an embedded Unicode font.

- Form 01 ``Receipt``: Giấy tiếp nhận hồ sơ và hẹn trả kết quả;
- Form 02 ``SupplementRequest``: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ;
- Form 03 ``Refusal``: Phiếu từ chối tiếp nhận giải quyết hồ sơ;
- Form 04 ``Apology``: Phiếu xin lỗi và hẹn lại ngày trả kết quả;
- Form 05 ``ControlSheet``: Phiếu kiểm soát quá trình giải quyết hồ sơ.

Each form is a plain frozen dataclass (so a form can be printed for what is not stored,
e.g. Form 02 or 03 at the counter from what the officer typed) and one ``render_*``
function returning the PDF as ``bytes``. The ``*_from`` adapters build the dataclasses
from the stored dossier and its events, with a fixed number of queries.

A view (or API router) calls them like this::

    from django.http import HttpResponse
    from motcua.dossiers import printing

    pdf = printing.render_receipt(printing.receipt_from(dossier))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{dossier.code}-mau-01.pdf"'},
    )

    # Form 04 for an apology event, Form 02 for a supplement request:
    event = dossier.events.get(seq=seq)  # 404 if absent
    pdf = printing.render_apology(printing.apology_from(dossier, event))

The adapters raise ``Conflict`` (409) for a dossier or event the form does not fit (a
receipt for a dossier never received, Form 04 for an event that is not an apology), and
rendering raises ``PrintingUnavailable`` (503) when the font files are missing: both are
``DomainError`` and are shown as such, never as a traceback.

Settings: ``PDF_FONT_DIR`` (``MOTCUA_PDF_FONT_DIR``, Debian's ``fonts-dejavu-core``
directory by default; DejaVuSerif.ttf and DejaVuSerif-Bold.ttf are used, subset and
embedded) and ``PUBLIC_URL`` (``MOTCUA_PUBLIC_URL``): the QR code of each form encodes
``<PUBLIC_URL>/portal/lookup/?code=<code>`` and the QR area is also a link there.

Language: the text of the forms is Vietnamese and is not translated. These are the legal
forms of the annex, handed to citizens and filed with the dossier; an English rendering
would not be the form. Only the error messages go through gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from motcua.core.errors import Conflict, DomainError
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.selectors import engine_of
from motcua.org.models import Agency, AgencyKind, Official
from motcua.workcalendar.engine import Timeliness, WorkingTime

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf"}
LOOKUP_PATH = "/portal/lookup/"


class PrintingUnavailable(DomainError):
    """The server cannot print (the font files are missing): an installation fault."""

    status = 503


# -- the content of the forms ---------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """Top left of a form: the governing agency (cơ quan chủ quản), the agency, the number,
    names as written (the letterhead prints them in capitals); ``place`` is the locality of
    the date line ("Đô Lương, ngày 05 tháng 3 năm 2025")."""

    agency: str
    place: str
    parent: str = ""
    number: str = ""  # empty: a blank to fill in by hand


@dataclass(frozen=True)
class Applicant:
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class DocumentLine:
    name: str
    copies: int = 1


@dataclass(frozen=True)
class Receipt:
    """Form 01: the receipt with the appointment for the result."""

    letterhead: Letterhead
    code: str
    issued_at: datetime
    applicant: Applicant
    procedure: str
    documents: tuple[DocumentLine, ...]
    time_limit: str  # "05 ngày làm việc"
    received_at: datetime
    due_at: datetime
    receiver: str  # the one-stop officer who received it
    return_place: str = ""
    sets: int = 1


@dataclass(frozen=True)
class SupplementRequest:
    """Form 02: what the applicant must add or complete, every item listed."""

    letterhead: Letterhead
    issued_at: datetime
    applicant: Applicant
    procedure: str
    items: tuple[str, ...]
    officer: str  # who guides the applicant (signs the form)
    code: str = ""  # empty at the counter before the dossier is registered: no QR code
    reason: str = ""
    officer_phone: str = ""


@dataclass(frozen=True)
class Refusal:
    """Form 03: the refusal to receive the dossier, with its reasons."""

    letterhead: Letterhead
    issued_at: datetime
    applicant: Applicant
    procedure: str
    reasons: tuple[str, ...]
    officer: str
    code: str = ""


@dataclass(frozen=True)
class Apology:
    """Form 04: the apology with the reason of the delay and the new appointment."""

    letterhead: Letterhead
    code: str
    issued_at: datetime
    applicant: Applicant
    procedure: str
    received_at: datetime
    due_at: datetime
    new_due_at: datetime
    reason: str
    signer: str
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"


@dataclass(frozen=True)
class HandOver:
    """One hand-over of the dossier: from whom to whom, when, and whether the work handed
    over was done early, on time or late (``None`` where that does not apply)."""

    at: datetime
    from_agency: str
    to_agency: str
    from_person: str = ""
    to_person: str = ""
    note: str = ""
    timeliness: Timeliness | None = None


@dataclass(frozen=True)
class ControlSheet:
    """Form 05: the control sheet, one row per hand-over."""

    letterhead: Letterhead
    code: str
    issued_at: datetime
    applicant: Applicant
    procedure: str
    received_at: datetime
    due_at: datetime
    handovers: tuple[HandOver, ...]
    handling_agencies: tuple[str, ...] = ()
    coordinating_agencies: tuple[str, ...] = ()


# -- Vietnamese dates and words -------------------------------------------------------------


def vn_time(moment: datetime) -> datetime:
    """``moment`` in Vietnam time; a naive moment is taken as Vietnam time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


def date_words(moment: datetime) -> str:
    """The date in words, "ngày 05 tháng 3 năm 2025": days below 10 and the months January
    and February take a leading zero (Decree 30/2020, annex I)."""
    local = vn_time(moment)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"ngày {local.day:02d} tháng {month} năm {local.year}"


def dated_line(place: str, moment: datetime) -> str:
    """The place and date line: "Nghệ An, ngày 05 tháng 3 năm 2025"."""
    return f"{place}, {date_words(moment)}" if place else date_words(moment).capitalize()


def time_words(moment: datetime) -> str:
    """A moment in words: "08 giờ 30 phút, ngày 05/03/2025" (Vietnam time)."""
    local = vn_time(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


TIMELINESS_WORDS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
    Timeliness.IN_TIME: "Trong hạn",
    Timeliness.OVERDUE: "Quá hạn",
}
CHANNEL_WORDS = {
    "counter": "Nộp trực tiếp",
    "post": "Nộp qua dịch vụ bưu chính",
    "online": "Nộp trực tuyến",
}
RETURN_WORDS = {"counter": "Nhận trực tiếp", "post": "Nhận qua bưu chính", "online": "Trực tuyến"}

_UNIT_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)


def place_name(unit_name: str) -> str:
    """The locality of the date line (Decree 30/2020): the unit's name without its level,
    "Huyện Đô Lương" → "Đô Lương"; kept whole when what is left is a number ("Phường 12")."""
    name = unit_name.strip()
    for prefix in _UNIT_PREFIXES:
        if name.casefold().startswith(prefix + " "):
            rest = name[len(prefix) + 1 :].strip()
            return name if not rest or rest[0].isdigit() else rest
    return name


def time_limit_words(value: Decimal, unit: str) -> str:
    """A time limit in words: "05 ngày làm việc", "4 giờ làm việc", "1,5 ngày làm việc"."""
    number = value.normalize()
    if number == number.to_integral_value():
        whole = int(number)
        text = f"{whole:02d}" if unit == "working_days" else str(whole)
    else:
        text = format(number, "f").replace(".", ",")
    return f"{text} {'ngày' if unit == 'working_days' else 'giờ'} làm việc"


def lookup_url(code: str) -> str:
    """The citizen's look-up page for ``code`` (the portal serves it)."""
    base = str(settings.PUBLIC_URL).rstrip("/")
    return f"{base}{LOOKUP_PATH}?code={quote(code, safe='')}"


# -- the page -------------------------------------------------------------------------------

PAGE_W, PAGE_H = 148.0, 210.0  # A5, mm
LEFT, RIGHT, TOP, BOTTOM = 12.0, 10.0, 10.0, 12.0
BODY = 10.0  # pt
LINE = 5.0  # mm per body line
QR_SIZE = 24.0  # mm
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
PT = 25.4 / 72  # mm per point


def _font_paths() -> dict[str, Path]:
    folder = Path(str(settings.PDF_FONT_DIR))
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise PrintingUnavailable(
                "printing.font_missing",
                _(
                    "The font %(file)s for printed forms is missing: install the package "
                    "fonts-dejavu-core or set MOTCUA_PDF_FONT_DIR."
                )
                % {"file": str(path)},
            )
    return paths


@dataclass(frozen=True)
class Cell:
    """A cell of a row: its width, text, and how it is set."""

    width: float
    text: str
    bold: bool = False
    align: str = "L"
    size: float | None = None


class FormPDF(FPDF):
    """An A5 portrait page in DejaVu Serif with the helpers the five forms share."""

    def __init__(self, *, title: str, code: str) -> None:
        super().__init__(orientation="P", unit="mm", format=(PAGE_W, PAGE_H))
        self.form_code = code
        paths = _font_paths()
        for style, path in paths.items():
            self.add_font("DejaVuSerif", style, str(path))
        self.set_margins(LEFT, TOP, RIGHT)
        self.c_margin = 0.4  # text inside a cell or a table column starts almost at its edge
        self.set_auto_page_break(auto=True, margin=BOTTOM)
        self.alias_nb_pages("{motcua-nb}")
        self.set_title(f"{title} {code}".strip())
        self.set_creator("motcua")
        self.set_lang("vi")
        self.add_page()
        self.font(BODY)

    # -- text primitives ----------------------------------------------------------------

    def font(self, size: float, *, bold: bool = False) -> None:
        self.set_font("DejaVuSerif", "B" if bold else "", size)

    def footer(self) -> None:
        self.set_y(-BOTTOM + 3)
        self.font(7)
        label = f"Mã hồ sơ {self.form_code} - " if self.form_code else ""
        self.cell(0, 4, f"{label}Trang {self.page_no()}/{{motcua-nb}}", align="R")

    def lines(self, text: str, width: float) -> list[str]:
        """``text`` wrapped to ``width`` in the current font (a word longer than the line is
        cut)."""
        out = self.multi_cell(
            width, LINE, text, dry_run=True, output=MethodReturnValue.LINES, padding=0
        )
        assert isinstance(out, list)  # noqa: S101 - fpdf2 returns LINES as asked
        return [str(line) for line in out] or [""]

    def centered(self, text: str, *, size: float = BODY, bold: bool = False) -> None:
        self.font(size, bold=bold)
        self.set_x(self.l_margin)
        self.multi_cell(self.epw, size * PT * 1.35, text, align="C")

    def labelled(self, label: str, value: str, *, bold_value: bool = True) -> None:
        """A "label: value" paragraph that wraps at the margins, the value in bold."""
        self.set_x(self.l_margin)
        self.font(BODY)
        self.write(LINE, f"{label}: ")
        self.font(BODY, bold=bold_value and bool(value))
        self.write(LINE, value or "." * 40)  # a blank to fill in by hand
        self.ln(LINE)

    def paragraph(self, text: str, *, bold: bool = False, indent: float = 0) -> None:
        self.font(BODY, bold=bold)
        self.row([Cell(indent, ""), Cell(self.epw - indent, text, bold=bold)], gap=0)

    def numbered(self, items: Iterable[str], *, indent: float = 4) -> None:
        """A numbered list with hanging indents, flowing to the next page when long."""
        for i, item in enumerate(items, start=1):
            self.row(
                [
                    Cell(indent, ""),
                    Cell(7, f"{i}."),
                    Cell(self.epw - indent - 7, item),
                ],
                gap=0,
            )

    def row(
        self,
        cells: Sequence[Cell],
        *,
        gap: float = 0,
        border: bool = False,
        line_h: float = LINE,
        pad: float = 0.8,
        keep_together: bool = False,
        on_new_page: Callable[[], None] | None = None,
    ) -> None:
        """A row of wrapped cells side by side, flowing over pages: its lines continue on
        the next page, or, with ``keep_together`` (table rows), the whole row moves to the
        next page when it fits on one."""
        inner = pad if border else 0.0
        wrapped: list[list[str]] = []
        for cell in cells:
            self.font(cell.size or BODY, bold=cell.bold)
            width = max(cell.width - 2 * inner, 1.0)
            wrapped.append(self.lines(cell.text, width) if cell.text else [""])
        fresh = False
        while True:
            need = max(len(w) for w in wrapped)
            room = int((self.page_break_trigger - self.get_y() - 2 * inner) // line_h)
            if fresh:
                room = max(room, 1)  # always progress on a new page
            if need <= room:
                self._draw_row(cells, wrapped, need, line_h, inner, border, gap)
                return
            fits_a_page = need * line_h + 2 * inner <= self.eph
            if room >= 1 and (fresh or not keep_together or not fits_a_page):
                self._draw_row(cells, wrapped, room, line_h, inner, border, gap)
                wrapped = [w[room:] for w in wrapped]
            self.add_page()
            if on_new_page is not None:
                on_new_page()
            fresh = True

    def _draw_row(
        self,
        cells: Sequence[Cell],
        wrapped: Sequence[Sequence[str]],
        count: int,
        line_h: float,
        inner: float,
        border: bool,
        gap: float,
    ) -> None:
        top = self.get_y()
        height = count * line_h + 2 * inner
        x = self.l_margin
        for cell, cell_lines in zip(cells, wrapped, strict=True):
            self.font(cell.size or BODY, bold=cell.bold)
            for i, text in enumerate(cell_lines[:count]):
                if not text:
                    continue
                self.set_xy(x + inner, top + inner + i * line_h)
                self.cell(cell.width - 2 * inner, line_h, text, align=cell.align)
            if border:
                self.rect(x, top, cell.width, height)
            x += cell.width + gap
        self.set_xy(self.l_margin, top + height)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # -- blocks of the forms --------------------------------------------------------------

    def letterhead(self, head: Letterhead, issued_at: datetime) -> None:
        left_w, right_w = 52.0, self.epw - 54.0
        right_x = self.l_margin + self.epw - right_w
        top = self.get_y()
        # top left: governing agency, agency (bold), a short rule, the number
        self.set_xy(self.l_margin, top)
        if head.parent:
            self.font(8.5)
            self.multi_cell(left_w, 4, head.parent.upper(), align="C")
        self.font(8.5, bold=True)
        self.set_x(self.l_margin)
        self.multi_cell(left_w, 4, head.agency.upper(), align="C")
        rule_y = self.get_y() + 0.8
        mid = self.l_margin + left_w / 2
        self.line(mid - 9, rule_y, mid + 9, rule_y)
        self.set_xy(self.l_margin, rule_y + 1.5)
        self.font(8.5)
        self.multi_cell(left_w, 4.5, f"Số: {head.number or '......../........'}", align="C")
        left_end = self.get_y()
        # top right: the national motto, the underlined slogan, the place and date
        size = 9.0
        self.font(size, bold=True)
        while self.get_string_width(MOTTO) > right_w and size > 6:
            size -= 0.25
            self.font(size, bold=True)
        self.set_xy(right_x, top)
        self.cell(right_w, 4, MOTTO, align="C")
        self.set_xy(right_x, top + 4)
        self.font(size + 0.5, bold=True)
        self.cell(right_w, 4.5, MOTTO_2, align="C")
        width = self.get_string_width(MOTTO_2)
        under = top + 9.3
        self.line(right_x + (right_w - width) / 2, under, right_x + (right_w + width) / 2, under)
        date_y = max(rule_y + 1.5, under + 2)
        self.set_xy(right_x, date_y)
        self.font(8.5)
        self.multi_cell(right_w, 4.5, dated_line(head.place, issued_at), align="C")
        self.set_xy(self.l_margin, max(left_end, self.get_y()) + 3)

    def title_and_code(self, title: str, code: str, subtitle: str = "") -> None:
        """The title, and the code as text beside its QR code (a link to the look-up)."""
        self.centered(title, size=11, bold=True)
        if subtitle:
            self.centered(subtitle, size=9)
        if not code:
            self.ln(2)
            return
        self.keep(QR_SIZE + 5)
        top = self.get_y() + 3  # with the page margin, a quiet zone of 4 modules around it
        url = lookup_url(code)
        text_w = self.epw - QR_SIZE - 4
        self.set_xy(self.l_margin, top + 3)
        self.font(BODY)
        self.write(LINE, "Mã hồ sơ: ")
        self.font(BODY + 1, bold=True)
        self.write(LINE, code)
        self.ln(LINE + 1)
        self.font(7.5)
        self.set_x(self.l_margin)
        self.multi_cell(
            text_w,
            3.4,
            f"Tra cứu tình trạng hồ sơ: quét mã QR bên cạnh hoặc vào {url}",
            align="L",
        )
        draw_qr(self, url, self.l_margin + self.epw - QR_SIZE, top, QR_SIZE)
        self.set_xy(self.l_margin, max(self.get_y(), top + QR_SIZE) + 2)

    def signatures(
        self, blocks: Sequence[tuple[str, str, str]], *, recipients: Sequence[str] = ()
    ) -> None:
        """Signature blocks side by side: (title, hint, name); the first of two goes left, a
        single one right, beside the list of recipients ("Nơi nhận") if any."""
        height = 4.5 + 4 + 20 + 5
        self.keep(height + 3)
        self.ln(3)
        top = self.get_y()
        width = self.epw / 2
        if recipients:
            self.font(8, bold=True)
            self.cell(width, 4, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
            self.font(7.5)
            for i, line in enumerate(recipients):
                end = "./." if i == len(recipients) - 1 else ";"
                self.cell(width, 3.5, f"- {line}{end}", new_x="LMARGIN", new_y="NEXT")
        xs = [self.l_margin + self.epw / 2] if len(blocks) == 1 else None
        for i, (title, hint, name) in enumerate(blocks):
            x = xs[0] if xs else self.l_margin + i * width
            self.set_xy(x, top)
            self.font(9, bold=True)
            self.multi_cell(width, 4.5, title, align="C")
            self.set_x(x)
            self.font(8)
            self.multi_cell(width, 4, hint, align="C")
            self.set_xy(x, top + 4.5 + 4 + 20)
            self.font(BODY, bold=True)
            self.multi_cell(width, 5, name, align="C")
        self.set_xy(self.l_margin, top + height)

    def applicant_lines(self, applicant: Applicant, *, label: str) -> None:
        self.labelled(label, applicant.name)
        self.labelled("Địa chỉ", applicant.address, bold_value=False)
        self.set_x(self.l_margin)
        self.font(BODY)
        self.write(LINE, f"Số điện thoại: {applicant.phone or '..............'}")
        self.write(LINE, f"    Email: {applicant.email or '..............'}")
        self.ln(LINE)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """The QR code of ``data`` (error correction M) at (``x``, ``y``), ``size`` mm wide
    without its quiet zone (the caller leaves white space around it): the dark modules as
    filled rectangles, one per horizontal run, and a link to ``data`` over it."""
    qr = segno.make(data, error="m", micro=False, boost_error=False)
    matrix = qr.matrix
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, "F")
            else:
                c += 1
    pdf.link(x, y, size, size, data)


# -- the renderers --------------------------------------------------------------------------

SIGN_HINT = "(Ký và ghi rõ họ tên)"


def render_receipt(form: Receipt) -> bytes:
    """Form 01 as an A5 PDF."""
    pdf = FormPDF(title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", code=form.code)
    pdf.letterhead(form.letterhead, form.issued_at)
    pdf.title_and_code("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", form.code)
    pdf.labelled("Bộ phận tiếp nhận và trả kết quả", form.letterhead.agency)
    pdf.applicant_lines(form.applicant, label="Tiếp nhận hồ sơ của")
    pdf.labelled("Nội dung yêu cầu giải quyết", form.procedure)
    pdf.paragraph("1. Thành phần hồ sơ nộp gồm:")
    pdf.numbered(f"{d.name} ({d.copies:02d} bản)" for d in form.documents)
    pdf.labelled("2. Số lượng hồ sơ", f"{form.sets:02d} (bộ)", bold_value=False)
    pdf.labelled("3. Thời gian giải quyết hồ sơ theo quy định là", form.time_limit)
    pdf.labelled("4. Thời gian nhận hồ sơ", time_words(form.received_at))
    pdf.labelled("5. Thời gian trả kết quả giải quyết hồ sơ", time_words(form.due_at))
    pdf.labelled("6. Đăng ký nhận kết quả tại", form.return_place, bold_value=False)
    pdf.signatures(
        [
            ("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, form.applicant.name),
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, form.receiver),
        ]
    )
    return pdf.output_bytes()


def render_supplement_request(form: SupplementRequest) -> bytes:
    """Form 02 as an A5 PDF."""
    title = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
    pdf = FormPDF(title=title, code=form.code)
    pdf.letterhead(form.letterhead, form.issued_at)
    pdf.title_and_code(title, form.code)
    pdf.applicant_lines(form.applicant, label="Hồ sơ của")
    pdf.labelled("Nội dung yêu cầu giải quyết", form.procedure)
    pdf.paragraph("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:")
    pdf.numbered(form.items)
    if form.reason:
        pdf.labelled("Lý do", form.reason, bold_value=False)
    contact = form.officer + (f", số điện thoại {form.officer_phone}" if form.officer_phone else "")
    pdf.paragraph(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
        f"{contact} để được hướng dẫn."
    )
    pdf.signatures([("NGƯỜI HƯỚNG DẪN", SIGN_HINT, form.officer)])
    return pdf.output_bytes()


def render_refusal(form: Refusal) -> bytes:
    """Form 03 as an A5 PDF."""
    title = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
    pdf = FormPDF(title=title, code=form.code)
    pdf.letterhead(form.letterhead, form.issued_at)
    pdf.title_and_code(title, form.code)
    pdf.labelled("Bộ phận tiếp nhận và trả kết quả", form.letterhead.agency)
    pdf.applicant_lines(form.applicant, label="Tiếp nhận hồ sơ của")
    pdf.labelled("Nội dung yêu cầu giải quyết", form.procedure)
    pdf.paragraph(
        "Sau khi xem xét, đối chiếu với quy định, hồ sơ của Ông/Bà không đủ điều kiện "
        "tiếp nhận giải quyết với lý do sau:"
    )
    pdf.numbered(form.reasons)
    pdf.paragraph("Xin thông báo cho Ông/Bà được biết và thực hiện./.")
    pdf.signatures([("NGƯỜI TIẾP NHẬN", SIGN_HINT, form.officer)])
    return pdf.output_bytes()


def render_apology(form: Apology) -> bytes:
    """Form 04 as an A5 PDF."""
    title = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
    agency = form.letterhead.agency
    pdf = FormPDF(title=title, code=form.code)
    pdf.letterhead(form.letterhead, form.issued_at)
    pdf.title_and_code(title, form.code)
    pdf.labelled("Kính gửi", form.applicant.name)
    pdf.paragraph(
        f"{date_words(form.received_at).capitalize()}, {agency} tiếp nhận giải quyết hồ sơ "
        f"đề nghị {form.procedure} của Ông/Bà; mã hồ sơ {form.code}."
    )
    pdf.labelled(
        "Thời hạn trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        time_words(form.due_at),
    )
    pdf.paragraph(
        f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà "
        "đúng hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
    )
    pdf.labelled("Lý do", form.reason, bold_value=False)
    pdf.paragraph(
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và hẹn "
        "trả kết quả giải quyết hồ sơ vào:"
    )
    pdf.paragraph(time_words(form.new_due_at), bold=True, indent=4)
    pdf.paragraph("Mong nhận được sự thông cảm của Ông/Bà./.")
    pdf.signatures(
        [(form.signer_title, "(Ký, ghi rõ họ tên và đóng dấu)", form.signer)],
        recipients=("Như trên", "Lưu: hồ sơ"),
    )
    return pdf.output_bytes()


CONTROL_COLUMNS = (
    Cell(7, "TT", bold=True, align="C", size=7.5),
    Cell(26, "Bên giao", bold=True, align="C", size=7.5),
    Cell(26, "Bên nhận", bold=True, align="C", size=7.5),
    Cell(22, "Thời gian giao, nhận", bold=True, align="C", size=7.5),
    Cell(19, "Kết quả (trước hạn/ đúng hạn/ quá hạn)", bold=True, align="C", size=7.5),
    Cell(26, "Ghi chú", bold=True, align="C", size=7.5),
)


def render_control_sheet(form: ControlSheet) -> bytes:
    """Form 05 as an A5 PDF: the hand-overs as a table whose rows flow over pages, its
    heading repeated on each page."""
    title = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
    pdf = FormPDF(title=title, code=form.code)
    pdf.letterhead(form.letterhead, form.issued_at)
    pdf.title_and_code(
        title,
        form.code,
        subtitle=f"(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả, mã hồ sơ {form.code})",
    )
    pdf.labelled("Hồ sơ của", form.applicant.name)
    pdf.labelled("Nội dung yêu cầu giải quyết", form.procedure)
    pdf.labelled("Thời gian nhận hồ sơ", time_words(form.received_at))
    pdf.labelled("Thời gian hẹn trả kết quả", time_words(form.due_at))
    pdf.labelled(
        "Cơ quan (bộ phận) giải quyết hồ sơ", "; ".join(form.handling_agencies), bold_value=False
    )
    pdf.labelled(
        "Cơ quan phối hợp giải quyết hồ sơ",
        "; ".join(form.coordinating_agencies),
        bold_value=False,
    )
    pdf.ln(1)
    small = 3.4

    def heading() -> None:
        pdf.row(CONTROL_COLUMNS, border=True, line_h=small, keep_together=True)

    heading()
    for i, h in enumerate(form.handovers, start=1):
        values = (
            str(i),
            "\n".join(t for t in (h.from_agency, h.from_person) if t),
            "\n".join(t for t in (h.to_agency, h.to_person) if t),
            time_words(h.at),
            TIMELINESS_WORDS[h.timeliness] if h.timeliness else "",
            h.note,
        )
        pdf.row(
            [
                Cell(col.width, value, align="C" if j in {0, 4} else "L", size=7.5)
                for j, (col, value) in enumerate(zip(CONTROL_COLUMNS, values, strict=True))
            ],
            border=True,
            line_h=small,
            keep_together=True,
            on_new_page=heading,
        )
    if not form.handovers:
        pdf.row([Cell(pdf.epw, "(Chưa có lần giao, nhận nào)", size=7.5)], border=True)
    return pdf.output_bytes()


# -- from the stored dossier ----------------------------------------------------------------


def _check_event(dossier: Dossier, event: DossierEvent, action: str) -> dict[str, Any]:
    if event.dossier_id != dossier.pk or event.action != action:
        raise Conflict(
            "printing.wrong_event",
            _("Event %(seq)d of dossier %(code)s is not a %(action)s event.")
            % {"seq": event.seq, "code": dossier.code, "action": action},
        )
    return event.data if isinstance(event.data, dict) else {}


def _person(official: Official | None, fallback: str = "") -> str:
    return official.display_name if official is not None else fallback


def _actor(event: DossierEvent) -> str:
    return _person(event.actor, event.actor_name)


def _applicant(dossier: Dossier) -> Applicant:
    return Applicant(
        name=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
    )


def letterhead_of(agency: Agency, *, number: str = "") -> Letterhead:
    """The agency under its parent agency, or else under the People's Committee of its
    unit (a one-stop department or a division of a district sits under the district's
    People's Committee); a People's Committee heads its own forms."""
    parent = agency.parent
    if parent is None and agency.kind != AgencyKind.PEOPLE_COMMITTEE:
        parent = (
            Agency.objects.filter(unit_id=agency.unit_id, kind=AgencyKind.PEOPLE_COMMITTEE)
            .exclude(pk=agency.pk)
            .order_by("pk")
            .first()
        )
    return Letterhead(
        agency=agency.name,
        parent=parent.name if parent is not None else "",
        place=place_name(agency.unit.name),
        number=number,
    )


def _received(dossier: Dossier) -> tuple[datetime, datetime]:
    if dossier.received_at is None or dossier.due_at is None:
        raise Conflict(
            "printing.not_received",
            _("The dossier %(code)s has not been received: it has no receipt or control sheet.")
            % {"code": dossier.code},
        )
    return dossier.received_at, dossier.due_at


def _return_place(dossier: Dossier) -> str:
    method = dossier.return_method or dossier.channel
    if method == "post":
        return "Qua dịch vụ bưu chính công ích, về địa chỉ của người nộp"
    if method == "online":
        return "Trực tuyến, trên Cổng dịch vụ công"
    return dossier.agency.name


def receipt_from(dossier: Dossier, *, number: str = "") -> Receipt:
    """Form 01 of a received dossier, dated at its reception (a reprint is the same form)."""
    received_at, due_at = _received(dossier)
    receive = (
        dossier.events.filter(action="receive").select_related("actor").order_by("seq").first()
    )
    documents = tuple(
        DocumentLine(d.name, d.copies)
        for d in dossier.documents.order_by("pk")
        # results are documents too, since the result may be digitised; not on a receipt
        if getattr(d, "kind", "component") != "result"
    )
    version = dossier.version
    return Receipt(
        letterhead=letterhead_of(dossier.agency, number=number),
        code=dossier.code,
        issued_at=received_at,
        applicant=_applicant(dossier),
        procedure=dossier.procedure.name,
        documents=documents,
        time_limit=time_limit_words(version.time_limit_value, version.time_limit_unit),
        received_at=received_at,
        due_at=due_at,
        receiver=_actor(receive) if receive is not None else "",
        return_place=_return_place(dossier),
    )


def supplement_request_from(dossier: Dossier, event: DossierEvent) -> SupplementRequest:
    """Form 02 of a ``request_supplement`` event: every item asked for, the official who
    asked as the one to contact."""
    data = _check_event(dossier, event, "request_supplement")
    items = data.get("items")
    return SupplementRequest(
        letterhead=letterhead_of(dossier.agency),
        code=dossier.code,
        issued_at=event.at,
        applicant=_applicant(dossier),
        procedure=dossier.procedure.name,
        items=tuple(str(i) for i in items) if isinstance(items, list) else (),
        officer=_actor(event),
        officer_phone=event.actor.phone if event.actor is not None else "",
    )


def refusal_from(dossier: Dossier, event: DossierEvent) -> Refusal:
    """Form 03 of a ``refuse`` event, with its reasons."""
    data = _check_event(dossier, event, "refuse")
    reasons = data.get("reasons")
    if isinstance(reasons, str):
        reasons = [reasons]
    return Refusal(
        letterhead=letterhead_of(dossier.agency),
        code=dossier.code,
        issued_at=event.at,
        applicant=_applicant(dossier),
        procedure=dossier.procedure.name,
        reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
        officer=_actor(event),
    )


def _moment(raw: object, fallback: datetime | None) -> datetime:
    parsed = parse_datetime(raw) if isinstance(raw, str) else None
    moment = parsed or fallback
    if moment is None:
        raise Conflict("printing.incomplete", _("The event lacks a date."))
    return moment


def apology_from(dossier: Dossier, event: DossierEvent) -> Apology:
    """Form 04 of an ``apologize`` event, headed by the agency that held the dossier then
    and signed by the head who issued it."""
    data = _check_event(dossier, event, "apologize")
    received_at, due_at = _received(dossier)
    held = (
        DossierStep.objects.filter(dossier=dossier, started_at__lte=event.at)
        .exclude(finished_at__lte=event.at)
        .select_related("agency__unit", "agency__parent")
        .order_by("-started_at", "-pk")
        .first()
    )
    return Apology(
        letterhead=letterhead_of(held.agency if held is not None else dossier.agency),
        code=dossier.code,
        issued_at=event.at,
        applicant=_applicant(dossier),
        procedure=dossier.procedure.name,
        received_at=received_at,
        due_at=_moment(data.get("due_at"), due_at),
        new_due_at=_moment(data.get("new_due_at"), dossier.appointment_at),
        reason=str(data.get("reason", "")),
        signer=_actor(event),
    )


class _Sheet:
    """What the control sheet's rows look up: agencies by code, officials by user name,
    the step runs of the dossier. Loaded once, whatever the number of events."""

    def __init__(self, dossier: Dossier, events: Sequence[DossierEvent]) -> None:
        self.dossier = dossier
        self.steps = list(
            DossierStep.objects.filter(dossier=dossier)
            .select_related("agency")
            .order_by("started_at", "pk")
        )
        codes: set[str] = set()
        users: set[str] = set()
        for e in events:
            data = e.data if isinstance(e.data, dict) else {}
            codes.update(
                str(data[k]) for k in ("agency", "to_agency", "from_agency") if data.get(k)
            )
            users.update(str(data[k]) for k in ("from", "to") if data.get(k))
        self.agencies = {a.code: a.name for a in Agency.objects.filter(code__in=codes)}
        self.people = {
            o.username: o.display_name for o in Official.objects.filter(username__in=users)
        }
        self._engine: WorkingTime | None = None

    @property
    def engine(self) -> WorkingTime:
        if self._engine is None:
            self._engine = engine_of(self.dossier)
        return self._engine

    def agency(self, code: object) -> str:
        return self.agencies.get(str(code), str(code)) if code else ""

    def person(self, username: object) -> str:
        return self.people.get(str(username), str(username)) if username else ""

    def closed_at(self, index: object, at: datetime) -> DossierStep | None:
        """The run of step ``index`` (of any step if None) that the event at ``at`` closed."""
        return next(
            (s for s in self.steps if s.finished_at == at and (index is None or s.index == index)),
            None,
        )

    def held_at(self, at: datetime) -> DossierStep | None:
        """The step run open at ``at``."""
        held = [
            s
            for s in self.steps
            if s.started_at <= at and (s.finished_at is None or s.finished_at > at)
        ]
        return held[-1] if held else None

    def name_of(self, index: object) -> str:
        return next((s.name for s in self.steps if s.index == index), "")

    def timing(self, step: DossierStep | None) -> Timeliness | None:
        if step is None or step.finished_at is None:
            return None
        return self.engine.classify(step.due_at, finished_at=step.finished_at)


def _step_label(sheet: _Sheet, index: object) -> str:
    name = sheet.name_of(index)
    return f"bước {index}" + (f" ({name})" if name else "")


def _joined(*parts: str) -> str:
    return ": ".join(p for p in parts if p)


def _handover(  # noqa: PLR0911 - one hand-over per kind of event, read top to bottom
    sheet: _Sheet, e: DossierEvent
) -> HandOver | None:
    d = e.data if isinstance(e.data, dict) else {}
    dossier = sheet.dossier
    home = dossier.agency.name
    applicant = dossier.applicant_name
    actor = _actor(e)
    if e.action == "receive":
        note = CHANNEL_WORDS.get(dossier.channel, "")
        return HandOver(e.at, "", home, applicant, actor, note)
    if e.action == "assign":
        agency = sheet.agency(d.get("agency"))
        before = sheet.person(d.get("from"))
        note = "Chuyển người xử lý" if before else "Phân công xử lý"
        return HandOver(
            e.at,
            agency,
            agency,
            before or actor,
            sheet.person(d.get("to")),
            f"{note} {_step_label(sheet, d.get('step'))}",
        )
    if e.action == "complete_step":
        step = sheet.closed_at(d.get("step"), e.at)
        to = sheet.agency(d.get("to_agency")) or home
        done = f"Hoàn thành {_step_label(sheet, d.get('step'))}"
        return HandOver(
            e.at,
            sheet.agency(d.get("agency")),
            to,
            actor,
            note=_joined(done, str(d.get("note") or "")),
            timeliness=sheet.timing(step),
        )
    if e.action == "send_back":
        step = sheet.closed_at(d.get("step"), e.at)
        return HandOver(
            e.at,
            step.agency.name if step is not None else "",
            sheet.agency(d.get("to_agency")),
            actor,
            note=_joined(f"Trả lại {_step_label(sheet, d.get('to_step'))}", str(d.get("note", ""))),
            timeliness=sheet.timing(step),
        )
    if e.action == "forward":
        return HandOver(
            e.at,
            sheet.agency(d.get("from_agency")),
            sheet.agency(d.get("to_agency")),
            sheet.person(d.get("from")) or actor,
            note=_joined(
                f"Chuyển {_step_label(sheet, d.get('step'))} sang cơ quan khác",
                str(d.get("note") or ""),
            ),
        )
    if e.action == "request_supplement":
        step = sheet.held_at(e.at)
        items = d.get("items")
        listed = "; ".join(str(i) for i in items) if isinstance(items, list) else ""
        return HandOver(
            e.at,
            step.agency.name if step is not None else home,
            "",
            actor,
            applicant,
            _joined("Yêu cầu bổ sung, hoàn thiện hồ sơ", listed),
        )
    if e.action == "supplement":
        return HandOver(
            e.at, "", home, applicant, actor, _joined("Nộp bổ sung", str(d.get("note") or ""))
        )
    if e.action == "finish":
        step = sheet.closed_at(None, e.at)
        assert dossier.due_at is not None  # noqa: S101 - finished dossiers were received
        return HandOver(
            e.at,
            step.agency.name if step is not None else home,
            home,
            actor,
            note=_joined("Có kết quả giải quyết", str(d.get("result_note") or "")),
            timeliness=sheet.engine.classify(dossier.due_at, finished_at=e.at),
        )
    if e.action == "return":
        method = str(d.get("method") or "")
        return HandOver(
            e.at, home, "", actor, applicant, f"Trả kết quả: {RETURN_WORDS.get(method, method)}"
        )
    return None  # not a hand-over (an apology, a payment) or an action not known here


def control_sheet_from(dossier: Dossier, *, issued_at: datetime | None = None) -> ControlSheet:
    """Form 05: a row per hand-over recorded in the dossier's events (reception, assignment,
    step completed, sent back, forwarded, supplement asked and given, result, return);
    other events are not hand-overs and are left out. Five queries plus the calendar's,
    whatever the number of events."""
    received_at, due_at = _received(dossier)
    events = list(dossier.events.select_related("actor").order_by("seq"))
    sheet = _Sheet(dossier, events)
    rows = tuple(h for h in (_handover(sheet, e) for e in events) if h is not None)
    own_unit: list[str] = []
    others: list[str] = []
    for step in sheet.steps:
        names = own_unit if step.agency.unit_id == dossier.agency.unit_id else others
        if step.agency.name not in names:
            names.append(step.agency.name)
    return ControlSheet(
        letterhead=letterhead_of(dossier.agency),
        code=dossier.code,
        issued_at=issued_at or received_at,
        applicant=_applicant(dossier),
        procedure=dossier.procedure.name,
        received_at=received_at,
        due_at=due_at,
        handovers=rows,
        handling_agencies=tuple(own_unit),
        coordinating_agencies=tuple(others),
    )
