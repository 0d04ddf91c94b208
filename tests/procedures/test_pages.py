"""The officials' catalogue pages: browse and search, a procedure with its versions and
process, proposals with their costs, actions and the cost editor (without JavaScript)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.org.models import Official
from motcua.procedures import services
from motcua.procedures.models import (
    IncomeParameter,
    LimitUnit,
    ProposalEvent,
    ProposalStatus,
    SimplificationProposal,
)
from motcua.procedures.services import FeeData, StepData, VersionData
from tests.conftest import World
from tests.procedures.pages_world import (
    CURRENT,
    PROPOSED,
    TEMPLATE_BYTES,
    Catalogue,
    build_catalogue,
)

pytestmark = pytest.mark.django_db

ONCE = "Cost of doing the procedure once 1,024,000 VND 231,000 VND 793,000 VND 77.44 %"


@pytest.fixture
def catalogue(world: World, settings: Any, tmp_path: Path) -> Catalogue:
    settings.MEDIA_ROOT = tmp_path
    return build_catalogue(world)


@pytest.fixture
def as_official(client: Client) -> Callable[[Official], Client]:
    """Log ``official`` in, with English pages (numbers then read 1,024,000 and 77.44)."""

    def login(official: Official) -> Client:
        client.force_login(official)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def text(response: Any) -> str:
    """The page's text without tags and with runs of blanks folded, for reading content."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


