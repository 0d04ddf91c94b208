"""Inspections of administrative reform and misconduct reports (SPEC §9). An inspection
has a team, the units inspected, a period and a scope; its findings each have a category
and evidence; each recommendation is a task for the inspected unit, closed only once an
inspector of the team has verified that the remedy worked. Misconduct reports from
citizens and officials are received, assigned to an investigator with a deadline, and
closed as substantiated or not; the reporter follows one by its code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.dossiers.models import Dossier
from motcua.org.models import AdministrativeUnit, Agency, Official
from motcua.tasks.models import Task


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
    # what the reporter follows the report by (no login): random, not guessable
    code = models.CharField(_("follow-up code"), max_length=16, unique=True, null=True, blank=True)
    investigator = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigations",
        verbose_name=_("investigator"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_at = models.DateTimeField(_("investigation due at"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
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


class MisconductEvent(models.Model):
    """An append-only fact of a report's life: received, assigned, closed. ``actor`` is
    empty for a citizen's report."""

    report = models.ForeignKey(MisconductReport, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["report", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["report", "seq"], name="misconduct_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.seq} {self.action}"


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    REPORTED = "reported", _("Report issued")


class Inspection(models.Model):
    """One inspection of the year's plan (the plan is the year's inspections of a unit)."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("inspecting unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    scope = models.TextField(_("scope"))
    # the period of work inspected
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    # when the team works
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    head = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="inspections_headed",
        verbose_name=_("head of the team"),
    )
    members = models.ManyToManyField(
        Official, blank=True, related_name="inspections_joined", verbose_name=_("team members")
    )
    inspected_units = models.ManyToManyField(
        AdministrativeUnit, related_name="inspections_received", verbose_name=_("units inspected")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InspectionState.choices, default=InspectionState.PLANNED
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    reported_at = models.DateTimeField(_("report issued at"), null=True, blank=True)
    created_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-year", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="inspection_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="inspection_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FindingCategory(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership and direction, initiative and innovation")
    PROCEDURES = "procedures", _("Administrative procedures")
    LATE_DOSSIERS = "late_dossiers", _("Late dossiers")
    DIGITAL = "digital", _("Digital transformation")
    OUTREACH = "outreach", _("Information and outreach")
    LEGAL_DOCUMENTS = "legal_documents", _("Legal documents")
    ORGANISATION = "organisation", _("Organisation and staff")
    OTHER = "other", _("Other")


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit concerned"),
    )
    category = models.CharField(_("category"), max_length=16, choices=FindingCategory.choices)
    description = models.TextField(_("finding"))
    evidence = models.TextField(_("evidence"))
    recorded_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class RecommendationState(models.TextChoices):
    OPEN = "open", _("Being remedied")
    CLOSED = "closed", _("Verified effective, closed")


class Recommendation(models.Model):
    """A recommendation to the inspected unit; its current task (a remedy found not
    effective gets a new one) and its verifications are its history."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="recommendations"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    text = models.TextField(_("recommendation"))
    task = models.OneToOneField(
        Task, on_delete=models.PROTECT, related_name="recommendation", verbose_name=_("task")
    )
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=RecommendationState.choices,
        default=RecommendationState.OPEN,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class RecommendationEvent(models.Model):
    """An append-only fact of a recommendation's life: given, verified (effective or not,
    with the inspector's note), given again, closed."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["recommendation", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "seq"], name="recommendation_event_seq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}#{self.seq} {self.action}"
