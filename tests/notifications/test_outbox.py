"""The notification outbox: messages are written in the transaction of the change that
causes them, delivered after commit, retried with a growing delay until sent or given up,
and a delivery failure never fails the action."""

from __future__ import annotations

import io
import smtplib
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.notifications import services as outbox
from motcua.notifications.models import DeliveryStatus, Medium, Notification
from motcua.notifications.sms import MemoryBackend
from tests.dossiers.world import DossierWorld, build, receive, vn

APPLICANT = services.ApplicantData(
    full_name="Nguyễn Văn An",
    id_number="040123456789",
    phone="0912345678",
    email="an@example.vn",
)
MEMORY = "motcua.notifications.sms.MemoryBackend"
FAILING = "tests.notifications.test_outbox.FailingSms"


class FailingSms:
    """An SMS gateway that is down."""

    def send(self, to: str, text: str) -> None:
        raise ConnectionError("gateway down")


class FailingEmail(BaseEmailBackend):
    """A mail server that hangs up."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("mail server down")


@pytest.fixture
def dw(world: Any) -> DossierWorld:
    return build(world)


@pytest.fixture
def sms(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    settings.SMS_BACKEND = MEMORY
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(MemoryBackend, "outbox", sent)
    return sent


def received_message(d: Dossier) -> tuple[str, str]:
    """What the applicant is told at reception, in the default language (Vietnamese)."""
    with translation.override("vi"):
        return _("Dossier received"), _(
            "Your dossier %(code)s (%(procedure)s) was received. The result is due %(due)s."
        ) % {"code": d.code, "procedure": d.procedure.name, "due": "17:00 08/03/2027"}


def rows() -> list[tuple[str, str, str, str, int]]:
    return list(
        Notification.objects.order_by("pk").values_list(
            "medium", "recipient", "topic", "status", "attempts"
        )
    )


# -- queueing ------------------------------------------------------------------------------


def test_a_reception_queues_an_email_and_an_sms_in_the_default_language(dw, sms, mailoutbox):
    with translation.override("en"):  # whatever the officer's own language
        d = receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    topic = f"dossier:{d.code}:receive"
    assert rows() == [
        ("email", "an@example.vn", topic, "pending", 0),
        ("sms", "0912345678", topic, "pending", 0),
    ]
    subject, body = received_message(d)
    for item in Notification.objects.all():
        assert (item.subject, item.body, item.official) == (subject, body, None)
        assert d.code in item.body
        assert "17:00 08/03/2027" in item.body
        assert (item.sent_at, item.next_attempt_at, item.last_error) == (None, None, "")
    # nothing is sent before the transaction commits
    assert mailoutbox == []
    assert sms == []


def test_with_english_as_the_default_language_the_message_is_in_english(dw, settings):
    settings.LANGUAGE_CODE = "en"
    d = receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    item = Notification.objects.filter(medium=Medium.EMAIL).get()
    assert item.subject == "Dossier received"
    assert item.body == (
        f"Your dossier {d.code} (Đăng ký biến động đất đai (mẫu)) was received. "
        "The result is due 17:00 08/03/2027."
    )


def test_nothing_is_queued_for_an_applicant_without_email_or_phone(dw):
    receive(
        dw,
        vn(2027, 3, 1, 9),
        applicant=services.ApplicantData(full_name="Nguyễn Văn An", id_number="040123456789"),
    )
    assert not Notification.objects.exists()
    assert outbox.notify(medium=Medium.SMS, recipient="", subject="s", body="b") is None
    assert not Notification.objects.exists()


def test_the_applicant_hears_of_the_actions_that_concern_them_only(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)

    def act(actor: Any, action: str, at: datetime, **payload: Any) -> None:
        services.dossier_act(dossier=d, actor=actor, action=action, payload=payload, at=at)

    act(w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ", "Trích đo"])
    act(None, "supplement", vn(2027, 3, 1, 14))
    act(w.dl_motcua, "complete_step", vn(2027, 3, 1, 15))
    act(dw.tnmt_head, "assign", vn(2027, 3, 1, 16), assignee="dl.tnmt.cv")
    act(w.dl_tnmt_cv, "request_payment", vn(2027, 3, 2, 9), amount_vnd=1_500_000)
    act(None, "pay", vn(2027, 3, 2, 10))
    act(
        dw.tnmt_head,
        "apologize",
        vn(2027, 3, 2, 11),
        reason="Chờ ý kiến liên ngành",
        new_due_at=vn(2027, 3, 12, 17),
    )
    act(w.dl_tnmt_cv, "complete_step", vn(2027, 3, 3, 9))
    act(w.dl_chutich, "finish", vn(2027, 3, 3, 10), result_note="Xong")
    act(w.dl_motcua, "return", vn(2027, 3, 3, 11), method="counter")
    topics = list(
        Notification.objects.filter(medium=Medium.SMS)
        .order_by("pk")
        .values_list("topic", flat=True)
    )
    assert topics == [
        f"dossier:{d.code}:{action}"
        for action in ("receive", "request_supplement", "request_payment", "apologize", "finish")
    ]
    assert Notification.objects.filter(medium=Medium.EMAIL).count() == 5
    texts = dict(Notification.objects.filter(medium=Medium.SMS).values_list("topic", "body"))
    assert "Bản vẽ; Trích đo" in texts[f"dossier:{d.code}:request_supplement"]
    assert "1.500.000" in texts[f"dossier:{d.code}:request_payment"]
    assert "Chờ ý kiến liên ngành" in texts[f"dossier:{d.code}:apologize"]
    assert "17:00 12/03/2027" in texts[f"dossier:{d.code}:apologize"]
    assert all(d.code in body for body in texts.values())


def test_a_refusal_is_told_with_its_reasons(dw):
    d = services.dossier_refuse_at_counter(
        actor=dw.w.dl_motcua,
        procedure=dw.procedure,
        agency=dw.w.dl_one_stop,
        channel="counter",
        applicant=APPLICANT,
        reasons=["Đất đang có tranh chấp", "Thiếu chữ ký"],
        at=vn(2027, 3, 1, 9),
    )
    assert rows() == [
        ("email", "an@example.vn", f"dossier:{d.code}:refuse", "pending", 0),
        ("sms", "0912345678", f"dossier:{d.code}:refuse", "pending", 0),
    ]
    body = Notification.objects.first().body  # type: ignore[union-attr]
    assert d.code in body
    assert "Đất đang có tranh chấp; Thiếu chữ ký" in body


# -- delivery after commit -----------------------------------------------------------------


def test_after_commit_the_email_and_the_sms_are_delivered(
    dw, sms, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        d = receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    assert len(callbacks) == 2
    subject, body = received_message(d)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert (mail.subject, mail.body, mail.to, mail.from_email) == (
        subject,
        body,
        ["an@example.vn"],
        "motcua@localhost",
    )
    assert sms == [("0912345678", f"{subject}: {body}")]
    for item in Notification.objects.all():
        assert (item.status, item.attempts, item.last_error) == (DeliveryStatus.SENT, 1, "")
        assert item.sent_at is not None
    # a second pass sends nothing again
    assert outbox.deliver() == (0, 0)
    assert len(mailoutbox) == 1
    assert len(sms) == 1


def test_a_rolled_back_action_queues_and_sends_nothing(
    dw, sms, mailoutbox, django_capture_on_commit_callbacks
):
    queued: list[int] = []

    def receive_then_fail() -> None:
        with transaction.atomic():
            receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
            queued.append(Notification.objects.count())
            raise RuntimeError("the caller fails after the reception")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            receive_then_fail()
        with pytest.raises(ValidationFailed):
            receive(
                dw,
                vn(2027, 3, 1, 9),
                applicant=APPLICANT,
                documents=[services.DocumentIn("Đơn đăng ký biến động")],
            )
    assert queued == [2]
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Dossier.objects.exists()
    assert mailoutbox == []
    assert sms == []


def test_without_delivery_on_commit_messages_wait_for_the_command(
    dw, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_ON_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    assert callbacks == []
    assert [r[3] for r in rows()] == ["pending", "pending"]


def test_a_failing_gateway_never_fails_the_action_and_the_message_waits(
    dw, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = FAILING
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    after = timezone.now()
    assert Dossier.objects.get(pk=d.pk).status == DossierStatus.RECEIVED
    assert len(mailoutbox) == 1  # the e-mail went; the SMS did not
    item = Notification.objects.get(medium=Medium.SMS)
    assert (item.status, item.attempts, item.sent_at) == (DeliveryStatus.PENDING, 1, None)
    assert item.last_error == "ConnectionError: gateway down"
    assert item.next_attempt_at is not None
    assert before + timedelta(minutes=2) <= item.next_attempt_at <= after + timedelta(minutes=2)


def test_a_failing_mail_server_never_fails_the_action_either(
    dw, settings, sms, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.FailingEmail"
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    assert Dossier.objects.get(pk=d.pk).status == DossierStatus.RECEIVED
    assert len(sms) == 1
    item = Notification.objects.get(medium=Medium.EMAIL)
    assert (item.status, item.attempts) == (DeliveryStatus.PENDING, 1)
    assert item.last_error == "SMTPServerDisconnected: mail server down"


def failed_sms(dw: DossierWorld, settings: Any) -> Notification:
    """An SMS whose first attempt at 2027-03-01 09:00 failed."""
    settings.SMS_BACKEND = FAILING
    receive(
        dw,
        vn(2027, 3, 1, 9),
        applicant=services.ApplicantData(
            full_name="Nguyễn Văn An", id_number="040123456789", phone="0912345678"
        ),
    )
    item = Notification.objects.get()
    assert outbox.deliver(now=vn(2027, 3, 1, 9)) == (0, 1)
    item.refresh_from_db()
    assert (item.attempts, item.next_attempt_at) == (1, vn(2027, 3, 1, 9, 2))
    return item


def test_a_waiting_message_is_retried_when_due_and_then_sent(dw, settings, monkeypatch):
    item = failed_sms(dw, settings)
    # not yet due: untouched
    assert outbox.deliver(now=vn(2027, 3, 1, 9, 1, 59)) == (0, 0)
    item.refresh_from_db()
    assert item.attempts == 1
    # due, still failing: the delay doubles
    assert outbox.deliver(now=vn(2027, 3, 1, 9, 2)) == (0, 1)
    item.refresh_from_db()
    assert (item.status, item.attempts, item.next_attempt_at) == (
        DeliveryStatus.PENDING,
        2,
        vn(2027, 3, 1, 9, 6),
    )
    # the gateway is back
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(MemoryBackend, "outbox", sent)
    settings.SMS_BACKEND = MEMORY
    assert outbox.deliver(now=vn(2027, 3, 1, 9, 10)) == (1, 0)
    item.refresh_from_db()
    assert (item.status, item.attempts, item.sent_at, item.last_error) == (
        DeliveryStatus.SENT,
        3,
        vn(2027, 3, 1, 9, 10),
        "",
    )
    assert sent == [("0912345678", f"{item.subject}: {item.body}")]
    assert outbox.deliver(now=vn(2027, 3, 2, 9)) == (0, 0)


def test_after_max_attempts_a_message_fails_for_good(dw, settings):
    item = failed_sms(dw, settings)
    delays = []
    while item.status == DeliveryStatus.PENDING:
        assert item.next_attempt_at is not None
        due = item.next_attempt_at
        assert outbox.deliver(now=due) == (0, 1)
        item.refresh_from_db()
        if item.status == DeliveryStatus.PENDING:
            assert item.next_attempt_at is not None
            delays.append((item.next_attempt_at - due) // timedelta(minutes=1))
    assert outbox.MAX_ATTEMPTS == 8
    assert item.attempts == 8
    assert item.status == DeliveryStatus.FAILED
    assert item.last_error == "ConnectionError: gateway down"
    # 2, 4, 8... minutes between attempts 1 to 7; the 8th gives up
    assert delays == [4, 8, 16, 32, 64, 128]
    assert outbox.deliver(now=vn(2028, 1, 1)) == (0, 0)
    item.refresh_from_db()
    assert (item.status, item.attempts) == (DeliveryStatus.FAILED, 8)


def test_the_delay_between_attempts_is_capped_at_four_hours():
    assert [outbox._backoff(n) // timedelta(minutes=1) for n in (1, 2, 7, 8, 9, 20)] == [
        2,
        4,
        128,
        240,
        240,
        240,
    ]


def test_an_officials_copy_without_an_address_is_shown_in_the_app_only(dw, mailoutbox):
    outbox.notify_official(dw.w.dl_motcua, subject="Việc mới", body="Hồ sơ X", topic="t")
    dw.tnmt_head.email = "son@example.vn"
    dw.tnmt_head.save(update_fields=["email"])
    outbox.notify_official(dw.tnmt_head, subject="Việc mới", body="Hồ sơ Y", topic="t")
    assert list(
        Notification.objects.order_by("pk").values_list("medium", "recipient", "official")
    ) == [
        ("email", "@dl.motcua", dw.w.dl_motcua.pk),
        ("email", "son@example.vn", dw.tnmt_head.pk),
    ]
    assert outbox.deliver() == (2, 0)
    assert [m.to for m in mailoutbox] == [["son@example.vn"]]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


# -- the command ---------------------------------------------------------------------------


def test_the_send_notifications_command_prints_its_counts(dw, settings, sms, mailoutbox):
    receive(dw, vn(2027, 3, 1, 9), applicant=APPLICANT)
    settings.SMS_BACKEND = FAILING
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue() == "sent 1, failed attempts 1\n"
    assert len(mailoutbox) == 1
    # the failed SMS waits two minutes: nothing is due now
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue() == "sent 0, failed attempts 0\n"
    Notification.objects.filter(medium=Medium.SMS).update(next_attempt_at=timezone.now())
    settings.SMS_BACKEND = MEMORY
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue() == "sent 1, failed attempts 0\n"
    assert len(sms) == 1
