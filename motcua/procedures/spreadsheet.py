"""The catalogue spreadsheet: its columns, the encodings of its list columns, and the
readers and writers of .xlsx (openpyxl) and .csv files. No database here: a row is parsed
into a ``CatalogueRow`` of plain values (agencies and levels by code), and a
``CatalogueRow`` is written back as cells; ``imports.py`` resolves the codes and writes.

One row is one procedure with the content of one version. The first row of the file (of
the first worksheet of an .xlsx) is the header; the columns may come in any order, the
optional ones may be left out, and the header names are matched without regard to case.
Row numbers in reports are the spreadsheet's own: the header is row 1.

List columns (``fees``, ``documents``, ``steps``) hold items separated by ``;`` (or a line
break); the parts of an item are separated by ``|`` (``=`` between a fee's name and
amount). A backslash makes the next character literal: ``\\;``, ``\\|``, ``\\=``, ``\\*``
and ``\\\\``. The export escapes those characters (and line breaks) in every name, so what
it writes reads back the same.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.text import is_digits
from motcua.org.models import Role
from motcua.procedures.models import DocumentForm, LimitUnit, OnlineLevel, PauseRule


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("code", True, "national procedure code, e.g. 1.001193 (text)"),
    Column("name", True, "name of the procedure"),
    Column("field", True, "field / sector (lĩnh vực), e.g. Hộ tịch"),
    Column("level", True, "level of authority: a unit level code (province, district, commune)"),
    Column("effective_from", True, "first day of this version: YYYY-MM-DD or DD/MM/YYYY"),
    Column("time_limit_value", True, "legal time limit, a number >= 0 (at most 2 decimals)"),
    Column("time_limit_unit", True, "working_days or working_hours"),
    Column("cutoff_time", False, "HH:MM after which a receipt counts from the next day"),
    Column("pause_rule", False, "pause (default) or restart"),
    Column("online_level", False, "full, partial or none (default)"),
    Column("fees", False, "name=amount in VND; ...  e.g. Lệ phí cấp bản sao=8000"),
    Column("documents", False, "name[*][|form[|count]]; ...  * = mandatory"),
    Column("steps", False, "name|role|agency code|hours; ..."),
    Column("result_document", False, "the document the applicant receives"),
    Column("legal_basis", False, "legal basis (free text)"),
    Column("sample", False, "yes if generated sample data, else no (default)"),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: frozenset[str] = frozenset(c.name for c in COLUMNS if c.required)

# bounds of the model fields, checked here so that a long value is a rejected row, not a
# database error
MAX_LENGTH = {
    "code": 40,
    "name": 500,
    "field": 200,
    "result_document": 500,
    "fee": 300,
    "document": 500,
    "step": 300,
}
MAX_NUMBER = Decimal("99999.99")  # DecimalField(max_digits=7, decimal_places=2)
MAX_COPIES = 1000
MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024  # the API's and the import page's upload limit
ITEM_SEPARATORS = frozenset(";\n\r")
SPECIALS = frozenset("\\;|=*\n\r")

_TRUE = {"yes", "y", "true", "1", "x", "có", "co"}
_FALSE = {"no", "n", "false", "0", "không", "khong", ""}


class UnreadableFile(ValidationFailed):
    """The file as a whole cannot be read as a catalogue (not its rows: the file)."""

    def __init__(self, message: str) -> None:
        super().__init__("procedure.import_unreadable", message)


def check_file_size(size: int | None) -> None:
    """Refuse a file over ``MAX_FILE_BYTES`` before reading it."""
    if size is not None and size > MAX_FILE_BYTES:
        raise UnreadableFile(
            _("The file is larger than %(mb)s MB: split it.") % {"mb": MAX_FILE_BYTES >> 20}
        )


@dataclass(frozen=True)
class SheetRow:
    """The raw cells of one data row: ``number`` is its row number in the spreadsheet."""

    number: int
    cells: dict[str, Any]


@dataclass(frozen=True)
class Sheet:
    fmt: str  # "xlsx" or "csv"
    rows: list[SheetRow]


@dataclass(frozen=True)
class FeeCell:
    name: str
    amount_vnd: int


@dataclass(frozen=True)
class DocumentCell:
    name: str
    mandatory: bool
    form: str = DocumentForm.ANY
    count: int = 1


@dataclass(frozen=True)
class StepCell:
    name: str
    role: str
    agency: str  # an agency code, or ""
    hours: Decimal


@dataclass(frozen=True)
class CatalogueRow:
    """One procedure and the content of one version, as plain values."""

    code: str
    name: str
    field: str
    level: str
    effective_from: date
    time_limit_value: Decimal
    time_limit_unit: str
    cutoff_time: time | None = None
    pause_rule: str = PauseRule.PAUSE
    online_level: str = OnlineLevel.NONE
    fees: tuple[FeeCell, ...] = ()
    documents: tuple[DocumentCell, ...] = ()
    steps: tuple[StepCell, ...] = ()
    result_document: str = ""
    legal_basis: str = ""
    sample: bool = False


# -- escaping -----------------------------------------------------------------------------

Token = tuple[str, bool]  # a character and whether it was escaped


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append((text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def _split(tokens: list[Token], separators: Iterable[str]) -> list[list[Token]]:
    seps = set(separators)
    parts: list[list[Token]] = [[]]
    for ch, escaped in tokens:
        if not escaped and ch in seps:
            parts.append([])
        else:
            parts[-1].append((ch, escaped))
    return parts


def _plain(tokens: list[Token]) -> str:
    return "".join(ch for ch, _escaped in tokens).strip()


def _items(text: str) -> list[list[Token]]:
    """The non-empty items of a list cell, escapes still marked."""
    return [part for part in _split(_tokens(text), ITEM_SEPARATORS) if _plain(part)]


def escape(text: str) -> str:
    """``text`` as a name inside a list column (see the module docstring)."""
    return "".join(f"\\{ch}" if ch in SPECIALS else ch for ch in text)


# -- cell values --------------------------------------------------------------------------


def number_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 15, 1.5, 0.25."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _decimal(raw: str, what: str, problems: list[str]) -> Decimal | None:
    text = raw.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a Vietnamese decimal comma: 1,5
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.append(_("%(what)s is not a number: %(value)s") % {"what": what, "value": raw})
        return None
    if value < 0 or value > MAX_NUMBER:
        problems.append(
            _("%(what)s must be between 0 and %(max)s: %(value)s")
            % {"what": what, "max": number_text(MAX_NUMBER), "value": raw}
        )
        return None
    if value != value.quantize(Decimal("0.01")):
        problems.append(
            _("%(what)s has more than 2 decimals: %(value)s") % {"what": what, "value": raw}
        )
        return None
    return value


def _number_cell(value: Any, what: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, bool):
        problems.append(_("%(what)s is not a number: %(value)s") % {"what": what, "value": value})
        return None
    if isinstance(value, int | float | Decimal):
        return _decimal(str(value), what, problems)
    text = _text(value)
    if not text:
        problems.append(_("%(what)s is missing") % {"what": what})
        return None
    return _decimal(text, what, problems)


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date_cell(value: Any, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        problems.append(_("effective_from is missing"))
        return None
    try:
        match = _DMY.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text)
    except ValueError:
        problems.append(
            _("effective_from is not a date (YYYY-MM-DD or DD/MM/YYYY): %(value)s")
            % {"value": text}
        )
        return None


_HMS = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _time_cell(value: Any, problems: list[str]) -> time | None:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = _text(value)
    if not text:
        return None
    match = _HMS.match(text)
    if match and int(match[1]) < 24 and int(match[2]) < 60 and int(match[3] or 0) < 60:
        return time(int(match[1]), int(match[2]), int(match[3] or 0))
    problems.append(_("cutoff_time is not a time HH:MM: %(value)s") % {"value": text})
    return None


def _choice(value: Any, column: str, allowed: list[str], default: str, problems: list[str]) -> str:
    text = _text(value).lower()
    if not text:
        return default
    if text not in allowed:
        problems.append(
            _("%(column)s must be one of %(allowed)s, not %(value)s")
            % {"column": column, "allowed": ", ".join(allowed), "value": text}
        )
    return text


_LIMIT_UNITS = {
    "working_days": LimitUnit.WORKING_DAYS,
    "ngày làm việc": LimitUnit.WORKING_DAYS,
    "working_hours": LimitUnit.WORKING_HOURS,
    "giờ làm việc": LimitUnit.WORKING_HOURS,
}


# -- list columns -------------------------------------------------------------------------


def _fees(text: str, problems: list[str]) -> tuple[FeeCell, ...]:
    out: list[FeeCell] = []
    for n, item in enumerate(_items(text), start=1):
        parts = _split(item, "=")
        name = _plain(parts[0])
        where = _("fees item %(n)s (%(name)s)") % {"n": n, "name": name or "?"}
        if len(parts) != 2 or not name:
            problems.append(_("%(where)s: write name=amount") % {"where": where})
            continue
        if len(name) > MAX_LENGTH["fee"]:
            problems.append(_("%(where)s: the name is too long") % {"where": where})
        amount = _plain(parts[1])
        digits = re.sub(r"(?<=\d)[., ](?=\d{3}(\D|$))", "", amount)  # 8.000, 8,000, 8 000
        if not is_digits(digits):
            problems.append(
                _("%(where)s: the amount is not a whole number of VND: %(value)s")
                % {"where": where, "value": amount}
            )
            continue
        out.append(FeeCell(name, int(digits)))
    return tuple(out)


def _documents(text: str, problems: list[str]) -> tuple[DocumentCell, ...]:
    out: list[DocumentCell] = []
    for n, item in enumerate(_items(text), start=1):
        parts = _split(item, "|")
        head = list(parts[0])
        while head and not head[-1][1] and head[-1][0].isspace():
            head.pop()
        mandatory = bool(head) and head[-1] == ("*", False)
        name = _plain(head[:-1] if mandatory else head)
        where = _("documents item %(n)s (%(name)s)") % {"n": n, "name": name or "?"}
        if not name or len(parts) > 3:
            problems.append(_("%(where)s: write name[*][|form[|count]]") % {"where": where})
            continue
        if len(name) > MAX_LENGTH["document"]:
            problems.append(_("%(where)s: the name is too long") % {"where": where})
        form = _plain(parts[1]).lower() if len(parts) > 1 else ""
        form = form or DocumentForm.ANY
        if form not in DocumentForm.values:
            problems.append(
                _("%(where)s: the form must be one of %(allowed)s, not %(value)s")
                % {"where": where, "allowed": ", ".join(DocumentForm.values), "value": form}
            )
        count_text = _plain(parts[2]) if len(parts) > 2 else "1"
        count = int(count_text) if is_digits(count_text) else 0
        if not 1 <= count <= MAX_COPIES:
            problems.append(
                _("%(where)s: the number of copies must be a whole number from 1: %(value)s")
                % {"where": where, "value": count_text}
            )
        out.append(DocumentCell(name, mandatory, form, count))
    return tuple(out)


def _steps(text: str, problems: list[str]) -> tuple[StepCell, ...]:
    out: list[StepCell] = []
    for n, item in enumerate(_items(text), start=1):
        parts = [_plain(p) for p in _split(item, "|")]
        where = _("steps item %(n)s (%(name)s)") % {"n": n, "name": parts[0] or "?"}
        if len(parts) != 4 or not parts[0]:
            problems.append(_("%(where)s: write name|role|agency code|hours") % {"where": where})
            continue
        name, role, agency, hours_text = parts
        role = role.lower()
        if len(name) > MAX_LENGTH["step"]:
            problems.append(_("%(where)s: the name is too long") % {"where": where})
        if role and role not in Role.values:
            problems.append(
                _("%(where)s: unknown role %(role)s (one of %(allowed)s)")
                % {"where": where, "role": role, "allowed": ", ".join(Role.values)}
            )
        if not role and not agency:
            problems.append(_("%(where)s: give the role or the agency code") % {"where": where})
        hours = _decimal(hours_text, _("%(where)s: hours") % {"where": where}, problems)
        if hours is not None:
            out.append(StepCell(name, role, agency, hours))
    return tuple(out)


# -- a row --------------------------------------------------------------------------------


def row_code(row: SheetRow) -> str:
    return _text(row.cells.get("code"))


def parse_row(row: SheetRow) -> tuple[CatalogueRow | None, list[str]]:
    """The row's values, or None and every problem found (each a short phrase)."""
    cells = row.cells
    problems: list[str] = []
    texts = {k: _text(cells.get(k)) for k in ("code", "name", "field", "level")}
    for column, value in texts.items():
        if not value:
            problems.append(_("%(column)s is missing") % {"column": column})
        elif len(value) > MAX_LENGTH.get(column, 100):
            problems.append(_("%(column)s is too long") % {"column": column})
    for column in ("result_document",):
        if len(_text(cells.get(column))) > MAX_LENGTH[column]:
            problems.append(_("%(column)s is too long") % {"column": column})
    effective_from = _date_cell(cells.get("effective_from"), problems)
    limit = _number_cell(cells.get("time_limit_value"), "time_limit_value", problems)
    unit_text = _text(cells.get("time_limit_unit")).lower()
    unit = _LIMIT_UNITS.get(unit_text)
    if unit is None:
        problems.append(
            _("time_limit_unit must be working_days or working_hours, not %(value)s")
            % {"value": unit_text or _("empty")}
        )
    cutoff = _time_cell(cells.get("cutoff_time"), problems)
    pause = _choice(cells.get("pause_rule"), "pause_rule", PauseRule.values, "pause", problems)
    online = _choice(
        cells.get("online_level"), "online_level", OnlineLevel.values, "none", problems
    )
    fees = _fees(_text(cells.get("fees")), problems)
    documents = _documents(_text(cells.get("documents")), problems)
    steps = _steps(_text(cells.get("steps")), problems)
    sample_text = _text(cells.get("sample")).lower()
    if sample_text not in _TRUE | _FALSE:
        problems.append(_("sample must be yes or no, not %(value)s") % {"value": sample_text})
    if problems or effective_from is None or limit is None or unit is None:
        return None, problems
    return (
        CatalogueRow(
            code=texts["code"],
            name=texts["name"],
            field=texts["field"],
            level=texts["level"],
            effective_from=effective_from,
            time_limit_value=limit,
            time_limit_unit=unit,
            cutoff_time=cutoff,
            pause_rule=pause,
            online_level=online,
            fees=fees,
            documents=documents,
            steps=steps,
            result_document=_text(cells.get("result_document")),
            legal_basis=_text(cells.get("legal_basis")),
            sample=sample_text in _TRUE,
        ),
        [],
    )


