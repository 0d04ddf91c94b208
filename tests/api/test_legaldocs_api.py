"""The legal-documents API (API.md "Legal documents", docs/api-legaldocs.md): each
endpoint's answer exactly, 400 naming every field at once, 401, 403, 404 for what the
caller may not see, 409 for a state conflict, a permission matrix of every endpoint, lists
whose query count does not grow with their length, and the schema fuzzer aimed at a real
document and review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.legaldocs import services
from motcua.legaldocs.models import (
    DocumentRelation,
    DocumentStatus,
    LegalDocument,
    LegalReview,
    Outcome,
    ReviewOutcome,
)
from motcua.org.models import Official, Role
from motcua.tasks.models import Task
from tests.api.test_no_500 import OPERATIONS, Fuzzer, fuzz
from tests.conftest import PASSWORD
from tests.dossiers.world import vn
from tests.legaldocs.test_imports import BAD, GOOD, csv_bytes, xlsx_bytes
from tests.legaldocs.world import LegalWorld, build, documents, record, register, review
from tests.tasks.world import official

Api = Callable[..., Any]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ZERO = dict.fromkeys(Outcome.values, 0)
BODY: dict[str, Any] = {
    "unit": "427",
    "number": "15/2020/QĐ-UBND",
    "title": "Quy định quản lý đất đai",
    "kind": "decision",
    "issued_on": "2020-05-04",
    "effective_on": "2020-05-15",
}


@pytest.fixture
def lw(world: Any, settings: Any, tmp_path: Any) -> LegalWorld:
    settings.MEDIA_ROOT = str(tmp_path)
    return build(world)


@pytest.fixture(autouse=True)
def english(client: Client) -> None:
    """Messages are compared with their English msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    found = response.json()["error"]
    assert found["code"] == code, found
    return dict(found)


def is_vietnam_time(text: Any) -> bool:
    return isinstance(text, str) and datetime.fromisoformat(text).utcoffset() == (
        vn(2027, 1, 1).utcoffset()
    )


def snapshot() -> tuple[Any, ...]:
    return (
        list(LegalDocument.objects.order_by("pk").values()),
        list(DocumentRelation.objects.order_by("pk").values()),
        list(LegalReview.objects.order_by("pk").values()),
        list(ReviewOutcome.objects.order_by("pk").values()),
        list(Task.objects.order_by("pk").values()),
    )


