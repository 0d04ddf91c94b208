"""The catalogue spreadsheet: import with a dry run, all-or-nothing, one line per rejected
row; export of the version in force; and the round trip export → import."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from motcua.api.routers.procedures import procedure_out, version_out
from motcua.org.models import Role, UnitLevel
from motcua.procedures import imports, selectors, services, spreadsheet
from motcua.procedures.imports import ImportReport, Rejection
from motcua.procedures.models import (
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
)
from motcua.procedures.services import DocumentData, FeeData, StepData, VersionData
from motcua.procedures.spreadsheet import HEADER, UnreadableFile
from tests.procedures.sheets import BAN_SAO, KHAI_SINH, csv_bytes, row, xlsx_bytes


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def run(data: bytes, name: str = "catalogue.csv", *, dry_run: bool = False) -> ImportReport:
    sheet = spreadsheet.read_catalogue(data, name)
    return imports.catalogue_import(rows_source=sheet.rows, actor=None, dry_run=dry_run)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Procedure, ProcedureVersion, Fee, RequiredDocument, ProcessStep, Sector)
    )


NOTHING = (0, 0, 0, 0, 0, 0)


def content(code: str, at: date | None = None) -> dict[str, Any]:
    """A procedure with the content of its version in force, without what an import cannot
    carry (the version's number, end and use)."""
    procedure = selectors.procedure_get(code=code)
    version = selectors.version_in_force(procedure=procedure, at=at or timezone.localdate())
    out = procedure_out(procedure)
    del out["versions"]
    body = version_out(version)
    for key in ("number", "effective_to", "in_use"):
        del body[key]
    return {**out, "version": body}


# -- a good file ------------------------------------------------------------------------


def test_a_good_csv_file_creates_each_procedure_with_its_whole_version(world):
    report = run(csv_bytes([KHAI_SINH, BAN_SAO]))
    assert report.as_dict() == {
        "created": 2,
        "new_versions": 0,
        "unchanged": 0,
        "rejected": [],
        "dry_run": False,
    }
    assert report.imported
    got = content("1.001193")
    assert got == {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "commune",
        "sample": False,
        "version": {
            "effective_from": date(2025, 1, 1),
            "time_limit": {"value": Decimal(1), "unit": "working_days"},
            "cutoff_time": "15:00",
            "pause_rule": "pause",
            "online_level": "full",
            "result_document": "Giấy khai sinh",
            "legal_basis": "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
            "fees": [
                {"name": "Lệ phí đăng ký khai sinh", "amount_vnd": 0},
                {"name": "Phí cấp bản sao", "amount_vnd": 8000},
            ],
            "documents": [
                {
                    "name": "Tờ khai đăng ký khai sinh",
                    "mandatory": True,
                    "form": "original",
                    "count": 1,
                },
                {"name": "Giấy chứng sinh", "mandatory": True, "form": "original", "count": 1},
                {
                    "name": "Văn bản ủy quyền",
                    "mandatory": False,
                    "form": "certified_copy",
                    "count": 2,
                },
            ],
            "steps": [
                {
                    "index": 1,
                    "name": "Tiếp nhận",
                    "agency": None,
                    "agency_name": None,
                    "unit": None,
                    "role": "one_stop_officer",
                    "hours": Decimal(2),
                },
                {
                    "index": 2,
                    "name": "Thẩm định",
                    "agency": "DL.DS.UBND",
                    "agency_name": "UBND xã Đông Sơn",
                    "unit": "42701",
                    "role": "handling_official",
                    "hours": Decimal(4),
                },
                {
                    "index": 3,
                    "name": "Ký",
                    "agency": None,
                    "agency_name": None,
                    "unit": None,
                    "role": "chairman",
                    "hours": Decimal(2),
                },
            ],
        },
    }
    other = content("2.000815")
    assert other["level"] == "district"
    assert other["version"]["time_limit"] == {"value": Decimal(8), "unit": "working_hours"}
    assert other["version"]["cutoff_time"] is None
    assert other["version"]["online_level"] == "none"
    assert [d["mandatory"] for d in other["version"]["documents"]] == [True]
    assert [s["agency"] for s in other["version"]["steps"]] == ["DL.MC", "DL.TNMT"]


def test_a_good_xlsx_file_typed_by_hand_imports_the_same_content_as_the_csv(world):
    report = run(xlsx_bytes([KHAI_SINH, BAN_SAO]), "danh-muc.xlsx")
    assert (report.created, report.rejected) == (2, [])
    from_xlsx = [content("1.001193"), content("2.000815")]
    Procedure.objects.all().delete()
    assert run(csv_bytes([KHAI_SINH, BAN_SAO])).created == 2
    assert [content("1.001193"), content("2.000815")] == from_xlsx


def test_an_xlsx_file_is_recognised_by_its_content_whatever_its_name(world):
    assert run(xlsx_bytes([KHAI_SINH]), "upload").created == 1


def test_a_csv_file_with_a_byte_order_mark_and_windows_line_ends_reads_the_same(world):
    data = csv_bytes([KHAI_SINH, BAN_SAO], bom=True).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert data.startswith(b"\xef\xbb\xbf")
    report = run(data)
    assert (report.created, report.rejected) == (2, [])
    assert selectors.procedure_get(code="1.001193").name == "Thủ tục đăng ký khai sinh"


def test_columns_may_come_in_any_order_in_any_case_and_optional_ones_may_be_left_out(world):
    header = [
        "Time_Limit_Unit",
        "CODE",
        "name",
        "field",
        "level",
        "effective_from",
        "time_limit_value",
    ]
    data = csv_bytes([{**BAN_SAO, "Time_Limit_Unit": "working_days", "CODE": "9.9"}], header=header)
    report = run(data)
    assert (report.created, report.rejected) == (1, [])
    got = content("9.9", date(2025, 1, 1))["version"]
    assert (got["fees"], got["documents"], got["steps"]) == ([], [], [])
    assert (got["pause_rule"], got["online_level"]) == ("pause", "none")


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(world):
    data = csv_bytes([KHAI_SINH, {}, row(BAN_SAO, level="galaxy")])
    report = run(data)
    assert [r.row for r in report.rejected] == [4]


def test_vietnamese_spellings_of_numbers_units_and_dates_are_understood(world):
    report = run(
        csv_bytes(
            [
                row(
                    BAN_SAO,
                    effective_from="01/07/2024",
                    time_limit_value="1,5",
                    time_limit_unit="Ngày làm việc",
                    fees="Lệ phí=1 200 000",
                    steps="Cấp bản sao||DL.TNMT|2,5",
                    sample="có",
                )
            ]
        )
    )
    assert report.rejected == []
    got = content("2.000815", date(2025, 1, 1))
    assert got["sample"] is True
    assert got["version"]["effective_from"] == date(2024, 7, 1)
    assert got["version"]["time_limit"] == {"value": Decimal("1.5"), "unit": "working_days"}
    assert got["version"]["fees"] == [{"name": "Lệ phí", "amount_vnd": 1_200_000}]
    assert got["version"]["steps"][0]["hours"] == Decimal("2.5")


# -- bad rows: each rejected with one line, and then nothing is imported --------------------


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"code": ""}, "code is missing"),
        ({"code": "2.000815"}, "duplicate code 2.000815, already on row 2"),
        ({"level": "galaxy"}, "unknown level galaxy (one of province, district, commune)"),
        (
            {"steps": "Tiếp nhận|one_stop_officer||4; Thẩm định||DL.DS.UBND|8"},
            "steps: The steps take 12 working hours, more than the limit of 8.",
        ),
        ({"time_limit_value": "ba ngày"}, "time_limit_value is not a number: ba ngày"),
        (
            {"steps": "Thẩm định||NOPE.X|2"},
            "steps item 1 (Thẩm định): unknown agency NOPE.X",
        ),
        (
            {"steps": "Thẩm định|boss||2"},
            "steps item 1 (Thẩm định): unknown role boss (one of " + ", ".join(Role.values) + ")",
        ),
        (
            {"effective_from": "31/02/2025"},
            "effective_from is not a date (YYYY-MM-DD or DD/MM/YYYY): 31/02/2025",
        ),
        (
            {"time_limit_unit": "weeks"},
            "time_limit_unit must be working_days or working_hours, not weeks",
        ),
        (
            {"fees": "Lệ phí=tám nghìn"},
            "fees item 1 (Lệ phí): the amount is not a whole number of VND: tám nghìn",
        ),
        (
            {"documents": "Tờ khai*|scan"},
            "documents item 1 (Tờ khai): the form must be one of original, copy, "
            "certified_copy, any, not scan",
        ),
        (
            {"steps": "Thẩm định|handling_official|2"},
            "steps item 1 (Thẩm định): write name|role|agency code|hours",
        ),
    ],
    ids=[
        "missing-code",
        "duplicate-code",
        "unknown-level",
        "hours-over-limit",
        "non-numeric-limit",
        "unknown-agency",
        "bad-role",
        "bad-date",
        "bad-unit",
        "bad-amount",
        "bad-form",
        "short-step",
    ],
)
def test_a_bad_row_is_rejected_with_one_line_and_nothing_is_imported(world, bad, reason):
    data = csv_bytes([BAN_SAO, row(KHAI_SINH, **bad), row(BAN_SAO, code="2.000816")])
    report = run(data)
    assert report.rejected == [Rejection(3, reason)]
    assert report.rejected[0].line() == f"row 3: {reason}"
    assert not report.imported
    assert counts() == NOTHING


