"""End to end in Chromium, a dossier's whole life through the real pages: the one-stop
officer receives it at the counter and opens its receipt (Form 01); the land division's
official takes and completes the appraisal; the chairman signs and finishes it with the
result; the officer returns the result at the return desk; the citizen, in a browser of
their own, looks the dossier up and rates the service. Only the org/catalogue world is
built through services; everything after goes through the browser."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from motcua.dossiers import ledger
from motcua.dossiers.models import Dossier, DossierStatus, Rating
from motcua.org.models import Official
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_catalogue_flow import log_in
from tests.dossiers.world import build

if TYPE_CHECKING:
    from playwright.sync_api import APIResponse, Browser, Route
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

APPLICANT = "Trần Thị Bích Ngọc"
ID_NUMBER = "040198765432"
RESULT_NOTE = "Đã chỉnh lý biến động trên Giấy chứng nhận"
COMMENT = "Cán bộ hướng dẫn tận tình, trả kết quả sớm."


def log_out(page: Page, live_server: LiveServer) -> None:
    page.locator("button[data-action=logout]").click()
    expect(page).to_have_url(f"{live_server.url}/login/")


def switch_to(page: Page, live_server: LiveServer, official: Official) -> None:
    log_out(page, live_server)
    log_in(page, live_server, official)


def status_of(page: Page) -> str | None:
    """The dossier page's status code (DossierStatus value), language-independent."""
    return page.locator("header.dossier-head").get_attribute("data-status")


def act(page: Page, action: str, fields: dict[str, str]) -> None:
    """Open an action's <details> on the dossier page, fill it and send it."""
    form = page.locator(f"form[data-action={action}]")
    page.locator(f"details.action:has(form[data-action={action}]) > summary").click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def receive_at_counter(page: Page) -> str:
    """The officer types the procedure without diacritics, ticks the two mandatory
    documents, types the applicant and receives; returns the code on the receipt page."""
    page.goto("/dossiers/counter/")
    page.locator("[data-procedure-input]").fill("dang ky bien dong")
    option = page.locator("#procedure-list li[role=option]")
    expect(option).to_have_count(1)
    option.click()
    expect(page.locator("[data-procedure-input]")).to_have_value("MAU.DAT.01")
    expect(page.locator("[data-checklist] tbody tr")).to_have_count(3)
    page.locator("#doc-0-given").check()
    page.locator("#doc-1-given").check()
    page.locator("#id_full_name").fill(APPLICANT)
    page.locator("#id_id_number").fill(ID_NUMBER)
    page.locator("#id_phone").fill("0912345678")
    page.locator("button[data-op=receive]").click()
    expect(page).to_have_url(re.compile(r"/dossiers/[^/]+/receipt/$"))
    code = page.locator("h1 [data-code]").inner_text().strip()
    assert re.fullmatch(r"DL\.MC-\d{6}-\d{4}", code), code
    return code


def open_receipt_pdf(page: Page, live_server: LiveServer, code: str) -> APIResponse:
    """Click the receipt's print button: Form 01 opens in a new tab. Chromium's PDF viewer
    hides the document's own response, so the request is passed on through a route that
    keeps the response the server sent the tab."""
    url = f"/dossiers/{code}/forms/01.pdf"
    printed = page.locator("a[data-print]")
    expect(printed).to_have_attribute("href", url)
    served: list[APIResponse] = []

    def keep(route: Route) -> None:
        response = route.fetch()
        served.append(response)
        route.fulfill(response=response)

    page.context.route(f"**{url}", keep)
    try:
        with page.expect_popup() as popup:
            printed.click()
        tab = popup.value
        tab.wait_for_url(f"{live_server.url}{url}")
        tab.wait_for_load_state()
    finally:
        page.context.unroute(f"**{url}", keep)
    assert len(served) == 1
    tab.close()
    return served[0]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


@contextmanager
def citizen_browser(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A second browser context with no cookies: the citizen at home."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(TIMEOUT_MS)
    citizen = context.new_page()
    problems: list[str] = []
    citizen.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    citizen.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} for {r.url}") if r.status >= 500 else None,
    )
    try:
        yield citizen
        assert not problems, problems
    finally:
        context.close()


