"""Import of dossiers from a previous system, with their full histories (SPEC §5, Import).

A row is one dossier as ``export_dossiers`` writes it (README of the command)::

    {code, procedure, procedure_version?, agency, channel, applicant: {full_name, id_number,
     phone?, email?, address?, type?}, submitted_at?, received_at, effective_start?, due_at,
     appointment_at?, paused_at?, status, finished_at?, returned_at?, return_method?,
     ended_at?, end_reason?, result_note?, vneid_verified?, fees_paid_online?,
     documents: [{name, copies?, file_sha256?, origin?, kind?, added_at?}],
     steps: [{index, name, agency, role?, assignee?, started_at, due_at, finished_at?,
              outcome?, allotted_seconds?}],
     events: [{at, actor, action, from_status, to_status, data}],
     rating?: {level, comment?, at}}

Every row is validated in full before anything of it is written, and written in its own
transaction, so a bad row never half-writes and never stops the good ones. Each created
dossier is marked ``imported``; its events are appended through the same hash chain as
live events (the previous system's actor, a free text, is kept in the event's data as
``imported_actor``), and one last ``import`` event by the importing official records the
source. The receiving agency's daily counter is moved past an imported code of the default
format, so that a code is never given twice.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.models import (
    ApplicantType,
    Channel,
    DailyCounter,
    DocumentKind,
    DocumentOrigin,
    Dossier,
    DossierDocument,
    DossierStatus,
    DossierStep,
    Rating,
    StepOutcome,
    StoredFile,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Official, Role, RoleGrant
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.workcalendar.engine import CalendarError, WorkingTime

MAX_ROWS = 1000  # per call of the API; the command reads a file in chunks of CHUNK
CHUNK = 200
MAX_EVENTS, MAX_STEPS, MAX_DOCUMENTS = 1000, 200, 200
MAX_DATA = 20_000  # characters of one event's data, as JSON
CODE = re.compile(r"^[\w.\-/]{1,60}$")
# the default format; a longer number is no daily sequence of ours (and could overflow it)
DEFAULT_CODE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<number>\d{4,6})$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")

OPEN = {
    DossierStatus.RECEIVED,
    DossierStatus.HANDLING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FINANCIAL_OBLIGATION,
}
PAUSED = {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FINANCIAL_OBLIGATION}

Reasons = dict[str, list[str]]


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {index, code, reasons}
    dry_run: bool = False


@dataclass
class _Row:
    """A validated row, ready to write."""

    index: int
    code: str
    procedure: Procedure
    version: ProcedureVersion
    agency: Agency
    fields: dict[str, Any]
    documents: list[DossierDocument]
    steps: list[DossierStep]
    events: list[dict[str, Any]]
    rating: dict[str, Any] | None


class _Lookups:
    """What a chunk of rows refers to, read in a few queries."""

    def __init__(self, rows: Sequence[Any]) -> None:
        def strings(values: Iterable[Any]) -> set[str]:
            return {v for v in values if isinstance(v, str) and "\x00" not in v}

        dicts = [r for r in rows if isinstance(r, dict)]
        steps = [s for r in dicts for s in _list(r.get("steps")) if isinstance(s, dict)]
        documents = [d for r in dicts for d in _list(r.get("documents")) if isinstance(d, dict)]
        self.procedures = {
            p.code: p
            for p in Procedure.objects.filter(code__in=strings(r.get("procedure") for r in dicts))
        }
        self.versions: dict[int, list[ProcedureVersion]] = {}
        for version in ProcedureVersion.objects.filter(procedure__in=self.procedures.values()):
            self.versions.setdefault(version.procedure_id, []).append(version)
        agency_codes = strings(r.get("agency") for r in dicts) | strings(
            s.get("agency") for s in steps
        )
        self.agencies = {
            a.code: a for a in Agency.objects.select_related("unit").filter(code__in=agency_codes)
        }
        self.officials = {
            o.username: o
            for o in Official.objects.filter(username__in=strings(s.get("assignee") for s in steps))
        }
        self.taken = set(
            Dossier.objects.filter(code__in=strings(r.get("code") for r in dicts)).values_list(
                "code", flat=True
            )
        )
        self.files = set(
            StoredFile.objects.filter(
                pk__in=strings(d.get("file_sha256") for d in documents)
            ).values_list("pk", flat=True)
        )
        self.engines: dict[int, WorkingTime] = {}

    def engine(self, agency: Agency) -> WorkingTime:
        found = self.engines.get(agency.unit_id)
        if found is None:
            found = org_selectors.working_time_for_unit(unit=agency.unit)
            self.engines[agency.unit_id] = found
        return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def may_import(*, official: Official, agencies: Iterable[Agency]) -> bool:
    """Administrators of the province, or an administrator whose reach covers every
    receiving agency of the rows."""
    if org_selectors.is_top_administrator(official=official):
        return True
    if not org_selectors.is_administrator(official=official):
        return False
    return all(org_selectors.can_administer_unit(official=official, unit=a.unit) for a in agencies)


def dossier_import(
    *,
    rows: Sequence[Any],
    actor: Official,
    dry_run: bool = False,
    source: str = "",
    first_index: int = 0,
    seen: set[str] | None = None,
    progress: Callable[[int, ImportResult], None] | None = None,
) -> ImportResult:
    """Validate every row and create a dossier for each valid one (nothing with
    ``dry_run``). Row ``i`` is reported as index ``first_index + i``; ``seen`` carries the
    codes of earlier chunks of the same file, so that a code repeated in a file is
    rejected the second time. ``progress(rows done, result)`` is called after each chunk.

    Raises PermissionDenied (nothing written) when ``actor`` may not import every row's
    receiving agency.
    """
    _check_permission(actor, rows)
    result = ImportResult(dry_run=dry_run)
    seen = set() if seen is None else seen
    now = timezone.now()
    label = (source.strip() or _("import"))[:200]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        lookups = _Lookups(chunk)
        for offset, raw in enumerate(chunk):
            index = first_index + start + offset
            code = raw.get("code") if isinstance(raw, dict) else None
            shown = code if isinstance(code, str) else None
            row, reasons = _validate(index, raw, lookups, seen, now)
            if row is None:
                result.rejected.append({"index": index, "code": shown, "reasons": reasons})
                continue
            seen.add(row.code)
            if dry_run:
                result.created.append(row.code)
                continue
            try:
                _write(row, actor, label, now)
            except IntegrityError:
                # a code taken meanwhile by a concurrent import or reception
                result.rejected.append(
                    {"index": index, "code": shown, "reasons": {"code": [_taken()]}}
                )
                continue
            result.created.append(row.code)
        if progress is not None:
            progress(start + len(chunk), result)
    return result


def _check_permission(actor: Official, rows: Sequence[Any]) -> None:
    """The actor must administer every agency a row names: the receiving one and those
    holding its steps."""
    named = [r.get("agency") for r in rows if isinstance(r, dict)]
    named += [
        s.get("agency")
        for r in rows
        if isinstance(r, dict)
        for s in _list(r.get("steps"))
        if isinstance(s, dict)
    ]
    codes = {c for c in named if isinstance(c, str) and "\x00" not in c}
    agencies = list(Agency.objects.select_related("unit").filter(code__in=codes))
    if not actor.is_active or not may_import(official=actor, agencies=agencies):
        raise PermissionDenied(
            "auth.forbidden",
            _("Only administrators of the province or of the agencies' units import dossiers."),
        )


def _taken() -> str:
    return _("This code is already used: codes are never reused.")


# -- validation ------------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.reasons: Reasons = {}

    def add(self, key: str, message: str) -> None:
        self.reasons.setdefault(key, []).append(message)


def _has_nul(value: Any) -> bool:
    """Whether the row holds what the databases cannot keep faithfully: a NUL or a lone
    surrogate in a text, a float PostgreSQL's jsonb would rewrite (exponent notation:
    the hash chain would then not verify), or nesting deeper than 32. Walks without
    recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any("\ud800" <= c <= "\udfff" for c in item):
                return True
        elif isinstance(item, float):
            if not math.isfinite(item) or "e" in repr(item):
                return True
        elif isinstance(item, dict | list):
            if depth > 32:
                return True
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((c, depth + 1) for c in children)
    return False


