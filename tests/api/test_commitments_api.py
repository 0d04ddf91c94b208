"""The commitments API (docs/api-commitments.md): each endpoint's answer exactly, 400 naming
the fields, 401, 403, 404 for what the caller may not see, 409 for a state conflict or a
stale version, and a list whose query count does not grow with its length.

The API acts at the real present, so the years are relative to it: ``LAST`` has ended (its
evaluation may start), ``NEXT`` has not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.commitments import services
from motcua.commitments.models import Commitment, CommitmentEvent, Target
from motcua.commitments.services import TargetData
from motcua.org.models import Official, Role
from tests.api.test_no_500 import OPERATIONS, Fuzzer, fuzz
from tests.commitments.world import YEAR, make
from tests.conftest import PASSWORD
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, official

NOW_YEAR = timezone.localdate().year
LAST = NOW_YEAR - 1
NEXT = NOW_YEAR + 1

Api = Callable[..., Any]

TARGETS_IN: list[dict[str, Any]] = [
    {
        "title": "Hồ sơ đúng hạn",
        "kind": "measured",
        "metric": "dossier_on_time_rate",
        "comparison": "at_least",
        "threshold": 98,
        "weight": 40,
    },
    {
        "title": "Không có phản ánh",
        "kind": "measured",
        "metric": "misconduct_substantiated",
        "comparison": "at_most",
        "threshold": "0",
        "weight": 20,
    },
    {"title": "Đổi mới", "kind": "assessed", "weight": 40},
]


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    """Messages are compared with their English msgids: the Vietnamese comes with the
    locale (``test_messages_are_vietnamese_by_default`` checks the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def body(**changes: Any) -> dict[str, Any]:
    data = {
        "year": NEXT,
        "agency": "DL.TNMT",
        "head": "dl.tnmt",
        "pass_mark": 80,
        "targets": TARGETS_IN,
    }
    data.update(changes)
    return data


def act(c: Commitment, who: Official, action: str, at: datetime, **payload: Any) -> Commitment:
    return services.commitment_act(commitment=c, actor=who, action=action, payload=payload, at=at)


def signed_last_year(tw: TaskWorld) -> Commitment:
    c = make(tw, year=LAST, at=vn(LAST, 1, 5, 9))
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        c = act(c, who, "sign", vn(LAST, 1, 6, 9))
    return c


def evaluated_last_year(tw: TaskWorld) -> Commitment:
    chair = tw.w.dl_chutich
    c = act(signed_last_year(tw), chair, "start_evaluation", vn(NOW_YEAR, 1, 10, 9))
    c = act(c, chair, "assess", vn(NOW_YEAR, 1, 11, 9), target=4, score="15", comment="Khá")
    return act(c, chair, "conclude", vn(NOW_YEAR, 1, 12, 9), comment="Hoàn thành")


def snapshot() -> tuple[Any, ...]:
    return (
        list(Commitment.objects.order_by("pk").values()),
        list(Target.objects.order_by("pk").values()),
        list(CommitmentEvent.objects.order_by("pk").values()),
    )


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    found = response.json()["error"]
    assert found["code"] == code, found
    return dict(found)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def is_vietnam_time(text: Any) -> bool:
    return isinstance(text, str) and datetime.fromisoformat(text).utcoffset() == (
        vn(2027, 1, 1).utcoffset()
    )


# -- POST /commitments ---------------------------------------------------------------------------


def test_create_answers_201_with_the_commitment_and_its_live_standing(
    tw: TaskWorld, api: Api
) -> None:
    found = ok(api("post", "/commitments", tw.w.dl_chutich, body(pass_mark="75.5")), 201)
    c = Commitment.objects.get()
    measured_at = found["standing"].pop("measured_at")
    assert is_vietnam_time(measured_at)
    assert found == {
        "id": c.pk,
        "year": NEXT,
        "agency": "DL.TNMT",
        "head": "dl.tnmt",
        "chairman": "dl.chutich",
        "pass_mark": 75.5,
        "state": "draft",
        "head_signed_at": None,
        "chairman_signed_at": None,
        "evaluator": None,
        "evaluation_started_at": None,
        "evaluated_at": None,
        "total": None,
        "verdict": None,
        "flagged": False,
        "comment": "",
        "revision": 1,
        "targets": [
            {
                "seq": 1,
                "title": "Hồ sơ đúng hạn",
                "kind": "measured",
                "metric": "dossier_on_time_rate",
                "comparison": "at_least",
                "threshold": 98.0,
                "weight": 40,
                # next year has not begun: nothing resolved yet
                "value": None,
                "numerator": 0,
                "denominator": 0,
                "met": None,
                "score": None,
                "comment": "",
            },
            {
                "seq": 2,
                "title": "Không có phản ánh",
                "kind": "measured",
                "metric": "misconduct_substantiated",
                "comparison": "at_most",
                "threshold": 0.0,
                "weight": 20,
                "value": 0.0,
                "numerator": 0,
                "denominator": None,
                "met": True,
                "score": 20.0,
                "comment": "",
            },
            {
                "seq": 3,
                "title": "Đổi mới",
                "kind": "assessed",
                "metric": None,
                "comparison": None,
                "threshold": None,
                "weight": 40,
                "value": None,
                "numerator": None,
                "denominator": None,
                "met": None,
                "score": None,
                "comment": "",
            },
        ],
        # only the measured target that could be scored so far counts
        "standing": {"total": 100.0, "meets": True, "live": True},
    }


def test_create_names_every_bad_field_and_writes_nothing(tw: TaskWorld, api: Api) -> None:
    targets = [
        {"title": "", "kind": "measured", "metric": "x", "comparison": "at_least", "weight": 10},
        {"title": "Đủ", "kind": "assessed", "weight": 20},
    ]
    bad = body(year=1800, agency="NO.SUCH", head="ghost", pass_mark="abc", targets=targets)
    found = error(api("post", "/commitments", tw.w.dl_chutich, bad), 400, "commitment.invalid")
    assert found["fields"] == {
        "year": ["A year from 1990 to 2199."],
        "agency": ["Unknown agency 'NO.SUCH'."],
        "head": ["Unknown official 'ghost'."],
        "pass_mark": ["A number of points from 0 to 100."],
        "targets.1": [
            "Name the target.",
            "Choose what the system measures.",
            "The threshold is a number from 0 to 1,000,000.",
        ],
    }
    assert snapshot() == ([], [], [])


def test_messages_are_vietnamese_by_default(tw: TaskWorld, api: Api, client: Client) -> None:
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    bad = body(agency="NO.SUCH")
    found = error(api("post", "/commitments", tw.w.dl_chutich, bad), 400, "commitment.invalid")
    assert found["fields"] == {"agency": ["Không có cơ quan 'NO.SUCH'."]}


def test_missing_fields_are_named(tw: TaskWorld, api: Api) -> None:
    found = error(api("post", "/commitments", tw.w.dl_chutich, {}), 400, "commitment.invalid")
    assert found["fields"] == {
        "year": ["A year from 1990 to 2199."],
        "agency": ["Choose the head's agency."],
        "head": ["Choose the head who commits."],
        "targets": ["List at least one target."],
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": "next"}, "year"),
        ({"pass_mark": True}, "pass_mark"),
        ({"targets": "Đổi mới"}, "targets"),
        (
            {"targets": [{"title": "Đổi mới", "kind": "assessed", "weight": "20"}]},
            "targets.0.weight",
        ),
        (
            {"targets": [{"title": "Đổi mới", "kind": "assessed", "weight": 12.5}]},
            "targets.0.weight",
        ),
        ({"agency": ["DL.TNMT"]}, "agency"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_400(
    tw: TaskWorld, api: Api, changes: dict[str, Any], field: str
) -> None:
    found = error(
        api("post", "/commitments", tw.w.dl_chutich, body(**changes)), 400, "request.invalid"
    )
    assert list(found["fields"]) == [field]
    assert snapshot() == ([], [], [])


@pytest.mark.parametrize("who", ["tnmt_head", "dl_tnmt_cv", "dl_admin", "tk_chutich"])
def test_only_a_chairman_over_the_unit_creates(tw: TaskWorld, api: Api, who: str) -> None:
    tk_chutich = official("tk.chutich", [(tw.w.tk_ubnd, Role.CHAIRMAN)])
    user = {"tnmt_head": tw.tnmt_head, "tk_chutich": tk_chutich}.get(who) or getattr(tw.w, who)
    error(api("post", "/commitments", user, body()), 403, "commitment.forbidden")
    assert snapshot() == ([], [], [])


def test_a_second_commitment_for_the_year_is_409(tw: TaskWorld, api: Api) -> None:
    ok(api("post", "/commitments", tw.w.dl_chutich, body()), 201)
    before = snapshot()
    error(api("post", "/commitments", tw.w.dl_chutich, body()), 409, "commitment.exists")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/commitments"),
        ("get", "/commitments"),
        ("get", "/commitments/metrics"),
        ("get", "/commitments/{pk}"),
        ("put", "/commitments/{pk}/targets"),
        ("post", "/commitments/{pk}/actions"),
        ("get", "/commitments/{pk}/events"),
    ],
)
def test_401_without_a_token(tw: TaskWorld, api: Api, method: str, path: str) -> None:
    c = make(tw)
    before = snapshot()
    error(api(method, path.format(pk=c.pk), None, {"action": "sign"}), 401, "auth.required")
    assert snapshot() == before


# -- GET /commitments ----------------------------------------------------------------------------


def test_the_list_shows_each_visible_commitment(tw: TaskWorld, api: Api) -> None:
    done = evaluated_last_year(tw)
    draft = make(tw, year=NEXT)
    found = ok(api("get", "/commitments", tw.w.dl_chutich))
    assert found == {
        "items": [
            {
                "id": done.pk,
                "year": LAST,
                "agency": "DL.TNMT",
                "head": "dl.tnmt",
                "chairman": "dl.chutich",
                "state": "evaluated",
                "total": 83.33,
                "total_kind": "final",
                "verdict": "meets",
                "flagged": False,
            },
            {
                "id": draft.pk,
                "year": NEXT,
                "agency": "DL.TNMT",
                "head": "dl.tnmt",
                "chairman": "dl.chutich",
                "state": "draft",
                "total": None,
                "total_kind": "live",
                "verdict": None,
                "flagged": False,
            },
        ],
        "next": None,
    }


def ids(response: Any) -> list[int]:
    return [item["id"] for item in ok(response)["items"]]


def test_the_list_filters_by_year_agency_and_state(tw: TaskWorld, api: Api) -> None:
    done = evaluated_last_year(tw)
    draft = make(tw, year=NEXT)
    chair = tw.w.dl_chutich
    assert ids(api("get", "/commitments", chair, {"year": LAST})) == [done.pk]
    assert ids(api("get", "/commitments", chair, {"year": NEXT})) == [draft.pk]
    assert ids(api("get", "/commitments", chair, {"state": "draft"})) == [draft.pk]
    assert ids(api("get", "/commitments", chair, {"state": "evaluated"})) == [done.pk]
    assert ids(api("get", "/commitments", chair, {"agency": "DL.TNMT"})) == [done.pk, draft.pk]
    assert ids(api("get", "/commitments", chair, {"agency": "DL.MC"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "signed_off"}, "state"),
        ({"year": "abc"}, "year"),
        ({"year": "1989"}, "year"),
        ({"year": "9" * 30}, "year"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_list_queries_are_400(
    tw: TaskWorld, api: Api, params: dict[str, str], field: str
) -> None:
    response = api("get", "/commitments", tw.w.dl_chutich, params)
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]


def test_the_list_is_paginated(tw: TaskWorld, api: Api) -> None:
    made = [make(tw, year=year).pk for year in (2027, 2028, 2029)]
    first = ok(api("get", "/commitments", tw.w.dl_chutich, {"limit": 2}))
    assert [i["id"] for i in first["items"]] == made[:2]
    assert first["next"]
    second = ok(api("get", "/commitments", tw.w.dl_chutich, {"limit": 2, "cursor": first["next"]}))
    assert [i["id"] for i in second["items"]] == made[2:]
    assert second["next"] is None


def test_the_list_query_count_does_not_grow(tw: TaskWorld, api: Api) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api("get", "/commitments", tw.w.dl_chutich)
        assert response.status_code == 200
        return len(captured)

    make(tw, year=2150)
    api("get", "/commitments", tw.w.dl_chutich)  # the token is fetched once
    one = queries()
    for year in range(2151, 2161):
        make(tw, year=year)
    evaluated_last_year(tw)
    assert queries() == one
    assert one <= 4, one  # the token, the caller's role grants, the page, its targets


# -- GET /commitments/metrics --------------------------------------------------------------------


def test_the_metrics_are_listed_with_labels(tw: TaskWorld, api: Api) -> None:
    found = ok(api("get", "/commitments/metrics", tw.w.dl_tnmt_cv, {}))
    assert found == [
        {
            "code": "dossier_on_time_rate",
            "label": "Dossiers resolved on time (%)",
            "is_rate": True,
        },
        {"code": "dossier_online_rate", "label": "Dossiers received online (%)", "is_rate": True},
        {"code": "task_on_time_rate", "label": "Tasks done on time (%)", "is_rate": True},
        {
            "code": "misconduct_substantiated",
            "label": "Substantiated misconduct reports",
            "is_rate": False,
        },
        {
            "code": "procedures_published_rate",
            "label": "Procedures of its level published (%)",
            "is_rate": True,
        },
    ]


# -- GET /commitments/{id} -----------------------------------------------------------------------


def test_an_evaluated_commitment_shows_its_frozen_standing(tw: TaskWorld, api: Api) -> None:
    c = evaluated_last_year(tw)
    found = ok(api("get", f"/commitments/{c.pk}", tw.tnmt_head))
    targets = found.pop("targets")
    assert found == {
        "id": c.pk,
        "year": LAST,
        "agency": "DL.TNMT",
        "head": "dl.tnmt",
        "chairman": "dl.chutich",
        "pass_mark": 80.0,
        "state": "evaluated",
        "head_signed_at": f"{LAST}-01-06T09:00:00+07:00",
        "chairman_signed_at": f"{LAST}-01-06T09:00:00+07:00",
        "evaluator": "dl.chutich",
        "evaluation_started_at": f"{NOW_YEAR}-01-10T09:00:00+07:00",
        "evaluated_at": f"{NOW_YEAR}-01-12T09:00:00+07:00",
        # 10 points for no substantiated report and 15 of 20 assessed: 25 of 30
        "total": 83.33,
        "verdict": "meets",
        "flagged": False,
        "comment": "Hoàn thành",
        "revision": 6,
        "standing": {
            "total": 83.33,
            "meets": True,
            "live": False,
            "measured_at": f"{NOW_YEAR}-01-10T09:00:00+07:00",
        },
    }
    assert [
        (t["seq"], t["value"], t["numerator"], t["denominator"], t["met"], t["score"])
        for t in targets
    ] == [
        (1, None, 0, 0, None, None),
        (2, None, 0, 0, None, None),
        (3, 0.0, 0, None, True, 10.0),
        (4, None, None, None, True, 15.0),
    ]
    assert targets[3]["comment"] == "Khá"
    assert targets[1] == {
        "seq": 2,
        "title": "Nhiệm vụ đúng hạn",
        "kind": "measured",
        "metric": "task_on_time_rate",
        "comparison": "at_least",
        "threshold": 95.0,
        "weight": 30,
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "met": None,
        "score": None,
        "comment": "",
    }


@pytest.mark.parametrize("path", ["/commitments/987654", "/commitments/987654/events"])
def test_an_unknown_commitment_is_404(tw: TaskWorld, api: Api, path: str) -> None:
    error(api("get", path, tw.w.root), 404, "commitment.not_found")


def test_huge_and_malformed_ids_are_4xx(tw: TaskWorld, api: Api) -> None:
    for pk in ("9" * 30, "-1", "0"):
        error(api("get", f"/commitments/{pk}", tw.w.root), 404, "commitment.not_found")
    found = error(api("get", "/commitments/abc", tw.w.root), 400, "request.invalid")
    assert list(found["fields"]) == ["commitment_id"]


# -- PUT /commitments/{id}/targets -------------------------------------------------------------


def test_the_chairman_replaces_the_targets(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    new = {"targets": TARGETS_IN[1:], "pass_mark": 60, "expected_version": 1}
    found = ok(api("put", f"/commitments/{c.pk}/targets", tw.w.dl_chutich, new))
    assert (found["revision"], found["pass_mark"], found["state"]) == (2, 60.0, "draft")
    assert [(t["seq"], t["title"], t["weight"]) for t in found["targets"]] == [
        (1, "Không có phản ánh", 20),
        (2, "Đổi mới", 40),
    ]
    assert list(c.events.values_list("action", flat=True)) == ["create", "targets"]


def test_bad_targets_are_400_naming_them(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    before = snapshot()
    bad = {"targets": [{"title": "Thiếu loại", "weight": 10}], "pass_mark": 100.5}
    found = error(
        api("put", f"/commitments/{c.pk}/targets", tw.w.dl_chutich, bad),
        400,
        "commitment.invalid",
    )
    assert found["fields"] == {
        "pass_mark": ["A number of points from 0 to 100."],
        "targets.1": ["A target is measured or assessed."],
    }
    assert snapshot() == before


def test_the_head_may_not_edit_the_targets(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    before = snapshot()
    put = api("put", f"/commitments/{c.pk}/targets", tw.tnmt_head, {"targets": TARGETS_IN})
    error(put, 403, "commitment.forbidden")
    assert snapshot() == before


def test_targets_are_fixed_once_signed_and_a_stale_version_is_409(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    before = snapshot()
    stale = {"targets": TARGETS_IN, "expected_version": 0}
    put = api("put", f"/commitments/{c.pk}/targets", tw.w.dl_chutich, stale)
    error(put, 409, "commitment.changed")
    assert snapshot() == before
    ok(api("post", f"/commitments/{c.pk}/actions", tw.tnmt_head, {"action": "sign"}))
    before = snapshot()
    put = api("put", f"/commitments/{c.pk}/targets", tw.w.dl_chutich, {"targets": TARGETS_IN})
    error(put, 409, "commitment.signed")
    assert snapshot() == before


# -- POST /commitments/{id}/actions --------------------------------------------------------------


def test_both_sign_through_the_api(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    path = f"/commitments/{c.pk}/actions"
    first = ok(api("post", path, tw.tnmt_head, {"action": "sign", "expected_version": 1}))
    assert (first["state"], first["revision"], first["chairman_signed_at"]) == ("draft", 2, None)
    assert is_vietnam_time(first["head_signed_at"])
    second = ok(api("post", path, tw.w.dl_chutich, {"action": "sign"}))
    assert (second["state"], second["revision"]) == ("signed", 3)
    assert is_vietnam_time(second["chairman_signed_at"])
    before = snapshot()
    error(
        api("post", path, tw.w.dl_chutich, {"action": "sign"}), 409, "commitment.invalid_transition"
    )
    assert snapshot() == before


def test_signing_twice_is_409(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    path = f"/commitments/{c.pk}/actions"
    ok(api("post", path, tw.tnmt_head, {"action": "sign"}))
    before = snapshot()
    error(api("post", path, tw.tnmt_head, {"action": "sign"}), 409, "commitment.signed_already")
    assert snapshot() == before


def test_the_evaluation_waits_for_the_end_of_the_year(tw: TaskWorld, api: Api) -> None:
    c = make(tw, year=NEXT)
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        act(c, who, "sign", vn(2027, 1, 6, 9))
    before = snapshot()
    path = f"/commitments/{c.pk}/actions"
    start = {"action": "start_evaluation"}
    error(api("post", path, tw.w.dl_chutich, start), 409, "commitment.year_not_over")
    error(api("post", path, tw.tnmt_head, start), 403, "commitment.forbidden")
    assert snapshot() == before


def test_a_whole_evaluation_through_the_api(tw: TaskWorld, api: Api) -> None:
    c = signed_last_year(tw)
    path = f"/commitments/{c.pk}/actions"
    chair = tw.w.dl_chutich
    error(
        api("post", path, tw.tnmt_head, {"action": "start_evaluation"}), 403, "commitment.forbidden"
    )
    started = ok(api("post", path, chair, {"action": "start_evaluation", "expected_version": 3}))
    assert (started["state"], started["evaluator"], started["standing"]["live"]) == (
        "under_evaluation",
        "dl.chutich",
        False,
    )
    assert started["standing"]["measured_at"] == started["evaluation_started_at"]
    before = snapshot()
    for payload, field in [
        ({"action": "assess", "target": 4, "score": 20.5}, "score"),
        ({"action": "assess", "target": 4, "score": "-1"}, "score"),
        ({"action": "assess", "target": 3, "score": 1}, "score"),
        ({"action": "assess", "target": 9, "score": 1}, "target"),
        ({"action": "assess", "score": 1}, "target"),
        ({"action": "assess", "target": 4, "score": 1, "comment": "x" * 5001}, "comment"),
    ]:
        response = api("post", path, chair, payload)
        assert response.status_code == 400, (payload, response.content)
        assert list(response.json()["error"]["fields"]) == [field], payload
    error(api("post", path, chair, {"action": "conclude"}), 409, "commitment.unscored")
    error(
        api("post", path, tw.tnmt_head, {"action": "assess", "target": 4, "score": 1}),
        403,
        "commitment.forbidden",
    )
    assert snapshot() == before
    scored = ok(api("post", path, chair, {"action": "assess", "target": 4, "score": "19.99"}))
    assert scored["targets"][3]["score"] == 19.99
    done = ok(api("post", path, chair, {"action": "conclude", "comment": "Xong"}))
    # (10 + 19.99) / 30 = 99.966… %, shown rounded down
    assert (done["state"], done["total"], done["verdict"], done["flagged"]) == (
        "evaluated",
        99.96,
        "meets",
        False,
    )
    assert (done["comment"], done["revision"]) == ("Xong", 6)
    assert is_vietnam_time(done["evaluated_at"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "action"),
        ({"action": "approve"}, "action"),
        ({"action": "assess", "target": "four"}, "target"),
        ({"action": "assess", "score": [1]}, "score"),
        ({"action": "sign", "expected_version": "x"}, "expected_version"),
    ],
)
def test_a_bad_action_is_400(tw: TaskWorld, api: Api, payload: dict[str, Any], field: str) -> None:
    c = make(tw)
    before = snapshot()
    response = api("post", f"/commitments/{c.pk}/actions", tw.w.dl_chutich, payload)
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]
    assert snapshot() == before


# -- GET /commitments/{id}/events ----------------------------------------------------------------


def test_the_events_are_listed_in_order(tw: TaskWorld, api: Api) -> None:
    c = make(tw)
    act(c, tw.tnmt_head, "sign", vn(2027, 1, 6, 9))
    found = ok(api("get", f"/commitments/{c.pk}/events", tw.tnmt_head))
    create = found[0].pop("data")
    assert (create["year"], create["agency"], create["head"]) == (2027, "DL.TNMT", "dl.tnmt")
    assert found == [
        {
            "seq": 1,
            "at": "2027-01-05T09:00:00+07:00",
            "actor": "dl.chutich",
            "action": "create",
            "from_state": None,
            "to_state": "draft",
        },
        {
            "seq": 2,
            "at": "2027-01-06T09:00:00+07:00",
            "actor": "dl.tnmt",
            "action": "sign",
            "from_state": "draft",
            "to_state": "draft",
            "data": {"party": "head"},
        },
    ]


# -- 404 for what the caller may not see ---------------------------------------------------------


@pytest.mark.parametrize("who", ["tk_motcua", "dl_motcua", "nobody"])
def test_an_official_who_may_not_see_it_gets_404_everywhere(
    tw: TaskWorld, api: Api, who: str
) -> None:
    c = make(tw)
    user = getattr(tw.w, who)
    before = snapshot()
    for method, path, data in [
        ("get", f"/commitments/{c.pk}", None),
        ("get", f"/commitments/{c.pk}/events", None),
        ("put", f"/commitments/{c.pk}/targets", {"targets": TARGETS_IN}),
        ("post", f"/commitments/{c.pk}/actions", {"action": "sign"}),
    ]:
        error(api(method, path, user, data), 404, "commitment.not_found")
    assert ids(api("get", "/commitments", user)) == []
    assert snapshot() == before


# -- malformed input against a real commitment ---------------------------------------------------

COMMITMENT_OPS = sorted(
    (op.id.removeprefix("motcua_api_routers_commitments_"), op.id, "{commitment_id}" in op.path)
    for op in OPERATIONS.values()
    if op.path.startswith("/commitments")
)


@pytest.mark.parametrize(
    ("op_id", "state"),
    [
        pytest.param(op_id, state, id=f"{name}-{state}")
        for name, op_id, on_one in COMMITMENT_OPS
        for state in (["draft", "under_evaluation"] if on_one else ["draft"])
    ],
)
def test_malformed_input_on_a_real_commitment_is_4xx(tw: TaskWorld, op_id: str, state: str) -> None:
    """``tests/api/test_no_500.py`` has no commitment to aim at: here its fuzzer runs with a
    real one, as its chairman, so that the mutations reach the services (a draft for the
    targets, one under evaluation for the scores)."""
    if state == "draft":
        c = make(tw)
    else:
        c = act(signed_last_year(tw), tw.w.dl_chutich, "start_evaluation", vn(NOW_YEAR, 1, 10))
    client = Client(raise_request_exception=False)
    token = client.post(
        "/api/v1/auth/token",
        {"username": "dl.chutich", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    real = {
        "commitments/commitment_id": c.pk,
        "body": {
            "year": NEXT + 1,
            "agency": "DL.TNMT",
            "head": "dl.tnmt",
            "pass_mark": 80,
            "targets": TARGETS_IN[:1],
            "action": "sign" if state == "draft" else "assess",
            "target": 4,
            "score": 10,
            "comment": "Tốt",
        },
    }
    fuzzer = Fuzzer(
        client=client,
        op=OPERATIONS[op_id],
        who="chairman",
        headers={"Authorization": f"Bearer {token}"},
        real=real,
    )
    fuzz(fuzzer)
    assert fuzzer.sent > 0
    assert not fuzzer.failures, "\n".join(str(f) for f in fuzzer.failures[:10])


def test_the_list_gives_the_total_scored_so_far_under_evaluation_as_the_page(
    tw: TaskWorld, api: Api
) -> None:
    targets = [
        TargetData("Không có phản ánh", "measured", "misconduct_substantiated", "at_most", 0, 60),
        TargetData("Đổi mới", "assessed", weight=40),
    ]
    c = make(tw, targets=targets)
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        services.commitment_act(
            commitment=c, actor=who, action="sign", payload={}, at=vn(YEAR, 1, 6, 9)
        )
    services.commitment_act(
        commitment=c,
        actor=tw.w.dl_chutich,
        action="start_evaluation",
        payload={},
        at=vn(YEAR + 1, 1, 5, 9),
    )
    [item] = ok(api("get", f"/commitments?year={YEAR}", tw.w.dl_chutich, {}))["items"]
    assert (item["state"], item["total"], item["total_kind"]) == (
        "under_evaluation",
        100.0,
        "frozen",
    )
    page = Client()
    page.force_login(tw.w.dl_chutich)
    html = page.get(f"/commitments/?year={YEAR}").content.decode()
    assert f'data-commitment="{c.pk}" data-state="under_evaluation" data-total="100.00"' in html