def token(client: Client, who: Official) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        {"username": who.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def upload(client: Client, path: str, who: Official | None, name: str, data: bytes) -> Any:
    headers = token(client, who) if who is not None else {}
    return client.post(f"/api/v1{path}", {"file": SimpleUploadedFile(name, data)}, headers=headers)


def document_json(d: LegalDocument, **changes: Any) -> dict[str, Any]:
    out = {
        "id": d.pk,
        "unit": d.unit.code,
        "number": d.number,
        "kind": d.kind,
        "title": d.title,
        "issuing_body": d.issuing_body,
        "signer": d.signer,
        "issued_on": d.issued_on.isoformat(),
        "effective_on": d.effective_on.isoformat(),
        "expires_on": d.expires_on.isoformat() if d.expires_on else None,
        "subject": d.subject,
        "status": d.status,
        "status_since": d.status_since.isoformat() if d.status_since else None,
        "file": None,
    }
    out.update(changes)
    return out


# -- POST /legal-documents ---------------------------------------------------------------------


def test_create_answers_201_with_the_document(lw: LegalWorld, api: Api) -> None:
    body = {
        **BODY,
        "issuing_body": "UBND huyện Đô Lương",
        "signer": "Trần Đình Long",
        "expires_on": "2030-12-31",
        "subject": "Đất đai",
    }
    found = ok(api("post", "/legal-documents", lw.dl_phaply, body), 201)
    d = LegalDocument.objects.get()
    assert found == {
        "id": d.pk,
        "unit": "427",
        "number": "15/2020/QĐ-UBND",
        "kind": "decision",
        "title": "Quy định quản lý đất đai",
        "issuing_body": "UBND huyện Đô Lương",
        "signer": "Trần Đình Long",
        "issued_on": "2020-05-04",
        "effective_on": "2020-05-15",
        "expires_on": "2030-12-31",
        "subject": "Đất đai",
        "status": "in_force",
        "status_since": None,
        "file": None,
        "relations": [],
        "related_from": [],
    }
    assert (d.unit_id, d.expires_on, d.search_key) == (
        lw.w.dl.pk,
        date(2030, 12, 31),
        "15/2020/qd-ubnd quy dinh quan ly dat dai",
    )


def test_create_names_every_problem_at_once_and_writes_nothing(lw: LegalWorld, api: Api) -> None:
    body = {
        "unit": "999",
        "number": "",
        "title": "t" * 501,
        "kind": "law",
        "issued_on": "04/05/2020",
        "effective_on": "2020-02-30",
        "expires_on": "1900-01-01",
    }
    found = error(api("post", "/legal-documents", lw.dl_phaply, body), 400, "legal.invalid")
    assert found["fields"] == {
        "unit": ["Unknown unit '999'."],
        "number": ["Required."],
        "title": ["At most 500 characters."],
        "kind": ["resolution, decision, directive, other"],
        "issued_on": ["Write a date as YYYY-MM-DD."],
        "effective_on": ["Write a date as YYYY-MM-DD."],
        "expires_on": ["A date from 1945 to 2199."],
    }
    assert LegalDocument.objects.count() == 0


def test_a_malformed_optional_date_is_refused_though_the_rest_is_valid(
    lw: LegalWorld, api: Api
) -> None:
    found = error(
        api("post", "/legal-documents", lw.dl_phaply, {**BODY, "expires_on": "mai"}),
        400,
        "legal.invalid",
    )
    assert found["fields"] == {"expires_on": ["Write a date as YYYY-MM-DD."]}
    assert LegalDocument.objects.count() == 0


def test_create_401_403_409(lw: LegalWorld, api: Api) -> None:
    error(api("post", "/legal-documents", None, BODY), 401, "auth.required")
    error(api("post", "/legal-documents", lw.tk_phaply, BODY), 403, "legal.forbidden")
    # the right comes before the data: an outsider learns nothing of what is wrong
    error(
        api("post", "/legal-documents", lw.tk_phaply, {**BODY, "title": ""}), 403, "legal.forbidden"
    )
    ok(api("post", "/legal-documents", lw.dl_phaply, BODY), 201)
    before = snapshot()
    found = error(api("post", "/legal-documents", lw.dl_phaply, BODY), 409, "legal.duplicate")
    assert found["message"] == "Huyện Đô Lương has a document numbered 15/2020/QĐ-UBND already."
    assert snapshot() == before


def test_a_value_of_the_wrong_type_is_400_request_invalid(lw: LegalWorld, api: Api) -> None:
    found = error(
        api("post", "/legal-documents", lw.dl_phaply, {**BODY, "number": 12}),
        400,
        "request.invalid",
    )
    assert set(found["fields"]) == {"number"}
    assert LegalDocument.objects.count() == 0


# -- GET /legal-documents ----------------------------------------------------------------------


def test_the_list_searches_folding_diacritics_and_filters(lw: LegalWorld, api: Api) -> None:
    land = register(lw, number="5/2021/QĐ-UBND", title="Quy định đất đai")
    fee = register(lw, number="6/2021/NQ-HĐND", kind="resolution", title="Quy định phí vệ sinh")
    register(lw, unit=lw.w.tk, number="7/2021/QĐ-UBND", title="Quy định đất đai Tân Kỳ")
    found = ok(api("get", "/legal-documents", lw.dl_phaply, {"q": "quy dinh dat dai"}))
    assert found == {"items": [document_json(land)], "next": None}
    kinds = ok(api("get", "/legal-documents", lw.dl_phaply, {"kind": "resolution"}))
    assert [i["id"] for i in kinds["items"]] == [fee.pk]
    everything = ok(api("get", "/legal-documents", lw.w.root, {"q": "QUY ĐỊNH ĐẤT ĐAI"}))
    assert [i["number"] for i in everything["items"]] == ["5/2021/QĐ-UBND", "7/2021/QĐ-UBND"]
    by_unit = ok(api("get", "/legal-documents", lw.w.root, {"unit": "423"}))
    assert [i["unit"] for i in by_unit["items"]] == ["423"]
    expired = ok(api("get", "/legal-documents", lw.dl_phaply, {"status": "expired"}))
    assert expired == {"items": [], "next": None}


def test_the_list_refuses_unknown_filters(lw: LegalWorld, api: Api) -> None:
    assert error(
        api("get", "/legal-documents", lw.dl_phaply, {"status": "dead"}), 400, "request.invalid"
    )["fields"] == {"status": ["in_force, expired, partly_expired, suspended"]}
    assert error(
        api("get", "/legal-documents", lw.dl_phaply, {"kind": "law"}), 400, "request.invalid"
    )["fields"] == {"kind": ["resolution, decision, directive, other"]}
    assert error(
        api("get", "/legal-documents", lw.dl_phaply, {"unit": "999"}), 400, "request.invalid"
    )["fields"] == {"unit": ["Unknown unit '999'."]}


def test_the_list_is_paginated_by_cursor(lw: LegalWorld, api: Api) -> None:
    docs = documents(lw, 5)
    first = ok(api("get", "/legal-documents", lw.dl_phaply, {"limit": 2}))
    assert [i["id"] for i in first["items"]] == [docs[0].pk, docs[1].pk]
    rest = ok(api("get", "/legal-documents", lw.dl_phaply, {"limit": 10, "cursor": first["next"]}))
    assert [i["id"] for i in rest["items"]] == [d.pk for d in docs[2:]]
    assert rest["next"] is None


def test_the_list_costs_the_same_queries_whatever_its_length(lw: LegalWorld, api: Api) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api("get", "/legal-documents", lw.w.dl_chutich)
        assert response.status_code == 200
        return len(captured)

    documents(lw, 2)
    api("get", "/legal-documents", lw.w.dl_chutich)  # the token is fetched once
    few = queries()
    documents(lw, 30, prefix="NQ")
    assert queries() == few
    assert few <= 4, few


# -- GET /legal-documents/{id} and relations ----------------------------------------------------


def test_a_document_shows_its_relations_both_ways(lw: LegalWorld, api: Api) -> None:
    old = register(lw, number="1/2015/QĐ-UBND", title="Quy định cũ")
    new = register(lw, number="2/2024/QĐ-UBND", title="Quy định mới")
    base = register(lw, number="3/2023/NQ-HĐND", kind="resolution", title="Nghị quyết")
    created = ok(
        api(
            "post",
            f"/legal-documents/{new.pk}/relations",
            lw.dl_phaply,
            {"kind": "replaces", "target": old.pk},
        ),
        201,
    )
    relation = DocumentRelation.objects.get()
    assert created == {
        "id": relation.pk,
        "source": {
            "id": new.pk,
            "unit": "427",
            "number": "2/2024/QĐ-UBND",
            "title": "Quy định mới",
        },
        "kind": "replaces",
        "target": {"id": old.pk, "unit": "427", "number": "1/2015/QĐ-UBND", "title": "Quy định cũ"},
    }
    services.legal_relation_add(actor=lw.dl_phaply, source=new, kind="based_on", target=base)
    based = DocumentRelation.objects.get(kind="based_on")
    assert ok(api("get", f"/legal-documents/{new.pk}", lw.w.dl_motcua)) == document_json(
        new,
        relations=[
            {
                "id": based.pk,
                "kind": "based_on",
                "target": {
                    "id": base.pk,
                    "unit": "427",
                    "number": "3/2023/NQ-HĐND",
                    "title": "Nghị quyết",
                },
            },
            {
                "id": relation.pk,
                "kind": "replaces",
                "target": {
                    "id": old.pk,
                    "unit": "427",
                    "number": "1/2015/QĐ-UBND",
                    "title": "Quy định cũ",
                },
            },
        ],
        related_from=[],
    )
    shown = ok(api("get", f"/legal-documents/{old.pk}", lw.dl_phaply))
    assert (shown["relations"], shown["related_from"]) == (
        [],
        [
            {
                "id": relation.pk,
                "kind": "replaces",
                "source": {
                    "id": new.pk,
                    "unit": "427",
                    "number": "2/2024/QĐ-UBND",
                    "title": "Quy định mới",
                },
            }
        ],
    )


def test_a_document_out_of_reach_is_404(lw: LegalWorld, api: Api) -> None:
    d = register(lw)
    error(api("get", f"/legal-documents/{d.pk}", lw.tk_phaply), 404, "legal.not_found")
    error(api("get", f"/legal-documents/{d.pk + 100}", lw.w.root), 404, "legal.not_found")
    error(api("get", "/legal-documents/0", lw.w.root), 404, "legal.not_found")


def test_relation_errors_400_403_404_409(lw: LegalWorld, api: Api) -> None:
    a, b = documents(lw, 2)
    tk = register(lw, unit=lw.w.tk)
    path = f"/legal-documents/{a.pk}/relations"
    found = error(
        api("post", path, lw.dl_phaply, {"kind": "cites", "target": a.pk}), 400, "legal.invalid"
    )
    assert found["fields"] == {
        "kind": ["amends, replaces, repeals, based_on"],
        "target": ["A document does not relate to itself."],
    }
    # a document the officer does not see is unknown to them
    found = error(
        api("post", path, lw.dl_phaply, {"kind": "amends", "target": tk.pk}), 400, "legal.invalid"
    )
    assert found["fields"] == {"target": [f"Unknown document {tk.pk}."]}
    found = error(api("post", path, lw.dl_phaply, {"kind": "amends"}), 400, "legal.invalid")
    assert found["fields"] == {"target": ["Choose the document."]}
    error(
        api("post", path, lw.w.dl_chutich, {"kind": "amends", "target": b.pk}),
        403,
        "legal.forbidden",
    )
    error(
        api("post", path, lw.w.dl_chutich, {"kind": "amends", "target": 999999}),
        403,
        "legal.forbidden",
    )
    error(
        api("post", path, lw.tk_phaply, {"kind": "amends", "target": b.pk}), 404, "legal.not_found"
    )
    assert DocumentRelation.objects.count() == 0
    ok(api("post", path, lw.dl_phaply, {"kind": "amends", "target": b.pk}), 201)
    error(
        api("post", path, lw.dl_phaply, {"kind": "amends", "target": b.pk}),
        409,
        "legal.duplicate_relation",
    )
    assert DocumentRelation.objects.count() == 1


def test_the_file_is_uploaded_by_the_legal_officer_and_downloaded_by_who_sees_it(
    lw: LegalWorld, client: Client
) -> None:
    d = register(lw)
    path = f"/legal-documents/{d.pk}/file"
    headers = token(client, lw.w.dl_motcua)
    error(client.get(f"/api/v1{path}", headers=headers), 404, "legal.no_file")
    error(upload(client, path, lw.w.dl_chutich, "qd.pdf", PDF), 403, "legal.forbidden")
    error(upload(client, path, lw.dl_phaply, "qd.exe", b"MZ\x90\x00"), 400, "file.type")
    assert LegalDocument.objects.get().file_id is None
    shown = ok(upload(client, path, lw.dl_phaply, "qd.pdf", PDF), 201)
    stored = LegalDocument.objects.get().file
    assert stored is not None
    assert shown["file"] == {
        "sha256": stored.sha256,
        "name": "qd.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
    }
    response = client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="qd.pdf"'
    error(client.get(f"/api/v1{path}", headers=token(client, lw.tk_phaply)), 404, "legal.not_found")


# -- GET /legal-documents/expired -----------------------------------------------------------


def test_the_expired_list_is_the_selectors(lw: LegalWorld, api: Api) -> None:
    dated = register(lw, number="7/2016/QĐ", title="Có hạn", expires_on=date(2026, 8, 1))
    whole = register(lw, number="1/2015/QĐ", title="Hết hiệu lực")
    register(lw, number="4/2015/QĐ", title="Còn hiệu lực")
    rv = review(lw)
    record(lw, rv, whole, "expired_whole")
    services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=vn(2027, 6, 30, 10))
    whole.refresh_from_db()
    found = ok(
        api("get", "/legal-documents/expired", lw.w.dl_motcua, {"unit": "427", "year": 2027})
    )
    assert found == {
        "items": [
            document_json(
                whole, status="expired", status_since="2027-06-30", expires_on="2027-06-30"
            )
        ],
        "next": None,
    }
    last = ok(api("get", "/legal-documents/expired", lw.w.dl_motcua, {"unit": "427", "year": 2026}))
    assert [i["id"] for i in last["items"]] == [dated.pk]
    # another unit's officer sees none of Đô Lương's
    other = ok(api("get", "/legal-documents/expired", lw.tk_phaply, {"unit": "427", "year": 2027}))
    assert other == {"items": [], "next": None}
    error(
        api("get", "/legal-documents/expired", lw.tk_phaply, {"unit": "999", "year": 2027}),
        400,
        "request.invalid",
    )
    error(
        api("get", "/legal-documents/expired", lw.tk_phaply, {"unit": "427"}),
        400,
        "request.invalid",
    )