def count(page: str, name: str) -> str:
    found = re.search(rf'data-count="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1)


# -- access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/catalogue/",
        "/catalogue/procedures/1.001193/",
        "/catalogue/proposals/",
        "/catalogue/proposals/new/",
        "/catalogue/proposals/{draft}/",
        "/catalogue/proposals/{draft}/edit/",
        "/catalogue/documents/{declaration}/template/",
    ],
)
def test_officials_pages_send_anonymous_visitors_to_the_login(
    client: Client, catalogue: Catalogue, path: str
) -> None:
    url = path.format(draft=catalogue.draft.pk, declaration=catalogue.declaration.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_navigation_offers_the_catalogue_and_the_proposals(
    as_official: Callable[[Official], Client], world: World
) -> None:
    page = as_official(world.dl_motcua).get("/").content.decode()
    assert 'href="/catalogue/" data-nav="catalogue"' in page
    assert 'href="/catalogue/proposals/" data-nav="proposals"' in page


# -- the catalogue -----------------------------------------------------------------------


def test_catalogue_opens_on_the_officials_unit_with_its_computed_counts(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_chutich).get("/catalogue/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-unit="427"' in page
    # birth (commune, in Xã Đông Sơn), land and household (district); two proposed
    assert count(page, "total") == "3"
    assert count(page, "level-district") == "2"
    assert count(page, "level-commune") == "1"
    assert count(page, "proposals") == "2"
    content = text(response)
    assert "Catalogue of Huyện Đô Lương" in content
    assert "3 procedures found." in content
    for p in (catalogue.birth, catalogue.land, catalogue.household):
        assert f'href="/catalogue/procedures/{p.code}/"' in page
    assert catalogue.future.name not in content  # published nowhere
    # the version in force today gives the time limit column
    assert "within the working day" in content
    assert "5 working days" in content


def test_catalogue_search_ignores_diacritics_and_case(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_motcua).get(
        "/catalogue/", {"q": "DANG KY khai sinh", "unit": ""}
    )
    content = text(response)
    assert "1 procedure found." in content
    assert "Đăng ký khai sinh" in content
    assert catalogue.land.name not in content
    assert 'data-count="total"' not in response.content.decode()  # no unit chosen


def test_catalogue_filters_by_level_sector_and_unit(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_motcua)
    by_level = text(client.get("/catalogue/", {"unit": "", "level": "district"}))
    assert "3 procedures found." in by_level  # land, household and the future one
    by_sector = text(client.get("/catalogue/", {"unit": "", "sector": "dat-dai"}))
    assert "1 procedure found." in by_sector
    assert catalogue.land.name in by_sector
    tan_ky = client.get("/catalogue/", {"unit": "423"})
    assert count(tan_ky.content.decode(), "total") == "1"  # birth, in Xã Kỳ Sơn
    assert count(tan_ky.content.decode(), "proposals") == "1"


def test_catalogue_shows_an_unknown_filter_as_an_error_and_ignores_it(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_motcua).get("/catalogue/", {"unit": "", "level": "galaxy"})
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert "4 procedures found." in text(response)


def test_catalogue_reads_a_constant_number_of_queries_whatever_the_rows(
    as_official: Callable[[Official], Client],
    world: World,
    catalogue: Catalogue,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_official(world.dl_chutich)
    with CaptureQueriesContext(connection) as few:
        client.get("/catalogue/")
    baseline = len(few.captured_queries)  # read now: the next request empties the log
    decision = catalogue.land.publications.get().decision
    for i in range(30):
        p = services.procedure_create(
            code=f"9.{i:06d}",
            name=f"Thủ tục mẫu {i}",
            sector=catalogue.land.sector,
            level=catalogue.land.level,
            version=VersionData(
                effective_from=date(2020, 1, 1),
                time_limit_value=Decimal(2),
                time_limit_unit=LimitUnit.WORKING_DAYS,
                fees=[FeeData("Lệ phí", 10_000)],
                steps=[StepData("Xử lý", Decimal(8), world.dl_one_stop)],
            ),
            sample=True,
        )
        services.procedures_publish(decision=decision, procedures=[p], unit=world.dl)
    with django_assert_max_num_queries(baseline):
        response = client.get("/catalogue/")
    assert count(response.content.decode(), "total") == "33"


# -- a procedure -------------------------------------------------------------------------


def test_procedure_page_shows_the_version_in_force_and_its_process(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_motcua).get("/catalogue/procedures/1.004227/")
    assert response.status_code == 200
    page, content = response.content.decode(), text(response)
    assert 'data-shown-version="2"' in page
    versions = re.findall(r'<tr[^>]*data-version="(\d)">(.*?)</tr>', page, re.S)
    states = {n: " ".join(re.sub(r"<[^>]+>", " ", row).split()) for n, row in versions}
    assert "in force today" in states["2"]
    assert "ended" in states["1"]
    assert "frozen" in states["1"]
    assert "not used yet" in states["2"]
    assert "upcoming" in states["3"]
    assert "Time limit 5 working days" in content
    assert "Full online" in content
    assert "Lệ phí cấp giấy chứng nhận 50,000 VND" in content
    assert "Giấy chứng nhận đã chỉnh lý" in content
    # the process: four bars on a scale of the 40-hour limit, the province's step marked
    steps = re.findall(r'<li class="step( interconnected)?" data-step="(\d)">', page)
    assert steps == [("", "1"), ("", "2"), (" interconnected", "3"), ("", "4")]
    assert "left: 0.00%; width: 10.00%" in page
    assert "left: 10.00%; width: 40.00%" in page
    assert "left: 50.00%; width: 20.00%" in page
    assert "UBND tỉnh Nghệ An, Tỉnh Nghệ An" in content
    assert "interconnected: another unit" in content
    assert (
        "The steps take 32 working hours of the time limit of 40 working hours "
        "(8 working hours to spare)." in content
    )
    # where it is resolved, and the proposals about it in the official's units
    assert "Published for 1 unit" in content
    assert "Rút ngắn thời hạn đăng ký biến động" in content
    # a one-stop officer does not propose simplifications
    assert "Propose a simplification" not in content


def test_procedure_page_shows_an_older_version_on_request(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_chutich).get("/catalogue/procedures/1.004227/", {"version": 1})
    content = text(response)
    assert 'data-shown-version="1"' in response.content.decode()
    assert "Time limit 10 working days" in content
    assert "Count the whole limit again from the supplement" in content
    assert "Lệ phí cấp giấy chứng nhận 100,000 VND" in content
    assert "The steps take 32 working hours of the time limit of 80 working hours" in content
    assert "Propose a simplification" in content


def test_procedure_page_offers_the_form_templates(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_motcua)
    response = client.get("/catalogue/procedures/1.001193/")
    page, content = response.content.decode(), text(response)
    assert f'href="/catalogue/documents/{catalogue.declaration.pk}/template/"' in page
    assert page.count("/template/") == 1  # only the declaration has a template
    assert "Received after 15:00: counted from the next working day" in content
    assert "Time limit within the working day" in content
    assert "No fee or charge." in content
    assert "Văn bản ủy quyền Certified copy 1 if applicable" in content
    download = client.get(f"/catalogue/documents/{catalogue.declaration.pk}/template/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TEMPLATE_BYTES  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    other = catalogue.birth.versions.get().documents.get(position=1)
    assert client.get(f"/catalogue/documents/{other.pk}/template/").status_code == 404


def test_unknown_procedure_is_404(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    assert as_official(world.dl_motcua).get("/catalogue/procedures/0.000000/").status_code == 404


# -- proposals ---------------------------------------------------------------------------


def test_proposals_list_shows_the_units_reached_with_their_saving(
    as_official: Callable[[Official], Client],
    world: World,
    catalogue: Catalogue,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_official(world.dl_motcua)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/catalogue/proposals/")
    baseline = len(few.captured_queries)  # read now: the next request empties the log
    page, content = response.content.decode(), text(response)
    assert re.findall(r'data-proposal="(\d+)"', page) == [
        str(catalogue.submitted.pk),
        str(catalogue.draft.pk),
    ]
    assert "Phương án của Tân Kỳ" not in content
    assert "1,024,000 VND 231,000 VND 77.44 %" in content
    submitted_only = text(client.get("/catalogue/proposals/", {"status": "submitted"}))
    assert "Rút ngắn thời hạn" in submitted_only
    assert "Khai sinh trực tuyến" not in submitted_only
    for i in range(10):
        services.proposal_create(
            actor=world.dl_chutich,
            procedure=catalogue.household,
            unit=world.dl,
            title=f"Phương án {i}",
            year=catalogue.year,
            current=CURRENT,
            proposed=PROPOSED,
        )
    with django_assert_max_num_queries(baseline):
        response = client.get("/catalogue/proposals/")
    assert len(re.findall(r'data-proposal="(\d+)"', response.content.decode())) == 12


def test_proposal_page_shows_costs_changes_and_history(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_motcua).get(f"/catalogue/proposals/{catalogue.submitted.pk}/")
    assert response.status_code == 200
    content = text(response)
    assert (
        "Cost of doing the procedure once 1,024,000 VND 231,000 VND 793,000 VND 77.44 %" in content
    )
    assert (
        "Cost per year once × subjects × times per subject "
        "1,024,000,000 VND 231,000,000 VND 793,000,000 VND 77.44 %" in content
    )
    assert "A citizen's hour is priced at 30,000 VND" in content
    assert "Nộp hồ sơ trực tuyến: 2.5 working hours" in content
    assert "Time limit unchanged" in content  # the current side names no time limit
    assert "Time limit 3 working days" in content
    assert "Draft → Submitted" in content
    # a one-stop officer sees it but may do nothing to it
    assert 'name="action"' not in response.content.decode()
    assert "Edit the draft" not in content


def test_proposal_of_a_unit_out_of_reach_is_404(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    pk = catalogue.tk_proposal.pk
    assert client.get(f"/catalogue/proposals/{pk}/").status_code == 404
    assert client.post(f"/catalogue/proposals/{pk}/", {"action": "submit"}).status_code == 404
    assert client.get(f"/catalogue/proposals/{pk}/edit/").status_code == 404
    assert SimplificationProposal.objects.get(pk=pk).status == ProposalStatus.DRAFT


def test_chairman_approves_a_submitted_proposal(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    url = f"/catalogue/proposals/{catalogue.submitted.pk}/"
    page = client.get(url).content.decode()
    assert re.findall(r'name="action" value="(\w+)"', page) == ["approve", "reject"]
    response = client.post(url, {"action": "approve", "note": "Đồng ý"})
    assert response.status_code == 302
    assert response["Location"] == url
    catalogue.submitted.refresh_from_db()
    assert catalogue.submitted.status == ProposalStatus.APPROVED
    event = catalogue.submitted.events.last()
    assert event is not None
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        world.dl_chutich,
        "submitted",
        "approved",
        "Đồng ý",
    )
    assert "Done: Approve." in text(client.get(url))


def test_an_action_the_official_may_not_take_is_refused_with_403(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    # the administrator of Đô Lương proposes, but only the chairman decides
    client = as_official(world.dl_admin)
    url = f"/catalogue/proposals/{catalogue.submitted.pk}/"
    assert 'name="action"' not in client.get(url).content.decode()
    events = ProposalEvent.objects.count()
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 403
    catalogue.submitted.refresh_from_db()
    assert catalogue.submitted.status == ProposalStatus.SUBMITTED
    assert ProposalEvent.objects.count() == events
    # a one-stop officer may not even submit a draft
    officer = as_official(world.dl_motcua)
    assert (
        officer.post(
            f"/catalogue/proposals/{catalogue.draft.pk}/", {"action": "submit"}
        ).status_code
        == 403
    )
    catalogue.draft.refresh_from_db()
    assert catalogue.draft.status == ProposalStatus.DRAFT


def test_an_action_from_the_wrong_state_is_reported_and_changes_nothing(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    url = f"/catalogue/proposals/{catalogue.draft.pk}/"
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "cannot take the action “approve”" in text(response)
    catalogue.draft.refresh_from_db()
    assert catalogue.draft.status == ProposalStatus.DRAFT


def test_implementing_needs_a_date_and_then_creates_the_version(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    services.proposal_act(proposal=catalogue.submitted, actor=world.dl_chutich, action="approve")
    client = as_official(world.tinh_admin)
    url = f"/catalogue/proposals/{catalogue.submitted.pk}/"
    versions = catalogue.land.versions.count()
    response = client.post(url, {"action": "implement"})
    assert response.status_code == 400
    assert "Give the date from which the simplified version applies." in text(response)
    assert catalogue.land.versions.count() == versions
    future = catalogue.land.versions.order_by("-effective_from").first()
    assert future is not None
    day = future.effective_from.replace(year=future.effective_from.year + 1)
    response = client.post(url, {"action": "implement", "effective_from": day.isoformat()})
    assert response.status_code == 302
    catalogue.submitted.refresh_from_db()
    assert catalogue.submitted.status == ProposalStatus.IMPLEMENTED
    assert catalogue.submitted.implemented_version is not None
    assert catalogue.submitted.implemented_version.effective_from == day
    assert "Version 4, in force from" in text(client.get(url))


# -- the editor (without JavaScript) -----------------------------------------------------


def editor_data(**changes: Any) -> dict[str, Any]:
    """A complete POST of the editor with the worked example's values."""
    data: dict[str, Any] = {
        "procedure": "2.000720",
        "unit": "427",
        "title": "Đăng ký hộ kinh doanh trực tuyến",
        "year": "",
        "rationale": "Giảm đi lại",
    }
    for side, values in (("current", CURRENT), ("proposed", PROPOSED)):
        for kind, keys in (("actions", ("name", "hours")), ("fees", ("name", "amount_vnd"))):
            rows = values[kind]
            data[f"{side}-{kind}-TOTAL_FORMS"] = str(len(rows) + 1)
            data[f"{side}-{kind}-INITIAL_FORMS"] = "0"
            for i, row in enumerate(rows):
                for key in keys:
                    data[f"{side}-{kind}-{i}-{key}"] = str(row[key])
        data[f"{side}-documents-TOTAL_FORMS"] = "1"
        data[f"{side}-documents-INITIAL_FORMS"] = "0"
        data[f"{side}-documents-0-name"] = ""
        data[f"{side}-documents-0-mandatory"] = "on"
        for key in ("hired_services_vnd", "other_costs_vnd", "subjects_per_year", "times_per_year"):
            data[f"{side}-{key}"] = str(values[key])
        data[f"{side}-time_limit_unit"] = "working_days"
        data[f"{side}-time_limit_value"] = ""
        data[f"{side}-online_level"] = ""
    data["proposed-time_limit_value"] = "2"
    data.update(changes)
    return data


def test_editor_starts_from_the_version_in_force(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    response = as_official(world.dl_chutich).get(
        "/catalogue/proposals/new/", {"procedure": "2.000720"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    for side in ("current", "proposed"):
        assert f'name="{side}-fees-0-name" value="Lệ phí"' in page
        assert f'name="{side}-fees-1-amount_vnd" value="40000"' in page
        assert f'name="{side}-documents-0-name" value="Giấy đề nghị đăng ký hộ kinh doanh"' in page
        assert re.search(rf'name="{side}-time_limit_value" value="3(\.00)?"', page)
        assert f'name="{side}-actions-TOTAL_FORMS" value="1"' in page
    assert '<option value="427" selected>' in page  # the chairman's unit
    assert 'data-cost-url="/api/v1/compliance-cost"' in page
    assert "proposal-editor.js" in page


def test_editor_calculates_on_the_server_without_saving(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    before = SimplificationProposal.objects.count()
    response = client.post(
        "/catalogue/proposals/new/", editor_data(year=str(catalogue.year), op="calculate")
    )
    assert response.status_code == 200
    content = text(response)
    assert (
        "Cost of doing the procedure once 1,024,000 VND 231,000 VND 793,000 VND 77.44 %" in content
    )
    assert SimplificationProposal.objects.count() == before


def test_editor_saves_a_draft_with_the_values_as_json(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    response = client.post(
        "/catalogue/proposals/new/", editor_data(year=str(catalogue.year), op="save")
    )
    assert response.status_code == 302
    saved = SimplificationProposal.objects.get(title="Đăng ký hộ kinh doanh trực tuyến")
    assert response["Location"] == f"/catalogue/proposals/{saved.pk}/"
    assert (saved.procedure, saved.unit, saved.status) == (catalogue.household, world.dl, "draft")
    assert saved.rationale == "Giảm đi lại"
    assert saved.current == CURRENT
    assert saved.proposed == {**PROPOSED, "time_limit": {"value": 2, "unit": "working_days"}}
    assert saved.created_by == world.dl_chutich


def test_editor_shows_errors_next_to_the_fields_and_writes_nothing(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    before = SimplificationProposal.objects.count()
    response = client.post(
        "/catalogue/proposals/new/",
        editor_data(
            year=str(catalogue.year),
            op="save",
            title="",
            procedure="0.000000",
            **{
                "current-actions-1-hours": "-3",
                "proposed-actions-0-name": "",
                "current-subjects_per_year": "",
            },
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()

    def error_after(name: str) -> str:
        found = re.search(
            rf'name="{name}"[^>]*>\s*<span class="field-error" role="alert">([^<]+)<', page
        )
        assert found, name
        return found.group(1)

    assert (
        error_after("current-actions-1-hours") == "Ensure this value is greater than or equal to 0."
    )
    assert error_after("proposed-actions-0-name") == "This field is required."
    assert re.search(r'name="current-subjects_per_year"[^>]*>\s*<span class="field-error"', page)
    assert re.search(r'name="title"[^>]*>\s*<span class="field-error"', page)
    assert "No procedure has this code." in page
    assert SimplificationProposal.objects.count() == before


def test_editor_reports_a_year_without_average_income(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    before = SimplificationProposal.objects.count()
    response = client.post("/catalogue/proposals/new/", editor_data(year="2001", op="save"))
    assert response.status_code == 200
    assert re.search(
        r'name="year"[^>]*>.*?<span class="field-error" role="alert">Record the average monthly',
        response.content.decode(),
        re.S,
    )
    assert SimplificationProposal.objects.count() == before


def test_editor_adds_a_row_without_javascript(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    data = editor_data(year=str(catalogue.year), add="current-actions")
    response = client.post("/catalogue/proposals/new/", data)
    page = response.content.decode()
    assert 'name="current-actions-TOTAL_FORMS" value="5"' in page
    assert 'name="current-actions-4-name"' in page
    assert 'name="current-actions-0-name" value="Chuẩn bị hồ sơ"' in page
    assert not SimplificationProposal.objects.filter(title=data["title"]).exists()


def test_editor_removes_a_ticked_row(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    data = editor_data(
        year=str(catalogue.year), op="calculate", **{"current-actions-2-DELETE": "on"}
    )
    content = text(client.post("/catalogue/proposals/new/", data))
    # without "Nhận kết quả" (10 hours = 300,000): 724,000 before
    assert "Cost of doing the procedure once 724,000 VND 231,000 VND" in content


def test_editor_is_only_for_proposers(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_motcua)
    assert client.get("/catalogue/proposals/new/").status_code == 403
    before = SimplificationProposal.objects.count()
    data = editor_data(year=str(catalogue.year), op="save")
    assert client.post("/catalogue/proposals/new/", data).status_code == 403
    assert client.get(f"/catalogue/proposals/{catalogue.draft.pk}/edit/").status_code == 403
    assert SimplificationProposal.objects.count() == before


def test_editor_refuses_a_unit_outside_the_proposers_reach(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    before = SimplificationProposal.objects.count()
    response = client.post(
        "/catalogue/proposals/new/", editor_data(year=str(catalogue.year), op="save", unit="423")
    )
    assert response.status_code == 200
    assert re.search(
        r'name="unit"[^>]*>.*?</select>\s*<span class="field-error"',
        response.content.decode(),
        re.S,
    )
    assert SimplificationProposal.objects.count() == before


def test_editing_a_draft_keeps_procedure_and_unit(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_admin)
    url = f"/catalogue/proposals/{catalogue.draft.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="title" value="Khai sinh trực tuyến"' in page
    assert 'name="current-actions-2-hours" value="10"' in page
    assert 'name="proposed-actions-0-hours" value="2.5"' in page
    assert 'name="procedure"' not in page
    assert "1,024,000 VND" in text(client.get(url))  # the stored proposal's numbers
    data = editor_data(year="2001", op="save", title="Khai sinh trực tuyến toàn trình")
    data.pop("procedure")
    data.pop("unit")
    data["proposed-actions-0-hours"] = "1.5"
    response = client.post(url, data)
    assert response.status_code == 302
    catalogue.draft.refresh_from_db()
    assert catalogue.draft.title == "Khai sinh trực tuyến toàn trình"
    assert catalogue.draft.year == catalogue.year  # a proposal keeps its year
    assert catalogue.draft.proposed["actions"][0] == {"name": "Nộp hồ sơ trực tuyến", "hours": 1.5}
    assert (catalogue.draft.procedure, catalogue.draft.unit) == (catalogue.birth, world.dl)


def test_only_a_draft_is_edited(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    client = as_official(world.dl_chutich)
    url = f"/catalogue/proposals/{catalogue.submitted.pk}/edit/"
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(f"/catalogue/proposals/{catalogue.submitted.pk}/", 302)]
    assert "Only a draft proposal can be edited." in text(response)


def test_proposals_list_survives_a_year_whose_income_was_removed(
    as_official: Callable[[Official], Client], world: World, catalogue: Catalogue
) -> None:
    services.income_parameter_set(year=2020, monthly_income_vnd=4_400_000, source="thử")
    old = services.proposal_create(
        actor=world.dl_chutich,
        procedure=catalogue.household,
        unit=world.dl,
        title="Phương án năm 2020",
        year=2020,
        current=CURRENT,
        proposed=PROPOSED,
    )
    IncomeParameter.objects.filter(year=2020).delete()  # as an administrator could
    response = as_official(world.dl_motcua).get("/catalogue/proposals/")
    assert response.status_code == 200
    rows = dict(
        re.findall(r'<tr data-proposal="(\d+)">(.*?)</tr>', response.content.decode(), re.S)
    )
    assert "no average income for the year" in rows[str(old.pk)]
    assert "77.44 %" in rows[str(catalogue.draft.pk)]
    detail = as_official(world.dl_motcua).get(f"/catalogue/proposals/{old.pk}/")
    assert detail.status_code == 200
    assert "No average income is recorded for 2020." in text(detail)
