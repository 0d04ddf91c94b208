"""Warn holders and heads of steps and dossiers near or past their due time.

Run it every few minutes in production (cron: ``*/5 * * * * manage.py dossier_warnings``
or a systemd timer; see the README). Each warning is sent once, whoever runs it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.dossiers.warnings import deadline_warnings


class Command(BaseCommand):
    help = "Send deadline warnings (80 %, one working day left, overdue) for open dossiers."

    def handle(self, *args: Any, **options: Any) -> None:
        run = deadline_warnings()
        sent = ", ".join(f"{k} {v}" for k, v in sorted((run.sent or {}).items())) or "none"
        self.stdout.write(f"checked {run.checked} open steps; warnings sent: {sent}")
