"""Admin for the catalogue's master data. Versions are written through the services (the
API and the import) so their rules hold; the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.procedures.models import (
    CatalogueDecision,
    Fee,
    IncomeParameter,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Publication,
    RequiredDocument,
    Sector,
    SimplificationProposal,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FeeInline(ReadOnlyInline):
    model = Fee


class DocumentInline(ReadOnlyInline):
    model = RequiredDocument


class StepInline(ReadOnlyInline):
    model = ProcessStep


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    list_display = ["procedure", "number", "effective_from", "effective_to", "first_used_at"]
    search_fields = ["procedure__code", "procedure__name"]
    inlines = [FeeInline, DocumentInline, StepInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "name", "sector", "level", "sample"]
    list_filter = ["level", "sector", "sample"]
    search_fields = ["code", "search_key"]
    readonly_fields = ["code", "level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CatalogueDecision)
class CatalogueDecisionAdmin(admin.ModelAdmin[CatalogueDecision]):
    list_display = ["number", "title", "unit", "signed_on", "effective_on"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Publication]):
    list_display = ["procedure", "unit", "agency", "valid_from", "valid_to"]
    list_filter = ["unit__level"]
    search_fields = ["procedure__code", "unit__name"]
    raw_id_fields = ["procedure", "decision", "unit", "agency"]


@admin.register(IncomeParameter)
class IncomeParameterAdmin(admin.ModelAdmin[IncomeParameter]):
    list_display = ["year", "monthly_income_vnd", "source"]


@admin.register(SimplificationProposal)
class SimplificationProposalAdmin(admin.ModelAdmin[SimplificationProposal]):
    list_display = ["title", "procedure", "unit", "year", "status"]
    list_filter = ["status", "year"]
    readonly_fields = ["status", "implemented_version"]
