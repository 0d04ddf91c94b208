"""The register as a spreadsheet: the import of a unit's documents from an .xlsx or .csv
file, and the year's list of expired documents as an .xlsx workbook.

The first row of the file (of the first worksheet of an .xlsx) names the columns, in any
order and any case: ``number``, ``kind``, ``title``, ``issued_on`` and ``effective_on``
are required, ``issuing_body``, ``signer``, ``expires_on`` and ``subject`` optional. Dates
are ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (or date cells); ``kind`` is a code (``resolution``,
``decision``, ``directive``, ``other``) or its Vietnamese name (Nghị quyết, Quyết định,
Chỉ thị, Khác). Row numbers in reports are the spreadsheet's own: the header is row 1.

Every row is checked with ``services.check_document`` (the rules of the register page and
the API), and also against the other rows of the file and the unit's register: a number
met twice is rejected. A dry run reports every rejected row with its problems and writes
nothing; an import writes every row through ``services.legal_document_create`` in one
transaction, or none when any row is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, PermissionDenied, ValidationFailed
from motcua.core.text import fold
from motcua.legaldocs import services
from motcua.legaldocs.models import DocumentKind, LegalDocument
from motcua.org.models import AdministrativeUnit, Official
from motcua.procedures import spreadsheet as sheets

COLUMNS: tuple[str, ...] = (
    "number",
    "kind",
    "title",
    "issuing_body",
    "signer",
    "issued_on",
    "effective_on",
    "expires_on",
    "subject",
)
REQUIRED: frozenset[str] = frozenset({"number", "kind", "title", "issued_on", "effective_on"})
DATES: tuple[str, ...] = ("issued_on", "effective_on", "expires_on")
MAX_ROWS = 10_000
MAX_FILE_BYTES = sheets.MAX_FILE_BYTES
_CHUNK = 500

# a kind by its Vietnamese name, folded (the code itself is accepted too)
KIND_NAMES = {
    "nghi quyet": DocumentKind.RESOLUTION,
    "quyet dinh": DocumentKind.DECISION,
    "chi thi": DocumentKind.DIRECTIVE,
    "khac": DocumentKind.OTHER,
}


class UnreadableFile(ValidationFailed):
    """The file as a whole cannot be read as a register (not its rows: the file)."""

    def __init__(self, message: str) -> None:
        super().__init__("legal.import_unreadable", message)


@dataclass(frozen=True)
class SheetRow:
    """The raw cells of one data row: ``number`` is its row number in the spreadsheet."""

    number: int
    cells: dict[str, Any]


# -- reading ------------------------------------------------------------------------------


def check_file_size(size: int | None) -> None:
    if size is not None and size > MAX_FILE_BYTES:
        raise UnreadableFile(
            _("The file is larger than %(mb)s MB: split it.") % {"mb": MAX_FILE_BYTES >> 20}
        )


def read_rows(data: bytes, filename: str = "") -> list[SheetRow]:
    """The data rows of a register file (.xlsx or .csv, told by content or name). Raises
    UnreadableFile with one readable sentence when the file is not a spreadsheet, not
    UTF-8, empty, or its header names unknown, repeated or too few columns."""
    check_file_size(len(data))
    try:
        fmt = sheets.detect_format(data, filename)
        raw: Iterator[tuple[int, list[Any]]] = (
            sheets.xlsx_rows(data) if fmt == "xlsx" else sheets.csv_rows(data)
        )
        header: list[str] | None = None
        rows: list[SheetRow] = []
        for number, values in raw:
            if header is None:
                header = sheets.header_names(values, COLUMNS, REQUIRED)
                continue
            if all(_text(v) == "" for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise UnreadableFile(
                    _("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS}
                )
            cells = {name: value for name, value in zip(header, values, strict=False) if name}
            rows.append(SheetRow(number, cells))
    except sheets.UnreadableFile as exc:
        # the catalogue's reader says what is wrong with the file; the code is the register's
        raise UnreadableFile(exc.message) from None
    if header is None:
        raise UnreadableFile(_("The file is empty: the first row must name the columns."))
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date(value: Any, column: str, problems: dict[str, list[str]]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None  # the check names a missing required date
    try:
        match = _DMY.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text)
    except ValueError:
        problems[column] = [_("Not a date (YYYY-MM-DD or DD/MM/YYYY): %(value)s") % {"value": text}]
        return None


def _kind(value: Any) -> str:
    text = _text(value)
    code = text.lower()
    if code in DocumentKind.values:
        return code
    return KIND_NAMES.get(fold(text), text)


def row_data(
    unit: AdministrativeUnit, row: SheetRow
) -> tuple[services.DocumentData, dict[str, list[str]]]:
    """The document a row describes, and the problems of its cells that are not the
    document's (a date that is no date)."""
    cells = row.cells
    problems: dict[str, list[str]] = {}
    dates = {column: _date(cells.get(column), column, problems) for column in DATES}
    data = services.DocumentData(
        unit=unit,
        number=_text(cells.get("number")),
        kind=_kind(cells.get("kind")),
        title=_text(cells.get("title")),
        issuing_body=_text(cells.get("issuing_body")),
        signer=_text(cells.get("signer")),
        issued_on=dates["issued_on"],
        effective_on=dates["effective_on"],
        expires_on=dates["expires_on"],
        subject=_text(cells.get("subject")),
    )
    return data, problems


