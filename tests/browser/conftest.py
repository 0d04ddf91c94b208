"""Browser tests: one Debian Chromium per session, driven by Playwright's sync API.

Playwright's own browser download does not work here, so the tests use /usr/bin/chromium.
Without it they are skipped, unless MOTCUA_REQUIRE_BROWSER=1 (CI), which makes it a
failure. On a failed test the page is saved as a screenshot and as HTML in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # The machine has no internet: keep Chromium from trying to reach it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing (bash scripts/bootstrap.sh dev)"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    missing = _missing_browser()
    if missing is not None:
        if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MOTCUA_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(f"browser tests need Chromium: {missing}")
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    # Playwright's sync API keeps an asyncio event loop running in the main thread from
    # start to stop. Meanwhile (the ``world`` fixture, the tests' own queries, and any later
    # test of the session):
    # - Django's async-unsafe guard would refuse every ORM call made in the main thread;
    # - Django would hand the main thread a second set of database connections (they are
    #   context-local when a loop runs), without the test database's serialized contents
    #   that serialized_rollback restores. Keep the same connection objects instead, as
    #   Django's own LiveServerThread does with connections[alias] = connection.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    main_thread_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in main_thread_connections.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so that ``page`` knows whether the test failed."""
    report = yield
    setattr(item, f"_motcua_report_{report.when}", report)
    return report


@pytest.fixture
def page(
    chromium: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser context (Vietnamese Accept-Language, no cookies) on the live server."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} for {response.url}")
            if response.status >= 500
            else None
        ),
    )
    try:
        yield page
        report = getattr(request.node, "_motcua_report_call", None)
        if report is not None and report.failed:
            _save_artifacts(page, request.node.nodeid)
        elif problems:
            pytest.fail("The browser saw: " + "; ".join(problems), pytrace=False)
    finally:
        context.close()


def _save_artifacts(page: Page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", nodeid).strip("_")
    try:
        page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # never hide the test's own failure behind this one
        (ARTIFACTS / f"{stem}.error.txt").write_text(f"no screenshot: {exc!r}\n", encoding="utf-8")
