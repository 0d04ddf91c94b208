"""End to end in Chromium: a legal officer records a review outcome on the review page
and sees the summary change (a proposal gives its follow-up task); an inspector records a
finding and a recommendation on the inspection page, and once the unit's remedy is done
and approved, verifies it and closes the recommendation. The world, the register and the
inspection are built through services; the outcome, finding, recommendation and
verification go through the pages."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from motcua.inspections import services as inspection_services
from motcua.inspections.models import Recommendation
from motcua.legaldocs import services as legal_services
from motcua.legaldocs.models import ReviewOutcome
from tests.browser.test_catalogue_flow import log_in
from tests.inspections.inspection_world import build as build_inspections
from tests.inspections.inspection_world import remedy_done
from tests.legaldocs.world import build as build_legal
from tests.legaldocs.world import documents

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def count(page: Page, outcome: str) -> str | None:
    return page.locator(f"[data-summary] tr[data-outcome={outcome}]").get_attribute("data-count")


def test_a_legal_officer_records_an_outcome_and_the_summary_follows(
    page: Page, live_server: LiveServer, world: World
) -> None:
    lw = build_legal(world)
    first, second = documents(lw, 2)
    review = legal_services.legal_review_create(
        actor=lw.dl_phaply, unit=world.dl, title="Rà soát định kỳ 2027", kind="periodic"
    )
    log_in(page, live_server, lw.dl_phaply)
    page.goto(f"/legal/reviews/{review.pk}/")
    assert (count(page, "expired_whole"), count(page, "propose_amend"), count(page, "total")) == (
        "0",
        "0",
        "0",
    )

    form = page.locator("form[data-form=outcome]")
    form.locator("[name=document]").select_option(str(first.pk))
    form.locator("[name=outcome]").select_option("expired_whole")
    form.locator("[name=reason]").fill("Căn cứ ban hành đã hết hiệu lực.")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-summary] tr[data-outcome=expired_whole]")).to_have_attribute(
        "data-count", "1"
    )

    form = page.locator("form[data-form=outcome]")
    form.locator("[name=document]").select_option(str(second.pk))
    form.locator("[name=outcome]").select_option("propose_amend")
    form.locator("[name=reason]").fill("Cần sửa đổi theo Luật Đất đai 2024.")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-summary] tr[data-outcome=propose_amend]")).to_have_attribute(
        "data-count", "1"
    )
    expect(page.locator("[data-summary] tr[data-outcome=total]")).to_have_attribute(
        "data-count", "2"
    )
    proposal = ReviewOutcome.objects.get(review=review, document=second)
    assert proposal.task is not None
    expect(page.locator(f"tr[data-document='{second.pk}'] a[data-task]")).to_have_attribute(
        "href", f"/tasks/{proposal.task.pk}/"
    )
    assert ReviewOutcome.objects.get(review=review, document=first).task is None


def test_an_inspector_records_a_finding_and_a_recommendation_and_later_verifies_it(
    page: Page, live_server: LiveServer, world: World
) -> None:
    iw = build_inspections(world)
    inspection = inspection_services.inspection_create(
        actor=iw.head,
        data=inspection_services.InspectionData(
            unit=world.province,
            year=2027,
            title="Kiểm tra CCHC Đô Lương",
            scope="Cải cách thủ tục hành chính",
            period_from=date(2026, 1, 1),
            period_to=date(2026, 12, 31),
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 3, 5),
            head=iw.head,
            inspected_units=[world.dl],
        ),
    )
    url = f"/inspections/{inspection.pk}/"
    log_in(page, live_server, iw.head)
    page.goto(url)

    finding = page.locator("form[data-form=finding]")
    finding.locator("[name=unit]").select_option(world.dl.code)
    finding.locator("[name=category]").select_option("late_dossiers")
    finding.locator("[name=description]").fill("Còn 12 hồ sơ đất đai trễ hạn.")
    finding.locator("[name=evidence]").fill("Sổ theo dõi hồ sơ quý IV/2026.")
    finding.locator("button[type=submit]").click()
    expect(page.locator("tr[data-finding]")).to_have_count(1)

    recommend = page.locator("form[data-form=recommendation]")
    recommend.locator("[name=unit]").select_option(world.dl.code)
    recommend.locator("[name=text]").fill("Giải quyết dứt điểm hồ sơ trễ hạn, xin lỗi công dân.")
    recommend.locator("button[type=submit]").click()
    card = page.locator("article[data-recommendation]")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-state", "open")
    rec = Recommendation.objects.get(inspection=inspection)
    assert rec.task.source == f"recommendation:{rec.pk}"
    expect(card.locator("form[data-action=verify]")).to_have_count(0)  # remedy not done yet

    # the district's People's Committee remedies; its result is approved
    remedy_done(rec.task, at=rec.task.start)

    page.goto(url)
    verify = page.locator(f"form[data-action=verify][data-recommendation='{rec.pk}']")
    verify.locator("input[name=effective][value='1']").check()
    verify.locator("[name=note]").fill("Đã kiểm tra thực tế: không còn hồ sơ trễ hạn.")
    verify.locator("button[type=submit]").click()
    expect(page.locator(f"article[data-recommendation='{rec.pk}']")).to_have_attribute(
        "data-state", "closed"
    )
    rec.refresh_from_db()
    assert list(rec.events.values_list("action", flat=True)) == ["give", "verify", "close"]
