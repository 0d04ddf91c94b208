"""Recompute every dossier's hash chain and name the dossiers whose history was altered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.ledger import verify


class Command(BaseCommand):
    help = "Verify the hash-chained history of every dossier; exit 1 naming broken ones."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"{result.checked} dossiers checked, all intact."))
            return
        for code in result.broken:
            self.stderr.write(f"history altered: {code}")
        raise CommandError(
            f"{len(result.broken)} of {result.checked} dossiers have an altered history"
        )
