"""The officials' misconduct API (docs/api-misconduct.md): exact shapes of the list, the
report with its events, the actions and a report filed by an official; the permission
matrix (a report exists only for the inspectors over its agency's unit and its
investigator: 404 for everyone else); 400, 401, 403, 404 and 409 in the one error shape,
nothing changed by a refused request; a fixed number of queries for the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from motcua.inspections.models import MisconductEvent, MisconductReport
from motcua.org.models import Official
from motcua.org.selectors import working_time_for_unit
from tests.dossiers.world import build as build_dossiers
from tests.dossiers.world import receive, vn
from tests.inspections.misconduct_world import (
    AT,
    MisconductWorld,
    assign,
    build,
    close,
    report,
)

pytestmark = pytest.mark.django_db
Api = Callable[..., Any]


@pytest.fixture
def mw(world: Any, client: Client) -> MisconductWorld:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return build(world)


def iso(moment: Any) -> str | None:
    """As the API writes a time: Vietnam's offset (Django's JSON encoder)."""
    return DjangoJSONEncoder().default(timezone.localtime(moment)) if moment else None


def expected(r: MisconductReport, *, overdue: bool = False) -> dict[str, Any]:
    r.refresh_from_db()
    return {
        "id": r.pk,
        "code": r.code,
        "kind": r.kind,
        "description": r.description,
        "agency": r.agency.code,
        "dossier": r.dossier.code if r.dossier else None,
        "official": r.official.username if r.official else None,
        "official_name": r.official_name,
        "reporter_name": r.reporter_name,
        "reporter_contact": r.reporter_contact,
        "status": r.status,
        "reported_at": iso(r.reported_at),
        "investigator": r.investigator.username if r.investigator else None,
        "assigned_at": iso(r.assigned_at),
        "due_at": iso(r.due_at),
        "overdue": overdue,
        "substantiated": r.substantiated,
        "action_taken": r.action_taken,
        "closed_at": iso(r.closed_at),
        "version": r.revision,
    }


def state(r: MisconductReport) -> tuple[Any, ...]:
    r.refresh_from_db()
    return (
        r.status,
        r.investigator_id,
        r.due_at,
        r.substantiated,
        r.action_taken,
        r.revision,
        MisconductEvent.objects.filter(report=r).count(),
    )


def error(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


# -- reading ---------------------------------------------------------------------------------


def test_no_token_no_report(api: Api, mw: MisconductWorld) -> None:
    r = report()
    before = state(r)
    for method, path in [
        ("get", "/misconduct-reports"),
        ("get", f"/misconduct-reports/{r.pk}"),
        ("post", f"/misconduct-reports/{r.pk}/actions"),
        ("post", "/misconduct-reports"),
    ]:
        response = api(method, path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "auth.required"
    assert state(r) == before


def test_the_list_answers_the_reports_the_caller_sees_by_id(api: Api, mw: MisconductWorld) -> None:
    a = assign(mw.dl_insp, report("DL.TNMT"), mw.dl_insp2, days=3)
    b = report("DL.DS.UBND", at=vn(2027, 5, 3, 8))
    report("TK.MC")
    response = api("get", "/misconduct-reports", mw.dl_insp)
    assert response.status_code == 200
    # a's investigation was due at 17:00 on 6 May 2027: overdue only once that has passed
    late = timezone.now() > vn(2027, 5, 6, 17)
    assert response.json() == {"items": [expected(a, overdue=late), expected(b)], "next": None}
    assert response.json()["items"][0]["due_at"] == "2027-05-06T17:00:00+07:00"


def test_the_list_filters_and_pages(api: Api, mw: MisconductWorld) -> None:
    a = report("DL.TNMT")
    b = assign(mw.dl_insp, report("DL.DS.UBND"), mw.dl_insp2)
    c = close(mw.dl_insp, report("DL.MC"))

    def ids(query: str) -> list[int]:
        response = api("get", f"/misconduct-reports{query}", mw.tinh_insp)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("?status=new") == [a.pk]
    assert ids("?status=handling") == [b.pk]
    assert ids("?status=closed&agency=DL.MC") == [c.pk]
    assert ids("?agency=DL.TNMT") == [a.pk]
    assert ids("?agency=NO.SUCH") == []
    first = api("get", "/misconduct-reports?limit=2", mw.tinh_insp).json()
    assert [i["id"] for i in first["items"]] == [a.pk, b.pk]
    rest = api("get", f"/misconduct-reports?limit=2&cursor={first['next']}", mw.tinh_insp)
    assert rest.json() == {"items": [expected(c)], "next": None}
    bad = api("get", "/misconduct-reports?status=open", mw.tinh_insp)
    assert bad.status_code == 400
    assert bad.json() == error(
        "request.invalid", "Unknown status.", {"status": ["new, handling, closed"]}
    )


def test_the_list_reads_a_fixed_number_of_queries(
    api: Api, mw: MisconductWorld, django_assert_max_num_queries: Any
) -> None:
    report("DL.TNMT")
    assign(mw.dl_insp, report("DL.DS.UBND"), mw.dl_insp2)
    api("get", "/misconduct-reports", mw.dl_insp)  # the token
    with django_assert_max_num_queries(8) as few:
        assert api("get", "/misconduct-reports", mw.dl_insp).status_code == 200
    for i in range(12):
        r = report("DL.TNMT" if i % 2 else "DL.DS.UBND", official_name=f"Ông {i}")
        if i % 3:
            assign(mw.dl_insp, r, mw.tinh_insp if i % 2 else mw.dl_insp2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api("get", "/misconduct-reports", mw.dl_insp)
    assert len(response.json()["items"]) == 14


def test_a_report_with_its_events(api: Api, mw: MisconductWorld) -> None:
    r = report(by=mw.w.dl_motcua)
    assign(mw.dl_insp, r, mw.dl_insp2, days=3)
    close(mw.dl_insp2, r, at=vn(2027, 5, 5, 10))
    response = api("get", f"/misconduct-reports/{r.pk}", mw.dl_insp2)
    assert response.status_code == 200
    assert response.json() == {
        **expected(r),
        "events": [
            {
                "seq": 1,
                "at": "2027-04-29T09:00:00+07:00",
                "actor": "dl.motcua",
                "action": "receive",
                "from_status": None,
                "to_status": "new",
                "data": {"agency": "DL.TNMT"},
            },
            {
                "seq": 2,
                "at": "2027-04-29T09:00:00+07:00",
                "actor": "dl.thanhtra",
                "action": "assign",
                "from_status": "new",
                "to_status": "handling",
                "data": {"investigator": "dl.thanhtra2", "due_at": "2027-05-06T17:00:00+07:00"},
            },
            {
                "seq": 3,
                "at": "2027-05-05T10:00:00+07:00",
                "actor": "dl.thanhtra2",
                "action": "close",
                "from_status": "handling",
                "to_status": "closed",
                "data": {"substantiated": True, "action_taken": "Kiểm điểm, rút kinh nghiệm"},
            },
        ],
    }
    assert response.json()["closed_at"] == "2027-05-05T10:00:00+07:00"


def test_a_citizen_s_report_has_no_actor_in_its_first_event(api: Api, mw: MisconductWorld) -> None:
    r = report()
    events = api("get", f"/misconduct-reports/{r.pk}", mw.dl_insp).json()["events"]
    assert [(e["seq"], e["actor"], e["action"]) for e in events] == [(1, None, "receive")]


def test_the_permission_matrix(api: Api, mw: MisconductWorld) -> None:
    r = assign(mw.dl_insp, report("DL.TNMT"), mw.dl_insp2)
    seeing = {"dl.thanhtra", "dl.thanhtra2", "tinh.thanhtra"}
    before = state(r)
    for official in mw.everyone():
        detail = api("get", f"/misconduct-reports/{r.pk}", official)
        listed = [i["id"] for i in api("get", "/misconduct-reports", official).json()["items"]]
        # incomplete on purpose: the investigator gets a 400 and nothing changes
        act = api("post", f"/misconduct-reports/{r.pk}/actions", official, {"action": "close"})
        if official.username in seeing:
            assert (detail.status_code, listed) == (200, [r.pk]), official.username
            # only the investigator closes; the others are refused (403), not told "no such"
            closing = 400 if official.username == "dl.thanhtra2" else 403
            assert act.status_code == closing, official.username
        else:
            assert (detail.status_code, listed, act.status_code) == (404, [], 404), official
            assert detail.json() == error("misconduct.not_found", f"Unknown report {r.pk}.")
            assert act.json() == detail.json()
    assert state(r) == before


@pytest.mark.parametrize("report_id", ["0", "-1", "99999", str(2**63)])
def test_an_unknown_id_is_a_404(api: Api, mw: MisconductWorld, report_id: str) -> None:
    report()
    for response in (
        api("get", f"/misconduct-reports/{report_id}", mw.dl_insp),
        api("post", f"/misconduct-reports/{report_id}/actions", mw.dl_insp, {"action": "close"}),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "misconduct.not_found"


def test_an_id_that_is_not_a_number_is_a_400(api: Api, mw: MisconductWorld) -> None:
    response = api("get", "/misconduct-reports/abc", mw.dl_insp)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.invalid"


# -- acting ----------------------------------------------------------------------------------


def act(api: Api, who: Official, r: MisconductReport, **body: Any) -> Any:
    return api("post", f"/misconduct-reports/{r.pk}/actions", who, body)


def test_an_inspector_gives_the_report_and_its_investigator_closes_it(
    api: Api, mw: MisconductWorld
) -> None:
    r = report(at=timezone.now())
    given = act(api, mw.dl_insp, r, action="assign", investigator="dl.thanhtra2", working_days=5)
    assert given.status_code == 200
    body = given.json()
    r.refresh_from_db()
    assert r.assigned_at is not None
    engine = working_time_for_unit(unit=r.agency.unit)
    assert r.due_at == engine.due_after_days(engine.effective_start(r.assigned_at), 5)
    assert {k: v for k, v in body.items() if k != "events"} == expected(r)
    assert [e["action"] for e in body["events"]] == ["receive", "assign"]
    closed = act(
        api, mw.dl_insp2, r, action="close", substantiated=True, action_taken="Kỷ luật khiển trách"
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["substantiated"]) == ("closed", True)
    assert [e["seq"] for e in closed.json()["events"]] == [1, 2, 3]


def test_the_working_days_default_to_ten(api: Api, mw: MisconductWorld) -> None:
    r = report(at=timezone.now())
    assert act(api, mw.dl_insp, r, action="assign", investigator="tinh.thanhtra").status_code == 200
    r.refresh_from_db()
    assert r.assigned_at is not None
    engine = working_time_for_unit(unit=r.agency.unit)
    assert r.due_at == engine.due_after_days(engine.effective_start(r.assigned_at), 10)


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        (
            {"action": "reopen"},
            400,
            error("misconduct.unknown_action", "Unknown action.", {"action": ["assign", "close"]}),
        ),
        (
            {"action": "assign", "investigator": "no.such", "working_days": 3},
            400,
            error(
                "misconduct.invalid",
                "The assignment is invalid.",
                {"investigator": ["Unknown official 'no.such'."]},
            ),
        ),
        (
            {"action": "assign", "investigator": "dl.tnmt.thanhtra", "working_days": 3},
            400,
            error(
                "misconduct.invalid",
                "The assignment is invalid.",
                {
                    "investigator": [
                        "An inspector does not judge a report about himself or his own agency."
                    ]
                },
            ),
        ),
        (
            {"action": "assign", "investigator": "tk.thanhtra", "working_days": 0},
            400,
            error(
                "misconduct.invalid",
                "The assignment is invalid.",
                {
                    "investigator": ["Reports are investigated by an inspector over the agency."],
                    "working_days": ["Between 1 and 90 working days."],
                },
            ),
        ),
        (
            {"action": "assign"},
            400,
            error(
                "misconduct.invalid",
                "The assignment is invalid.",
                {"investigator": ["Choose the investigator."]},
            ),
        ),
        (
            {"action": "close", "substantiated": True, "action_taken": ""},
            400,
            error(
                "misconduct.invalid", "The finding is incomplete.", {"action_taken": ["Required."]}
            ),
        ),
        (
            {"action": "close"},
            400,
            error(
                "misconduct.invalid",
                "The finding is incomplete.",
                {"substantiated": ["Say whether the report was substantiated."]},
            ),
        ),
    ],
)
def test_a_bad_action_is_a_400_naming_the_field_and_changes_nothing(
    api: Api, mw: MisconductWorld, body: dict[str, Any], status: int, answer: dict[str, Any]
) -> None:
    r = report("DL.TNMT")
    before = state(r)
    response = act(api, mw.dl_insp, r, **body)
    assert response.status_code == status
    assert response.json() == answer
    assert state(r) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("working_days", "5"),
        ("working_days", True),
        ("working_days", 2.5),
        ("substantiated", "yes"),
        ("substantiated", 1),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_by_the_schema(
    api: Api, mw: MisconductWorld, field: str, value: Any
) -> None:
    r = report()
    before = state(r)
    action = "assign" if field == "working_days" else "close"
    body = {"action": action, "investigator": "dl.thanhtra2", field: value}
    response = act(api, mw.dl_insp, r, **body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.invalid"
    assert list(response.json()["error"]["fields"]) == [field]
    assert state(r) == before


def test_closing_someone_else_s_report_is_a_403(api: Api, mw: MisconductWorld) -> None:
    r = assign(mw.dl_insp, report(), mw.dl_insp2)
    before = state(r)
    response = act(api, mw.dl_insp, r, action="close", substantiated=False)
    assert response.status_code == 403
    assert response.json() == error(
        "misconduct.not_investigator", "The investigator closes the report."
    )
    assert state(r) == before


def test_an_investigator_without_his_role_any_more_is_refused_with_a_403(
    api: Api, mw: MisconductWorld
) -> None:
    r = assign(mw.dl_insp, report(), mw.dl_insp2)
    grant = mw.dl_insp2.role_grants.get()
    grant.valid_from, grant.valid_to = vn(2019, 1, 1).date(), vn(2020, 1, 1).date()
    grant.save(update_fields=["valid_from", "valid_to"])
    before = state(r)
    assert api("get", f"/misconduct-reports/{r.pk}", mw.dl_insp2).status_code == 200
    response = act(api, mw.dl_insp2, r, action="close", substantiated=False)
    assert response.status_code == 403
    assert response.json() == error(
        "misconduct.forbidden", "Reports are investigated by an inspector over the agency."
    )
    assert state(r) == before


def test_a_closed_report_is_a_409(api: Api, mw: MisconductWorld) -> None:
    r = close(mw.dl_insp, report())
    before = state(r)
    for body in (
        {"action": "close", "substantiated": False},
        {"action": "assign", "investigator": "dl.thanhtra2", "working_days": 3},
    ):
        response = act(api, mw.dl_insp, r, **body)
        assert response.status_code == 409
        assert response.json() == error("misconduct.closed", "The report is closed already.")
    assert state(r) == before


# -- filing ----------------------------------------------------------------------------------


def test_an_official_files_a_report(api: Api, mw: MisconductWorld) -> None:
    response = api(
        "post",
        "/misconduct-reports",
        mw.w.dl_motcua,
        {
            "kind": "harassment",
            "description": "Quát mắng người dân tại quầy.",
            "agency": "DL.TNMT",
            "official": "Ngô Thị Lan",
        },
    )
    assert response.status_code == 201
    r = MisconductReport.objects.get()
    assert response.json() == {
        "id": r.pk,
        "code": r.code,
        "kind": "harassment",
        "status": "new",
        "agency": "DL.TNMT",
        "dossier": None,
        "reported_at": iso(r.reported_at),
    }
    first = MisconductEvent.objects.get(report=r)
    assert (first.seq, first.actor, first.action) == (1, mw.w.dl_motcua, "receive")
    # filed, not seen: the one-stop officer is no inspector
    assert api("get", f"/misconduct-reports/{r.pk}", mw.w.dl_motcua).status_code == 404


def test_a_bad_report_is_a_400_naming_the_fields(api: Api, mw: MisconductWorld) -> None:
    response = api(
        "post",
        "/misconduct-reports",
        mw.w.dl_motcua,
        {"kind": "bribe", "description": " ", "reporter_contact": "abc"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "misconduct.invalid"
    assert sorted(response.json()["error"]["fields"]) == [
        "agency",
        "description",
        "kind",
        "reporter_contact",
    ]
    assert not MisconductReport.objects.exists()


def test_a_dossier_is_tied_only_when_the_caller_may_see_it(api: Api, world: Any) -> None:
    dw = build_dossiers(world)
    d = receive(dw, AT)
    body = {"kind": "delay", "description": "Trễ hẹn.", "dossier": d.code}
    hidden = api("post", "/misconduct-reports", world.tk_motcua, body)
    assert hidden.status_code == 400
    assert list(hidden.json()["error"]["fields"]) == ["agency"]
    tied = api("post", "/misconduct-reports", world.dl_motcua, body)
    assert tied.status_code == 201
    assert (tied.json()["dossier"], tied.json()["agency"]) == (d.code, "DL.MC")
