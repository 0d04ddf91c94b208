"""Dossier statistics (SPEC §5): carried over + new = resolved + withdrawn + stopped +
pending, for every period, and each figure equals a count made independently here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.reports.selectors import dossier_statistics
from tests.dossiers.world import DossierWorld, build, receive, vn


def act(dossier: Dossier, actor: Any, action: str, at: datetime, **payload: Any) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def finish(dw: DossierWorld, d: Dossier, at: datetime) -> Dossier:
    w = dw.w
    d = act(d, w.dl_motcua, "complete_step", at - timedelta(hours=2))
    d = act(d, w.dl_tnmt_cv, "complete_step", at - timedelta(hours=1))
    return act(d, w.dl_chutich, "finish", at, result_note="Kết quả")


@pytest.fixture
def march(world: Any) -> dict[str, Dossier]:
    """Dossiers around March 2026 (numbers in the names: see the module's test)."""
    dw = build(world)
    w = dw.w
    d: dict[str, Dossier] = {}
    d["finished_before"] = finish(dw, receive(dw, vn(2026, 2, 2, 9)), vn(2026, 2, 4, 15))
    d["carried_late"] = finish(dw, receive(dw, vn(2026, 2, 23, 9)), vn(2026, 3, 3, 15))
    d["new_early"] = finish(dw, receive(dw, vn(2026, 3, 3, 10)), vn(2026, 3, 4, 15))
    d["new_withdrawn"] = act(
        receive(dw, vn(2026, 3, 9, 9)), w.dl_motcua, "withdraw", vn(2026, 3, 10, 9), reason="Rút"
    )
    d["new_overdue"] = receive(dw, vn(2026, 3, 16, 9))
    d["new_in_time_post"] = receive(dw, vn(2026, 3, 30, 9), channel="post")
    d["new_finished_after"] = finish(dw, receive(dw, vn(2026, 3, 10, 9)), vn(2026, 4, 2, 15))
    d["carried_stopped"] = act(
        receive(dw, vn(2026, 2, 25, 9)), w.dl_chutich, "stop", vn(2026, 3, 5, 9), reason="Dừng"
    )
    d["after"] = receive(dw, vn(2026, 4, 2, 9))
    return d


def test_march_2026_counts_every_kind_exactly(world, march):
    stats = dossier_statistics(
        agencies=[world.dl_one_stop], first=date(2026, 3, 1), last=date(2026, 3, 31)
    ).as_dict()
    assert stats == {
        "received": {
            "carried_over": 2,
            "new": 5,
            "by_channel": {"counter": 4, "post": 1, "online": 0},
        },
        "resolved": {"early": 1, "on_time": 0, "late": 1},
        "pending": {"in_time": 1, "overdue": 2},
        "withdrawn": 1,
        "stopped": 1,
        "on_time_rate": 0.5,
    }


def independent(dossiers: list[Dossier], first: date, last: date) -> dict[str, int]:
    """The definitions of SPEC §5, counted plainly from the rows."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = min(
        datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz), timezone.now()
    )
    counts = dict.fromkeys(
        ["carried_over", "new", "resolved", "withdrawn", "stopped", "pending"], 0
    )
    for d in dossiers:
        assert d.received_at is not None
        assert d.due_at is not None
        closed = d.finished_at or d.ended_at
        if d.received_at >= end or (d.received_at < start and closed and closed < start):
            continue
        counts["carried_over" if d.received_at < start else "new"] += 1
        if d.finished_at and d.finished_at < end:
            counts["resolved"] += 1
        elif d.ended_at and d.ended_at < end:
            counts["withdrawn" if d.status == 7 else "stopped"] += 1
        else:
            counts["pending"] += 1
    return counts


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 3, 4), date(2026, 3, 4)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 3, 10), date(2026, 4, 2)),
    ],
)
def test_received_always_equals_resolved_withdrawn_stopped_and_pending(world, march, first, last):
    stats = dossier_statistics(agencies=[world.dl_one_stop], first=first, last=last)
    received = stats.carried_over + stats.new
    assert (
        received == stats.resolved + stats.withdrawn + stats.stopped + stats.in_time + stats.overdue
    )
    rows = list(Dossier.objects.all())
    expected = independent(rows, first, last)
    assert (stats.carried_over, stats.new, stats.resolved) == (
        expected["carried_over"],
        expected["new"],
        expected["resolved"],
    )
    assert (stats.withdrawn, stats.stopped, stats.in_time + stats.overdue) == (
        expected["withdrawn"],
        expected["stopped"],
        expected["pending"],
    )


def test_the_api_answers_the_same_figures_for_the_agency_and_the_unit(api, world, march):
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    by_agency = api(
        "get", "/reports/dossiers", user=world.dl_chutich, data={**query, "agency": "DL.MC"}
    )
    assert by_agency.status_code == 200, by_agency.content
    assert by_agency.json()["received"] == {
        "carried_over": 2,
        "new": 5,
        "by_channel": {"counter": 4, "post": 1, "online": 0},
    }
    by_unit = api("get", "/reports/dossiers", user=world.dl_chutich, data={**query, "unit": "427"})
    assert by_unit.json() == by_agency.json()
    province = api(
        "get",
        "/reports/dossiers",
        user=world.root,
        data={**query, "unit": "40", "descendants": "true"},
    )
    assert province.json() == by_agency.json()
    alone = api("get", "/reports/dossiers", user=world.root, data={**query, "unit": "40"})
    assert alone.json()["received"]["new"] == 0


@pytest.mark.parametrize(
    ("who", "params", "status"),
    [
        (None, {"agency": "DL.MC"}, 401),
        ("tk_motcua", {"agency": "DL.MC"}, 404),
        ("tk_motcua", {"unit": "427"}, 404),
        ("nobody", {"unit": "427"}, 404),
        ("dl_motcua", {"agency": "DL.MC"}, 200),
        ("dl_chutich", {"unit": "427"}, 200),
    ],
)
def test_only_officials_who_see_the_agency_or_unit_get_its_report(api, world, who, params, status):
    user = getattr(world, who) if who else None
    response = api(
        "get",
        "/reports/dossiers",
        user=user,
        data={"from": "2026-03-01", "to": "2026-03-31", **params},
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-03-31", "to": "2026-03-01", "agency": "DL.MC"},
        {"from": "2026-03-01", "to": "2026-03-31"},
        {"from": "2026-03-01", "to": "2026-03-31", "agency": "DL.MC", "unit": "427"},
        {"from": "March", "to": "2026-03-31", "agency": "DL.MC"},
        {"to": "2026-03-31", "agency": "DL.MC"},
    ],
)
def test_bad_report_queries_are_400_in_the_error_shape(api, world, params):
    response = api("get", "/reports/dossiers", user=world.root, data=params)
    assert response.status_code == 400
    assert "code" in response.json()["error"]
