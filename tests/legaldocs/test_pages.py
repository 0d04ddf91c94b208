"""The register's pages: a unit's register with search and filters, a new document, a
document with its relations and file, the import, the reviews, a review with its summary,
its outcomes and its forms, the year's expired documents and their export. Who sees and
may do what, the service's errors next to the fields with nothing written, exact records
from the forms, bounded queries on the lists."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.legaldocs import services
from motcua.legaldocs.models import (
    DocumentRelation,
    DocumentStatus,
    LegalDocument,
    LegalReview,
    Outcome,
    ReviewOutcome,
    ReviewState,
)
from motcua.org.models import Official
from motcua.tasks.models import Task
from tests.dossiers.world import vn
from tests.legaldocs.test_imports import BAD, GOOD, csv_bytes, xlsx_bytes
from tests.legaldocs.world import LegalWorld, build, documents, record, register, review

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lw(world: Any, settings: Any, tmp_path: Any) -> LegalWorld:
    settings.MEDIA_ROOT = str(tmp_path)
    return build(world)


def login(who: Official, language: str | None = "en") -> Client:
    client = Client()
    client.force_login(who)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html(response: Any) -> str:
    return str(response.content.decode())


def field(page: str, name: str) -> str:
    """The markup of one form field (its label, input and errors)."""
    return page.split(f'data-field="{name}"')[1].split("</p>", maxsplit=1)[0]


def field_errors(page: str, name: str) -> list[str]:
    return re.findall(r'<span class="field-error" role="alert">([^<]*)</span>', field(page, name))


def rows(page: str, marker: str) -> list[str]:
    return re.findall(rf'<tr {marker}="([^"]*)"', page)


def snapshot() -> tuple[Any, ...]:
    return (
        list(LegalDocument.objects.order_by("pk").values()),
        list(DocumentRelation.objects.order_by("pk").values()),
        list(LegalReview.objects.order_by("pk").values()),
        list(ReviewOutcome.objects.order_by("pk").values()),
        list(Task.objects.order_by("pk").values()),
    )


# -- the register ------------------------------------------------------------------------------


def test_the_register_lists_a_units_documents_and_searches_without_accents(
    lw: LegalWorld,
) -> None:
    land = register(lw, number="5/2021/QĐ-UBND", title="Quy định đất đai")
    fee = register(lw, number="6/2021/NQ-HĐND", kind="resolution", title="Quy định phí")
    register(lw, unit=lw.w.tk, number="7/2021/QĐ-UBND", title="Quy định đất đai Tân Kỳ")
    c = login(lw.dl_phaply)
    page = html(c.get("/legal/"))
    assert set(rows(page, "data-document")) == {str(land.pk), str(fee.pk)}
    assert re.findall(
        r'<option value="(\d+)"', page.split('id="f-unit"')[1].split("</select>")[0]
    ) == ["427"]
    found = html(c.get("/legal/", {"q": "quy dinh dat dai"}))
    assert rows(found, "data-document") == [str(land.pk)]
    assert rows(html(c.get("/legal/", {"kind": "resolution"})), "data-document") == [str(fee.pk)]
    assert rows(html(c.get("/legal/", {"status": "expired"})), "data-document") == []
    # the chairman chooses among the district and its communes
    chair = html(login(lw.w.dl_chutich).get("/legal/"))
    options = chair.split('id="f-unit"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d+)"', options) == ["427", "42701"]


def test_a_unit_out_of_reach_is_named_and_the_default_shown(lw: LegalWorld) -> None:
    d = register(lw)
    register(lw, unit=lw.w.tk)
    page = html(login(lw.dl_phaply).get("/legal/", {"unit": "423", "status": "nonsense"}))
    assert "Choose a unit from the list." in page
    assert rows(page, "data-document") == [str(d.pk)]


def test_the_register_offers_writing_to_its_legal_officers_only(lw: LegalWorld) -> None:
    assert 'data-link="new"' in html(login(lw.dl_phaply).get("/legal/"))
    assert 'data-link="import"' in html(login(lw.dl_phaply).get("/legal/"))
    for who in (lw.w.dl_chutich, lw.w.dl_motcua):
        page = html(login(who).get("/legal/"))
        assert 'data-link="new"' not in page
        assert 'data-link="import"' not in page
    assert html(login(lw.w.nobody).get("/legal/")).count("data-empty") == 1


def test_the_register_costs_the_same_queries_whatever_its_length(lw: LegalWorld) -> None:
    c = login(lw.w.dl_chutich)
    c.get("/legal/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = c.get("/legal/", {"q": "quyet dinh"})
        assert response.status_code == 200
        return len(captured)

    documents(lw, 3)
    few = queries()
    documents(lw, 60, prefix="NQ")  # two pages
    assert queries() == few
    assert few <= 12, few
    page = html(c.get("/legal/", {"q": "quyet dinh"}))
    assert len(rows(page, "data-document")) == 50
    assert 'data-page="next"' in page
    second = html(c.get("/legal/", {"q": "quyet dinh", "page": "2"}))
    assert len(rows(second, "data-document")) == 13


def test_pages_need_a_login_and_are_vietnamese_by_default(lw: LegalWorld) -> None:
    response = Client().get("/legal/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/legal/"
    page = html(login(lw.dl_phaply, language=None).get("/legal/"))
    assert '<html lang="vi">' in page
    assert 'data-nav="legal"' in page


# -- a new document ----------------------------------------------------------------------------


def test_a_legal_officer_registers_a_document_through_the_form_exactly(lw: LegalWorld) -> None:
    c = login(lw.dl_phaply)
    assert c.get("/legal/new/").status_code == 200
    response = c.post(
        "/legal/new/",
        {
            "unit": "427",
            "number": "15/2020/QĐ-UBND",
            "kind": "decision",
            "title": "Quy định quản lý đất đai",
            "issuing_body": "UBND huyện Đô Lương",
            "signer": "Trần Đình Long",
            "issued_on": "2020-05-04",
            "effective_on": "15/05/2020",
            "expires_on": "",
            "subject": "Đất đai",
        },
    )
    d = LegalDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/legal/{d.pk}/"
    assert (
        d.unit_id,
        d.number,
        d.kind,
        d.title,
        d.issuing_body,
        d.signer,
        d.issued_on,
        d.effective_on,
        d.expires_on,
        d.subject,
    ) == (
        lw.w.dl.pk,
        "15/2020/QĐ-UBND",
        "decision",
        "Quy định quản lý đất đai",
        "UBND huyện Đô Lương",
        "Trần Đình Long",
        date(2020, 5, 4),
        date(2020, 5, 15),
        None,
        "Đất đai",
    )


def test_the_new_document_form_names_every_problem_next_to_its_field(lw: LegalWorld) -> None:
    c = login(lw.dl_phaply)
    response = c.post(
        "/legal/new/",
        {
            "unit": "427",
            "number": "",
            "kind": "",
            "title": "t" * 501,
            "issued_on": "hôm qua",
            "effective_on": "",
            "expires_on": "",
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert field_errors(page, "number") == ["Required."]
    assert field_errors(page, "kind") == ["resolution, decision, directive, other"]
    assert field_errors(page, "title") == ["At most 500 characters."]
    assert field_errors(page, "issued_on") == ["Enter a valid date."]
    assert field_errors(page, "effective_on") == ["Required."]
    assert field_errors(page, "expires_on") == []
    assert LegalDocument.objects.count() == 0


def test_a_duplicate_number_is_said_on_the_form_and_nothing_written(lw: LegalWorld) -> None:
    register(lw, number="15/2020/QĐ-UBND")
    before = snapshot()
    response = login(lw.dl_phaply).post(
        "/legal/new/",
        {
            "unit": "427",
            "number": "15/2020/QĐ-UBND",
            "kind": "decision",
            "title": "Khác",
            "issued_on": "2020-05-04",
            "effective_on": "2020-05-04",
        },
    )
    assert response.status_code == 409
    assert "Huyện Đô Lương has a document numbered 15/2020/QĐ-UBND already." in html(response)
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/legal/new/", "/legal/import/", "/legal/reviews/new/"])
@pytest.mark.parametrize("who", ["dl_chutich", "dl_motcua", "nobody"])
def test_writing_pages_are_for_legal_officers(lw: LegalWorld, path: str, who: str) -> None:
    c = login(getattr(lw.w, who))
    assert c.get(path).status_code == 403
    assert c.post(path, {"unit": "427", "title": "x"}).status_code == 403
    assert LegalDocument.objects.count() == LegalReview.objects.count() == 0


def test_another_units_officer_cannot_choose_this_unit(lw: LegalWorld) -> None:
    response = login(lw.tk_phaply).post(
        "/legal/new/",
        {
            "unit": "427",
            "number": "1/2020",
            "kind": "decision",
            "title": "x",
            "issued_on": "2020-01-01",
            "effective_on": "2020-01-01",
        },
    )
    assert response.status_code == 400
    assert field_errors(html(response), "unit") == [
        "Select a valid choice. 427 is not one of the available choices."
    ]
    assert LegalDocument.objects.count() == 0


# -- a document ------------------------------------------------------------------------------


def test_a_document_shows_its_relations_both_ways_and_its_reviews(lw: LegalWorld) -> None:
    old = register(lw, number="1/2015/QĐ-UBND", title="Quy định cũ")
    new = register(lw, number="2/2024/QĐ-UBND", title="Quy định mới")
    services.legal_relation_add(actor=lw.dl_phaply, source=new, kind="replaces", target=old)
    rv = review(lw)
    record(lw, rv, old, "expired_whole", reason="Đã bị thay thế.")
    page = html(login(lw.w.dl_motcua).get(f"/legal/{old.pk}/"))
    assert f'data-relation="replaces" data-source="{new.pk}"' in page
    assert '<tr data-outcome="expired_whole">' in page
    assert "Đã bị thay thế." in page
    assert 'data-form="relation"' not in page  # the one-stop officer only reads
    assert 'data-form="upload"' not in page
    mine = html(login(lw.dl_phaply).get(f"/legal/{new.pk}/"))
    assert f'data-relation="replaces" data-target="{old.pk}"' in mine
    assert 'data-form="relation"' in mine
    assert 'data-form="upload"' in mine


def test_a_document_out_of_reach_is_404(lw: LegalWorld) -> None:
    d = register(lw)
    c = login(lw.tk_phaply)
    for path in (
        f"/legal/{d.pk}/",
        f"/legal/{d.pk}/file/",
        "/legal/abc/",
        "/legal/99999999999999999999/",
    ):
        assert c.get(path).status_code == 404
    assert c.post(f"/legal/{d.pk}/relations/", {"kind": "amends"}).status_code == 404


def test_the_file_is_uploaded_and_downloaded(lw: LegalWorld) -> None:
    d = register(lw)
    c = login(lw.dl_phaply)
    bad = c.post(f"/legal/{d.pk}/upload/", {"file": SimpleUploadedFile("a.exe", b"MZ\x90\x00")})
    assert bad.status_code == 400
    assert field_errors(html(bad), "file") == [
        "Only PDF, JPEG, PNG, TIFF, DOCX and XLSX files are accepted. File type not accepted."
    ]
    assert LegalDocument.objects.get().file_id is None
    assert (
        login(lw.w.dl_chutich)
        .post(f"/legal/{d.pk}/upload/", {"file": SimpleUploadedFile("qd.pdf", PDF)})
        .status_code
        == 403
    )
    response = c.post(f"/legal/{d.pk}/upload/", {"file": SimpleUploadedFile("qd.pdf", PDF)})
    assert response.status_code == 302
    assert LegalDocument.objects.get().file is not None
    assert "qd.pdf" in html(login(lw.w.dl_motcua).get(f"/legal/{d.pk}/"))
    download = login(lw.w.dl_motcua).get(f"/legal/{d.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_a_relation_is_added_through_the_form(lw: LegalWorld) -> None:
    a, b = documents(lw, 2)
    c = login(lw.dl_phaply)
    response = c.post(f"/legal/{a.pk}/relations/", {"kind": "amends", "target": str(b.pk)})
    assert response.status_code == 302
    assert list(DocumentRelation.objects.values_list("source", "kind", "target")) == [
        (a.pk, "amends", b.pk)
    ]
    before = snapshot()
    again = c.post(f"/legal/{a.pk}/relations/", {"kind": "amends", "target": str(b.pk)})
    assert again.status_code == 409
    assert "This relation is recorded already." in html(again)
    bad = c.post(f"/legal/{a.pk}/relations/", {"kind": "cites", "target": ""})
    assert bad.status_code == 400
    assert field_errors(html(bad), "kind") == [
        "Select a valid choice. cites is not one of the available choices."
    ]
    empty = c.post(f"/legal/{a.pk}/relations/", {"kind": "amends", "target": ""})
    assert field_errors(html(empty), "target") == ["Choose the document."]
    assert (
        login(lw.w.dl_chutich)
        .post(f"/legal/{a.pk}/relations/", {"kind": "repeals", "target": str(b.pk)})
        .status_code
        == 403
    )
    assert snapshot() == before


# -- the import ------------------------------------------------------------------------------


def test_the_import_checks_then_imports(lw: LegalWorld) -> None:
    c = login(lw.dl_phaply)
    assert c.get("/legal/import/").status_code == 200
    register(lw, number="12/2020/QĐ-UBND")
    before = snapshot()
    checked = c.post(
        "/legal/import/",
        {"unit": "427", "action": "check", "file": SimpleUploadedFile("r.csv", csv_bytes(BAD))},
    )
    assert checked.status_code == 200
    page = html(checked)
    assert rows(page, "data-row") == ["3", "4", "5", "6"]
    row3 = page.split('<tr data-row="3">')[1].split("</tr>")[0]
    assert re.findall(r'data-problem="(\w+)"', row3) == ["number", "kind", "issued_on"]
    assert "Dry run, nothing written: of 6 rows, 2 would be registered and 4 are rejected." in page
    assert snapshot() == before
    refused = c.post(
        "/legal/import/",
        {"unit": "427", "action": "import", "file": SimpleUploadedFile("r.csv", csv_bytes(BAD))},
    )
    assert refused.status_code == 400
    assert snapshot() == before
    clean = c.post(
        "/legal/import/",
        {"unit": "427", "action": "check", "file": SimpleUploadedFile("r.xlsx", xlsx_bytes(GOOD))},
    )
    assert "data-ready" in html(clean)
    assert snapshot() == before
    done = c.post(
        "/legal/import/",
        {"unit": "427", "action": "import", "file": SimpleUploadedFile("r.xlsx", xlsx_bytes(GOOD))},
    )
    assert done.status_code == 302
    assert done["Location"] == "/legal/?unit=427"
    assert LegalDocument.objects.count() == 4


def test_an_unreadable_file_is_named_next_to_the_file_input(lw: LegalWorld) -> None:
    response = login(lw.dl_phaply).post(
        "/legal/import/",
        {
            "unit": "427",
            "action": "check",
            "file": SimpleUploadedFile("r.xls", b"\xd0\xcf\x11\xe0x"),
        },
    )
    assert response.status_code == 400
    assert field_errors(html(response), "file") == [
        "This is an old Excel .xls file: save it as .xlsx (or CSV UTF-8) and try again."
    ]


# -- reviews ---------------------------------------------------------------------------------


def test_the_reviews_list_with_bounded_queries(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    first = review(lw)
    record(lw, first, d, "in_force")
    review(lw, actor=lw.tk_phaply, unit=lw.w.tk)
    c = login(lw.w.dl_chutich)
    page = html(c.get("/legal/reviews/"))
    assert rows(page, "data-review") == [str(first.pk)]
    assert 'data-outcomes="1"' in page
    assert 'data-link="review_new"' not in page
    assert 'data-link="review_new"' in html(login(lw.dl_phaply).get("/legal/reviews/"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert c.get("/legal/reviews/").status_code == 200
        return len(captured)

    few = queries()
    for i in range(20):
        review(lw, title=f"Rà soát {i}")
    assert queries() == few


def test_a_review_is_opened_through_the_form(lw: LegalWorld) -> None:
    base = register(lw, number="3/2027/NQ-HĐND", kind="resolution", title="Nghị quyết mới")
    c = login(lw.dl_phaply)
    bad = c.post("/legal/reviews/new/", {"unit": "427", "title": "", "kind": "triggered"})
    assert bad.status_code == 400
    page = html(bad)
    assert field_errors(page, "title") == ["Required."]
    assert field_errors(page, "trigger") == [
        "Name the new base document that calls for the review."
    ]
    assert LegalReview.objects.count() == 0
    response = c.post(
        "/legal/reviews/new/",
        {
            "unit": "427",
            "title": "Rà soát theo NQ mới",
            "kind": "triggered",
            "trigger": str(base.pk),
        },
    )
    rv = LegalReview.objects.get()
    assert response["Location"] == f"/legal/reviews/{rv.pk}/"
    assert (rv.unit_id, rv.title, rv.kind, rv.trigger_id, rv.created_by_id) == (
        lw.w.dl.pk,
        "Rà soát theo NQ mới",
        "triggered",
        base.pk,
        lw.dl_phaply.pk,
    )


def test_a_review_page_shows_the_summary_counted_from_records(lw: LegalWorld) -> None:
    docs = documents(lw, 7)
    rv = review(lw)
    for d, outcome in zip(
        docs[:6],
        [
            "expired_whole",
            "expired_whole",
            "expired_whole",
            "in_force",
            "in_force",
            "propose_amend",
        ],
        strict=True,
    ):
        record(lw, rv, d, outcome)
    page = html(login(lw.dl_phaply).get(f"/legal/reviews/{rv.pk}/"))
    counts = dict(re.findall(r'<tr data-outcome="(\w+)" data-count="(\d+)">', page))
    assert counts == {
        "in_force": "2",
        "expired_whole": "3",
        "expired_part": "0",
        "propose_amend": "1",
        "propose_replace": "0",
        "propose_repeal": "0",
        "propose_suspend": "0",
        "propose_new": "0",
        "total": "6",
    }
    outcomes = page.split('data-section="outcomes"')[1].split("</section>")[0]
    assert rows(outcomes, "data-document") == [str(d.pk) for d in docs[:6]]
    task = Task.objects.get()
    assert f'href="/tasks/{task.pk}/" data-task="{task.pk}"' in outcomes
    form = page.split('data-form="outcome"')[1].split("</form>")[0]
    choices = re.findall(r'<option value="(\d+)"', field(form, "document"))
    assert choices == [str(docs[6].pk)]  # only the document not reviewed yet
    assert 'data-action="approve"' not in page  # the legal officer does not approve


def test_an_outcome_is_recorded_through_the_form(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    c = login(lw.dl_phaply)
    response = c.post(
        f"/legal/reviews/{rv.pk}/outcomes/",
        {
            "document": str(d.pk),
            "outcome": "propose_repeal",
            "reason": "Trái luật.",
            "base_document": "Luật 2024",
            "lead_agency": "DL.TP",
            "working_days": "10",
            "deliverable": "Dự thảo quyết định bãi bỏ",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/legal/reviews/{rv.pk}/#outcomes"
    o = ReviewOutcome.objects.select_related("task").get()
    assert (o.document_id, o.outcome, o.reason, o.base_document, o.reviewer_id) == (
        d.pk,
        "propose_repeal",
        "Trái luật.",
        "Luật 2024",
        lw.dl_phaply.pk,
    )
    assert o.task is not None
    assert (o.task.lead_agency_id, o.task.deliverable, o.task.source) == (
        lw.dl_tp.pk,
        "Dự thảo quyết định bãi bỏ",
        f"legal-review:{rv.pk}",
    )


def test_an_outcome_form_names_its_problems_and_writes_nothing(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    c = login(lw.dl_phaply)
    before = snapshot()
    response = c.post(
        f"/legal/reviews/{rv.pk}/outcomes/",
        {"document": "", "outcome": "propose_amend", "reason": "", "assignee": "dl.motcua"},
    )
    assert response.status_code == 400
    page = html(response)
    assert field_errors(page, "reason") == ["Required."]
    assert field_errors(page, "document") == ["Choose the document."]
    assert snapshot() == before
    # the task's rules, next to the follow-up fields
    response = c.post(
        f"/legal/reviews/{rv.pk}/outcomes/",
        {
            "document": str(d.pk),
            "outcome": "propose_amend",
            "reason": "Lý do",
            "assignee": "dl.motcua",
        },
    )
    assert response.status_code == 400
    assert field_errors(html(response), "lead_agency") == ["Rõ trách nhiệm: name the lead agency."]
    assert snapshot() == before
    # someone who may not record
    assert (
        login(lw.w.dl_chutich)
        .post(
            f"/legal/reviews/{rv.pk}/outcomes/",
            {"document": str(d.pk), "outcome": "in_force", "reason": "Lý do"},
        )
        .status_code
        == 403
    )
    assert snapshot() == before


def test_the_chairman_approves_on_the_page(lw: LegalWorld) -> None:
    whole, part = documents(lw, 2)
    rv = review(lw)
    record(lw, rv, whole, "expired_whole")
    c = login(lw.w.dl_chutich)
    page = html(c.get(f"/legal/reviews/{rv.pk}/"))
    assert 'data-action="approve"' in page
    assert 'data-form="outcome"' not in page  # the chairman does not record outcomes
    refused = login(lw.dl_phaply).post(f"/legal/reviews/{rv.pk}/approve/")
    assert refused.status_code == 403
    assert 'data-error="legal.forbidden"' in html(refused)
    assert LegalReview.objects.get().state == ReviewState.OPEN
    response = c.post(f"/legal/reviews/{rv.pk}/approve/")
    assert response.status_code == 302
    assert LegalReview.objects.get().state == ReviewState.APPROVED
    assert LegalDocument.objects.get(pk=whole.pk).status == DocumentStatus.EXPIRED
    assert LegalDocument.objects.get(pk=part.pk).status == DocumentStatus.IN_FORCE
    after = html(login(lw.dl_phaply).get(f"/legal/reviews/{rv.pk}/"))
    assert 'data-form="outcome"' not in after
    assert 'data-action="approve"' not in html(c.get(f"/legal/reviews/{rv.pk}/"))
    again = c.post(f"/legal/reviews/{rv.pk}/approve/")
    assert again.status_code == 409


def test_an_empty_review_offers_no_approval(lw: LegalWorld) -> None:
    rv = review(lw)
    page = html(login(lw.w.dl_chutich).get(f"/legal/reviews/{rv.pk}/"))
    assert 'data-action="approve"' not in page


def test_a_review_out_of_reach_is_404(lw: LegalWorld) -> None:
    rv = review(lw)
    c = login(lw.tk_phaply)
    assert c.get(f"/legal/reviews/{rv.pk}/").status_code == 404
    assert c.post(f"/legal/reviews/{rv.pk}/approve/").status_code == 404
    assert c.post(f"/legal/reviews/{rv.pk}/outcomes/", {}).status_code == 404


# -- the year's expired documents ----------------------------------------------------------


def test_the_expired_page_and_its_export_list_the_same_rows(lw: LegalWorld) -> None:
    dated = register(lw, number="7/2016/QĐ", title="Có hạn", expires_on=date(2027, 8, 1))
    whole = register(lw, number="1/2015/QĐ", title="Hết hiệu lực toàn bộ")
    register(lw, number="4/2015/QĐ", title="Còn hiệu lực")
    rv = review(lw)
    record(lw, rv, whole, "expired_whole")
    services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=vn(2027, 6, 30, 10))
    c = login(lw.w.dl_motcua)
    page = html(c.get("/legal/expired/", {"unit": "427", "year": "2027"}))
    assert rows(page, "data-document") == [str(whole.pk), str(dated.pk)]
    export = c.get("/legal/expired/", {"unit": "427", "year": "2027", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert export["Content-Disposition"] == (
        'attachment; filename="legal-documents-expired-427-2027.xlsx"'
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values.index(
        [
            "No.",
            "Number",
            "Kind",
            "Title",
            "Issuing body",
            "Signed on",
            "Effective on",
            "Expires on",
            "Status",
            "Status since",
        ]
    )
    body = values[header + 1 :]
    assert [(r[0], r[1], r[8]) for r in body] == [
        (1, "1/2015/QĐ", "Expired in whole"),
        (2, "7/2016/QĐ", "In force"),
    ]
    assert body[0][7].date() == date(2027, 6, 30)
    assert (
        rows(html(c.get("/legal/expired/", {"unit": "427", "year": "2026"})), "data-document") == []
    )


def test_a_bad_year_is_named_and_this_year_shown(lw: LegalWorld) -> None:
    response = login(lw.dl_phaply).get("/legal/expired/", {"year": "20x7", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "The year is one from 1945 to 2199." in html(response)


def test_every_outcome_has_its_label_on_the_review_page(lw: LegalWorld) -> None:
    rv = review(lw)
    page = html(login(lw.dl_phaply).get(f"/legal/reviews/{rv.pk}/"))
    for label in Outcome.labels:
        assert str(label) in page


def test_the_admin_lists_and_shows_without_changing(lw: LegalWorld) -> None:
    a, b = documents(lw, 2)
    services.legal_relation_add(actor=lw.dl_phaply, source=a, kind="amends", target=b)
    rv = review(lw)
    record(lw, rv, a, "propose_amend")
    c = login(lw.w.root)
    for path in (
        "/admin/legaldocs/legaldocument/",
        f"/admin/legaldocs/legaldocument/{a.pk}/change/",
        "/admin/legaldocs/legalreview/",
        f"/admin/legaldocs/legalreview/{rv.pk}/change/",
    ):
        assert c.get(path).status_code == 200, path
    assert c.get("/admin/legaldocs/legaldocument/add/").status_code == 403
    before = snapshot()
    c.post(f"/admin/legaldocs/legaldocument/{a.pk}/change/", {"number": "changed"})
    c.post(f"/admin/legaldocs/legaldocument/{a.pk}/delete/", {"post": "yes"})
    assert snapshot() == before


def test_the_expired_page_costs_the_same_queries_whatever_its_length(lw: LegalWorld) -> None:
    c = login(lw.w.dl_chutich)
    c.get("/legal/expired/", {"unit": "427", "year": "2027"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = c.get("/legal/expired/", {"unit": "427", "year": "2027"})
        assert response.status_code == 200
        return len(captured)

    for i in range(2):
        register(lw, number=f"{i}/2010/QĐ", title="Có hạn", expires_on=date(2027, 3, 1))
    few = queries()
    for i in range(2, 40):
        register(lw, number=f"{i}/2010/QĐ", title="Có hạn", expires_on=date(2027, 3, 1))
    assert queries() == few
    page = html(c.get("/legal/expired/", {"unit": "427", "year": "2027"}))
    assert len(rows(page, "data-document")) == 40
