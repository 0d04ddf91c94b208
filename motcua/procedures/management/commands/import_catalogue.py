"""manage.py import_catalogue FILE [--dry-run]: import a catalogue spreadsheet (.xlsx/.csv).

Exit status: 0 imported (or a clean dry run), 1 rows rejected (nothing imported),
2 the file is missing or unreadable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.procedures import imports, spreadsheet


class Command(BaseCommand):
    help = "Import the procedure catalogue from a spreadsheet (columns: see the README)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an .xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        dry_run = bool(options["dry_run"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from None
        try:
            sheet = spreadsheet.read_catalogue(data, path.name)
        except spreadsheet.UnreadableFile as exc:
            raise CommandError(f"{path}: {exc.message}", returncode=2) from None
        self.stdout.write(
            f"{path}: {len(sheet.rows)} rows ({sheet.fmt}), "
            + ("checking (dry run)…" if dry_run else "checking and importing…")
        )

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total} rows")

        report = imports.catalogue_import(
            rows_source=sheet.rows, actor=None, dry_run=dry_run, progress=progress
        )
        for rejection in report.rejected:
            self.stderr.write(rejection.line())
        if report.rejected:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(report.summary()))
