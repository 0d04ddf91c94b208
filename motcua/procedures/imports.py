"""Import and export of the catalogue spreadsheet (the columns are in ``spreadsheet.py``).

An import checks every row and says, for each, what it does:

- **created**: the code is not in the catalogue: the procedure is created with this row
  as its first version;
- **new version**: the code exists and the row starts after the procedure's latest
  version: the row becomes a new version (the latest then ends the day before);
- **unchanged**: the code exists with a version starting on the same day whose content
  equals the row's;
- **rejected**, with a one-line reason: anything unreadable or invalid in the row, a code
  repeated in the file, an unknown level or agency, step hours over the time limit, a
  version starting on the same day as an existing one with other content, or on or before
  the latest version's start (the past is not rewritten), and a name, field, level or
  sample flag that differs from the catalogue's (an import does not rename procedures).

The writes go through the catalogue services, all in one transaction, each row in its
own savepoint so that a row the services refuse is reported like any other. The
transaction is rolled back for a dry run and whenever any row is rejected: an import
writes everything or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.org.models import Agency, Official, UnitLevel
from motcua.procedures import services, spreadsheet
from motcua.procedures.models import Procedure, ProcedureVersion, ProcessStep, Sector
from motcua.procedures.spreadsheet import (
    CatalogueRow,
    DocumentCell,
    FeeCell,
    SheetRow,
    StepCell,
)

CREATED, NEW_VERSION, UNCHANGED = "created", "new_version", "unchanged"
_CHUNK = 500


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str

    def line(self) -> str:
        return _("row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did, or for a dry run or a rejected file, what it would do."""

    dry_run: bool
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        """Whether the rows were written (not a dry run, nothing rejected)."""
        return not self.dry_run and not self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
            "dry_run": self.dry_run,
        }

    def summary(self) -> str:
        counts = {
            "created": self.created,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }
        if self.imported:
            return (
                _(
                    "Imported: %(created)s created, %(new_versions)s new versions, "
                    "%(unchanged)s unchanged."
                )
                % counts
            )
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing written: %(created)s would be created, %(new_versions)s "
                    "new versions, %(unchanged)s unchanged, %(rejected)s rejected."
                )
                % counts
            )
        return (
            _(
                "Nothing was imported: %(rejected)s rows rejected "
                "(otherwise %(created)s created, %(new_versions)s new versions, "
                "%(unchanged)s unchanged)."
            )
            % counts
        )


# -- import -------------------------------------------------------------------------------


@dataclass
class _Plan:
    row: CatalogueRow
    action: str
    procedure: Procedure | None = None


