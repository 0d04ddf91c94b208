"""The public API (no token): look-up, rating, misconduct reports, online submission and
its uploads. Rate-limited with the portal's counters; bad input is a 4xx in the one error
shape, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from motcua.core.models import RateLimitHit
from motcua.dossiers.models import Dossier, DossierStatus, Rating
from motcua.dossiers.selectors import engine_of
from motcua.inspections.models import MisconductReport
from motcua.procedures.models import ProcedureVersion
from tests.dossiers.world import DossierWorld, receive
from tests.portal.conftest import (
    CERT,
    FORM,
    ID_NUMBER,
    PDF,
    act,
    known,
    now,
    upload,
    walk_to_returned,
)

pytestmark = pytest.mark.django_db
NOT_FOUND = {
    "error": {
        "code": "dossier.not_found",
        "message": "No dossier matches this code and ID document number.",
    }
}
RATE_LIMITED = {
    "error": {
        "code": "request.rate_limited",
        "message": "Too many attempts. Please wait a few minutes and try again.",
    }
}


@pytest.fixture
def post(client: Client) -> Callable[..., Any]:
    def call(path: str, data: Any, **extra: Any) -> Any:
        body = data if isinstance(data, str | bytes) else None
        return client.post(
            f"/api/v1/public{path}",
            body if body is not None else data,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
            **extra,
        )

    return call


def iso(moment: Any) -> str | None:
    """As the API writes a time: Vietnam's offset, milliseconds (Django's JSON encoder)."""
    return DjangoJSONEncoder().default(timezone.localtime(moment)) if moment else None


# -- look-up -------------------------------------------------------------------------------


def test_lookup_answers_the_public_view_of_the_dossier(post: Any, dw: DossierWorld) -> None:
    d = receive(dw, now() - timedelta(days=1))
    d = act(d, dw.w.dl_motcua, "complete_step")
    response = post("/lookup", {"code": d.code, "id_number": ID_NUMBER})
    assert response.status_code == 200
    body = response.json()
    engine = engine_of(d)
    assert body == {
        "code": d.code,
        "procedure": "MAU.DAT.01",
        "procedure_name": "Đăng ký biến động đất đai (mẫu)",
        "agency": "DL.MC",
        "agency_name": "Bộ phận Một cửa Đô Lương",
        "status": 4,
        "status_label": "Being handled",
        "submitted_at": None,
        "received_at": iso(d.received_at),
        "due_at": iso(d.due_at),
        "appointment_at": None,
        "paused": False,
        "finished_at": None,
        "returned_at": None,
        "timeliness": "in_time",
        "remaining_working_seconds": body["remaining_working_seconds"],
        "steps": [
            {"index": 1, "name": "Tiếp nhận", "finished": True, "current": False},
            {"index": 2, "name": "Thẩm định", "finished": False, "current": True},
            {"index": 3, "name": "Ký duyệt", "finished": False, "current": False},
        ],
        "supplement_items": [],
        "payment_amount_vnd": None,
        "rated": False,
    }
    # computed at the moment of the request: between the engine's answer before and after
    before = engine.remaining_seconds(known(d.due_at), now())
    assert before - 5 <= body["remaining_working_seconds"] <= before + 5
    assert ID_NUMBER not in response.content.decode()
    assert "0912345678" not in response.content.decode()


def test_lookup_shows_the_appointment_and_what_is_asked_while_paused(
    post: Any, dw: DossierWorld
) -> None:
    d = receive(dw, now() - timedelta(days=1))
    engine = engine_of(d)
    appointment = engine.due_after_days(known(d.due_at), 2)
    d = act(d, dw.w.dl_chutich, "apologize", reason="Chờ đo đạc", new_due_at=appointment)
    d = act(d, dw.w.dl_motcua, "request_supplement", items=["Trích đo bản đồ"])
    body = post("/lookup", {"code": d.code, "id_number": ID_NUMBER}).json()
    assert body["appointment_at"] == iso(appointment)
    assert body["status"] == DossierStatus.SUPPLEMENT_REQUESTED
    assert body["paused"] is True
    assert body["supplement_items"] == ["Trích đo bản đồ"]
    # the clock stands: what was left at the pause
    assert body["remaining_working_seconds"] == engine.remaining_seconds(
        appointment, known(d.paused_at)
    )


def test_a_wrong_pair_answers_404_without_saying_which_half(post: Any, dw: DossierWorld) -> None:
    d = receive(dw, now())
    wrong_code = post("/lookup", {"code": d.code + "1", "id_number": ID_NUMBER})
    wrong_id = post("/lookup", {"code": d.code, "id_number": "040123456780"})
    assert (wrong_code.status_code, wrong_code.json()) == (404, NOT_FOUND)
    assert (wrong_id.status_code, wrong_id.json()) == (404, NOT_FOUND)


def test_lookup_is_rate_limited_and_shares_the_counters_with_the_pages(
    post: Any, client: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    for i in range(5):
        assert (
            client.post("/portal/lookup/", {"code": f"X{i}", "id_number": "1"}).status_code == 404
        )
    for i in range(5):
        assert post("/lookup", {"code": f"Y{i}", "id_number": "1"}).status_code == 404
    refused = post("/lookup", {"code": d.code, "id_number": ID_NUMBER})
    assert (refused.status_code, refused.json()) == (429, RATE_LIMITED)
    RateLimitHit.objects.update(at=now() - timedelta(minutes=11))
    assert post("/lookup", {"code": d.code, "id_number": ID_NUMBER}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        {},
        {"code": "A"},
        {"code": 12, "id_number": ["x"]},
        {"code": "A" * 61, "id_number": "040123456789"},
        {"code": "DL.MC\x00", "id_number": "040123456789"},
        {"code": "DL.MC", "id_number": "0401\x00"},
    ],
)
def test_a_malformed_lookup_is_a_400(post: Any, dw: DossierWorld, body: Any) -> None:
    response = post("/lookup", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"request.invalid", "request.malformed"}


# -- rating ----------------------------------------------------------------------------------


def test_rating_once_after_return_with_the_id_number(post: Any, dw: DossierWorld) -> None:
    w = dw.w
    d = walk_to_returned(dw, now() - timedelta(days=1))
    url = f"/dossiers/{d.code}/rating"
    assert post(url, {"id_number": "040123456780", "level": 2}).json() == NOT_FOUND
    assert post(url, {"id_number": ID_NUMBER, "level": 5}).status_code == 400
    assert post(url, {"id_number": ID_NUMBER, "level": "good"}).status_code == 400
    assert post(url, {"id_number": ID_NUMBER}).status_code == 400
    created = post(url, {"id_number": ID_NUMBER, "level": 2, "comment": "Ổn"})
    assert created.status_code == 201
    body = created.json()
    assert (body["code"], body["level"], body["comment"]) == (d.code, 2, "Ổn")
    rating = Rating.objects.get()
    assert set(rating.officials.all()) == {w.dl_motcua, w.dl_tnmt_cv, w.dl_chutich}
    again = post(url, {"id_number": ID_NUMBER, "level": 4})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "dossier.already_rated")
    assert Rating.objects.get().level == 2


def test_a_dossier_is_not_rated_before_its_return(post: Any, dw: DossierWorld) -> None:
    d = receive(dw, now())
    response = post(f"/dossiers/{d.code}/rating", {"id_number": ID_NUMBER, "level": 1})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "dossier.not_returned")
    nul = post(
        f"/dossiers/{d.code}/rating", {"id_number": ID_NUMBER, "level": 1, "comment": "\x00"}
    )
    assert nul.status_code == 400
    assert not Rating.objects.exists()


# -- misconduct reports ----------------------------------------------------------------------


def test_a_misconduct_report_through_the_api(post: Any, dw: DossierWorld) -> None:
    d = receive(dw, now())
    # without the applicant's ID number a code is kept as text and reveals nothing
    unproved = post(
        "/misconduct-reports",
        {"kind": "delay", "description": "Trễ hẹn", "dossier": d.code, "official": "Phạm Thị Hoa"},
    )
    assert unproved.status_code == 400
    assert list(unproved.json()["error"]["fields"]) == ["agency"]
    wrong = post(
        "/misconduct-reports",
        {"kind": "delay", "description": "Trễ hẹn", "dossier": d.code, "id_number": "1" * 12},
    )
    assert wrong.status_code == 404
    response = post(
        "/misconduct-reports",
        {
            "kind": "delay",
            "description": "Trễ hẹn",
            "dossier": d.code,
            "id_number": d.applicant_id_number,
            "official": "Phạm Thị Hoa",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    report = MisconductReport.objects.get()
    assert body == {
        "id": report.pk,
        "code": report.code,
        "kind": "delay",
        "status": "new",
        "agency": "DL.MC",
        "dossier": d.code,
        "reported_at": iso(report.reported_at),
    }
    # Phạm Thị Hoa has not held a step yet (nobody took the first one): kept as written
    assert (report.official, report.official_name) == (None, "Phạm Thị Hoa")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "delay", "description": "x"}, ["agency"]),
        ({"kind": "nope", "description": "", "agency": "DL.MC"}, ["description", "kind"]),
        ({"kind": "delay", "description": "x\x00", "agency": "DL.MC"}, ["description"]),
        ({"kind": "delay"}, ["description"]),
        ({"kind": 1, "description": "x", "agency": "DL.MC"}, ["kind"]),
    ],
)
def test_a_bad_misconduct_report_is_a_400_naming_the_fields(
    post: Any, dw: DossierWorld, body: dict[str, Any], fields: list[str]
) -> None:
    response = post("/misconduct-reports", body)
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == fields
    assert not MisconductReport.objects.exists()


# -- online submission -----------------------------------------------------------------------


@pytest.fixture
def online(dw: DossierWorld) -> DossierWorld:
    ProcedureVersion.objects.filter(procedure=dw.procedure).update(online_level="partial")
    return dw


def submission(**changes: Any) -> dict[str, Any]:
    return {
        "procedure": "MAU.DAT.01",
        "agency": "DL.MC",
        "applicant": {"full_name": "Lê Thị Bình", "id_number": ID_NUMBER},
        "documents": [{"name": FORM}, {"name": CERT}],
        **changes,
    }


def test_an_online_submission_with_uploaded_files(
    post: Any, client: Client, online: DossierWorld
) -> None:
    uploaded = client.post("/api/v1/public/files", {"file": upload(PDF, "don.pdf")})
    assert uploaded.status_code == 201
    sha = uploaded.json()["sha256"]
    response = post(
        "/dossiers",
        submission(documents=[{"name": FORM, "file_sha256": sha}, {"name": CERT}]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    d = Dossier.objects.get()
    assert body == {
        "code": d.code,
        "status": 1,
        "procedure": "MAU.DAT.01",
        "agency": "DL.MC",
        "submitted_at": iso(d.submitted_at),
        "documents": [{"name": FORM, "file_sha256": sha}, {"name": CERT, "file_sha256": None}],
    }
    assert (d.status, d.channel) == (DossierStatus.SUBMITTED_ONLINE, "online")
    # the applicant then looks it up like any other
    assert post("/lookup", {"code": d.code, "id_number": ID_NUMBER}).json()["status"] == 1


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"procedure": "0.000000"}, 404, "procedure.not_found"),
        ({"agency": "TK.MC"}, 400, "dossier.invalid"),
        ({"agency": "DL.TNMT"}, 400, "dossier.invalid"),
        ({"applicant": {"full_name": "A", "id_number": "12"}}, 400, "dossier.invalid"),
        ({"applicant": {"full_name": "A"}}, 400, "request.invalid"),
        ({"documents": [{"name": "Sổ đỏ giả"}]}, 400, "dossier.invalid"),
        ({"documents": [{"name": FORM, "file_sha256": "a" * 64}]}, 400, "dossier.invalid"),
        ({"documents": "all"}, 400, "request.invalid"),
        ({"procedure": "MAU\x00"}, 400, "request.invalid"),
    ],
)
def test_a_bad_online_submission_is_a_4xx_and_files_nothing(
    post: Any, online: DossierWorld, changes: dict[str, Any], status: int, code: str
) -> None:
    response = post("/dossiers", submission(**changes))
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert not Dossier.objects.exists()


def test_a_procedure_not_offered_online_is_refused(post: Any, dw: DossierWorld) -> None:
    response = post("/dossiers", submission())
    assert (response.status_code, response.json()["error"]["code"]) == (400, "dossier.not_online")


def test_submissions_and_uploads_are_rate_limited(
    post: Any, client: Client, online: DossierWorld, settings: Any
) -> None:
    settings.PORTAL_SUBMIT_PER_IP = 2
    settings.PORTAL_UPLOAD_PER_IP = 1
    assert post("/dossiers", submission()).status_code == 201
    assert post("/dossiers", submission()).status_code == 201
    refused = post("/dossiers", submission())
    assert (refused.status_code, refused.json()) == (429, RATE_LIMITED)
    assert Dossier.objects.count() == 2
    assert client.post("/api/v1/public/files", {"file": upload()}).status_code == 201
    assert client.post("/api/v1/public/files", {"file": upload()}).status_code == 429


def test_a_bad_upload_is_a_400(client: Client, dw: DossierWorld) -> None:
    bad = client.post("/api/v1/public/files", {"file": upload(b"hello", "a.txt")})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "file.type")
    missing = client.post("/api/v1/public/files", {})
    assert missing.status_code == 400
