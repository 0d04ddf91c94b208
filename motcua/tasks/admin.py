from __future__ import annotations

from django.contrib import admin

from motcua.tasks.models import Broadcast, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ["title", "lead_agency", "assignee", "due_at", "status", "percent"]
    list_filter = ["status", "source_kind"]
    search_fields = ["title"]


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin[Broadcast]):
    list_display = ["title", "assigner", "created_at"]