# -- POST /legal-documents/import -----------------------------------------------------------


def test_an_import_dry_run_reports_and_writes_nothing(lw: LegalWorld, client: Client) -> None:
    register(lw, number="12/2020/QĐ-UBND")
    before = snapshot()
    found = ok(
        upload(client, "/legal-documents/import?unit=427", lw.dl_phaply, "r.csv", csv_bytes(BAD))
    )
    assert (found["dry_run"], found["imported"], found["rows"], found["created"]) == (
        True,
        False,
        6,
        2,
    )
    assert [r["row"] for r in found["rejected"]] == [3, 4, 5, 6]
    assert found["rejected"][1] == {
        "row": 4,
        "number": "01/2019/NQ-HĐND",
        "problems": {"number": ["01/2019/NQ-HĐND is repeated: already on row 2."]},
        "reason": "number: 01/2019/NQ-HĐND is repeated: already on row 2.",
    }
    assert snapshot() == before


def test_an_import_writes_every_row_or_none(lw: LegalWorld, client: Client) -> None:
    register(lw, number="12/2020/QĐ-UBND")
    before = snapshot()
    path = "/legal-documents/import?unit=427&dry_run=false"
    found = error(
        upload(client, path, lw.dl_phaply, "r.csv", csv_bytes(BAD)), 400, "legal.import_rejected"
    )
    assert (
        found["message"]
        == "Nothing was imported: 4 of 6 rows rejected (otherwise 2 would be registered)."
    )
    assert list(found["fields"]) == ["row 3", "row 4", "row 5", "row 6"]
    assert snapshot() == before
    done = ok(upload(client, path, lw.dl_phaply, "r.xlsx", xlsx_bytes(GOOD)))
    assert done == {"dry_run": False, "imported": True, "rows": 3, "created": 3, "rejected": []}
    assert LegalDocument.objects.filter(unit=lw.w.dl).count() == 4


