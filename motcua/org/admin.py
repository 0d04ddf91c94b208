"""Django admin for the organisation's master data.

Creation of units goes through ``services.unit_create`` so the materialised path is
always set; other edits are plain master-data changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from motcua.org import services
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    CommitteeMembership,
    Official,
    Position,
    RoleGrant,
    UnitLevel,
)


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin[UnitLevel]):
    list_display = ["code", "name", "rank"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin[AdministrativeUnit]):
    list_display = ["name", "code", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    filter_horizontal = ["successors"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # moving a unit would orphan its materialised subtree path
        return ["parent", "level"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: AdministrativeUnit, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.unit_create(
            code=obj.code,
            name=obj.name,
            level=obj.level,
            parent=obj.parent,
            valid_from=obj.valid_from,
        )
        obj.pk, obj.path = created.pk, created.path


class RoleGrantInline(admin.TabularInline[RoleGrant, Official]):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["agency"]


class PositionInline(admin.TabularInline[Position, Official]):
    model = Position
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Official)
class OfficialAdmin(UserAdmin[Official]):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("motcua", {"fields": ("full_name", "phone")}),
    )
    inlines = [PositionInline, RoleGrantInline]


class MembershipInline(admin.TabularInline[CommitteeMembership, Agency]):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["official"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "code", "kind", "unit"]
    list_filter = ["kind", "unit__level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["unit", "parent"]
    inlines = [MembershipInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    list_display = ["official", "role", "agency", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["official__username", "official__full_name", "agency__name"]
    autocomplete_fields = ["official", "agency"]
