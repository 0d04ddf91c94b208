from __future__ import annotations

from django.contrib import admin

from motcua.inspections.models import MisconductReport


@admin.register(MisconductReport)
class MisconductReportAdmin(admin.ModelAdmin[MisconductReport]):
    list_display = ["reported_at", "kind", "agency", "dossier", "official", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["description", "dossier__code", "official_name"]
