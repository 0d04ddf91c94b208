"""The standing of every head for a year: the page, its spreadsheet and
``GET /api/v1/commitments/standing`` give the figures of each commitment's own page, live
before the evaluation and frozen after it; an official of another district sees none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from motcua.commitments import services
from motcua.commitments.models import Commitment
from motcua.commitments.services import TargetData
from motcua.org.models import Official, Role
from tests.commitments.world import YEAR, make
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, official


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def login(who: Official) -> Client:
    client = Client()
    client.force_login(who)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def act(c: Commitment, who: Official, action: str, at: Any, **payload: Any) -> Commitment:
    return services.commitment_act(commitment=c, actor=who, action=action, payload=payload, at=at)


def evaluated(tw: TaskWorld) -> Commitment:
    """60 measured points met (no substantiated report), 40 assessed scored 13: 73.00, below
    the pass mark of 80."""
    c = make(
        tw,
        targets=[
            TargetData(
                "Không có phản ánh", "measured", "misconduct_substantiated", "at_most", 0, 60
            ),
            TargetData("Đổi mới", "assessed", weight=40),
        ],
    )
    chair = tw.w.dl_chutich
    for who in (tw.tnmt_head, chair):
        c = act(c, who, "sign", vn(YEAR, 1, 6, 9))
    c = act(c, chair, "start_evaluation", vn(YEAR + 1, 1, 5, 9))
    c = act(c, chair, "assess", vn(YEAR + 1, 1, 5, 10), target=2, score=13)
    return act(c, chair, "conclude", vn(YEAR + 1, 1, 5, 11))


def test_the_page_shows_each_heads_frozen_total_and_verdict(tw):
    c = evaluated(tw)
    page = login(tw.w.dl_chutich).get(f"/commitments/standing/?year={YEAR}").content.decode()
    row = page.split(f'data-commitment="{c.pk}"')[1].split("</tr>")[0]
    assert 'data-state="evaluated"' in row
    assert 'data-live="0"' in row
    assert 'data-total="73.00"' in row
    assert "data-flagged" in row
    assert 'data-verdict="does_not_meet"' in row
    assert "<strong>73.00</strong> / 80.00" in row


def test_the_export_holds_the_pages_figures(tw):
    c = evaluated(tw)
    response = login(tw.w.dl_chutich).get(f"/commitments/standing/?year={YEAR}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="commitments-{YEAR}.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    body = [r for r in rows if r[0] == c.agency.name]
    assert [(r[3], r[5], r[9], r[10], r[11]) for r in body] == [
        ("Không có phản ánh", 0.0, "Met", 60, 60.0),
        ("Đổi mới", None, "Not met", 40, 13.0),  # 13 of 40: under half its points
        ("Total points", 73.0, "Does not meet the requirements", None, None),
    ]


def test_the_api_gives_the_same_figures_and_nothing_to_another_district(tw, api):
    c = evaluated(tw)
    answer = api("get", f"/commitments/standing?year={YEAR}", user=tw.w.dl_chutich).json()
    [item] = answer["items"]
    assert (item["id"], item["total"], item["verdict"], item["flagged"]) == (
        c.pk,
        73.0,
        "does_not_meet",
        True,
    )
    assert item["standing"] == {
        "total": 73.0,
        "meets": False,
        "live": False,
        "measured_at": item["standing"]["measured_at"],
    }
    stranger = official("tk.other", [(tw.w.tk_ubnd, Role.CHAIRMAN)])
    mine = api("get", f"/commitments/standing?year={YEAR}", user=stranger).json()
    assert mine["items"] == []
    page = login(stranger).get(f"/commitments/standing/?year={YEAR}").content.decode()
    assert f'data-commitment="{c.pk}"' not in page


def test_a_signed_commitment_of_this_year_is_measured_live(tw):
    year = timezone.localdate().year
    c = make(
        tw,
        year=year,
        at=timezone.now(),
        targets=[
            TargetData(
                "Không có phản ánh", "measured", "misconduct_substantiated", "at_most", 0, 50
            )
        ],
    )
    page = login(tw.tnmt_head).get("/commitments/standing/").content.decode()
    row = page.split(f'data-commitment="{c.pk}"')[1].split("</tr>")[0]
    assert 'data-live="1"' in row
    assert 'data-total="100.00"' in row


def test_a_bad_year_is_named_and_the_current_year_shown(tw):
    response = login(tw.w.dl_chutich).get("/commitments/standing/?year=abc")
    assert response.status_code == 200
    assert "The year is one from 1990 to 2199." in response.content.decode()
    assert response.context["year"] == timezone.localdate().year
