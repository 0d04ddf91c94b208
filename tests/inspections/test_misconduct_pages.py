"""The officials' misconduct pages: the list (filters, overdue investigations in red and in
words by the working calendar, a fixed number of queries), one report with its history and
only the actions the services would accept from the viewer, the assignment and closing
forms with errors next to their fields, a report filed by an official; and a 404 for
everyone who may not see the report, whether it exists or not."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from motcua.dossiers.timewords import time_left
from motcua.inspections.models import MisconductEvent, MisconductReport
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from tests.dossiers.world import build as build_dossiers
from tests.dossiers.world import receive, vn
from tests.inspections.misconduct_world import MisconductWorld, assign, build, close, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw(world: Any) -> MisconductWorld:
    return build(world)


def as_(client: Client, official: Official) -> Client:
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response: Any) -> str:
    body = html.unescape(response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def field_errors(response: Any, name: str) -> list[str]:
    """The errors shown in the paragraph of the field ``name`` (dossiers/_field.html)."""
    page = response.content.decode()
    found = re.search(rf'<p class="field[^"]*" data-field="{name}">(.*?)</p>', page, re.S)
    assert found, name
    return [html.unescape(e) for e in re.findall(r'class="field-error"[^>]*>([^<]*)<', found[1])]


def state(r: MisconductReport) -> tuple[Any, ...]:
    r.refresh_from_db()
    return (r.status, r.investigator_id, r.due_at, r.substantiated, r.action_taken, r.revision)


def url(r: MisconductReport, tail: str = "") -> str:
    return f"/inspections/misconduct/{r.pk}/{tail}"


def now() -> datetime:
    return timezone.now()


def words_left(r: MisconductReport) -> str:
    engine = org_selectors.working_time_for_unit(unit=r.agency.unit)
    assert r.due_at is not None
    return time_left(r.due_at, now=now(), engine=engine).words


# -- who may open the pages -----------------------------------------------------------------


def test_the_pages_ask_for_a_login(client: Client, mw: MisconductWorld) -> None:
    r = report()
    for path in ["/inspections/misconduct/", url(r), "/inspections/misconduct/new/"]:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")
    assert client.post(url(r, "close/"), {"substantiated": "no"}).status_code == 302
    assert state(r)[0] == "new"


@pytest.mark.parametrize(
    "who", ["dl_chutich", "tnmt_head", "tnmt_insp", "tk_insp", "dl_tnmt_cv", "nobody"]
)
def test_who_may_not_see_a_report_gets_404_on_every_page_of_it(
    client: Client, mw: MisconductWorld, who: str
) -> None:
    r = report("DL.TNMT")
    before = state(r)
    c = as_(client, getattr(mw, who, None) or getattr(mw.w, who))
    assert c.get(url(r)).status_code == 404
    assert c.get("/inspections/misconduct/999999/").status_code == 404
    assert (
        c.post(url(r, "assign/"), {"investigator": "dl.thanhtra2", "working_days": "3"}).status_code
        == 404
    )
    assert c.post(url(r, "close/"), {"substantiated": "no"}).status_code == 404
    listing = c.get("/inspections/misconduct/")
    assert listing.status_code == 200
    assert f'data-report="{r.pk}"' not in listing.content.decode()
    assert "Nguyễn Văn An" not in text(listing)
    assert state(r) == before


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "9" * 30, "1.5"])
def test_a_malformed_id_is_a_404(client: Client, mw: MisconductWorld, raw: str) -> None:
    report()
    assert as_(client, mw.dl_insp).get(f"/inspections/misconduct/{raw}/").status_code == 404


# -- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_reports_with_overdue_ones_in_red_and_in_words(
    client: Client, mw: MisconductWorld
) -> None:
    late = assign(mw.dl_insp, report(at=vn(2024, 5, 6, 9)), mw.dl_insp2, at=vn(2024, 5, 6, 9))
    running = assign(mw.dl_insp, report(at=now()), mw.dl_insp2, days=20, at=now())
    fresh = report("DL.DS.UBND", at=now())
    closed = close(mw.dl_insp, report(at=vn(2024, 5, 7, 9)), at=vn(2024, 5, 8, 9))
    other_district = report("TK.MC")
    response = as_(client, mw.dl_insp).get("/inspections/misconduct/")
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'<tr data-report="(\d+)" data-status="(\w+)"( data-overdue)?>', page)
    # newest first
    assert rows == [
        (str(fresh.pk), "new", ""),
        (str(running.pk), "handling", ""),
        (str(closed.pk), "closed", ""),
        (str(late.pk), "handling", " data-overdue"),
    ]
    assert f'data-report="{other_district.pk}"' not in page
    late_row = page[page.index(f'data-report="{late.pk}"') :]
    late_row = late_row[: late_row.index("</tr>")]
    assert 'class="time time-late" data-tone="late"' in late_row
    assert words_left(late).startswith("overdue by ")
    assert f"■ {words_left(late)}" in text_of(late_row)
    assert 'data-timeliness="overdue">Overdue<' in late_row
    running_row = page[page.index(f'data-report="{running.pk}"') :]
    running_row = running_row[: running_row.index("</tr>")]
    assert 'data-tone="ok"' in running_row
    assert f"● {words_left(running)}" in text_of(running_row)
    assert "Overdue" not in running_row


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(fragment)).split())


def test_the_list_filters_by_status_and_agency(client: Client, mw: MisconductWorld) -> None:
    a = report("DL.TNMT")
    b = assign(mw.dl_insp, report("DL.DS.UBND"), mw.dl_insp2)
    c = as_(client, mw.dl_insp)

    def shown(**query: str) -> list[str]:
        page = c.get("/inspections/misconduct/", query).content.decode()
        return re.findall(r'<tr data-report="(\d+)"', page)

    assert shown(status="handling") == [str(b.pk)]
    assert shown(status="new") == [str(a.pk)]
    assert shown(agency="DL.TNMT") == [str(a.pk)]
    assert shown(agency="DL.DS.UBND", status="new") == []
    # the agencies offered are those of the reports the official sees
    page = c.get("/inspections/misconduct/").content.decode()
    assert re.findall(r'<option value="([^"]+)"[^>]*>[^<]+ — ', page) == ["DL.TNMT", "DL.DS.UBND"]
    bad = c.get("/inspections/misconduct/", {"status": "zzz", "agency": "TK.MC"})
    assert bad.status_code == 200
    assert "Choose a status from the list. Choose an agency from the list." in text(bad)
    assert re.findall(r'<tr data-report="(\d+)"', bad.content.decode()) == [str(b.pk), str(a.pk)]


def test_the_list_reads_a_fixed_number_of_queries(
    client: Client, mw: MisconductWorld, django_assert_max_num_queries: Any
) -> None:
    c = as_(client, mw.dl_insp)
    assign(mw.dl_insp, report("DL.TNMT", at=now()), mw.dl_insp2, at=now())
    assign(mw.dl_insp, report("DL.DS.UBND", at=now()), mw.tinh_insp, at=now())
    c.get("/inspections/misconduct/")  # warm the calendar's cache
    with django_assert_max_num_queries(12) as few:
        assert c.get("/inspections/misconduct/").status_code == 200
    for i in range(12):
        r = report("DL.TNMT" if i % 2 else "DL.DS.UBND", at=now(), official_name=f"Ông {i}")
        if i % 3:
            assign(mw.dl_insp, r, mw.dl_insp2 if i % 2 else mw.tinh_insp, at=now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = c.get("/inspections/misconduct/")
    assert len(re.findall(r"<tr data-report=", response.content.decode())) == 14


# -- one report -------------------------------------------------------------------------------


def actions(response: Any) -> list[str]:
    return re.findall(
        r'<form method="post" action="[^"]+" data-action="(\w+)"', response.content.decode()
    )


def test_the_report_shows_its_facts_and_history(client: Client, mw: MisconductWorld) -> None:
    r = report(at=vn(2027, 4, 29, 9))
    assign(mw.dl_insp, r, mw.dl_insp2, days=3)
    close(mw.dl_insp2, r, at=vn(2027, 5, 5, 10))
    response = as_(client, mw.dl_insp).get(url(r))
    assert response.status_code == 200
    content = text(response)
    assert f"Report #{r.pk}: Asking for money or gifts" in content
    assert f"Follow-up code {r.code} " in content
    assert "Reporter Nguyễn Văn An · 0912345678" in content
    assert "Investigator Đặng Thị Tra" in content
    assert "Investigation due at 17:00 06/05/2027" in content
    assert "Finding Substantiated Action taken Kiểm điểm, rút kinh nghiệm" in content
    page = response.content.decode()
    assert re.findall(r'data-event="(\w+)" data-seq="(\d+)"', page) == [
        ("receive", "1"),
        ("assign", "2"),
        ("close", "3"),
    ]
    assert "09:00 29/04/2027 Received · the reporter, on the public portal · New" in content
    assert (
        "09:00 29/04/2027 Given to an investigator · Hoàng Văn Thanh · New → Being handled "
        "Investigator : Đặng Thị Tra Due at : 17:00 06/05/2027"
    ) in content
    assert (
        "10:00 05/05/2027 Closed with the finding · Đặng Thị Tra · Being handled → Closed "
        "Finding : Substantiated Action taken : Kiểm điểm, rút kinh nghiệm"
    ) in content
    assert actions(response) == []  # closed: nothing to do


def test_only_the_actions_the_services_accept_are_offered(
    client: Client, mw: MisconductWorld
) -> None:
    r = report("DL.TNMT")
    assert actions(as_(client, mw.dl_insp).get(url(r))) == ["assign", "close"]
    assign(mw.dl_insp, r, mw.dl_insp2)
    offered = {
        o.username: actions(as_(client, o).get(url(r)))
        for o in [mw.dl_insp, mw.dl_insp2, mw.tinh_insp, mw.w.root]
    }
    assert offered == {
        "dl.thanhtra": ["assign"],
        "dl.thanhtra2": ["assign", "close"],
        "tinh.thanhtra": ["assign"],
        "root": ["assign"],
    }
    # the investigator list offers those the service accepts, none other
    page = as_(client, mw.dl_insp).get(url(r)).content.decode()
    select = page[
        page.index('name="investigator"') : page.index(
            "</select>", page.index('name="investigator"')
        )
    ]
    assert sorted(re.findall(r'<option value="([^"]+)"', select)) == [
        "dl.thanhtra",
        "dl.thanhtra2",
        "tinh.thanhtra",
    ]


def test_an_investigator_without_his_role_any_more_sees_it_but_may_do_nothing(
    client: Client, mw: MisconductWorld
) -> None:
    r = assign(mw.dl_insp, report(), mw.dl_insp2)
    grant = mw.dl_insp2.role_grants.get()
    grant.valid_from, grant.valid_to = vn(2019, 1, 1).date(), vn(2020, 1, 1).date()
    grant.save(update_fields=["valid_from", "valid_to"])
    c = as_(client, mw.dl_insp2)
    response = c.get(url(r))
    assert response.status_code == 200
    assert actions(response) == []
    before = state(r)
    refused = c.post(url(r, "close/"), {"substantiated": "no"})
    assert refused.status_code == 403
    assert "Reports are investigated by an inspector over the agency." in text(refused)
    assert state(r) == before


# -- assigning ------------------------------------------------------------------------------


def test_an_inspector_gives_the_report_to_an_investigator(
    client: Client, mw: MisconductWorld
) -> None:
    r = report(at=now() - timedelta(hours=1))
    c = as_(client, mw.dl_insp)
    response = c.post(url(r, "assign/"), {"investigator": "dl.thanhtra2", "working_days": "3"})
    assert response.status_code == 302
    assert response["Location"] == url(r)
    r.refresh_from_db()
    assert r.assigned_at is not None
    engine = org_selectors.working_time_for_unit(unit=r.agency.unit)
    expected = engine.due_after_days(engine.effective_start(r.assigned_at), 3)
    assert (r.status, r.investigator, r.due_at, r.revision) == (
        "handling",
        mw.dl_insp2,
        expected,
        2,
    )
    assert "The report was given to the investigator." in text(c.get(url(r)))


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        (
            {"investigator": "dl.thanhtra2", "working_days": "0"},
            "working_days",
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            {"investigator": "dl.thanhtra2", "working_days": "91"},
            "working_days",
            "Ensure this value is less than or equal to 90.",
        ),
        (
            {"investigator": "dl.thanhtra2", "working_days": "x"},
            "working_days",
            "Enter a whole number.",
        ),
        (
            {"investigator": "dl.tnmt.thanhtra", "working_days": "3"},
            "investigator",
            "An inspector does not judge a report about himself or his own agency.",
        ),
        (
            {"investigator": "tk.thanhtra", "working_days": "3"},
            "investigator",
            "Reports are investigated by an inspector over the agency.",
        ),
        (
            {"investigator": "no.such", "working_days": "3"},
            "investigator",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"working_days": "3"}, "investigator", "This field is required."),
    ],
)
def test_a_bad_assignment_is_shown_at_its_field_and_changes_nothing(
    client: Client, mw: MisconductWorld, posted: dict[str, str], field: str, message: str
) -> None:
    r = report("DL.TNMT")
    before = state(r)
    response = as_(client, mw.dl_insp).post(url(r, "assign/"), posted)
    assert response.status_code == 400
    assert field_errors(response, field) == [message]
    assert 'data-action="assign"' in response.content.decode()
    assert state(r) == before
    assert MisconductEvent.objects.filter(report=r).count() == 1


def test_a_nul_character_is_refused_before_the_page(client: Client, mw: MisconductWorld) -> None:
    r = report("DL.TNMT")
    before = state(r)
    c = as_(client, mw.dl_insp)
    response = c.post(url(r, "assign/"), {"investigator": "dl.thanhtra2\x00", "working_days": "3"})
    assert (response.status_code, text(response)) == (400, "Text must not contain NUL characters.")
    assert (
        c.post(url(r, "close/"), {"substantiated": "no", "action_taken": "\x00"}).status_code == 400
    )
    assert state(r) == before


def test_a_closed_report_is_not_given_again(client: Client, mw: MisconductWorld) -> None:
    r = close(mw.dl_insp, report())
    before = state(r)
    response = as_(client, mw.dl_insp).post(
        url(r, "assign/"), {"investigator": "dl.thanhtra2", "working_days": "3"}
    )
    assert response.status_code == 409
    assert "The report is closed already." in text(response)
    assert state(r) == before


# -- closing ---------------------------------------------------------------------------------


def test_the_investigator_closes_it_with_the_finding(client: Client, mw: MisconductWorld) -> None:
    r = assign(mw.dl_insp, report(), mw.dl_insp2)
    c = as_(client, mw.dl_insp2)
    missing = c.post(url(r, "close/"), {"substantiated": "yes", "action_taken": " "})
    assert missing.status_code == 400
    assert field_errors(missing, "action_taken") == ["Required."]
    nothing = c.post(url(r, "close/"), {"action_taken": "x"})
    assert nothing.status_code == 400
    assert field_errors(nothing, "substantiated") == ["This field is required."]
    assert state(r)[0] == "handling"
    done = c.post(url(r, "close/"), {"substantiated": "yes", "action_taken": "Kỷ luật khiển trách"})
    assert done.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.substantiated, r.action_taken, r.investigator) == (
        "closed",
        True,
        "Kỷ luật khiển trách",
        mw.dl_insp2,
    )
    assert "The report was closed with its finding." in text(c.get(url(r)))


def test_a_stale_page_gets_the_service_s_refusal_and_changes_nothing(
    client: Client, mw: MisconductWorld
) -> None:
    r = report()
    c = as_(client, mw.dl_insp)
    assert actions(c.get(url(r))) == ["assign", "close"]
    assign(mw.tinh_insp, r, mw.dl_insp2)  # meanwhile, given to someone else
    before = state(r)
    response = c.post(url(r, "close/"), {"substantiated": "no"})
    assert response.status_code == 403
    assert 'data-error="misconduct.not_investigator"' in response.content.decode()
    assert "The investigator closes the report." in text(response)
    assert actions(response) == ["assign"]
    assert state(r) == before


# -- a report filed by an official -----------------------------------------------------------


def test_an_official_files_a_report_and_is_given_its_code(
    client: Client, mw: MisconductWorld
) -> None:
    c = as_(client, mw.w.dl_motcua)
    form = c.get("/inspections/misconduct/new/")
    assert form.status_code == 200
    assert 'name="reporter_name" value="Phạm Thị Hoa"' in form.content.decode()
    response = c.post(
        "/inspections/misconduct/new/",
        {
            "kind": "delay",
            "description": "Phòng TNMT giữ hồ sơ quá hạn không báo.",
            "agency": "DL.TNMT",
            "official": "Ngô Thị Lan",
            "reporter_name": "Phạm Thị Hoa",
            "reporter_contact": "hoa@example.vn",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/inspections/misconduct/new/"
    r = MisconductReport.objects.get()
    assert (r.kind, r.agency.code, r.official_name, r.official, r.reporter_contact) == (
        "delay",
        "DL.TNMT",
        "Ngô Thị Lan",
        None,
        "hoa@example.vn",
    )
    first = MisconductEvent.objects.get(report=r)
    assert (first.seq, first.actor, first.action) == (1, mw.w.dl_motcua, "receive")
    assert (
        f"The report was sent to the inspectors. Its follow-up code is {r.code}: with it, "
        "the reporter follows the report on the public portal."
    ) in text(c.get(response["Location"]))
    # the one-stop officer who filed it does not see the investigation
    assert c.get(url(r)).status_code == 404


def test_an_inspector_who_files_a_report_goes_to_it(client: Client, mw: MisconductWorld) -> None:
    response = as_(client, mw.dl_insp).post(
        "/inspections/misconduct/new/",
        {"kind": "harassment", "description": "Quát mắng người dân.", "agency": "DL.MC"},
    )
    r = MisconductReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(r)
    assert MisconductEvent.objects.get(report=r).actor == mw.dl_insp


def test_a_bad_report_is_shown_at_its_fields_and_files_nothing(
    client: Client, mw: MisconductWorld
) -> None:
    c = as_(client, mw.w.dl_motcua)
    empty = c.post("/inspections/misconduct/new/", {})
    assert empty.status_code == 400
    assert field_errors(empty, "kind") == ["This field is required."]
    assert field_errors(empty, "description") == ["This field is required."]
    bad = c.post(
        "/inspections/misconduct/new/",
        {"kind": "delay", "description": "Trễ hẹn.", "reporter_contact": "abc"},
    )
    assert bad.status_code == 400
    assert field_errors(bad, "agency") == ["Choose the agency, or give the dossier's code."]
    assert field_errors(bad, "reporter_contact") == ["A phone number or an e-mail address."]
    nul = c.post(
        "/inspections/misconduct/new/",
        {"kind": "delay", "description": "Trễ hẹn.", "agency": "DL.MC\x00"},
    )
    assert nul.status_code == 400
    assert not MisconductReport.objects.exists()


def test_a_dossier_is_tied_only_when_the_official_may_see_it(client: Client, world: Any) -> None:
    dw = build_dossiers(world)
    d = receive(dw, vn(2027, 4, 29, 9))
    base = {"kind": "delay", "description": "Trễ hẹn.", "dossier": d.code}
    # Tân Kỳ's one-stop officer may not see the dossier: its code is kept as text, and an
    # agency is needed, so nothing tells him whether the dossier exists
    other = as_(client, world.tk_motcua).post("/inspections/misconduct/new/", base)
    assert other.status_code == 400
    assert field_errors(other, "agency") == ["Choose the agency, or give the dossier's code."]
    kept = as_(client, world.tk_motcua).post(
        "/inspections/misconduct/new/", {**base, "agency": "DL.MC"}
    )
    assert kept.status_code == 302
    r = MisconductReport.objects.get()
    assert (r.dossier, r.agency.code) == (None, "DL.MC")
    assert d.code in r.description
    tied = as_(client, world.dl_motcua).post("/inspections/misconduct/new/", base)
    assert tied.status_code == 302
    assert MisconductReport.objects.latest("pk").dossier == d
