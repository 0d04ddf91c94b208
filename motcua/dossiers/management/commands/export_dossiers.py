"""Export dossiers with their full histories as JSON, in the format import_dossiers reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Prefetch

from motcua.dossiers import imports
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, PersonalDataView
from motcua.org.models import Official


class Command(BaseCommand):
    help = (
        "Write dossiers (all, or those received by --agency) with their documents, steps, "
        "events and rating as a JSON list (or JSON Lines with --lines). The export holds the "
        "applicants' full personal data: each exported dossier is logged as viewed by the "
        "official named with --as."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="where to write ('-' for standard output)")
        parser.add_argument("--as", dest="username", required=True, help="the exporting official")
        parser.add_argument("--agency", action="append", default=[], help="receiving agency code")
        parser.add_argument("--code", action="append", default=[], help="a dossier code")
        parser.add_argument("--lines", action="store_true", help="JSON Lines, one per dossier")

    def handle(self, *args: Any, **options: Any) -> None:
        official = Official.objects.filter(username=options["username"], is_active=True).first()
        if official is None:
            raise CommandError(f"no active official {options['username']!r}")
        dossiers = (
            Dossier.objects.select_related("procedure", "agency", "version", "rating")
            .prefetch_related(
                "documents",
                Prefetch(
                    "steps", queryset=DossierStep.objects.select_related("agency", "assignee")
                ),
                Prefetch("events", queryset=DossierEvent.objects.order_by("seq")),
            )
            .order_by("pk")
        )
        if options["agency"]:
            dossiers = dossiers.filter(agency__code__in=options["agency"])
        if options["code"]:
            dossiers = dossiers.filter(code__in=options["code"])
        rows = []
        with transaction.atomic():
            for dossier in dossiers.iterator(chunk_size=200):
                rows.append(imports.dossier_export_row(dossier))
            PersonalDataView.objects.bulk_create(
                PersonalDataView(dossier_id=pk, official=official, via="export")
                for pk in dossiers.values_list("pk", flat=True)
            )
        if options["lines"]:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        else:
            text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
        if options["file"] == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(options["file"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    f"cannot write {options['file']}: {exc.strerror or exc}"
                ) from None
            self.stderr.write(f"{len(rows)} dossiers written to {options['file']}.")
