"""End to end in Chromium: the head of Đô Lương's land division assigns a task on the new
task page; the official responsible reports progress and submits the result; the
chairman approves it. Then the head's commitment for the year shows its standing live:
the task just approved counts as done on time. Only the world and the commitment are
built through services; the task's whole life goes through the pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from motcua.commitments import services as commitment_services
from motcua.commitments.services import TargetData
from motcua.tasks.models import Task, TaskStatus
from tests.browser.test_catalogue_flow import log_in
from tests.browser.test_dossier_life import switch_to
from tests.tasks.world import build

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Rà soát quy trình nội bộ cấp giấy chứng nhận"
DELIVERABLE = "Quy trình nội bộ sửa đổi được phê duyệt"


def status_of(page: Page) -> str | None:
    return page.locator("header[data-status]").get_attribute("data-status")


def act(page: Page, action: str, fields: dict[str, str]) -> None:
    """Open an action's <details> (when it has one) on the task page, fill it, send it."""
    form = page.locator(f"form[data-action={action}]")
    summary = page.locator(f"details.action:has(form[data-action={action}]) > summary")
    if summary.count():
        summary.click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def test_a_task_assigned_done_and_approved_counts_in_the_heads_live_standing(
    page: Page, live_server: LiveServer, world: World
) -> None:
    tw = build(world)
    head, doer, chairman = tw.tnmt_head, world.dl_tnmt_cv, world.dl_chutich

    # the head assigns the task: every "rõ" on the page
    log_in(page, live_server, head)
    page.goto("/tasks/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill("Rà soát, rút ngắn thời gian các bước xử lý.")
    page.locator("#id_lead_agency").select_option("DL.TNMT")
    page.locator("#id_assignee").select_option(doer.username)
    page.locator("#id_working_days").fill("3")
    page.locator("#id_approver").select_option(chairman.username)
    page.locator("#id_deliverable").fill(DELIVERABLE)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+/$"))
    task = Task.objects.get(title=TITLE)
    assert (task.assigner, task.assignee, task.approver, task.status) == (
        head,
        doer,
        chairman,
        TaskStatus.ASSIGNED,
    )
    url = f"/tasks/{task.pk}/"

    # the official responsible reports progress, then submits the result
    switch_to(page, live_server, doer)
    page.goto(url)
    act(page, "progress", {"percent": "60", "note": "Đã rà soát 3/5 bước"})
    expect(page.locator("[data-percent]")).to_have_text("60%")
    assert status_of(page) == TaskStatus.IN_PROGRESS
    act(page, "submit", {"deliverable": DELIVERABLE, "note": "Trình phê duyệt"})
    expect(page.locator("header[data-status]")).to_have_attribute("data-status", "submitted")
    expect(page.locator("form[data-action=approve]")).to_have_count(0)  # not the doer's

    # the chairman approves
    switch_to(page, live_server, chairman)
    page.goto(url)
    act(page, "approve", {"note": "Đồng ý"})
    expect(page.locator("header[data-status]")).to_have_attribute("data-status", "approved")
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
    assert list(task.events.values_list("action", flat=True)) == [
        "assign",
        "progress",
        "submit",
        "approve",
    ]

    # the head's commitment of the task's year, signed by both: its standing is live
    commitment = commitment_services.commitment_create(
        actor=chairman,
        year=timezone.localtime(task.due_at).year,
        agency=world.dl_tnmt,
        head=head,
        targets=[
            TargetData("Nhiệm vụ đúng hạn", "measured", "task_on_time_rate", "at_least", "95", 60),
            TargetData("Đổi mới, sáng tạo", "assessed", weight=40),
        ],
    )
    for who in (head, chairman):
        commitment = commitment_services.commitment_act(
            commitment=commitment, actor=who, action="sign", payload={}
        )
    switch_to(page, live_server, head)
    page.goto(f"/commitments/{commitment.pk}/")
    expect(page.locator("[data-state]").first).to_have_attribute("data-state", "signed")
    expect(page.locator("[data-live]")).to_be_visible()
    tasks_row = page.locator("[data-target='1']")
    expect(tasks_row).to_contain_text("100")
    expect(tasks_row).to_contain_text("1/1")
    expect(page.locator("[data-total]").first).to_contain_text("100")
