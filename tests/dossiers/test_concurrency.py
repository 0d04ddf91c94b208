"""Dossiers under concurrent writers: no two receptions share a code, and of two officials
acting on the same step at once exactly one wins.

The workloads below run real threads, each with its own database connection, started
together at a barrier. Where they run depends on the database under test:

- PostgreSQL: in this process, on the test database (``transaction=True``, so the threads
  see the committed world and really contend for row locks);
- SQLite: the in-memory test database cannot be shared by threads, so a fresh process
  migrates a temporary database FILE (configured by ``DATABASE_URL`` as a deployment is,
  with ``BEGIN IMMEDIATE`` and WAL from ``motcua.settings``), builds the same world and
  runs the very same workload functions, printing their report as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from motcua.core.errors import DomainError
from motcua.dossiers import ledger, services
from motcua.dossiers.models import DailyCounter, Dossier, DossierEvent
from motcua.org.models import Official
from tests.dossiers.world import DossierWorld, build, receive, vn

RECEPTIONS = 20
ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
MANAGE_DIR = Path(settings.BASE_DIR)


# --- the workloads (shared by both databases) ------------------------------------------------


def _together(jobs: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run ``jobs`` in threads released at once; ("ok", value) or ("error", text) each.
    Every thread closes its own connection."""
    start = threading.Barrier(len(jobs))
    results: list[tuple[str, Any]] = [("error", "not run")] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=60)
            results[i] = ("ok", job())
        except DomainError as exc:
            results[i] = ("error", f"{exc.status} {exc.code}")
        except Exception as exc:  # reported, then asserted against by the test
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def concurrent_receptions(dw: DossierWorld, n: int = RECEPTIONS) -> dict[str, Any]:
    at = vn(2027, 2, 3, 10)
    results = _together([lambda: receive(dw, at).code for _ in range(n)])
    counter = DailyCounter.objects.get(agency=dw.w.dl_one_stop, day=at.date())
    return {
        "codes": sorted(v for kind, v in results if kind == "ok"),
        "errors": [v for kind, v in results if kind == "error"],
        "dossiers": sorted(
            Dossier.objects.filter(agency=dw.w.dl_one_stop).values_list("code", flat=True)
        ),
        "counter": counter.last,
        "events": DossierEvent.objects.filter(action="receive").count(),
        "ledger_ok": ledger.verify().ok,
    }


def _act(dossier: Dossier, actor: Official, action: str, **kw: Any) -> Callable[[], int]:
    def job() -> int:
        return services.dossier_act(dossier=dossier, actor=actor, **kw, action=action).revision

    return job


def concurrent_step_completion(dw: DossierWorld) -> dict[str, Any]:
    """The land division's head and its official both complete step 2, both having read
    version 2 (``expected_version=2``)."""
    d = receive(dw, vn(2027, 2, 3, 10))
    d = services.dossier_act(
        dossier=d, actor=dw.w.dl_motcua, action="complete_step", payload={}, at=vn(2027, 2, 3, 11)
    )
    version = d.revision
    at = vn(2027, 2, 3, 14)
    results = _together(
        [
            _act(
                d,
                official,
                "complete_step",
                payload={"note": official.username},
                at=at,
                expected_version=version,
            )
            for official in (dw.tnmt_head, dw.w.dl_tnmt_cv)
        ]
    )
    d.refresh_from_db()
    return {
        "read_version": version,
        "outcomes": sorted(str(v) for _kind, v in results),
        "step_two_done": DossierEvent.objects.filter(
            dossier=d, action="complete_step", data__step=2
        ).count(),
        "revision": d.revision,
        "open_steps": list(
            d.steps.filter(finished_at__isnull=True).values_list("index", flat=True)
        ),
        "ledger_ok": ledger.verify().ok,
    }


