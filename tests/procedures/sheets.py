"""Catalogue spreadsheets for tests: rows as dicts, written as CSV or .xlsx bytes."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from motcua.procedures.spreadsheet import HEADER

# a good row: Đăng ký khai sinh at commune level, one working day, an interconnected step
KHAI_SINH: dict[str, Any] = {
    "code": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "field": "Hộ tịch",
    "level": "commune",
    "effective_from": "2025-01-01",
    "time_limit_value": "1",
    "time_limit_unit": "working_days",
    "cutoff_time": "15:00",
    "pause_rule": "pause",
    "online_level": "full",
    "fees": "Lệ phí đăng ký khai sinh=0; Phí cấp bản sao=8.000",
    "documents": "Tờ khai đăng ký khai sinh*|original; Giấy chứng sinh*|original; "
    "Văn bản ủy quyền|certified_copy|2",
    "steps": "Tiếp nhận|one_stop_officer||2; Thẩm định|handling_official|DL.DS.UBND|4; "
    "Ký|chairman||2",
    "result_document": "Giấy khai sinh",
    "legal_basis": "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    "sample": "no",
}

# a second good row, at district level, in working hours
BAN_SAO: dict[str, Any] = {
    "code": "2.000815",
    "name": "Cấp bản sao từ sổ gốc",
    "field": "Chứng thực",
    "level": "district",
    "effective_from": "2024-07-01",
    "time_limit_value": "8",
    "time_limit_unit": "working_hours",
    "fees": "Lệ phí cấp bản sao=8000",
    "documents": "Giấy tờ tùy thân*",
    "steps": "Tiếp nhận và trả kết quả||DL.MC|2; Cấp bản sao||DL.TNMT|6",
    "result_document": "Bản sao từ sổ gốc",
}


def row(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def csv_bytes(rows: list[dict[str, Any]], *, bom: bool = False, header: Any = HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(c, "") for c in header])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, Any]], header: Any = HEADER) -> bytes:
    """As a person would type it: dates as dates, the time limit as a number."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for r in rows:
        values: list[Any] = []
        for c in header:
            value = r.get(c, "")
            if c == "effective_from" and value:
                value = date.fromisoformat(value)
            elif c == "time_limit_value" and value.replace(".", "", 1).isdigit():
                value = float(value) if "." in value else int(value)
            values.append(value if value != "" else None)
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
