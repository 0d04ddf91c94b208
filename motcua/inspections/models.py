"""Misconduct reports from citizens (SPEC §9). Inspections, findings and recommendations
come with their own issue; the reports are taken from the public portal already."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, Official


class MisconductKind(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment, causing trouble")
    ASKING_MONEY = "asking_money", _("Asking for money or gifts")
    DELAY = "delay", _("Deliberate delay")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class MisconductReport(models.Model):
    kind = models.CharField(_("kind"), max_length=15, choices=MisconductKind.choices)
    description = models.TextField(_("what happened"))
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="misconduct_reports",
        verbose_name=_("dossier"),
    )
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="misconduct_reports",
        verbose_name=_("official reported"),
    )
    official_name = models.CharField(
        _("official named by the reporter"), max_length=200, blank=True
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="misconduct_reports",
        verbose_name=_("agency"),
    )
    reporter_name = models.CharField(_("reporter"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("contact"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    reported_at = models.DateTimeField(_("reported at"))
    # the finding when closed: substantiated or not, and the action taken if it was;
    # substantiated reports count against the agency in commitments and statistics
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("misconduct report")
        verbose_name_plural = _("misconduct reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status="closed", substantiated__isnull=False, closed_at__isnull=False
                )
                | (
                    ~models.Q(status="closed")
                    & models.Q(substantiated__isnull=True, closed_at__isnull=True)
                ),
                name="misconduct_closed_with_finding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.agency_id})"