def cells_of(row: CatalogueRow) -> dict[str, Any]:
    """The row as cells (text, except the date and the time limit), in HEADER order."""
    cutoff = row.cutoff_time
    return {
        "code": row.code,
        "name": row.name,
        "field": row.field,
        "level": row.level,
        "effective_from": row.effective_from,
        "time_limit_value": row.time_limit_value,
        "time_limit_unit": row.time_limit_unit,
        "cutoff_time": (cutoff.strftime("%H:%M:%S" if cutoff.second else "%H:%M"))
        if cutoff
        else "",
        "pause_rule": row.pause_rule,
        "online_level": row.online_level,
        "fees": "; ".join(f"{escape(f.name)}={f.amount_vnd}" for f in row.fees),
        "documents": "; ".join(_document_text(d) for d in row.documents),
        "steps": "; ".join(
            f"{escape(s.name)}|{s.role}|{escape(s.agency)}|{number_text(s.hours)}"
            for s in row.steps
        ),
        "result_document": row.result_document,
        "legal_basis": row.legal_basis,
        "sample": "yes" if row.sample else "no",
    }


def _document_text(d: DocumentCell) -> str:
    text = escape(d.name) + ("*" if d.mandatory else "")
    if d.count != 1:
        return f"{text}|{d.form}|{d.count}"
    if d.form != DocumentForm.ANY:
        return f"{text}|{d.form}"
    return text