def test_an_import_refuses_an_unreadable_file_an_unknown_unit_and_outsiders(
    lw: LegalWorld, client: Client
) -> None:
    error(
        upload(client, "/legal-documents/import?unit=427", lw.dl_phaply, "r.csv", b""),
        400,
        "legal.import_unreadable",
    )
    error(
        upload(client, "/legal-documents/import?unit=999", lw.dl_phaply, "r.csv", csv_bytes(GOOD)),
        400,
        "request.invalid",
    )
    error(
        upload(client, "/legal-documents/import?unit=427", lw.tk_phaply, "r.csv", csv_bytes(GOOD)),
        403,
        "legal.forbidden",
    )
    error(
        upload(client, "/legal-documents/import?unit=427", None, "r.csv", csv_bytes(GOOD)),
        401,
        "auth.required",
    )
    assert LegalDocument.objects.count() == 0


# -- reviews ---------------------------------------------------------------------------------


def review_json(rv: LegalReview, **changes: Any) -> dict[str, Any]:
    out = {
        "id": rv.pk,
        "unit": rv.unit.code,
        "title": rv.title,
        "kind": rv.kind,
        "trigger": None,
        "state": rv.state,
        "created_by": rv.created_by.username,
        "created_at": timezone.localtime(rv.created_at).isoformat(),
        "approved_by": None,
        "approved_at": None,
        "summary": {"counts": ZERO, "total": 0},
        "outcomes": [],
    }
    out.update(changes)
    return out


