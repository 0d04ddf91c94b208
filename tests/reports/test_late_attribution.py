"""Late attribution (SPEC §5, "Accountability"): on the late dossiers of a period, which
step runs overran their own due time, by how many working hours, and who held them.

The dossiers of March 2025 below are driven through the real services at fixed times; the
expected overruns are worked out by hand with the national calendar's office hours,
07:00-11:30 and 13:30-17:00 (8 h a day; no public holiday in March 2025).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier
from motcua.org.models import AdministrativeUnit
from motcua.reports.selectors import dossier_statistics, late_attribution
from motcua.workcalendar.models import WorkCalendar
from motcua.workcalendar.selectors import calendar_default
from tests.dossiers.world import build, receive, vn
from tests.reports.scenarios import (
    act,
    build_march,
    late_fixed_case,
    overdue_unassigned,
    sent_back_twice_late,
)

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


@pytest.fixture
def march(world: Any) -> dict[str, Dossier]:
    return build_march(build(world))


def rows_of(result: Any) -> list[tuple[str, str | None, str, int, float]]:
    return [(r.agency, r.official, r.step, r.late_steps, r.overrun_hours) for r in result.rows]


def test_the_fixed_case_gives_each_step_its_overrun_by_hand(world):
    dw = build(world)
    d = late_fixed_case(dw)
    steps = list(d.steps.order_by("started_at"))
    assert [s.due_at for s in steps] == [
        vn(2025, 3, 3, 11),
        vn(2025, 3, 5, 17),
        vn(2025, 3, 6, 16, 30),
    ]
    assert d.due_at == vn(2025, 3, 10, 17)
    result = late_attribution(
        agencies=[world.dl_tnmt], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    assert rows_of(result) == [("DL.TNMT", "dl.tnmt.cv", "Thẩm định", 1, 3.5)]
    full = late_attribution(
        agencies=[world.dl_one_stop, world.dl_tnmt, world.dl_ubnd],
        first=date(2025, 3, 1),
        last=date(2025, 3, 31),
    )
    assert rows_of(full) == [
        ("DL.UBND", "dl.chutich", "Ký duyệt", 1, 18.5),
        ("DL.MC", "dl.motcua", "Tiếp nhận", 1, 4.0),
        ("DL.TNMT", "dl.tnmt.cv", "Thẩm định", 1, 3.5),
    ]
    [late] = full.dossiers
    assert (late.code, late.finished_at, late.overrun_hours) == (d.code, d.finished_at, 2.0)
    assert [(s.index, s.overrun_hours) for s in late.steps] == [(1, 4.0), (2, 3.5), (3, 18.5)]


def test_overrun_is_measured_by_the_receiving_units_calendar_at_report_time(world):
    """With Đô Lương on a calendar opening at 07:30 and closing lunch 11:30-13:00, step 2's
    overrun (Wed 17:00 to Thu 10:30) is 07:30-10:30 = 3 h; stored due times do not move."""
    dw = build(world)
    late_fixed_case(dw)
    own = WorkCalendar.objects.create(
        code="do-luong",
        name="Đô Lương",
        base=calendar_default(),
        office_periods=[["07:30", "11:30"], ["13:00", "17:00"]],
    )
    AdministrativeUnit.objects.filter(pk=world.dl.pk).update(calendar=own)
    result = late_attribution(
        agencies=[world.dl_tnmt], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    assert rows_of(result) == [("DL.TNMT", "dl.tnmt.cv", "Thẩm định", 1, 3.0)]


def test_march_groups_runs_by_agency_official_and_step_worst_first(world, march):
    result = late_attribution(
        agencies=[world.dl_one_stop, world.dl_tnmt, world.dl_ubnd],
        first=date(2025, 3, 1),
        last=date(2025, 3, 31),
    )
    assert rows_of(result) == [
        ("DL.TNMT", None, "Thẩm định", 1, 141.0),
        ("DL.TNMT", "dl.tnmt.cv", "Thẩm định", 3, 19.5),
        ("DL.UBND", "dl.chutich", "Ký duyệt", 1, 18.5),
        ("DL.MC", "dl.motcua", "Tiếp nhận", 1, 4.0),
    ]
    assert [(d.code, d.timeliness.value, d.overrun_hours) for d in result.dossiers] == [
        (march["overdue"].code, "overdue", 112.0),
        (march["fixed"].code, "late", 2.0),
        (march["sent_back"].code, "late", 6.0),
    ]
    sent_back = result.dossiers[2]
    assert [(s.index, s.official, s.finished_at, s.overrun_hours) for s in sent_back.steps] == [
        (2, "dl.tnmt.cv", vn(2025, 3, 10, 8), 8.0),
        (2, "dl.tnmt.cv", vn(2025, 3, 13, 10), 8.0),
    ]
    assert result.dossiers[0].steps[0].finished_at is None  # still open at the end


def test_the_late_dossiers_are_those_the_statistics_count_late_or_overdue(world, march):
    stats = dossier_statistics(
        agencies=[world.dl_one_stop], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    result = late_attribution(
        agencies=[world.dl_one_stop, world.dl_tnmt, world.dl_ubnd],
        first=date(2025, 3, 1),
        last=date(2025, 3, 31),
    )
    assert (stats.late, stats.overdue) == (2, 1)
    assert len(result.dossiers) == stats.late + stats.overdue


def test_a_period_ending_before_the_finish_counts_the_open_step_up_to_its_end(world, march):
    """For 1-10 March the first dossier is overdue at the end (Tue 03-11 00:00) with step
    3 open since its due time Thu 16:30: 0.5 + 8 + 8 = 16.5 h. The second is not late yet
    (due 03-11 17:00), so its overdue step is not attributed."""
    result = late_attribution(
        agencies=[world.dl_one_stop, world.dl_tnmt, world.dl_ubnd],
        first=date(2025, 3, 1),
        last=date(2025, 3, 10),
    )
    assert rows_of(result) == [
        ("DL.UBND", "dl.chutich", "Ký duyệt", 1, 16.5),
        ("DL.MC", "dl.motcua", "Tiếp nhận", 1, 4.0),
        ("DL.TNMT", "dl.tnmt.cv", "Thẩm định", 1, 3.5),
    ]
    [only] = result.dossiers
    assert (only.code, only.timeliness.value) == (march["fixed"].code, "overdue")


def test_a_dossier_paused_before_its_step_fell_due_is_not_attributed(world):
    dw = build(world)
    d = receive(dw, vn(2025, 3, 17, 7))
    d = act(d, world.dl_motcua, "complete_step", vn(2025, 3, 17, 8))
    act(d, world.dl_tnmt_cv, "request_supplement", vn(2025, 3, 18, 9), items=["Bản đồ"])
    result = late_attribution(
        agencies=[world.dl_tnmt], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    assert (result.rows, result.dossiers) == ([], [])


def test_steps_of_other_agencies_and_other_periods_are_left_out(world, march):
    commune = late_attribution(
        agencies=[world.dl_commune_ubnd], first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    february = late_attribution(
        agencies=[world.dl_tnmt], first=date(2025, 2, 1), last=date(2025, 2, 28)
    )
    assert (commune.rows, commune.dossiers, february.rows) == ([], [], [])


# -- the API ------------------------------------------------------------------------------


def test_the_api_answers_rows_ordered_by_overrun_and_the_dossiers(api, world, march):
    response = api(
        "get", "/reports/late-attribution", user=world.dl_chutich, data={**MARCH, "unit": "427"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [
        (r["agency"], r["official"], r["step"], r["late_steps"], r["overrun_hours"])
        for r in body["rows"]
    ] == [
        ("DL.TNMT", None, "Thẩm định", 1, 141.0),
        ("DL.TNMT", "dl.tnmt.cv", "Thẩm định", 3, 19.5),
        ("DL.UBND", "dl.chutich", "Ký duyệt", 1, 18.5),
        ("DL.MC", "dl.motcua", "Tiếp nhận", 1, 4.0),
    ]
    assert (body["from"], body["to"], body["unit"], body["descendants"]) == (
        "2025-03-01",
        "2025-03-31",
        "427",
        False,
    )
    fixed = next(d for d in body["dossiers"] if d["code"] == march["fixed"].code)
    assert fixed == {
        "code": march["fixed"].code,
        "procedure": "MAU.DAT.01",
        "agency": "DL.MC",
        "due_at": "2025-03-10T17:00:00+07:00",
        "finished_at": "2025-03-11T09:00:00+07:00",
        "timeliness": "late",
        "overrun_hours": 2.0,
        "steps": [
            {
                "index": 1,
                "step": "Tiếp nhận",
                "agency": "DL.MC",
                "official": "dl.motcua",
                "started_at": "2025-03-03T07:00:00+07:00",
                "due_at": "2025-03-03T11:00:00+07:00",
                "finished_at": "2025-03-03T17:00:00+07:00",
                "overrun_hours": 4.0,
            },
            {
                "index": 2,
                "step": "Thẩm định",
                "agency": "DL.TNMT",
                "official": "dl.tnmt.cv",
                "started_at": "2025-03-04T07:00:00+07:00",
                "due_at": "2025-03-05T17:00:00+07:00",
                "finished_at": "2025-03-06T10:30:00+07:00",
                "overrun_hours": 3.5,
            },
            {
                "index": 3,
                "step": "Ký duyệt",
                "agency": "DL.UBND",
                "official": "dl.chutich",
                "started_at": "2025-03-06T10:30:00+07:00",
                "due_at": "2025-03-06T16:30:00+07:00",
                "finished_at": "2025-03-11T09:00:00+07:00",
                "overrun_hours": 18.5,
            },
        ],
    }


def test_the_unit_alone_and_with_its_sub_units(api, world, march):
    alone = api("get", "/reports/late-attribution", user=world.root, data={**MARCH, "unit": "40"})
    whole = api(
        "get",
        "/reports/late-attribution",
        user=world.root,
        data={**MARCH, "unit": "40", "descendants": "true"},
    )
    district = api(
        "get", "/reports/late-attribution", user=world.root, data={**MARCH, "unit": "427"}
    )
    assert (alone.status_code, whole.status_code) == (200, 200)
    assert alone.json()["rows"] == []
    assert whole.json()["rows"] == district.json()["rows"]
    assert len(whole.json()["rows"]) == 4


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        (None, "427", 401),
        ("tk_motcua", "427", 403),
        ("nobody", "427", 403),
        ("dl_chutich", "423", 403),
        ("dl_chutich", "40", 403),
        ("dl_chutich", "no-such-unit", 404),
        ("dl_chutich", "427", 200),
        ("dl_chutich", "42701", 200),
        # a one-stop officer reaches no unit as a whole: the rows name other agencies' people
        ("dl_motcua", "427", 403),
        ("tinh_admin", "427", 200),
    ],
)
def test_only_officials_who_reach_the_unit_get_its_attribution(api, world, who, unit, status):
    user = getattr(world, who) if who else None
    response = api("get", "/reports/late-attribution", user=user, data={**MARCH, "unit": unit})
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["error"]["code"] == "report.forbidden"


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-03-31", "to": "2025-03-01", "unit": "427"},
        {"from": "2025-03-01", "to": "2025-03-31"},
        {"from": "March", "to": "2025-03-31", "unit": "427"},
        {"to": "2025-03-31", "unit": "427"},
        {"from": "2025-03-01", "to": "9999-12-31", "unit": "427"},
        {"from": "1900-01-01", "to": "2025-03-31", "unit": "427"},
        {"from": "2025-03-01", "to": "2025-03-31", "unit": "427", "descendants": "maybe"},
        {"from": "2025-03-01", "to": "2025-03-31", "unit": "x" * 40},
    ],
)
def test_malformed_queries_are_400_in_the_error_shape(api, world, params):
    response = api("get", "/reports/late-attribution", user=world.root, data=params)
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]) >= {"code", "message"}


def test_the_dossier_statistics_refuse_dates_the_calendar_cannot_answer(api, world):
    response = api(
        "get",
        "/reports/dossiers",
        user=world.root,
        data={"from": "2025-03-01", "to": "9999-12-31", "agency": "DL.MC"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["to"]


def test_the_number_of_queries_does_not_grow_with_the_dossiers(world):
    dw = build(world)
    agencies = [world.dl_one_stop, world.dl_tnmt, world.dl_ubnd]

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            result = late_attribution(
                agencies=agencies, first=date(2025, 3, 1), last=date(2025, 3, 31)
            )
        return len(ctx.captured_queries), len(result.dossiers)

    late_fixed_case(dw)
    few, one = count()
    late_fixed_case(dw)
    overdue_unassigned(dw)
    sent_back_twice_late(dw)
    many, four = count()
    assert (one, four) == (1, 4)
    assert many == few
    assert few <= 5  # the steps, the units and their calendars (not per dossier)


def test_a_run_forwarded_after_the_due_time_is_charged_from_its_own_start(world):
    """Reception (4 h) due Mon 3 March 2025 15:00 is forwarded Tue 09:00 to Tân Kỳ's
    one-stop, which completes it at 10:00: Đô Lương's run overran 4 h (15:00-17:00 and
    07:00-09:00), Tân Kỳ's only the hour it held the step, not the 5 h since the due time."""
    from motcua.dossiers import services

    dw = build(world)
    d = receive(dw, vn(2025, 3, 3, 9))
    assert d.steps.get().due_at == vn(2025, 3, 3, 15)

    def act(who: Any, action: str, at: Any, **payload: Any) -> None:
        services.dossier_act(dossier=d, actor=who, action=action, payload=payload, at=at)

    act(world.dl_motcua, "forward", vn(2025, 3, 4, 9), agency="TK.MC", note="Liên thông")
    act(world.tk_motcua, "complete_step", vn(2025, 3, 4, 10))
    result = late_attribution(
        agencies=[world.dl_one_stop, world.tk_one_stop],
        first=date(2025, 3, 1),
        last=date(2025, 3, 31),
        now=vn(2025, 3, 20, 9),
    )
    assert rows_of(result) == [
        ("DL.MC", "dl.motcua", "Tiếp nhận", 1, 4.0),
        ("TK.MC", "tk.motcua", "Tiếp nhận", 1, 1.0),
    ]


def test_a_dossier_paused_before_it_fell_due_is_not_late(world):
    from motcua.dossiers import services

    dw = build(world)
    d = receive(dw, vn(2025, 3, 3, 9))
    services.dossier_act(
        dossier=d,
        actor=world.dl_motcua,
        action="request_supplement",
        payload={"items": ["Bản vẽ"]},
        at=vn(2025, 3, 3, 10),
    )
    result = late_attribution(
        agencies=[world.dl_one_stop, world.dl_tnmt, world.dl_ubnd],
        first=date(2025, 3, 1),
        last=date(2025, 3, 31),
        now=vn(2025, 3, 28, 9),
    )
    assert (result.rows, result.dossiers) == ([], [])
    stats = dossier_statistics(
        agencies=[world.dl_one_stop],
        first=date(2025, 3, 1),
        last=date(2025, 3, 31),
        now=vn(2025, 3, 28, 9),
    )
    assert (stats.in_time, stats.overdue) == (1, 0)