# -- reading files ------------------------------------------------------------------------

_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def detect_format(data: bytes, filename: str = "") -> str:
    """ "xlsx" for a zip container or a .xlsx name, else "csv"."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if data.startswith(_XLS_MAGIC) or name.endswith(".xls"):
        raise UnreadableFile(
            _("This is an old Excel .xls file: save it as .xlsx (or CSV UTF-8) and try again.")
        )
    return "csv"


def read_catalogue(data: bytes, filename: str = "") -> Sheet:
    """The data rows of a catalogue file (.xlsx or .csv, told by content or name).

    Raises UnreadableFile with one readable sentence when the file is not a spreadsheet,
    not UTF-8, has no header, or its header names unknown or repeated columns.
    """
    fmt = detect_format(data, filename)
    raw = xlsx_rows(data) if fmt == "xlsx" else csv_rows(data)
    header: list[str] | None = None
    rows: list[SheetRow] = []
    for number, values in raw:
        if header is None:
            header = header_names(values, HEADER, REQUIRED)
            continue
        if all(_text(v) == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(
                _("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}
            )
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        rows.append(SheetRow(number, cells))
    if header is None:
        raise UnreadableFile(_("The file is empty: the first row must name the columns."))
    return Sheet(fmt, rows)


def header_names(values: list[Any], columns: Sequence[str], required: Collection[str]) -> list[str]:
    """The first row's column names, lower case; refused (``UnreadableFile``) naming every
    unknown, repeated or missing required column. Shared by the spreadsheet imports."""
    names = [_text(v).lower() for v in values]
    unknown = [n for n in names if n and n not in columns]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    missing = [c for c in columns if c in required and c not in names]
    if unknown or repeated or missing:
        problems = []
        if unknown:
            problems.append(_("unknown columns %(names)s") % {"names": ", ".join(unknown)})
        if repeated:
            problems.append(_("repeated columns %(names)s") % {"names": ", ".join(repeated)})
        if missing:
            problems.append(_("missing columns %(names)s") % {"names": ", ".join(missing)})
        raise UnreadableFile(
            _("The first row must name the columns (%(columns)s): %(problems)s.")
            % {"columns": ", ".join(columns), "problems": "; ".join(problems)}
        )
    return names


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files; none is a server error
        raise UnreadableFile(_("The file is not a readable .xlsx workbook.")) from None
    try:
        if not book.worksheets:
            raise UnreadableFile(_("The workbook has no worksheet."))
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        try:
            for number, values in enumerate(rows, start=1):
                yield number, list(values)
        except Exception:  # a damaged sheet part
            raise UnreadableFile(_("The file is not a readable .xlsx workbook.")) from None
    finally:
        book.close()


def csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")  # with or without the byte-order mark Excel writes
    except UnicodeDecodeError:
        raise UnreadableFile(
            _("The CSV file is not UTF-8 text: save it as “CSV UTF-8” and try again.")
        ) from None
    if "\x00" in text:  # binary, not text (and no database keeps NUL in a text column)
        raise UnreadableFile(_("The file is not a CSV text file: it contains NUL bytes."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, values in enumerate(reader, start=1):
            yield number, list(values)
    except csv.Error as exc:
        raise UnreadableFile(
            _("The CSV file cannot be read at row %(row)s: %(reason)s")
            % {"row": reader.line_num, "reason": str(exc)}
        ) from None


# -- writing files ------------------------------------------------------------------------


def write_csv(rows: Iterable[CatalogueRow]) -> bytes:
    """UTF-8 with a byte-order mark (so that Excel shows Vietnamese), comma-separated."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        cells = cells_of(row)
        cells["effective_from"] = row.effective_from.isoformat()
        cells["time_limit_value"] = number_text(row.time_limit_value)
        writer.writerow([cells[c] for c in HEADER])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids them in a cell


def write_xlsx(rows: Iterable[CatalogueRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = "catalogue"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = {"code": 14, "name": 60, "field": 24, "fees": 40, "documents": 60, "steps": 70}
    for i, column in enumerate(HEADER, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(column, 16)
    for r, row in enumerate(rows, start=2):
        for c, (column, value) in enumerate(cells_of(row).items(), start=1):
            cell = sheet.cell(row=r, column=c, value=_xlsx_value(value))
            if column == "effective_from":
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                # text stays text: a code like 1.001193 must not turn into a number, and a
                # value starting with "=" must not turn into a formula
                cell.data_type = "s"
                cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def write(rows: Iterable[CatalogueRow], fmt: str) -> bytes:
    if fmt == "xlsx":
        return write_xlsx(rows)
    if fmt == "csv":
        return write_csv(rows)
    raise ValueError(fmt)
