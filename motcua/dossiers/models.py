"""Dossiers at the one-stop shop: the dossier, its handling steps, its documents and its
append-only, hash-chained history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Agency, Official, Role
from motcua.procedures.models import Procedure, ProcedureVersion


class DossierStatus(models.IntegerChoices):
    """The status codes of the National Public Service Portal."""

    SUBMITTED_ONLINE = 1, _("New online submission")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused at reception")
    HANDLING = 4, _("Being handled")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")
    FINANCIAL_OBLIGATION = 6, _("Financial obligation requested")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Handling stopped")
    FINISHED = 9, _("Handled, result ready")
    RETURNED = 10, _("Result returned")


ENDED = frozenset(
    {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED, DossierStatus.RETURNED}
)


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")
    STATE_BODY = "state_body", _("State body")
    OTHER = "other", _("Other organisation")


class Dossier(models.Model):
    """Hồ sơ: what an applicant filed, under the procedure version in force at receipt."""

    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("version"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving agency"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("status"), choices=DossierStatus.choices)
    applicant_type = models.CharField(
        _("applicant type"), max_length=12, choices=ApplicantType.choices, default="person"
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("ID document number"), max_length=12, db_index=True)
    applicant_phone = models.CharField(_("phone"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    effective_start = models.DateTimeField(_("clock starts"), null=True, blank=True)
    # the legal due time; a pause moves it, an apology letter does not (it sets the
    # appointment), so a dossier with an apology still counts as late
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("new appointment"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_method = models.CharField(
        _("returned"), max_length=10, choices=Channel.choices, blank=True
    )
    # when it was withdrawn, stopped or refused (finished_at covers status 9)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    # online submissions: when the applicant filed it (received_at is when an officer
    # received it, and the clock starts from there)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # data the National Public Service Portal expects (SPEC §5)
    fees_paid_online = models.BooleanField(_("fees paid online"), null=True, blank=True)
    vneid_verified = models.BooleanField(_("account verified with VNeID"), default=False)
    # the head of the hash chain: deleting the last event is detected through these
    revision = models.PositiveIntegerField(default=0, editable=False)
    ledger_head = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
        ]

    def __str__(self) -> str:
        return self.code


class StoredFile(models.Model):
    """A file kept by the SHA-256 of its content: written once, never overwritten or
    deleted by the application (see files.py). Documents refer to it by digest."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class DocumentKind(models.TextChoices):
    COMPONENT = "component", _("Component of the dossier")
    RESULT = "result", _("Result")


class DocumentOrigin(models.TextChoices):
    """Where a document's data came from, as the national portal asks."""

    PAPER = "paper", _("Paper")
    DIGITISED = "digitised", _("Digitised")
    REUSED = "reused", _("Reused from earlier digitised data")
    NATIONAL_DB = "national_db", _("Taken from a national database")


class DossierDocument(models.Model):
    """A component handed in, named after the version's required document, or a result."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(
        _("kind"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.COMPONENT
    )
    name = models.CharField(_("document"), max_length=500)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    file_sha256 = models.CharField(_("file (SHA-256)"), max_length=64, blank=True)
    origin = models.CharField(
        _("origin"), max_length=12, choices=DocumentOrigin.choices, default=DocumentOrigin.PAPER
    )
    added_at = models.DateTimeField(_("added at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class StepOutcome(models.TextChoices):
    DONE = "done", _("Done")
    SENT_BACK = "sent_back", _("Sent back")
    CLOSED = "closed", _("Closed with the dossier")
    FORWARDED = "forwarded", _("Forwarded to another agency")


class DossierStep(models.Model):
    """One run of a process step: opened with its own due time, held by an agency and a
    named official, closed done or sent back. A step sent back runs again as a new row."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossier_steps", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    allotted_seconds = models.PositiveIntegerField(_("allotted office time (s)"))
    assignee = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_steps",
        verbose_name=_("assignee"),
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=StepOutcome.choices, blank=True)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "started_at", "pk"]
        constraints = [
            # a dossier is in one place at a time
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(finished_at__isnull=True), name="one_open_step"
            )
        ]
        indexes = [models.Index(fields=["agency", "finished_at"], name="step_agency_open")]

    def __str__(self) -> str:
        return f"{self.dossier.code} #{self.index} {self.name}"


class DossierEvent(models.Model):
    """An append-only fact of a dossier's life. ``hash`` covers the event and the previous
    event's hash, so an edit, deletion or reordering breaks the chain (see ledger.py)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True)
    to_status = models.PositiveSmallIntegerField()
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class DailyCounter(models.Model):
    """The last sequence number of dossier codes per receiving agency and day."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class Rating(models.Model):
    """The applicant's rating of the service once the result is returned, attributed to the
    agencies and officials that handled the dossier."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 1, _("Very satisfied")
        SATISFIED = 2, _("Satisfied")
        NEUTRAL = 3, _("Neutral")
        DISSATISFIED = 4, _("Dissatisfied")

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rating")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("rated at"))
    agencies = models.ManyToManyField(Agency, related_name="ratings", verbose_name=_("agencies"))
    officials = models.ManyToManyField(
        Official, related_name="ratings", verbose_name=_("officials")
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"


class WarningKind(models.TextChoices):
    EIGHTY = "eighty", _("80 percent of the time used")
    ONE_DAY = "one_day", _("One working day left")
    BREACH = "breach", _("Overdue")


class DeadlineWarning(models.Model):
    """A warning sent once for a step run (or a whole dossier when ``step`` is empty)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="warnings")
    step = models.ForeignKey(
        DossierStep, on_delete=models.CASCADE, null=True, blank=True, related_name="warnings"
    )
    kind = models.CharField(_("warning"), max_length=10, choices=WarningKind.choices)
    at = models.DateTimeField(_("sent at"))
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = _("deadline warning")
        verbose_name_plural = _("deadline warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["step", "kind"], condition=Q(step__isnull=False), name="warn_step_once"
            ),
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=Q(step__isnull=True),
                name="warn_dossier_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class PersonalDataView(models.Model):
    """An official saw an applicant's full personal data (ID and phone numbers)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10)  # "page", "api", "export"

    class Meta:
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        indexes = [models.Index(fields=["dossier", "at"], name="pdview_dossier_at")]

    def __str__(self) -> str:
        return f"{self.official_id} saw {self.dossier_id}"
