"""The citizen's misconduct report (from a dossier's timeline or on its own) and the online
submission of a dossier, on the portal's pages and through the service behind them."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.inspections.models import MisconductReport
from motcua.inspections.services import MisconductIn, misconduct_report_create
from motcua.procedures.models import ProcedureVersion
from tests.dossiers.world import DossierWorld, receive
from tests.portal.conftest import CERT, FORM, ID_NUMBER, PDF, PNG, act, look_up, now, upload

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    body = re.sub(r"</?strong>", "", html.unescape(response.content.decode()))
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def handled_by_tnmt(dw: DossierWorld) -> Dossier:
    d = receive(dw, now() - timedelta(days=1))
    d = act(d, dw.w.dl_motcua, "complete_step", now() - timedelta(hours=20))
    return act(d, dw.tnmt_head, "assign", now() - timedelta(hours=19), assignee="dl.tnmt.cv")


# -- misconduct reports: the page --------------------------------------------------------------


def test_a_report_from_the_timeline_is_tied_to_the_dossier_and_names_the_official(
    citizen: Client, dw: DossierWorld
) -> None:
    d = handled_by_tnmt(dw)
    assert look_up(citizen, d.code).status_code == 302
    timeline = citizen.get(f"/portal/dossiers/{d.code}/").content.decode()
    assert f'href="/portal/report/?dossier={d.code}"' in timeline
    page = citizen.get("/portal/report/", {"dossier": d.code})
    assert f"About the dossier {d.code} (Đăng ký biến động đất đai (mẫu))." in text(page)
    assert 'name="dossier"' not in page.content.decode()  # tied, not typed
    response = citizen.post(
        "/portal/report/",
        {
            "tied": d.code,
            "kind": "asking_money",
            "description": "Cán bộ gợi ý nộp thêm tiền để giải quyết nhanh.",
            "official": "ngo thi lan",
            "reporter_name": "Nguyễn Văn An",
            "reporter_contact": "0912 345 678",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/report/sent/"
    report = MisconductReport.objects.get()
    assert (report.kind, report.dossier, report.official, report.agency) == (
        "asking_money",
        d,
        dw.w.dl_tnmt_cv,
        dw.w.dl_tnmt,
    )
    assert (report.official_name, report.reporter_contact, report.status) == (
        "ngo thi lan",
        "0912 345 678",
        "new",
    )
    sent = text(citizen.get(response["Location"]))
    assert f"Follow-up code {report.code} Keep this code:" in sent


def test_a_dossier_not_looked_up_is_kept_as_text(citizen: Client, dw: DossierWorld) -> None:
    d = receive(dw, now())
    page = citizen.get("/portal/report/", {"dossier": d.code}).content.decode()
    assert 'name="tied"' not in page  # this browser never proved it holds the dossier
    assert 'name="dossier"' in page
    # a code this browser has not proved reveals nothing: not whether it exists, nor who
    # handled it; it is kept as written and the agency must be chosen
    for code in ("DL.MC-000000-0000", d.code):
        unproved = citizen.post(
            "/portal/report/",
            {"kind": "delay", "description": "Quá hẹn mà không báo.", "dossier": code},
        )
        assert unproved.status_code == 400
        assert "No dossier has this code." not in text(unproved)
    typed = citizen.post(
        "/portal/report/",
        {
            "kind": "delay",
            "description": "Quá hẹn mà không báo.",
            "dossier": d.code,
            "agency": dw.w.dl_one_stop.code,
        },
    )
    assert typed.status_code == 302, text(typed)
    report = MisconductReport.objects.get()
    assert (report.dossier, report.agency, report.official) == (None, dw.w.dl_one_stop, None)
    assert d.code in report.description


def test_a_report_without_a_dossier_names_an_agency_and_every_field_is_checked(
    citizen: Client, dw: DossierWorld
) -> None:
    empty = citizen.post("/portal/report/", {})
    assert empty.status_code == 400
    assert text(empty).count("This field is required.") == 2  # kind, description
    no_agency = citizen.post(
        "/portal/report/",
        {"kind": "harassment", "description": "Bị quát mắng tại quầy.", "reporter_contact": "abc"},
    )
    assert no_agency.status_code == 400
    content = text(no_agency)
    assert "Choose the agency, or give the dossier's code." in content
    assert "A phone number or an e-mail address." in content
    assert not MisconductReport.objects.exists()
    ok = citizen.post(
        "/portal/report/",
        {"kind": "harassment", "description": "Bị quát mắng tại quầy.", "agency": "TK.MC"},
    )
    assert ok.status_code == 302
    report = MisconductReport.objects.get()
    assert (report.agency, report.dossier, report.official) == (dw.w.tk_one_stop, None, None)


def test_reports_are_rate_limited_per_address(citizen: Client, dw: DossierWorld) -> None:
    data = {"kind": "other", "description": "Thái độ không đúng mực.", "agency": "DL.MC"}
    for _ in range(5):
        assert citizen.post("/portal/report/", data).status_code == 302
    refused = citizen.post("/portal/report/", data)
    assert refused.status_code == 429
    assert "Too many attempts." in text(refused)
    assert MisconductReport.objects.count() == 5


# -- misconduct reports: the service -----------------------------------------------------------


def report_of(**changes: Any) -> MisconductIn:
    base: dict[str, Any] = {"kind": "delay", "description": "Quá hẹn.", "agency_code": "DL.MC"}
    return MisconductIn(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "bribe"}, ["kind"]),
        ({"description": "   "}, ["description"]),
        ({"description": "x" * 5001}, ["description"]),
        ({"agency_code": ""}, ["agency"]),
        ({"agency_code": "XX.YY"}, ["agency"]),
        ({"dossier_code": "DL.MC-000000-0000"}, ["dossier"]),
        ({"reporter_contact": "not a contact"}, ["reporter_contact"]),
        ({"official_name": "a\x00b"}, ["official"]),
        ({"reporter_name": "x" * 201, "kind": ""}, ["kind", "reporter_name"]),
    ],
)
def test_the_service_refuses_bad_input_naming_each_field(
    dw: DossierWorld, changes: dict[str, str], fields: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        misconduct_report_create(report=report_of(**changes))
    assert caught.value.code == "misconduct.invalid"
    assert sorted(caught.value.fields) == fields
    assert not MisconductReport.objects.exists()


def test_the_service_refuses_an_agency_that_never_held_the_dossier(dw: DossierWorld) -> None:
    d = handled_by_tnmt(dw)
    with pytest.raises(ValidationFailed) as caught:
        misconduct_report_create(report=report_of(dossier_code=d.code, agency_code="TK.MC"))
    assert caught.value.fields == {"agency": ["This agency did not receive or handle the dossier."]}
    chosen = misconduct_report_create(report=report_of(dossier_code=d.code, agency_code="DL.TNMT"))
    assert chosen.agency == dw.w.dl_tnmt


def test_the_service_refuses_non_text_input(dw: DossierWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        misconduct_report_create(report=report_of(description=["x"]))
    assert caught.value.fields == {"description": ["Text expected."]}


def test_a_name_nobody_or_two_step_holders_bear_is_kept_as_written(dw: DossierWorld) -> None:
    d = handled_by_tnmt(dw)
    unknown = misconduct_report_create(
        report=report_of(dossier_code=d.code, agency_code="", official_name="Ông Ba")
    )
    assert (unknown.official, unknown.official_name, unknown.agency) == (
        None,
        "Ông Ba",
        dw.w.dl_one_stop,
    )
    by_username = misconduct_report_create(
        report=report_of(dossier_code=d.code, agency_code="", official_name="DL.MOTCUA")
    )
    assert (by_username.official, by_username.agency) == (dw.w.dl_motcua, dw.w.dl_one_stop)


# -- online submission -------------------------------------------------------------------------


@pytest.fixture
def online(dw: DossierWorld) -> DossierWorld:
    ProcedureVersion.objects.filter(procedure=dw.procedure).update(online_level="full")
    return dw


APPLICANT = {
    "full_name": "Lê Thị Bình",
    "id_number": ID_NUMBER,
    "phone": "0987654321",
    "email": "binh@example.vn",
    "address": "Xóm 3, Đông Sơn",
    "applicant_type": "person",
    "agency": "DL.MC",
}


def test_the_procedure_page_links_to_filing_online(citizen: Client, online: DossierWorld) -> None:
    page = citizen.get("/portal/procedures/MAU.DAT.01/").content.decode()
    assert 'href="/portal/submit/MAU.DAT.01/"' in page


def test_an_online_submission_creates_a_status_1_dossier_with_its_files(
    citizen: Client, online: DossierWorld
) -> None:
    form = citizen.get("/portal/submit/MAU.DAT.01/")
    assert form.status_code == 200
    page = form.content.decode()
    assert (
        '<option value="DL.MC" selected>Bộ phận Một cửa Đô Lương (Huyện Đô Lương)</option>' in page
    )
    assert "TK.MC" not in page  # Tân Kỳ does not publish the procedure
    assert re.findall(r'<label for="id_doc_\d">([^<]+):</label>', page) == [
        FORM,
        CERT,
        "Giấy ủy quyền",
    ]
    response = citizen.post(
        "/portal/submit/MAU.DAT.01/",
        {**APPLICANT, "doc_0": upload(PDF, "don.pdf"), "doc_1": upload(PNG, "so-do.png")},
    )
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert response["Location"] == f"/portal/dossiers/{d.code}/"
    assert (d.status, d.channel, d.agency, d.applicant_name, d.applicant_id_number) == (
        DossierStatus.SUBMITTED_ONLINE,
        "online",
        online.w.dl_one_stop,
        "Lê Thị Bình",
        ID_NUMBER,
    )
    assert d.received_at is None
    assert d.submitted_at is not None
    assert list(d.documents.values_list("name", "file_sha256", "origin")) == [
        (FORM, hashlib.sha256(PDF).hexdigest(), "digitised"),
        (CERT, hashlib.sha256(PNG).hexdigest(), "digitised"),
    ]
    assert citizen.session["portal_dossiers"] == [d.code]
    content = text(citizen.get(response["Location"]))
    assert f"Your dossier was filed with the code {d.code}." in content
    assert "Filed online, waiting to be received" in content


def test_an_invalid_submission_shows_the_errors_at_the_fields_and_files_nothing(
    citizen: Client, online: DossierWorld
) -> None:
    missing = citizen.post("/portal/submit/MAU.DAT.01/", {**APPLICANT, "doc_0": upload()})
    assert missing.status_code == 400
    assert "This field is required." in text(missing)  # the certificate is mandatory
    bad = citizen.post(
        "/portal/submit/MAU.DAT.01/",
        {
            **APPLICANT,
            "id_number": "12345",
            "phone": "12",
            "doc_0": upload(),
            "doc_1": upload(PNG, "a.png"),
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert re.search(r'id="id_id_number".*?An ID document number has 9 or 12 digits\.', page, re.S)
    assert "Not a Vietnamese phone number (10 digits from 0)." in page
    wrong_file = citizen.post(
        "/portal/submit/MAU.DAT.01/",
        {**APPLICANT, "doc_0": upload(b"GIF89a...", "a.gif"), "doc_1": upload()},
    )
    assert wrong_file.status_code == 400
    assert "Only PDF, JPEG, PNG, TIFF, DOCX and XLSX files are accepted." in text(wrong_file)
    other_agency = citizen.post(
        "/portal/submit/MAU.DAT.01/",
        {**APPLICANT, "agency": "TK.MC", "doc_0": upload(), "doc_1": upload()},
    )
    assert other_agency.status_code == 400
    assert not Dossier.objects.exists()
    assert "portal_dossiers" not in citizen.session


def test_a_procedure_not_offered_online_cannot_be_filed(citizen: Client, dw: DossierWorld) -> None:
    closed = citizen.get("/portal/submit/MAU.DAT.01/")
    assert closed.status_code == 404
    assert "This procedure cannot be filed online at the moment." in text(closed)
    assert citizen.post("/portal/submit/MAU.DAT.01/", APPLICANT).status_code == 404
    assert citizen.get("/portal/submit/0.000000/").status_code == 404
    assert not Dossier.objects.exists()
