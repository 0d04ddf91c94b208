from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.inspections.models import Finding, Inspection, MisconductReport, Recommendation


@admin.register(MisconductReport)
class MisconductReportAdmin(admin.ModelAdmin[MisconductReport]):
    list_display = ["reported_at", "kind", "agency", "dossier", "official", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["description", "dossier__code", "official_name"]


class ReadOnly:
    """Inspections change only through their services (each change an event, the team's
    rules checked): the admin shows them, it does not edit them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FindingInline(ReadOnly, admin.TabularInline[Finding, Inspection]):
    model = Finding
    fields = ["unit", "category", "description", "evidence", "recorded_by", "recorded_at"]
    extra = 0


class RecommendationInline(ReadOnly, admin.TabularInline[Recommendation, Inspection]):
    model = Recommendation
    fields = ["unit", "text", "task", "state", "closed_at"]
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(ReadOnly, admin.ModelAdmin[Inspection]):
    list_display = ["title", "unit", "year", "starts_on", "head", "state"]
    list_filter = ["year", "state"]
    search_fields = ["title", "unit__code", "unit__name"]
    inlines = [FindingInline, RecommendationInline]
