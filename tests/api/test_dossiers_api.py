"""The dossier endpoints (API.md, Dossiers): reception, reads, actions, history, the ledger.

The permission matrix covers every dossier endpoint for every kind of caller: anonymous,
an official without a role, the wrong agency (Tân Kỳ's one-stop officer), the right agency
(Đô Lương's one-stop officer), the district's chairman and a handling official whose
agency holds a step. Refused writes assert that nothing was written; malformed input is
refused with a 4xx in the one error shape, never a 500.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import (
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    DossierStep,
    StoredFile,
)
from motcua.procedures import services as catalogue
from tests.dossiers.world import DossierWorld, build, receive, vn

GENESIS = "0" * 64
DOCUMENTS = [
    {"name": "Đơn đăng ký biến động", "copies": 1},
    {"name": "Giấy chứng nhận quyền sử dụng đất", "copies": 1, "file_sha256": "a" * 64},
]
APPLICANT = {
    "full_name": "Nguyễn Văn An",
    "id_number": "040123456789",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Xóm 3, xã Đông Sơn",
}
BODY: dict[str, Any] = {
    "procedure": "MAU.DAT.01",
    "agency": "DL.MC",
    "channel": "counter",
    "applicant": APPLICANT,
    "documents": DOCUMENTS,
}
DETAIL_FIELDS = {
    "code",
    "status",
    "procedure",
    "agency",
    "channel",
    "applicant",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "timeliness",
    "steps",
    "version",
}
STEP_FIELDS = {
    "index",
    "name",
    "agency",
    "assignee",
    "started_at",
    "due_at",
    "finished_at",
    "timeliness",
}
EVENT_FIELDS = {
    "seq",
    "at",
    "actor",
    "action",
    "from_status",
    "to_status",
    "data",
    "prev_hash",
    "hash",
}


@pytest.fixture
def dw(world) -> DossierWorld:
    # the document's file was uploaded before (POST /files); only its record matters here
    StoredFile.objects.create(
        sha256="a" * 64, size=1, content_type="application/pdf", original_name="gcn.pdf"
    )
    return build(world)


def counts() -> dict[str, int]:
    return {
        "dossiers": Dossier.objects.count(),
        "steps": DossierStep.objects.count(),
        "events": DossierEvent.objects.count(),
        "documents": DossierDocument.objects.count(),
        "counters": sum(DailyCounter.objects.values_list("last", flat=True)),
    }


def snapshot(code: str) -> tuple[Any, ...]:
    d = Dossier.objects.get(code=code)
    steps = list(DossierStep.objects.filter(dossier=d).order_by("pk").values())
    return (d.status, d.revision, d.ledger_head, d.due_at, d.appointment_at, steps)


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def assert_error_shape(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) <= {"code", "message", "fields"}
    assert body["error"]["code"]
    assert body["error"]["message"]
    if "fields" in body["error"]:
        fields = body["error"]["fields"]
        assert isinstance(fields, dict)
        assert fields
        assert all(isinstance(v, list) and v for v in fields.values())


def act(d: Dossier, actor: Any, action: str, at: datetime, **payload: Any) -> Dossier:
    return services.dossier_act(dossier=d, actor=actor, action=action, payload=payload, at=at)


def at_step_two(dw: DossierWorld, at: datetime | None = None) -> Dossier:
    """Received at ``at`` (2027-02-03 10:00), the one-stop step done an hour later: the land
    division holds it."""
    at = at or vn(2027, 2, 3, 10)
    d = receive(dw, at)
    return act(d, dw.w.dl_motcua, "complete_step", at.replace(hour=at.hour + 1))


def at_step_three(dw: DossierWorld, at: datetime | None = None) -> Dossier:
    at = at or vn(2027, 2, 3, 10)
    d = at_step_two(dw, at)
    return act(d, dw.tnmt_head, "complete_step", at.replace(hour=at.hour + 2))


def finished(dw: DossierWorld, received: datetime, done: datetime) -> Dossier:
    d = at_step_three(dw, received)
    return act(d, dw.w.dl_chutich, "finish", done, result_note="Xong")


def local(text: str | None) -> datetime:
    assert text is not None
    assert text.endswith("+07:00"), text
    return datetime.fromisoformat(text)


def post_action(api, user, code: str, **body: Any) -> Any:
    return api("post", f"/dossiers/{code}/actions", user=user, data=body)


# --- reception ---------------------------------------------------------------------------


def test_reception_answers_201_with_the_code_status_times_and_the_open_first_step(api, dw):
    before = counts()
    response = api("post", "/dossiers", user=dw.w.dl_motcua, data=BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    today = datetime.now().astimezone().date()
    assert body["code"].startswith("DL.MC-")
    assert body["code"].endswith("-0001")
    assert body["status"] == 2
    received = local(body["received_at"])
    assert abs((received.date() - today).days) <= 1
    assert local(body["effective_start"]) >= received
    assert local(body["due_at"]) > local(body["effective_start"])
    assert len(body["steps"]) == 1
    first = body["steps"][0]
    assert set(first) >= STEP_FIELDS
    assert first["index"] == 1
    assert first["name"] == "Tiếp nhận"
    assert first["agency"] == "DL.MC"
    assert first["finished_at"] is None
    assert first["timeliness"] == "in_time"
    local(first["started_at"])
    local(first["due_at"])
    after = counts()
    assert after["dossiers"] == before["dossiers"] + 1
    assert after["events"] == before["events"] + 1
    dossier = Dossier.objects.get(code=body["code"])
    assert list(dossier.documents.values_list("name", "copies", "file_sha256")) == [
        ("Đơn đăng ký biến động", 1, ""),
        ("Giấy chứng nhận quyền sử dụng đất", 1, "a" * 64),
    ]


def test_codes_count_up_per_agency_and_day(api, dw):
    codes = [
        api("post", "/dossiers", user=dw.w.dl_motcua, data=BODY).json()["code"] for _ in range(3)
    ]
    assert [c[-5:] for c in codes] == ["-0001", "-0002", "-0003"]
    assert len({c[:-5] for c in codes}) == 1


def test_the_detail_has_every_field_of_the_contract(api, dw):
    code = api("post", "/dossiers", user=dw.w.dl_motcua, data=BODY).json()["code"]
    response = api("get", f"/dossiers/{code}", user=dw.w.dl_motcua)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= DETAIL_FIELDS
    assert body["code"] == code
    assert body["status"] == 2
    assert body["procedure"] == "MAU.DAT.01"
    assert body["agency"] == "DL.MC"
    assert body["channel"] == "counter"
    assert body["applicant"]["full_name"] == "Nguyễn Văn An"
    assert body["applicant"]["id_number"] == "040123456789"
    assert body["applicant"]["phone"] == "0912345678"
    assert body["applicant"]["email"] == "an@example.vn"
    assert body["applicant"]["address"] == "Xóm 3, xã Đông Sơn"
    local(body["received_at"])
    local(body["due_at"])
    assert body["finished_at"] is None
    assert body["returned_at"] is None
    assert body["timeliness"] == "in_time"
    assert body["version"] == 1
    assert [set(s) >= STEP_FIELDS for s in body["steps"]] == [True]


def test_a_missing_mandatory_document_is_400_incomplete_listing_each_and_writes_nothing(api, dw):
    before = counts()
    response = api("post", "/dossiers", user=dw.w.dl_motcua, data={**BODY, "documents": []})
    assert response.status_code == 400
    assert error_code(response) == "dossier.incomplete"
    assert response.json()["error"]["fields"] == {
        "documents": ["Đơn đăng ký biến động", "Giấy chứng nhận quyền sử dụng đất"]
    }
    # the optional one does not count; one mandatory handed in, the other is listed
    response = api(
        "post",
        "/dossiers",
        user=dw.w.dl_motcua,
        data={**BODY, "documents": [DOCUMENTS[0], {"name": "Giấy ủy quyền"}]},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "documents": ["Giấy chứng nhận quyền sử dụng đất"]
    }
    assert counts() == before


@pytest.mark.parametrize(
    ("id_number", "phone"),
    [("12345", "12345"), ("0401234567890", "0112345678"), ("04012345678a", "+8491234567")],
)
def test_bad_applicant_data_is_400_with_fields_and_writes_nothing(api, dw, id_number, phone):
    before = counts()
    applicant = {**APPLICANT, "id_number": id_number, "phone": phone}
    response = api("post", "/dossiers", user=dw.w.dl_motcua, data={**BODY, "applicant": applicant})
    assert response.status_code == 400
    assert_error_shape(response)
    fields = response.json()["error"]["fields"]
    assert "applicant.id_number" in fields
    assert "applicant.phone" in fields
    assert counts() == before


def test_nine_digit_ids_and_plus_84_phones_are_accepted(api, dw):
    applicant = {**APPLICANT, "id_number": "187654321", "phone": "+84 912 345 678"}
    response = api("post", "/dossiers", user=dw.w.dl_motcua, data={**BODY, "applicant": applicant})
    assert response.status_code == 201, response.content


# --- the permission matrix ---------------------------------------------------------------


@pytest.fixture
def held(dw) -> Dossier:
    """A Đô Lương dossier whose second step the land division holds."""
    return at_step_two(dw)


def endpoints(code: str) -> list[tuple[str, str, Any]]:
    return [
        ("get", "/dossiers", None),
        ("post", "/dossiers", BODY),
        ("get", f"/dossiers/{code}", None),
        ("post", f"/dossiers/{code}/actions", {"action": "request_supplement", "items": ["x"]}),
        ("get", f"/dossiers/{code}/events", None),
        ("get", "/ledger/verify", None),
    ]


def test_every_endpoint_answers_401_to_an_anonymous_caller_and_writes_nothing(api, held):
    before = counts()
    for method, path, body in endpoints(held.code):
        response = api(method, path, data=body)
        assert response.status_code == 401, path
        assert error_code(response) == "auth.required"
    assert counts() == before


def test_an_official_without_a_role_sees_nothing_and_may_do_nothing(api, dw, held):
    w = dw.w
    before = counts()
    assert api("get", "/dossiers", user=w.nobody).json() == {"items": [], "next": None}
    response = api("post", "/dossiers", user=w.nobody, data=BODY)
    assert response.status_code == 403
    assert error_code(response) == "dossier.forbidden"
    for path in [f"/dossiers/{held.code}", f"/dossiers/{held.code}/events"]:
        response = api("get", path, user=w.nobody)
        assert response.status_code == 404
        assert error_code(response) == "dossier.not_found"
    response = post_action(api, w.nobody, held.code, action="complete_step")
    assert response.status_code == 404
    assert api("get", "/ledger/verify", user=w.nobody).status_code == 403
    assert counts() == before


def test_the_wrong_agency_gets_403_on_create_and_404_on_the_dossier(api, dw, held):
    w = dw.w
    before = counts()
    response = api("post", "/dossiers", user=w.tk_motcua, data=BODY)
    assert response.status_code == 403
    assert error_code(response) == "dossier.forbidden"
    for path in [f"/dossiers/{held.code}", f"/dossiers/{held.code}/events"]:
        response = api("get", path, user=w.tk_motcua)
        assert response.status_code == 404
        assert error_code(response) == "dossier.not_found"
    for action in ["complete_step", "withdraw", "assign", "stop"]:
        response = post_action(
            api, w.tk_motcua, held.code, action=action, reason="x", assignee="tk.motcua"
        )
        assert response.status_code == 404, action
    assert api("get", "/dossiers", user=w.tk_motcua).json()["items"] == []
    response = api("get", "/dossiers", user=w.tk_motcua, data={"q": held.code})
    assert response.json()["items"] == []
    assert api("get", "/ledger/verify", user=w.tk_motcua).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("who", ["dl_motcua", "dl_chutich", "dl_tnmt_cv", "dl_admin", "root"])
def test_the_receiving_agency_the_district_and_the_step_holder_see_the_dossier(api, dw, held, who):
    user = getattr(dw.w, who)
    assert [i["code"] for i in api("get", "/dossiers", user=user).json()["items"]] == [held.code]
    assert api("get", f"/dossiers/{held.code}", user=user).status_code == 200
    events = api("get", f"/dossiers/{held.code}/events", user=user)
    assert [e["action"] for e in events.json()] == ["receive", "complete_step"]


def test_a_handling_official_sees_a_dossier_only_once_its_agency_holds_a_step(api, dw):
    w = dw.w
    d = receive(dw, vn(2027, 2, 3, 10))
    assert api("get", f"/dossiers/{d.code}", user=w.dl_tnmt_cv).status_code == 404
    assert api("get", "/dossiers", user=w.dl_tnmt_cv).json()["items"] == []
    act(d, w.dl_motcua, "complete_step", vn(2027, 2, 3, 11))
    assert api("get", f"/dossiers/{d.code}", user=w.dl_tnmt_cv).status_code == 200
    assert len(api("get", "/dossiers", user=w.dl_tnmt_cv).json()["items"]) == 1


@pytest.mark.parametrize("who", ["dl_chutich", "dl_tnmt_cv", "dl_admin"])
def test_officials_other_than_one_stop_officers_of_the_agency_may_not_receive(api, dw, who):
    before = counts()
    response = api("post", "/dossiers", user=getattr(dw.w, who), data=BODY)
    assert response.status_code == 403
    assert error_code(response) == "dossier.forbidden"
    assert counts() == before


# --- actions -----------------------------------------------------------------------------


def test_the_whole_walk_through_the_api_with_the_right_roles(api, dw):
    w = dw.w
    code = api("post", "/dossiers", user=w.dl_motcua, data=BODY).json()["code"]
    r = post_action(api, w.dl_motcua, code, action="complete_step", note="Đủ", expected_version=1)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == DossierStatus.HANDLING
    assert body["version"] == 2
    assert [(s["index"], s["agency"]) for s in body["steps"]] == [(1, "DL.MC"), (2, "DL.TNMT")]
    r = post_action(api, dw.tnmt_head, code, action="assign", assignee="dl.tnmt.cv")
    assert r.status_code == 200, r.content
    assert r.json()["steps"][-1]["assignee"] == "dl.tnmt.cv"
    r = post_action(api, w.dl_tnmt_cv, code, action="request_supplement", items=["Sổ hộ khẩu"])
    assert r.status_code == 200, r.content
    assert r.json()["status"] == DossierStatus.SUPPLEMENT_REQUESTED
    r = post_action(api, w.dl_motcua, code, action="supplement", note="Đã bổ sung")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == DossierStatus.HANDLING
    due = local(r.json()["due_at"])
    r = post_action(
        api,
        dw.tnmt_head,
        code,
        action="apologize",
        reason="Cần xác minh thực địa",
        new_due_at=due.replace(year=due.year + 1).isoformat(),
    )
    assert r.status_code == 200, r.content
    assert local(r.json()["appointment_at"]).year == due.year + 1
    assert local(r.json()["due_at"]) == due  # the legal due time stays
    r = post_action(api, w.dl_tnmt_cv, code, action="send_back", note="Thiếu chữ ký")
    assert r.status_code == 200, r.content
    assert r.json()["steps"][-1]["index"] == 1
    r = post_action(api, w.dl_motcua, code, action="complete_step")
    assert r.json()["steps"][-1]["index"] == 2
    r = post_action(api, w.dl_tnmt_cv, code, action="complete_step")
    assert r.json()["steps"][-1]["agency"] == "DL.UBND"
    r = post_action(api, w.dl_chutich, code, action="finish", result_note="Đã cập nhật")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == DossierStatus.FINISHED
    assert r.json()["finished_at"] is not None
    r = post_action(api, w.dl_motcua, code, action="return", method="counter")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == DossierStatus.RETURNED
    local(body["returned_at"])
    assert body["timeliness"] == "early"  # finished the day it was received
    assert body["version"] == 11


def test_withdraw_and_stop_with_the_right_roles(api, dw):
    w = dw.w
    a = receive(dw, vn(2027, 2, 3, 10))
    r = post_action(api, w.dl_motcua, a.code, action="withdraw", reason="Người dân rút")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == DossierStatus.WITHDRAWN
    assert r.json()["timeliness"] is None
    b = at_step_two(dw)
    r = post_action(api, dw.tnmt_head, b.code, action="stop", reason="Tranh chấp")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == DossierStatus.STOPPED
    c = at_step_three(dw)
    r = post_action(api, w.dl_chutich, c.code, action="stop", reason="Tranh chấp")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == DossierStatus.STOPPED
    assert all(s["finished_at"] for s in r.json()["steps"])


@pytest.mark.parametrize(
    ("who", "body"),
    [
        ("dl_tnmt_cv", {"action": "withdraw", "reason": "x"}),
        ("dl_chutich", {"action": "withdraw", "reason": "x"}),
        ("dl_motcua", {"action": "stop", "reason": "x"}),
        ("dl_motcua", {"action": "complete_step"}),
        ("dl_chutich", {"action": "complete_step"}),
        ("dl_tnmt_cv", {"action": "assign", "assignee": "dl.tnmt"}),
        (
            "dl_motcua",
            {"action": "apologize", "reason": "x", "new_due_at": "2030-01-01T08:00+07:00"},
        ),
        ("dl_tnmt_cv", {"action": "supplement"}),
        ("dl_admin", {"action": "complete_step"}),
    ],
)
def test_the_wrong_role_is_403_and_nothing_changes(api, dw, held, who, body):
    if body["action"] == "supplement":
        act(held, dw.w.dl_tnmt_cv, "request_supplement", vn(2027, 2, 3, 14), items=["x"])
    before = snapshot(held.code)
    response = post_action(api, getattr(dw.w, who), held.code, **body)
    assert response.status_code == 403, response.content
    assert error_code(response) == "dossier.forbidden"
    assert snapshot(held.code) == before


@pytest.mark.parametrize(
    ("setup", "who", "body"),
    [
        ("received", "dl_motcua", {"action": "send_back", "note": "x"}),
        ("received", "dl_motcua", {"action": "supplement"}),
        ("received", "dl_motcua", {"action": "return", "method": "counter"}),
        ("finished", "dl_motcua", {"action": "complete_step"}),
        ("finished", "dl_motcua", {"action": "withdraw", "reason": "x"}),
        ("finished", "dl_chutich", {"action": "finish", "result_note": "x"}),
        ("returned", "dl_motcua", {"action": "return", "method": "counter"}),
        ("withdrawn", "dl_motcua", {"action": "withdraw", "reason": "x"}),
        ("withdrawn", "dl_motcua", {"action": "complete_step"}),
        ("withdrawn", "dl_motcua", {"action": "request_supplement", "items": ["x"]}),
    ],
)
def test_an_action_not_allowed_in_the_status_is_409_invalid_transition(api, dw, setup, who, body):
    w = dw.w
    d = receive(dw, vn(2027, 2, 3, 10))
    if setup in {"finished", "returned"}:
        d = finished(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 16))
    if setup == "returned":
        d = act(d, w.dl_motcua, "return", vn(2027, 2, 4, 9), method="counter")
    if setup == "withdrawn":
        d = act(d, w.dl_motcua, "withdraw", vn(2027, 2, 3, 11), reason="x")
    before = snapshot(d.code)
    response = post_action(api, getattr(w, who), d.code, **body)
    assert response.status_code == 409, response.content
    assert error_code(response) == "dossier.invalid_transition"
    assert snapshot(d.code) == before


def test_a_stale_expected_version_is_409_changed_and_a_current_one_acts(api, dw, held):
    before = snapshot(held.code)
    response = post_action(
        api, dw.tnmt_head, held.code, action="assign", assignee="dl.tnmt.cv", expected_version=1
    )
    assert response.status_code == 409
    assert error_code(response) == "dossier.changed"
    assert snapshot(held.code) == before
    response = post_action(
        api, dw.tnmt_head, held.code, action="assign", assignee="dl.tnmt.cv", expected_version=2
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 3


# --- history and the ledger --------------------------------------------------------------


def test_the_events_are_a_hash_chain_from_sixty_four_zeros(api, dw):
    d = finished(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 16))
    response = api("get", f"/dossiers/{d.code}/events", user=dw.w.dl_motcua)
    assert response.status_code == 200
    events = response.json()
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert all(set(e) == EVENT_FIELDS for e in events)
    assert [e["action"] for e in events] == ["receive", "complete_step", "complete_step", "finish"]
    assert events[0]["prev_hash"] == GENESIS
    assert events[0]["from_status"] is None
    for earlier, later in itertools.pairwise(events):
        assert later["prev_hash"] == earlier["hash"]
        assert later["from_status"] == earlier["to_status"]
    assert len({e["hash"] for e in events}) == 4
    assert events[0]["actor"] == "dl.motcua"
    assert events[-1]["actor"] == "dl.chutich"
    assert events[-1]["to_status"] == DossierStatus.FINISHED
    assert local(events[0]["at"]) == vn(2027, 2, 3, 10)


@pytest.mark.parametrize("who", ["tinh_admin", "root"])
def test_the_ledger_verifies_for_province_administrators(api, dw, who):
    receive(dw, vn(2027, 2, 3, 10))
    finished(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 16))
    response = api("get", "/ledger/verify", user=getattr(dw.w, who))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "checked": 2, "broken": []}


@pytest.mark.parametrize(
    "who", ["nobody", "dl_motcua", "dl_tnmt_cv", "dl_chutich", "dl_admin", "tk_motcua"]
)
def test_the_ledger_check_is_403_to_everybody_else(api, dw, who):
    response = api("get", "/ledger/verify", user=getattr(dw.w, who))
    assert response.status_code == 403
    assert error_code(response) == "auth.forbidden"


@pytest.mark.parametrize("tamper", ["data", "delete_last", "status", "reorder"])
def test_the_ledger_names_a_dossier_whose_history_was_tampered_with(api, dw, tamper):
    intact = receive(dw, vn(2027, 2, 3, 10))
    d = finished(dw, vn(2027, 2, 3, 10), vn(2027, 2, 3, 16))
    events = DossierEvent.objects.filter(dossier=d)
    if tamper == "data":
        events.filter(seq=1).update(data={"channel": "online"})
    elif tamper == "delete_last":
        # events are PROTECTed from the dossier, not from a raw delete
        events.filter(seq=4).delete()
    elif tamper == "status":
        events.filter(seq=4).update(to_status=DossierStatus.RETURNED)
    else:
        events.filter(seq=2).update(seq=99)
        events.filter(seq=3).update(seq=2)
        events.filter(seq=99).update(seq=3)
    response = api("get", "/ledger/verify", user=dw.w.tinh_admin)
    assert response.status_code == 200
    assert response.json() == {"ok": False, "checked": 2, "broken": [d.code]}
    assert intact.code != d.code


# --- lists: pagination, filters, masking --------------------------------------------------


def test_the_list_pages_by_cursor_without_gaps_or_repeats(api, dw):
    made = [receive(dw, vn(2027, 2, 3, 10)).code for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = api("get", "/dossiers", user=dw.w.dl_motcua, data=params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"items", "next"}
        seen += [i["code"] for i in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"limit": "x"}, {"cursor": "%%%"}, {"cursor": "W251bGxd"}],
)
def test_bad_paging_is_400(api, dw, params):
    response = api("get", "/dossiers", user=dw.w.dl_motcua, data=params)
    assert response.status_code == 400
    assert_error_shape(response)


@pytest.fixture
def timed(dw) -> dict[str, str]:
    """One dossier of each timeliness, made with explicit times (due 2027-02-17 17:00); the
    open one in time is received now, so that it stays in time whenever the suite runs."""
    received = vn(2027, 2, 3, 10)
    return {
        "in_time": receive(dw, timezone.now()).code,
        "overdue": receive(dw, vn(2020, 3, 2, 9)).code,
        "early": finished(dw, received, vn(2027, 2, 3, 16)).code,
        "on_time": finished(dw, received, vn(2027, 2, 17, 10)).code,
        "late": finished(dw, received, vn(2027, 2, 18, 9)).code,
    }


@pytest.mark.parametrize("timeliness", ["in_time", "overdue", "early", "on_time", "late"])
def test_the_timeliness_filter_and_the_detail_agree(api, dw, timed, timeliness):
    response = api("get", "/dossiers", user=dw.w.dl_motcua, data={"timeliness": timeliness})
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["code"] for i in items] == [timed[timeliness]]
    assert items[0]["timeliness"] == timeliness
    detail = api("get", f"/dossiers/{timed[timeliness]}", user=dw.w.dl_motcua).json()
    assert detail["timeliness"] == timeliness


def test_a_returned_dossier_keeps_the_timeliness_of_its_finish(api, dw, timed):
    d = Dossier.objects.get(code=timed["late"])
    act(d, dw.w.dl_motcua, "return", vn(2027, 2, 19, 9), method="post")
    response = api("get", "/dossiers", user=dw.w.dl_motcua, data={"timeliness": "late"})
    assert [i["code"] for i in response.json()["items"]] == [timed["late"]]


def test_an_unknown_timeliness_is_400(api, dw, timed):
    response = api("get", "/dossiers", user=dw.w.dl_motcua, data={"timeliness": "soon"})
    assert response.status_code == 400
    assert error_code(response) == "request.invalid"


def test_the_status_filter(api, dw, timed):
    def codes(status: int) -> list[str]:
        response = api("get", "/dossiers", user=dw.w.dl_motcua, data={"status": status})
        return sorted(i["code"] for i in response.json()["items"])

    assert codes(DossierStatus.RECEIVED) == sorted([timed["in_time"], timed["overdue"]])
    assert codes(DossierStatus.FINISHED) == sorted(
        [timed["early"], timed["on_time"], timed["late"]]
    )
    assert codes(DossierStatus.RETURNED) == []


def publish_for_tan_ky(dw: DossierWorld) -> None:
    decision = catalogue.decision_create(
        unit=dw.w.province,
        number="2/QĐ-UBND",
        title="Công bố Tân Kỳ",
        signed_on=date(2019, 12, 1),
        effective_on=date(2019, 12, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[dw.procedure], unit=dw.w.tk)


def test_the_agency_filter_and_the_wrong_agency_lists(api, dw):
    publish_for_tan_ky(dw)
    dl = receive(dw, vn(2027, 2, 3, 10)).code
    response = api("post", "/dossiers", user=dw.w.tk_motcua, data={**BODY, "agency": "TK.MC"})
    assert response.status_code == 201, response.content
    tk = response.json()["code"]
    assert tk.startswith("TK.MC-")

    def codes(user: Any, **params: Any) -> list[str]:
        response = api("get", "/dossiers", user=user, data=params)
        assert response.status_code == 200, response.content
        return sorted(i["code"] for i in response.json()["items"])

    assert codes(dw.w.root) == sorted([dl, tk])
    assert codes(dw.w.root, agency="DL.MC") == [dl]
    assert codes(dw.w.root, agency="TK.MC") == [tk]
    assert codes(dw.w.dl_motcua) == [dl]
    assert codes(dw.w.tk_motcua) == [tk]
    assert codes(dw.w.dl_chutich) == [dl]
    response = api("get", "/dossiers", user=dw.w.tk_motcua, data={"agency": "DL.MC"})
    assert response.status_code == 404
    response = api("get", "/dossiers", user=dw.w.root, data={"agency": "NO.SUCH"})
    assert response.status_code == 404
    assert api("get", f"/dossiers/{tk}", user=dw.w.dl_motcua).status_code == 404


def test_q_finds_by_code_and_by_applicant_name(api, dw):
    an = receive(dw, vn(2027, 2, 3, 10)).code
    binh = receive(
        dw,
        vn(2027, 2, 3, 10),
        applicant=services.ApplicantData(full_name="Trần Thị Bình", id_number="123456789"),
    ).code

    def codes(q: str) -> list[str]:
        response = api("get", "/dossiers", user=dw.w.dl_motcua, data={"q": q})
        assert response.status_code == 200, response.content
        return sorted(i["code"] for i in response.json()["items"])

    assert codes("Bình") == [binh]
    assert codes("Văn An") == [an]
    assert codes(binh) == [binh]
    assert codes("-0001") == [an]
    assert codes("không có") == []


def test_the_list_masks_the_id_number_and_phone_and_the_detail_shows_them(api, dw):
    d = receive(dw, vn(2027, 2, 3, 10))
    Dossier.objects.filter(pk=d.pk).update(
        applicant_email="an@example.vn", applicant_address="Xóm 3"
    )
    item = api("get", "/dossiers", user=dw.w.dl_motcua).json()["items"][0]
    assert item["applicant"]["id_number"] == "*********789"
    assert item["applicant"]["phone"] == "*******678"
    assert "040123456" not in str(item)
    assert "0912345" not in str(item)
    assert "an@example.vn" not in str(item)
    detail = api("get", f"/dossiers/{d.code}", user=dw.w.dl_motcua).json()
    assert detail["applicant"]["id_number"] == "040123456789"
    assert detail["applicant"]["phone"] == "0912345678"
    assert detail["applicant"]["email"] == "an@example.vn"


def test_the_list_answers_times_in_plus_seven(api, dw, timed):
    for item in api("get", "/dossiers", user=dw.w.dl_motcua).json()["items"]:
        local(item["received_at"])
        local(item["due_at"])
        for step in item["steps"]:
            local(step["started_at"])


# --- malformed input: never a 500, never a write ------------------------------------------

HUGE = "x" * 10_000


def _with(path: str, value: Any) -> dict[str, Any]:
    """BODY with one (dotted) field replaced; ``...`` removes it."""
    body = {**BODY, "applicant": dict(APPLICANT), "documents": [dict(d) for d in DOCUMENTS]}
    *parents, leaf = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[leaf]
    else:
        target[leaf] = value
    return body


TEXT_FIELDS = [
    "procedure",
    "agency",
    "channel",
    "applicant.full_name",
    "applicant.id_number",
    "applicant.phone",
    "applicant.email",
    "applicant.address",
    "applicant.type",
    "documents.0.name",
    "documents.1.file_sha256",
]
BAD_BODIES: list[Any] = [
    {},
    [],
    "text",
    42,
    None,
    {"procedure": "MAU.DAT.01"},
    _with("applicant", ...),
    _with("procedure", ...),
    _with("agency", ...),
    _with("channel", ...),
    _with("applicant.full_name", ...),
    _with("applicant.id_number", ...),
    _with("applicant", []),
    _with("applicant", "Nguyễn Văn An"),
    _with("applicant", None),
    _with("documents", {"name": "Đơn"}),
    _with("documents", "Đơn đăng ký biến động"),
    _with("documents", [None]),
    _with("documents", [[]]),
    _with("documents", [DOCUMENTS[0]] * 101),
    _with("documents.0.copies", 0),
    _with("documents.0.copies", -1),
    _with("documents.0.copies", 10**30),
    _with("documents.0.copies", "many"),
    _with("documents.0.copies", 1.5),
    _with("documents.1.file_sha256", "z" * 64),
    _with("documents.0.name", "Không có trong danh mục"),
    _with("procedure", "NO.SUCH"),
    _with("agency", "NO.SUCH"),
    _with("agency", "TK.MC"),
    _with("agency", "DL.TNMT"),
    _with("channel", "fax"),
    _with("applicant.type", "alien"),
    _with("applicant.email", "not-an-email"),
    _with("applicant.full_name", "   "),
    _with("applicant.id_number", "040123456789\x00"),
    *[_with(f, 12345) for f in TEXT_FIELDS],
    *[_with(f, ["a"]) for f in TEXT_FIELDS],
    *[_with(f, {"a": 1}) for f in TEXT_FIELDS],
    *[_with(f, None) for f in TEXT_FIELDS if f not in {"applicant.type"}],
    *[_with(f, True) for f in TEXT_FIELDS],
    *[_with(f, HUGE) for f in TEXT_FIELDS],
    # PostgreSQL keeps no NUL in a text column nor \u0000 in jsonb
    *[_with(f, "Nguy\x00n") for f in TEXT_FIELDS],
]


def test_malformed_reception_bodies_are_4xx_in_the_error_shape_and_write_nothing(api, dw):
    before = counts()
    for body in BAD_BODIES:
        response = api("post", "/dossiers", user=dw.w.dl_motcua, data=body)
        assert_error_shape(response)
    assert counts() == before


def test_a_body_that_is_not_json_is_400(client, api, dw):
    api("get", "/dossiers", user=dw.w.dl_motcua)  # a token for dl.motcua
    token = client.post(
        "/api/v1/auth/token",
        {"username": "dl.motcua", "password": "correct-horse-battery"},
        content_type="application/json",
    ).json()["token"]
    before = counts()
    for raw in ["{", "not json", '{"procedure": "MAU.DAT.01",}', "\xff"]:
        response = client.post(
            "/api/v1/dossiers",
            raw,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert_error_shape(response)
    assert counts() == before


BAD_ACTIONS: list[Any] = [
    {},
    [],
    "complete_step",
    None,
    {"action": None},
    {"action": 1},
    {"action": ["complete_step"]},
    {"action": "fly"},
    {"action": ""},
    {"action": HUGE},
    {"action": "complete_step", "expected_version": "two"},
    {"action": "complete_step", "expected_version": [2]},
    {"action": "complete_step", "expected_version": 2.5},
    {"action": "complete_step", "expected_version": -1},
    {"action": "complete_step", "expected_version": 10**40},
    {"action": "complete_step", "note": HUGE},
    {"action": "complete_step", "note": 5},
    {"action": "complete_step", "note": {"a": 1}},
    {"action": "send_back"},
    {"action": "send_back", "note": ""},
    {"action": "send_back", "note": HUGE},
    {"action": "request_supplement"},
    {"action": "request_supplement", "items": "Sổ hộ khẩu"},
    {"action": "request_supplement", "items": {"a": "b"}},
    {"action": "request_supplement", "items": []},
    {"action": "request_supplement", "items": [""]},
    {"action": "request_supplement", "items": [1, 2]},
    {"action": "request_supplement", "items": [[]]},
    {"action": "request_supplement", "items": [HUGE]},
    {"action": "request_supplement", "items": ["x"] * 101},
    {"action": "assign"},
    {"action": "assign", "assignee": ""},
    {"action": "assign", "assignee": "no.such"},
    {"action": "assign", "assignee": "tk.motcua"},
    {"action": "assign", "assignee": HUGE},
    {"action": "assign", "assignee": ["dl.tnmt.cv"]},
    {"action": "apologize", "reason": "x"},
    {"action": "apologize", "reason": "x", "new_due_at": "2027-02-30T10:00+07:00"},
    {"action": "apologize", "reason": "x", "new_due_at": "tomorrow"},
    {"action": "apologize", "reason": "x", "new_due_at": "2030-03-01T10:00:00"},
    {"action": "apologize", "reason": "x", "new_due_at": "2030-03-01"},
    {"action": "apologize", "reason": "x", "new_due_at": ""},
    {"action": "apologize", "reason": "x", "new_due_at": 1893456000},
    {"action": "apologize", "reason": "x", "new_due_at": HUGE},
    {"action": "apologize", "reason": "x", "new_due_at": "2020-01-01T10:00+07:00"},
    {"action": "apologize", "reason": "x", "new_due_at": "9999-12-31T23:59:59-12:00"},
    {"action": "apologize", "reason": "x", "new_due_at": "0001-01-01T00:00:00+14:00"},
    {"action": "apologize", "reason": "", "new_due_at": "2030-03-01T10:00+07:00"},
    {"action": "apologize", "reason": HUGE, "new_due_at": "2030-03-01T10:00+07:00"},
    {"action": "finish"},
    {"action": "finish", "result_note": HUGE},
    {"action": "return", "method": "pigeon"},
    {"action": "return", "method": HUGE},
    {"action": "withdraw"},
    {"action": "withdraw", "reason": HUGE},
    {"action": "withdraw", "reason": 7},
    {"action": "stop", "reason": ["x"]},
    {"action": "supplement"},
    {"action": "complete_step", "note": "\x00"},
    {"action": "send_back", "note": "a\x00b"},
    {"action": "request_supplement", "items": ["S\x00"]},
    {"action": "assign", "assignee": "dl.tnmt\x00"},
    {"action": "withdraw", "reason": "\x00"},
    {"action": "stop", "reason": "\x00"},
    {"action": "apologize", "reason": "\x00", "new_due_at": "2030-03-01T10:00+07:00"},
    {"action": "apologize", "reason": "x", "new_due_at": "2030-03-01T10:00+07:00\x00"},
    {"action": "finish", "result_note": "\x00"},
    {"action": "return", "method": "counter\x00"},
    {"action": "\x00"},
]


@pytest.mark.parametrize("who", ["dl_motcua", "tnmt_head", "dl_chutich", "root"])
def test_malformed_actions_are_4xx_in_the_error_shape_and_change_nothing(api, dw, held, who):
    user = dw.tnmt_head if who == "tnmt_head" else getattr(dw.w, who)
    before = (counts(), snapshot(held.code))
    for body in BAD_ACTIONS:
        response = api("post", f"/dossiers/{held.code}/actions", user=user, data=body)
        assert_error_shape(response)
        assert (counts(), snapshot(held.code)) == before, body


@pytest.mark.parametrize(
    ("new_due_at", "code"),
    [
        ("2027-02-30T10:00+07:00", "request.bad_time"),
        ("tomorrow", "request.bad_time"),
        ("2030-03-01T10:00:00", "request.naive_time"),
        # parse, but cannot be kept in UTC or shown in +07:00 (was a 500)
        ("9999-12-31T23:59:59-12:00", "request.bad_time"),
        ("0001-01-01T00:00:00+14:00", "request.bad_time"),
    ],
)
def test_bad_appointment_times_are_400_with_the_field(api, dw, held, new_due_at, code):
    response = post_action(
        api, dw.tnmt_head, held.code, action="apologize", reason="x", new_due_at=new_due_at
    )
    assert response.status_code == 400
    assert error_code(response) == code
    assert set(response.json()["error"]["fields"]) == {"new_due_at"}


def test_an_unknown_action_is_400_naming_the_actions(api, dw, held):
    response = post_action(api, dw.w.dl_motcua, held.code, action="fly")
    assert response.status_code == 400
    assert error_code(response) == "dossier.unknown_action"
    assert "complete_step" in response.json()["error"]["fields"]["action"][0]


BAD_QUERIES: list[dict[str, Any]] = [
    {"status": "received"},
    {"status": 10**30},
    {"status": -1},
    {"agency": "NO.SUCH"},
    {"agency": HUGE},
    {"timeliness": "soon"},
    {"timeliness": HUGE},
    {"q": HUGE},
    {"cursor": HUGE},
    {"cursor": "eyJhIjogMX0"},
    {"limit": -5},
    {"limit": 10**30},
    {"q": "\x00"},
    {"agency": "DL.MC\x00"},
    {"timeliness": "late\x00"},
    {"cursor": "\x00"},
]


def test_malformed_list_queries_are_4xx_in_the_error_shape(api, dw, held):
    for params in BAD_QUERIES:
        response = api("get", "/dossiers", user=dw.w.dl_motcua, data=params)
        if response.status_code == 200:
            # a status nobody has is a filter that matches nothing, not an error
            assert "status" in params, params
            assert response.json()["items"] == []
            continue
        assert_error_shape(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [(HUGE, 404), ("DL.MC-000000-0000", 404), ("%00", 400), ("' OR 1=1 --", 404)],
)
def test_unknown_dossier_codes_are_404(api, dw, held, path, status):
    # a NUL character is refused for every API path before any lookup (400)
    for suffix in ["", "/events"]:
        response = api("get", f"/dossiers/{path}{suffix}", user=dw.w.root)
        assert response.status_code == status
        assert_error_shape(response)
    before = counts()
    response = post_action(api, dw.w.root, path, action="complete_step")
    assert response.status_code == status
    assert counts() == before


def test_the_list_costs_the_same_queries_for_two_dossiers_or_ten(api, dw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api("get", "/dossiers", user=dw.w.dl_chutich)  # the token, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api("get", "/dossiers", user=dw.w.dl_chutich)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        receive(dw, vn(2027, 2, 3, 10))
    few = queries()
    for _ in range(8):
        receive(dw, vn(2027, 2, 3, 10))
    assert queries() == few
