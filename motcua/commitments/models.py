"""Annual commitments of unit heads with the chairman, and their year-end evaluation
(SPEC §7). A commitment lists weighted targets, each measured by the system from its own
records (dossiers, tasks, misconduct reports, the catalogue) or assessed by the evaluator.
Its state moves draft → signed (both parties) → under evaluation (the measured values
frozen) → evaluated (the total and the verdict); every change is an event."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency, Official


class CommitmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
    EVALUATED = "evaluated", _("Evaluated")


class TargetKind(models.TextChoices):
    MEASURED = "measured", _("Measured by the system")
    ASSESSED = "assessed", _("Assessed by the evaluator")


class Metric(models.TextChoices):
    """What the system measures for a target, over the commitment's year (up to now during
    the year), for the head's agencies (a commune's People's Committee: all the commune's
    agencies). Definitions in ``commitments.measures``."""

    DOSSIER_ON_TIME = "dossier_on_time_rate", _("Dossiers resolved on time (%)")
    DOSSIER_ONLINE = "dossier_online_rate", _("Dossiers received online (%)")
    TASK_ON_TIME = "task_on_time_rate", _("Tasks done on time (%)")
    MISCONDUCT = "misconduct_substantiated", _("Substantiated misconduct reports")
    PROCEDURES_PUBLISHED = "procedures_published_rate", _("Procedures of its level published (%)")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class Verdict(models.TextChoices):
    MEETS = "meets", _("Meets the requirements")
    DOES_NOT_MEET = "does_not_meet", _("Does not meet the requirements")


class Commitment(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("agency")
    )
    head = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("head")
    )
    chairman = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="commitments_received",
        verbose_name=_("chairman"),
    )
    # the total (out of 100) a head must reach to meet the requirements
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=2, default=Decimal(80)
    )
    state = models.CharField(
        _("state"), max_length=16, choices=CommitmentState.choices, default=CommitmentState.DRAFT
    )
    head_signed_at = models.DateTimeField(_("signed by the head at"), null=True, blank=True)
    chairman_signed_at = models.DateTimeField(_("signed by the chairman at"), null=True, blank=True)
    evaluator = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    evaluation_started_at = models.DateTimeField(_("evaluation started at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=14, choices=Verdict.choices, blank=True)
    # the seed's rule: a head who does not meet the requirements resigns or is reassigned
    flagged = models.BooleanField(_("flagged for resignation or reassignment"), default=False)
    comment = models.TextField(_("evaluator's comment"), blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-year", "agency__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency", "head"], name="commitment_once_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2199), name="commitment_year_range"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0, pass_mark__lte=100),
                name="commitment_pass_mark_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.agency_id} {self.head_id}"


class Target(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="targets")
    seq = models.PositiveSmallIntegerField()
    title = models.CharField(_("target"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=TargetKind.choices)
    metric = models.CharField(_("measure"), max_length=30, choices=Metric.choices, blank=True)
    comparison = models.CharField(
        _("comparison"), max_length=8, choices=Comparison.choices, blank=True
    )
    threshold = models.DecimalField(
        _("threshold"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    weight = models.PositiveSmallIntegerField(_("weight (points)"))
    # frozen when the evaluation starts (measured targets)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    # points earned: measured targets at the freeze, assessed ones by the evaluator
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("commitment target")
        verbose_name_plural = _("commitment targets")
        ordering = ["commitment", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "seq"], name="target_seq_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100), name="target_weight_range"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind="measured",
                    metric__gt="",
                    comparison__gt="",
                    threshold__isnull=False,
                )
                | models.Q(kind="assessed", metric="", comparison="", threshold__isnull=True),
                name="target_measured_has_measure",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CommitmentEvent(models.Model):
    """An append-only fact of a commitment's life."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["commitment", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "seq"], name="commitment_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}#{self.seq} {self.action}"
