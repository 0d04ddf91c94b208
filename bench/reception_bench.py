"""Reception: ``services.dossier_receive`` per second against raw inserts of the same rows.

Run:  DEBUG=1 .venv/bin/python bench/reception_bench.py [--db sqlite|postgres|both] [--n N]
      [--block B] [--profile-n P] [--profile] [--no-write]

Each database is measured in a child process of this script with its own ``DATABASE_URL``
and a throw-away database: SQLite in a temporary file (WAL, ``BEGIN IMMEDIATE``, as the
settings configure it), deleted afterwards; PostgreSQL in a database created for the run
on ``BENCH_PG_URL`` (default ``postgres://postgres@127.0.0.1:5432/``), named
``motcua_reception_bench``, dropped afterwards. Both are migrated with ``migrate``. Settings
are production's except ``DEBUG``, switched off after start-up so that Django does not log
every query (the query counts below turn logging on for their own receptions only).

The world: a province, a district with its People's Committee, one-stop shop and land
division, a one-stop officer, and a land procedure published for the district with a
limit of 5 working days, three required documents (two mandatory) and three steps
(one-stop reception, the division's appraisal, the chairman's signature).

The sample is fixed (seeded): N applicants with Vietnamese names, 12-digit ID numbers,
phones (some written with spaces), some e-mail addresses, addresses in the district's
communes; counter, post or online; the two mandatory documents, the optional one in
about 40%, one or two copies, SHA-256 digests for the online ones.

What is compared
- service: ``dossier_receive(actor=..., procedure=..., agency=..., ...)``, one call per
  reception, each its own transaction (the service is ``@transaction.atomic``), with the
  actor, procedure and agency given as the API view loads them (the agency with its unit
  and parent, the procedure with its sector and level; fresh copies per call, made
  beforehand, so that nothing read by one call is cached for the next). The messages to
  the applicant are queued in the outbox inside the transaction; their delivery after
  commit (``NOTIFY_ON_COMMIT``) is off for the comparison: it is the gateway's work,
  retried by ``send_notifications``. It is measured apart, with Django's locmem e-mail
  backend and the logging SMS backend (so no gateway time).
- raw: the rows one reception writes (the daily counter's ``UPDATE ... RETURNING``, the
  dossier ``INSERT ... RETURNING id``, one ``INSERT`` per document, the first step's and the
  event's ``INSERT``, the ``UPDATE`` of the dossier's ledger head, and one ``INSERT`` per
  outbox message when the service writes messages) as plain single-row statements through
  the same Django connection, one transaction per reception. The column values are
  prepared beforehand (as the ORM prepares them); only the code, which needs the counter,
  and the event's hash, which covers the code, are made in the loop, so that the raw rows
  form valid ledgers too.

Both run on the same N applicants after a warm-up, in blocks of B receptions taken in
turns (service block, raw block, ...), so a busy spell of the shared machine slows both;
the rate is receptions over the summed time of each side's blocks. Then: the queries per
reception by kind (``CaptureQueriesContext``, 50 receptions each side), the time in the
driver per query kind and in COMMIT (an execute wrapper, 200 receptions each side), and,
when the PostgreSQL ratio is under 0.25 (or with ``--profile``), a cProfile of P
receptions with what the time goes to and which queries could go. At the end the ledger
of every dossier is verified and every table's row count checked against what was
written.

The aim (issue): the service's rate on PostgreSQL is at least a quarter of the raw rate.
The script exits 1 when it is not, or when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import hashlib
import json
import logging
import os
import pickle
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import results  # noqa: E402

SEED = 20250415
AIM = 0.25
PG_DB = "motcua_reception_bench"
AGENCY = "DL.MC"
PROFILE_TOP = 20
COUNTED = 50  # receptions whose queries are captured

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
SURNAMES += ["Hồ", "Ngô", "Dương", "Lý", "Võ", "Thái", "Cao", "Chu"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Đình"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan"]
GIVEN += ["Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn"]
GIVEN += ["Vinh", "Yến", "Khánh", "Lộc", "Nhung", "Oanh", "Tú", "Việt"]
COMMUNES = ["Đông Sơn", "Đà Sơn", "Lạc Sơn", "Văn Sơn", "Thuận Sơn", "Yên Sơn", "Trù Sơn"]
COMMUNES += ["Đại Sơn", "Hiến Sơn", "Mỹ Sơn", "Minh Sơn", "Nam Sơn", "Bắc Sơn", "Tràng Sơn"]
FIRMS = ["Công ty TNHH Xây dựng", "Công ty cổ phần Thương mại", "Hợp tác xã Nông nghiệp"]
MANDATORY = ["Đơn đăng ký biến động", "Giấy chứng nhận quyền sử dụng đất"]
OPTIONAL = "Giấy ủy quyền"

# what each kind of query of the service is for (table names are stable; the code is not)
PURPOSE = {
    "SELECT org_rolegrant": "the actor's current role grants (`_has_role`)",
    "SELECT procedures_publication": "competence (`published_in(...).exists()`) or the "
    "resolving agency (`_resolving_agency`)",
    "SELECT procedures_procedureversion": "the version in force (`version_in_force`)",
    "SELECT procedures_fee": "prefetch of the version's fees (unused at reception)",
    "SELECT procedures_requireddocument": "prefetch of the version's documents",
    "SELECT procedures_processstep": "the version's steps (the prefetch; `_open_step` again "
    "when they are not taken from it)",
    "SELECT org_administrativeunit": "`calendar_for_unit` walking up to the province",
    "SELECT workcalendar_workcalendar": "`calendar_default` and `working_time`'s revision check",
    "SELECT dossiers_dailycounter FOR UPDATE": "the daily counter, locked (`_next_code`)",
    "SELECT dossiers_dailycounter": "the daily counter (`_next_code`; SQLite has no FOR UPDATE)",
    "UPDATE dossiers_dailycounter": "the counter's next number",
    "INSERT dossiers_dossier": "the dossier",
    "INSERT dossiers_dossierdocument": "its documents (one bulk INSERT)",
    "UPDATE procedures_procedureversion": "`version_mark_used` (a no-op after the first)",
    "INSERT dossiers_dossierstep": "the first step",
    "INSERT dossiers_dossierevent": "the event",
    "UPDATE dossiers_dossier": "the ledger head (revision, hash)",
    "SELECT dossiers_storedfile": "the uploaded files named by digest (online documents)",
    "INSERT notifications_notification": "the applicant's outbox messages (e-mail, SMS)",
    "BEGIN": "the transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: sent with the first statement)",
    "COMMIT": "the commit (PostgreSQL, synchronous_commit on: waits for the WAL flush)",
    "SELECT notifications_notification FOR UPDATE": "delivery: the message claimed",
    "SELECT notifications_notification": "delivery: the message claimed",
    "UPDATE notifications_notification": "delivery: the message marked sent",
}

# Queries of the service that could go (as services.py stood when this was written): each
# shown while the query kind is still there at least ``min`` times per reception, with
# how many queries per reception its change removes.
SUGGESTIONS: list[tuple[str, float, float, str]] = [
    (
        "SELECT procedures_fee",
        1,
        1,
        "`version_in_force` prefetches the version's fees, documents and steps; reception "
        "reads no fees. A reception selector prefetching documents and steps only (or "
        "`Prefetch` on the caller's side) drops the fee query.",
    ),
    (
        "SELECT procedures_processstep",
        2,
        1,
        "`_open_step` reads `dossier.version.steps.select_related('agency')` again although "
        "`version_in_force` prefetched the steps with `agency__unit`: "
        "`list(dossier.version.steps.all())` takes them from the prefetch cache.",
    ),
    (
        "SELECT procedures_publication",
        2,
        1,
        "`_resolving_agency` runs on every reception, though its answer is used only for a "
        "step with neither an agency nor the one-stop role (none in this procedure): pass it "
        "lazily (a callable) to `_open_step`, or let the competence check fetch the "
        "publication with `select_related('agency')` instead of `.exists()` and reuse it.",
    ),
    (
        "SELECT workcalendar_workcalendar",
        2,
        2,
        "`_engine_for`: `calendar_for_unit` walks up the units (1 query for the province, "
        "`unit.parent` not being loaded), then `calendar_default` (1) and `working_time`'s "
        "revision check `_chain` (1). Resolving the unit's calendar id once per process "
        "(invalidated with the same revision check) and checking the default calendar's "
        "revision in that one query leaves 1 query instead of 3.",
    ),
    (
        "SELECT procedures_requireddocument",
        1,
        2,
        "`version_in_force` reads the version and prefetches its documents and steps on "
        "every reception (with `prefetch_related`'s machinery, the largest single cost in "
        "the profile), though a procedure's versions change a few times a year. Keeping the "
        "version in force with its documents and steps per process, checked by the version "
        "query alone (its id and a change stamp) as `working_time` checks a calendar's "
        "revision, serves documents and steps from memory.",
    ),
    (
        "SELECT dossiers_dailycounter FOR UPDATE",
        1,
        1,
        "`_next_code`: `select_for_update().get_or_create()` then `save()` is two "
        "statements; `UPDATE dossiers_dailycounter SET last = last + 1 WHERE agency_id = %s "
        "AND day = %s RETURNING last` is one and takes the same row lock (an INSERT when no "
        "row was updated, or `INSERT ... ON CONFLICT (agency_id, day) DO UPDATE ... "
        "RETURNING last`, which PostgreSQL and SQLite 3.35+ both run).",
    ),
    (
        "UPDATE procedures_procedureversion",
        1,
        1,
        "`version_mark_used` sends an UPDATE on every reception, a no-op after the first: "
        "skip it when the version just read has `first_used_at` set.",
    ),
    (
        "UPDATE dossiers_dossier",
        1,
        1,
        "The receive event's hash covers only what is known before the dossier is written "
        "(code, seq 1, time, actor, data, the genesis hash): insert the dossier with "
        "`revision=1` and `ledger_head` already set and drop the closing UPDATE (the raw "
        "path keeps its UPDATE, as the issue lists it).",
    ),
    (
        "INSERT notifications_notification",
        1.01,
        0.0,  # replaced by (count - 1) below
        "`_notify_applicant` writes the e-mail and the SMS with one `objects.create` each: "
        "one `bulk_create` for both.",
    ),
]


# -- the sample ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    full_name: str
    id_number: str
    phone: str
    email: str
    address: str
    applicant_type: str
    channel: str
    documents: tuple[tuple[str, int, str], ...]


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


def samples(count: int) -> list[Sample]:
    rng = random.Random(SEED)
    out = []
    for i in range(count):
        business = rng.random() < 0.08
        given = rng.choice(GIVEN)
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {given}"
        name = f"{rng.choice(FIRMS)} {given} {rng.randint(1, 99)}" if business else person
        born = rng.randint(1950, 2005)
        century = "0" if born < 2000 else "2"  # + 1 for women, which the sample leaves out
        id_number = f"040{century}{born % 100:02d}{rng.randrange(10**6):06d}"
        digits = f"{rng.choice(['09', '03', '08', '07'])}{rng.randrange(10**8):08d}"
        phone = f"{digits[:4]} {digits[4:7]} {digits[7:]}" if rng.random() < 0.3 else digits
        email = f"{_ascii(person)}{i}@gmail.com" if rng.random() < 0.3 else ""
        address = (
            f"Xóm {rng.randint(1, 12)}, xã {rng.choice(COMMUNES)}, huyện Đô Lương, tỉnh Nghệ An"
        )
        channel = rng.choices(["counter", "post", "online"], weights=[80, 8, 12])[0]
        names = [*MANDATORY, *([OPTIONAL] if rng.random() < 0.4 else [])]
        documents = tuple(
            (
                doc,
                rng.randint(1, 2),
                hashlib.sha256(f"{i}/{doc}".encode()).hexdigest() if channel == "online" else "",
            )
            for doc in names
        )
        out.append(
            Sample(
                full_name=name,
                id_number=id_number,
                phone=phone,
                email=email,
                address=address,
                applicant_type="business" if business else "person",
                channel=channel,
                documents=documents,
            )
        )
    return out


# -- the child: one database -----------------------------------------------------------------


@dataclass
class Scene:
    officer: Any
    procedure: Any
    agency: Any
    version: Any


def _build() -> Scene:
    """The world through the real services, as ``tests/conftest.py`` and
    ``tests/dossiers/world.py`` build it."""
    from motcua.org import services as org
    from motcua.org.models import Agency, AgencyKind, Role, UnitLevel
    from motcua.procedures import selectors as catalogue_selectors
    from motcua.procedures import services as catalogue
    from motcua.procedures.services import DocumentData, StepData, VersionData

    since = dt.date(2000, 1, 1)
    levels = {level.code: level for level in UnitLevel.objects.all()}
    province = org.unit_create(
        code="40", name="Tỉnh Nghệ An", level=levels["province"], parent=None, valid_from=since
    )
    district = org.unit_create(
        code="427",
        name="Huyện Đô Lương",
        level=levels["district"],
        parent=province,
        valid_from=since,
    )
    committee = org.agency_create(
        code="DL.UBND", name="UBND huyện Đô Lương", unit=district, kind=AgencyKind.PEOPLE_COMMITTEE
    )
    one_stop = org.agency_create(
        code=AGENCY, name="Bộ phận Một cửa Đô Lương", unit=district, kind=AgencyKind.ONE_STOP
    )
    land = org.agency_create(
        code="DL.TNMT",
        name="Phòng Tài nguyên và Môi trường",
        unit=district,
        kind=AgencyKind.DIVISION,
    )
    officer = org.official_create(
        username="dl.motcua",
        full_name="Phạm Thị Hoa",
        password="correct-horse-battery",  # noqa: S106 - a throw-away database
        roles=[org.RoleSpec(agency=one_stop, role=Role.ONE_STOP_OFFICER)],
    )
    org.official_create(
        username="dl.chutich",
        full_name="Trần Đình Long",
        password="correct-horse-battery",  # noqa: S106
        roles=[org.RoleSpec(agency=committee, role=Role.CHAIRMAN)],
    )
    procedure = catalogue.procedure_create(
        code="MAU.DAT.01",
        name="Đăng ký biến động đất đai (mẫu)",
        sector=catalogue.sector_ensure(code="dat-dai", name="Đất đai"),
        level=levels["district"],
        version=VersionData(
            effective_from=dt.date(2020, 1, 1),
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
            documents=[
                DocumentData(MANDATORY[0]),
                DocumentData(MANDATORY[1]),
                DocumentData(OPTIONAL, mandatory=False),
            ],
            steps=[
                StepData("Tiếp nhận", Decimal(4), None, Role.ONE_STOP_OFFICER),
                StepData("Thẩm định", Decimal(16), land, Role.HANDLING_OFFICIAL),
                StepData("Ký duyệt", Decimal(4), committee, Role.CHAIRMAN),
            ],
        ),
    )
    decision = catalogue.decision_create(
        unit=province,
        number="1/QĐ-UBND",
        title="Công bố",
        signed_on=dt.date(2019, 12, 1),
        effective_on=dt.date(2019, 12, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[procedure], unit=district)
    # as the API view reads them (routers/dossiers.py, dossier_create)
    return Scene(
        officer=type(officer).objects.get(pk=officer.pk),
        procedure=catalogue_selectors.procedure_get(code="MAU.DAT.01"),
        agency=Agency.objects.select_related("unit", "parent").get(code=AGENCY),
        version=catalogue_selectors.version_in_force(
            procedure=procedure, at=dt.datetime.now(tz=dt.UTC)
        ),
    )


def _fresh(obj: Any) -> Any:
    """A copy with its own related-object cache, as a new request would load it."""
    return pickle.loads(pickle.dumps(obj))  # noqa: S301 - our own object


# -- the service path ------------------------------------------------------------------------


def _service_call(scene: Scene, count: int) -> Callable[[Sample], Any]:
    """``dossier_receive`` for one sample, each call with its own fresh actor, procedure
    and agency (made beforehand, so that copying them is not charged to the service)."""
    from motcua.dossiers import services

    receive = services.dossier_receive
    fresh = iter(
        [
            (_fresh(scene.officer), _fresh(scene.procedure), _fresh(scene.agency))
            for _ in range(count)
        ]
    )

    def call(s: Sample) -> Any:
        actor, procedure, agency = next(fresh)
        return receive(
            actor=actor,
            procedure=procedure,
            agency=agency,
            channel=s.channel,
            applicant=services.ApplicantData(
                full_name=s.full_name,
                id_number=s.id_number,
                phone=s.phone,
                email=s.email,
                address=s.address,
                applicant_type=s.applicant_type,
            ),
            documents=[services.DocumentIn(n, c, h) for n, c, h in s.documents],
        )

    return call


# -- the raw path ----------------------------------------------------------------------------


CODE = "\x00code\x00"  # where the code goes in a prepared value


@dataclass
class RawRows:
    """One reception's rows, their values prepared as the ORM prepares them."""

    dossier: list[Any]
    documents: list[list[Any]]
    step: list[Any]
    event: list[Any]
    event_data: dict[str, Any]
    notifications: list[list[Any]]
    at: dt.datetime


