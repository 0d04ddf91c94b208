"""The issue paths added to handling (SPEC §5): online submission and its receipt or
refusal, refusal at the counter, forwarding to another unit's agency and back, the
financial obligation, the applicant's own actions, result files, ratings and who may see
the applicant's personal data. Every due time below is worked out by hand from the
default calendar (07:00-11:30, 13:30-17:00, Monday to Friday; March 2027 has no holiday)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers import files, ledger, services
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierStatus,
    DossierStep,
    PersonalDataView,
    Rating,
)
from motcua.dossiers.selectors import (
    dossier_timeliness,
    dossiers_visible,
    engine_of,
    may_see_personal_data,
    personal_data_viewed,
)
from motcua.notifications.models import Notification
from motcua.org import services as org_services
from motcua.org.models import Agency, Official, Role
from motcua.procedures import services as catalogue
from motcua.procedures.services import DocumentData, StepData, VersionData
from motcua.reports.selectors import dossier_statistics
from motcua.workcalendar.engine import Timeliness
from tests.conftest import PASSWORD
from tests.dossiers.world import DossierWorld, build, receive, vn

S = DossierStatus
FORM = "Đơn đăng ký biến động"
CERT = "Giấy chứng nhận quyền sử dụng đất"
APPLICANT = services.ApplicantData(
    full_name="Nguyễn Văn An", id_number="040123456789", phone="0912345678"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def dw(world: Any) -> DossierWorld:
    return build(world)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def act(
    dossier: Dossier, actor: Official | None, action: str, at: datetime, **payload: Any
) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def history(d: Dossier) -> list[tuple[str, int | None, int]]:
    return list(d.events.order_by("seq").values_list("action", "from_status", "to_status"))


def runs(d: Dossier) -> list[tuple[int, str, datetime, datetime, datetime | None, str]]:
    return [
        (s.index, s.agency.code, s.started_at, s.due_at, s.finished_at, s.outcome)
        for s in DossierStep.objects.filter(dossier=d)
        .select_related("agency")
        .order_by("started_at", "pk")
    ]


def snapshot(d: Dossier) -> tuple[Any, ...]:
    return (
        Dossier.objects.filter(pk=d.pk).values().get(),
        list(DossierStep.objects.filter(dossier=d).order_by("pk").values()),
        list(DossierDocument.objects.filter(dossier=d).order_by("pk").values()),
        d.events.count(),
    )


def official(username: str, *roles: tuple[Agency, str]) -> Official:
    return org_services.official_create(
        username=username,
        full_name=username,
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=a, role=r) for a, r in roles],
    )


def submit(dw: DossierWorld, at: datetime, documents: list[str] | None = None) -> Dossier:
    return services.dossier_submit_online(
        procedure=dw.procedure,
        agency=dw.w.dl_one_stop,
        applicant=APPLICANT,
        documents=[services.DocumentIn(n) for n in (documents or [FORM, CERT])],
        vneid_verified=True,
        at=at,
    )


def stored(content: bytes, name: str = "ket-qua.pdf") -> str:
    return files.file_store(data=io.BytesIO(content), name=name, by=None).sha256


def at_step_two(dw: DossierWorld) -> Dossier:
    """Received Mon 2027-03-01 09:00 (due Mon 8 March 17:00); step 1 done at 10:00, so step
    2 (16 h at DL.TNMT) runs from Mon 10:00: 5 h Mon, 8 h Tue, 3 h Wed: due Wed 10:00."""
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, dw.w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    assert d.due_at == vn(2027, 3, 8, 17)
    assert runs(d)[-1] == (2, "DL.TNMT", vn(2027, 3, 1, 10), vn(2027, 3, 3, 10), None, "")
    return d


def counted(dw: DossierWorld) -> Any:
    return dossier_statistics(
        agencies=Agency.objects.filter(unit=dw.w.dl),
        first=date(2027, 2, 1),
        last=date(2027, 3, 31),
        now=vn(2027, 4, 1),
    )


# -- online submission, receipt, handling, result, rating ------------------------------------


def test_an_online_submission_has_a_code_but_no_clock_until_an_officer_receives_it(dw):
    d = submit(dw, vn(2027, 2, 27, 20))  # a Saturday evening
    d.refresh_from_db()
    assert d.code == "DL.MC-270227-0001"
    assert (d.status, d.channel, d.vneid_verified) == (S.SUBMITTED_ONLINE, "online", True)
    assert d.submitted_at == vn(2027, 2, 27, 20)
    assert (d.received_at, d.effective_start, d.due_at) == (None, None, None)
    assert runs(d) == []
    assert dossier_timeliness(d) is None
    assert list(d.documents.values_list("name", "kind", "origin")) == [
        (FORM, "component", "paper"),
        (CERT, "component", "paper"),
    ]
    event = d.events.get()
    assert (event.seq, event.action, event.actor, event.actor_name) == (1, "submit", None, "")
    assert (event.from_status, event.to_status) == (None, S.SUBMITTED_ONLINE)
    assert event.data == {"documents": [FORM, CERT], "version": 1}
    # nothing is sent to the applicant before an officer decides
    assert not Notification.objects.exists()


def test_online_submission_checks_competence_and_document_names_but_not_completeness(dw):
    with pytest.raises(ValidationFailed) as caught:
        services.dossier_submit_online(
            procedure=dw.procedure,
            agency=dw.w.tk_one_stop,
            applicant=APPLICANT,
            documents=[services.DocumentIn(FORM), services.DocumentIn(CERT)],
            at=vn(2027, 3, 1, 9),
        )
    assert caught.value.code == "dossier.not_competent"
    with pytest.raises(ValidationFailed) as caught:
        submit(dw, vn(2027, 3, 1, 9), documents=[FORM, "Sổ hộ khẩu"])
    assert (caught.value.code, list(caught.value.fields)) == (
        "dossier.invalid",
        ["documents.1.name"],
    )
    assert not Dossier.objects.exists()
    d = submit(dw, vn(2027, 3, 1, 9), documents=[FORM])
    assert d.status == S.SUBMITTED_ONLINE


def test_receiving_an_online_dossier_starts_the_clock_at_receipt_then_it_runs_to_a_rating(
    dw, media
):
    w = dw.w
    d = submit(dw, vn(2027, 2, 27, 20))
    d = act(d, w.dl_motcua, "receive", vn(2027, 3, 1, 9))
    d.refresh_from_db()
    assert d.status == S.RECEIVED
    # the clock starts at receipt (Mon 09:00), not at submission (Saturday)
    assert (d.received_at, d.effective_start) == (vn(2027, 3, 1, 9), vn(2027, 3, 1, 9))
    assert d.due_at == vn(2027, 3, 8, 17)  # the 5th working day after Monday, close of office
    assert d.submitted_at == vn(2027, 2, 27, 20)
    # 4 h from Mon 09:00: 2.5 h before lunch, 1.5 h after: 15:00
    assert runs(d) == [(1, "DL.MC", vn(2027, 3, 1, 9), vn(2027, 3, 1, 15), None, "")]
    receipt = d.events.get(action="receive")
    assert (receipt.seq, receipt.actor, receipt.from_status, receipt.to_status) == (
        2,
        w.dl_motcua,
        S.SUBMITTED_ONLINE,
        S.RECEIVED,
    )
    assert receipt.data == {
        "channel": "online",
        "version": 1,
        "effective_start": "2027-03-01T09:00:00+07:00",
        "due_at": "2027-03-08T17:00:00+07:00",
        "documents": [FORM, CERT],
        "submitted_at": "2027-02-27T20:00:00+07:00",
    }
    # handled: step 2 at the land division (16 h from Mon 10:00: Wed 10:00), then the
    # signature (4 h from Tue 14:00: 3 h Tue, 1 h Wed: Wed 08:00)
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 3, 2, 14), note="Đủ điều kiện")
    result = stored(PDF + b"ket qua", "giay-chung-nhan.pdf")
    d = act(
        d,
        w.dl_chutich,
        "finish",
        vn(2027, 3, 2, 16),
        result_note="Đã cấp giấy chứng nhận",
        result_files=[{"name": "Giấy chứng nhận đã cập nhật", "file_sha256": result}],
    )
    assert runs(d) == [
        (1, "DL.MC", vn(2027, 3, 1, 9), vn(2027, 3, 1, 15), vn(2027, 3, 1, 10), "done"),
        (2, "DL.TNMT", vn(2027, 3, 1, 10), vn(2027, 3, 3, 10), vn(2027, 3, 2, 14), "done"),
        (3, "DL.UBND", vn(2027, 3, 2, 14), vn(2027, 3, 3, 8), vn(2027, 3, 2, 16), "done"),
    ]
    assert list(
        d.documents.filter(kind="result").values_list("name", "file_sha256", "origin", "added_at")
    ) == [("Giấy chứng nhận đã cập nhật", result, "digitised", vn(2027, 3, 2, 16))]
    assert d.events.get(action="finish").data == {
        "result_note": "Đã cấp giấy chứng nhận",
        "result_files": ["Giấy chứng nhận đã cập nhật"],
    }
    with pytest.raises(Conflict) as caught:
        services.dossier_rate(dossier=d, level=1, at=vn(2027, 3, 2, 17))
    assert (caught.value.code, caught.value.status) == ("dossier.not_returned", 409)
    d = act(d, w.dl_motcua, "return", vn(2027, 3, 3, 9), method="online")
    d.refresh_from_db()
    assert (d.status, d.returned_at, d.return_method) == (S.RETURNED, vn(2027, 3, 3, 9), "online")
    assert dossier_timeliness(d) == Timeliness.EARLY
    rating = services.dossier_rate(
        dossier=d, level=Rating.Level.VERY_SATISFIED, comment=" Nhanh ", at=vn(2027, 3, 3, 10)
    )
    rating.refresh_from_db()
    assert (rating.level, rating.comment, rating.at) == (1, "Nhanh", vn(2027, 3, 3, 10))
    assert sorted(rating.agencies.values_list("code", flat=True)) == [
        "DL.MC",
        "DL.TNMT",
        "DL.UBND",
    ]
    assert sorted(rating.officials.values_list("username", flat=True)) == [
        "dl.chutich",
        "dl.motcua",
        "dl.tnmt.cv",
    ]
    with pytest.raises(Conflict) as caught:
        services.dossier_rate(dossier=d, level=4, at=vn(2027, 3, 3, 11))
    assert (caught.value.code, caught.value.status) == ("dossier.already_rated", 409)
    assert Rating.objects.get().level == 1
    assert history(d) == [
        ("submit", None, S.SUBMITTED_ONLINE),
        ("receive", S.SUBMITTED_ONLINE, S.RECEIVED),
        ("complete_step", S.RECEIVED, S.HANDLING),
        ("assign", S.HANDLING, S.HANDLING),
        ("complete_step", S.HANDLING, S.HANDLING),
        ("finish", S.HANDLING, S.FINISHED),
        ("return", S.FINISHED, S.RETURNED),
        ("rate", S.RETURNED, S.RETURNED),
    ]
    rate = d.events.get(action="rate")
    assert (rate.actor, rate.data) == (None, {"level": 1, "comment": "Nhanh"})
    assert Dossier.objects.get(pk=d.pk).revision == 8
    assert ledger.verify().ok


def test_a_received_online_dossier_keeps_the_version_in_force_at_receipt(dw):
    d = submit(dw, vn(2026, 12, 31, 10))  # version 1 (5 working days) is in force
    assert d.version.number == 1
    catalogue.version_add(
        procedure=dw.procedure,
        data=VersionData(
            effective_from=date(2027, 1, 1),
            time_limit_value=Decimal(3),
            time_limit_unit="working_days",
            documents=[DocumentData(FORM), DocumentData(CERT)],
            steps=[
                StepData("Tiếp nhận", Decimal(4), None, Role.ONE_STOP_OFFICER),
                StepData("Thẩm định", Decimal(16), dw.w.dl_tnmt, Role.HANDLING_OFFICIAL),
                StepData("Ký duyệt", Decimal(4), dw.w.dl_ubnd, Role.CHAIRMAN),
            ],
        ),
    )
    d = act(d, dw.w.dl_motcua, "receive", vn(2027, 1, 4, 9))
    d.refresh_from_db()
    assert d.version.number == 2
    # 3 working days after Mon 4 January 2027 (1 January was the holiday)
    assert d.due_at == vn(2027, 1, 7, 17)
    assert d.events.get(action="receive").data["version"] == 2


def test_an_incomplete_online_dossier_is_not_received_and_nothing_changes(dw):
    d = submit(dw, vn(2027, 3, 1, 8), documents=[FORM])
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.w.dl_motcua, "receive", vn(2027, 3, 1, 9))
    assert (caught.value.code, caught.value.status) == ("dossier.incomplete", 400)
    assert caught.value.fields == {"documents": [CERT]}
    assert snapshot(d) == before
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["tk_motcua", "dl_tnmt_cv", "dl_chutich", "nobody"])
def test_only_a_one_stop_officer_of_the_agency_receives_or_refuses_online(dw, who):
    d = submit(dw, vn(2027, 3, 1, 8))
    before = snapshot(d)
    for action, payload in (("receive", {}), ("refuse", {"reasons": ["Thiếu"]})):
        with pytest.raises(PermissionDenied):
            act(d, getattr(dw.w, who), action, vn(2027, 3, 1, 9), **payload)
    assert snapshot(d) == before


def test_an_online_dossier_is_received_once(dw):
    d = submit(dw, vn(2027, 3, 1, 8))
    d = act(d, dw.w.dl_motcua, "receive", vn(2027, 3, 1, 9))
    before = snapshot(d)
    for action, payload in (("receive", {}), ("refuse", {"reasons": ["Thiếu"]})):
        with pytest.raises(Conflict) as caught:
            act(d, dw.w.dl_motcua, action, vn(2027, 3, 1, 10), **payload)
        assert caught.value.code == "dossier.invalid_transition"
    assert snapshot(d) == before


def test_an_online_submission_is_refused_with_reasons_and_never_counted(dw):
    d = submit(dw, vn(2027, 3, 1, 8), documents=[FORM])
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.w.dl_motcua, "refuse", vn(2027, 3, 1, 9), reasons=["  "])
    assert (caught.value.code, list(caught.value.fields)) == ("dossier.invalid", ["reasons"])
    d = act(d, dw.w.dl_motcua, "refuse", vn(2027, 3, 1, 9), reasons=[f"Thiếu {CERT}", "Ảnh mờ "])
    d.refresh_from_db()
    assert (d.status, d.ended_at) == (S.REFUSED, vn(2027, 3, 1, 9))
    assert d.end_reason == f"Thiếu {CERT}\nẢnh mờ"
    assert (d.received_at, d.due_at) == (None, None)
    assert runs(d) == []
    assert history(d) == [
        ("submit", None, S.SUBMITTED_ONLINE),
        ("refuse", S.SUBMITTED_ONLINE, S.REFUSED),
    ]
    assert d.events.get(action="refuse").data == {"reasons": [f"Thiếu {CERT}", "Ảnh mờ"]}
    assert dossier_timeliness(d) is None
    # after a refusal nothing more happens to it
    with pytest.raises(Conflict):
        act(d, dw.w.dl_motcua, "receive", vn(2027, 3, 1, 10))
    stats = counted(dw)
    assert (stats.received, stats.new, stats.pending, stats.resolved) == (0, 0, 0, 0)
    # a received dossier in the same month is counted, as a contrast
    receive(dw, vn(2027, 3, 2, 9))
    stats = counted(dw)
    assert (stats.new, stats.by_channel["counter"], stats.by_channel["online"]) == (1, 1, 0)
    assert ledger.verify().ok


def test_a_refusal_at_the_counter_is_a_coded_status_3_record_never_counted(dw):
    w = dw.w
    with pytest.raises(PermissionDenied):
        services.dossier_refuse_at_counter(
            actor=w.tk_motcua,
            procedure=dw.procedure,
            agency=w.dl_one_stop,
            channel="counter",
            applicant=APPLICANT,
            reasons=["Không thuộc thẩm quyền"],
            at=vn(2027, 3, 1, 9),
        )
    with pytest.raises(ValidationFailed) as caught:
        services.dossier_refuse_at_counter(
            actor=w.dl_motcua,
            procedure=dw.procedure,
            agency=w.dl_one_stop,
            channel="counter",
            applicant=APPLICANT,
            reasons=[],
            at=vn(2027, 3, 1, 9),
        )
    assert list(caught.value.fields) == ["reasons"]
    assert not Dossier.objects.exists()
    d = services.dossier_refuse_at_counter(
        actor=w.dl_motcua,
        procedure=dw.procedure,
        agency=w.dl_one_stop,
        channel="counter",
        applicant=APPLICANT,
        reasons=["Đất đang có tranh chấp"],
        at=vn(2027, 3, 1, 9),
    )
    d.refresh_from_db()
    assert d.code == "DL.MC-270301-0001"
    assert (d.status, d.channel, d.ended_at, d.end_reason) == (
        S.REFUSED,
        "counter",
        vn(2027, 3, 1, 9),
        "Đất đang có tranh chấp",
    )
    assert (d.received_at, d.effective_start, d.due_at) == (None, None, None)
    assert d.version.number == 1
    assert (d.applicant_name, d.applicant_id_number) == ("Nguyễn Văn An", "040123456789")
    assert runs(d) == []
    event = d.events.get()
    assert (event.action, event.actor, event.from_status, event.to_status, event.data) == (
        "refuse",
        w.dl_motcua,
        None,
        S.REFUSED,
        {"reasons": ["Đất đang có tranh chấp"]},
    )
    # the next reception of the day takes the next number
    assert receive(dw, vn(2027, 3, 1, 10)).code == "DL.MC-270301-0002"
    assert counted(dw).new == 1
    assert ledger.verify().ok


# -- forwarding to another unit's agency -------------------------------------------------------


def test_a_step_forwarded_to_another_units_agency_and_back_keeps_its_due_time(dw):
    w = dw.w
    tk_cv = official("tk.cv", (w.tk_ubnd, Role.HANDLING_OFFICIAL))
    d = at_step_two(dw)
    assert not dossiers_visible(official=tk_cv).filter(pk=d.pk).exists()
    with pytest.raises(PermissionDenied):
        act(d, tk_cv, "complete_step", vn(2027, 3, 1, 13))
    d = act(d, dw.tnmt_head, "forward", vn(2027, 3, 1, 14), agency="TK.UBND", note="Liên thông")
    d.refresh_from_db()
    assert d.status == S.HANDLING
    assert d.due_at == vn(2027, 3, 8, 17)
    assert runs(d)[1:] == [
        (2, "DL.TNMT", vn(2027, 3, 1, 10), vn(2027, 3, 3, 10), vn(2027, 3, 1, 14), "forwarded"),
        (2, "TK.UBND", vn(2027, 3, 1, 14), vn(2027, 3, 3, 10), None, ""),
    ]
    moved = d.steps.get(finished_at=None)
    assert (moved.name, moved.role, moved.allotted_seconds, moved.assignee) == (
        "Thẩm định",
        Role.HANDLING_OFFICIAL,
        16 * 3600,
        None,
    )
    event = d.events.latest("seq")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "forward",
        dw.tnmt_head,
        S.HANDLING,
        S.HANDLING,
    )
    assert event.data == {
        "step": 2,
        "from_agency": "DL.TNMT",
        "from": "dl.tnmt",  # the head acting on the free step became its holder
        "to_agency": "TK.UBND",
        "note": "Liên thông",
    }
    # the Tân Kỳ official now sees it and acts; the land division no longer can
    assert dossiers_visible(official=tk_cv).filter(pk=d.pk).exists()
    with pytest.raises(PermissionDenied):
        act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 3, 2, 8))
    d = act(d, tk_cv, "assign", vn(2027, 3, 2, 8), assignee="tk.cv")
    d = act(d, tk_cv, "forward", vn(2027, 3, 2, 10), agency="DL.TNMT", note="Đã có ý kiến")
    assert d.events.latest("seq").data == {
        "step": 2,
        "from_agency": "TK.UBND",
        "from": "tk.cv",
        "to_agency": "DL.TNMT",
        "note": "Đã có ý kiến",
    }
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 3, 2, 14))
    d = act(d, w.dl_chutich, "finish", vn(2027, 3, 2, 16), result_note="Xong")
    assert runs(d) == [
        (1, "DL.MC", vn(2027, 3, 1, 9), vn(2027, 3, 1, 15), vn(2027, 3, 1, 10), "done"),
        (2, "DL.TNMT", vn(2027, 3, 1, 10), vn(2027, 3, 3, 10), vn(2027, 3, 1, 14), "forwarded"),
        (2, "TK.UBND", vn(2027, 3, 1, 14), vn(2027, 3, 3, 10), vn(2027, 3, 2, 10), "forwarded"),
        (2, "DL.TNMT", vn(2027, 3, 2, 10), vn(2027, 3, 3, 10), vn(2027, 3, 2, 14), "done"),
        (3, "DL.UBND", vn(2027, 3, 2, 14), vn(2027, 3, 3, 8), vn(2027, 3, 2, 16), "done"),
    ]
    assert list(
        d.steps.order_by("started_at", "pk").values_list("assignee__username", flat=True)
    ) == [
        "dl.motcua",
        "dl.tnmt",  # the head forwarded the free step: its named holder
        "tk.cv",
        "dl.tnmt.cv",
        "dl.chutich",
    ]
    # having held a step, Tân Kỳ keeps seeing it
    assert dossiers_visible(official=tk_cv).filter(pk=d.pk).exists()
    d = act(d, w.dl_motcua, "return", vn(2027, 3, 3, 9), method="counter")
    rating = services.dossier_rate(dossier=d, level=2, at=vn(2027, 3, 3, 10))
    assert sorted(rating.agencies.values_list("code", flat=True)) == [
        "DL.MC",
        "DL.TNMT",
        "DL.UBND",
        "TK.UBND",
    ]
    assert sorted(rating.officials.values_list("username", flat=True)) == [
        "dl.chutich",
        "dl.motcua",
        "dl.tnmt",
        "dl.tnmt.cv",
        "tk.cv",
    ]
    assert [a for a, *_ in history(d)] == [
        "receive",
        "complete_step",
        "forward",
        "assign",
        "forward",
        "complete_step",
        "finish",
        "return",
        "rate",
    ]
    assert ledger.verify().ok


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"agency": "DL.TNMT", "note": "x"}, "agency"),  # the step's own agency
        ({"agency": "KHONG.CO", "note": "x"}, "agency"),
        ({"agency": "", "note": "x"}, "agency"),
        ({"agency": "TK.UBND", "note": " "}, "note"),
        ({"agency": ["TK.UBND"], "note": "x"}, "agency"),
    ],
)
def test_a_forward_needs_another_existing_agency_and_a_note(dw, payload, field):
    d = at_step_two(dw)
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.tnmt_head, "forward", vn(2027, 3, 1, 14), **payload)
    assert (caught.value.code, list(caught.value.fields)) == ("dossier.invalid", [field])
    assert snapshot(d) == before


def test_only_the_holder_or_head_forwards_and_not_while_paused(dw):
    w = dw.w
    d = at_step_two(dw)
    before = snapshot(d)
    for who in (w.dl_motcua, w.tk_motcua, w.dl_admin):
        with pytest.raises(PermissionDenied):
            act(d, who, "forward", vn(2027, 3, 1, 14), agency="TK.UBND", note="x")
    assert snapshot(d) == before
    d = act(d, dw.tnmt_head, "request_payment", vn(2027, 3, 1, 14), amount_vnd=100_000)
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        act(d, dw.tnmt_head, "forward", vn(2027, 3, 1, 15), agency="TK.UBND", note="x")
    assert caught.value.code == "dossier.invalid_transition"
    assert snapshot(d) == before


# -- financial obligation -----------------------------------------------------------------------


def test_a_financial_obligation_pauses_and_payment_moves_both_due_times_by_the_paused_time(dw):
    w = dw.w
    d = at_step_two(dw)
    d = act(
        d,
        dw.tnmt_head,
        "request_payment",
        vn(2027, 3, 2, 15),
        amount_vnd=1_500_000,
        note="Lệ phí trước bạ",
    )
    d.refresh_from_db()
    assert (d.status, d.paused_at) == (S.FINANCIAL_OBLIGATION, vn(2027, 3, 2, 15))
    assert d.events.latest("seq").data == {
        "amount_vnd": 1_500_000,
        "note": "Lệ phí trước bạ",
        "due_at_before": "2027-03-08T17:00:00+07:00",
    }
    # the clock does not run while the applicant pays: the dossier is not overdue
    assert dossier_timeliness(d, now=vn(2027, 3, 4, 8)) == Timeliness.IN_TIME
    before = snapshot(d)
    for action, payload in (
        ("complete_step", {}),
        ("request_payment", {"amount_vnd": 1}),
        ("request_supplement", {"items": ["x"]}),
        ("supplement", {}),
        ("finish", {"result_note": "x"}),
    ):
        with pytest.raises(Conflict):
            act(d, w.root, action, vn(2027, 3, 3, 9), **payload)
    for who in (w.tk_motcua, w.dl_tnmt_cv, dw.tnmt_head):
        with pytest.raises(PermissionDenied):
            act(d, who, "pay", vn(2027, 3, 3, 9))
    assert snapshot(d) == before
    # paid by the applicant online on Thu 09:00: paused Tue 15:00-17:00 (2 h), all of
    # Wednesday (8 h), Thu 07:00-09:00 (2 h) = 12 office hours
    d = act(d, None, "pay", vn(2027, 3, 4, 9))
    d.refresh_from_db()
    assert (d.status, d.paused_at, d.fees_paid_online) == (S.HANDLING, None, True)
    # Mon 8 March 17:00 + 12 h: all of Tue 9th (8 h), Wed 10th 07:00-11:00 (4 h)
    assert d.due_at == vn(2027, 3, 10, 11)
    # step 2 had 5 h left at the pause (Tue 15:00-17:00, Wed 07:00-10:00): Thu 09:00 + 5 h
    step = d.steps.get(finished_at=None)
    assert (step.index, step.due_at) == (2, vn(2027, 3, 4, 16))
    engine = engine_of(d)
    paused, resumed = vn(2027, 3, 2, 15), vn(2027, 3, 4, 9)
    assert d.due_at == engine.shift_by_pause(vn(2027, 3, 8, 17), paused, resumed)
    assert step.due_at == engine.shift_by_pause(vn(2027, 3, 3, 10), paused, resumed)
    event = d.events.latest("seq")
    assert (event.action, event.actor, event.actor_name) == ("pay", None, "")
    assert (event.from_status, event.to_status) == (S.FINANCIAL_OBLIGATION, S.HANDLING)
    assert event.data == {
        "online": True,
        "note": "",
        "paused_office_seconds": 12 * 3600,
        "due_at_after": "2027-03-10T11:00:00+07:00",
    }
    assert ledger.verify().ok


def test_a_payment_at_the_counter_is_recorded_by_the_one_stop_officer(dw):
    d = at_step_two(dw)
    d = act(d, dw.w.dl_tnmt_cv, "request_payment", vn(2027, 3, 2, 15), amount_vnd=250_000)
    d = act(d, dw.w.dl_motcua, "pay", vn(2027, 3, 2, 16), online=False, note="Biên lai 0012")
    d.refresh_from_db()
    assert (d.status, d.fees_paid_online) == (S.HANDLING, False)
    # one office hour paused
    assert d.due_at == vn(2027, 3, 9, 8)
    assert d.steps.get(finished_at=None).due_at == vn(2027, 3, 3, 11)
    assert d.events.latest("seq").data["paused_office_seconds"] == 3600
    assert d.events.latest("seq").actor == dw.w.dl_motcua


@pytest.mark.parametrize("amount", [0, -5, 10**13, "100000", 1.5, True, None])
def test_a_financial_obligation_needs_a_positive_whole_amount(dw, amount):
    d = at_step_two(dw)
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, dw.tnmt_head, "request_payment", vn(2027, 3, 2, 15), amount_vnd=amount)
    assert list(caught.value.fields) == ["amount_vnd"]
    assert snapshot(d) == before


def test_pay_with_a_non_boolean_online_flag_is_refused(dw):
    d = at_step_two(dw)
    d = act(d, dw.tnmt_head, "request_payment", vn(2027, 3, 2, 15), amount_vnd=1000)
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(d, None, "pay", vn(2027, 3, 3, 9), online="yes")
    assert list(caught.value.fields) == ["online"]
    assert snapshot(d) == before


# -- the applicant's own actions ---------------------------------------------------------------


def test_the_applicant_supplements_with_an_uploaded_file(dw, media):
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, dw.w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ"])
    drawing = stored(PDF + b"ban ve", "ban-ve.pdf")
    d = act(
        d,
        None,
        "supplement",
        vn(2027, 3, 2, 9),
        note="Bổ sung bản vẽ",
        documents=[{"name": "Bản vẽ", "file_sha256": drawing}],
    )
    d.refresh_from_db()
    assert (d.status, d.paused_at) == (S.HANDLING, None)
    # paused Mon 10:00-17:00 (5 h) and Tue 07:00-09:00 (2 h): 7 h
    assert d.due_at == vn(2027, 3, 9, 16)
    assert runs(d) == [(1, "DL.MC", vn(2027, 3, 1, 9), vn(2027, 3, 2, 14), None, "")]
    assert list(
        d.documents.filter(name="Bản vẽ").values_list("kind", "file_sha256", "origin", "added_at")
    ) == [("component", drawing, "digitised", vn(2027, 3, 2, 9))]
    event = d.events.latest("seq")
    assert (event.action, event.actor) == ("supplement", None)
    assert event.data == {
        "note": "Bổ sung bản vẽ",
        "documents": ["Bản vẽ"],
        "paused_office_seconds": 7 * 3600,
        "due_at_after": "2027-03-09T16:00:00+07:00",
        "by": "applicant",
    }


def test_a_supplement_naming_a_file_never_uploaded_is_refused(dw):
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, dw.w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ"])
    before = snapshot(d)
    for documents in (
        [{"name": "Bản vẽ", "file_sha256": "a" * 64}],
        [{"name": "Bản vẽ", "file_sha256": "not-a-digest"}],
        [{"name": "", "file_sha256": ""}],
        "Bản vẽ",
    ):
        with pytest.raises(ValidationFailed) as caught:
            act(d, None, "supplement", vn(2027, 3, 2, 9), documents=documents)
        assert list(caught.value.fields) == ["documents"]
    assert snapshot(d) == before


PRIVATE = sorted(set(services.ACTIONS) - services.PUBLIC_ACTIONS)


@pytest.mark.parametrize("action", PRIVATE)
def test_without_an_official_only_supplement_and_pay_are_allowed(dw, action):
    d = submit(dw, vn(2027, 3, 1, 8)) if action in {"receive", "refuse"} else at_step_two(dw)
    before = snapshot(d)
    with pytest.raises(PermissionDenied) as caught:
        act(d, None, action, vn(2027, 3, 2, 9))
    assert (caught.value.code, caught.value.status) == ("dossier.forbidden", 403)
    assert snapshot(d) == before


@pytest.mark.parametrize("action", sorted(services.PUBLIC_ACTIONS))
def test_the_applicants_actions_out_of_their_state_are_conflicts(dw, action):
    d = at_step_two(dw)
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        act(d, None, action, vn(2027, 3, 2, 9))
    assert caught.value.code == "dossier.invalid_transition"
    assert snapshot(d) == before


# -- results and ratings ------------------------------------------------------------------------


def finished(dw: DossierWorld, **payload: Any) -> Dossier:
    d = at_step_two(dw)
    d = act(d, dw.tnmt_head, "complete_step", vn(2027, 3, 2, 9))
    return act(d, dw.w.dl_chutich, "finish", vn(2027, 3, 2, 10), **payload)


def test_finish_with_several_result_files_and_a_paper_result(dw, media):
    one, two = stored(PDF + b"1", "a.pdf"), stored(PDF + b"2", "b.pdf")
    d = finished(
        dw,
        result_note="Xong",
        result_files=[
            {"name": "Quyết định", "file_sha256": one},
            {"name": "Trích lục", "file_sha256": two},
            {"name": "Bản giấy", "file_sha256": ""},
        ],
    )
    assert d.status == S.FINISHED
    assert list(d.documents.filter(kind="result").values_list("name", "file_sha256", "origin")) == [
        ("Quyết định", one, "digitised"),
        ("Trích lục", two, "digitised"),
        ("Bản giấy", "", "paper"),
    ]
    assert d.documents.filter(kind="component").count() == 2


@pytest.mark.parametrize(
    "result_files",
    [
        [{"name": "Quyết định", "file_sha256": "b" * 64}],
        [{"name": "Quyết định", "file_sha256": "B" * 64}],
        [{"name": " ", "file_sha256": ""}],
        [{"file_sha256": ""}],
        ["Quyết định"],
        {"name": "Quyết định"},
    ],
)
def test_result_files_must_be_uploaded_files(dw, result_files):
    d = at_step_two(dw)
    d = act(d, dw.tnmt_head, "complete_step", vn(2027, 3, 2, 9))
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as caught:
        act(
            d,
            dw.w.dl_chutich,
            "finish",
            vn(2027, 3, 2, 10),
            result_note="x",
            result_files=result_files,
        )
    assert list(caught.value.fields) == ["result_files"]
    assert snapshot(d) == before


@pytest.mark.parametrize("level", [0, 5, -1, True, "1"])
def test_a_rating_is_one_of_four_levels(dw, level):
    d = finished(dw, result_note="Xong")
    d = act(d, dw.w.dl_motcua, "return", vn(2027, 3, 2, 11), method="counter")
    with pytest.raises(ValidationFailed) as caught:
        services.dossier_rate(dossier=d, level=level, at=vn(2027, 3, 2, 12))
    assert list(caught.value.fields) == ["level"]
    assert not Rating.objects.exists()
    assert services.dossier_rate(dossier=d, level=4, at=vn(2027, 3, 2, 12)).level == 4


@pytest.mark.parametrize("status", [S.SUBMITTED_ONLINE, S.RECEIVED, S.HANDLING, S.FINISHED])
def test_a_dossier_not_returned_is_not_rated(dw, status):
    if status == S.SUBMITTED_ONLINE:
        d = submit(dw, vn(2027, 3, 1, 8))
    elif status == S.RECEIVED:
        d = receive(dw, vn(2027, 3, 1, 9))
    elif status == S.HANDLING:
        d = at_step_two(dw)
    else:
        d = finished(dw, result_note="Xong")
    assert Dossier.objects.get(pk=d.pk).status == status
    before = snapshot(d)
    with pytest.raises(Conflict) as caught:
        services.dossier_rate(dossier=d, level=1, at=vn(2027, 3, 3, 9))
    assert caught.value.code == "dossier.not_returned"
    assert snapshot(d) == before


# -- personal data ------------------------------------------------------------------------------


def test_full_personal_data_is_for_those_who_handle_the_dossier(dw):
    w = dw.w
    inspector = official("dl.thanhtra", (w.dl_ubnd, Role.INSPECTOR))
    tnmt_clerk = official("dl.tnmt.admin", (w.dl_tnmt, Role.ADMINISTRATOR))
    tk_cv = official("tk.cv", (w.tk_ubnd, Role.HANDLING_OFFICIAL))
    d = receive(dw, vn(2027, 3, 1, 9))

    def may(who: Official) -> bool:
        seen = dossiers_visible(official=who).get(pk=d.pk)
        return may_see_personal_data(official=who, dossier=seen)

    # at reception: only the receiving one-stop office (and a superuser)
    assert may(w.dl_motcua)
    assert may(w.root)
    for who in (w.dl_chutich, w.dl_admin, inspector):
        assert not may(who)  # they see the dossier, masked
    assert not may_see_personal_data(official=w.dl_tnmt_cv, dossier=d)
    assert not may_see_personal_data(official=w.tk_motcua, dossier=d)
    # once the land division holds a step, its officials and head see it in full
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    assert may(w.dl_tnmt_cv)
    assert may(dw.tnmt_head)
    assert not may(tnmt_clerk)  # an administrator of that agency does not handle
    for who in (w.dl_chutich, w.dl_admin, inspector):
        assert not may(who)
    # an agency of another unit that held a step by forwarding keeps seeing it
    d = act(d, dw.tnmt_head, "forward", vn(2027, 3, 1, 11), agency="TK.UBND", note="x")
    d = act(d, tk_cv, "forward", vn(2027, 3, 1, 14), agency="DL.TNMT", note="y")
    assert may(tk_cv)
    assert not may_see_personal_data(official=w.tk_motcua, dossier=d)
    assert not may_see_personal_data(official=w.nobody, dossier=d)


def test_viewing_personal_data_is_logged(dw):
    d = receive(dw, vn(2027, 3, 1, 9))
    assert not PersonalDataView.objects.exists()
    personal_data_viewed(official=dw.w.dl_motcua, dossier=d, via="page")
    personal_data_viewed(official=dw.w.root, dossier=d, via="api")
    views = list(PersonalDataView.objects.order_by("pk").values_list("official", "dossier", "via"))
    assert views == [(dw.w.dl_motcua.pk, d.pk, "page"), (dw.w.root.pk, d.pk, "api")]
    assert all(v.at is not None for v in PersonalDataView.objects.all())