def test_every_bad_row_of_a_file_is_reported_in_one_pass(world):
    data = csv_bytes(
        [
            KHAI_SINH,
            row(BAN_SAO, code=""),
            row(BAN_SAO, code="1.001193"),
            row(BAN_SAO, code="3.1", level="tinh"),
            row(BAN_SAO, code="3.2", steps="Cấp bản sao||DL.TNMT|9"),
            row(BAN_SAO, code="3.3", time_limit_value="tám"),
            row(BAN_SAO, code="3.4"),
        ]
    )
    report = run(data)
    assert [(r.row, r.reason.split(" ")[0]) for r in report.rejected] == [
        (3, "code"),
        (4, "duplicate"),
        (5, "unknown"),
        (6, "steps:"),
        (7, "time_limit_value"),
    ]
    assert (report.created, report.new_versions, report.unchanged) == (2, 0, 0)
    assert counts() == NOTHING


def test_a_row_with_several_problems_gets_one_line_naming_them_all(world):
    report = run(csv_bytes([row(BAN_SAO, name="", level="galaxy", time_limit_value="x")]))
    assert len(report.rejected) == 1
    reason = report.rejected[0].reason
    assert "name is missing" in reason
    assert "time_limit_value is not a number: x" in reason
    assert "\n" not in reason