def _time(raw: dict[str, Any], key: str, errors: _Errors, where: str, *, required: bool) -> Any:
    """An aware datetime from an ISO 8601 text (or None when absent and optional)."""
    value = raw.get(key)
    name = f"{where}{key}"
    if value is None or value == "":
        if required:
            errors.add(name, _("Required."))
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(name, _("Not an ISO 8601 time (2024-03-04T09:30:00+07:00)."))
            return None
    else:
        errors.add(name, _("Not an ISO 8601 time (2024-03-04T09:30:00+07:00)."))
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        errors.add(name, _("A time must carry its UTC offset, e.g. +07:00."))
        return None
    if not date(1990, 1, 1) <= moment.date() <= date(2199, 12, 31):
        errors.add(name, _("The time is out of range."))
        return None
    return moment


def _text(raw: dict[str, Any], key: str, errors: _Errors, where: str, limit: int) -> str:
    value = raw.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(f"{where}{key}", _("Text expected."))
        return ""
    if len(value) > limit:
        errors.add(f"{where}{key}", _("At most %(n)d characters.") % {"n": limit})
    return value.strip()


def _key(value: Any) -> str:
    """A code to look up: a list or an object given instead is no code (not a crash)."""
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _validate(  # noqa: PLR0912, PLR0915 - the row's rules, one after the other
    index: int, raw: Any, lookups: _Lookups, seen: set[str], now: datetime
) -> tuple[_Row | None, Reasons]:
    errors = _Errors()
    if not isinstance(raw, dict):
        errors.add("__all__", _("A dossier is a JSON object."))
        return None, errors.reasons
    if _has_nul(raw):
        errors.add("__all__", _("The row holds text or numbers that cannot be stored as given."))
        return None, errors.reasons

    code = raw.get("code")
    if not isinstance(code, str) or not CODE.match(code.strip()):
        errors.add("code", _("A code of 1 to 60 letters, digits and . - / _ is required."))
        code = ""
    else:
        code = code.strip()
        if code in lookups.taken or code in seen:
            errors.add("code", _taken())

    procedure = lookups.procedures.get(_key(raw.get("procedure")))
    if procedure is None:
        errors.add("procedure", _("Unknown procedure."))
    agency = lookups.agencies.get(_key(raw.get("agency")))
    if agency is None:
        errors.add("agency", _("Unknown agency."))
    channel = _key(raw.get("channel"))
    if channel not in Channel.values:
        errors.add("channel", ", ".join(Channel.values))

    status = _int(raw.get("status"))
    if status not in DossierStatus.values:
        errors.add("status", _("A status code from 1 to 10."))
        status = None

    applicant = raw.get("applicant")
    person = services.ApplicantData(full_name="", id_number="")
    if not isinstance(applicant, dict):
        errors.add("applicant", _("The applicant is a JSON object."))
    else:
        sub = _Errors()
        person = services.ApplicantData(
            full_name=_text(applicant, "full_name", sub, "applicant.", 200),
            id_number=_text(applicant, "id_number", sub, "applicant.", 12),
            phone=_text(applicant, "phone", sub, "applicant.", 20),
            email=_text(applicant, "email", sub, "applicant.", 254),
            address=_text(applicant, "address", sub, "applicant.", 300),
            applicant_type=_text(applicant, "type", sub, "applicant.", 12) or ApplicantType.PERSON,
        )
        for key, messages in (sub.reasons or services._validate_applicant(person)).items():
            for message in messages:
                errors.add(key, message)

    times = {
        key: _time(raw, key, errors, "", required=False)
        for key in (
            "submitted_at",
            "received_at",
            "effective_start",
            "due_at",
            "appointment_at",
            "paused_at",
            "finished_at",
            "returned_at",
            "ended_at",
        )
    }
    if status is not None:
        _check_status(status, times, raw, errors)
    for key in ("submitted_at", "received_at", "paused_at", "finished_at", "returned_at"):
        if times[key] is not None and times[key] > now:
            errors.add(key, _("In the future: an imported history has already happened."))
    if times["ended_at"] is not None and times["ended_at"] > now:
        errors.add("ended_at", _("In the future: an imported history has already happened."))
    _check_order(times, errors)

    version = None
    if procedure is not None:
        version = _version(procedure, raw, times, lookups, errors)

    end_reason = _text(raw, "end_reason", errors, "", 2000)
    ended = {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}
    if status in ended and not end_reason:
        errors.add("end_reason", _("Required for a refused, withdrawn or stopped dossier."))
    result_note = _text(raw, "result_note", errors, "", 2000)
    return_method = _key(raw.get("return_method"))
    if status == DossierStatus.RETURNED and return_method not in Channel.values:
        errors.add("return_method", ", ".join(Channel.values))
    elif status != DossierStatus.RETURNED and return_method:
        errors.add("return_method", _("Only a dossier whose result was returned has one."))
    flags: dict[str, Any] = {}
    for key in ("vneid_verified", "fees_paid_online"):
        value = raw.get(key)
        if value is not None and not isinstance(value, bool):
            errors.add(key, _("true or false"))
        flags[key] = value
    documents = _documents(raw.get("documents"), lookups, errors)
    steps = _steps(raw.get("steps"), status, times, lookups, agency, errors)
    events = _events(raw.get("events"), status, now, errors)
    rating = _rating(raw.get("rating"), status, times, now, errors)

    if errors.reasons or procedure is None or agency is None or version is None:
        return None, errors.reasons
    assert status is not None  # noqa: S101 - checked above
    fields = {
        "status": status,
        "channel": channel,
        "applicant_type": person.applicant_type,
        "applicant_name": person.full_name,
        "applicant_id_number": person.id_number,
        "applicant_phone": re.sub(r"[\s.-]", "", person.phone),
        "applicant_email": person.email,
        "applicant_address": person.address,
        "end_reason": end_reason,
        "result_note": result_note,
        "return_method": return_method,
        "vneid_verified": bool(flags["vneid_verified"]),
        "fees_paid_online": flags["fees_paid_online"],
        **times,
    }
    if fields["effective_start"] is None and times["received_at"] is not None:
        engine = lookups.engine(agency)
        fields["effective_start"] = engine.effective_start(
            times["received_at"], version.cutoff_time
        )
    return _Row(
        index, code, procedure, version, agency, fields, documents, steps, events, rating
    ), {}