def test_open_a_review_201_with_its_id(lw: LegalWorld, api: Api) -> None:
    base = register(lw, number="3/2027/NQ-HĐND", kind="resolution", title="Nghị quyết mới")
    body = {
        "unit": "427",
        "title": "Rà soát theo Nghị quyết mới",
        "kind": "triggered",
        "trigger": base.pk,
    }
    found = ok(api("post", "/legal-reviews", lw.dl_phaply, body), 201)
    rv = LegalReview.objects.get()
    assert is_vietnam_time(found["created_at"])
    assert found == review_json(
        rv,
        trigger={
            "id": base.pk,
            "unit": "427",
            "number": "3/2027/NQ-HĐND",
            "title": "Nghị quyết mới",
        },
        created_at=found["created_at"],
    )
    assert (rv.unit_id, rv.kind, rv.trigger_id, rv.created_by_id) == (
        lw.w.dl.pk,
        "triggered",
        base.pk,
        lw.dl_phaply.pk,
    )


def test_open_a_review_400_403(lw: LegalWorld, api: Api) -> None:
    tk = register(lw, unit=lw.w.tk)
    body = {"unit": "999", "title": "", "kind": "triggered", "trigger": tk.pk}
    found = error(api("post", "/legal-reviews", lw.dl_phaply, body), 400, "legal.invalid")
    assert found["fields"] == {
        "title": ["Required."],
        "unit": ["Unknown unit '999'."],
        "trigger": [f"Unknown document {tk.pk}."],
    }
    body = {"unit": "427", "title": "Rà soát", "kind": "periodic"}
    error(api("post", "/legal-reviews", lw.w.dl_chutich, body), 403, "legal.forbidden")
    error(api("post", "/legal-reviews", lw.tk_phaply, body), 403, "legal.forbidden")
    assert LegalReview.objects.count() == 0


def test_record_an_outcome_201_with_its_task(lw: LegalWorld, api: Api) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    body = {
        "document": d.pk,
        "outcome": "propose_amend",
        "reason": "Không còn phù hợp.",
        "base_document": "Luật Đất đai 2024",
    }
    found = ok(api("post", f"/legal-reviews/{rv.pk}/outcomes", lw.dl_phaply, body), 201)
    o = ReviewOutcome.objects.get()
    task = Task.objects.get()
    assert is_vietnam_time(found.pop("recorded_at"))
    assert is_vietnam_time(found.pop("task_due_at"))
    assert found == {
        "id": o.pk,
        "review": rv.pk,
        "document": d.pk,
        "number": "1/2020/QĐ",
        "title": "Quyết định số 1 về thủ tục hành chính",
        "outcome": "propose_amend",
        "reason": "Không còn phù hợp.",
        "base_document": "Luật Đất đai 2024",
        "reviewer": "dl.phaply",
        "task": task.pk,
        "task_status": "assigned",
        "task_assignee": "dl.phaply",
    }
    assert (task.source, task.lead_agency_id, task.approver_id) == (
        f"legal-review:{rv.pk}",
        lw.dl_tp.pk,
        lw.w.dl_chutich.pk,
    )


