"""The commitments in the Django admin, to look at only: drafting, signatures and the
evaluation are the services' (each change an event), never a bare save here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.commitments.models import Commitment, CommitmentEvent, Target


class ReadOnly:
    """No add, change or delete: the admin lists and shows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetInline(ReadOnly, admin.TabularInline[Target, Commitment]):
    model = Target
    extra = 0
    fields = [
        "seq",
        "title",
        "kind",
        "metric",
        "comparison",
        "threshold",
        "weight",
        "value",
        "score",
        "comment",
    ]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnly, admin.ModelAdmin[Commitment]):
    list_display = ["year", "agency", "head", "chairman", "state", "total", "verdict", "flagged"]
    list_filter = ["year", "state", "verdict", "flagged"]
    search_fields = ["agency__code", "agency__name", "head__username", "head__full_name"]
    list_select_related = ["agency", "head", "chairman"]
    inlines = [TargetInline]


@admin.register(CommitmentEvent)
class CommitmentEventAdmin(ReadOnly, admin.ModelAdmin[CommitmentEvent]):
    list_display = ["commitment", "seq", "at", "actor", "action", "from_state", "to_state"]
    list_filter = ["action"]
    list_select_related = ["commitment", "actor"]