def _check_status(  # noqa: PLR0912 - one branch per status
    status: int, times: dict[str, Any], raw: dict[str, Any], errors: _Errors
) -> None:
    """The times a status implies are there, and those it excludes are not."""
    needed: set[str] = set()
    absent: set[str] = set()
    if status == DossierStatus.SUBMITTED_ONLINE:
        needed, absent = {"submitted_at"}, {"received_at", "due_at", "finished_at", "ended_at"}
        if raw.get("channel") != Channel.ONLINE:
            errors.add("channel", _("A submission awaiting receipt came online."))
    elif status == DossierStatus.REFUSED:
        needed, absent = {"ended_at"}, {"finished_at", "returned_at"}
    elif status in OPEN:
        needed, absent = {"received_at", "due_at"}, {"finished_at", "returned_at", "ended_at"}
        if status in PAUSED:
            needed.add("paused_at")
    elif status in {DossierStatus.WITHDRAWN, DossierStatus.STOPPED}:
        needed, absent = {"received_at", "due_at", "ended_at"}, {"finished_at", "returned_at"}
    elif status == DossierStatus.FINISHED:
        needed, absent = {"received_at", "due_at", "finished_at"}, {"returned_at", "ended_at"}
    elif status == DossierStatus.RETURNED:
        needed = {"received_at", "due_at", "finished_at", "returned_at"}
        absent = {"ended_at"}
    if status not in PAUSED:
        absent.add("paused_at")
    label = DossierStatus(status).label
    for key in sorted(needed):
        if times[key] is None and key not in errors.reasons:
            errors.add(key, _("Required for status %(status)s.") % {"status": label})
    for key in sorted(absent):
        if times[key] is not None:
            errors.add(key, _("Not allowed for status %(status)s.") % {"status": label})