def test_an_outcome_takes_the_follow_up_given(lw: LegalWorld, api: Api) -> None:
    cv = official("dl.tp.cv", [(lw.dl_tp, Role.HANDLING_OFFICIAL)])
    [d] = documents(lw, 1)
    rv = review(lw)
    body = {
        "document": d.pk,
        "outcome": "propose_replace",
        "reason": "Thay thế.",
        "assignee": "dl.tp.cv",
        "lead_agency": "DL.TP",
        "approver": "dl.chutich",
        "due_at": "2199-01-30T17:00:00+07:00",
        "deliverable": "Dự thảo quyết định thay thế",
        "coordinators": ["DL.TNMT"],
    }
    found = ok(api("post", f"/legal-reviews/{rv.pk}/outcomes", lw.dl_phaply, body), 201)
    task = Task.objects.get()
    assert (found["task"], found["task_assignee"], found["task_due_at"]) == (
        task.pk,
        "dl.tp.cv",
        "2199-01-30T17:00:00+07:00",
    )
    assert (
        task.assignee_id,
        task.lead_agency_id,
        task.approver_id,
        task.deliverable,
        list(task.coordinating_agencies.values_list("code", flat=True)),
    ) == (cv.pk, lw.dl_tp.pk, lw.w.dl_chutich.pk, "Dự thảo quyết định thay thế", ["DL.TNMT"])


def test_an_outcome_names_every_problem_and_writes_nothing(lw: LegalWorld, api: Api) -> None:
    [d] = documents(lw, 1)
    tk = register(lw, unit=lw.w.tk)
    rv = review(lw)
    path = f"/legal-reviews/{rv.pk}/outcomes"
    before = snapshot()
    body = {
        "document": tk.pk,
        "outcome": "obsolete",
        "reason": "",
        "assignee": "no.one",
        "lead_agency": "NO.AGENCY",
        "due_at": "2027-05-01T17:00:00",
        "coordinators": ["DL.TNMT", "NOPE"],
    }
    found = error(api("post", path, lw.dl_phaply, body), 400, "legal.invalid")
    assert found["fields"] == {
        "outcome": [", ".join(Outcome.values)],
        "reason": ["Required."],
        "document": [f"Unknown document {tk.pk}."],
        "coordinators.1": ["Unknown agency 'NOPE'."],
        "due_at": ["A time must carry its UTC offset, e.g. +07:00."],
        "assignee": ["Unknown official 'no.one'."],
        "lead_agency": ["Unknown agency 'NO.AGENCY'."],
    }
    # with the rest valid, an unknown assignee still refuses the outcome (not a default)
    body = {"document": d.pk, "outcome": "propose_amend", "reason": "Lý do", "assignee": "no.one"}
    found = error(api("post", path, lw.dl_phaply, body), 400, "legal.invalid")
    assert found["fields"] == {"assignee": ["Unknown official 'no.one'."]}
    # a follow-up the task rules refuse
    body = {
        "document": d.pk,
        "outcome": "propose_amend",
        "reason": "Lý do",
        "assignee": "dl.motcua",
    }
    found = error(api("post", path, lw.dl_phaply, body), 400, "task.incomplete")
    assert found["fields"] == {"lead_agency": ["Rõ trách nhiệm: name the lead agency."]}
    assert snapshot() == before


def test_an_outcome_403_404_409(lw: LegalWorld, api: Api) -> None:
    first, second = documents(lw, 2)
    rv = review(lw)
    path = f"/legal-reviews/{rv.pk}/outcomes"
    body = {"document": first.pk, "outcome": "in_force", "reason": "Còn phù hợp."}
    error(api("post", path, lw.w.dl_chutich, body), 403, "legal.forbidden")
    error(api("post", path, lw.tk_phaply, body), 404, "legal.review_not_found")
    error(
        api("post", "/legal-reviews/999999/outcomes", lw.dl_phaply, body),
        404,
        "legal.review_not_found",
    )
    ok(api("post", path, lw.dl_phaply, body), 201)
    before = snapshot()
    error(api("post", path, lw.dl_phaply, body), 409, "legal.outcome_recorded")
    assert snapshot() == before
    ok(api("post", f"/legal-reviews/{rv.pk}/approve", lw.w.dl_chutich), 200)
    before = snapshot()
    late = {"document": second.pk, "outcome": "propose_amend", "reason": "Muộn."}
    error(api("post", path, lw.dl_phaply, late), 409, "legal.review_approved")
    assert snapshot() == before