def test_a_dossier_lives_from_the_counter_to_the_citizens_rating(
    page: Page, live_server: LiveServer, world: World, chromium: Browser
) -> None:
    build(world)
    home = f"{live_server.url}/"

    # 1. the one-stop officer receives the dossier and opens its receipt
    log_in(page, live_server, world.dl_motcua)
    code = receive_at_counter(page)
    dossier_url = f"{live_server.url}/dossiers/{code}/"
    expect(page.locator("main")).to_contain_text(APPLICANT)
    printed = open_receipt_pdf(page, live_server, code)
    assert printed.status == 200
    assert printed.headers["content-type"] == "application/pdf"
    pdf = printed.body()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert code in text
    assert APPLICANT in text

    # 2a. the officer completes the one-stop step from the dossier page
    page.locator(f"a[href='/dossiers/{code}/']").click()
    expect(page).to_have_url(dossier_url)
    expect(page.locator("header.dossier-head")).to_have_attribute(
        "data-status", str(DossierStatus.RECEIVED.value)
    )
    act(page, "complete_step", {"note": "Hồ sơ đủ, chuyển phòng Tài nguyên và Môi trường"})
    expect(page).to_have_url(dossier_url)
    expect(page.locator("[data-steps] li[data-step='1']")).to_have_attribute("data-outcome", "done")
    expect(page.locator("[data-steps] li[data-step='2']")).to_have_class("current")
    assert status_of(page) == str(DossierStatus.HANDLING.value)

    # 2b. the land division's official sees it in "my work", takes it and completes it
    switch_to(page, live_server, world.dl_tnmt_cv)
    row = page.locator(f"[data-queue=mine] tr[data-code='{code}']")
    expect(row).to_be_visible()
    row.locator("form[data-action=take] button").click()
    expect(page).to_have_url(home)
    expect(row).to_contain_text(world.dl_tnmt_cv.display_name)
    expect(row.locator("form[data-action=take]")).to_have_count(0)
    row.locator(f"a[href='/dossiers/{code}/']").click()
    expect(page).to_have_url(dossier_url)
    expect(page.locator("[data-steps] li[data-step='2']")).to_contain_text(
        world.dl_tnmt_cv.display_name
    )
    act(page, "complete_step", {"note": "Thẩm định đạt, trình ký"})
    expect(page).to_have_url(dossier_url)
    expect(page.locator("[data-steps] li[data-step='2']")).to_have_attribute("data-outcome", "done")
    expect(page.locator("[data-steps] li[data-step='3']")).to_have_class("current")

    # 2c. the chairman holds the last step (Ký duyệt, UBND huyện): finishes with the result
    switch_to(page, live_server, world.dl_chutich)
    row = page.locator(f"[data-queue=mine] tr[data-code='{code}']")
    expect(row).to_be_visible()
    row.locator(f"a[href='/dossiers/{code}/']").click()
    expect(page).to_have_url(dossier_url)
    act(page, "finish", {"result_note": RESULT_NOTE})
    expect(page).to_have_url(dossier_url)
    expect(page.locator("header.dossier-head")).to_have_attribute(
        "data-status", str(DossierStatus.FINISHED.value)
    )
    expect(page.locator("header.dossier-head")).to_contain_text(RESULT_NOTE)

    # 3. the officer finds it at the return desk and records the return at the counter
    switch_to(page, live_server, world.dl_motcua)
    to_return = page.locator("[data-counters] a[data-to-return]")
    expect(to_return).to_have_attribute("data-to-return", "1")
    to_return.click()
    expect(page).to_have_url(f"{live_server.url}/dossiers/returns/")
    expect(page.locator("p[data-count]")).to_have_attribute("data-count", "1")
    waiting = page.locator(f"tr[data-code='{code}']")
    expect(waiting).to_contain_text(APPLICANT)
    expect(waiting.locator("select[name=method]")).to_have_value("counter")
    waiting.locator("form[data-action=return] button[type=submit]").click()
    expect(page.locator("p[data-count]")).to_have_attribute("data-count", "0")
    expect(page.locator("ul.messages li.success")).to_be_visible()
    expect(waiting).to_have_count(0)

    # 4. the citizen looks the dossier up at home and rates the service
    with citizen_browser(chromium, live_server) as citizen:
        citizen.goto("/portal/lookup/")
        citizen.locator("#id_code").fill(code)
        citizen.locator("#id_id_number").fill(ID_NUMBER)
        with citizen.expect_response(
            lambda r: r.url.endswith("/portal/lookup/") and r.request.method == "POST"
        ) as posted:
            citizen.locator("main form button[type=submit]").click()
        assert posted.value.status == 302
        expect(citizen).to_have_url(f"{live_server.url}/portal/dossiers/{code}/")
        expect(citizen.get_by_test_id("code")).to_have_text(code)
        status_card = citizen.locator("section.status-card")
        expect(status_card).to_have_attribute("data-status", str(DossierStatus.RETURNED.value))
        # receive, two completed steps, finish, return
        expect(citizen.get_by_test_id("history").locator("li")).to_have_count(5)
        expect(citizen.get_by_test_id("steps").locator("li.step-done")).to_have_count(3)
        expect(citizen.locator("main")).not_to_contain_text(ID_NUMBER)

        citizen.locator("input[name=level][value='1']").check()
        citizen.locator("textarea[name=comment]").fill(COMMENT)
        with citizen.expect_response(
            lambda r: r.url.endswith(f"/portal/dossiers/{code}/rating/")
        ) as rated:
            citizen.locator(f"form[action='/portal/dossiers/{code}/rating/'] button").click()
        assert rated.value.status == 302
        expect(citizen).to_have_url(f"{live_server.url}/portal/dossiers/{code}/")
        expect(citizen.locator("ul.messages li.success")).to_be_visible()
        expect(citizen.get_by_test_id("rated")).to_be_visible()
        expect(citizen.locator(f"form[action='/portal/dossiers/{code}/rating/']")).to_have_count(0)
        expect(citizen.get_by_test_id("history").locator("li")).to_have_count(6)

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.applicant_name == APPLICANT
    assert dossier.applicant_id_number == ID_NUMBER
    assert dossier.result_note == RESULT_NOTE
    assert dossier.return_method == "counter"
    assert list(dossier.events.order_by("seq").values_list("action", flat=True)) == [
        "receive",
        "complete_step",
        "assign",
        "complete_step",
        "finish",
        "return",
        "rate",
    ]
    rating = Rating.objects.get(dossier=dossier)
    assert rating.level == Rating.Level.VERY_SATISFIED == 1
    assert rating.comment == COMMENT
    assert set(rating.agencies.values_list("code", flat=True)) == {"DL.MC", "DL.TNMT", "DL.UBND"}
    assert world.dl_tnmt_cv in rating.officials.all()
    verification = ledger.verify()
    assert verification.ok, verification.broken
    assert verification.checked == 1
