"""Import of dossiers from a previous system: full histories chained in the ledger, each bad
row rejected with its reasons and nothing of it written, the API's permissions, the
command and a round trip through export_dossiers."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from motcua.core.errors import PermissionDenied
from motcua.dossiers import ledger, services
from motcua.dossiers.imports import dossier_import
from motcua.dossiers.models import (
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    PersonalDataView,
    Rating,
)
from tests.conftest import PASSWORD
from tests.dossiers.world import DossierWorld, build, receive, vn


@pytest.fixture
def dw(world: Any) -> DossierWorld:
    return build(world)


def full_row(code: str = "CU-2019-000123") -> dict[str, Any]:
    """A dossier of the previous system, received, handled in three steps, returned and
    rated, with its whole history."""
    return {
        "code": code,
        "procedure": "MAU.DAT.01",
        "agency": "DL.MC",
        "channel": "counter",
        "applicant": {
            "full_name": "Trần Văn Bình",
            "id_number": "040090001234",
            "phone": "0912 345 678",
            "address": "Xóm 3, xã Đông Sơn",
        },
        "received_at": "2024-04-01T08:00:00+07:00",
        "due_at": "2024-04-08T17:00:00+07:00",
        "status": 10,
        "finished_at": "2024-04-05T10:00:00+07:00",
        "returned_at": "2024-04-05T15:00:00+07:00",
        "return_method": "counter",
        "result_note": "Đã cập nhật biến động",
        "documents": [
            {"name": "Đơn đăng ký biến động"},
            {"name": "Giấy chứng nhận quyền sử dụng đất", "copies": 2},
        ],
        "steps": [
            {
                "index": 1,
                "name": "Tiếp nhận",
                "agency": "DL.MC",
                "assignee": "dl.motcua",
                "started_at": "2024-04-01T08:00:00+07:00",
                "due_at": "2024-04-01T12:00:00+07:00",
                "finished_at": "2024-04-01T10:00:00+07:00",
                "outcome": "done",
            },
            {
                "index": 2,
                "name": "Thẩm định",
                "agency": "DL.TNMT",
                "started_at": "2024-04-01T10:00:00+07:00",
                "due_at": "2024-04-03T10:00:00+07:00",
                "finished_at": "2024-04-03T09:00:00+07:00",
                "outcome": "done",
            },
            {
                "index": 3,
                "name": "Ký duyệt",
                "agency": "DL.UBND",
                "started_at": "2024-04-03T09:00:00+07:00",
                "due_at": "2024-04-03T15:30:00+07:00",
                "finished_at": "2024-04-05T10:00:00+07:00",
                "outcome": "done",
            },
        ],
        "events": [
            event("2024-04-01T08:00:00+07:00", "receive", None, 2, actor="Phạm Thị Hoa"),
            event("2024-04-01T10:00:00+07:00", "complete_step", 2, 4, data={"step": 1}),
            event("2024-04-03T09:00:00+07:00", "complete_step", 4, 4, data={"step": 2}),
            event("2024-04-05T10:00:00+07:00", "finish", 4, 9),
            event("2024-04-05T15:00:00+07:00", "return", 9, 10, data={"method": "counter"}),
        ],
        "rating": {"level": 2, "comment": "Tốt", "at": "2024-04-05T15:10:00+07:00"},
    }


def event(
    at: str,
    action: str,
    from_status: int | None,
    to_status: int,
    *,
    actor: str = "Cán bộ hệ thống cũ",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "data": data or {},
    }


def written() -> dict[str, int]:
    return {
        m.__name__: m._default_manager.count()
        for m in (Dossier, DossierStep, DossierEvent, DossierDocument, Rating)
    }


# -- the service -----------------------------------------------------------------------------


def test_a_full_history_is_imported_marked_and_chained_in_the_ledger(dw):
    result = dossier_import(rows=[full_row()], actor=dw.w.tinh_admin, source="CSDL cũ")
    assert result.created == ["CU-2019-000123"]
    assert result.rejected == []
    dossier = Dossier.objects.get(code="CU-2019-000123")
    assert dossier.imported
    assert (dossier.status, dossier.applicant_phone, dossier.return_method) == (
        10,
        "0912345678",
        "counter",
    )
    assert dossier.received_at == vn(2024, 4, 1, 8)
    # the clock started at receipt (inside office hours), computed when not given
    assert dossier.effective_start == vn(2024, 4, 1, 8)
    steps = list(dossier.steps.order_by("index"))
    assert [(s.index, s.agency.code, s.outcome) for s in steps] == [
        (1, "DL.MC", "done"),
        (2, "DL.TNMT", "done"),
        (3, "DL.UBND", "done"),
    ]
    assert steps[0].assignee == dw.w.dl_motcua
    assert steps[1].allotted_seconds == 2 * 8 * 3600  # two office days, from the calendar
    events = list(dossier.events.order_by("seq"))
    assert [e.action for e in events] == [
        "receive",
        "complete_step",
        "complete_step",
        "finish",
        "return",
        "import",
    ]
    assert events[0].actor is None
    assert events[0].data == {"imported_actor": "Phạm Thị Hoa"}
    assert events[4].data == {"method": "counter", "imported_actor": "Cán bộ hệ thống cũ"}
    assert (events[0].from_status, events[0].to_status) == (None, 2)
    assert (events[-1].actor, events[-1].from_status, events[-1].to_status) == (
        dw.w.tinh_admin,
        10,
        10,
    )
    assert events[-1].data == {"source": "CSDL cũ", "events": 5}
    assert dossier.revision == 6
    assert dossier.ledger_head == events[-1].hash
    assert Rating.objects.get(dossier=dossier).level == 2
    check = ledger.verify()
    assert check.ok
    assert check.checked == 1


def test_an_altered_imported_history_is_caught_by_the_ledger(dw):
    dossier_import(rows=[full_row()], actor=dw.w.tinh_admin)
    DossierEvent.objects.filter(dossier__code="CU-2019-000123", seq=2).update(
        data={"step": 1, "imported_actor": "someone else"}
    )
    assert ledger.verify().broken == ["CU-2019-000123"]


def test_verify_ledger_command_reports_imported_dossiers_intact(dw):
    dossier_import(rows=[full_row("CU-1"), full_row("CU-2")], actor=dw.w.tinh_admin)
    receive(dw, vn(2024, 4, 2, 9))
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert "3 dossiers checked, all intact." in out.getvalue()


def _set(row: dict[str, Any], path: str, value: Any) -> None:
    target: Any = row
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


BAD_ROWS: list[tuple[str, Any, str]] = [
    ("procedure", "NO.SUCH.01", "procedure"),
    ("agency", "NO.SUCH.AGENCY", "agency"),
    ("received_at", "2024-04-01T08:00:00", "received_at"),  # naive
    ("received_at", "yesterday", "received_at"),
    ("finished_at", "2024-03-30T10:00:00+07:00", "finished_at"),  # before receipt
    ("returned_at", None, "returned_at"),  # status 10 without a return
    ("status", 11, "status"),
    ("applicant.id_number", "12345", "applicant.id_number"),
    ("applicant.phone", "12", "applicant.phone"),
    ("channel", "fax", "channel"),
    ("steps.1.agency", "NO.SUCH", "steps.1.agency"),
    ("steps.0.assignee", "ghost", "steps.0.assignee"),
    ("steps.2.finished_at", None, "steps"),  # an open step in a returned dossier
    ("events.2.at", "2024-03-31T09:00:00+07:00", "events.2.at"),  # out of order
    ("events.1.from_status", 5, "events.1.from_status"),  # does not follow
    ("events.4.to_status", 9, "events"),  # the last event leaves another status
    ("events", [], "events"),
    ("documents.0.file_sha256", "a" * 64, "documents.0.file_sha256"),  # never uploaded
    ("rating.level", 7, "rating.level"),
    ("code", "has space", "code"),
    ("received_at", "2999-01-01T08:00:00+07:00", "received_at"),  # in the future
]


@pytest.mark.parametrize(("path", "value", "field"), BAD_ROWS)
def test_a_bad_row_is_rejected_with_its_reason_and_nothing_of_it_written(dw, path, value, field):
    bad = full_row("CU-BAD")
    _set(bad, path, value)
    before = written()
    result = dossier_import(
        rows=[full_row("CU-GOOD-1"), bad, full_row("CU-GOOD-2")], actor=dw.w.tinh_admin
    )
    assert result.created == ["CU-GOOD-1", "CU-GOOD-2"]
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert rejected["index"] == 1
    assert rejected["code"] == ("CU-BAD" if path != "code" else "has space")
    assert field in rejected["reasons"], rejected["reasons"]
    assert all(isinstance(m, str) and m for msgs in rejected["reasons"].values() for m in msgs)
    assert not Dossier.objects.filter(code__in=["CU-BAD", "has space"]).exists()
    after = written()
    assert after["Dossier"] == before["Dossier"] + 2
    assert after["DossierEvent"] == before["DossierEvent"] + 2 * 6
    assert after["DossierStep"] == before["DossierStep"] + 2 * 3
    assert ledger.verify().ok


def test_codes_are_never_reused_neither_a_live_one_nor_twice_in_a_file(dw):
    live = receive(dw, vn(2024, 4, 2, 9))
    result = dossier_import(
        rows=[full_row(live.code), full_row("CU-9"), full_row("CU-9")], actor=dw.w.tinh_admin
    )
    assert result.created == ["CU-9"]
    assert [(r["index"], list(r["reasons"])) for r in result.rejected] == [
        (0, ["code"]),
        (2, ["code"]),
    ]
    assert Dossier.objects.get(code=live.code).imported is False


def test_rows_that_are_not_objects_are_rejected_not_crashed_on(dw):
    weird = full_row("CU-W")
    weird["procedure"] = ["MAU.DAT.01"]
    weird["applicant"] = "Trần Văn Bình"
    weird["steps"] = [1, {"index": "one"}]
    weird["events"] = [{"at": 5, "data": [1]}]
    result = dossier_import(rows=[1, "text", None, weird, {}], actor=dw.w.tinh_admin)
    assert result.created == []
    assert [r["index"] for r in result.rejected] == [0, 1, 2, 3, 4]
    assert list(result.rejected[0]["reasons"]) == ["__all__"]
    reasons = result.rejected[3]["reasons"]
    assert {"procedure", "applicant", "steps.0", "steps.1.index", "events.0.at"} <= set(reasons)
    assert {"code", "procedure", "agency", "status", "events"} <= set(result.rejected[4]["reasons"])


def test_a_dry_run_validates_and_writes_nothing(dw):
    before = written()
    result = dossier_import(
        rows=[full_row("CU-1"), full_row("CU-1"), full_row("CU-2")],
        actor=dw.w.tinh_admin,
        dry_run=True,
    )
    assert result.dry_run
    assert result.created == ["CU-1", "CU-2"]
    assert [r["index"] for r in result.rejected] == [1]
    assert written() == before


def test_open_and_ended_dossiers_are_imported_in_their_state(dw):
    handling = full_row("CU-OPEN")
    for key in ("finished_at", "returned_at", "return_method", "rating"):
        handling.pop(key)
    handling["status"] = 5
    handling["paused_at"] = "2024-04-03T10:00:00+07:00"
    handling["steps"][2]["finished_at"] = None
    handling["steps"][2]["outcome"] = None
    supplement = {"items": ["Sơ đồ"]}
    handling["events"] = [
        *handling["events"][:3],
        event("2024-04-03T10:00:00+07:00", "request_supplement", 4, 5, data=supplement),
    ]
    withdrawn = full_row("CU-RUT")
    for key in ("finished_at", "returned_at", "return_method", "rating"):
        withdrawn.pop(key)
    withdrawn.update(status=7, ended_at="2024-04-02T08:00:00+07:00", end_reason="Xin rút")
    withdrawn["steps"] = withdrawn["steps"][:1]
    withdrawn["events"] = [
        *withdrawn["events"][:2],
        event("2024-04-02T08:00:00+07:00", "withdraw", 4, 7, data={"reason": "Xin rút"}),
    ]
    result = dossier_import(rows=[handling, withdrawn], actor=dw.w.tinh_admin)
    assert result.rejected == []
    opened = Dossier.objects.get(code="CU-OPEN")
    assert (opened.status, opened.paused_at) == (5, vn(2024, 4, 3, 10))
    assert opened.steps.filter(finished_at=None).count() == 1
    # an imported open dossier is handled on by the live services
    services.dossier_act(
        dossier=opened,
        actor=dw.w.dl_motcua,
        action="supplement",
        payload={"note": "Đã bổ sung"},
        at=vn(2024, 4, 4, 9),
    )
    opened.refresh_from_db()
    assert opened.status == 4
    assert Dossier.objects.get(code="CU-RUT").end_reason == "Xin rút"
    assert ledger.verify().ok


def test_a_withdrawn_dossier_needs_its_reason_and_end(dw):
    row = full_row("CU-RUT")
    for key in ("finished_at", "returned_at", "return_method", "rating"):
        row.pop(key)
    row["status"] = 7
    row["events"] = [*row["events"][:2], event("2024-04-02T08:00:00+07:00", "withdraw", 4, 7)]
    row["steps"] = row["steps"][:1]
    result = dossier_import(rows=[row], actor=dw.w.tinh_admin)
    assert set(result.rejected[0]["reasons"]) == {"ended_at", "end_reason"}


def test_an_imported_default_code_moves_the_daily_counter_past_it(dw):
    code = "DL.MC-240402-0042"
    dossier_import(rows=[full_row(code)], actor=dw.w.tinh_admin)
    counter = DailyCounter.objects.get(agency=dw.w.dl_one_stop, day=date(2024, 4, 2))
    assert counter.last == 42
    assert receive(dw, vn(2024, 4, 2, 9)).code == "DL.MC-240402-0043"
    # a lower number leaves a counter that is already further alone
    dossier_import(rows=[full_row("DL.MC-240402-0007")], actor=dw.w.tinh_admin)
    counter.refresh_from_db()
    assert counter.last == 43


def test_only_administrators_reaching_every_row_import(dw):
    w = dw.w
    for official in (w.dl_motcua, w.nobody, w.dl_chutich):
        with pytest.raises(PermissionDenied):
            dossier_import(rows=[full_row()], actor=official)
    tk = full_row("CU-TK")
    tk["agency"] = "TK.MC"
    with pytest.raises(PermissionDenied):
        dossier_import(rows=[full_row(), tk], actor=w.dl_admin)
    assert not Dossier.objects.exists()
    assert dossier_import(rows=[full_row()], actor=w.dl_admin).created == ["CU-2019-000123"]
    assert dossier_import(rows=[tk], actor=w.root).created == ["CU-TK"]


# -- the API ---------------------------------------------------------------------------------


def test_the_api_imports_for_the_top_administrator(dw, api: Callable[..., Any]):
    bad = full_row("CU-BAD")
    bad["applicant"]["id_number"] = "12"
    response = api(
        "post",
        "/dossiers/import",
        dw.w.tinh_admin,
        {"dossiers": [full_row("CU-1"), bad], "source": "VNPT iGate"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    reasons = body["errors"][0].pop("reasons")
    assert body == {
        "created": 1,
        "rejected": 1,
        "codes": ["CU-1"],
        "errors": [{"index": 1, "code": "CU-BAD"}],
        "dry_run": False,
    }
    assert list(reasons) == ["applicant.id_number"]
    assert len(reasons["applicant.id_number"]) == 1
    assert DossierEvent.objects.get(dossier__code="CU-1", action="import").data == {
        "source": "VNPT iGate",
        "events": 5,
    }
    detail = api("get", "/dossiers/CU-1", dw.w.root).json()
    assert detail["imported"] is True


def test_the_api_dry_run_writes_nothing(dw, api: Callable[..., Any]):
    response = api(
        "post", "/dossiers/import", dw.w.tinh_admin, {"dossiers": [full_row()], "dry_run": True}
    )
    assert response.json()["codes"] == ["CU-2019-000123"]
    assert response.json()["dry_run"] is True
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("nobody", 403), ("dl_motcua", 403), ("tk_motcua", 403), ("tinh_admin", 200)],
)
def test_the_api_permission_matrix(dw, api: Callable[..., Any], who, status):
    user = getattr(dw.w, who) if who else None
    response = api("post", "/dossiers/import", user, {"dossiers": [full_row()]})
    assert response.status_code == status, response.content
    if status != 200:
        assert response.json()["error"]["code"] in {"auth.required", "auth.forbidden"}
        assert not Dossier.objects.exists()


def test_a_district_administrator_imports_only_within_the_district(dw, api: Callable[..., Any]):
    tk = full_row("CU-TK")
    tk["agency"] = "TK.MC"
    response = api("post", "/dossiers/import", dw.w.dl_admin, {"dossiers": [tk]})
    assert response.status_code == 403
    response = api("post", "/dossiers/import", dw.w.dl_admin, {"dossiers": [full_row()]})
    assert response.status_code == 200
    assert response.json()["created"] == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        json.dumps({"dossiers": "all of them"}),
        json.dumps({"dossiers": [full_row()], "dry_run": "perhaps"}),
        json.dumps({}),
        json.dumps({"dossiers": [{}] * 1001}),
        json.dumps({"dossiers": [full_row()], "source": "x" * 201}),
    ],
)
def test_malformed_bodies_are_refused_with_400(dw, client, body):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "tinh.admin", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.post(
        "/api/v1/dossiers/import",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] in {"request.invalid", "request.malformed"}
    assert not Dossier.objects.exists()


def test_nul_characters_are_rejected_per_row(dw, api: Callable[..., Any]):
    row = full_row("CU-NUL")
    row["applicant"]["full_name"] = "Trần\x00Bình"
    response = api("post", "/dossiers/import", dw.w.tinh_admin, {"dossiers": [row]})
    # the API's parser refuses NUL anywhere in a body (PostgreSQL cannot store it)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.invalid"
    assert not Dossier.objects.exists()
    # the service refuses it per row too (the command reads files without the API)
    result = dossier_import(rows=[row], actor=dw.w.tinh_admin)
    assert [(e["index"], list(e["reasons"])) for e in result.rejected] == [(0, ["__all__"])]
    assert not Dossier.objects.exists()


# -- the commands ----------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str, int]:
    """Run a command in English (its messages are asserted), with its exit status."""
    out, err = StringIO(), StringIO()
    try:
        with translation.override("en"):
            call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_the_command_imports_a_file_and_reports_the_rejected_rows(dw, tmp_path: Path):
    bad = full_row("CU-BAD")
    bad["received_at"] = "2024-04-01 08:00"
    path = tmp_path / "old.json"
    path.write_text(json.dumps([full_row("CU-1"), bad, full_row("CU-2")]), encoding="utf-8")
    out, err, code = run("import_dossiers", str(path), "--as", "tinh.admin")
    assert code == 2
    assert "3 rows read: 2 imported, 1 rejected." in out
    assert "row 1 (CU-BAD): received_at: A time must carry its UTC offset, e.g. +07:00." in out
    assert "\r3/3 rows: 2 imported, 1 rejected" in err
    assert set(Dossier.objects.values_list("code", flat=True)) == {"CU-1", "CU-2"}
    event = DossierEvent.objects.get(dossier__code="CU-1", action="import")
    assert (event.actor, event.data["source"]) == (dw.w.tinh_admin, "old.json")


def test_the_command_reads_json_lines_and_dry_runs(dw, tmp_path: Path):
    path = tmp_path / "old.jsonl"
    path.write_text(
        "\n".join(json.dumps(r) for r in [full_row("CU-1"), full_row("CU-2")]) + "\n\n",
        encoding="utf-8",
    )
    out, _err, code = run("import_dossiers", str(path), "--dry-run")
    assert code == 0
    assert "2 rows read: 2 would be imported (dry run), 0 rejected." in out
    assert not Dossier.objects.exists()
    out, _err, code = run("import_dossiers", str(path))  # as the first superuser
    assert code == 0
    assert Dossier.objects.count() == 2
    assert DossierEvent.objects.filter(action="import", actor=dw.w.root).count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("", "is empty"),
        ("[{", "not valid JSON (line 1, column 3"),
        ('{"code": "A"}\n{oops', "line 2 is not valid JSON"),
    ],
)
def test_the_command_stops_with_one_line_on_a_bad_file(dw, tmp_path: Path, content, message):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    _out, err, code = run("import_dossiers", str(path), "--as", "tinh.admin")
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not Dossier.objects.exists()


def test_the_command_refuses_an_official_who_may_not_import(dw, tmp_path: Path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps([full_row()]), encoding="utf-8")
    _out, err, code = run("import_dossiers", str(path), "--as", "dl.motcua")
    assert code == 1
    assert "administrators" in err
    _out, err, code = run("import_dossiers", str(path), "--as", "ghost")
    assert (code, err) == (1, "no active official 'ghost'")


def _live_dossiers(dw: DossierWorld) -> list[Dossier]:
    """Two dossiers made by the live services: one returned and rated, one still open."""
    w = dw.w
    done = receive(dw, vn(2024, 4, 1, 8))
    steps = [
        (w.dl_motcua, "complete_step", {"note": ""}, vn(2024, 4, 1, 9)),
        (dw.tnmt_head, "assign", {"assignee": "dl.tnmt.cv"}, vn(2024, 4, 1, 10)),
        (w.dl_tnmt_cv, "complete_step", {"note": "Đủ điều kiện"}, vn(2024, 4, 2, 10)),
        (w.dl_chutich, "finish", {"result_note": "Đã ký"}, vn(2024, 4, 3, 9)),
        (w.dl_motcua, "return", {"method": "post"}, vn(2024, 4, 3, 14)),
    ]
    for actor, action, payload, at in steps:
        done = services.dossier_act(
            dossier=done, actor=actor, action=action, payload=payload, at=at
        )
    services.dossier_rate(dossier=done, level=1, comment="Rất tốt", at=vn(2024, 4, 3, 15))
    still = receive(dw, vn(2024, 4, 2, 8))
    return [done, still]


def test_export_then_import_under_new_codes_gives_the_same_dossiers(dw, tmp_path: Path):
    originals = _live_dossiers(dw)
    path = tmp_path / "export.json"
    _out, err, code = run("export_dossiers", str(path), "--as", "tinh.admin")
    assert code == 0
    assert "2 dossiers written" in err
    assert PersonalDataView.objects.filter(via="export", official=dw.w.tinh_admin).count() == 2
    rows = json.loads(path.read_text(encoding="utf-8"))
    renamed = copy.deepcopy(rows)
    for row in renamed:
        row["code"] = "RT-" + row["code"]
    path.write_text(json.dumps(renamed, ensure_ascii=False), encoding="utf-8")
    out, _err, code = run("import_dossiers", str(path), "--as", "tinh.admin")
    assert code == 0, out
    for original in originals:
        copied = Dossier.objects.get(code="RT-" + original.code)
        original.refresh_from_db()
        assert copied.imported
        for name in (
            "status",
            "channel",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "received_at",
            "effective_start",
            "due_at",
            "finished_at",
            "returned_at",
            "return_method",
            "result_note",
            "version_id",
        ):
            assert getattr(copied, name) == getattr(original, name), name
        step_fields = (
            "index",
            "name",
            "agency_id",
            "assignee_id",
            "allotted_seconds",
            "started_at",
            "due_at",
            "finished_at",
            "outcome",
        )
        assert list(copied.steps.order_by("started_at", "pk").values_list(*step_fields)) == list(
            original.steps.order_by("started_at", "pk").values_list(*step_fields)
        )
        before = list(original.events.order_by("seq"))
        after = list(copied.events.order_by("seq"))
        assert [e.action for e in after] == [e.action for e in before] + ["import"]
        for old, new in zip(before, after, strict=False):
            assert (new.at, new.from_status, new.to_status) == (
                old.at,
                old.from_status,
                old.to_status,
            )
            assert new.data == {**old.data, "imported_actor": old.actor_name}
    copied_rating = Rating.objects.get(dossier__code="RT-" + originals[0].code)
    assert (copied_rating.level, copied_rating.comment) == (1, "Rất tốt")
    assert ledger.verify().ok
    # and the same file again: every code is taken now
    out, _err, code = run("import_dossiers", str(path), "--as", "tinh.admin")
    assert code == 2
    assert "0 imported, 2 rejected" in out


def test_a_body_too_large_is_refused_not_crashed_on(dw, client):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "tinh.admin", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    fat = full_row()
    fat["result_note"] = "x" * 5000
    body = json.dumps({"dossiers": [fat] * 600})
    response = client.post(
        "/api/v1/dossiers/import",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413, response.content[:300]
    assert response.json()["error"]["code"] == "request.too_large"
    assert not Dossier.objects.exists()


def test_a_step_held_by_an_official_of_another_agency_is_rejected(dw):
    """An import must not put other agencies' people into a history (late attribution and
    ratings would name them): a step's assignee works in the step's agency."""
    row = full_row("CU-OTHER")
    row["steps"][0]["assignee"] = "tk.motcua"  # Tân Kỳ's officer on Đô Lương's step
    result = dossier_import(rows=[row], actor=dw.w.tinh_admin)
    assert [(e["index"], e["reasons"]) for e in result.rejected] == [
        (0, {"steps.0.assignee": [translation.gettext("Not an official of the step's agency.")]})
    ]
    assert not Dossier.objects.exists()


def test_an_administrator_must_reach_every_agency_holding_a_step(dw, api):
    row = full_row("CU-REACH")
    row["steps"][1]["agency"] = "TK.UBND"  # a step in another district
    response = api("post", "/dossiers/import", dw.w.dl_admin, {"dossiers": [row]})
    assert response.status_code == 403
    assert not Dossier.objects.exists()
