"""The dossier endpoints added beside API.md's: refusal at reception, file upload and
download, the new actions through the API, and personal data shown in full only to those
who handle the dossier (each full view logged)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import (
    Dossier,
    DossierStatus,
    DossierStep,
    PersonalDataView,
    StepOutcome,
    StoredFile,
)
from tests.dossiers.world import DossierWorld, build, receive, vn

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {
    "full_name": "Trần Thị Hoa",
    "id_number": "040198765432",
    "phone": "0987654321",
    "address": "Xóm 5, xã Đặng Sơn",
}


@pytest.fixture
def dw(world, settings, tmp_path) -> DossierWorld:
    settings.MEDIA_ROOT = tmp_path
    return build(world)


def _token(client: Any, user: Any) -> str:
    from tests.conftest import PASSWORD

    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return str(response.json()["token"])


def test_refusal_at_reception_records_status_3_with_reasons(api, dw):
    before = Dossier.objects.count()
    response = api(
        "post",
        "/dossiers/refusals",
        dw.w.dl_motcua,
        {
            "procedure": "MAU.DAT.01",
            "agency": "DL.MC",
            "channel": "counter",
            "applicant": APPLICANT,
            "reasons": ["Thửa đất thuộc địa bàn huyện khác"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == DossierStatus.REFUSED
    assert body["reasons"] == ["Thửa đất thuộc địa bàn huyện khác"]
    assert body["received_at"] is None
    assert Dossier.objects.count() == before + 1
    d = Dossier.objects.get(code=body["code"])
    assert list(d.events.values_list("action", "to_status")) == [("refuse", 3)]


def test_refusal_needs_reasons_and_the_agency_s_officer(api, dw):
    body = {
        "procedure": "MAU.DAT.01",
        "agency": "DL.MC",
        "channel": "counter",
        "applicant": APPLICANT,
        "reasons": [],
    }
    response = api("post", "/dossiers/refusals", dw.w.dl_motcua, body)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reasons"]
    body["reasons"] = ["Ngoài thẩm quyền"]
    assert api("post", "/dossiers/refusals", dw.w.tk_motcua, body).status_code == 403
    assert api("post", "/dossiers/refusals", None, body).status_code == 401
    assert Dossier.objects.count() == 0


def test_upload_then_receive_with_the_file_then_download_it(client, api, dw):
    token = _token(client, dw.w.dl_motcua)
    response = client.post(
        "/api/v1/files",
        {"file": SimpleUploadedFile("gcn.pdf", PDF, content_type="application/pdf")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    sha = hashlib.sha256(PDF).hexdigest()
    assert response.json() == {
        "sha256": sha,
        "size": len(PDF),
        "content_type": "application/pdf",
        "name": "gcn.pdf",
    }
    body = {
        "procedure": "MAU.DAT.01",
        "agency": "DL.MC",
        "channel": "counter",
        "applicant": APPLICANT,
        "documents": [
            {"name": "Đơn đăng ký biến động"},
            {"name": "Giấy chứng nhận quyền sử dụng đất", "file_sha256": sha},
        ],
    }
    created = api("post", "/dossiers", dw.w.dl_motcua, body)
    assert created.status_code == 201, created.content
    download = client.get(f"/api/v1/files/{sha}", headers={"Authorization": f"Bearer {token}"})
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # Tân Kỳ's officer neither uploaded it nor sees a dossier using it
    other = _token(client, dw.w.tk_motcua)
    assert (
        client.get(f"/api/v1/files/{sha}", headers={"Authorization": f"Bearer {other}"})
    ).status_code == 404
    assert client.get(f"/api/v1/files/{sha}").status_code == 401


def test_an_upload_of_another_type_is_refused_and_stores_nothing(client, dw):
    token = _token(client, dw.w.dl_motcua)
    response = client.post(
        "/api/v1/files",
        {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="text/plain")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file.type"
    assert StoredFile.objects.count() == 0
    missing = client.post("/api/v1/files", {}, headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code in {400, 422}
    assert "error" in missing.json()


def test_forward_and_payment_through_the_api(api, dw):
    # received in the past: the API acts now, and step runs are ordered by their start
    d = receive(dw, vn(2026, 11, 2, 9))
    # the one-stop officer forwards the reception step to Tân Kỳ's one-stop (interconnected)
    response = api(
        "post",
        f"/dossiers/{d.code}/actions",
        dw.w.dl_motcua,
        {"action": "forward", "agency": "TK.MC", "note": "Liên thông"},
    )
    assert response.status_code == 200, response.content
    steps = response.json()["steps"]
    assert [(s["agency"], s["outcome"]) for s in steps] == [
        ("DL.MC", StepOutcome.FORWARDED),
        ("TK.MC", None),
    ]
    assert steps[0]["due_at"] == steps[1]["due_at"]
    # Tân Kỳ now sees it and sends it back
    back = api(
        "post",
        f"/dossiers/{d.code}/actions",
        dw.w.tk_motcua,
        {"action": "forward", "agency": "DL.MC", "note": "Đã xác nhận"},
    )
    assert back.status_code == 200, back.content
    assert DossierStep.objects.filter(dossier=d).count() == 3
    paid = api(
        "post",
        f"/dossiers/{d.code}/actions",
        dw.w.dl_motcua,
        {"action": "request_payment", "amount_vnd": 150000, "note": "Lệ phí"},
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == DossierStatus.FINANCIAL_OBLIGATION
    bad = api(
        "post",
        f"/dossiers/{d.code}/actions",
        dw.w.dl_motcua,
        {"action": "pay", "online": "maybe"},
    )
    assert bad.status_code in {400, 422}
    ok = api("post", f"/dossiers/{d.code}/actions", dw.w.dl_motcua, {"action": "pay"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == DossierStatus.HANDLING


def test_personal_data_in_full_only_for_handlers_and_every_full_view_is_logged(api, dw):
    d = receive(dw, vn(2027, 2, 3, 10))
    handler = api("get", f"/dossiers/{d.code}", dw.w.dl_motcua).json()
    assert handler["applicant"]["id_number"] == d.applicant_id_number
    assert PersonalDataView.objects.filter(dossier=d, official=dw.w.dl_motcua).count() == 1
    # the province's administrator may see the dossier but does not handle it
    for onlooker in (dw.w.tinh_admin, dw.w.dl_admin, dw.w.dl_chutich):
        response = api("get", f"/dossiers/{d.code}", onlooker)
        assert response.status_code == 200
        shown = response.json()["applicant"]
        assert shown["id_number"] == "*" * 9 + d.applicant_id_number[-3:]
        assert shown["phone"] == "*" * 7 + d.applicant_phone[-3:]
        assert (shown["email"], shown["address"]) == ("", "")
        assert not PersonalDataView.objects.filter(official=onlooker).exists()
    listed = api("get", "/dossiers", dw.w.dl_motcua).json()["items"][0]
    assert listed["applicant"]["id_number"].startswith("*")


def test_a_paused_dossier_s_clock_stops_in_the_api_and_the_statistics(api, dw):
    from motcua.dossiers import services
    from motcua.reports.selectors import dossier_statistics

    # received Mon 2 Nov 2026 09:00 (due five working days later), paused an hour later
    # for a supplement that never came: weeks later it is still in time, not overdue
    d = receive(dw, vn(2026, 11, 2, 9))
    services.dossier_act(
        dossier=d,
        actor=dw.w.dl_motcua,
        action="request_supplement",
        payload={"items": ["Bản vẽ thửa đất"]},
        at=vn(2026, 11, 2, 10),
    )
    assert api("get", f"/dossiers/{d.code}", dw.w.dl_motcua).json()["timeliness"] == "in_time"
    codes = {
        t: [
            i["code"]
            for i in api("get", f"/dossiers?timeliness={t}", dw.w.dl_motcua).json()["items"]
        ]
        for t in ("in_time", "overdue")
    }
    assert codes == {"in_time": [d.code], "overdue": []}
    from datetime import date

    stats = dossier_statistics(
        agencies=[dw.w.dl_one_stop], first=date(2026, 11, 1), last=date(2026, 11, 30)
    )
    assert (stats.in_time, stats.overdue) == (1, 0)