ORDER = [
    ("submitted_at", "received_at", "Received before it was submitted."),
    ("received_at", "effective_start", "The clock starts before the receipt."),
    ("received_at", "due_at", "Due before it was received."),
    ("received_at", "paused_at", "Paused before it was received."),
    ("received_at", "finished_at", "Finished before it was received."),
    ("finished_at", "returned_at", "Returned before it was finished."),
    ("received_at", "ended_at", "Ended before it was received."),
    ("due_at", "appointment_at", "The new appointment comes before the due time."),
]


def _check_order(times: dict[str, Any], errors: _Errors) -> None:
    for first, second, message in ORDER:
        if times[first] is not None and times[second] is not None and times[second] < times[first]:
            errors.add(second, _(message))


def _version(
    procedure: Procedure,
    raw: dict[str, Any],
    times: dict[str, Any],
    lookups: _Lookups,
    errors: _Errors,
) -> ProcedureVersion | None:
    versions = lookups.versions.get(procedure.pk, [])
    number = raw.get("procedure_version")
    if number is not None:
        found = next((v for v in versions if v.number == _int(number)), None)
        if found is None:
            errors.add("procedure_version", _("No such version of the procedure."))
        return found
    moment = times["received_at"] or times["submitted_at"] or times["ended_at"]
    if moment is None:
        return None
    day = timezone.localtime(moment).date()
    found = next(
        (
            v
            for v in versions
            if v.effective_from <= day and (v.effective_to is None or v.effective_to >= day)
        ),
        None,
    )
    if found is None:
        errors.add(
            "procedure",
            _("No version of the procedure in force on %(day)s: give procedure_version.")
            % {"day": day.isoformat()},
        )
    return found


