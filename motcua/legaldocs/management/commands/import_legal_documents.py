"""manage.py import_legal_documents UNIT FILE [--dry-run] [--as USERNAME]: import a unit's
register of legal documents from a spreadsheet (.xlsx/.csv; columns: legaldocs/imports.py).

Exit status: 0 imported (or a clean dry run), 1 rows rejected (nothing imported), 2 the
unit or the official is unknown, or the file is missing or unreadable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.legaldocs import imports
from motcua.org.models import AdministrativeUnit, Official


def _shell_actor() -> Official:
    """Who registers the rows when no ``--as`` is given: whoever runs manage.py is trusted
    with the database already (as ``import_catalogue`` trusts them); the services ask for
    an actor only to check the right to keep the register, which a superuser has. The
    record is never saved: documents do not keep who registered them."""
    return Official(username="manage.py", is_superuser=True, is_active=True)


class Command(BaseCommand):
    help = "Import a unit's register of legal documents from a spreadsheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit", help="the code of the unit whose register this is")
        parser.add_argument("file", help="an .xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="act as this official (who must be a legal officer of the unit)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        dry_run = bool(options["dry_run"])
        code = str(options["unit"])
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Unknown unit {code!r}.", returncode=2)
        actor = _shell_actor()
        if options["username"]:
            found = Official.objects.filter(username=options["username"], is_active=True).first()
            if found is None:
                raise CommandError(f"Unknown official {options['username']!r}.", returncode=2)
            actor = found
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from None
        try:
            rows = imports.read_rows(data, path.name)
        except imports.UnreadableFile as exc:
            raise CommandError(f"{path}: {exc.message}", returncode=2) from None
        self.stdout.write(
            f"{path}: {len(rows)} rows for {unit.code} {unit.name}, "
            + ("checking (dry run)…" if dry_run else "checking and importing…")
        )
        try:
            report = imports.legal_documents_import(
                unit=unit, rows=rows, actor=actor, dry_run=dry_run
            )
        except DomainError as exc:  # the official given may not keep this register
            raise CommandError(exc.message, returncode=2) from None
        for rejection in report.rejected:
            self.stderr.write(rejection.line())
        if report.rejected:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(report.summary()))
