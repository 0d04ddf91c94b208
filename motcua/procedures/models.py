"""The administrative-procedure catalogue: procedures, versions, internal processes,
publication per unit, and simplification proposals with their compliance cost."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.org.models import AdministrativeUnit, Agency, Official, Role, UnitLevel


class Sector(models.Model):
    """Lĩnh vực: the field a procedure belongs to (civil status, land, construction...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Thủ tục hành chính: identified by its national code; its content lives in versions."""

    code = models.CharField(_("national code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=500)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("sector")
    )
    level = models.ForeignKey(
        UnitLevel,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("level of authority"),
    )
    # code and name folded (no diacritics, lower case), kept by the services for search
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Generated for the demo, not a procedure of the national database"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


class PauseRule(models.TextChoices):
    PAUSE = "pause", _("Pause the clock while waiting for the applicant")
    RESTART = "restart", _("Count the whole limit again from the supplement")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Full online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("Not online")


class ProcedureVersion(models.Model):
    """What a procedure requires from a date on. A dossier keeps the version in force when
    it was received; a version in use is never edited, only succeeded by a new one."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    # the day before the next version's effective_from, kept by the services
    effective_to = models.DateField(_("effective to"), null=True, blank=True, editable=False)
    time_limit_value = models.DecimalField(_("time limit"), max_digits=7, decimal_places=2)
    time_limit_unit = models.CharField(
        _("unit of the time limit"), max_length=20, choices=LimitUnit.choices
    )
    cutoff_time = models.TimeField(
        _("cut-off time"),
        null=True,
        blank=True,
        help_text=_("Receipts after this time start counting the next working day"),
    )
    pause_rule = models.CharField(
        _("pause rule"), max_length=10, choices=PauseRule.choices, default=PauseRule.PAUSE
    )
    online_level = models.CharField(
        _("online service level"), max_length=10, choices=OnlineLevel.choices, default="none"
    )
    result_document = models.CharField(_("result document"), max_length=500, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # set when the first dossier is received under this version; from then on it is frozen
    first_used_at = models.DateTimeField(_("first used at"), null=True, blank=True)
    # names the frozen content (set with first_used_at, never reused): an app process may
    # keep a used version's documents and steps in memory under this token
    content_token = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure", "effective_from"], name="version_start_unique"
            ),
            models.CheckConstraint(condition=Q(time_limit_value__gte=0), name="limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.first_used_at is not None


class Fee(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("fee or charge"), max_length=300)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount_vnd} VND"


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ANY = "any", _("Original or copy")


class RequiredDocument(models.Model):
    """A component of the dossier the applicant hands in (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("document"), max_length=500)
    form = models.CharField(
        _("original or copy"), max_length=20, choices=DocumentForm.choices, default="any"
    )
    count = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    template = models.FileField(
        _("form template"), upload_to="procedure-templates/", blank=True, max_length=300
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ) with its share of the limit."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("step"), max_length=300)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
        help_text=_("Empty: the agency that received the dossier or that the role names"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    hours = models.DecimalField(_("working hours"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="step_hours_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class CatalogueDecision(models.Model):
    """The decision by which a province publishes (công bố) procedures for its units."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="catalogue_decisions",
        verbose_name=_("issuing unit"),
    )
    number = models.CharField(_("number"), max_length=60)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=500)
    signed_on = models.DateField(_("signed on"))
    effective_on = models.DateField(_("effective on"))

    class Meta:
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")
        ordering = ["-signed_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="decision_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Publication(models.Model):
    """A procedure resolved by a unit (and, where named, by one of its agencies)."""

    decision = models.ForeignKey(
        CatalogueDecision, on_delete=models.PROTECT, related_name="publications"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="publications")
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("resolving unit"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("resolving agency"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "unit", "valid_from"], name="publication_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.unit}"

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class IncomeParameter(models.Model):
    """Average monthly income of a year, the price of a citizen's hour in compliance cost."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    monthly_income_vnd = models.PositiveBigIntegerField(_("average monthly income (VND)"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("income parameter")
        verbose_name_plural = _("income parameters")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.monthly_income_vnd}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")


class SimplificationProposal(models.Model):
    """Phương án đơn giản hóa: the current and proposed values of what a proposal changes.

    ``current`` and ``proposed`` hold the cost inputs (see ``costs.CostInputs``): citizen
    actions with their hours, time limit, documents, fees, hired services, other costs,
    subjects per year and times per subject per year. Costs are derived, never stored.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("procedure")
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="simplification_proposals",
        verbose_name=_("proposing unit"),
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=500)
    rationale = models.TextField(_("rationale"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    current = models.JSONField(_("current values"))
    proposed = models.JSONField(_("proposed values"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default="draft"
    )
    implemented_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version it created"),
    )
    created_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("simplification proposal")
        verbose_name_plural = _("simplification proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProposalEvent(models.Model):
    """Every change of a proposal's state, appended in the same transaction."""

    proposal = models.ForeignKey(
        SimplificationProposal, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