def concurrent_finish(dw: DossierWorld) -> dict[str, Any]:
    """The chairman and a superuser both finish the dossier, without expected_version: the
    second, waiting on the row lock, finds it finished."""
    d = receive(dw, vn(2027, 2, 3, 10))
    for actor, hour in ((dw.w.dl_motcua, 11), (dw.tnmt_head, 12)):
        d = services.dossier_act(
            dossier=d, actor=actor, action="complete_step", payload={}, at=vn(2027, 2, 3, hour)
        )
    at = vn(2027, 2, 3, 15)
    results = _together(
        [
            _act(d, official, "finish", payload={"result_note": official.username}, at=at)
            for official in (dw.w.dl_chutich, dw.w.root)
        ]
    )
    d.refresh_from_db()
    return {
        "outcomes": sorted(str(v) for _kind, v in results),
        "finishes": DossierEvent.objects.filter(dossier=d, action="finish").count(),
        "revision": d.revision,
        "status": d.status,
        "ledger_ok": ledger.verify().ok,
    }


# --- the assertions ------------------------------------------------------------------------


def check_receptions(report: dict[str, Any]) -> None:
    assert report["errors"] == []
    expected = [f"DL.MC-270203-{i:04d}" for i in range(1, RECEPTIONS + 1)]
    assert report["codes"] == expected
    assert report["dossiers"] == expected
    assert report["counter"] == RECEPTIONS
    assert report["events"] == RECEPTIONS
    assert report["ledger_ok"] is True


def check_step_completion(report: dict[str, Any]) -> None:
    version = report["read_version"]
    # one wins (the dossier moves to version + 1), the other is told it changed
    assert report["outcomes"] == sorted([str(version + 1), "409 dossier.changed"])
    assert report["step_two_done"] == 1
    assert report["revision"] == version + 1
    assert report["open_steps"] == [3]
    assert report["ledger_ok"] is True


def check_finish(report: dict[str, Any]) -> None:
    # received, two steps done, finished once: version 4; the loser is told it may not
    assert report["outcomes"] == ["4", "409 dossier.invalid_transition"]
    assert report["finishes"] == 1
    assert report["revision"] == 4
    assert report["status"] == 9
    assert report["ledger_ok"] is True


# --- PostgreSQL: threads on the test database ---------------------------------------------


@pytest.mark.skipif(ON_SQLITE, reason="SQLite: see the subprocess tests on a database file")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("workload", "check"),
    [
        (concurrent_receptions, check_receptions),
        (concurrent_step_completion, check_step_completion),
        (concurrent_finish, check_finish),
    ],
    ids=["twenty receptions", "two complete the same step", "two finish"],
)
def test_concurrent_writers_in_threads_on_the_test_database(world, workload, check):
    check(workload(build(world)))


# --- SQLite: a subprocess on a database file ---------------------------------------------

SCRIPT = """
import json, os, sys
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()
from django.conf import settings
from django.core.management import call_command

call_command("migrate", verbosity=0, interactive=False)

import tests.conftest
from tests.dossiers import test_concurrency as workloads
from tests.dossiers.world import build

world = tests.conftest.world.__wrapped__(None)
dw = build(world)
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "receptions": workloads.concurrent_receptions(dw),
    "step_completion": workloads.concurrent_step_completion(dw),
    "finish": workloads.concurrent_finish(dw),
}))
"""


@pytest.fixture(scope="module")
def sqlite_file_report(tmp_path_factory) -> dict[str, Any]:
    tmp_path = tmp_path_factory.mktemp("dossier-concurrency")
    database = tmp_path / "dossiers.sqlite3"
    script = tmp_path / "workload.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(MANAGE_DIR),
    )
    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [sys.executable, str(script)],
        cwd=MANAGE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["engine"] == "django.db.backends.sqlite3"
    assert report["name"] == str(database)
    return report


sqlite_only = pytest.mark.skipif(
    not ON_SQLITE, reason="PostgreSQL: the threaded test runs on the test database itself"
)


@sqlite_only
def test_twenty_concurrent_receptions_on_a_sqlite_file(sqlite_file_report):
    check_receptions(sqlite_file_report["receptions"])


@sqlite_only
def test_two_officials_completing_one_step_at_once_on_a_sqlite_file(sqlite_file_report):
    check_step_completion(sqlite_file_report["step_completion"])


@sqlite_only
def test_two_officials_finishing_at_once_on_a_sqlite_file(sqlite_file_report):
    check_finish(sqlite_file_report["finish"])