# -- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    row: int
    number: str
    problems: dict[str, list[str]]

    @property
    def reason(self) -> str:
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.problems.items())

    def line(self) -> str:
        return _("row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did, or for a dry run or a rejected file, what it would do."""

    dry_run: bool
    rows: int = 0
    created: int = 0  # written, or for a dry run or a rejected file, that would be
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        """Whether the rows were written (not a dry run, nothing rejected)."""
        return not self.dry_run and not self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "imported": self.imported,
            "rows": self.rows,
            "created": self.created,
            "rejected": [
                {"row": r.row, "number": r.number, "problems": r.problems, "reason": r.reason}
                for r in self.rejected
            ],
        }

    def summary(self) -> str:
        counts = {"rows": self.rows, "created": self.created, "rejected": len(self.rejected)}
        if self.imported:
            return _("Imported: %(created)s documents registered.") % counts
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing written: of %(rows)s rows, %(created)s would be "
                    "registered and %(rejected)s are rejected."
                )
                % counts
            )
        return (
            _(
                "Nothing was imported: %(rejected)s of %(rows)s rows rejected "
                "(otherwise %(created)s would be registered)."
            )
            % counts
        )


# -- the import ---------------------------------------------------------------------------


def _registered(unit: AdministrativeUnit, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(numbers), _CHUNK):
        found.update(
            LegalDocument.objects.filter(unit=unit, number__in=numbers[i : i + _CHUNK]).values_list(
                "number", flat=True
            )
        )
    return found


Checked = list[tuple[SheetRow, services.DocumentData, dict[str, list[str]]]]


def _check(unit: AdministrativeUnit, rows: Sequence[SheetRow]) -> Checked:
    """Each row with its document and every problem found: the register's rules, a
    number met earlier in the file, a number the register has already."""
    checked: Checked = []
    first_row: dict[str, int] = {}
    for row in rows:
        data, problems = row_data(unit, row)
        found, values = services.check_document(data)
        # a cell that is no date is named as such, not as a missing date
        problems = {**found, **problems}
        number = str(values["number"])
        if number and "number" not in problems:
            if number in first_row:
                problems["number"] = [
                    _("%(number)s is repeated: already on row %(row)s.")
                    % {"number": number, "row": first_row[number]}
                ]
            else:
                first_row[number] = row.number
        checked.append((row, data, problems))
    taken = _registered(unit, list(first_row))
    for row, _data, problems in checked:
        number = _text(row.cells.get("number"))
        if number in taken and "number" not in problems:
            problems["number"] = [
                _("The register of %(unit)s has a document numbered %(number)s already.")
                % {"unit": unit, "number": number}
            ]
    return checked


def _ordered(problems: dict[str, list[str]]) -> dict[str, list[str]]:
    """The problems in the order of the columns (then any other, as found)."""
    rank = {name: i for i, name in enumerate(COLUMNS)}
    return dict(sorted(problems.items(), key=lambda item: rank.get(item[0], len(rank))))


def legal_documents_import(
    *,
    unit: AdministrativeUnit,
    rows: Sequence[SheetRow],
    actor: Official,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row, then register them all in one transaction, or none when any row
    is rejected or ``dry_run`` is set. 403 unless the actor keeps the unit's register."""
    if not services.may_keep_register(official=actor, unit=unit):
        raise PermissionDenied(
            "legal.forbidden",
            _("The register of %(unit)s is kept by its legal officers.") % {"unit": unit},
        )
    report = ImportReport(dry_run=dry_run, rows=len(rows))
    checked = _check(unit, rows)
    write = not dry_run and not any(problems for _row, _data, problems in checked)
    with transaction.atomic():
        for done, (row, data, problems) in enumerate(checked, start=1):
            if write:
                try:
                    # each row in its savepoint, so that a row the service refuses (a
                    # number registered meanwhile) is reported like any other
                    with transaction.atomic():
                        services.legal_document_create(actor=actor, data=data)
                except DomainError as exc:
                    problems.update(exc.fields or {"number": [exc.message]})
            if problems:
                report.rejected.append(
                    Rejection(row.number, _text(row.cells.get("number")), _ordered(problems))
                )
            else:
                report.created += 1
            if progress is not None and (done % _CHUNK == 0 or done == len(checked)):
                progress(done, len(checked))
        if not report.imported:
            transaction.set_rollback(True)
    return report


# -- the year's expired documents as a workbook -------------------------------------------


def expired_xlsx(
    *, unit: AdministrativeUnit, year: int, documents: Sequence[LegalDocument]
) -> bytes:
    """The page's list of the documents that ceased to be in force in ``year``, row for
    row (``selectors.documents_expired_in``)."""
    from motcua.reports.spreadsheet import _book, _heading, _save, _Sheet

    book = _book()
    title = _("Expired in %(year)s") % {"year": year}
    sheet = _Sheet(book.active, title)
    _heading(
        sheet,
        [
            _("Legal documents of %(unit)s that ceased to be in force in %(year)s")
            % {"unit": unit.name, "year": year},
            _("Exported %(at)s") % {"at": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
        ],
    )
    sheet.put(
        [
            _("No."),
            _("Number"),
            _("Kind"),
            _("Title"),
            _("Issuing body"),
            _("Signed on"),
            _("Effective on"),
            _("Expires on"),
            _("Status"),
            _("Status since"),
        ],
        bold=True,
    )
    for i, d in enumerate(documents, start=1):
        r = sheet.put(
            [
                i,
                d.number,
                d.get_kind_display(),
                d.title,
                d.issuing_body,
                d.issued_on,
                d.effective_on,
                d.expires_on,
                d.get_status_display(),
                d.status_since,
            ]
        )
        for column in (6, 7, 8, 10):
            sheet.sheet.cell(row=r, column=column).number_format = "dd/mm/yyyy"
    sheet.widths([6, 22, 20, 60, 30, 12, 12, 12, 18, 12])
    return _save(book)
