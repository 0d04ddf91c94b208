"""End to end in Chromium: a citizen finds a procedure typed without diacritics, on a phone;
an official drafts a simplification proposal and sees its saving computed while typing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from motcua.org.models import Official
from motcua.procedures.models import SimplificationProposal
from tests.conftest import PASSWORD
from tests.procedures.pages_world import build_catalogue

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BIRTH_STEPS = [
    "Tiếp nhận và kiểm tra hồ sơ",
    "Công chức tư pháp - hộ tịch ghi Sổ hộ tịch",
    "Chủ tịch UBND xã ký Giấy khai sinh",
    "Trả kết quả",
]
BIRTH_DOCUMENTS = ["Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh", "Văn bản ủy quyền"]
TITLE = "Đăng ký hộ kinh doanh trực tuyến"


def log_in(page: Page, live_server: LiveServer, official: Official) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(official.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_citizen_finds_birth_registration_without_diacritics_on_a_phone(
    page: Page, live_server: LiveServer, world: World
) -> None:
    build_catalogue(world, with_template=False)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/login/")
    page.locator("a[data-link=portal]").click()  # the login page leads citizens there
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.locator("a[data-nav]")).to_have_count(0)

    search = page.locator("input[name=q]")
    search.fill("dang ky khai sinh")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/portal/\?q=dang\+ky\+khai\+sinh"))
    results = page.locator(".result-name")
    expect(results).to_have_text(["Đăng ký khai sinh"])
    assert fits_the_screen(page)

    results.first.click()
    expect(page).to_have_url(f"{live_server.url}/portal/procedures/1.001193/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_test_id("steps").locator(".step-name")).to_have_text(BIRTH_STEPS)
    expect(page.get_by_test_id("documents").locator(".doc-name")).to_have_text(BIRTH_DOCUMENTS)
    expect(page.get_by_test_id("steps").locator("li").first).to_contain_text("UBND xã Đông Sơn")
    assert fits_the_screen(page)


def fill_actions(page: Page, side: str, actions: list[tuple[str, str]]) -> None:
    """Type the citizen actions of a side; rows after the first are added in place."""
    for i, (name, hours) in enumerate(actions):
        if i:
            page.locator(f"button[data-add={side}-actions]").click()
        page.locator(f"[name={side}-actions-{i}-name]").fill(name)
        page.locator(f"[name={side}-actions-{i}-hours]").fill(hours)


def test_official_sees_the_saving_computed_while_typing_hours(
    page: Page, live_server: LiveServer, world: World
) -> None:
    build_catalogue(world, with_template=False)
    log_in(page, live_server, world.dl_chutich)
    page.locator("a[data-nav=catalogue]").click()
    expect(page.locator("[data-count=total]")).to_have_text("3")
    page.locator("a[href='/catalogue/procedures/2.000720/']").click()
    page.locator("a[href='/catalogue/proposals/new/?procedure=2.000720']").click()
    editor_url = f"{live_server.url}/catalogue/proposals/new/?procedure=2.000720"
    expect(page).to_have_url(editor_url)
    # the fees of the version in force (60,000 + 40,000) are there on both sides
    expect(page.locator("[name=proposed-fees-1-amount_vnd]")).to_have_value("40000")

    page.locator("#id_title").fill(TITLE)
    # 30 hours at 30,000 VND + fees 100,000 + other costs 24,000 = 1,024,000 VND
    fill_actions(
        page,
        "current",
        [("Chuẩn bị hồ sơ", "8"), ("Nộp hồ sơ tại Bộ phận Một cửa", "12"), ("Nhận kết quả", "10")],
    )
    page.locator("#id_current-other_costs_vnd").fill("24000")
    page.locator("#id_current-subjects_per_year").fill("1000")
    # the proposed side still lacks its subjects per year: said next to the field
    expect(page.locator("#id_proposed-subjects_per_year + .field-error")).to_be_visible()
    # 4 hours (120,000) + fees 100,000 + other costs 11,000 = 231,000 VND
    fill_actions(page, "proposed", [("Nộp hồ sơ trực tuyến", "4")])
    page.locator("#id_proposed-other_costs_vnd").fill("11000")
    page.locator("#id_proposed-subjects_per_year").fill("1000")

    before, after = page.get_by_test_id("before-once"), page.get_by_test_id("after-once")
    rate = page.get_by_test_id("saving-rate")
    expect(before).to_have_attribute("data-value", "1024000")
    expect(before).to_contain_text("1.024.000")  # Vietnamese grouping
    expect(after).to_have_attribute("data-value", "231000")
    expect(after).to_contain_text("231.000")
    expect(rate).to_have_text("77,44 %")
    expect(page.locator(".field-error")).to_have_count(0)
    # all of it without leaving the page or writing anything
    assert page.url == editor_url
    assert not SimplificationProposal.objects.filter(title=TITLE).exists()

    # a change of hours is counted again: 5 hours proposed is 261,000, a 74.51 % saving
    page.locator("[name=proposed-actions-0-hours]").fill("5")
    expect(after).to_have_attribute("data-value", "261000")
    expect(rate).to_have_text("74,51 %")
    page.locator("[name=proposed-actions-0-hours]").fill("4")
    expect(rate).to_have_text("77,44 %")

    page.locator("button[data-op=save]").click()
    expect(page).to_have_url(re.compile(r"/catalogue/proposals/\d+/$"))
    expect(page.get_by_test_id("saving-rate")).to_have_text("77,44 %")  # now from the server
    saved = SimplificationProposal.objects.get(title=TITLE)
    assert saved.unit == world.dl
    assert saved.current["actions"] == [
        {"name": "Chuẩn bị hồ sơ", "hours": 8},
        {"name": "Nộp hồ sơ tại Bộ phận Một cửa", "hours": 12},
        {"name": "Nhận kết quả", "hours": 10},
    ]
    assert saved.proposed["fees"] == [
        {"name": "Lệ phí", "amount_vnd": 60_000},
        {"name": "Phí", "amount_vnd": 40_000},
    ]