def _documents(raw: Any, lookups: _Lookups, errors: _Errors) -> list[DossierDocument]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_DOCUMENTS:
        errors.add("documents", _("A list of at most %(n)d documents.") % {"n": MAX_DOCUMENTS})
        return []
    out = []
    for i, item in enumerate(raw):
        where = f"documents.{i}."
        if not isinstance(item, dict):
            errors.add(f"documents.{i}", _("A document is a JSON object."))
            continue
        name = _text(item, "name", errors, where, 500)
        if not name:
            errors.add(f"{where}name", _("Required."))
        copies = _int(item.get("copies", 1))
        if copies is None or not 1 <= copies <= 1000:
            errors.add(f"{where}copies", _("A whole number of copies, at least 1."))
        sha = item.get("file_sha256") or ""
        if not isinstance(sha, str) or (sha and not SHA256.match(sha)):
            errors.add(f"{where}file_sha256", _("Not a SHA-256 digest."))
        elif sha and sha not in lookups.files:
            errors.add(f"{where}file_sha256", _("No uploaded file has this digest."))
        origin = _key(item.get("origin")) or (
            DocumentOrigin.DIGITISED if sha else DocumentOrigin.PAPER
        )
        if origin not in DocumentOrigin.values:
            errors.add(f"{where}origin", ", ".join(DocumentOrigin.values))
        kind = _key(item.get("kind")) or DocumentKind.COMPONENT
        if kind not in DocumentKind.values:
            errors.add(f"{where}kind", ", ".join(DocumentKind.values))
        added = _time(item, "added_at", errors, where, required=False)
        out.append(
            DossierDocument(
                kind=kind,
                name=name,
                copies=copies or 1,
                file_sha256=sha if isinstance(sha, str) else "",
                origin=origin,
                added_at=added,
            )
        )
    return out


