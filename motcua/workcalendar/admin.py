"""Admin for calendars. Overrides are added and removed through the services so that the
revision every app process watches is bumped."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest

from motcua.workcalendar import services
from motcua.workcalendar.models import CalendarOverride, WorkCalendar, new_version


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin[WorkCalendar]):
    list_display = ["name", "code", "is_default", "base", "revision"]

    def save_model(self, request: HttpRequest, obj: WorkCalendar, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # office hours or weekend may have changed: every process must rebuild
        WorkCalendar.objects.filter(pk=obj.pk).update(
            revision=F("revision") + 1, version=new_version()
        )


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["date", "kind", "calendar", "note", "legal_basis", "created_by"]
    list_filter = ["calendar", "kind"]
    date_hierarchy = "date"
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # an override is removed and added again, never edited in place
        return False

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        created = services.override_add(
            calendar=obj.calendar,
            day=obj.date,
            kind=obj.kind,
            legal_basis=obj.legal_basis,
            note=obj.note,
            actor=request.user,
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.override_remove(calendar=obj.calendar, day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for obj in queryset:
            services.override_remove(calendar=obj.calendar, day=obj.date)
