"""The outbox, for operators: what was sent, what waits, what failed and why."""

from __future__ import annotations

from django.contrib import admin

from motcua.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "medium", "recipient", "subject", "status", "attempts"]
    list_filter = ["status", "medium"]
    search_fields = ["recipient", "topic", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]