def test_the_summary_is_exactly_the_contracts_shape(lw: LegalWorld, api: Api) -> None:
    docs = documents(lw, 6)
    rv = review(lw)
    for d, outcome in zip(
        docs,
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
    found = ok(api("get", f"/legal-reviews/{rv.pk}/summary", lw.w.dl_motcua))
    assert found == {
        "counts": {
            "in_force": 2,
            "expired_whole": 3,
            "expired_part": 0,
            "propose_amend": 1,
            "propose_replace": 0,
            "propose_repeal": 0,
            "propose_suspend": 0,
            "propose_new": 0,
        },
        "total": 6,
    }
    error(
        api("get", f"/legal-reviews/{rv.pk}/summary", lw.tk_phaply), 404, "legal.review_not_found"
    )


def test_a_review_shows_its_outcomes_with_reviewer_reason_and_task(
    lw: LegalWorld, api: Api
) -> None:
    a, b = documents(lw, 2)
    rv = review(lw)
    kept = record(lw, rv, a, "in_force", reason="Còn phù hợp.")
    proposed = record(lw, rv, b, "propose_repeal", reason="Trái luật.")
    found = ok(api("get", f"/legal-reviews/{rv.pk}", lw.w.dl_chutich))
    outcomes = found.pop("outcomes")
    assert found == {
        k: v
        for k, v in review_json(
            rv, summary={"counts": {**ZERO, "in_force": 1, "propose_repeal": 1}, "total": 2}
        ).items()
        if k != "outcomes"
    }
    assert [
        (
            o["id"],
            o["document"],
            o["outcome"],
            o["reason"],
            o["reviewer"],
            o["task"],
            o["task_status"],
        )
        for o in outcomes
    ] == [
        (kept.pk, a.pk, "in_force", "Còn phù hợp.", "dl.phaply", None, None),
        (
            proposed.pk,
            b.pk,
            "propose_repeal",
            "Trái luật.",
            "dl.phaply",
            proposed.task_id,
            "assigned",
        ),
    ]


def test_the_chairman_approves_and_the_register_follows(lw: LegalWorld, api: Api) -> None:
    whole, part = documents(lw, 2)
    rv = review(lw)
    record(lw, rv, whole, "expired_whole")
    record(lw, rv, part, "expired_part")
    error(api("post", f"/legal-reviews/{rv.pk}/approve", lw.dl_phaply), 403, "legal.forbidden")
    error(
        api("post", f"/legal-reviews/{rv.pk}/approve", lw.tk_chutich), 404, "legal.review_not_found"
    )
    assert LegalReview.objects.get().state == "open"
    found = ok(api("post", f"/legal-reviews/{rv.pk}/approve", lw.w.dl_chutich))
    today = timezone.localdate()
    assert (found["state"], found["approved_by"]) == ("approved", "dl.chutich")
    assert is_vietnam_time(found["approved_at"])
    assert {d.number: (d.status, d.status_since) for d in LegalDocument.objects.all()} == {
        "1/2020/QĐ": (DocumentStatus.EXPIRED, today),
        "2/2020/QĐ": (DocumentStatus.PARTLY_EXPIRED, today),
    }
    error(
        api("post", f"/legal-reviews/{rv.pk}/approve", lw.w.dl_chutich),
        409,
        "legal.review_approved",
    )
    empty = review(lw, title="Trống")
    error(
        api("post", f"/legal-reviews/{empty.pk}/approve", lw.w.dl_chutich),
        409,
        "legal.review_empty",
    )


def test_the_reviews_list(lw: LegalWorld, api: Api) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    record(lw, rv, d, "in_force")
    other = review(lw, actor=lw.tk_phaply, unit=lw.w.tk, title="Rà soát Tân Kỳ")
    found = ok(api("get", "/legal-reviews", lw.w.dl_chutich))
    assert [(i["id"], i["outcomes"], i["state"]) for i in found["items"]] == [(rv.pk, 1, "open")]
    everything = ok(api("get", "/legal-reviews", lw.w.root, {"unit": "423"}))
    assert [i["id"] for i in everything["items"]] == [other.pk]
    error(api("get", "/legal-reviews", lw.w.root, {"state": "closed"}), 400, "request.invalid")


# -- who may do what -------------------------------------------------------------------------

WHO = ["anonymous", "nobody", "dl_motcua", "tk_phaply", "dl_chutich", "dl_phaply", "root"]
# the status each caller gets, in WHO's order
MATRIX: list[tuple[str, str, str, list[int]]] = [
    ("post", "/legal-documents", "create", [401, 403, 403, 403, 403, 201, 201]),
    ("get", "/legal-documents", "", [401, 200, 200, 200, 200, 200, 200]),
    ("get", "/legal-documents/{doc}", "", [401, 404, 200, 404, 200, 200, 200]),
    ("post", "/legal-documents/{doc}/relations", "relation", [401, 404, 403, 404, 403, 201, 201]),
    ("post", "/legal-documents/{doc}/file", "upload", [401, 404, 403, 404, 403, 201, 201]),
    ("get", "/legal-documents/{filed}/file", "", [401, 404, 200, 404, 200, 200, 200]),
    ("get", "/legal-documents/expired?unit=427&year=2027", "", [401, 200, 200, 200, 200, 200, 200]),
    ("post", "/legal-documents/import?unit=427", "import", [401, 403, 403, 403, 403, 200, 200]),
    ("post", "/legal-reviews", "review", [401, 403, 403, 403, 403, 201, 201]),
    ("get", "/legal-reviews", "", [401, 200, 200, 200, 200, 200, 200]),
    ("get", "/legal-reviews/{review}", "", [401, 404, 200, 404, 200, 200, 200]),
    ("get", "/legal-reviews/{review}/summary", "", [401, 404, 200, 404, 200, 200, 200]),
    ("post", "/legal-reviews/{review}/outcomes", "outcome", [401, 404, 403, 404, 403, 201, 201]),
    ("post", "/legal-reviews/{review}/approve", "", [401, 404, 403, 404, 200, 403, 200]),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "status"),
    [
        pytest.param(m, p, b, who, s, id=f"{m}-{p}-{who}")
        for m, p, b, statuses in MATRIX
        for who, s in zip(WHO, statuses, strict=True)
    ],
)
def test_permission_matrix(
    lw: LegalWorld, client: Client, method: str, path: str, body: str, who: str, status: int
) -> None:
    doc, target, fresh, filed = documents(lw, 4)
    services.legal_document_attach(
        actor=lw.dl_phaply, document=filed, data=SimpleUploadedFile("a.pdf", PDF), name="a.pdf"
    )
    rv = review(lw)
    record(lw, rv, doc, "expired_whole")
    url = "/api/v1" + path.format(doc=doc.pk, filed=filed.pk, review=rv.pk)
    caller = None if who == "anonymous" else getattr(lw, who, None) or getattr(lw.w, who)
    headers = token(client, caller) if caller is not None else {}
    bodies: dict[str, Any] = {
        "create": BODY,
        "relation": {"kind": "amends", "target": target.pk},
        "review": {"unit": "427", "title": "Rà soát", "kind": "periodic"},
        "outcome": {"document": fresh.pk, "outcome": "in_force", "reason": "Còn phù hợp."},
    }
    if body == "upload":
        response = client.post(
            url, {"file": SimpleUploadedFile("b.pdf", PDF + b"%")}, headers=headers
        )
    elif body == "import":
        response = client.post(
            url, {"file": SimpleUploadedFile("r.csv", csv_bytes(GOOD))}, headers=headers
        )
    elif method == "post":
        response = client.post(
            url, bodies.get(body, {}), content_type="application/json", headers=headers
        )
    else:
        response = client.get(url, headers=headers)
    assert response.status_code == status, response.content


