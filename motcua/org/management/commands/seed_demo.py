"""Load the demo data set (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.commitments.demo import seed_commitments
from motcua.dossiers.demo import seed_dossiers
from motcua.inspections.demo import seed_inspections
from motcua.legaldocs.demo import seed_legal_documents
from motcua.org.demo import DEMO_PASSWORD, load_demo_organisation
from motcua.procedures.demo import load_demo_catalogue
from motcua.tasks.demo import seed_tasks


class Command(BaseCommand):
    help = "Load the demo data of the seed document (Nghệ An, Đô Lương, Tân Kỳ). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")
        parser.add_argument(
            "--no-dossiers", action="store_true", help="skip the 2024 demo dossiers (faster)"
        )
        parser.add_argument(
            "--dossier-scale",
            type=float,
            default=1.0,
            help="share of the demo volume of dossiers (1 = about a thousand)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo_organisation()
        catalogue = load_demo_catalogue()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for unit, counts in catalogue.unit_counts.items():
            levels = ", ".join(f"{n} {level}" for level, n in counts.by_level.items())
            self.stdout.write(
                f"Catalogue of unit {unit}: {counts.total} procedures ({levels}), "
                f"{counts.proposals} proposed for simplification."
            )
        if not options["no_dossiers"]:
            dossiers = seed_dossiers(scale=max(options["dossier_scale"], 0.0))
            if dossiers.skipped:
                self.stdout.write("Demo dossiers: already loaded.")
            else:
                self.stdout.write(
                    f"Demo dossiers: {dossiers.created} ({dossiers.late} late, "
                    f"{dossiers.apologies} apology letters, {dossiers.supplemented} supplemented, "
                    f"{dossiers.withdrawn} withdrawn, {dossiers.stopped} stopped, "
                    f"{dossiers.forwarded} forwarded, {dossiers.rated} rated, "
                    f"{dossiers.open} open now)."
                )
        self._seed_work()
        if options["quiet_logins"]:
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.what}")

    def _seed_work(self) -> None:
        """Tasks, commitments, the legal register and the inspection, in that order (each
        reads what the ones before wrote)."""
        tasks = seed_tasks()
        if tasks.skipped:
            self.stdout.write("Demo tasks: already loaded.")
        else:
            self.stdout.write(
                f"Demo tasks: a work programme of {tasks.programme_items} items, a remedy plan "
                f"of {tasks.milestones} milestones, operating regulations reviewed by "
                f"{tasks.broadcast_done} of {tasks.broadcast} agencies."
            )
        commitments = seed_commitments()
        if commitments.skipped:
            self.stdout.write("Demo commitments: already loaded or nothing to commit.")
        else:
            failing = ", ".join(c.head.username for c in commitments.failing) or "none"
            self.stdout.write(
                f"Demo commitments: {len(commitments.commitments)} for 2024, evaluated "
                f"(not meeting the requirements: {failing}); {len(commitments.live)} "
                "for this year, followed live."
            )
        legal = seed_legal_documents()
        if legal.skipped:
            self.stdout.write("Demo legal documents: already loaded.")
        else:
            counts = legal.counts
            self.stdout.write(
                f"Demo legal documents: Tân Kỳ's register of {legal.documents}, reviewed: "
                f"{counts.get('expired_whole', 0)} expired, {counts.get('in_force', 0)} in "
                f"force, {counts.get('propose_amend', 0)} to amend, "
                f"{counts.get('propose_repeal', 0)} to repeal."
            )
        inspection = seed_inspections()
        if inspection.skipped:
            self.stdout.write("Demo inspection: already loaded.")
        else:
            self.stdout.write(
                f"Demo inspection: {inspection.findings} findings, "
                f"{inspection.recommendations} recommendations as tasks "
                f"({inspection.closed} verified and closed); {inspection.reports} new "
                "misconduct reports."
            )
