"""Import dossiers with their full histories from a JSON file (a list, or JSON Lines)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.dossiers import imports
from motcua.org.models import Official


def read_rows(path: str) -> list[Any]:
    """The rows of ``path``: a JSON list, or one JSON object per line (JSON Lines).
    Raises CommandError with one readable line on a file that is neither."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None
    stripped = text.strip()
    if not stripped:
        raise CommandError(f"{path} is empty")
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        if not isinstance(rows, list):  # pragma: no cover - a text starting with [ is a list
            raise CommandError(f"{path}: expected a JSON list of dossiers")
        return rows
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: line {number} is not valid JSON (column {exc.colno}: {exc.msg})"
            ) from None
    return rows


class Command(BaseCommand):
    help = (
        "Import dossiers from a previous system (format: motcua/dossiers/imports.py, as "
        "export_dossiers writes it). Exit 0 when every row was imported, 2 when some rows "
        "were rejected (their reasons are printed), 1 on a file that cannot be read."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a JSON list of dossiers, or JSON Lines")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="the importing official (default: the first active superuser)",
        )
        parser.add_argument("--source", default="", help="where the dossiers come from")

    def handle(self, *args: Any, **options: Any) -> None:
        official = self._official(options["username"])
        rows = read_rows(options["file"])
        total = len(rows)
        source = options["source"] or Path(options["file"]).name
        err = self.stderr

        def progress(done: int, result: imports.ImportResult) -> None:
            err.write(
                f"\r{done}/{total} rows: {len(result.created)} "
                f"{'valid' if result.dry_run else 'imported'}, {len(result.rejected)} rejected",
                ending="",
            )
            err.flush()

        try:
            result = imports.dossier_import(
                rows=rows,
                actor=official,
                dry_run=options["dry_run"],
                source=source,
                progress=progress if total else None,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if total:
            err.write("")
        verb = "would be imported (dry run)" if result.dry_run else "imported"
        self.stdout.write(
            f"{total} rows read: {len(result.created)} {verb}, {len(result.rejected)} rejected."
        )
        for rejected in result.rejected:
            reasons = "; ".join(
                f"{key}: {' '.join(messages)}" for key, messages in rejected["reasons"].items()
            )
            self.stdout.write(f"  row {rejected['index']} ({rejected['code'] or '-'}): {reasons}")
        if result.rejected:
            sys.stdout.flush()
            raise CommandError(f"{len(result.rejected)} rows rejected", returncode=2)

    def _official(self, username: str | None) -> Official:
        if username:
            found = Official.objects.filter(username=username, is_active=True).first()
            if found is None:
                raise CommandError(f"no active official {username!r}")
            return found
        found = Official.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if found is None:
            raise CommandError("no active superuser: name the importing official with --as")
        return found