# -- the fuzzer, aimed at real records -------------------------------------------------------

LEGAL_OPS = sorted(op_id for op_id, op in OPERATIONS.items() if "/legal-" in op.path)


def test_every_legal_endpoint_is_in_the_matrix() -> None:
    paths = {(m, p.split("?")[0]) for m, p, _b, _s in MATRIX}
    served = {
        (op.method, op.path.replace("{document_id}", "{doc}").replace("{review_id}", "{review}"))
        for op_id, op in OPERATIONS.items()
        if op_id in LEGAL_OPS
    }
    assert {(m, p.replace("{filed}", "{doc}")) for m, p in paths} == served


@pytest.mark.parametrize("op_id", LEGAL_OPS)
def test_malformed_input_on_real_records_is_4xx(lw: LegalWorld, op_id: str) -> None:
    """``tests/api/test_no_500.py`` has no document or review to aim at: here its fuzzer
    runs with real ones, as the legal officer, so that the mutations reach the services."""
    doc, target, fresh = documents(lw, 3)
    rv = review(lw)
    record(lw, rv, doc, "in_force")
    client = Client(raise_request_exception=False)
    real = {
        "legal-documents/document_id": doc.pk,
        "legal-reviews/review_id": rv.pk,
        "unit": "427",
        "year": 2027,
        "body": {
            **BODY,
            "number": "99/2027/QĐ-UBND",
            "expires_on": "2030-01-01",
            "target": target.pk,
            "document": fresh.pk,
            "outcome": "propose_amend",
            "reason": "Lý do",
            "base_document": "Luật",
            "assignee": "dl.phaply",
            "lead_agency": "DL.TP",
            "approver": "dl.chutich",
            "due_at": "2199-01-30T17:00:00+07:00",
            "coordinators": ["DL.TNMT"],
            "deliverable": "Dự thảo",
            "trigger": doc.pk,
        },
    }
    fuzzer = Fuzzer(
        client=client,
        op=OPERATIONS[op_id],
        who="legal officer",
        headers=token(client, lw.dl_phaply),
        real=real,
    )
    fuzz(fuzzer)
    assert fuzzer.sent > 0
    assert not fuzzer.failures, "\n".join(str(f) for f in fuzzer.failures[:10])
