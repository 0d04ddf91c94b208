"""manage.py export_catalogue FILE [--unit CODE] [--level L] [--format xlsx|csv]: write the
catalogue's procedures, each with its version in force today, to a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import NotFound
from motcua.org import selectors as org_selectors
from motcua.procedures import imports, selectors


class Command(BaseCommand):
    help = "Export the procedure catalogue to an .xlsx or .csv spreadsheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write: name.xlsx or name.csv")
        parser.add_argument("--unit", help="only procedures resolved in this unit's area")
        parser.add_argument("--level", help="only procedures of this level of authority")
        parser.add_argument(
            "--format", choices=["xlsx", "csv"], help="default: from the file's extension"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        try:
            unit = org_selectors.unit_get(code=options["unit"]) if options["unit"] else None
        except NotFound as exc:
            raise CommandError(exc.message, returncode=2) from None
        procedures = selectors.procedures_search(level=options["level"], unit=unit)
        count = procedures.count()
        self.stdout.write(f"Exporting {count} procedures to {path} ({fmt})…")
        content = imports.catalogue_export(procedures=procedures, fmt=fmt)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
