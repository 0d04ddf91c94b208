"""The register and its reviews in the Django admin, to look at only: documents, relations,
outcomes and approvals are written by the services (which keep the search key, the
follow-up tasks and the register's statuses in line), never by a bare save here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.legaldocs.models import DocumentRelation, LegalDocument, LegalReview, ReviewOutcome


class ReadOnly:
    """No add, change or delete: the admin lists and shows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RelationInline(ReadOnly, admin.TabularInline[DocumentRelation, LegalDocument]):
    model = DocumentRelation
    fk_name = "source"
    extra = 0
    fields = ["kind", "target"]


@admin.register(LegalDocument)
class LegalDocumentAdmin(ReadOnly, admin.ModelAdmin[LegalDocument]):
    list_display = ["number", "kind", "title", "unit", "issued_on", "effective_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "title", "search_key"]
    list_select_related = ["unit"]
    inlines = [RelationInline]


class OutcomeInline(ReadOnly, admin.TabularInline[ReviewOutcome, LegalReview]):
    model = ReviewOutcome
    extra = 0
    fields = ["document", "outcome", "reason", "base_document", "reviewer", "recorded_at", "task"]


@admin.register(LegalReview)
class LegalReviewAdmin(ReadOnly, admin.ModelAdmin[LegalReview]):
    list_display = ["title", "unit", "kind", "state", "created_by", "created_at", "approved_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "unit__name", "unit__code"]
    list_select_related = ["unit", "created_by"]
    inlines = [OutcomeInline]
