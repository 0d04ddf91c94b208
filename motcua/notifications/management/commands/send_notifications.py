"""Deliver queued notifications that are due (run every few minutes; see the README)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.notifications.services import deliver


class Command(BaseCommand):
    help = "Send the notifications waiting in the outbox whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, failed = deliver()
        self.stdout.write(f"sent {sent}, failed attempts {failed}")
