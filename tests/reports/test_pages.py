"""The report pages: statistics, Biểu số 06/VPCP/KSTT, the tracking log, late attribution
and the dashboard. A figure on a page, in its spreadsheet and in the API is the same
figure (UI.md, "Numbers agree"); pages refuse anonymous users and show bad input as form
errors, never a 500."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.reports.selectors import dossier_statistics, form06_columns, form06_report
from tests.dossiers.world import build
from tests.reports.scenarios import (
    build_mixed,
    late_fixed_case,
    overdue_unassigned,
    sent_back_twice_late,
)

MARCH_QUERY = "period=month&year=2025&month=3"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ["/reports/", "/reports/form-06/", "/reports/tracking-log/", "/reports/late/"]


@pytest.fixture
def mixed(world: Any) -> dict[str, Any]:
    return build_mixed(build(world))


def get(client: Client, user: Any, path: str, status: int = 200) -> Any:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == status, path
    return response


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([\w.]+)">([^<]*)<', html))


def workbook(response: Any) -> Any:
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


# -- who may see them ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PAGES, "/reports/dashboard/"])
def test_the_pages_refuse_an_anonymous_user(client: Client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize("path", [*PAGES, "/reports/dashboard/"])
def test_the_pages_render_for_a_chairman_on_a_first_visit(client: Client, world, path):
    html = get(client, world.dl_chutich, path).content.decode()
    assert "Đô Lương" in html
    assert "field-error" not in html


def test_an_official_without_a_role_is_told_there_is_nothing_to_report(client: Client, world):
    for path in [*PAGES, "/reports/dashboard/"]:
        html = get(client, world.nobody, path).content.decode()
        assert "data-figure" not in html
        assert 'class="notice"' in html


def test_the_scope_offers_only_what_the_official_may_see(client: Client, world):
    html = get(client, world.dl_chutich, "/reports/").content.decode()
    assert 'value="unit:427"' in html
    assert 'value="unit:42701"' in html
    assert 'value="agency:DL.MC"' in html
    assert 'value="unit:423"' not in html
    assert "TK.MC" not in html
    html = get(client, world.dl_chutich, f"/reports/?scope=unit:423&{MARCH_QUERY}").content
    assert b"field-error" in html
    assert b"data-figure" not in html


def test_the_dashboard_is_in_the_navigation_of_those_who_direct_units(client: Client, world):
    chairman = get(client, world.dl_chutich, "/").content.decode()
    officer = get(client, world.dl_motcua, "/").content.decode()
    assert 'data-nav="dashboard"' in chairman
    assert 'data-nav="dashboard"' not in officer
    assert 'href="/reports/" data-nav="reports"' in officer


@pytest.mark.parametrize(
    "query",
    [
        "scope=unit:427&period=month&year=abc&month=3",
        "scope=unit:427&period=month&year=2025",
        "scope=unit:427&period=quarter&year=2025&quarter=5",
        "scope=unit:427&period=range",
        "scope=unit:427&period=range&from=2025-03-31&to=2025-03-01",
        "scope=unit:427&period=range&from=2025-03-01&to=9999-12-31",
        "scope=unit:427&period=range&from=1900-01-01&to=2025-03-01",
        "scope=unit:427&period=range&from=March&to=2025-03-01",
        "scope=unit:427&period=decade&year=2025",
        "scope=nonsense&period=month&year=2025&month=3",
        "period=month&year=2025&month=3",
        "scope=unit:427&period=month&year=99999999999999999999&month=3",
    ],
)
def test_bad_choices_are_form_errors_not_500s(client: Client, world, query):
    for path in PAGES:
        response = get(client, world.dl_chutich, f"{path}?{query}")
        html = response.content.decode()
        assert "field-error" in html, (path, query)
        assert "data-export" not in html
        export = get(client, world.dl_chutich, f"{path}?{query}&format=xlsx")
        assert export["Content-Type"].startswith("text/html")


def test_a_bad_dashboard_year_is_a_form_error(client: Client, world):
    for year in ["abc", "1800", "9999"]:
        html = get(client, world.dl_chutich, f"/reports/dashboard/?year={year}").content
        assert b"field-error" in html


# -- statistics ----------------------------------------------------------------------------


def test_the_statistics_page_and_its_spreadsheet_hold_the_api_figures(
    client: Client, api, world, mixed
):
    api_figures = api(
        "get",
        "/reports/dossiers",
        user=world.dl_chutich,
        data={"from": "2025-03-01", "to": "2025-03-31", "unit": "427"},
    ).json()
    assert api_figures == {
        "received": {
            "carried_over": 1,
            "new": 6,
            "by_channel": {"counter": 4, "post": 1, "online": 1},
        },
        "resolved": {"early": 2, "on_time": 0, "late": 2},
        "pending": {"in_time": 0, "overdue": 2},
        "withdrawn": 1,
        "stopped": 0,
        "on_time_rate": 0.5,
    }
    html = get(client, world.dl_chutich, f"/reports/?scope=unit:427&{MARCH_QUERY}")
    shown = figures(html.content.decode())
    expected = {k: str(v) for k, v in flatten(api_figures).items() if k != "on_time_rate"}
    assert {k: v for k, v in shown.items() if k in expected} == expected
    assert shown["on_time_rate"] == "50,00 %"
    assert (shown["received.total"], shown["resolved.total"], shown["pending.total"]) == (
        "7",
        "4",
        "2",
    )
    book = workbook(
        get(client, world.dl_chutich, f"/reports/?scope=unit:427&{MARCH_QUERY}&format=xlsx")
    )
    by_key = {row[2]: row[1] for row in sheet_rows(book.active) if row and row[2]}
    by_key.pop("Key", None) if "Key" in by_key else None
    assert {k: by_key[k] for k in flatten(api_figures)} == flatten(api_figures)
    assert (by_key["received.total"], by_key["resolved.total"], by_key["pending.total"]) == (
        7,
        4,
        2,
    )


def test_pending_dossiers_with_a_working_day_or_less_left_are_shown_amber(client: Client, world):
    """At the end of 1-10 March (Tue 03-11 00:00) the dossier due Tue 03-11 17:00 has one
    working day left (amber); the one due Wed 03-12 17:00 has two of its five (green)."""
    dw = build(world)
    overdue_unassigned(dw)
    sent_back_twice_late(dw)
    stats = dossier_statistics(
        agencies=[world.dl_one_stop], first=date(2025, 3, 1), last=date(2025, 3, 10)
    )
    assert (stats.in_time, stats.due_soon, stats.overdue) == (2, 1, 0)
    html = get(
        client,
        world.dl_chutich,
        "/reports/?scope=agency:DL.MC&period=range&from=2025-03-01&to=2025-03-10",
    ).content.decode()
    assert figures(html)["pending.due_soon"] == "1"
    assert '<span class="t-soon"><span class="icon" aria-hidden="true">⏳</span>' in html


def test_every_kind_of_period_chooses_its_days(client: Client, world):
    cases = {
        "period=month&year=2024&month=2": ("2024-02-01", "2024-02-29"),
        "period=quarter&year=2025&quarter=3": ("2025-07-01", "2025-09-30"),
        "period=6m&year=2025": ("2025-01-01", "2025-06-30"),
        "period=9m&year=2025": ("2025-01-01", "2025-09-30"),
        "period=12m&year=2025": ("2025-01-01", "2025-12-31"),
        "period=range&from=2025-03-04&to=2025-04-02": ("2025-03-04", "2025-04-02"),
    }
    for query, (first, last) in cases.items():
        html = get(client, world.dl_chutich, f"/reports/?scope=agency:DL.MC&{query}")
        assert f'data-first="{first}" data-last="{last}"' in html.content.decode(), query


def test_a_unit_with_its_sub_units(client: Client, world, mixed):
    province = get(
        client, world.root, f"/reports/?scope=unit:40&descendants=on&{MARCH_QUERY}"
    ).content.decode()
    alone = get(client, world.root, f"/reports/?scope=unit:40&{MARCH_QUERY}").content.decode()
    assert figures(province)["received.total"] == "7"
    assert figures(alone)["received.total"] == "0"


# -- Biểu số 06/VPCP/KSTT ------------------------------------------------------------------


def test_form_06_has_a_line_per_level_and_sector_adding_up_to_the_statistics(world, mixed):
    report = form06_report(
        agencies=[world.dl_one_stop], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    stats = dossier_statistics(
        agencies=[world.dl_one_stop], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    assert report.total.as_dict() == stats.as_dict()
    assert [
        (lv.code, [(ln.number, ln.sector_name) for ln in lv.lines]) for lv in report.levels
    ] == [
        ("district", [(1, "Đất đai")]),
        ("commune", [(2, "Hộ tịch")]),
    ]
    land, civil = report.levels[0].lines[0], report.levels[1].lines[0]
    # received (total, online, in person or post, carried over), resolved (total, early,
    # on time, late), pending (total, in time, overdue)
    assert form06_columns(land.stats) == (4, 0, 4, 0, 3, 1, 0, 2, 1, 0, 1)
    assert form06_columns(civil.stats) == (3, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1)
    assert form06_columns(report.total) == (7, 1, 5, 1, 4, 2, 0, 2, 2, 0, 2)


def test_the_form_06_page_and_spreadsheet_show_the_same_lines(client: Client, world, mixed):
    path = f"/reports/form-06/?scope=agency:DL.MC&{MARCH_QUERY}"
    html = get(client, world.dl_chutich, path).content.decode()
    assert "Biểu số 06/VPCP/KSTT" in html or "Form No. 06/VPCP/KSTT" in html
    assert "print-a4-landscape.css" in html
    total_row = html[html.index("data-total") :]
    cells = re.findall(r'data-col="(\w+)">([^<]*)<', total_row)[:11]
    assert [int(v) for _k, v in cells] == [7, 1, 5, 1, 4, 2, 0, 2, 2, 0, 2]
    rows = sheet_rows(workbook(get(client, world.dl_chutich, f"{path}&format=xlsx")).active)
    header_at = next(i for i, r in enumerate(rows) if r[0] in {"STT", "No."})
    assert len(rows[header_at]) >= 13
    body = [r[:13] for r in rows[header_at + 1 :] if any(c not in (None, "") for c in r[:13])]
    assert body[0][0] == "I"
    assert body[1][:2] == (1, "Đất đai")
    assert body[1][2:] == (4, 0, 4, 0, 3, 1, 0, 2, 1, 0, 1)
    assert body[2][0] == "II"
    assert body[3][:2] == (2, "Hộ tịch")
    total = next(r for r in body if r[1] in {"Tổng số", "Total"})
    assert total[2:] == (7, 1, 5, 1, 4, 2, 0, 2, 2, 0, 2)


# -- the tracking log ----------------------------------------------------------------------


def test_the_tracking_log_lists_each_dossier_received_without_id_or_phone(
    client: Client, world, mixed
):
    path = f"/reports/tracking-log/?scope=agency:DL.MC&{MARCH_QUERY}"
    html = get(client, world.dl_chutich, path).content.decode()
    codes = re.findall(r'<tr data-code="([^"]+)" data-outcome="(\w+)"', html)
    stats = dossier_statistics(
        agencies=[world.dl_one_stop], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    assert len(codes) == stats.new == 6
    assert dict(codes) == {
        mixed["fixed"].code: "late",
        mixed["overdue"].code: "overdue",
        mixed["sent_back"].code: "late",
        mixed["early"].code: "early",
        mixed["online_early"].code: "early",
        mixed["post_withdrawn"].code: "withdrawn",
    }
    assert mixed["carried_overdue"].code not in html  # received in February
    for secret in ["040123456789", "040987654321", "0912345678", "0987654321"]:
        assert secret not in html
    assert "Xóm 3, xã Đông Sơn" in html
    assert "Người nộp rút" in html  # the reason of the withdrawal
    book = workbook(get(client, world.dl_chutich, f"{path}&format=xlsx"))
    rows = sheet_rows(book.active)
    header_at = next(i for i, r in enumerate(rows) if r[0] in {"STT", "No."})
    body = [r for r in rows[header_at + 1 :] if r[0] is not None]
    assert [r[1] for r in body] == [code for code, _o in codes]
    assert [r[0] for r in body] == [1, 2, 3, 4, 5, 6]
    fixed = next(r for r in body if r[1] == mixed["fixed"].code)
    assert fixed[5].strftime("%Y-%m-%d %H:%M") == "2025-03-03 07:00"
    assert fixed[6].strftime("%Y-%m-%d %H:%M") == "2025-03-10 17:00"
    assert fixed[9].strftime("%Y-%m-%d %H:%M") == "2025-03-11 09:00"
    assert (fixed[8], fixed[10], fixed[12]) == (None, None, None)  # signatures, blank
    # handed over when step 1 closed (Mon 17:00), though step 2's clock starts Tue 07:00
    assert fixed[7] == (
        "03/03/2025 17:00 Phòng Tài nguyên và Môi trường\n06/03/2025 10:30 UBND huyện Đô Lương"
    )
    assert not any(secret in str(c) for r in rows for c in r for secret in ["040123456789"])


def test_the_tracking_log_is_for_an_agency_only(client: Client, world):
    html = get(client, world.dl_chutich, "/reports/tracking-log/").content.decode()
    assert 'value="unit:' not in html
    assert 'name="descendants"' not in html
    bad = get(client, world.dl_chutich, f"/reports/tracking-log/?scope=unit:427&{MARCH_QUERY}")
    assert b"field-error" in bad.content


# -- late attribution ----------------------------------------------------------------------


def test_the_late_page_and_spreadsheet_hold_the_api_rows(client: Client, api, world, mixed):
    body = api(
        "get",
        "/reports/late-attribution",
        user=world.dl_chutich,
        data={"from": "2025-03-01", "to": "2025-03-31", "unit": "427"},
    ).json()
    expected = [
        (r["agency"], r["official"] or "", r["step"], r["late_steps"], r["overrun_hours"])
        for r in body["rows"]
    ]
    # the dossier carried over from February, its only step never taken: Fri 02-28
    # 09:00-17:00 (6 h) and the 21 working days of March (168 h)
    assert expected[0] == ("DL.MC", "", "Tiếp nhận và trả kết quả", 1, 174.0)
    assert len(expected) == 5
    path = f"/reports/late/?scope=unit:427&{MARCH_QUERY}"
    html = get(client, world.dl_chutich, path).content.decode()
    shown = re.findall(
        r'data-agency="([^"]+)" data-official="([^"]*)" data-step="([^"]+)">.*?'
        r'data-col="late_steps">(\d+)<.*?data-col="overrun_hours">.*?</span>([\d.,]+)<',
        html,
        re.S,
    )
    assert [
        (a, o, s, int(n), float(h.replace(".", "").replace(",", "."))) for a, o, s, n, h in shown
    ] == expected
    for d in body["dossiers"]:
        assert f'href="/dossiers/{d["code"]}/"' in html
    book = workbook(get(client, world.dl_chutich, f"{path}&format=xlsx"))
    rows = sheet_rows(book.worksheets[0])
    header_at = next(i for i, r in enumerate(rows) if r[5] in {"Late steps", "Số bước trễ hạn"})
    data = [r for r in rows[header_at + 1 :] if r[0]]
    assert [(r[0], r[2] or "", r[4], r[5], r[6]) for r in data] == expected
    detail = sheet_rows(book.worksheets[1])
    codes = {r[0] for r in detail if r[0] and str(r[0]).startswith("DL.MC-")}
    assert codes == {d["code"] for d in body["dossiers"]}


# -- the dashboard -------------------------------------------------------------------------


def test_the_dashboard_ranks_units_worst_first_with_drill_down(client: Client, world, mixed):
    html = get(client, world.dl_chutich, "/reports/dashboard/?year=2025").content.decode()
    units = re.findall(r'<tr data-unit="(\w+)" class="([\w-]*)"', html)
    assert units == [("427", "t-bad"), ("42701", "")]
    row = html[html.index('data-unit="427"') :]
    assert re.search(r'data-col="late">2<', row)
    assert re.search(r'data-col="overdue">\d+<', row)
    assert (
        'href="/reports/?scope=unit%3A427&amp;period=range&amp;from=2025-01-01&amp;to=2025-12-31"'
        in html
    )
    assert (
        'href="/reports/late/?scope=unit%3A427&amp;period=range&amp;from=2025-01-01&amp;to=2025-12-31"'
        in html
    )
    assert "Ngô Thị Lan" in html  # who held the most overrun


# -- queries -------------------------------------------------------------------------------


def test_the_pages_cost_the_same_queries_for_few_and_many_dossiers(client: Client, world):
    dw = build(world)
    client.force_login(world.dl_chutich)
    paths = [
        f"/reports/?scope=unit:427&{MARCH_QUERY}",
        f"/reports/form-06/?scope=unit:427&{MARCH_QUERY}",
        f"/reports/tracking-log/?scope=agency:DL.MC&{MARCH_QUERY}",
        f"/reports/late/?scope=unit:427&{MARCH_QUERY}",
        "/reports/dashboard/?year=2025",
    ]

    def costs() -> list[int]:
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    late_fixed_case(dw)
    few = costs()
    for _ in range(3):
        late_fixed_case(dw)
        overdue_unassigned(dw)
    many = costs()
    assert many == few
    assert max(few) <= 20


def test_the_dashboard_counts_each_units_substantiated_misconduct_reports(
    client: Client, world
) -> None:
    from motcua.inspections import services as inspections
    from motcua.org.models import Role
    from tests.dossiers.world import vn
    from tests.tasks.world import official

    inspector = official("tinh.thanhtra", [(world.ubnd_tinh, Role.INSPECTOR)])
    for agency, substantiated, closed in (
        ("DL.TNMT", True, vn(2025, 5, 9, 9)),
        ("DL.MC", True, vn(2025, 6, 9, 9)),
        ("DL.MC", False, vn(2025, 6, 10, 9)),  # not substantiated
        ("DL.MC", True, vn(2024, 12, 30, 9)),  # another year
    ):
        report = inspections.misconduct_report_create(
            report=inspections.MisconductIn(kind="delay", description="x", agency_code=agency),
            at=closed,
        )
        inspections.misconduct_report_close(
            actor=inspector,
            report=report,
            substantiated=substantiated,
            action_taken="Kiểm điểm" if substantiated else "",
            at=closed,
        )
    html = get(client, world.dl_chutich, "/reports/dashboard/?year=2025").content.decode()
    row = html[html.index('data-unit="427"') :].split("</tr>")[0]
    assert re.search(r'data-col="substantiated">2<', row)
