"""End to end in Chromium: a one-stop officer receives a dossier with the keyboard alone,
picking the procedure by typing without diacritics, seeing the appointment before
submitting, and lands on the receipt with its print button."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from motcua.dossiers.models import Dossier, DossierStatus
from tests.browser.test_catalogue_flow import log_in
from tests.dossiers.world import build

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_dossier_is_received_at_the_counter_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, world: World
) -> None:
    build(world)
    log_in(page, live_server, world.dl_motcua)
    page.goto("/dossiers/counter/")
    picker = page.locator("[data-procedure-input]")
    expect(picker).to_be_focused()  # the first thing typed is the procedure
    page.keyboard.type("dang ky bien dong")
    option = page.locator("#procedure-list li[role=option]")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("Đăng ký biến động đất đai (mẫu)")
    page.keyboard.press("Enter")  # picks, does not submit
    expect(picker).to_have_value("MAU.DAT.01")
    expect(page.locator("[data-checklist] tbody tr")).to_have_count(3)
    expect(page.locator("[data-appointment] strong[data-due]")).to_be_visible()
    due_shown = page.locator("[data-appointment] strong").inner_text()

    page.keyboard.press("Tab")
    expect(page.locator("#doc-0-given")).to_be_focused()
    page.keyboard.press("Space")
    page.locator("#doc-1-given").focus()
    page.keyboard.press("Space")
    page.locator("#id_full_name").focus()
    page.keyboard.type("Nguyễn Văn An")
    page.keyboard.press("Tab")
    page.keyboard.type("040123456789")
    page.keyboard.press("Enter")  # Enter receives

    expect(page.locator("[data-code]")).to_be_visible()
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert list(dossier.documents.values_list("name", flat=True)) == [
        "Đơn đăng ký biến động",
        "Giấy chứng nhận quyền sử dụng đất",
    ]
    assert due_shown in page.locator("[data-due]").inner_text()
    printed = page.locator("a[data-print]")
    expect(printed).to_be_focused()
    # the shortcut's listener is attached by the page's script: on a loaded machine the
    # element can be focused (autofocus) before the script has run
    page.wait_for_load_state("load")
    with page.expect_popup() as popup:
        page.keyboard.press("Alt+p")
    assert popup.value.url.endswith(f"/dossiers/{dossier.code}/forms/01.pdf")
