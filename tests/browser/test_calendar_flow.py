"""End to end in Chromium: log in, switch language, add a calendar override, log out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from motcua.org.models import Official
from motcua.workcalendar.models import CalendarOverride, OverrideKind
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import World

# live_server needs real commits; serialized_rollback brings back the rows of the data
# migrations (unit levels, the national calendar) after the flush of an earlier test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SATURDAY = date(2027, 2, 20)
LEGAL_BASIS = "Thông báo 5944/TB-LĐTBXH"
NOTE = "Làm bù cho ngày nghỉ Tết Đinh Mùi"
VI_CATALOG = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


def translated(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def log_in(page: Page, live_server: LiveServer, official: Official) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(official.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")


def go_to_year(page: Page, year: int) -> None:
    """Follow the calendar's previous/next links until ``year`` is shown."""
    heading = page.get_by_role("heading", level=1)
    for _ in range(200):
        shown = int(heading.inner_text().split()[-1])
        if shown == year:
            return
        step = 1 if shown < year else -1
        page.locator("a[rel=next]" if step == 1 else "a[rel=prev]").click()
        expect(heading).to_contain_text(str(shown + step))
    pytest.fail(f"could not reach {year} with the previous/next links")


def working_days(page: Page) -> int:
    text = page.get_by_test_id("working-days-count").inner_text()
    return int(re.findall(r"\d+", text)[-1])


def test_administrator_switches_to_english_and_adds_a_working_saturday(
    page: Page, live_server: LiveServer, world: World
) -> None:
    admin = world.tinh_admin
    log_in(page, live_server, admin)

    # Vietnamese first (Accept-Language vi-VN, and vi is the default language)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")
    calendar_link = page.locator("a[data-nav=calendar]")
    calendar_vi = translated("vi", "Working calendar")
    expect(calendar_link).to_have_text(calendar_vi)
    if VI_CATALOG.exists():
        assert calendar_vi != "Working calendar", "locale/vi has no translation of the menu"
    expect(page.locator("header .who")).to_have_text(admin.display_name)

    # the header's language button switches to English and comes back to the same page
    page.locator("button[data-lang=en]").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {admin.display_name}")
    expect(calendar_link).to_have_text("Working calendar")
    expect(page.locator("button[data-action=logout]")).to_have_text("Log out")
    expect(page.locator("button[data-lang=vi]")).to_have_text("Tiếng Việt")
    expect(page.locator("button[data-lang=en]")).to_have_count(0)

    # the calendar, from the navigation, still in English
    calendar_link.click()
    expect(page).to_have_url(re.compile(r"/calendar/$"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Working calendar")
    go_to_year(page, 2027)
    expect(page.get_by_role("heading", level=1)).to_have_text("Working calendar 2027")

    cell = page.locator(f'td[data-date="{SATURDAY.isoformat()}"]')
    expect(cell).to_have_text(str(SATURDAY.day))
    expect(cell).to_contain_class("off")
    expect(cell).to_contain_class("weekend")
    expect(cell).not_to_contain_class("working")
    days_before = working_days(page)
    overrides = page.locator("#overrides tbody tr")
    expect(overrides).to_have_text(["No override this year."])

    # the administrator's form
    page.locator("#id_date").fill(SATURDAY.isoformat())
    page.locator("#id_kind").select_option(OverrideKind.WORKING_DAY.value)
    page.locator("#id_legal_basis").fill(LEGAL_BASIS)
    page.locator("#id_note").fill(NOTE)
    page.get_by_role("button", name="Add override").click()

    expect(page).to_have_url(re.compile(r"/calendar/2027/$"))
    expect(page.locator(".messages")).to_contain_text("Override added for 20/02/2027.")
    expect(overrides).to_have_count(1)
    row = overrides.first
    expect(row.locator("td")).to_have_text(
        ["20/02/2027", "Working day (swapped)", NOTE, LEGAL_BASIS, "Lịch làm việc quốc gia"]
    )
    expect(cell).to_contain_class("working")
    expect(cell).to_contain_class("override")
    expect(cell).not_to_contain_class("off")
    expect(cell).to_have_attribute("title", re.compile(re.escape(LEGAL_BASIS)))
    assert working_days(page) == days_before + 1

    added = CalendarOverride.objects.select_related("calendar").get(date=SATURDAY)
    assert added.kind == OverrideKind.WORKING_DAY
    assert added.calendar.is_default
    assert added.legal_basis == LEGAL_BASIS
    assert added.created_by_id == admin.pk


def test_official_without_rights_sees_no_override_form_and_logs_out(
    page: Page, live_server: LiveServer, world: World
) -> None:
    log_in(page, live_server, world.dl_motcua)
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.locator("a[data-nav=calendar]").click()
    expect(page).to_have_url(re.compile(r"/calendar/$"))
    expect(page.locator("#overrides")).to_be_visible()
    expect(page.locator("td[data-date]").first).to_be_visible()
    expect(page.locator("form[method=post].form-grid")).to_have_count(0)
    expect(page.locator("[name=legal_basis]")).to_have_count(0)

    # and the server refuses the form's POST from this official (not for want of CSRF)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        "/calendar/2027/",
        form={
            "csrfmiddlewaretoken": token,
            "date": SATURDAY.isoformat(),
            "kind": OverrideKind.WORKING_DAY.value,
            "legal_basis": LEGAL_BASIS,
        },
        max_redirects=0,
    )
    assert response.status == 403
    assert "CSRF" not in response.text()
    assert not CalendarOverride.objects.exists()

    # logging out returns to the login page, and the calendar asks for a login again
    page.locator("button[data-action=logout]").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("a[data-nav]")).to_have_count(0)
    page.goto("/calendar/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/calendar/$"))