def test_a_value_too_long_for_the_catalogue_is_a_rejected_row_not_a_database_error(world):
    report = run(csv_bytes([row(BAN_SAO, code="1" * 41, documents="x" * 501)]))
    assert report.rejected == [
        Rejection(2, "code is too long; documents item 1 (" + "x" * 501 + "): the name is too long")
    ]


# -- dry run --------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(world):
    report = run(csv_bytes([KHAI_SINH, BAN_SAO]), dry_run=True)
    assert report.as_dict() == {
        "created": 2,
        "new_versions": 0,
        "unchanged": 0,
        "rejected": [],
        "dry_run": True,
    }
    assert not report.imported
    assert report.summary().startswith("Dry run, nothing written: 2 would be created")
    assert counts() == NOTHING


def test_a_dry_run_reports_the_rows_it_would_reject(world):
    report = run(csv_bytes([KHAI_SINH, row(BAN_SAO, level="galaxy")]), dry_run=True)
    assert (report.created, [r.row for r in report.rejected]) == (1, [3])
    assert counts() == NOTHING


# -- rows for procedures already in the catalogue --------------------------------------------


def test_existing_rows_are_unchanged_later_ones_new_versions_and_earlier_ones_rejected(world):
    assert run(csv_bytes([KHAI_SINH, BAN_SAO])).created == 2
    before = counts()
    same = run(csv_bytes([KHAI_SINH, BAN_SAO]))
    assert (same.created, same.new_versions, same.unchanged, same.rejected) == (0, 0, 2, [])
    assert counts() == before

    later = row(KHAI_SINH, effective_from="2026-01-01", fees="Lệ phí đăng ký khai sinh=0")
    report = run(csv_bytes([later, BAN_SAO]))
    assert (report.new_versions, report.unchanged, report.rejected) == (1, 1, [])
    versions = list(selectors.versions_of(procedure=selectors.procedure_get(code="1.001193")))
    assert [(v.number, v.effective_from, v.effective_to) for v in versions] == [
        (1, date(2025, 1, 1), date(2025, 12, 31)),
        (2, date(2026, 1, 1), None),
    ]
    assert [f.name for f in versions[1].fees.all()] == ["Lệ phí đăng ký khai sinh"]

    before = counts()
    report = run(
        csv_bytes(
            [
                row(KHAI_SINH, effective_from="2025-06-01"),
                row(KHAI_SINH, code="x", effective_from="2025-06-01"),
                row(BAN_SAO, time_limit_value="16"),
            ]
        )
    )
    assert report.rejected == [
        Rejection(
            2,
            "effective_from 2025-06-01 is not after 2026-01-01, when the latest version of "
            "1.001193 starts: a new version must start later",
        ),
        Rejection(
            4,
            "version 1 of 2.000815 already starts on 2024-07-01 with other content: give a "
            "later effective_from to add a new version",
        ),
    ]
    assert report.created == 1  # the row "x" would have been created, but was not
    assert counts() == before