def _steps(  # noqa: PLR0912, PLR0915 - one check per field
    raw: Any,
    status: int | None,
    times: dict[str, Any],
    lookups: _Lookups,
    agency: Agency | None,
    errors: _Errors,
) -> list[DossierStep]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_STEPS:
        errors.add("steps", _("A list of at most %(n)d steps.") % {"n": MAX_STEPS})
        return []
    out = []
    received = times["received_at"]
    for i, item in enumerate(raw):
        where = f"steps.{i}."
        if not isinstance(item, dict):
            errors.add(f"steps.{i}", _("A step is a JSON object."))
            continue
        number = _int(item.get("index"))
        if number is None or not 1 <= number <= 1000:
            errors.add(f"{where}index", _("The step's number in the process, from 1."))
        name = _text(item, "name", errors, where, 300)
        if not name:
            errors.add(f"{where}name", _("Required."))
        held_by = lookups.agencies.get(_key(item.get("agency")))
        if held_by is None:
            errors.add(f"{where}agency", _("Unknown agency."))
        role = _key(item.get("role"))
        if role not in Role.values and role != "":
            errors.add(f"{where}role", _("Unknown role."))
        assignee = None
        if item.get("assignee"):
            assignee = lookups.officials.get(_key(item.get("assignee")))
            if assignee is None:
                errors.add(f"{where}assignee", _("Unknown official (give a username)."))
            elif (
                held_by is not None
                and not RoleGrant.objects.filter(official=assignee, agency=held_by).exists()
            ):
                # a step is held by an official of its agency: an import must not put
                # other agencies' people in a history (late attribution and ratings name them)
                errors.add(f"{where}assignee", _("Not an official of the step's agency."))
        started = _time(item, "started_at", errors, where, required=True)
        due = _time(item, "due_at", errors, where, required=True)
        finished = _time(item, "finished_at", errors, where, required=False)
        outcome = _key(item.get("outcome"))
        if finished is not None and outcome not in StepOutcome.values:
            errors.add(f"{where}outcome", ", ".join(StepOutcome.values))
        if finished is None and outcome:
            errors.add(f"{where}outcome", _("Only a finished step has an outcome."))
        if started is not None:
            if received is not None and started < received:
                errors.add(f"{where}started_at", _("Started before the dossier was received."))
            if due is not None and due < started:
                errors.add(f"{where}due_at", _("Due before it started."))
            if finished is not None and finished < started:
                errors.add(f"{where}finished_at", _("Finished before it started."))
        allotted = _int(item.get("allotted_seconds"))
        if item.get("allotted_seconds") is not None and (allotted is None or allotted < 0):
            errors.add(f"{where}allotted_seconds", _("A whole number of seconds."))
        if allotted is None and started is not None and due is not None and held_by is not None:
            try:
                allotted = max(
                    lookups.engine(agency or held_by).working_seconds_between(started, due), 0
                )
            except CalendarError:
                allotted = 0
        out.append(
            DossierStep(
                index=number or 1,
                name=name,
                agency=held_by,
                role=role,
                assignee=assignee,
                allotted_seconds=allotted or 0,
                started_at=started,
                due_at=due,
                finished_at=finished,
                outcome=outcome,
            )
        )
    still_open = [s for s in out if s.finished_at is None]
    if len(still_open) > 1:
        errors.add("steps", _("A dossier is in one place at a time: at most one open step."))
    if still_open and status not in OPEN:
        errors.add("steps", _("Only a dossier being handled has an open step."))
    return out


