"""Read-only admin for dossiers: the history is evidence, so nothing is edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStep,
    PersonalDataView,
    Rating,
    StoredFile,
)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StepInline(ReadOnly, admin.TabularInline[DossierStep, Dossier]):
    model = DossierStep
    extra = 0


class EventInline(ReadOnly, admin.TabularInline[DossierEvent, Dossier]):
    model = DossierEvent
    extra = 0
    fields = ["seq", "at", "actor_name", "action", "from_status", "to_status", "hash"]


@admin.register(Dossier)
class DossierAdmin(ReadOnly, admin.ModelAdmin[Dossier]):
    list_display = ["code", "procedure", "agency", "status", "received_at", "due_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code"]
    inlines = [StepInline, EventInline]


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnly, admin.ModelAdmin[StoredFile]):
    list_display = ["sha256", "original_name", "content_type", "size", "uploaded_at"]
    search_fields = ["sha256", "original_name"]


@admin.register(Rating)
class RatingAdmin(ReadOnly, admin.ModelAdmin[Rating]):
    list_display = ["dossier", "level", "at"]
    list_filter = ["level"]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnly, admin.ModelAdmin[PersonalDataView]):
    list_display = ["dossier", "official", "at", "via"]
    search_fields = ["dossier__code", "official__username"]