@dataclass
class RawSQL:
    counter: str
    dossier: str
    document: str
    step: str
    event: str
    head: str
    notification: str
    code_index: int
    hash_index: int
    notification_code_indexes: list[int]
    day: dt.date
    day_value: Any  # the day as the driver takes it
    agency_id: int
    agency_code: str
    actor_name: str


def _insert(model: Any, connection: Any, *, returning: bool) -> tuple[str, list[Any]]:
    """``INSERT INTO table (cols) VALUES (%s, ...)`` over the model's concrete fields but
    the primary key, a foreign key to the dossier first."""
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fields.sort(key=lambda f: f.column != "dossier_id")
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning:
        sql += f" RETURNING {qn(model._meta.pk.column)}"
    return sql, fields


def _make(model: Any, **values: Any) -> Any:
    """An unsaved instance; values for fields the model does not have are left out."""
    names = {f.name for f in model._meta.concrete_fields} | {
        f.attname for f in model._meta.concrete_fields
    }
    return model(**{k: v for k, v in values.items() if k in names})


def _values(obj: Any, fields: list[Any], connection: Any) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _raw_prepare(
    scene: Scene, batch: list[Sample], connection: Any, *, notified: bool
) -> tuple[RawSQL, list[RawRows]]:
    """The rows of each reception of ``batch`` as ``dossier_receive`` writes them, with the
    applicant's outbox messages when the service writes those (``notified``)."""
    from django.utils import timezone

    from motcua.dossiers.models import (
        DailyCounter,
        Dossier,
        DossierDocument,
        DossierEvent,
        DossierStatus,
        DossierStep,
    )
    from motcua.notifications.models import Notification
    from motcua.org import selectors as org_selectors
    from motcua.workcalendar.selectors import working_time

    qn = connection.ops.quote_name
    version, agency = scene.version, scene.agency
    engine = working_time(org_selectors.calendar_for_unit(unit=agency.unit))
    first = next(iter(version.steps.all()))  # ordered by position, as `_open_step` reads them
    dossier_sql, dossier_fields = _insert(Dossier, connection, returning=True)
    document_sql, document_fields = _insert(DossierDocument, connection, returning=False)
    step_sql, step_fields = _insert(DossierStep, connection, returning=False)
    event_sql, event_fields = _insert(DossierEvent, connection, returning=False)
    notification_sql, notification_fields = _insert(Notification, connection, returning=False)
    notification_names = [f.name for f in notification_fields]
    now = timezone.now()
    day = timezone.localtime(now).date()
    sql = RawSQL(
        counter=(
            f"UPDATE {qn(DailyCounter._meta.db_table)} SET {qn('last')} = {qn('last')} + 1 "  # noqa: S608
            f"WHERE {qn('agency_id')} = %s AND {qn('day')} = %s RETURNING {qn('last')}"
        ),
        dossier=dossier_sql,
        document=document_sql,
        step=step_sql,
        event=event_sql,
        head=(
            f"UPDATE {qn(Dossier._meta.db_table)} SET {qn('revision')} = %s, "  # noqa: S608
            f"{qn('ledger_head')} = %s WHERE {qn(Dossier._meta.pk.column)} = %s"
        ),
        notification=notification_sql,
        code_index=[f.name for f in dossier_fields].index("code"),
        # the event's and documents' values go without their leading dossier id
        hash_index=[f.name for f in event_fields].index("hash") - 1,
        notification_code_indexes=[
            notification_names.index("body"),
            notification_names.index("topic"),
        ],
        day=day,
        day_value=connection.ops.adapt_datefield_value(day),
        agency_id=agency.pk,
        agency_code=agency.code,
        actor_name=scene.officer.username,
    )
    rows = []
    for s in batch:
        deadline = engine.deadline(now, working_days=int(version.time_limit_value))
        phone = re.sub(r"[\s.-]", "", s.phone)
        d = _make(
            Dossier,
            code="",
            procedure_id=scene.procedure.pk,
            version_id=version.pk,
            agency_id=agency.pk,
            channel=s.channel,
            status=DossierStatus.RECEIVED,
            applicant_type=s.applicant_type,
            applicant_name=s.full_name.strip(),
            applicant_id_number=s.id_number.strip(),
            applicant_phone=phone,
            applicant_email=s.email.strip(),
            applicant_address=s.address.strip(),
            received_at=now,
            effective_start=deadline.effective_start,
            due_at=deadline.due_at,
        )
        begin = engine.effective_start(deadline.effective_start)
        allotted = int(first.hours * 3600)
        step = _make(
            DossierStep,
            index=1,
            name=first.name,
            agency_id=first.agency_id or agency.pk,
            role=first.role,
            allotted_seconds=allotted,
            started_at=begin,
            due_at=engine.due_after_seconds(begin, allotted),
        )
        data = {
            "channel": s.channel,
            "version": version.number,
            "effective_start": timezone.localtime(deadline.effective_start).isoformat(),
            "due_at": timezone.localtime(deadline.due_at).isoformat(),
            "documents": [n.strip() for n, _c, _h in s.documents],
        }
        event = _make(
            DossierEvent,
            seq=1,
            at=now,
            actor_id=scene.officer.pk,
            actor_name=scene.officer.username,
            action="receive",
            from_status=None,
            to_status=DossierStatus.RECEIVED,
            data=data,
            prev_hash="0" * 64,
            hash="",
        )
        documents = [
            _make(
                DossierDocument,
                name=n.strip(),
                copies=c,
                file_sha256=h,
                origin="digitised" if h else "paper",
                added_at=now,
            )
            for n, c, h in s.documents
        ]
        due = timezone.localtime(deadline.due_at)
        body = (
            f"Hồ sơ {CODE} ({scene.procedure.name}) đã được tiếp nhận. "
            f"Hạn trả kết quả: {due:%H:%M %d/%m/%Y}."
        )
        messages = [
            _make(
                Notification,
                medium=medium,
                recipient=to,
                subject="Đã tiếp nhận hồ sơ",
                body=body,
                topic=f"dossier:{CODE}:receive",
            )
            for medium, to in (("email", s.email.strip()), ("sms", phone))
            if to and notified
        ]
        rows.append(
            RawRows(
                dossier=_values(d, dossier_fields, connection),
                documents=[_values(x, document_fields, connection)[1:] for x in documents],
                step=_values(step, step_fields, connection)[1:],
                event=_values(event, event_fields, connection)[1:],
                event_data=data,
                notifications=[_values(m, notification_fields, connection) for m in messages],
                at=now,
            )
        )
    return sql, rows


