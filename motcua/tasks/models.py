"""Tasks with the six "rõ" (SPEC §6): who does it (and with whom), what, who is
accountable and who assigned it, by when in working time, who approves, and what result.
Every change is an event; a broadcast is one task per agency, each to the agency's head."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import WarningKind
from motcua.org.models import AdministrativeUnit, Agency, Official


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved (done)")
    RETURNED = "returned", _("Returned for rework")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(
    {TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED, TaskStatus.RETURNED}
)


class SourceKind(models.TextChoices):
    DIRECT = "direct", _("Direct assignment")
    PROGRAMME = "programme", _("Work programme")
    REMEDY_PLAN = "remedy_plan", _("Plan to remedy deficiencies")
    INSPECTION = "inspection", _("Inspection recommendation")
    LEGAL_REVIEW = "legal_review", _("Legal-document review")
    BROADCAST = "broadcast", _("Assigned to many agencies")


class Broadcast(models.Model):
    """One task given to many agencies at once: the copies share this record."""

    title = models.CharField(_("task"), max_length=300)
    assigner = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("broadcast task")
        verbose_name_plural = _("broadcast tasks")

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    # rõ việc
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("what is to be done"))
    # rõ người
    assignee = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("responsible")
    )
    coordinating_officials = models.ManyToManyField(
        Official, blank=True, related_name="coordinated_tasks", verbose_name=_("coordinating")
    )
    coordinating_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="coordinated_tasks",
        verbose_name=_("coordinating agencies"),
    )
    # rõ trách nhiệm
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("lead agency")
    )
    assigner = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
        verbose_name=_("assigner"),
    )
    # rõ thời gian
    start = models.DateTimeField(_("start"))
    due_at = models.DateTimeField(_("due at"))
    original_due_at = models.DateTimeField(_("first due time"))
    # rõ thẩm quyền
    approver = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="approved_tasks",
        verbose_name=_("approver"),
    )
    # rõ kết quả
    deliverable = models.CharField(_("expected result"), max_length=500)

    source_kind = models.CharField(
        _("source"), max_length=15, choices=SourceKind.choices, default=SourceKind.DIRECT
    )
    source = models.CharField(_("source reference"), max_length=300, blank=True)
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # the time of the submission the approver accepted: timeliness is judged on it
    finished_at = models.DateTimeField(_("done at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["assignee", "status"], name="task_assignee_status"),
            models.Index(fields=["lead_agency", "status"], name="task_agency_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="task_percent_max")
        ]

    def __str__(self) -> str:
        return self.title


class TaskEvent(models.Model):
    """An append-only fact of a task's life."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="task_event_seq")]

    def __str__(self) -> str:
        return f"{self.task_id}#{self.seq} {self.action}"


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    new_due_at = models.DateTimeField(_("new due time"))
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["task", "requested_at"]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.new_due_at} ({self.state})"


class TaskWarning(models.Model):
    """A deadline warning sent once per task, kind and due time: a granted extension moves
    the due time and so re-arms the warnings."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(_("warning"), max_length=10, choices=WarningKind.choices)
    due_at = models.DateTimeField(_("due at"))
    at = models.DateTimeField(_("sent at"))
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = _("task deadline warning")
        verbose_name_plural = _("task deadline warnings")
        ordering = ["task", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "due_at"], name="task_warn_once")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} ({self.due_at})"


class PlanKind(models.TextChoices):
    PROGRAMME = SourceKind.PROGRAMME.value, SourceKind.PROGRAMME.label
    REMEDY_PLAN = SourceKind.REMEDY_PLAN.value, SourceKind.REMEDY_PLAN.label


class Plan(models.Model):
    """A source of tasks: a unit's work programme for a year (chương trình công tác, its
    items) or a plan to remedy deficiencies (kế hoạch khắc phục, a roadmap of milestones).
    Each item is a task; the plan's progress is the weighted roll-up of its tasks."""

    kind = models.CharField(_("kind"), max_length=15, choices=PlanKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    # for a remedy plan: the deficiencies it answers and where they were found
    basis = models.TextField(_("basis"), blank=True)
    owner = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="plans", verbose_name=_("issued by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2199), name="plan_year_range"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """An item of a programme or a milestone of a remedy plan: one task, with its weight in
    the plan's progress."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items")
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="plan_item")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "task__due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100), name="plan_item_weight"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.task_id} ×{self.weight}"
