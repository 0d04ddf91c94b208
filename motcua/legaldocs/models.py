"""The register of a unit's legal documents (văn bản quy phạm pháp luật) and their reviews
(rà soát, SPEC §8). A review records one outcome per document with its reason, base
document and reviewer; every "propose ..." outcome gives a follow-up task with the six
"rõ"; once the review is approved, the documents' status in the register follows its
outcomes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.dossiers.models import StoredFile
from motcua.org.models import AdministrativeUnit, Official
from motcua.tasks.models import Task


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution (of the People's Council)")
    DECISION = "decision", _("Decision (of the People's Committee)")
    DIRECTIVE = "directive", _("Directive")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired in whole")
    PARTLY_EXPIRED = "partly_expired", _("Expired in part")
    SUSPENDED = "suspended", _("Suspended")


class LegalDocument(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="legal_documents",
        verbose_name=_("unit"),
    )
    number = models.CharField(_("number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=500)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    issued_on = models.DateField(_("signed on"))
    effective_on = models.DateField(_("effective on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document file"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    # the day the status last changed by an approved review outcome
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # number and title folded (no diacritics, lower case), kept by the services for search
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="legal_document_number"),
            models.CheckConstraint(
                condition=models.Q(effective_on__gte=models.F("issued_on")),
                name="legal_document_effective_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("amends or supplements")
    REPLACES = "replaces", _("replaces")
    REPEALS = "repeals", _("repeals")
    BASED_ON = "based_on", _("is based on")


class DocumentRelation(models.Model):
    """``source`` amends / replaces / repeals / is based on ``target``."""

    source = models.ForeignKey(LegalDocument, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("relation"), max_length=10, choices=RelationKind.choices)
    target = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="related_from")

    class Meta:
        verbose_name = _("relation between documents")
        verbose_name_plural = _("relations between documents")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "target"], name="relation_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="relation_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic")
    THEMATIC = "thematic", _("Thematic")
    TRIGGERED = "triggered", _("Triggered by a new base document")


class ReviewState(models.TextChoices):
    OPEN = "open", _("Under way")
    APPROVED = "approved", _("Approved")


class Outcome(models.TextChoices):
    IN_FORCE = "in_force", _("Still in force")
    EXPIRED_WHOLE = "expired_whole", _("Expired in whole")
    EXPIRED_PART = "expired_part", _("Expired in part")
    PROPOSE_AMEND = "propose_amend", _("Propose amendment or supplement")
    PROPOSE_REPLACE = "propose_replace", _("Propose replacement")
    PROPOSE_REPEAL = "propose_repeal", _("Propose repeal")
    PROPOSE_SUSPEND = "propose_suspend", _("Propose suspension")
    PROPOSE_NEW = "propose_new", _("Propose a new document")


PROPOSALS = frozenset(
    {
        Outcome.PROPOSE_AMEND,
        Outcome.PROPOSE_REPLACE,
        Outcome.PROPOSE_REPEAL,
        Outcome.PROPOSE_SUSPEND,
        Outcome.PROPOSE_NEW,
    }
)


class LegalReview(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="legal_reviews",
        verbose_name=_("unit"),
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    # a triggered review: the new base document that called for it
    trigger = models.ForeignKey(
        LegalDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new base document"),
    )
    created_by = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened at"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN
    )
    approved_by = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal-document review")
        verbose_name_plural = _("legal-document reviews")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReviewOutcome(models.Model):
    review = models.ForeignKey(LegalReview, on_delete=models.CASCADE, related_name="outcomes")
    document = models.ForeignKey(
        LegalDocument, on_delete=models.PROTECT, related_name="review_outcomes"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    base_document = models.CharField(_("base document"), max_length=300, blank=True)
    reviewer = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    # a proposal's follow-up: a task with the six "rõ"
    task = models.OneToOneField(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_outcome",
        verbose_name=_("follow-up task"),
    )

    class Meta:
        verbose_name = _("review outcome")
        verbose_name_plural = _("review outcomes")
        ordering = ["review", "document__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "document"], name="one_outcome_a_document")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.document_id} {self.outcome}"