def _events(  # noqa: PLR0912 - one check per field
    raw: Any, status: int | None, now: datetime, errors: _Errors
) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_EVENTS:
        errors.add("events", _("The history: a list of 1 to %(n)d events.") % {"n": MAX_EVENTS})
        return []
    out: list[dict[str, Any]] = []
    previous: datetime | None = None
    previous_status: int | None = None
    for i, item in enumerate(raw):
        where = f"events.{i}."
        if not isinstance(item, dict):
            errors.add(f"events.{i}", _("An event is a JSON object."))
            continue
        at = _time(item, "at", errors, where, required=True)
        if at is not None:
            if at > now:
                errors.add(
                    f"{where}at", _("In the future: an imported history has already happened.")
                )
            if previous is not None and at < previous:
                errors.add(f"{where}at", _("Before the previous event: events come in order."))
            previous = at
        actor = _text(item, "actor", errors, where, 150)
        action = _text(item, "action", errors, where, 40)
        if not action:
            errors.add(f"{where}action", _("Required."))
        from_status = item.get("from_status")
        if from_status is not None and _int(from_status) not in DossierStatus.values:
            errors.add(f"{where}from_status", _("A status code from 1 to 10, or null."))
        to_status = _int(item.get("to_status"))
        if to_status not in DossierStatus.values:
            errors.add(f"{where}to_status", _("A status code from 1 to 10."))
        if i > 0 and from_status != previous_status:
            errors.add(
                f"{where}from_status",
                _("Does not follow from the previous event (status %(status)s).")
                % {"status": previous_status},
            )
        previous_status = to_status
        data = item.get("data", {})
        if data is None:
            data = {}
        if not isinstance(data, dict):
            errors.add(f"{where}data", _("A JSON object."))
            data = {}
        elif len(json.dumps(data, ensure_ascii=False, default=str)) > MAX_DATA:
            errors.add(f"{where}data", _("At most %(n)d characters of JSON.") % {"n": MAX_DATA})
        out.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "data": data,
            }
        )
    if status is not None and out and out[-1]["to_status"] != status:
        errors.add("events", _("The last event must leave the dossier in its status."))
    return out


def _rating(
    raw: Any, status: int | None, times: dict[str, Any], now: datetime, errors: _Errors
) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.add("rating", _("A JSON object."))
        return None
    if status != DossierStatus.RETURNED:
        errors.add("rating", _("A dossier is rated once its result is returned."))
    level = _int(raw.get("level"))
    if level not in Rating.Level.values:
        errors.add("rating.level", "1, 2, 3, 4")
    comment = _text(raw, "comment", errors, "rating.", 2000)
    at = _time(raw, "at", errors, "rating.", required=True)
    returned = times["returned_at"]
    if at is not None and ((returned is not None and at < returned) or at > now):
        errors.add("rating.at", _("Rated after the result was returned, and not in the future."))
    return {"level": level, "comment": comment, "at": at}


# -- writing ---------------------------------------------------------------------------------


@transaction.atomic
def _write(row: _Row, actor: Official, source: str, now: datetime) -> Dossier:
    dossier = Dossier.objects.create(
        code=row.code,
        procedure=row.procedure,
        version=row.version,
        agency=row.agency,
        imported=True,
        **row.fields,
    )
    for document in row.documents:
        document.dossier = dossier
    DossierDocument.objects.bulk_create(row.documents)
    for step in row.steps:
        step.dossier = dossier
    DossierStep.objects.bulk_create(row.steps)
    final = dossier.status
    for event in row.events:
        dossier.status = event["to_status"]
        services._append_event(  # the one place that chains events
            dossier,
            actor=None,
            action=event["action"],
            from_status=event["from_status"],
            data={**event["data"], "imported_actor": event["actor"]},
            at=event["at"],
        )
    if row.rating is not None:
        _rate(dossier, row.rating)
    dossier.status = final
    services._append_event(
        dossier,
        actor=actor,
        action="import",
        from_status=final,
        data={"source": source, "events": len(row.events)},
        at=max(now, row.events[-1]["at"]),
    )
    dossier.save(update_fields=["revision", "ledger_head"])
    _bump_counter(row.code, dossier.agency)
    return dossier