def catalogue_import(
    *,
    rows_source: Iterable[SheetRow],
    actor: Official | None,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row, then import them all in one transaction, or none when any row is
    rejected or ``dry_run`` is set. ``progress(done, total)`` is called now and then."""
    rows = list(rows_source)
    problems: dict[int, list[str]] = {}
    parsed: list[tuple[int, CatalogueRow]] = []
    first_row: dict[str, int] = {}
    for sheet_row in rows:
        row, found = spreadsheet.parse_row(sheet_row)
        code = spreadsheet.row_code(sheet_row)
        if code and code in first_row:
            found.insert(
                0,
                _("duplicate code %(code)s, already on row %(row)s")
                % {"code": code, "row": first_row[code]},
            )
        elif code:
            first_row[code] = sheet_row.number
        if found:
            problems[sheet_row.number] = found
        elif row is not None:
            parsed.append((sheet_row.number, row))
    levels = {lv.code: lv for lv in UnitLevel.objects.all()}
    agencies = _agencies({s.agency for _n, r in parsed for s in r.steps if s.agency})
    for number, row in parsed:
        found = _reference_problems(row, levels, agencies)
        if found:
            problems[number] = found
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        plans = _plan([(n, r) for n, r in parsed if n not in problems], levels, agencies, problems)
        _apply(plans, actor, levels, agencies, problems, report, progress)
        report.rejected = [
            Rejection(n, "; ".join(reasons)) for n, reasons in sorted(problems.items())
        ]
        if not report.imported:
            transaction.set_rollback(True)
    return report


def _agencies(codes: set[str]) -> dict[str, Agency]:
    ordered = sorted(codes)
    found: dict[str, Agency] = {}
    for i in range(0, len(ordered), _CHUNK):
        found.update((a.code, a) for a in Agency.objects.filter(code__in=ordered[i : i + _CHUNK]))
    return found


def _reference_problems(
    row: CatalogueRow, levels: dict[str, UnitLevel], agencies: dict[str, Agency]
) -> list[str]:
    found = []
    if row.level not in levels:
        found.append(
            _("unknown level %(level)s (one of %(allowed)s)")
            % {"level": row.level, "allowed": ", ".join(levels)}
        )
    for n, step in enumerate(row.steps, start=1):
        if step.agency and step.agency not in agencies:
            found.append(
                _("steps item %(n)s (%(name)s): unknown agency %(code)s")
                % {"n": n, "name": step.name, "code": step.agency}
            )
    return found


def _existing(codes: list[str]) -> dict[str, Procedure]:
    versions = ProcedureVersion.objects.prefetch_related(
        "fees",
        "documents",
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
    ).order_by("effective_from")
    found: dict[str, Procedure] = {}
    for i in range(0, len(codes), _CHUNK):
        chunk = (
            Procedure.objects.filter(code__in=codes[i : i + _CHUNK])
            .select_related("sector", "level")
            .prefetch_related(Prefetch("versions", queryset=versions))
        )
        found.update((p.code, p) for p in chunk)
    return found


def _plan(
    rows: list[tuple[int, CatalogueRow]],
    levels: dict[str, UnitLevel],
    agencies: dict[str, Agency],
    problems: dict[int, list[str]],
) -> list[tuple[int, _Plan]]:
    existing = _existing([r.code for _n, r in rows])
    plans: list[tuple[int, _Plan]] = []
    for number, row in rows:
        procedure = existing.get(row.code)
        if procedure is None:
            plans.append((number, _Plan(row, CREATED)))
            continue
        found = _attribute_problems(row, procedure)
        versions = list(procedure.versions.all())
        same_day = next((v for v in versions if v.effective_from == row.effective_from), None)
        latest = versions[-1] if versions else None
        if same_day is not None:
            if _content(row) != _version_content(procedure, same_day):
                found.append(
                    _(
                        "version %(number)s of %(code)s already starts on %(day)s with other "
                        "content: give a later effective_from to add a new version"
                    )
                    % {
                        "number": same_day.number,
                        "code": row.code,
                        "day": row.effective_from.isoformat(),
                    }
                )
            action = UNCHANGED
        elif latest is not None and row.effective_from <= latest.effective_from:
            found.append(
                _(
                    "effective_from %(day)s is not after %(latest)s, when the latest version "
                    "of %(code)s starts: a new version must start later"
                )
                % {
                    "day": row.effective_from.isoformat(),
                    "latest": latest.effective_from.isoformat(),
                    "code": row.code,
                }
            )
            action = NEW_VERSION
        else:
            action = NEW_VERSION
        if found:
            problems[number] = found
        else:
            plans.append((number, _Plan(row, action, procedure)))
    return plans


def _attribute_problems(row: CatalogueRow, procedure: Procedure) -> list[str]:
    differs = []
    if row.name != procedure.name:
        differs.append(_("name"))
    if not _same_sector(procedure.sector, row.field):
        differs.append(_("field"))
    if row.level != procedure.level.code:
        differs.append(_("level"))
    if row.sample != procedure.sample:
        differs.append(_("sample"))
    if not differs:
        return []
    return [
        _(
            "%(code)s is in the catalogue with another %(what)s; an import does not change "
            "a procedure's name, field, level or sample flag"
        )
        % {"code": row.code, "what": ", ".join(differs)}
    ]


def _same_sector(sector: Sector, name: str) -> bool:
    return fold(sector.name) == fold(name) or sector.code == services.sector_code(name)


def _content(row: CatalogueRow) -> tuple[Any, ...]:
    """What a version holds, comparable with ``_version_content``."""
    return (
        row.time_limit_value,
        row.time_limit_unit,
        row.cutoff_time,
        row.pause_rule,
        row.online_level,
        row.result_document,
        row.legal_basis,
        row.fees,
        row.documents,
        row.steps,
    )


def _version_content(p: Procedure, v: ProcedureVersion) -> tuple[Any, ...]:
    return _content(_row_of(p, v))


def _row_of(p: Procedure, v: ProcedureVersion) -> CatalogueRow:
    return CatalogueRow(
        code=p.code,
        name=p.name,
        field=p.sector.name,
        level=p.level.code,
        effective_from=v.effective_from,
        time_limit_value=v.time_limit_value,
        time_limit_unit=v.time_limit_unit,
        cutoff_time=v.cutoff_time,
        pause_rule=v.pause_rule,
        online_level=v.online_level,
        fees=tuple(FeeCell(f.name, f.amount_vnd) for f in v.fees.all()),
        documents=tuple(
            DocumentCell(d.name, d.mandatory, d.form, d.count) for d in v.documents.all()
        ),
        steps=tuple(
            StepCell(s.name, s.role, s.agency.code if s.agency else "", s.hours)
            for s in v.steps.all()
        ),
        result_document=v.result_document,
        legal_basis=v.legal_basis,
        sample=p.sample,
    )


def _version_data(row: CatalogueRow, agencies: dict[str, Agency]) -> services.VersionData:
    return services.VersionData(
        effective_from=row.effective_from,
        time_limit_value=row.time_limit_value,
        time_limit_unit=row.time_limit_unit,
        cutoff_time=row.cutoff_time,
        pause_rule=row.pause_rule,
        online_level=row.online_level,
        result_document=row.result_document,
        legal_basis=row.legal_basis,
        fees=[services.FeeData(f.name, f.amount_vnd) for f in row.fees],
        documents=[
            services.DocumentData(d.name, d.mandatory, d.form, d.count) for d in row.documents
        ],
        steps=[
            services.StepData(s.name, s.hours, agencies.get(s.agency) if s.agency else None, s.role)
            for s in row.steps
        ],
    )


def _apply(
    plans: list[tuple[int, _Plan]],
    actor: Official | None,
    levels: dict[str, UnitLevel],
    agencies: dict[str, Agency],
    problems: dict[int, list[str]],
    report: ImportReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Write each planned row in its own savepoint; a row the services refuse is rejected
    with their reason and the others go on, so that every bad row is reported."""
    sectors = {fold(s.name): s for s in Sector.objects.all()}
    for done, (number, plan) in enumerate(plans, start=1):
        row = plan.row
        try:
            with transaction.atomic():
                if plan.action == CREATED:
                    sector = sectors.get(fold(row.field)) or services.sector_ensure(
                        code=services.sector_code(row.field), name=row.field
                    )
                    services.procedure_create(
                        code=row.code,
                        name=row.name,
                        sector=sector,
                        level=levels[row.level],
                        version=_version_data(row, agencies),
                        actor=actor,
                        sample=row.sample,
                    )
                    # remembered only once the row is written: the new sector of a
                    # refused row is rolled back with it and must not be reused
                    sectors.setdefault(fold(sector.name), sector)
                elif plan.action == NEW_VERSION and plan.procedure is not None:
                    services.version_add(
                        procedure=plan.procedure, data=_version_data(row, agencies), actor=actor
                    )
        except DomainError as exc:
            problems[number] = [_reason(exc)]
        else:
            report.created += plan.action == CREATED
            report.new_versions += plan.action == NEW_VERSION
            report.unchanged += plan.action == UNCHANGED
        if progress is not None and (done % _CHUNK == 0 or done == len(plans)):
            progress(done, len(plans))


_INDEXED = re.compile(r"^(fees|documents|steps)\.(\d+)\.?(.*)$")


def _reason(exc: DomainError) -> str:
    """A service's error as one line, its field paths named like the columns."""
    if not exc.fields:
        return exc.message
    parts = []
    for path, messages in exc.fields.items():
        name = path.removeprefix("version.").replace("time_limit.", "time_limit_")
        match = _INDEXED.match(name)
        if match:
            name = _("%(column)s item %(n)s") % {
                "column": match[1],
                "n": int(match[2]) + 1,
            } + (f" {match[3]}" if match[3] else "")
        parts.append(f"{name}: {' '.join(messages)}")
    return "; ".join(parts)


# -- export -------------------------------------------------------------------------------


def catalogue_rows(
    *, procedures: QuerySet[Procedure], at: date | None = None
) -> Iterable[CatalogueRow]:
    """One row per procedure: the version in force on ``at`` (today), or for a procedure
    not in force yet, its first version."""
    day = at or timezone.localdate()
    versions = ProcedureVersion.objects.prefetch_related(
        "fees",
        "documents",
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
    ).order_by("effective_from")
    rows = (
        procedures.select_related("sector", "level")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("code")
    )
    for procedure in rows.iterator(chunk_size=_CHUNK):
        chosen = None
        for version in procedure.versions.all():
            if chosen is None or version.effective_from <= day:
                chosen = version
        if chosen is not None:
            yield _row_of(procedure, chosen)


def catalogue_export(*, procedures: QuerySet[Procedure], fmt: str, at: date | None = None) -> bytes:
    """The spreadsheet (``fmt`` "xlsx" or "csv") of ``procedures``, ordered by code."""
    return spreadsheet.write(catalogue_rows(procedures=procedures, at=at), fmt)