def _raw_call(sql: RawSQL, connection: Any) -> Callable[[RawRows], None]:
    from django.db import transaction

    from motcua.dossiers.ledger import GENESIS, event_hash

    atomic = transaction.atomic
    prefix = f"{sql.agency_code}-{sql.day:%y%m%d}-"

    def call(r: RawRows) -> None:
        with atomic(), connection.cursor() as cursor:
            cursor.execute(sql.counter, [sql.agency_id, sql.day_value])
            last = cursor.fetchone()[0]
            code = f"{prefix}{last:04d}"
            values = r.dossier.copy()
            values[sql.code_index] = code
            cursor.execute(sql.dossier, values)
            pk = cursor.fetchone()[0]
            for document in r.documents:
                cursor.execute(sql.document, [pk, *document])
            cursor.execute(sql.step, [pk, *r.step])
            digest = event_hash(
                code=code,
                seq=1,
                at=r.at,
                actor=sql.actor_name,
                action="receive",
                from_status=None,
                to_status=2,
                data=r.event_data,
                prev_hash=GENESIS,
            )
            event = r.event.copy()
            event[sql.hash_index] = digest
            cursor.execute(sql.event, [pk, *event])
            cursor.execute(sql.head, [1, digest, pk])
            for message in r.notifications:
                values = message.copy()
                for i in sql.notification_code_indexes:
                    values[i] = values[i].replace(CODE, code)
                cursor.execute(sql.notification, values)

    return call


