"""A citizen's misconduct report, followed by its code: the code is shown once filed (page
and API), and with it alone anyone may see when the report was received, what kind it is,
about which agency, where it stands and, once closed, the finding; never the investigator,
the description, the reporter or another report. A code that is wrong and one that is
nobody's get the same answer; the follow-up is rate-limited with the dossier look-up's
counters. Without the code nothing shows: officials who are not inspectors over the agency
get 404 on the report's page and in the API."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from motcua.inspections.models import MisconductReport
from tests.dossiers.world import DossierWorld, receive
from tests.inspections.misconduct_world import MisconductWorld, assign, build, close, report
from tests.portal.conftest import ID_NUMBER, look_up

pytestmark = pytest.mark.django_db
DESCRIPTION = "Chị Lan ở phòng TNMT đòi 2 triệu đồng mới nhận hồ sơ."
NOT_FOUND = {"error": {"code": "misconduct.not_found", "message": "No report has this code."}}


@pytest.fixture
def mw(dw: DossierWorld) -> MisconductWorld:
    return build(dw.w)


def text(response: Any) -> str:
    body = re.sub(r"</?strong[^>]*>", "", html.unescape(response.content.decode()))
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def browser(address: str = "10.0.0.1") -> Client:
    c = Client(REMOTE_ADDR=address)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def follow(client: Client, code: str) -> Any:
    return client.post("/portal/report/follow/", {"code": code})


def file_on_the_portal(citizen: Client) -> MisconductReport:
    response = citizen.post(
        "/portal/report/",
        {
            "kind": "asking_money",
            "description": DESCRIPTION,
            "agency": "DL.TNMT",
            "official": "Ngô Thị Lan",
            "reporter_name": "Trần Văn Bình",
            "reporter_contact": "0987654321",
        },
    )
    assert response.status_code == 302, text(response)
    assert response["Location"] == "/portal/report/sent/"
    return MisconductReport.objects.latest("pk")


def day(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


# -- the page ---------------------------------------------------------------------------------


def test_the_code_is_shown_prominently_once_the_report_is_sent(
    citizen: Client, mw: MisconductWorld
) -> None:
    r = file_on_the_portal(citizen)
    assert r.code is not None
    assert re.fullmatch(r"PA-[A-HJ-NP-Z2-9]{10}", r.code)
    sent = citizen.get("/portal/report/sent/")
    page = sent.content.decode()
    assert f'<strong class="fact-value" data-testid="report-code">{r.code}</strong>' in page
    assert (
        f"Follow-up code {r.code} Keep this code: write it down or take a photo of this page. "
        "With it, and only with it, you can follow your report here without logging in."
    ) in text(sent)
    assert f'<input type="hidden" name="code" value="{r.code}">' in page
    assert str(r.pk) not in re.findall(r'data-testid="report-code">([^<]+)<', page)


def test_the_sent_page_without_a_report_goes_back_to_the_form(citizen: Client, dw: Any) -> None:
    response = citizen.get("/portal/report/sent/")
    assert (response.status_code, response["Location"]) == (302, "/portal/report/")


def test_an_anonymous_report_is_followed_by_its_code_and_shows_nothing_of_the_investigation(
    citizen: Client, mw: MisconductWorld
) -> None:
    r = file_on_the_portal(citizen)
    other = report("DL.TNMT", at=timezone.now(), reporter_name="Người Khác")
    assign(mw.dl_insp, other, mw.tinh_insp, at=timezone.now())
    assert r.code is not None
    assert other.code is not None
    stranger = browser()  # another phone: no session, only the code
    assert stranger.get("/portal/report/follow/").status_code == 200
    received = follow(stranger, r.code)
    assert received.status_code == 200
    content = text(received)
    assert f"Report {r.code}. Received The inspectors have your report" in content
    assert (
        f"Received on {day(r.reported_at)} What happened Asking for money or gifts "
        "Agency Phòng Tài nguyên và Môi trường"
    ) in content

    assign(mw.dl_insp, r, mw.dl_insp2, days=3, at=timezone.now())
    r.refresh_from_db()
    investigating = text(follow(stranger, r.code))
    assert (
        f"Being investigated An investigator checks it; the investigation is due by "
        f"{day(r.due_at)}."
    ) in investigating

    close(mw.dl_insp2, r, action="Kiểm điểm, chuyển công tác khác", at=timezone.now())
    r.refresh_from_db()
    closed = text(follow(stranger, r.code))
    assert (
        f"Closed Closed on {day(r.closed_at)}. Your report was found to be substantiated. "
        "Action taken: Kiểm điểm, chuyển công tác khác"
    ) in closed

    for shown in (content, investigating, closed):
        for secret in (
            "Đặng Thị Tra",  # the investigator
            "dl.thanhtra",
            "Hoàng Văn Thanh",  # who assigned it
            "Lý Thị Tỉnh",  # the other report's investigator
            DESCRIPTION,
            "Ngô Thị Lan",  # the official named
            "Trần Văn Bình",  # the reporter
            "0987654321",
            "Người Khác",
            other.code,
            f"#{r.pk}",
        ):
            assert secret not in shown


def test_a_finding_not_substantiated_says_so_without_the_inspectors_note(
    citizen: Client, mw: MisconductWorld
) -> None:
    r = file_on_the_portal(citizen)
    close(mw.dl_insp, r, substantiated=False, action="Ghi chú nội bộ", at=timezone.now())
    assert r.code is not None
    content = text(follow(browser(), r.code))
    assert "The investigation did not find your report substantiated." in content
    assert "Ghi chú nội bộ" not in content
    assert "Action taken" not in content


def test_the_code_may_be_typed_in_small_letters_with_spaces(
    citizen: Client, mw: MisconductWorld
) -> None:
    r = file_on_the_portal(citizen)
    assert r.code is not None
    typed = f"pa {r.code[3:7].lower()} {r.code[7:]}"
    response = follow(browser(), typed)
    assert response.status_code == 200
    assert f"Report {r.code}." in text(response)


def test_a_wrong_code_and_an_unknown_one_get_the_same_answer(
    citizen: Client, mw: MisconductWorld
) -> None:
    r = file_on_the_portal(citizen)
    assert r.code is not None
    last = "B" if r.code[-1] != "B" else "C"
    answers = [
        follow(browser(f"10.0.1.{i}"), code)
        for i, code in enumerate(
            [r.code[:-1] + last, "PA-ABCDEFGHJK", "PA-12", "hello", "x" * 500, r.code + "Z"]
        )
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({text(a) for a in answers}) == 1
    assert "No report has this code." in text(answers[0])
    empty = follow(browser(), "")
    assert empty.status_code == 400
    assert "This field is required." in text(empty)


def test_the_follow_up_is_rate_limited_with_the_dossier_look_up(
    citizen: Client, mw: MisconductWorld, dw: DossierWorld
) -> None:
    r = file_on_the_portal(citizen)
    assert r.code is not None
    d = receive(dw, timezone.now() - timedelta(hours=1))
    phone = browser("10.0.9.9")
    for _ in range(5):
        assert look_up(phone, d.code, ID_NUMBER).status_code == 302
    for _ in range(4):
        assert follow(phone, r.code).status_code == 200
    assert phone.get(f"/api/v1/public/misconduct-reports/{r.code}").status_code == 200
    refused = follow(phone, r.code)
    assert refused.status_code == 429
    assert "Too many attempts. Please wait a few minutes and try again." in text(refused)
    assert f"Report {r.code}." not in text(refused)
    api = phone.get(f"/api/v1/public/misconduct-reports/{r.code}", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 429
    # another address is not held back
    assert follow(browser("10.0.9.10"), r.code).status_code == 200


def test_officials_without_an_inspector_s_role_over_the_agency_get_nothing(
    citizen: Client, mw: MisconductWorld, api: Callable[..., Any]
) -> None:
    r = file_on_the_portal(citizen)
    w = mw.w
    for official in [w.dl_chutich, mw.tnmt_head, w.dl_tnmt_cv, mw.tk_insp, mw.tnmt_insp]:
        page = browser()
        page.force_login(official)
        assert page.get(f"/inspections/misconduct/{r.pk}/").status_code == 404
        assert api("get", f"/misconduct-reports/{r.pk}", official).status_code == 404
        assert api("get", "/misconduct-reports", official).json()["items"] == []
    inspector = browser()
    inspector.force_login(mw.dl_insp)
    assert inspector.get(f"/inspections/misconduct/{r.pk}/").status_code == 200


# -- the public API ---------------------------------------------------------------------------


@pytest.fixture
def public(client: Client) -> Callable[..., Any]:
    def call(method: str, path: str, data: Any = None) -> Any:
        url = f"/api/v1/public{path}"
        if method == "get":
            return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    return call


def test_the_api_answers_the_code_and_follows_the_report_by_it(
    public: Callable[..., Any], mw: MisconductWorld
) -> None:
    created = public(
        "post",
        "/misconduct-reports",
        {"kind": "delay", "description": DESCRIPTION, "agency": "DL.TNMT"},
    )
    assert created.status_code == 201
    r = MisconductReport.objects.get()
    assert created.json()["code"] == r.code
    assert r.code is not None
    received_on = timezone.localtime(r.reported_at).date().isoformat()
    followed = public("get", f"/misconduct-reports/{r.code}")
    assert followed.status_code == 200
    assert followed.json() == {
        "code": r.code,
        "kind": "delay",
        "kind_label": "Deliberate delay",
        "agency": "DL.TNMT",
        "agency_name": "Phòng Tài nguyên và Môi trường",
        "received_on": received_on,
        "status": "new",
        "status_label": "Received",
        "due_on": None,
        "closed_on": None,
        "substantiated": None,
        "action_taken": None,
    }
    assign(mw.dl_insp, r, mw.dl_insp2, days=3, at=timezone.now())
    r.refresh_from_db()
    assert r.due_at is not None
    body = public("get", f"/misconduct-reports/{r.code.lower()}").json()
    assert (body["status"], body["status_label"], body["due_on"], body["closed_on"]) == (
        "handling",
        "Being investigated",
        timezone.localtime(r.due_at).date().isoformat(),
        None,
    )
    close(mw.dl_insp2, r, action="Kỷ luật khiển trách", at=timezone.now())
    r.refresh_from_db()
    assert r.closed_at is not None
    closed = public("get", f"/misconduct-reports/{r.code}").json()
    assert {k: closed[k] for k in ("status", "due_on", "closed_on", "substantiated")} == {
        "status": "closed",
        "due_on": None,
        "closed_on": timezone.localtime(r.closed_at).date().isoformat(),
        "substantiated": True,
    }
    assert closed["action_taken"] == "Kỷ luật khiển trách"
    assert "dl.thanhtra2" not in followed.content.decode() + str(body) + str(closed)


@pytest.mark.parametrize(
    "code", ["PA-ABCDEFGHJK", "PA-12", "hello", "x" * 300, "PA-ABCDEFGHJK-", "%ff", "Đô Lương"]
)
def test_the_api_answers_the_same_404_for_any_code_it_does_not_know(
    public: Callable[..., Any], mw: MisconductWorld, code: str
) -> None:
    report()
    response = public("get", f"/misconduct-reports/{code}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