def test_an_import_does_not_rename_a_procedure_or_move_it(world):
    run(csv_bytes([BAN_SAO]))
    report = run(
        csv_bytes([row(BAN_SAO, name="Cấp bản sao", level="commune", effective_from="2026-01-01")])
    )
    assert report.rejected == [
        Rejection(
            2,
            "2.000815 is in the catalogue with another name, level; an import does not change "
            "a procedure's name, field, level or sample flag",
        )
    ]
    assert selectors.procedure_get(code="2.000815").name == "Cấp bản sao từ sổ gốc"


def test_a_field_is_the_same_whatever_its_case_and_diacritics(world):
    run(csv_bytes([BAN_SAO]))
    report = run(
        csv_bytes([row(BAN_SAO, field="chứng thực"), row(BAN_SAO, code="4.1", field="Chung thuc")])
    )
    assert (report.unchanged, report.created, report.rejected) == (1, 1, [])
    assert Sector.objects.count() == 1


# -- export and the round trip ----------------------------------------------------------------


def _catalogue(world) -> None:
    """Three procedures built through the services: one with a later version (the export
    writes the one in force), one interconnected across units, one only in the future."""
    sector = services.sector_ensure(code="ho-tich", name="Hộ tịch")
    commune = UnitLevel.objects.get(code="commune")
    district = UnitLevel.objects.get(code="district")
    today = timezone.localdate()
    v1 = VersionData(
        effective_from=date(2024, 1, 1),
        time_limit_value=Decimal(3),
        time_limit_unit="working_days",
        cutoff_time=time(15, 30),
        pause_rule="restart",
        online_level="partial",
        result_document="Giấy chứng nhận kết hôn",
        legal_basis="Luật Hộ tịch 2014\nĐiều 18",
        fees=[FeeData("Lệ phí; = đăng ký", 0), FeeData("Phí*", 5_000)],
        documents=[
            DocumentData("Tờ khai *", True, "original", 1),
            DocumentData("CCCD | hộ chiếu\\bản sao", False, "copy", 2),
            DocumentData("Giấy xác nhận tình trạng hôn nhân", True, "any", 1),
        ],
        steps=[
            StepData("Tiếp nhận", Decimal("0.5"), world.dl_one_stop, Role.ONE_STOP_OFFICER),
            StepData("Thẩm định", Decimal("15.25"), world.dl_commune_ubnd, ""),
            StepData("Ký", Decimal(4), None, Role.CHAIRMAN),
        ],
    )
    ket_hon = services.procedure_create(
        code="1.000894", name="Đăng ký kết hôn", sector=sector, level=commune, version=v1
    )
    services.version_add(
        procedure=ket_hon,
        data=VersionData(
            effective_from=today + timedelta(days=30),
            time_limit_value=Decimal(1),
            time_limit_unit="working_days",
        ),
    )
    services.procedure_create(
        code="2.000815",
        name="Cấp bản sao từ sổ gốc",
        sector=services.sector_ensure(code="chung-thuc", name="Chứng thực"),
        level=district,
        version=VersionData(
            effective_from=date(2020, 1, 1),
            time_limit_value=Decimal(8),
            time_limit_unit="working_hours",
            fees=[FeeData("Lệ phí cấp bản sao", 8_000)],
            steps=[StepData("Cấp bản sao", Decimal(8), world.ubnd_tinh, "")],
        ),
        sample=True,
    )
    services.procedure_create(
        code="3.000001",
        name="Thủ tục sắp có hiệu lực",
        sector=sector,
        level=district,
        version=VersionData(
            effective_from=today + timedelta(days=10),
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
        ),
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_into_the_same_catalogue_as_all_unchanged(world, fmt):
    _catalogue(world)
    data = imports.catalogue_export(procedures=Procedure.objects.all(), fmt=fmt)
    before = counts()
    report = run(data, f"export.{fmt}")
    assert report.as_dict() == {
        "created": 0,
        "new_versions": 0,
        "unchanged": 3,
        "rejected": [],
        "dry_run": False,
    }
    assert counts() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imported_into_an_empty_catalogue_gives_the_same_content(world, fmt):
    _catalogue(world)
    today = timezone.localdate()
    future = today + timedelta(days=10)
    expected = [content("1.000894"), content("2.000815"), content("3.000001", future)]
    as_csv = imports.catalogue_export(procedures=Procedure.objects.all(), fmt="csv")
    data = imports.catalogue_export(procedures=Procedure.objects.all(), fmt=fmt)
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    report = run(data, f"export.{fmt}")
    assert (report.created, report.rejected) == (3, [])
    assert [content("1.000894"), content("2.000815"), content("3.000001", future)] == expected
    # and the imported catalogue exports to the same file
    assert imports.catalogue_export(procedures=Procedure.objects.all(), fmt="csv") == as_csv


def test_the_export_writes_the_version_in_force_today_with_escaped_names(world):
    _catalogue(world)
    data = imports.catalogue_export(procedures=Procedure.objects.filter(code="1.000894"), fmt="csv")
    sheet = spreadsheet.read_catalogue(data, "x.csv")
    cells = sheet.rows[0].cells
    assert list(cells) == list(HEADER)
    assert cells["effective_from"] == "2024-01-01"
    assert cells["time_limit_value"] == "3"
    assert cells["cutoff_time"] == "15:30"
    assert cells["fees"] == "Lệ phí\\; \\= đăng ký=0; Phí\\*=5000"
    assert cells["documents"] == (
        "Tờ khai \\**|original; CCCD \\| hộ chiếu\\\\bản sao|copy|2; "
        "Giấy xác nhận tình trạng hôn nhân*"
    )
    assert cells["steps"] == (
        "Tiếp nhận|one_stop_officer|DL.MC|0.5; Thẩm định||DL.DS.UBND|15.25; Ký|chairman||4"
    )
    assert cells["legal_basis"] == "Luật Hộ tịch 2014\nĐiều 18"
    assert cells["sample"] == "no"
    assert data.startswith(b"\xef\xbb\xbf")


def test_the_xlsx_export_keeps_codes_and_formula_like_text_as_text(world):
    from openpyxl import load_workbook

    services.procedure_create(
        code="1.000100",
        name="=HYPERLINK(1)",
        sector=services.sector_ensure(code="x", name="X"),
        level=UnitLevel.objects.get(code="district"),
        version=VersionData(
            effective_from=date(2020, 1, 1),
            time_limit_value=Decimal(1),
            time_limit_unit="working_days",
        ),
    )
    data = imports.catalogue_export(procedures=Procedure.objects.all(), fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADER)
    assert sheet["A2"].value == "1.000100"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "=HYPERLINK(1)"
    assert sheet["B2"].data_type == "s"
    assert sheet["E2"].value.date() == date(2020, 1, 1)


def test_list_cells_read_back_exactly_what_was_escaped():
    names = ["a;b", "c|d", "e=f", "g*", "h\\", " plain "]
    for name in names:
        cells = spreadsheet.cells_of(
            spreadsheet.CatalogueRow(
                code="1",
                name="n",
                field="f",
                level="district",
                effective_from=date(2025, 1, 1),
                time_limit_value=Decimal(1),
                time_limit_unit="working_days",
                fees=(spreadsheet.FeeCell(name.strip(), 1),),
                documents=(spreadsheet.DocumentCell(name.strip(), False),),
                steps=(spreadsheet.StepCell(name.strip(), "chairman", "", Decimal(1)),),
            )
        )
        parsed, problems = spreadsheet.parse_row(spreadsheet.SheetRow(2, cells))
        assert problems == []
        assert parsed is not None
        assert parsed.fees[0].name == name.strip()
        assert parsed.documents[0] == spreadsheet.DocumentCell(name.strip(), False)
        assert parsed.steps[0].name == name.strip()


# -- unreadable files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "The file is empty"),
        (b"PK\x03\x04 not really a zip", "x.xlsx", "The file is not a readable .xlsx workbook."),
        (b"\x00\x01garbage", "x.xlsx", "The file is not a readable .xlsx workbook."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "x.xls", "This is an old Excel .xls file"),
        (b"code,name\n1,\xd0\xe3ng k\xfd\n", "x.csv", "The CSV file is not UTF-8 text"),
        (b"code,name\n1,a\x00b\n", "x.csv", "The file is not a CSV text file"),
        (
            b"code,name,colour\n",
            "x.csv",
            "The first row must name the columns (code, name, field",
        ),
    ],
    ids=["empty", "broken-zip", "garbage-xlsx", "old-xls", "not-utf8", "nul-byte", "bad-header"],
)
def test_an_unreadable_file_is_one_readable_error_and_writes_nothing(world, data, name, message):
    with pytest.raises(UnreadableFile) as caught:
        run(data, name)
    assert caught.value.code == "procedure.import_unreadable"
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message
    assert counts() == NOTHING


