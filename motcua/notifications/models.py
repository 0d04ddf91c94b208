"""The outbox of messages to applicants and officials: written in the transaction of the
change that causes them, delivered after commit, retried until sent (see services.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Official


class Medium(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed for good")


class Notification(models.Model):
    medium = models.CharField(_("medium"), max_length=5, choices=Medium.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    # an official's own copy (shown in their work list); empty for applicants
    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    topic = models.CharField(_("about"), max_length=60, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_due")]

    def __str__(self) -> str:
        return f"{self.medium} {self.recipient}: {self.subject}"
