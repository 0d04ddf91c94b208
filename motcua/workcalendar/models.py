"""Calendars (office hours, weekend) and the administrators' overrides of the holidays."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_version() -> str:
    return uuid.uuid4().hex


def default_periods() -> list[list[str]]:
    return [["07:00", "11:30"], ["13:30", "17:00"]]


def default_weekend() -> list[int]:
    return [5, 6]


class WorkCalendar(models.Model):
    """Lịch làm việc: office hours and weekend of a calendar.

    A calendar with a ``base`` takes the base's overrides too, its own winning on the same
    day; the national calendar has none. ``revision`` grows and ``version`` changes with
    every edit, so that every app process rebuilds its cached working-day index.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("base calendar"),
    )
    office_periods = models.JSONField(
        _("office hours"),
        default=default_periods,
        help_text=_('Periods as [["07:00", "11:30"], ["13:30", "17:00"]]'),
    )
    weekend = models.JSONField(
        _("weekend days"), default=default_weekend, help_text=_("0 = Monday ... 6 = Sunday")
    )
    is_default = models.BooleanField(_("national default"), default=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    # Changes with the revision but is never reused: a revision number can come back after
    # a rolled-back transaction, a random token cannot, so a process that cached the
    # engine of a rolled-back edit never mistakes it for a later committed one.
    version = models.CharField(max_length=32, default=new_version, editable=False)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Working day (swapped)")


class CalendarOverride(models.Model):
    """An extra day off or a day made working (a swapped Saturday), with its legal basis."""

    calendar = models.ForeignKey(
        WorkCalendar,
        on_delete=models.CASCADE,
        related_name="overrides",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=255, help_text=_("e.g. Notice 6150/TB-LĐTBXH")
    )
    created_by = models.ForeignKey(
        "org.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="override_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
