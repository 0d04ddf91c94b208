"""The import of a unit's register from a spreadsheet (legaldocs/imports.py): the columns,
a dry run that reports every rejected row with its problems and writes nothing, an import
that writes every row or none, and the command with its exit codes."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from motcua.core.errors import PermissionDenied
from motcua.legaldocs import imports
from motcua.legaldocs.models import LegalDocument
from tests.legaldocs.world import LegalWorld, build, register

HEADER = [
    "number",
    "kind",
    "title",
    "issuing_body",
    "signer",
    "issued_on",
    "effective_on",
    "expires_on",
    "subject",
]
GOOD = [
    [
        "01/2019/NQ-HĐND",
        "resolution",
        "Quy định mức thu phí vệ sinh",
        "HĐND huyện",
        "Nguyễn Văn Hùng",
        "2019-07-10",
        "2019-07-20",
        "",
        "Phí, lệ phí",
    ],
    [
        "15/2020/QĐ-UBND",
        "Quyết định",
        "Quy định đất đai",
        "UBND huyện",
        "",
        "04/05/2020",
        "15/05/2020",
        "31/12/2030",
        "Đất đai",
    ],
    [
        "3/2021/CT-UBND",
        "chi thi",
        "Chỉ thị về cải cách hành chính",
        "",
        "",
        "2021-01-04",
        "2021-01-04",
        "",
        "",
    ],
]


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def lw(world: Any) -> LegalWorld:
    return build(world)


def registered() -> list[tuple[Any, ...]]:
    return list(
        LegalDocument.objects.order_by("number").values_list(
            "unit__code",
            "number",
            "kind",
            "title",
            "issuing_body",
            "signer",
            "issued_on",
            "effective_on",
            "expires_on",
            "subject",
            "search_key",
        )
    )


EXPECTED = [
    (
        "427",
        "01/2019/NQ-HĐND",
        "resolution",
        "Quy định mức thu phí vệ sinh",
        "HĐND huyện",
        "Nguyễn Văn Hùng",
        date(2019, 7, 10),
        date(2019, 7, 20),
        None,
        "Phí, lệ phí",
        "01/2019/nq-hdnd quy dinh muc thu phi ve sinh",
    ),
    (
        "427",
        "15/2020/QĐ-UBND",
        "decision",
        "Quy định đất đai",
        "UBND huyện",
        "",
        date(2020, 5, 4),
        date(2020, 5, 15),
        date(2030, 12, 31),
        "Đất đai",
        "15/2020/qd-ubnd quy dinh dat dai",
    ),
    (
        "427",
        "3/2021/CT-UBND",
        "directive",
        "Chỉ thị về cải cách hành chính",
        "",
        "",
        date(2021, 1, 4),
        date(2021, 1, 4),
        None,
        "",
        "3/2021/ct-ubnd chi thi ve cai cach hanh chinh",
    ),
]


# -- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes])
def test_a_file_is_read_row_by_row_with_the_spreadsheets_row_numbers(maker: Any) -> None:
    rows = imports.read_rows(maker([GOOD[0], ["", "", "", "", "", "", "", "", ""], GOOD[1]]))
    assert [r.number for r in rows] == [2, 4]  # the header is row 1; blank rows are skipped
    assert rows[0].cells["number"] == "01/2019/NQ-HĐND"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty: the first row must name the columns."),
        (
            csv_bytes([], ["number", "title", "kind", "title", "colour"]),
            "The first row must name the columns (number, kind, title, issuing_body, signer, "
            "issued_on, effective_on, expires_on, subject): unknown columns colour; repeated "
            "columns title; missing columns issued_on, effective_on.",
        ),
        (
            b"number,kind\nso\xe1,x\n",
            "The CSV file is not UTF-8 text: save it as \u201cCSV UTF-8\u201d and try again.",
        ),
        (
            b"\xd0\xcf\x11\xe0rest-of-an-old-xls",
            "This is an old Excel .xls file: save it as .xlsx (or CSV UTF-8) and try again.",
        ),
        (b"PK\x03\x04broken", "The file is not a readable .xlsx workbook."),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_in_one_sentence(
    data: bytes, message: str
) -> None:
    with pytest.raises(imports.UnreadableFile) as caught:
        imports.read_rows(data, "register.csv")
    assert caught.value.code == "legal.import_unreadable"
    assert caught.value.message == message
    assert "\n" not in caught.value.message


# -- the import ---------------------------------------------------------------------------


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes])
def test_an_import_registers_every_row_exactly(lw: LegalWorld, maker: Any) -> None:
    rows = imports.read_rows(maker(GOOD))
    report = imports.legal_documents_import(
        unit=lw.w.dl, rows=rows, actor=lw.dl_phaply, dry_run=False
    )
    assert report.as_dict() == {
        "dry_run": False,
        "imported": True,
        "rows": 3,
        "created": 3,
        "rejected": [],
    }
    assert report.summary() == "Imported: 3 documents registered."
    assert registered() == EXPECTED


def test_date_cells_of_a_workbook_are_dates(lw: LegalWorld) -> None:
    row = [
        "9/2022/QĐ",
        "decision",
        "Quyết định",
        "",
        "",
        datetime(2022, 3, 1),  # noqa: DTZ001 - a spreadsheet cell has no time zone
        date(2022, 3, 2),
        "",
        "",
    ]
    rows = imports.read_rows(xlsx_bytes([row]))
    imports.legal_documents_import(unit=lw.w.dl, rows=rows, actor=lw.dl_phaply, dry_run=False)
    assert LegalDocument.objects.values_list("issued_on", "effective_on").get() == (
        date(2022, 3, 1),
        date(2022, 3, 2),
    )


BAD = [
    GOOD[0],
    # row 3: no number, an unknown kind, a date that is no date, effective before signed
    ["", "law", "Không số", "", "", "2020-13-01", "2019-01-01", "", ""],
    # row 4: the number of row 2 again
    ["01/2019/NQ-HĐND", "decision", "Trùng số", "", "", "2020-01-01", "2020-01-02", "", ""],
    # row 5: a number the register has already
    ["12/2020/QĐ-UBND", "decision", "Đã có", "", "", "2020-01-01", "2020-01-02", "", ""],
    # row 6: no title, no dates, expiry before effect
    ["7/2020/QĐ", "other", "", "", "", "", "2020-02-01", "2020-01-01", "x" * 201],
    GOOD[1],
]
BAD_REPORT = [
    {
        "row": 3,
        "number": "",
        "problems": {
            "number": ["Required."],
            "kind": ["resolution, decision, directive, other"],
            "issued_on": ["Not a date (YYYY-MM-DD or DD/MM/YYYY): 2020-13-01"],
        },
        "reason": "number: Required.; kind: resolution, decision, directive, other; "
        "issued_on: Not a date (YYYY-MM-DD or DD/MM/YYYY): 2020-13-01",
    },
    {
        "row": 4,
        "number": "01/2019/NQ-HĐND",
        "problems": {"number": ["01/2019/NQ-HĐND is repeated: already on row 2."]},
        "reason": "number: 01/2019/NQ-HĐND is repeated: already on row 2.",
    },
    {
        "row": 5,
        "number": "12/2020/QĐ-UBND",
        "problems": {
            "number": [
                "The register of Huyện Đô Lương has a document numbered 12/2020/QĐ-UBND already."
            ]
        },
        "reason": "number: The register of Huyện Đô Lương has a document numbered "
        "12/2020/QĐ-UBND already.",
    },
    {
        "row": 6,
        "number": "7/2020/QĐ",
        "problems": {
            "title": ["Required."],
            "issued_on": ["Required."],
            "expires_on": ["A document expires after it takes effect."],
            "subject": ["At most 200 characters."],
        },
        "reason": "title: Required.; issued_on: Required.; "
        "expires_on: A document expires after it takes effect.; subject: At most 200 characters.",
    },
]


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes])
def test_a_dry_run_reports_every_bad_row_with_its_problems_and_writes_nothing(
    lw: LegalWorld, maker: Any
) -> None:
    register(lw)  # 12/2020/QĐ-UBND
    before = registered()
    report = imports.legal_documents_import(
        unit=lw.w.dl, rows=imports.read_rows(maker(BAD)), actor=lw.dl_phaply, dry_run=True
    )
    assert report.as_dict() == {
        "dry_run": True,
        "imported": False,
        "rows": 6,
        "created": 2,
        "rejected": BAD_REPORT,
    }
    assert report.summary() == (
        "Dry run, nothing written: of 6 rows, 2 would be registered and 4 are rejected."
    )
    assert registered() == before


def test_a_clean_dry_run_writes_nothing_either(lw: LegalWorld) -> None:
    report = imports.legal_documents_import(
        unit=lw.w.dl, rows=imports.read_rows(csv_bytes(GOOD)), actor=lw.dl_phaply, dry_run=True
    )
    assert (report.created, report.rejected, report.imported) == (3, [], False)
    assert LegalDocument.objects.count() == 0


def test_an_import_with_one_bad_row_writes_nothing(lw: LegalWorld) -> None:
    register(lw)
    before = registered()
    report = imports.legal_documents_import(
        unit=lw.w.dl, rows=imports.read_rows(csv_bytes(BAD)), actor=lw.dl_phaply, dry_run=False
    )
    assert (report.imported, [r.row for r in report.rejected]) == (False, [3, 4, 5, 6])
    assert report.summary() == (
        "Nothing was imported: 4 of 6 rows rejected (otherwise 2 would be registered)."
    )
    assert registered() == before


def test_only_a_legal_officer_of_the_unit_imports_its_register(lw: LegalWorld) -> None:
    rows = imports.read_rows(csv_bytes(GOOD))
    for who in (lw.tk_phaply, lw.w.dl_chutich, lw.w.nobody):
        with pytest.raises(PermissionDenied):
            imports.legal_documents_import(unit=lw.w.dl, rows=rows, actor=who, dry_run=True)
    assert LegalDocument.objects.count() == 0


# -- the command --------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_legal_documents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args: str) -> tuple[int, str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_legal_documents", *args, stdout=io.StringIO(), stderr=err)
    return caught.value.returncode, str(caught.value), err.getvalue()


def test_the_command_imports_a_file(lw: LegalWorld, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    out, err = run("427", str(path))
    assert out.splitlines() == [
        f"{path}: 3 rows for 427 Huyện Đô Lương, checking and importing…",
        "Imported: 3 documents registered.",
    ]
    assert err == ""
    assert registered() == EXPECTED


def test_the_command_as_a_named_legal_officer(lw: LegalWorld, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(GOOD))
    run("427", str(path), "--as", "dl.phaply")
    assert LegalDocument.objects.count() == 3


def test_the_command_dry_run_writes_nothing(lw: LegalWorld, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(GOOD))
    out, _err = run("427", str(path), "--dry-run")
    assert out.splitlines()[-1] == (
        "Dry run, nothing written: of 3 rows, 3 would be registered and 0 are rejected."
    )
    assert LegalDocument.objects.count() == 0


def test_the_command_exits_1_naming_each_rejected_row(lw: LegalWorld, tmp_path: Path) -> None:
    register(lw)
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(BAD))
    code, message, err = failing("427", str(path))
    assert code == 1
    assert (
        message == "Nothing was imported: 4 of 6 rows rejected (otherwise 2 would be registered)."
    )
    assert err.splitlines() == [f"row {r['row']}: {r['reason']}" for r in BAD_REPORT]
    assert LegalDocument.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999", "{csv}"], "Unknown unit '999'."),
        (["427", "{missing}"], "{missing}: No such file or directory"),
        (
            ["427", "{old}"],
            "{old}: This is an old Excel .xls file: save it as .xlsx (or CSV UTF-8) and try again.",
        ),
        (["427", "{csv}", "--as", "no.one"], "Unknown official 'no.one'."),
        (
            ["427", "{csv}", "--as", "tk.phaply"],
            "The register of Huyện Đô Lương is kept by its legal officers.",
        ),
    ],
)
def test_the_command_exits_2_with_one_line_on_bad_input(
    lw: LegalWorld, tmp_path: Path, args: list[str], message: str
) -> None:
    paths = {
        "csv": tmp_path / "register.csv",
        "missing": tmp_path / "nothing.csv",
        "old": tmp_path / "register.xls",
    }
    paths["csv"].write_bytes(csv_bytes(GOOD))
    paths["old"].write_bytes(b"\xd0\xcf\x11\xe0rest")
    values = {k: str(v) for k, v in paths.items()}
    code, said, _err = failing(*[a.format(**values) for a in args])
    assert (code, said) == (2, message.format(**values))
    assert "\n" not in said
    assert LegalDocument.objects.count() == 0