def _rate(dossier: Dossier, rating: dict[str, Any]) -> None:
    created = Rating.objects.create(
        dossier=dossier, level=rating["level"], comment=rating["comment"], at=rating["at"]
    )
    steps = DossierStep.objects.filter(dossier=dossier)
    created.agencies.set(set(steps.values_list("agency", flat=True)) | {dossier.agency_id})
    created.officials.set(set(steps.exclude(assignee=None).values_list("assignee", flat=True)))


def _bump_counter(code: str, agency: Agency) -> None:
    """A code of the default format naming the receiving agency takes its number in that
    agency's daily sequence: the next reception there that day gets a higher number. (A
    code naming another agency is a foreign code: it moves nobody's sequence.)"""
    match = DEFAULT_CODE.match(code)
    if match is None or match["agency"] != agency.code:
        return
    try:
        day = datetime.strptime(match["day"], "%y%m%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return
    number = int(match["number"])
    counter, _created = DailyCounter.objects.select_for_update().get_or_create(
        agency=agency, day=day
    )
    if counter.last < number:
        counter.last = number
        counter.save(update_fields=["last"])


# -- export (the same format) ----------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def dossier_export_row(dossier: Dossier) -> dict[str, Any]:
    """One dossier in the import format (with the full applicant data: whoever exports
    must log the view, see ``export_dossiers``). Expects documents, steps (with agency and
    assignee), events and the rating prefetched."""
    rating = getattr(dossier, "rating", None)
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "procedure_version": dossier.version.number,
        "agency": dossier.agency.code,
        "channel": dossier.channel,
        "applicant": {
            "type": dossier.applicant_type,
            "full_name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "status": dossier.status,
        **{
            key: _iso(getattr(dossier, key))
            for key in (
                "submitted_at",
                "received_at",
                "effective_start",
                "due_at",
                "appointment_at",
                "paused_at",
                "finished_at",
                "returned_at",
                "ended_at",
            )
        },
        "return_method": dossier.return_method,
        "end_reason": dossier.end_reason,
        "result_note": dossier.result_note,
        "vneid_verified": dossier.vneid_verified,
        "fees_paid_online": dossier.fees_paid_online,
        "documents": [
            {
                "name": d.name,
                "copies": d.copies,
                "file_sha256": d.file_sha256,
                "origin": d.origin,
                "kind": d.kind,
                "added_at": _iso(d.added_at),
            }
            for d in dossier.documents.all()
        ],
        "steps": [
            {
                "index": s.index,
                "name": s.name,
                "agency": s.agency.code,
                "role": s.role,
                "assignee": s.assignee.username if s.assignee else None,
                "allotted_seconds": s.allotted_seconds,
                "started_at": _iso(s.started_at),
                "due_at": _iso(s.due_at),
                "finished_at": _iso(s.finished_at),
                "outcome": s.outcome or None,
            }
            for s in dossier.steps.all()
        ],
        "events": [
            {
                "at": _iso(e.at),
                "actor": e.actor_name or e.data.get("imported_actor", "") or "",
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "data": {k: v for k, v in e.data.items() if k != "imported_actor"},
            }
            for e in dossier.events.all()
        ],
        "rating": (
            {"level": rating.level, "comment": rating.comment, "at": _iso(rating.at)}
            if rating is not None
            else None
        ),
    }