def test_a_header_names_its_unknown_repeated_and_missing_columns(world):
    with pytest.raises(UnreadableFile) as caught:
        run(b"code,name,name,colour\n")
    message = caught.value.message
    assert "unknown columns colour" in message
    assert "repeated columns name" in message
    assert (
        "missing columns field, level, effective_from, time_limit_value, time_limit_unit" in message
    )


# -- the management commands ------------------------------------------------------------------


def test_import_catalogue_imports_a_file_and_prints_progress_and_the_report(world, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(xlsx_bytes([KHAI_SINH, BAN_SAO]))
    out = io.StringIO()
    call_command("import_catalogue", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{path}: 2 rows (xlsx), checking and importing…"
    assert lines[-1] == "Imported: 2 created, 0 new versions, 0 unchanged."
    assert Procedure.objects.count() == 2


def test_import_catalogue_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([KHAI_SINH]))
    out = io.StringIO()
    call_command("import_catalogue", str(path), "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("Dry run, nothing written: 1 would be")
    assert counts() == NOTHING


def test_import_catalogue_dry_run_with_a_rejected_row_exits_1_and_says_so(world, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([KHAI_SINH, row(BAN_SAO, code="")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_catalogue", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert str(caught.value) == (
        "Dry run, nothing written: 1 would be created, 0 new versions, 0 unchanged, 1 rejected."
    )
    assert err.getvalue().splitlines() == ["row 3: code is missing"]
    assert counts() == NOTHING


def test_import_catalogue_prints_one_line_per_rejected_row_and_exits_1(world, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([KHAI_SINH, row(BAN_SAO, level="galaxy"), row(BAN_SAO, code="")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert str(caught.value).startswith("Nothing was imported: 2 rows rejected")
    assert err.getvalue().splitlines() == [
        "row 3: unknown level galaxy (one of province, district, commune)",
        "row 4: code is missing",
    ]
    assert counts() == NOTHING


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No such file or directory"), (b"\x00garbage", "not a readable .xlsx")],
)
def test_import_catalogue_of_a_missing_or_unreadable_file_exits_2(
    world, tmp_path, content, message
):
    path = tmp_path / "catalogue.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_catalogue", str(path), stdout=io.StringIO())
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_import_catalogue_from_the_shell_answers_a_missing_file_without_a_traceback(tmp_path):
    env = {**os.environ, "DEBUG": "1"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_catalogue", str(tmp_path / "nope.xlsx")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'nope.xlsx'}: No such file or directory"
    ]


def test_export_catalogue_writes_a_level_and_a_unit_filter(world, tmp_path):
    _catalogue(world)
    path = tmp_path / "district.csv"
    out = io.StringIO()
    call_command("export_catalogue", str(path), "--level", "district", stdout=out)
    assert out.getvalue().splitlines()[0] == f"Exporting 2 procedures to {path} (csv)…"
    rows = spreadsheet.read_catalogue(path.read_bytes(), path.name).rows
    assert [r.cells["code"] for r in rows] == ["2.000815", "3.000001"]
    with pytest.raises(CommandError) as caught:
        call_command("export_catalogue", str(tmp_path / "x.xlsx"), "--unit", "NOPE")
    assert caught.value.returncode == 2


def test_export_catalogue_then_import_catalogue_round_trips(world, tmp_path):
    _catalogue(world)
    path = Path(tmp_path / "all.xlsx")
    call_command("export_catalogue", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_catalogue", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "Imported: 0 created, 0 new versions, 3 unchanged."
