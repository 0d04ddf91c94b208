"""The reports as .xlsx workbooks (openpyxl). Each writer takes what the selector computed
for the page, so the spreadsheet holds exactly the page's figures (UI.md, "Numbers agree"):
counts as numbers, the on-time rate as the API's fraction shown as a percentage, hours as
the API's rounded hours, times in Vietnam's time."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.reports.selectors import (
    DossierStatistics,
    Form06,
    LateAttribution,
    LogEntry,
    Outcome,
    form06_columns,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids them in a cell
TIME_FORMAT = "dd/mm/yyyy hh:mm"


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.EARLY: _("Early"),
        Outcome.ON_TIME: _("On time"),
        Outcome.LATE: _("Late"),
        Outcome.WITHDRAWN: _("Withdrawn"),
        Outcome.STOPPED: _("Stopped"),
        Outcome.IN_TIME: _("In time"),
        Outcome.OVERDUE: _("Overdue"),
    }[outcome]


class _Sheet:
    """A worksheet written row by row, text kept as text (a value starting with "=" is
    not a formula, a code like 1.001193 not a number)."""

    def __init__(self, sheet: Any, title: str) -> None:
        self.sheet = sheet
        sheet.title = title[:31]
        self.row = 0

    def put(self, values: Sequence[Any], *, bold: bool = False) -> int:
        from openpyxl.styles import Alignment, Font

        self.row += 1
        for c, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=c)
            if isinstance(value, datetime):
                cell.value = timezone.localtime(value).replace(tzinfo=None)
                cell.number_format = TIME_FORMAT
            elif isinstance(value, str):
                cell.value = _ILLEGAL.sub("", value)
                cell.data_type = "s"
                cell.number_format = "@"
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.value = value
            if bold:
                cell.font = Font(bold=True)
        return self.row

    def widths(self, widths: Sequence[int]) -> None:
        from openpyxl.utils import get_column_letter

        for i, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width


def _book() -> Any:
    from openpyxl import Workbook

    return Workbook()


def _save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _heading(sheet: _Sheet, lines: Sequence[str]) -> None:
    for i, line in enumerate(lines):
        sheet.put([line], bold=i == 0)
    sheet.put([])


def statistics_rows(stats: DossierStatistics) -> list[tuple[str, str, int | float | None]]:
    """(key, label, value) of every figure of the statistics, in the page's order; the keys
    are the API's (dotted where nested)."""
    return [
        ("received.total", _("Received"), stats.received),
        ("received.carried_over", _("Carried over from the previous period"), stats.carried_over),
        ("received.new", _("Newly received"), stats.new),
        ("received.by_channel.counter", _("of which at the counter"), stats.by_channel["counter"]),
        ("received.by_channel.post", _("of which by post"), stats.by_channel["post"]),
        ("received.by_channel.online", _("of which online"), stats.by_channel["online"]),
        ("resolved.total", _("Resolved"), stats.resolved),
        ("resolved.early", _("Early"), stats.early),
        ("resolved.on_time", _("On time"), stats.on_time),
        ("resolved.late", _("Late"), stats.late),
        ("pending.total", _("Pending"), stats.pending),
        ("pending.in_time", _("In time"), stats.in_time),
        ("pending.overdue", _("Overdue"), stats.overdue),
        ("withdrawn", _("Withdrawn"), stats.withdrawn),
        ("stopped", _("Stopped"), stats.stopped),
        ("on_time_rate", _("On-time rate"), stats.on_time_rate),
    ]


def statistics_xlsx(*, stats: DossierStatistics, heading: Sequence[str]) -> bytes:
    book = _book()
    sheet = _Sheet(book.active, _("Statistics"))
    _heading(sheet, heading)
    sheet.put([_("Figure"), _("Count"), _("Key")], bold=True)
    for key, label, value in statistics_rows(stats):
        r = sheet.put([label, value, key])
        if key == "on_time_rate":
            sheet.sheet.cell(row=r, column=2).number_format = "0.00%"
    sheet.widths([44, 12, 28])
    return _save(book)


def form06_header() -> list[str]:
    return [
        _("No."),
        _("Field"),
        _("Received: total"),
        _("Received online"),
        _("Received in person or by post"),
        _("Carried over"),
        _("Resolved: total"),
        _("Resolved early"),
        _("Resolved on time"),
        _("Resolved late"),
        _("Pending: total"),
        _("Pending in time"),
        _("Pending overdue"),
    ]


