"""The officials' dossier pages: the counter, my work, the dossier with its actions, the
apology letter, the return desk, the printed forms and the files.

The clock is fixed at NOW (Wednesday 3 March 2027, 09:00 in Vietnam) for the pages and
the services alike, so due times and remaining working time are exact."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers import files, pages, services
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierStatus,
    PersonalDataView,
)
from motcua.notifications.models import Medium, Notification
from motcua.procedures import selectors as procedure_selectors
from tests.dossiers.world import DossierWorld, build, receive, vn

NOW = vn(2027, 3, 3, 9, 0)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DOCS = ["Đơn đăng ký biến động", "Giấy chứng nhận quyền sử dụng đất", "Giấy ủy quyền"]


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def dw(world: Any) -> DossierWorld:
    return build(world)


def login(client: Client, official: Any) -> Client:
    client.force_login(official)
    return client


def act(dossier: Dossier, actor: Any, action: str, at: datetime, **payload: Any) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def html(response: Any) -> str:
    return response.content.decode()


def counter_data(**changes: Any) -> dict[str, Any]:
    data = {
        "agency": "DL.MC",
        "channel": "counter",
        "procedure": "MAU.DAT.01",
        "applicant_type": "person",
        "full_name": "Nguyễn Văn An",
        "id_number": "040123456789",
        "phone": "0912345678",
        "email": "an@example.vn",
        "address": "Xóm 3, xã Đông Sơn",
        "doc-0-given": "1",
        "doc-0-copies": "2",
        "doc-1-given": "1",
        "doc-1-copies": "1",
        "op": "receive",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# -- who may open what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/counter/",
        "/dossiers/my/",
        "/dossiers/returns/",
        "/dossiers/DL.MC-270303-0001/",
        "/dossiers/DL.MC-270303-0001/forms/01.pdf",
        "/dossiers/files/" + "a" * 64,
    ],
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: Any, path: str):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize("who", ["dl_tnmt_cv", "dl_chutich", "nobody"])
def test_the_counter_and_the_return_desk_are_for_one_stop_officers(client, dw, who):
    login(client, getattr(dw.w, who))
    assert client.get("/dossiers/counter/").status_code == 403
    assert client.get("/dossiers/returns/").status_code == 403
    response = client.get("/dossiers/counter/procedures.json", {"agency": "DL.MC", "q": "dat"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "dossier.forbidden"


def test_the_counter_renders_for_a_one_stop_officer(client, dw):
    response = login(client, dw.w.dl_motcua).get("/dossiers/counter/")
    assert response.status_code == 200
    page = html(response)
    assert "data-counter-form" in page
    assert 'name="agency" value="DL.MC"' in page
    assert "data-procedure-input" in page
    assert "/static/dossiers/counter.js" in page
    # the nav offers the counter and the return desk to a one-stop officer only
    assert 'data-nav="counter"' in page
    assert 'data-nav="counter"' not in html(login(Client(), dw.w.dl_tnmt_cv).get("/"))


def test_a_dossier_of_another_district_is_not_found(client, dw):
    d = receive(dw, vn(2027, 3, 2, 9))
    login(client, dw.w.tk_motcua)
    assert client.get(f"/dossiers/{d.code}/").status_code == 404
    assert client.get(f"/dossiers/{d.code}/receipt/").status_code == 404
    assert client.get(f"/dossiers/{d.code}/forms/01.pdf").status_code == 404
    assert client.get(f"/dossiers/{d.code}/apology/").status_code == 404
    response = client.post(f"/dossiers/{d.code}/act/", {"action": "withdraw", "reason": "x"})
    assert response.status_code == 404
    assert Dossier.objects.get(pk=d.pk).status == DossierStatus.RECEIVED


# -- the counter's picker and appointment ----------------------------------------------------


def test_procedures_are_found_by_words_without_accents(client, dw):
    login(client, dw.w.dl_motcua)
    response = client.get(
        "/dossiers/counter/procedures.json", {"agency": "DL.MC", "q": "dang ky bien dong"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"code": "MAU.DAT.01", "name": "Đăng ký biến động đất đai (mẫu)", "competent": True}
        ]
    }
    nothing = client.get("/dossiers/counter/procedures.json", {"agency": "DL.MC", "q": "khai sinh"})
    assert nothing.json() == {"results": []}
    # an agency the officer does not work at
    assert (
        client.get("/dossiers/counter/procedures.json", {"agency": "TK.MC", "q": "dat"}).status_code
        == 403
    )


def test_a_procedure_of_another_unit_is_offered_marked_not_competent(client, dw):
    login(client, dw.w.tk_motcua)
    response = client.get("/dossiers/counter/procedures.json", {"agency": "TK.MC", "q": "DAT dai"})
    assert response.json()["results"] == [
        {"code": "MAU.DAT.01", "name": "Đăng ký biến động đất đai (mẫu)", "competent": False}
    ]


def test_the_appointment_is_the_due_time_reception_gives(client, dw):
    login(client, dw.w.dl_motcua)
    response = client.get(
        "/dossiers/counter/procedure.json", {"agency": "DL.MC", "code": "MAU.DAT.01"}
    )
    assert response.status_code == 200
    info = response.json()
    received = receive(dw, NOW)  # the same moment, through the service
    assert received.due_at is not None
    assert info["due_at"] == timezone.localtime(received.due_at).isoformat()
    assert info["due_text"] == timezone.localtime(received.due_at).strftime("%H:%M %d/%m/%Y")
    assert info["competent"] is True
    assert info["time_limit"] == "5 ngày làm việc" or info["time_limit"].startswith("5 ")
    assert [(d["index"], d["name"], d["mandatory"]) for d in info["documents"]] == [
        (0, DOCS[0], True),
        (1, DOCS[1], True),
        (2, DOCS[2], False),
    ]
    unknown = client.get("/dossiers/counter/procedure.json", {"agency": "DL.MC", "code": "NOPE"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "procedure.not_found"


def test_the_page_appointment_uses_the_versions_limit_and_the_agencys_calendar(dw):
    version = procedure_selectors.version_in_force(procedure=dw.procedure, at=NOW)
    at = vn(2027, 3, 5, 16, 30)  # a Friday afternoon
    deadline = pages.appointment(version=version, agency=dw.w.dl_one_stop, now=at)
    assert deadline.due_at == receive(dw, at).due_at


# -- reception at the counter ----------------------------------------------------------------


def test_the_counter_receives_exactly_what_was_typed_and_prints_the_receipt(client, dw, media):
    login(client, dw.w.dl_motcua)
    data = counter_data()
    data["doc-1-file"] = io.BytesIO(PDF)
    data["doc-1-file"].name = "so-do.pdf"
    response = client.post("/dossiers/counter/", data)
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert response["Location"] == f"/dossiers/{d.code}/receipt/"
    assert d.code == "DL.MC-270303-0001"
    assert (d.status, d.channel, d.agency, d.procedure) == (
        DossierStatus.RECEIVED,
        "counter",
        dw.w.dl_one_stop,
        dw.procedure,
    )
    assert (
        d.applicant_type,
        d.applicant_name,
        d.applicant_id_number,
        d.applicant_phone,
        d.applicant_email,
        d.applicant_address,
    ) == (
        "person",
        "Nguyễn Văn An",
        "040123456789",
        "0912345678",
        "an@example.vn",
        "Xóm 3, xã Đông Sơn",
    )
    sha = files.file_get(DossierDocument.objects.get(dossier=d, name=DOCS[1]).file_sha256).sha256
    assert list(d.documents.values_list("name", "copies", "file_sha256", "origin")) == [
        (DOCS[0], 2, "", "paper"),
        (DOCS[1], 1, sha, "digitised"),
    ]
    assert d.received_at == NOW
    receipt = client.get(response["Location"])
    page = html(receipt)
    assert receipt.status_code == 200
    assert f'href="/dossiers/{d.code}/forms/01.pdf"' in page
    assert 'aria-keyshortcuts="Alt+P Control+P"' in page
    assert "/static/dossiers/receipt.js" in page
    pdf = client.get(f"/dossiers/{d.code}/forms/01.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_incomplete_dossier_keeps_the_form_and_lists_what_is_missing(client, dw):
    login(client, dw.w.dl_motcua)
    response = client.post("/dossiers/counter/", counter_data(**{"doc-1-given": None}))
    assert response.status_code == 400
    page = html(response)
    assert 'value="Nguyễn Văn An"' in page
    assert 'value="040123456789"' in page
    assert 'value="an@example.vn"' in page
    assert 'value="MAU.DAT.01"' in page
    missing = re.search(r"data-missing-list>(.*?)</div>", page, re.S)
    assert missing is not None
    assert re.findall(r"<li>(.*?)</li>", missing.group(1)) == [DOCS[1]]
    # the row is marked, the ticked one stays ticked with its copies
    assert re.search(r'<tr data-doc="1" class="missing" data-missing>', page)
    assert re.search(r'name="doc-0-given" id="doc-0-given" value="1" checked', page)
    assert 'name="doc-0-copies" min="1" max="100" value="2"' in page
    assert "data-print-form02" in page
    assert 'formaction="/dossiers/counter/form02.pdf"' in page
    assert Dossier.objects.count() == 0
    # Form 02 from what was typed
    pdf = client.post("/dossiers/counter/form02.pdf", counter_data(**{"doc-1-given": None}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert Dossier.objects.count() == 0


def test_form_02_needs_something_missing_and_a_name(client, dw):
    login(client, dw.w.dl_motcua)
    complete = client.post("/dossiers/counter/form02.pdf", counter_data())
    assert complete.status_code == 400
    nameless = client.post(
        "/dossiers/counter/form02.pdf", counter_data(full_name="", **{"doc-1-given": None})
    )
    assert nameless.status_code == 400


def test_invalid_applicant_data_are_shown_next_to_their_inputs(client, dw):
    login(client, dw.w.dl_motcua)
    response = client.post("/dossiers/counter/", counter_data(id_number="12345", phone="123"))
    assert response.status_code == 400
    page = html(response)
    assert re.search(r'class="field invalid" data-field="id_number">.*?field-error', page, re.S)
    assert re.search(r'class="field invalid" data-field="phone">.*?field-error', page, re.S)
    assert 'value="12345"' in page
    assert Dossier.objects.count() == 0


def test_an_unknown_procedure_is_an_error_at_the_picker(client, dw):
    login(client, dw.w.dl_motcua)
    response = client.post("/dossiers/counter/", counter_data(procedure="NOPE"))
    assert response.status_code == 400
    assert re.search(r'class="field invalid" data-field="procedure"', html(response))


def test_a_nul_character_is_refused_not_a_server_error(client, dw):
    login(client, dw.w.dl_motcua)
    response = client.post("/dossiers/counter/", counter_data(full_name="An\x00"))
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


def test_a_procedure_outside_the_units_competence_is_refused_with_form_03(client, dw):
    login(client, dw.w.tk_motcua)
    data = counter_data(agency="TK.MC")
    response = client.post("/dossiers/counter/", data)
    assert response.status_code == 400
    assert "data-not-competent" in html(response)
    assert Dossier.objects.count() == 0
    # no reasons: the form says so, next to the reasons
    empty = client.post("/dossiers/counter/", {**data, "op": "refuse", "reasons": " \n "})
    assert empty.status_code == 400
    assert re.search(r'data-field="reasons">.*?field-error', html(empty), re.S)
    refused = client.post(
        "/dossiers/counter/",
        {**data, "op": "refuse", "reasons": "Không thuộc thẩm quyền\nNộp tại Đô Lương"},
    )
    assert refused.status_code == 302
    d = Dossier.objects.get()
    assert (d.status, d.agency, d.end_reason) == (
        DossierStatus.REFUSED,
        dw.w.tk_one_stop,
        "Không thuộc thẩm quyền\nNộp tại Đô Lương",
    )
    page = html(client.get(refused["Location"]))
    assert f'href="/dossiers/{d.code}/forms/03.pdf?event=1"' in page
    pdf = client.get(f"/dossiers/{d.code}/forms/03.pdf?event=1")
    assert pdf["Content-Type"] == "application/pdf"


def test_online_submissions_wait_at_the_counter_and_are_received_there(client, dw):
    online = services.dossier_submit_online(
        procedure=dw.procedure,
        agency=dw.w.dl_one_stop,
        applicant=services.ApplicantData(full_name="Lê Văn Bình", id_number="040111222333"),
        documents=[services.DocumentIn(DOCS[0]), services.DocumentIn(DOCS[1])],
        at=vn(2027, 3, 2, 20),
    )
    login(client, dw.w.dl_motcua)
    page = html(client.get("/dossiers/counter/"))
    assert f'<tr data-code="{online.code}">' in page
    response = client.post(
        f"/dossiers/{online.code}/act/",
        {"action": "receive", "expected_version": "1", "next": "/dossiers/counter/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/dossiers/{online.code}/receipt/"
    online.refresh_from_db()
    assert online.status == DossierStatus.RECEIVED
    assert online.received_at == NOW
    assert f'data-code="{online.code}"' not in html(client.get("/dossiers/counter/"))


def test_an_online_submission_refused_at_the_counter_needs_reasons(client, dw):
    online = services.dossier_submit_online(
        procedure=dw.procedure,
        agency=dw.w.dl_one_stop,
        applicant=services.ApplicantData(full_name="Lê Văn Bình", id_number="040111222333"),
        documents=[services.DocumentIn(DOCS[0])],
        at=vn(2027, 3, 2, 20),
    )
    login(client, dw.w.dl_motcua)
    url = f"/dossiers/{online.code}/act/"
    back = {"action": "refuse", "expected_version": "1", "next": "/dossiers/counter/"}
    response = client.post(url, {**back, "reasons": ""}, follow=True)
    assert response.redirect_chain == [("/dossiers/counter/", 302)]
    assert 'class="error"' in html(response)
    online.refresh_from_db()
    assert online.status == DossierStatus.SUBMITTED_ONLINE
    client.post(url, {**back, "reasons": "Thiếu giấy chứng nhận"})
    online.refresh_from_db()
    assert (online.status, online.end_reason) == (DossierStatus.REFUSED, "Thiếu giấy chứng nhận")


# -- my work ---------------------------------------------------------------------------------


def codes_in_order(page: str, queue: str) -> list[str]:
    section = re.search(rf'data-queue="{queue}".*?</section>', page, re.S)
    assert section is not None
    return re.findall(r'<tr class="row-\w+" data-step="\d+" data-code="([^"]+)"', section.group(0))


def test_my_work_lists_steps_by_remaining_working_time_overdue_first(client, dw):
    w = dw.w
    # step 1 (4 office hours at the one-stop) of each: due at different times
    fresh = receive(dw, vn(2027, 3, 3, 8, 30))  # due 13:30 today (in time)
    old = receive(dw, vn(2027, 3, 1, 8, 0))  # due Monday noon: overdue
    middle = receive(dw, vn(2027, 3, 2, 15, 0))
    second = receive(dw, vn(2027, 3, 2, 8, 0))
    response = login(client, w.dl_motcua).get("/dossiers/my/")
    assert response.status_code == 200
    page = html(response)
    order = codes_in_order(page, "mine")
    assert order == [old.code, second.code, middle.code, fresh.code]
    seconds = [int(s) for s in re.findall(r'<tr class="row-\w+" [^>]*data-seconds="(-?\d+)"', page)]
    assert seconds == sorted(seconds)
    engine = pages.engine_for(w.dl_one_stop)
    assert seconds[0] == engine.remaining_seconds(old.steps.get().due_at, NOW)
    assert 'class="time time-late"' in page
    assert 'class="time time-warn"' in page  # 4h30 left today: under one working day
    # every free step offers "take"
    assert page.count('data-action="take"') == 4


def test_taking_a_free_step_from_my_work_names_the_official(client, dw):
    d = receive(dw, vn(2027, 3, 3, 8, 30))
    login(client, dw.w.dl_motcua)
    response = client.post(
        f"/dossiers/{d.code}/act/",
        {"action": "take", "expected_version": str(d.revision), "next": "/dossiers/my/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dossiers/my/"
    step = d.steps.get()
    assert step.assignee == dw.w.dl_motcua
    page = html(client.get("/dossiers/my/"))
    assert codes_in_order(page, "mine") == [d.code]
    assert 'data-action="take"' not in page


def test_a_head_sees_the_steps_of_the_agency_and_assigns_them(client, dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 2, 8))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 2, 9))  # step 2 at the land division
    login(client, dw.tnmt_head)
    page = html(client.get("/dossiers/my/"))
    assert codes_in_order(page, "head") == [d.code]
    assert 'data-action="assign"' in page
    assert '<option value="dl.tnmt.cv">Ngô Thị Lan</option>' in page
    response = client.post(
        f"/dossiers/{d.code}/act/",
        {
            "action": "assign",
            "assignee": "dl.tnmt.cv",
            "expected_version": str(d.revision),
            "next": "/dossiers/my/",
        },
    )
    assert response.status_code == 302
    assert d.steps.get(finished_at__isnull=True).assignee == w.dl_tnmt_cv
    # now the official's own work
    mine = html(login(Client(), w.dl_tnmt_cv).get("/dossiers/my/"))
    assert codes_in_order(mine, "mine") == [d.code]


def test_my_notifications_are_listed(client, dw):
    Notification.objects.create(
        medium=Medium.EMAIL,
        recipient="lan@x.vn",
        official=dw.w.dl_tnmt_cv,
        subject="Sắp đến hạn",
        body="Hồ sơ DL.MC-1 còn 1 ngày",
    )
    Notification.objects.create(
        medium=Medium.EMAIL, recipient="other@x.vn", subject="Người khác", body="..."
    )
    page = html(login(client, dw.w.dl_tnmt_cv).get("/dossiers/my/"))
    assert "Sắp đến hạn" in page
    assert "Người khác" not in page


def test_the_home_page_shows_my_work_first_and_still_my_roles(client, dw):
    d = receive(dw, vn(2027, 3, 3, 8, 30))
    page = html(login(client, dw.w.dl_motcua).get("/"))
    assert page.index('data-queue="mine"') < page.index("Bộ phận Một cửa Đô Lương</a>")
    assert codes_in_order(page, "mine") == [d.code]
    # without a dossier role: no queue
    assert 'data-queue="mine"' not in html(login(Client(), dw.w.nobody).get("/"))


def test_my_work_reads_a_fixed_number_of_queries(client, dw, django_assert_max_num_queries):
    w = dw.w
    login(client, dw.tnmt_head)
    for hour in (8, 9, 10):
        d = receive(dw, vn(2027, 3, 2, hour))
        act(d, w.dl_motcua, "complete_step", vn(2027, 3, 2, hour, 30))
    client.get("/dossiers/my/")  # warm the calendar cache
    with django_assert_max_num_queries(14) as few:
        assert client.get("/dossiers/my/").status_code == 200
    for hour in (11, 13, 14, 15, 16):
        d = receive(dw, vn(2027, 3, 2, hour))
        act(d, w.dl_motcua, "complete_step", vn(2027, 3, 2, hour, 30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(client.get("/dossiers/my/"))
    assert len(codes_in_order(page, "head")) == 8


# -- the dossier page ------------------------------------------------------------------------


def test_the_dossier_page_masks_personal_data_unless_the_official_handles_it(client, dw):
    d = receive(dw, vn(2027, 3, 2, 9))
    # the chairman browses: masked, nothing logged
    page = html(login(client, dw.w.dl_chutich).get(f"/dossiers/{d.code}/"))
    assert "<dd data-id-number>*********789</dd>" in page
    assert "<dd data-phone>*******678</dd>" in page
    assert "040123456789" not in page
    assert "0912345678" not in page
    assert PersonalDataView.objects.count() == 0
    # the one-stop officer who received it: in full, and the view is logged
    page = html(login(Client(), dw.w.dl_motcua).get(f"/dossiers/{d.code}/"))
    assert "<dd data-id-number>040123456789</dd>" in page
    assert "<dd data-phone>0912345678</dd>" in page
    assert list(PersonalDataView.objects.values_list("official", "dossier", "via")) == [
        (dw.w.dl_motcua.pk, d.pk, "page")
    ]


def test_the_dossier_page_shows_only_the_actions_open_to_the_official(client, dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 2, 9))

    def offered(official: Any) -> set[str]:
        page = html(login(Client(), official).get(f"/dossiers/{d.code}/"))
        section = re.search(r"data-actions>.*?</section>", page, re.S)
        return set(re.findall(r'data-action="(\w+)"', section.group(0))) if section else set()

    assert offered(w.dl_motcua) == {
        "take",
        "complete_step",
        "forward",
        "request_supplement",
        "request_payment",
        "withdraw",
    }
    assert offered(w.dl_tnmt_cv) == set()  # the step is at the one-stop
    # the chairman directs the district: may stop, or apologise for a one-stop delay
    assert offered(w.dl_chutich) == {"stop", "apologize"}
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 2, 10))
    assert offered(dw.tnmt_head) == {
        "assign",
        "complete_step",
        "forward",
        "request_supplement",
        "request_payment",
        "send_back",
        "apologize",
        "stop",
    }
    assert offered(w.dl_tnmt_cv) == {
        "take",
        "complete_step",
        "forward",
        "request_supplement",
        "request_payment",
        "send_back",
    }


def test_the_dossier_page_has_the_timeline_history_control_sheet_and_forms(client, dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "request_supplement", vn(2027, 3, 1, 11), items=["Bản sao sổ đỏ"])
    page = html(login(client, w.dl_motcua).get(f"/dossiers/{d.code}/"))
    assert re.findall(r'<tr data-event="(\d+)" data-event-action="(\w+)"', page) == [
        ("1", "receive"),
        ("2", "complete_step"),
        ("3", "request_supplement"),
    ]
    assert re.findall(r'<li class="(\w+)" data-step="(\d)"', page) == [
        ("done", "1"),
        ("current", "2"),
    ]
    assert "data-control-sheet" in page
    assert re.findall(r'data-form="(\d\d)"', page) == ["01", "02", "05"]
    assert f'href="/dossiers/{d.code}/forms/02.pdf?event=3"' in page
    assert 'class="time time-paused"' in page
    for url in ("01.pdf", "02.pdf?event=3", "02.pdf", "05.pdf"):
        response = client.get(f"/dossiers/{d.code}/forms/{url}")
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
    # forms the dossier does not have
    assert client.get(f"/dossiers/{d.code}/forms/04.pdf").status_code == 404
    assert client.get(f"/dossiers/{d.code}/forms/02.pdf?event=1").status_code == 404
    assert client.get(f"/dossiers/{d.code}/forms/02.pdf?event=x").status_code == 404
    assert client.get(f"/dossiers/{d.code}/forms/06.pdf").status_code == 404
    # the one-stop officer records the supplement: the clock resumes
    assert 'data-action="supplement"' in page
    response = client.post(
        f"/dossiers/{d.code}/act/",
        {
            "action": "supplement",
            "expected_version": "3",
            "doc_name_0": "Bản sao sổ đỏ",
            "note": "Đã nộp",
        },
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == DossierStatus.HANDLING
    assert d.documents.filter(name="Bản sao sổ đỏ").count() == 1


def test_a_stale_page_gets_a_clear_message_and_changes_nothing(client, dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 2, 9))
    login(client, w.dl_motcua)
    stale = d.revision
    act(d, w.dl_motcua, "assign", vn(2027, 3, 2, 10), assignee="dl.motcua")  # meanwhile
    d.refresh_from_db()
    before = (d.revision, d.status, list(d.steps.values_list("finished_at", flat=True)))
    response = client.post(
        f"/dossiers/{d.code}/act/",
        {"action": "complete_step", "expected_version": str(stale), "note": "xong"},
    )
    assert response.status_code == 409
    page = html(response)
    assert 'data-error="dossier.changed"' in page
    assert "Hồ sơ vừa được người khác thay đổi" in page  # translated in the catalogue
    d.refresh_from_db()
    assert (d.revision, d.status, list(d.steps.values_list("finished_at", flat=True))) == before


def test_an_action_error_is_shown_next_to_its_form(client, dw):
    d = receive(dw, vn(2027, 3, 2, 9))
    login(client, dw.w.dl_motcua)
    response = client.post(
        f"/dossiers/{d.code}/act/",
        {"action": "request_payment", "expected_version": str(d.revision), "amount_vnd": "abc"},
    )
    assert response.status_code == 400
    page = html(response)
    form = re.search(r'data-action="request_payment">(.*?)</form>', page, re.S)
    assert form is not None
    assert 'data-error="dossier.invalid"' in form.group(1)
    assert 'value="abc"' in form.group(1)
    d.refresh_from_db()
    assert d.status == DossierStatus.RECEIVED
    bad_version = client.post(
        f"/dossiers/{d.code}/act/", {"action": "withdraw", "expected_version": "x", "reason": "y"}
    )
    assert bad_version.status_code == 400
    unknown = client.post(f"/dossiers/{d.code}/act/", {"action": "explode"})
    assert unknown.status_code == 400
    forbidden = login(Client(), dw.w.dl_chutich).post(
        f"/dossiers/{d.code}/act/", {"action": "complete_step", "expected_version": "1"}
    )
    assert forbidden.status_code == 403
    d.refresh_from_db()
    assert (d.status, d.revision) == (DossierStatus.RECEIVED, 1)


def test_the_dossier_page_reads_a_fixed_number_of_queries(
    client, dw, django_assert_max_num_queries
):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt")
    login(client, dw.tnmt_head)
    client.get(f"/dossiers/{d.code}/")
    with django_assert_max_num_queries(30) as few:
        assert client.get(f"/dossiers/{d.code}/").status_code == 200
    # many more events and steps: not more queries
    for day in (2, 3):
        d = act(d, dw.tnmt_head, "request_supplement", vn(2027, 3, day, 8), items=["a", "b"])
        d = act(d, w.dl_motcua, "supplement", vn(2027, 3, day, 8, 30), note="ok")
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 3, 8, 40), assignee="dl.tnmt.cv")
    d = act(d, w.dl_tnmt_cv, "send_back", vn(2027, 3, 3, 8, 45), note="lại")
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 3, 8, 50))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/dossiers/{d.code}/").status_code == 200


# -- the apology letter ----------------------------------------------------------------------


def test_the_head_of_the_handling_agency_issues_an_apology_with_a_new_appointment(client, dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    url = f"/dossiers/{d.code}/apology/"
    assert login(Client(), w.dl_tnmt_cv).get(url).status_code == 403
    assert login(Client(), w.dl_motcua).get(url).status_code == 403
    login(client, dw.tnmt_head)
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="datetime-local"' in html(page)
    early = client.post(
        url,
        {"reason": "Chờ xác minh", "new_due_at": "2027-03-01T10:00", "expected_version": "2"},
    )
    assert early.status_code == 400
    assert re.search(r'data-field="new_due_at">.*?field-error', html(early), re.S)
    response = client.post(
        url,
        {"reason": "Chờ xác minh", "new_due_at": "2027-03-12T16:30", "expected_version": "2"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?issued=3"
    d.refresh_from_db()
    assert d.appointment_at == vn(2027, 3, 12, 16, 30)  # read as Vietnam time
    done = html(client.get(response["Location"]))
    assert f'href="/dossiers/{d.code}/forms/04.pdf?event=3"' in done
    pdf = client.get(f"/dossiers/{d.code}/forms/04.pdf?event=3")
    assert pdf["Content-Type"] == "application/pdf"


# -- the return desk -------------------------------------------------------------------------


def finished(dw: DossierWorld, at: datetime, name: str = "Nguyễn Văn An") -> Dossier:
    w = dw.w
    d = receive(
        dw,
        at,
        applicant=services.ApplicantData(full_name=name, id_number="040123456789"),
    )
    d = act(d, w.dl_motcua, "complete_step", at.replace(hour=10))
    d = act(d, dw.tnmt_head, "complete_step", at.replace(hour=11))
    return act(d, w.dl_chutich, "finish", at.replace(hour=14), result_note="Đã cấp")


def test_the_return_desk_lists_results_to_return_and_records_the_return(client, dw):
    a = finished(dw, vn(2027, 3, 1, 9), "Nguyễn Văn An")
    b = finished(dw, vn(2027, 3, 2, 9), "Trần Thị Bích")
    receive(dw, vn(2027, 3, 2, 9))  # still being handled
    login(client, dw.w.dl_motcua)
    page = html(client.get("/dossiers/returns/"))
    assert re.findall(r'<tr data-code="([^"]+)">', page) == [a.code, b.code]
    found = html(client.get("/dossiers/returns/", {"q": "Bích"}))
    assert re.findall(r'<tr data-code="([^"]+)">', found) == [b.code]
    by_code = html(client.get("/dossiers/returns/", {"q": a.code[-4:]}))
    assert a.code in by_code
    response = client.post(
        f"/dossiers/{a.code}/act/",
        {
            "action": "return",
            "method": "post",
            "expected_version": str(a.revision),
            "next": "/dossiers/returns/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dossiers/returns/"
    a.refresh_from_db()
    assert (a.status, a.return_method, a.returned_at) == (DossierStatus.RETURNED, "post", NOW)
    assert re.findall(r'<tr data-code="([^"]+)">', html(client.get("/dossiers/returns/"))) == [
        b.code
    ]
    # another district's officer does not see them
    assert b.code not in html(login(Client(), dw.w.tk_motcua).get("/dossiers/returns/"))


def test_an_unsafe_next_address_is_ignored(client, dw):
    a = finished(dw, vn(2027, 3, 1, 9))
    login(client, dw.w.dl_motcua)
    response = client.post(
        f"/dossiers/{a.code}/act/",
        {"action": "return", "method": "counter", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/dossiers/{a.code}/"


# -- files -----------------------------------------------------------------------------------


def test_a_file_is_downloaded_by_those_who_may_see_a_dossier_holding_it(client, dw, media):
    stored = files.file_store(data=io.BytesIO(PDF), name="don.pdf", by=dw.w.dl_motcua)
    d = receive(
        dw,
        vn(2027, 3, 2, 9),
        documents=[
            services.DocumentIn(DOCS[0], 1, stored.sha256),
            services.DocumentIn(DOCS[1]),
        ],
    )
    login(client, dw.w.dl_motcua)
    page = html(client.get(f"/dossiers/{d.code}/"))
    assert f'href="/dossiers/files/{stored.sha256}"' in page
    response = client.get(f"/dossiers/files/{stored.sha256}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="don.pdf"' in response["Content-Disposition"]
    other = login(Client(), dw.w.tk_motcua)
    assert other.get(f"/dossiers/files/{stored.sha256}").status_code == 404
    assert client.get("/dossiers/files/" + "0" * 64).status_code == 404
    assert client.get("/dossiers/files/not-a-digest").status_code == 404


def test_printed_forms_show_contact_data_only_to_those_who_handle_the_dossier(client, dw):
    from pypdf import PdfReader

    from motcua.dossiers.models import PersonalDataView

    d = receive(dw, vn(2026, 11, 2, 9))

    def text(official: Any) -> str:
        response = login(Client(), official).get(f"/dossiers/{d.code}/forms/01.pdf")
        assert response.status_code == 200
        pdf = PdfReader(io.BytesIO(response.content))
        return "".join(p.extract_text() for p in pdf.pages)

    full = text(dw.w.dl_motcua)
    assert d.applicant_phone in full
    assert PersonalDataView.objects.filter(official=dw.w.dl_motcua, via="pdf").count() == 1
    # the district's chairman may see the dossier but does not handle its first step
    masked = text(dw.w.dl_chutich)
    assert d.applicant_phone not in masked
    assert "*******" + d.applicant_phone[-3:] in masked
    assert not PersonalDataView.objects.filter(official=dw.w.dl_chutich).exists()


@pytest.mark.parametrize("seq", ["²", "٣", "9" * 40])
def test_a_strange_event_number_is_a_404_not_a_server_error(client, dw, seq):
    d = receive(dw, vn(2026, 11, 2, 9))
    response = login(client, dw.w.dl_motcua).get(f"/dossiers/{d.code}/forms/02.pdf?event={seq}")
    assert response.status_code == 404
