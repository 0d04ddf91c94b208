"""Warn the responsible officials, assigners and lead agencies' heads of tasks near or past
their due time.

Run it every few minutes in production (cron: ``*/5 * * * * manage.py task_warnings`` or a
systemd timer; see the README). Each warning is sent once, whoever runs it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.tasks.warnings import task_warnings


class Command(BaseCommand):
    help = "Send deadline warnings (80 %, one working day left, overdue) for open tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        run = task_warnings()
        sent = ", ".join(f"{k} {v}" for k, v in sorted((run.sent or {}).items())) or "none"
        self.stdout.write(f"checked {run.checked} open tasks; warnings sent: {sent}")