def form06_xlsx(*, report: Form06, heading: Sequence[str]) -> bytes:
    book = _book()
    sheet = _Sheet(book.active, _("Form 06"))
    _heading(sheet, heading)
    sheet.put(form06_header(), bold=True)
    for i, level in enumerate(report.levels, start=1):
        sheet.put([roman_numeral(i), level.name, *form06_columns(level.stats)], bold=True)
        for line in level.lines:
            sheet.put([line.number, line.sector_name, *form06_columns(line.stats)])
    sheet.put(["", _("Total"), *form06_columns(report.total)], bold=True)
    sheet.put([])
    sheet.put([_("Withdrawn"), report.total.withdrawn])
    sheet.put([_("Stopped"), report.total.stopped])
    sheet.widths([6, 36, *([12] * 11)])
    return _save(book)


def roman_numeral(n: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def tracking_log_header() -> list[str]:
    return [
        _("No."),
        _("Dossier code"),
        _("Procedure"),
        _("Applicant"),
        _("Address"),
        _("Received at"),
        _("Appointment"),
        _("Handed over to the handling agency"),
        _("Signature"),
        _("Result received"),
        _("Signature"),
        _("Returned to the applicant"),
        _("Signature"),
        _("Note"),
    ]


def log_note(entry: LogEntry) -> str:
    """The note of a tracking-log row: its outcome, and what explains it."""
    parts = [outcome_label(entry.outcome)]
    if entry.end_reason:
        parts.append(entry.end_reason)
    if entry.appointment_at is not None:
        parts.append(
            _("apology letter, new appointment %(at)s")
            % {"at": timezone.localtime(entry.appointment_at).strftime("%d/%m/%Y %H:%M")}
        )
    if entry.imported:
        parts.append(_("imported"))
    return "; ".join(parts)


def handovers_text(entry: LogEntry) -> str:
    return "\n".join(
        f"{timezone.localtime(h.at).strftime('%d/%m/%Y %H:%M')} {h.agency_name}"
        for h in entry.handovers
    )


def tracking_log_xlsx(*, entries: Sequence[LogEntry], heading: Sequence[str]) -> bytes:
    book = _book()
    sheet = _Sheet(book.active, _("Tracking log"))
    _heading(sheet, heading)
    sheet.put(tracking_log_header(), bold=True)
    for e in entries:
        sheet.put(
            [
                e.number,
                e.code,
                e.procedure_name,
                e.applicant_name,
                e.applicant_address,
                e.received_at,
                e.due_at,
                handovers_text(e),
                "",
                e.finished_at,
                "",
                e.returned_at,
                "",
                log_note(e),
            ]
        )
    sheet.widths([6, 26, 40, 24, 30, 17, 17, 34, 12, 17, 12, 17, 12, 30])
    return _save(book)


def late_attribution_xlsx(*, result: LateAttribution, heading: Sequence[str]) -> bytes:
    book = _book()
    rows = _Sheet(book.active, _("Late steps"))
    _heading(rows, heading)
    rows.put(
        [
            _("Agency"),
            _("Agency name"),
            _("Official"),
            _("Official name"),
            _("Step"),
            _("Late steps"),
            _("Overrun (working hours)"),
        ],
        bold=True,
    )
    for r in result.rows:
        rows.put(
            [
                r.agency,
                r.agency_name,
                r.official or "",
                r.official_name,
                r.step,
                r.late_steps,
                r.overrun_hours,
            ]
        )
    rows.put(["", _("Total"), "", "", "", result.late_steps, result.overrun_hours], bold=True)
    rows.widths([16, 34, 18, 26, 30, 12, 14])
    detail = _Sheet(book.create_sheet(), _("Late dossiers"))
    _heading(detail, heading)
    detail.put(
        [
            _("Dossier code"),
            _("Procedure"),
            _("Due at"),
            _("Finished at"),
            _("Dossier overrun (working hours)"),
            _("Step"),
            _("Agency"),
            _("Official"),
            _("Step due at"),
            _("Step finished at"),
            _("Step overrun (working hours)"),
        ],
        bold=True,
    )
    for d in result.dossiers:
        for s in d.steps:
            detail.put(
                [
                    d.code,
                    d.procedure_name,
                    d.due_at,
                    d.finished_at,
                    d.overrun_hours,
                    s.name,
                    s.agency_code,
                    s.official or "",
                    s.due_at,
                    s.finished_at,
                    s.overrun_hours,
                ]
            )
    detail.widths([26, 40, 17, 17, 14, 30, 16, 18, 17, 17, 14])
    return _save(book)
