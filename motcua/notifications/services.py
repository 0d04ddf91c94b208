"""Queue and deliver notifications.

``notify`` writes an outbox row inside the caller's transaction and asks for delivery after
commit, so a message is never sent for a change that was rolled back, and never lost for
one that was committed: a failed delivery stays pending and ``send_notifications`` (run
every few minutes, see the README) retries it with a growing delay. Delivery errors are
recorded, never raised into the action that caused the message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.notifications import sms
from motcua.notifications.models import DeliveryStatus, Medium, Notification
from motcua.org.models import Official

log = logging.getLogger("motcua.notifications")

MAX_ATTEMPTS = 8


def notify(
    *,
    medium: str,
    recipient: str,
    subject: str,
    body: str,
    topic: str = "",
    official: Official | None = None,
) -> Notification | None:
    """Queue one message; nothing is queued for an empty recipient."""
    if not recipient:
        return None
    item = Notification.objects.create(
        medium=medium,
        recipient=recipient[:254],
        subject=subject[:200],
        body=body,
        topic=topic[:60],
        official=official,
    )
    if getattr(settings, "NOTIFY_ON_COMMIT", True):
        transaction.on_commit(lambda: deliver([item.pk]))
    return item


def notify_official(official: Official, *, subject: str, body: str, topic: str = "") -> None:
    """An official's copy (listed on their work page) and an e-mail when they have one."""
    notify(
        medium=Medium.EMAIL,
        recipient=official.email or f"@{official.username}",
        subject=subject,
        body=body,
        topic=topic,
        official=official,
    )


def _send(item: Notification) -> None:
    if item.medium == Medium.SMS:
        sms.backend().send(item.recipient, f"{item.subject}: {item.body}")
    elif item.recipient.startswith("@"):
        return  # an official without an e-mail address: the in-app copy is the message
    else:
        send_mail(item.subject, item.body, settings.DEFAULT_FROM_EMAIL, [item.recipient])


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def deliver(ids: Iterable[int] | None = None, *, now: datetime | None = None) -> tuple[int, int]:
    """Send the given pending messages (or every one whose next attempt is due). Returns
    (sent, failed attempts). Each message is claimed under a row lock, so two processes
    never send the same one."""
    now = now or timezone.now()
    due = Q(status=DeliveryStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    pks = (
        list(ids)
        if ids is not None
        else list(Notification.objects.filter(due).order_by("pk").values_list("pk", flat=True))
    )
    sent = failed = 0
    for pk in pks:
        with transaction.atomic():
            item = Notification.objects.select_for_update().filter(due, pk=pk).first()
            if item is None:
                continue
            item.attempts += 1
            try:
                _send(item)
            except Exception as exc:  # any gateway failure is retried
                failed += 1
                item.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if item.attempts >= MAX_ATTEMPTS:
                    item.status = DeliveryStatus.FAILED
                else:
                    item.next_attempt_at = now + _backoff(item.attempts)
                log.warning("notification %s not sent: %s", pk, item.last_error)
            else:
                sent += 1
                item.status, item.sent_at, item.last_error = DeliveryStatus.SENT, now, ""
            item.save(
                update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
            )
    return sent, failed
