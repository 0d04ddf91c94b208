"""SQLite under concurrent writers: no "database is locked", no lost update.

The writers run in a fresh process against a temporary database FILE, configured by
``DATABASE_URL`` exactly as a deployment is, so they use the very OPTIONS that
``motcua.settings`` builds (busy timeout, ``BEGIN IMMEDIATE``, WAL). Each writer does
read-then-write transactions on one counter: without the write lock taken at BEGIN, two
writers read the same value and one of them either fails with "database is locked" when
it upgrades its read lock, or overwrites the other's update.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE_DIR = Path(settings.BASE_DIR)
WRITERS = 8
ROUNDS = 40

WORKLOAD = """
import json, os, sys, threading
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()
from django.conf import settings
from django.db import connection, transaction

writers, rounds = int(sys.argv[1]), int(sys.argv[2])
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
    cursor.execute(
        "CREATE TABLE entry (id INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER, seen INTEGER)"
    )
    cursor.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
connection.close()

errors = []
start = threading.Barrier(writers)


def write(number):
    try:
        start.wait()
        for _ in range(rounds):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT value FROM counter WHERE id = 1")
                (value,) = cursor.fetchone()
                cursor.execute(
                    "INSERT INTO entry (writer, seen) VALUES (%s, %s)", [number, value]
                )
                cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()

with connection.cursor() as cursor:
    cursor.execute("SELECT value FROM counter WHERE id = 1")
    (counter,) = cursor.fetchone()
    cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen) FROM entry")
    entries, distinct_seen = cursor.fetchone()
    cursor.execute("PRAGMA journal_mode")
    (journal_mode,) = cursor.fetchone()
options = settings.DATABASES["default"]["OPTIONS"]
print(json.dumps({
    "errors": errors,
    "counter": counter,
    "entries": entries,
    "distinct_seen": distinct_seen,
    "journal_mode": journal_mode,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": settings.DATABASES["default"]["NAME"],
    "transaction_mode": options.get("transaction_mode"),
}))
"""


def run_workload(tmp_path: Path) -> dict[str, object]:
    database = tmp_path / "concurrency.sqlite3"
    script = tmp_path / "workload.py"
    script.write_text(WORKLOAD, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(MANAGE_DIR),
    )
    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [sys.executable, str(script), str(WRITERS), str(ROUNDS)],
        cwd=MANAGE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["engine"] == "django.db.backends.sqlite3"
    assert report["name"] == str(database)
    return report


def test_eight_concurrent_read_then_write_writers_are_never_locked_out_and_lose_nothing(
    tmp_path,
):
    report = run_workload(tmp_path)
    assert report["errors"] == []
    total = WRITERS * ROUNDS
    assert report["entries"] == total
    assert report["counter"] == total
    # every transaction saw its predecessor's write: the reads were serialised too
    assert report["distinct_seen"] == total
    assert report["journal_mode"] == "wal"
    assert report["transaction_mode"] == "IMMEDIATE"


def test_without_begin_immediate_a_reader_turned_writer_is_locked_out(tmp_path):
    """Why the settings take the write lock at BEGIN: the deferred default fails at once.

    In WAL mode a deferred transaction that has read a snapshot and then tries to write
    after another connection committed gets SQLITE_BUSY immediately: the busy timeout
    cannot help, because waiting would not make its snapshot current.
    """
    database = tmp_path / "deferred.sqlite3"
    setup = sqlite3.connect(database, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
    setup.execute("INSERT INTO counter VALUES (1, 0)")
    setup.close()

    first = sqlite3.connect(database, timeout=5, isolation_level=None)
    second = sqlite3.connect(database, timeout=5, isolation_level=None)
    try:
        first.execute("BEGIN")  # deferred, as Django does without transaction_mode
        (value,) = first.execute("SELECT value FROM counter WHERE id = 1").fetchone()
        second.execute("UPDATE counter SET value = value + 1 WHERE id = 1")
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            first.execute("UPDATE counter SET value = ? WHERE id = 1", (value + 1,))
        first.execute("ROLLBACK")

        # with BEGIN IMMEDIATE the second writer waits for the lock instead
        first.execute("BEGIN IMMEDIATE")
        (value,) = first.execute("SELECT value FROM counter WHERE id = 1").fetchone()
        first.execute("UPDATE counter SET value = ? WHERE id = 1", (value + 1,))
        first.execute("COMMIT")
        assert second.execute("SELECT value FROM counter").fetchone() == (2,)
    finally:
        first.close()
        second.close()
