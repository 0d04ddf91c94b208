"""The citizen's pages for a dossier: look-up by code and ID number (rate-limited, no hint
of which half was wrong), the timeline held in the session only, and the applicant's own
actions: supplement, payment, rating."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.core.models import RateLimitHit
from motcua.dossiers.models import DossierDocument, DossierStatus, Rating
from motcua.dossiers.selectors import engine_of
from motcua.dossiers.timewords import remaining_words
from tests.dossiers.world import DossierWorld, receive
from tests.portal.conftest import ID_NUMBER, PDF, act, known, look_up, now, upload, walk_to_returned

pytestmark = pytest.mark.django_db
S = DossierStatus
NO_MATCH = "No dossier matches this code and ID document number."


def text(response: Any) -> str:
    body = re.sub(r"</?strong>", "", html.unescape(response.content.decode()))
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(body.split())


def opened(client: Client, code: str) -> Any:
    response = look_up(client, code)
    assert response.status_code == 302, text(response)
    assert response["Location"] == f"/portal/dossiers/{code}/"
    return client.get(response["Location"])


# -- look-up ---------------------------------------------------------------------------------


def test_the_receipt_qr_code_prefills_the_code_and_asks_for_the_id_number(
    citizen: Client, dw: DossierWorld
) -> None:
    page = citizen.get("/portal/lookup/", {"code": "DL.MC-270301-0001"}).content.decode()
    assert 'value="DL.MC-270301-0001"' in page
    assert '<form method="post" action="/portal/lookup/"' in page
    assert '<label for="id_id_number">' in page


def test_the_right_pair_opens_the_timeline_without_the_id_number_in_any_url(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    response = look_up(citizen, f"  {d.code} ", f" {ID_NUMBER} ")
    assert response.status_code == 302
    assert ID_NUMBER not in response["Location"]
    assert citizen.session["portal_dossiers"] == [d.code]
    page = citizen.get(response["Location"])
    assert page.status_code == 200
    content = text(page)
    assert "Đăng ký biến động đất đai (mẫu)" in content
    assert f"Dossier {d.code} of Nguyễn Văn An, filed with Bộ phận Một cửa Đô Lương." in content
    # no personal data beyond the name
    assert ID_NUMBER not in page.content.decode()
    assert "0912345678" not in page.content.decode()
    assert "Now with: Bộ phận Một cửa Đô Lương." in content


def test_a_wrong_code_and_a_wrong_id_number_get_the_same_404_answer(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    wrong_code = look_up(citizen, d.code + "9")
    wrong_id = look_up(citizen, d.code, "040123456788")
    assert wrong_code.status_code == wrong_id.status_code == 404
    assert NO_MATCH in text(wrong_code)
    assert text(wrong_code) == text(wrong_id)
    assert "portal_dossiers" not in citizen.session
    empty = look_up(citizen, "", "")
    assert empty.status_code == 400
    assert "This field is required." in text(empty)


def test_lookup_is_limited_per_address_and_allowed_again_after_the_window(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    for i in range(10):  # ten wrong guesses, on different codes
        assert look_up(citizen, f"DL.MC-000000-{i:04d}").status_code == 404
    refused = look_up(citizen, d.code)
    assert refused.status_code == 429
    assert "Too many attempts. Please wait a few minutes and try again." in text(refused)
    assert "portal_dossiers" not in citizen.session
    # another address is not held back
    assert look_up(Client(), d.code, REMOTE_ADDR="10.0.0.7").status_code == 302
    # ten minutes later the attempts have left the window
    RateLimitHit.objects.update(at=now() - timedelta(seconds=601))
    assert look_up(citizen, d.code).status_code == 302


def test_lookup_is_limited_per_dossier_code_across_addresses(
    client: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    for i in range(5):
        guess = f"04012345{i:04d}"
        assert look_up(client, d.code, guess, REMOTE_ADDR=f"10.0.1.{i}").status_code == 404
    assert look_up(client, d.code, REMOTE_ADDR="10.0.1.99").status_code == 429
    other = receive(dw, now())
    assert look_up(client, other.code, REMOTE_ADDR="10.0.1.99").status_code == 302


def test_the_applicant_s_own_look_ups_never_lock_the_code(client: Client, dw: DossierWorld) -> None:
    """Only wrong pairs count against a code: a citizen checking often is never locked out,
    nor can others lock them out by looking up their code correctly."""
    d = receive(dw, now())
    for i in range(8):
        assert look_up(client, d.code, REMOTE_ADDR=f"10.0.2.{i}").status_code == 302
    for i in range(4):
        guess = f"04012345{i:04d}"
        assert look_up(client, d.code, guess, REMOTE_ADDR=f"10.0.3.{i}").status_code == 404
    assert look_up(client, d.code, REMOTE_ADDR="10.0.2.50").status_code == 302


def test_the_limits_are_settings(citizen: Client, dw: DossierWorld, settings: Any) -> None:
    settings.PORTAL_LOOKUP_PER_IP = 2
    d = receive(dw, now())
    assert look_up(citizen, "x").status_code == 404
    assert look_up(citizen, "y").status_code == 404
    assert look_up(citizen, d.code).status_code == 429


def test_another_browser_without_the_lookup_gets_404_on_the_timeline_and_its_forms(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    assert opened(citizen, d.code).status_code == 200
    stranger = Client()
    assert stranger.get(f"/portal/dossiers/{d.code}/").status_code == 404
    for action in ("supplement", "payment", "rating"):
        assert stranger.post(f"/portal/dossiers/{d.code}/{action}/").status_code == 404
    # the session holds this dossier only
    other = receive(dw, now())
    assert citizen.get(f"/portal/dossiers/{other.code}/").status_code == 404


# -- timeline --------------------------------------------------------------------------------


def test_the_timeline_shows_the_due_time_remaining_working_time_and_steps(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    d = act(d, dw.w.dl_motcua, "complete_step")
    page = opened(citizen, d.code)
    content = text(page)
    assert "Being handled" in content
    due = known(d.due_at).astimezone(engine_of(d).tz)
    assert f"The result is due by {due:%H:%M %d/%m/%Y}." in content
    left = remaining_words(
        engine_of(d).remaining_seconds(known(d.due_at), now()), day_seconds=engine_of(d).day_seconds
    )
    assert re.search(
        rf'class="time time-ok"[^>]*><span aria-hidden="true">●</span> {left}',
        page.content.decode(),
    )
    assert "Now with: Phòng Tài nguyên và Môi trường." in content
    steps = re.findall(
        r'<li class="step-(\w+)">\s*<span class="step-name">([^<]+)</span>', page.content.decode()
    )
    assert steps == [("done", "Tiếp nhận"), ("current", "Thẩm định"), ("upcoming", "Ký duyệt")]
    history = re.findall(r"</time> ([^<]+)</li>", page.content.decode())
    assert history == ["Received by the one-stop department", "A handling step was completed"]


def test_the_timeline_shows_the_new_appointment_of_an_apology(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    engine = engine_of(d)
    appointment = engine.due_after_days(known(d.due_at), 3)
    d = act(d, dw.w.dl_chutich, "apologize", reason="Chờ ý kiến liên ngành", new_due_at=appointment)
    content = text(opened(citizen, d.code))
    local = appointment.astimezone(engine.tz)
    assert (
        f"We apologise: your dossier will be late. The new appointment for the result is "
        f"{local:%H:%M %d/%m/%Y}. Reason: Chờ ý kiến liên ngành" in content
    )
    assert "The result is due by" not in content
    left = remaining_words(
        engine.remaining_seconds(appointment, now()), day_seconds=engine.day_seconds
    )
    assert left in content
    assert "Apology and a new appointment" in content


def test_an_online_submission_says_it_waits_for_receipt(citizen: Client, dw: DossierWorld) -> None:
    from motcua.dossiers import services

    d = services.dossier_submit_online(
        procedure=dw.procedure,
        agency=dw.w.dl_one_stop,
        applicant=services.ApplicantData(full_name="Lê Thị Bình", id_number=ID_NUMBER),
        documents=[],
    )
    content = text(opened(citizen, d.code))
    assert "Filed online, waiting to be received" in content
    assert "The time limit counts from the receipt" in content
    assert 'data-testid="time-left"' not in content


def test_the_timeline_reads_a_constant_number_of_queries(
    citizen: Client, dw: DossierWorld, django_assert_max_num_queries: Any
) -> None:
    w = dw.w
    start = now() - timedelta(days=20)
    d = receive(dw, start)
    opened(citizen, d.code)
    with CaptureQueriesContext(connection) as few:
        citizen.get(f"/portal/dossiers/{d.code}/")
    baseline = len(few.captured_queries)
    at = start
    for _ in range(6):  # six supplement rounds: twelve more events
        at += timedelta(hours=1)
        d = act(d, w.dl_motcua, "request_supplement", at, items=["Bản sao", "Ảnh"])
        at += timedelta(hours=1)
        d = act(d, w.dl_motcua, "supplement", at)
    with django_assert_max_num_queries(baseline):
        page = citizen.get(f"/portal/dossiers/{d.code}/")
    assert page.content.decode().count("Supplemented on") == 6


# -- supplement ------------------------------------------------------------------------------


def test_a_supplement_from_the_portal_resumes_the_clock_by_exactly_the_paused_office_time(
    citizen: Client, dw: DossierWorld
) -> None:
    w = dw.w
    start = now() - timedelta(days=3)
    d = receive(dw, start)
    d = act(
        d,
        w.dl_motcua,
        "request_supplement",
        start + timedelta(days=1),
        items=["Bản sao sổ hộ khẩu", "Trích lục bản đồ"],
    )
    due_before, step_due_before = known(d.due_at), d.steps.get().due_at
    paused_at = known(d.paused_at)
    page = opened(citizen, d.code)
    content = text(page)
    assert "Waiting for you: documents to add" in content
    assert "Bản sao sổ hộ khẩu Trích lục bản đồ Waiting for you" in content
    assert 'class="time time-paused"' in page.content.decode()
    assert '<label for="id_file_0">Bản sao sổ hộ khẩu:</label>' in page.content.decode()
    response = citizen.post(
        f"/portal/dossiers/{d.code}/supplement/",
        {
            "revision": d.revision,
            "note": "Đã gửi bản scan",
            "file_0": upload(PDF, "so-ho-khau.pdf"),
        },
    )
    assert response.status_code == 302
    d.refresh_from_db()
    event = d.events.get(action="supplement")
    engine = engine_of(d)
    assert d.status == S.HANDLING
    assert d.paused_at is None
    assert d.due_at == engine.shift_by_pause(due_before, paused_at, event.at)
    assert d.steps.get().due_at == engine.shift_by_pause(step_due_before, paused_at, event.at)
    assert event.actor is None
    assert event.data["paused_office_seconds"] == engine.working_seconds_between(
        paused_at, event.at
    )
    assert event.data["note"] == "Đã gửi bản scan"
    doc = DossierDocument.objects.get(dossier=d, name="Bản sao sổ hộ khẩu")
    assert (doc.file_sha256, doc.origin) == (hashlib.sha256(PDF).hexdigest(), "digitised")
    after = text(citizen.get(f"/portal/dossiers/{d.code}/"))
    assert "Thank you: your supplement was received and handling continues from now." in after
    assert "Send what is missing" not in after


def test_a_supplement_needs_a_file_or_a_note_and_a_bad_file_changes_nothing(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now() - timedelta(days=1))
    d = act(d, dw.w.dl_motcua, "request_supplement", now() - timedelta(hours=2), items=["Ảnh"])
    opened(citizen, d.code)
    url = f"/portal/dossiers/{d.code}/supplement/"
    empty = citizen.post(url, {"revision": d.revision, "note": "  "})
    assert empty.status_code == 400
    assert "Attach at least one file, or write a note." in text(empty)
    bad = citizen.post(url, {"revision": d.revision, "file_0": upload(b"MZ\x90\x00", "virus.pdf")})
    assert bad.status_code == 400
    assert "Only PDF, JPEG, PNG, TIFF, DOCX and XLSX files are accepted." in text(bad)
    stale = citizen.post(url, {"revision": d.revision - 1, "note": "Đã bổ sung"})
    assert stale.status_code == 302
    assert "The dossier changed meanwhile, so nothing was done." in text(
        citizen.get(stale["Location"])
    )
    d.refresh_from_db()
    assert d.status == S.SUPPLEMENT_REQUESTED
    assert not d.events.filter(action="supplement").exists()
    assert not DossierDocument.objects.filter(dossier=d, name="Ảnh").exists()


# -- payment ---------------------------------------------------------------------------------


def test_paying_online_is_recorded_honestly_and_resumes_the_clock(
    citizen: Client, dw: DossierWorld
) -> None:
    w = dw.w
    start = now() - timedelta(days=2)
    d = receive(dw, start)
    d = act(d, w.dl_motcua, "complete_step", start + timedelta(minutes=5))
    d = act(d, dw.tnmt_head, "assign", start + timedelta(minutes=6), assignee="dl.tnmt.cv")
    d = act(
        d,
        w.dl_tnmt_cv,
        "request_payment",
        start + timedelta(minutes=7),
        amount_vnd=1_250_000,
        note="Lệ phí trước bạ",
    )
    due_before, paused_at = known(d.due_at), known(d.paused_at)
    content = text(opened(citizen, d.code))
    assert "Waiting for you: a payment" in content
    assert (
        "Please pay 1,250,000 VND. The clock is stopped until you pay. Lệ phí trước bạ" in content
    )
    assert "This page does not take payments itself" in content
    url = f"/portal/dossiers/{d.code}/payment/"
    unticked = citizen.post(url, {"revision": d.revision})
    assert unticked.status_code == 400
    assert "Tick the box to confirm that you have paid." in text(unticked)
    assert (
        citizen.post(url, {"revision": d.revision, "confirm": "on", "note": "GD 123"}).status_code
        == 302
    )
    d.refresh_from_db()
    event = d.events.get(action="pay")
    assert (d.status, d.fees_paid_online, event.actor) == (S.HANDLING, True, None)
    assert event.data["online"] is True
    assert d.due_at == engine_of(d).shift_by_pause(due_before, paused_at, event.at)
    after = text(citizen.get(f"/portal/dossiers/{d.code}/"))
    assert "Recorded: you paid online." in after
    assert "checks the payment" in after
    again = citizen.post(url, {"revision": d.revision, "confirm": "on"})
    assert again.status_code == 302
    assert d.events.filter(action="pay").count() == 1


# -- rating ----------------------------------------------------------------------------------


def test_a_returned_dossier_is_rated_once_and_the_rating_goes_to_its_agencies_and_officials(
    citizen: Client, dw: DossierWorld
) -> None:
    w = dw.w
    d = walk_to_returned(dw, now() - timedelta(days=1))
    page = opened(citizen, d.code)
    assert "The result was returned" in text(page)
    assert 'name="level"' in page.content.decode()
    url = f"/portal/dossiers/{d.code}/rating/"
    invalid = citizen.post(url, {"level": "7"})
    assert invalid.status_code == 400
    assert not Rating.objects.exists()
    assert citizen.post(url, {"level": "1", "comment": "Nhanh, chu đáo"}).status_code == 302
    rating = Rating.objects.get(dossier=d)
    assert (rating.level, rating.comment) == (1, "Nhanh, chu đáo")
    assert set(rating.agencies.values_list("code", flat=True)) == {"DL.MC", "DL.TNMT", "DL.UBND"}
    assert set(rating.officials.all()) == {w.dl_motcua, w.dl_tnmt_cv, w.dl_chutich}
    after = citizen.get(f"/portal/dossiers/{d.code}/")
    assert "Thank you for rating the service." in text(after)
    assert 'name="level"' not in after.content.decode()
    second = citizen.post(url, {"level": "4"})
    assert second.status_code == 302
    assert "This dossier has already been rated." in text(citizen.get(second["Location"]))
    rating.refresh_from_db()
    assert rating.level == 1
    assert Rating.objects.count() == 1


def test_a_dossier_not_yet_returned_has_no_rating_form(citizen: Client, dw: DossierWorld) -> None:
    d = receive(dw, now())
    page = opened(citizen, d.code)
    assert 'name="level"' not in page.content.decode()
    response = citizen.post(f"/portal/dossiers/{d.code}/rating/", {"level": "2"})
    assert response.status_code == 302
    assert "A dossier is rated once its result is returned." in text(
        citizen.get(response["Location"])
    )
    assert not Rating.objects.exists()


def test_a_form_without_its_revision_says_to_reload_and_changes_nothing(
    citizen: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now() - timedelta(days=1))
    d = act(d, dw.w.dl_motcua, "request_supplement", now() - timedelta(hours=1), items=["Ảnh"])
    opened(citizen, d.code)
    response = citizen.post(f"/portal/dossiers/{d.code}/supplement/", {"note": "Đã bổ sung"})
    assert response.status_code == 400
    assert "The page is out of date: reload it and try again." in text(response)
    d.refresh_from_db()
    assert d.status == S.SUPPLEMENT_REQUESTED


def test_the_misconduct_link_of_another_browser_prefills_the_code_to_check(
    client: Client, dw: DossierWorld
) -> None:
    d = receive(dw, now())
    page = client.get("/portal/report/", {"dossier": d.code}).content.decode()
    assert f'name="dossier" value="{d.code}"' in page
    assert 'name="tied"' not in page