# -- measuring -------------------------------------------------------------------------------


SQL_KIND = re.compile(
    r'^\s*(?:(SELECT)\b.*?\bFROM\s+"?(\w+)"?|(INSERT)\s+INTO\s+"?(\w+)"?|(UPDATE)\s+"?(\w+)"?'
    r"|(\w+))",
    re.IGNORECASE | re.DOTALL,
)


def query_kind(sql: str) -> str:
    m = SQL_KIND.match(sql)
    if m is None:
        return sql[:40]
    verb, table = next(
        ((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i)), (m.group(7), "")
    )
    kind = f"{verb.upper()} {table}".strip()
    if verb.upper() == "SELECT" and re.search(r"\bFOR UPDATE\b", sql, re.IGNORECASE):
        kind += " FOR UPDATE"
    return kind


def _capture(run: Callable[[], object], connection: Any) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return [q["sql"] for q in captured.captured_queries]


@contextlib.contextmanager
def _db_timer(connection: Any, into: dict[str, float], counts: Counter[str]) -> Iterator[None]:
    """Time every statement through the driver by kind, and every commit."""

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = query_kind(sql)
            into[kind] += time.perf_counter() - began
            counts[kind] += 1

    commit = connection._commit

    def timed_commit() -> Any:
        began = time.perf_counter()
        try:
            return commit()
        finally:
            into["COMMIT"] += time.perf_counter() - began
            counts["COMMIT"] += 1

    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        del connection._commit  # the class's method again


def _label(key: tuple[str, int, str]) -> str:
    path, line, func = key
    if path == "~":
        return func
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = Path(path).name
    return f"{path}:{line}({func})"


# what the ORM and the driver spend, picked from the profile by (file, function)
INTERNALS = [
    ("django/db/models/sql/compiler.py", "as_sql", "SQL compiled from querysets"),
    ("django/db/models/query.py", "_filter_or_exclude", "querysets built (filter/exclude)"),
    ("django/db/models/query.py", "prefetch_related_objects", "prefetch_related"),
    ("django/db/models/base.py", "from_db", "model instances loaded from rows"),
    ("django/db/models/base.py", "save", "Model.save"),
    ("django/db/models/query.py", "bulk_create", "bulk_create"),
    ("django/db/backends/utils.py", "_execute", "statements through the driver"),
    ("django/db/backends/base/base.py", "commit", "COMMIT"),
    ("django/db/transaction.py", "__enter__", "atomic: BEGIN / savepoint"),
    ("motcua/workcalendar/engine.py", "deadline", "deadline arithmetic"),
    ("motcua/dossiers/ledger.py", "event_hash", "event hash (SHA-256 of canonical JSON)"),
    ("django/utils/translation/__init__.py", "override", "translation.override (message)"),
]


def _profile(run: Callable[[], None], count: int) -> dict[str, Any]:
    """Per reception: the project's functions by cumulative time, and the ORM's and the
    driver's shares picked out of Django."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def entry(key: Any, value: Any, what: str = "") -> dict[str, Any]:
        _cc, calls, tottime, cumtime, _callers = value
        return {
            "function": _label(key),
            "what": what,
            "calls": calls / count,
            "cum_ms": cumtime * 1000 / count,
            "own_ms": tottime * 1000 / count,
        }

    project = [
        entry(key, value)
        for key, value in stats.items()
        if "/motcua/" in key[0] and "/bench/" not in key[0]
    ]
    project.sort(key=lambda e: -e["cum_ms"])
    internals = []
    for path, func, what in INTERNALS:
        found = [(k, v) for k, v in stats.items() if k[0].endswith(path) and k[2] == func]
        if found:
            # the outermost of several same-named functions (e.g. base.save, Model.save)
            key, value = max(found, key=lambda kv: kv[1][3])
            internals.append(entry(key, value, what))
    total = sum(v[2] for v in stats.values()) * 1000 / count
    return {"project": project[:PROFILE_TOP], "internals": internals, "total_ms": total}


def _server(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW synchronous_commit")
        return f"PostgreSQL {version} (synchronous_commit={cursor.fetchone()[0]})"


def _store_files(officer: Any, batch: list[Sample]) -> None:
    """The files the online applicants uploaded before filing (documents name them by
    digest, and reception checks that they are stored)."""
    from motcua.dossiers.models import StoredFile

    digests = {h for s in batch for _n, _c, h in s.documents if h}
    StoredFile.objects.bulk_create(
        (
            _make(
                StoredFile,
                sha256=h,
                size=250_000,
                content_type="application/pdf",
                original_name="ho-so.pdf",
                uploaded_by=None,
            )
            for h in sorted(digests)
        ),
        batch_size=500,
    )


def _messages(s: Sample) -> int:
    return bool(s.email.strip()) + bool(s.phone.strip())


@dataclass
class Tally:
    """What was written, to check the database against at the end."""

    dossiers: int = 0
    documents: int = 0
    messages: int = 0

    def add(self, s: Sample, *, notified: bool) -> None:
        self.dossiers += 1
        self.documents += len(s.documents)
        self.messages += _messages(s) if notified else 0


def child(n: int, block: int, profile_n: int, force_profile: bool) -> dict[str, Any]:  # noqa: PLR0915
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from motcua.dossiers import ledger
    from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep
    from motcua.notifications.models import Notification

    call_command("migrate", verbosity=0)
    # production, but for the query log (CaptureQueriesContext turns it on for itself) and
    # the delivery of messages after commit, measured on its own below
    settings.DEBUG = False
    settings.NOTIFY_ON_COMMIT = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    logging.getLogger("motcua.sms").setLevel(logging.WARNING)
    scene = _build()
    warm = min(50, max(5, n // 20))
    counted, timed_n, deliver_n = COUNTED, min(200, n), min(200, n)
    sample = samples(warm + n + counted + profile_n + deliver_n)
    _store_files(scene.officer, sample)
    parts = iter([warm, n, counted, profile_n, deliver_n])
    cut = 0

    def take() -> list[Sample]:
        nonlocal cut
        size = next(parts)
        cut += size
        return sample[cut - size : cut]

    warm_s, timed_s, counted_s, profile_s, deliver_s = take(), take(), take(), take(), take()
    service = _service_call(scene, len(sample) + timed_n + counted)  # calls made below
    tally = Tally()

    def receive(s: Sample) -> None:
        service(s)
        tally.add(s, notified=notified)

    notified = True  # corrected after the warm-up: the service's messages are counted
    for s in warm_s:  # also creates the day's counter row, which the raw path updates
        service(s)
    notified = Notification.objects.exists()
    for s in warm_s:
        tally.add(s, notified=notified)
    raw_sql, raw_rows = _raw_prepare(scene, warm_s + timed_s, connection, notified=notified)
    raw_write = _raw_call(raw_sql, connection)

    def raw(i: int) -> None:
        raw_write(raw_rows[i])
        tally.add((warm_s + timed_s)[i], notified=notified)

    for i in range(warm):
        raw(i)

    # -- timing, in turns ----------------------------------------------------------------
    spent = {"service": 0.0, "raw": 0.0}
    block_ratios = []  # raw time / service time of each pair of neighbouring blocks
    for start in range(0, n, block):
        began = time.perf_counter()
        for s in timed_s[start : start + block]:
            receive(s)
        service_time = time.perf_counter() - began
        began = time.perf_counter()
        for i in range(warm + start, warm + min(start + block, n)):
            raw(i)
        raw_time = time.perf_counter() - began
        spent["service"] += service_time
        spent["raw"] += raw_time
        block_ratios.append(raw_time / service_time)
    rates = {side: n / seconds for side, seconds in spent.items()}
    ratio = rates["service"] / rates["raw"]

    # -- queries per reception, and the database's share of the time --------------------
    service_queries = [
        query_kind(q) for s in counted_s for q in _capture(partial(receive, s), connection)
    ]
    per_kind = {k: v / counted for k, v in Counter(service_queries).items()}
    raw_queries = [  # the same applicants' rows again (new codes)
        query_kind(q)
        for i in range(warm, warm + counted)
        for q in _capture(partial(raw, i), connection)
    ]
    db_time: dict[str, float] = defaultdict(float)
    db_count: Counter[str] = Counter()
    began = time.perf_counter()
    with _db_timer(connection, db_time, db_count):
        for s in timed_s[:timed_n]:
            receive(s)
    wall = time.perf_counter() - began
    raw_db: dict[str, float] = defaultdict(float)
    began = time.perf_counter()
    with _db_timer(connection, raw_db, Counter()):
        for i in range(warm, warm + timed_n):
            raw(i)
    raw_wall = time.perf_counter() - began

    # -- with the messages delivered after commit, as a request does ---------------------
    from django.core import mail

    settings.NOTIFY_ON_COMMIT = True
    deliver_queries = [  # the same applicants as above: the difference is the delivery
        query_kind(q) for s in counted_s for q in _capture(partial(receive, s), connection)
    ]
    began = time.perf_counter()
    for s in deliver_s:
        receive(s)
    deliver_rate = deliver_n / (time.perf_counter() - began)
    settings.NOTIFY_ON_COMMIT = False
    emails = len(getattr(mail, "outbox", []))
    mail.outbox = []

    profile: dict[str, Any] = {}
    profiled = (connection.vendor == "postgresql" and ratio < AIM) or force_profile
    if profiled and profile_s:

        def run() -> None:
            for s in profile_s:
                receive(s)

        profile = _profile(run, len(profile_s))

    # -- checks --------------------------------------------------------------------------
    verification = ledger.verify()
    counts = {
        "dossiers": Dossier.objects.count(),
        "codes": Dossier.objects.values("code").distinct().count(),
        "documents": DossierDocument.objects.count(),
        "steps": DossierStep.objects.count(),
        "events": DossierEvent.objects.count(),
        "messages": Notification.objects.count(),
        "sent": Notification.objects.filter(status="sent").count(),
    }
    expected = {
        "dossiers": tally.dossiers,
        "codes": tally.dossiers,
        "documents": tally.documents,
        "steps": tally.dossiers,
        "events": tally.dossiers,
        "messages": tally.messages,
        "sent": sum(_messages(s) for s in counted_s + deliver_s) if notified else 0,
    }
    checks_ok = counts == expected and verification.ok and verification.checked == tally.dossiers
    return {
        "vendor": connection.vendor,
        "server": _server(connection),
        "n": n,
        "block": block,
        "warm": warm,
        "rates": rates,
        "ratio": ratio,
        "block_ratios": sorted(block_ratios),
        "service_ms": spent["service"] * 1000 / n,
        "raw_ms": spent["raw"] * 1000 / n,
        "per_kind": per_kind,
        "queries": len(service_queries) / counted,
        "raw_statements": {k: v / counted for k, v in Counter(raw_queries).items()},
        "db_ms": {k: v * 1000 / timed_n for k, v in db_time.items()},
        "db_wall_ms": wall * 1000 / timed_n,
        "raw_db_ms": sum(raw_db.values()) * 1000 / timed_n,
        "raw_wall_ms": raw_wall * 1000 / timed_n,
        "timed_n": timed_n,
        "notified": notified,
        "deliver_rate": deliver_rate,
        "deliver_n": deliver_n,
        "deliver_queries": len(deliver_queries) / counted,
        "deliver_extra": {
            k: v / counted for k, v in (Counter(deliver_queries) - Counter(service_queries)).items()
        },
        "emails": emails,
        "profile": profile,
        "profile_n": len(profile_s) if profile else 0,
        "counts": counts,
        "expected": expected,
        "ledger_checked": verification.checked,
        "ledger_broken": len(verification.broken),
        "checks_ok": checks_ok,
    }


# -- the parent: databases, children, report -------------------------------------------------


def _run_child(url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="1")
    cmd = [sys.executable, __file__, "--child", "--n", str(args.n), "--block", str(args.block)]
    cmd += ["--profile-n", str(args.profile_n)] + (["--profile"] if args.profile else [])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the benchmark failed on {url.split(':', 1)[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sqlite(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="motcua-reception-") as tmp:
        return _run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)


def _postgres(args: argparse.Namespace) -> dict[str, Any]:
    import psycopg
    from psycopg import sql

    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
    name = sql.Identifier(PG_DB)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as exc:
        raise SystemExit(f"PostgreSQL at {base}/ (BENCH_PG_URL): {exc}") from exc
    try:
        return _run_child(f"{base}/{PG_DB}", args)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def machine() -> dict[str, str]:
    import django

    return {**results.machine(), "django": django.get_version()}


def write_results(section: str) -> None:
    results.write_section("reception_bench", section)


def _short(r: dict[str, Any]) -> str:
    return "SQLite" if r["vendor"] == "sqlite" else "PostgreSQL"


def _analysis(r: dict[str, Any]) -> list[str]:
    """Where the service's time goes against the raw path's, and which queries could go."""
    driver = sum(r["db_ms"].values())
    commit = r["db_ms"].get("COMMIT", 0.0)
    python = r["db_wall_ms"] - driver
    raw_python = r["raw_wall_ms"] - r["raw_db_ms"]
    statements = r["queries"] - r["per_kind"].get("BEGIN", 0) - r["per_kind"].get("COMMIT", 0)
    internals = {e["what"]: e for e in r["profile"].get("internals", [])}
    compiled = internals.get("SQL compiled from querysets")
    prefetch = internals.get("prefetch_related")
    lines = [
        f"### Why the service is under {AIM:.2f} of the raw rate on PostgreSQL",
        "",
        f"- Per reception (the timed-wrapper pass): the service spends {driver - commit:.2f} ms "
        f"on {statements:g} statements through the driver, {commit:.2f} ms in COMMIT and "
        f"{python:.2f} ms in Python; the raw path {r['raw_db_ms']:.2f} ms on its statements "
        f"and COMMIT together and {raw_python:.2f} ms in Python. The commit (a WAL flush) "
        "costs both alike; the difference is the number of statements (each a round trip "
        "to the server) and the ORM's Python around each of them.",
    ]
    if compiled and prefetch:
        lines.append(
            f"- In the profile, compiling querysets to SQL takes {compiled['cum_ms']:.2f} ms "
            f"over {round(compiled['calls'], 2):g} compilations and `prefetch_related` "
            f"{prefetch['cum_ms']:.2f} ms, its three queries included (the fees, documents "
            "and steps of `version_in_force`, the largest single cost); model saves and "
            "`bulk_create` come next. The working calendar's arithmetic and the ledger hash "
            "are negligible."
        )
    per_query = (python + driver - commit) / statements if statements else 0.0
    removed = 0.0
    saved = 0.0
    shown = []
    for kind, least, count, text in SUGGESTIONS:
        present = r["per_kind"].get(kind, 0.0)
        if present < least:
            continue
        gone = count or present - 1
        removed += gone
        saved += gone * per_query
        shown.append(f"  - `{kind}` (× {present:g}, −{gone:g}): {text}")
    if shown:
        lines += [
            f"- Queries that could go ({removed:g} of {statements:g} per reception), in "
            "`motcua/dossiers/services.py` and the selectors it calls:",
            *shown,
            f"- At the measured {per_query:.2f} ms of driver and Python time per statement, "
            f"that is about {saved:.1f} ms of {r['db_wall_ms']:.1f} ms per reception; it would "
            f"lift the measured ratio from {r['ratio']:.2f} to about "
            f"{r['ratio'] * r['db_wall_ms'] / (r['db_wall_ms'] - saved):.2f} (an estimate, to "
            "be measured when the service changes). What is left is the ORM's Python around "
            "each remaining statement (a few hundred microseconds to compile and run a "
            "queryset here, against tens for a raw statement). Stays: `SELECT org_rolegrant` "
            "(the authorisation), the competence check, the version's own query, the "
            "calendar's revision check, the counter and the writes.",
        ]
    return lines


def report(measured: list[dict[str, Any]], info: dict[str, str]) -> tuple[str, bool]:
    postgres = [r for r in measured if r["vendor"] == "postgresql"]
    met = bool(postgres) and all(r["ratio"] >= AIM for r in postgres)
    checks = all(r["checks_ok"] for r in measured)
    first = measured[0]
    lines = [
        "## Reception: dossiers received per second, service layer against raw inserts",
        "",
        f"`bench/reception_bench.py`. {first['n']:,} receptions (seed {SEED}) at one one-stop "
        "shop by one officer through `services.dossier_receive`, each call its own "
        "transaction, against the same rows written by plain single-row INSERT/UPDATE "
        "statements through the same connection, one transaction per reception (counter "
        "UPDATE ... RETURNING, dossier INSERT ... RETURNING id, one INSERT per document, the "
        "first step, the event, the ledger-head UPDATE, one INSERT per outbox message when "
        "the service writes them). A 3-step land procedure, 2 mandatory documents and 1 "
        "optional; Vietnamese applicants, 80% at the counter, 8% by post, 12% online with "
        f"uploaded files. Taken in turns in blocks of {first['block']} after a warm-up of "
        f"{first['warm']} (*per block*: the ratio within each neighbouring pair of blocks, "
        "its median and range show how far the machine's load moved the figures); "
        "throw-away databases (an SQLite file, WAL, BEGIN IMMEDIATE; a "
        "fresh PostgreSQL database), migrated. DEBUG off; messages to the applicant are "
        "queued in the outbox inside the transaction and *not* delivered after commit "
        "(`NOTIFY_ON_COMMIT` off; delivery is measured apart below).",
        "",
        f"- Machine: {info['machine']}, {info['cpu']}, {info['cores']} cores",
        f"- Python {info['python']}, Django {info['django']}",
        f"- Run: {info['date']}; load average at the start {info['load']} (the machine is "
        "shared with other work, so the figures carry its noise)",
        "",
        "| database | service receptions/s | raw receptions/s | service / raw "
        "| per block: median (range) | ms per reception, service | raw | queries (service) "
        "| statements (raw) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in measured:
        lines.append(
            f"| {r['server']} | {r['rates']['service']:,.0f} | {r['rates']['raw']:,.0f} "
            f"| **{r['ratio']:.2f}** | {statistics.median(r['block_ratios']):.2f} "
            f"({r['block_ratios'][0]:.2f}-{r['block_ratios'][-1]:.2f}) "
            f"| {r['service_ms']:.2f} | {r['raw_ms']:.2f} "
            f"| {r['queries']:g} | {sum(r['raw_statements'].values()):g} |"
        )
    lines += [
        "",
        f"Queries of one service reception by kind (`CaptureQueriesContext`, mean over {COUNTED} "
        "receptions), and the database time they took (an execute wrapper, mean over "
        f"{first['timed_n']} receptions, ms: the round trip through the driver; PostgreSQL's "
        "BEGIN goes with the first statement, SQLite's is a statement of its own):",
        "",
        "| query | what for | " + " | ".join(f"{_short(r)}: count, ms" for r in measured) + " |",
        "|---|---|" + "---:|" * len(measured),
    ]
    kinds: list[str] = []
    for r in measured:
        kinds += [k for k in r["per_kind"] if k not in kinds]
    for kind in kinds:
        cells = []
        for r in measured:
            count = r["per_kind"].get(kind, 0)
            cells.append(f"{count:g}, {r['db_ms'].get(kind, 0.0):.3f}" if count else "-")
        lines.append(f"| `{kind}` | {PURPOSE.get(kind, '')} | " + " | ".join(cells) + " |")
    cells = [f"{r['queries']:g}, {sum(r['db_ms'].values()):.3f}" for r in measured]
    lines.append("| **all** | | " + " | ".join(cells) + " |")
    lines.append("")
    for r in measured:
        statements = ", ".join(f"`{k}` × {v:g}" for k, v in sorted(r["raw_statements"].items()))
        lines.append(
            f"- {_short(r)}: of {r['db_wall_ms']:.2f} ms per service reception "
            f"{sum(r['db_ms'].values()):.2f} ms are spent in the driver (statements and "
            f"COMMIT); the raw path spends {r['raw_db_ms']:.2f} of {r['raw_wall_ms']:.2f} ms "
            f"there. Raw statements per reception (mean over {COUNTED}): {statements}."
        )
    for r in measured:
        extra = ", ".join(f"`{k}` × {v:g}" for k, v in sorted(r["deliver_extra"].items()))
        lines.append(
            f"- {_short(r)}, with the messages delivered after commit as a request does "
            f"(`NOTIFY_ON_COMMIT` on, e-mail to Django's locmem backend, SMS to the logging "
            f"backend, i.e. no gateway time): {r['deliver_rate']:,.0f} receptions/s over "
            f"{r['deliver_n']} receptions, {r['deliver_rate'] / r['rates']['raw']:.2f} of the "
            f"raw rate; {r['deliver_queries']:g} queries per reception, the extra ones: "
            f"{extra or 'none'} (each message is claimed in a transaction of its own)."
        )
    for r in measured:
        if not r["profile"]:
            continue
        p = r["profile"]
        lines += [
            "",
            f"cProfile of {r['profile_n']} service receptions on {_short(r)} "
            f"({p['total_ms']:.1f} ms per reception under the profiler), per reception. The "
            "ORM's and the driver's shares:",
            "",
            "| what | function | calls | cumulative ms | own ms |",
            "|---|---|---:|---:|---:|",
        ]
        lines += [
            f"| {e['what']} | `{e['function']}` | {round(e['calls'], 2):g} | {e['cum_ms']:.2f} "
            f"| {e['own_ms']:.2f} |"
            for e in p["internals"]
        ]
        lines += [
            "",
            f"The project's functions, top {PROFILE_TOP} by cumulative time:",
            "",
            "| function | calls | cumulative ms | own ms |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| `{e['function']}` | {round(e['calls'], 2):g} | {e['cum_ms']:.2f} "
            f"| {e['own_ms']:.2f} |"
            for e in p["project"]
        ]
    for r in postgres:
        if r["ratio"] < AIM:
            lines += ["", *_analysis(r)]
    lines.append("")
    for r in measured:
        c, want = r["counts"], r["expected"]
        found = ", ".join(
            f"{v:,} {k}" + ("" if v == want[k] else f" (expected {want[k]:,})")
            for k, v in c.items()
        )
        lines.append(
            f"- Checks, {_short(r)}: {found}; ledger verified on {r['ledger_checked']:,} "
            f"dossiers, {r['ledger_broken']} broken: {'OK' if r['checks_ok'] else 'FAILED'}."
        )
    if not postgres:
        lines.append("- PostgreSQL not measured in this run.")
    verdict = "not measured" if not postgres else ("PASS" if met else "SHORT")
    lines.append(
        f"- Aim (issue): the service reaches at least {AIM:.2f} of the raw rate on "
        f"PostgreSQL. Result: **{verdict}**; checks {'passed' if checks else 'FAILED'}."
    )
    return "\n".join(lines), met and checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--profile-n", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="profile on every database")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.n < 1 or args.block < 1 or args.profile_n < 0:
        parser.error("--n and --block must be positive, --profile-n not negative")
    if args.child:
        print(json.dumps(child(args.n, args.block, args.profile_n, args.profile)))
        return 0

    info = machine()
    measured = []
    if args.db in ("sqlite", "both"):
        measured.append(_sqlite(args))
    if args.db in ("postgres", "both"):
        measured.append(_postgres(args))
    section, passed = report(measured, info)
    print(section)
    if not args.no_write:
        write_results(section)
        print(f"\nwritten to {results.RESULTS.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
