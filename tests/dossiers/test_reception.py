"""Reception at the one-stop shop (SPEC §5): the dossier code, the clock, the frozen version,
the first step, and every refusal writing nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time
from decimal import Decimal

import pytest

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import services
from motcua.dossiers.models import (
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    DossierStep,
    StoredFile,
)
from motcua.org.models import Role, UnitLevel
from motcua.procedures import services as catalogue
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.services import DocumentData, StepData, VersionData
from tests.dossiers.world import build, receive, vn

DOCS = [
    services.DocumentIn("Đơn đăng ký biến động"),
    services.DocumentIn("Giấy chứng nhận quyền sử dụng đất"),
]
PERSON = services.ApplicantData(
    full_name="Nguyễn Văn An", id_number="040123456789", phone="0912345678"
)


@pytest.fixture
def dw(world):
    return build(world)


def version_data(dw, **changes):
    """The land procedure's version as data, effective 2027-01-01, with ``changes``."""
    w = dw.w
    data = VersionData(
        effective_from=date(2027, 1, 1),
        time_limit_value=Decimal(5),
        time_limit_unit="working_days",
        documents=[
            DocumentData("Đơn đăng ký biến động"),
            DocumentData("Giấy chứng nhận quyền sử dụng đất"),
            DocumentData("Giấy ủy quyền", mandatory=False),
        ],
        steps=[
            StepData("Tiếp nhận", Decimal(4), None, Role.ONE_STOP_OFFICER),
            StepData("Thẩm định", Decimal(16), w.dl_tnmt, Role.HANDLING_OFFICIAL),
            StepData("Ký duyệt", Decimal(4), w.dl_ubnd, Role.CHAIRMAN),
        ],
    )
    return replace(data, **changes)


def publish(dw, procedure, unit):
    decision = catalogue.decision_create(
        unit=dw.w.province,
        number=f"{procedure.pk}-{unit.code}/QĐ-UBND",
        title="Công bố",
        signed_on=date(2019, 12, 1),
        effective_on=date(2019, 12, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[procedure], unit=unit)


def nothing_written(dw):
    version = dw.procedure.versions.get()
    assert Dossier.objects.count() == 0
    assert DossierStep.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert DailyCounter.objects.count() == 0
    assert version.first_used_at is None


# -- the code ---------------------------------------------------------------------------------


def test_the_code_is_agency_code_day_and_a_four_digit_daily_sequence(dw):
    first = receive(dw, vn(2027, 3, 1, 9))
    second = receive(dw, vn(2027, 3, 1, 16, 30))
    assert (first.code, second.code) == ("DL.MC-270301-0001", "DL.MC-270301-0002")
    counter = DailyCounter.objects.get(agency=dw.w.dl_one_stop, day=date(2027, 3, 1))
    assert counter.last == 2


def test_the_sequence_restarts_each_day_and_counts_by_the_local_day(dw):
    receive(dw, vn(2027, 3, 1, 9))
    receive(dw, vn(2027, 3, 1, 23, 59))  # online, late at night: still 1 March in Vietnam
    next_day = receive(dw, vn(2027, 3, 2, 0, 1))
    assert next_day.code == "DL.MC-270302-0001"
    assert sorted(DailyCounter.objects.values_list("day", "last")) == [
        (date(2027, 3, 1), 2),
        (date(2027, 3, 2), 1),
    ]


def test_another_agency_has_its_own_sequence(dw):
    w = dw.w
    publish(dw, dw.procedure, w.tk)
    receive(dw, vn(2027, 3, 1, 9))
    receive(dw, vn(2027, 3, 1, 10))
    other = services.dossier_receive(
        actor=w.tk_motcua,
        procedure=dw.procedure,
        agency=w.tk_one_stop,
        channel="post",
        applicant=PERSON,
        documents=DOCS,
        at=vn(2027, 3, 1, 11),
    )
    assert other.code == "TK.MC-270301-0001"
    assert receive(dw, vn(2027, 3, 1, 14)).code == "DL.MC-270301-0003"


# -- the clock --------------------------------------------------------------------------------


def test_received_wednesday_before_tet_is_due_five_working_days_later_after_the_holiday(dw):
    d = receive(dw, vn(2027, 2, 3, 10))
    assert d.status == DossierStatus.RECEIVED
    assert d.received_at == vn(2027, 2, 3, 10)
    assert d.effective_start == vn(2027, 2, 3, 10)
    assert d.due_at == vn(2027, 2, 17, 17)
    step = d.steps.get()
    assert (step.index, step.name, step.agency, step.role) == (
        1,
        "Tiếp nhận",
        dw.w.dl_one_stop,
        Role.ONE_STOP_OFFICER,
    )
    assert step.assignee is None
    assert step.finished_at is None
    assert step.allotted_seconds == 4 * 3600
    assert step.started_at == vn(2027, 2, 3, 10)
    # 10:00-11:30 and 13:30-16:00: four office hours
    assert step.due_at == vn(2027, 2, 3, 16)


def test_received_on_a_saturday_the_clock_starts_on_monday_morning(dw):
    d = receive(dw, vn(2027, 3, 6, 9), channel="online")
    assert d.received_at == vn(2027, 3, 6, 9)
    assert d.effective_start == vn(2027, 3, 8, 7)
    assert d.due_at == vn(2027, 3, 15, 17)
    step = d.steps.get()
    assert (step.started_at, step.due_at) == (vn(2027, 3, 8, 7), vn(2027, 3, 8, 11))


def test_received_at_lunch_the_clock_starts_in_the_afternoon(dw):
    d = receive(dw, vn(2027, 3, 1, 12), channel="online")
    assert d.effective_start == vn(2027, 3, 1, 13, 30)
    assert d.due_at == vn(2027, 3, 8, 17)
    # 13:30-17:00, then half an hour on Tuesday morning
    assert d.steps.get().due_at == vn(2027, 3, 2, 7, 30)


def test_a_receipt_after_the_cutoff_starts_the_next_working_day(dw):
    catalogue.version_add(procedure=dw.procedure, data=version_data(dw, cutoff_time=time(15)))
    before = receive(dw, vn(2027, 3, 2, 14, 59))
    after = receive(dw, vn(2027, 3, 2, 16))
    assert before.version.number == after.version.number == 2
    assert (before.effective_start, before.due_at) == (vn(2027, 3, 2, 14, 59), vn(2027, 3, 9, 17))
    assert (after.effective_start, after.due_at) == (vn(2027, 3, 3, 7), vn(2027, 3, 10, 17))
    step = after.steps.get()
    assert (step.started_at, step.due_at) == (vn(2027, 3, 3, 7), vn(2027, 3, 3, 11))


def test_without_a_cutoff_a_receipt_at_16h_starts_at_once(dw):
    d = receive(dw, vn(2027, 3, 2, 16))
    assert (d.effective_start, d.due_at) == (vn(2027, 3, 2, 16), vn(2027, 3, 9, 17))
    # one hour on Tuesday, three on Wednesday
    assert d.steps.get().due_at == vn(2027, 3, 3, 10)


def test_the_version_in_force_is_kept_and_frozen_at_the_first_receipt(dw):
    version = dw.procedure.versions.get()
    assert version.first_used_at is None
    d = receive(dw, vn(2027, 3, 1, 9))
    version.refresh_from_db()
    assert d.version == version
    assert version.first_used_at == vn(2027, 3, 1, 9)
    receive(dw, vn(2027, 3, 2, 9))
    version.refresh_from_db()
    assert version.first_used_at == vn(2027, 3, 1, 9)


def test_reception_writes_the_documents_and_one_receive_event(dw):
    StoredFile.objects.create(
        sha256="a" * 64, size=1, content_type="application/pdf", original_name="uq.pdf"
    )
    documents = [*DOCS, services.DocumentIn(" Giấy ủy quyền ", copies=2, file_sha256="a" * 64)]
    d = receive(dw, vn(2027, 2, 3, 10), documents=documents)
    assert list(d.documents.values_list("name", "copies", "file_sha256")) == [
        ("Đơn đăng ký biến động", 1, ""),
        ("Giấy chứng nhận quyền sử dụng đất", 1, ""),
        ("Giấy ủy quyền", 2, "a" * 64),
    ]
    event = d.events.get()
    assert (event.seq, event.action, event.from_status, event.to_status) == (
        1,
        "receive",
        None,
        DossierStatus.RECEIVED,
    )
    assert event.actor == dw.w.dl_motcua
    assert event.data == {
        "channel": "counter",
        "version": 1,
        "effective_start": "2027-02-03T10:00:00+07:00",
        "due_at": "2027-02-17T17:00:00+07:00",
        "documents": [
            "Đơn đăng ký biến động",
            "Giấy chứng nhận quyền sử dụng đất",
            "Giấy ủy quyền",
        ],
    }
    assert (d.revision, d.ledger_head) == (1, event.hash)


# -- refusals ---------------------------------------------------------------------------------


def test_an_incomplete_dossier_lists_every_missing_document_and_writes_nothing(dw):
    with pytest.raises(ValidationFailed) as caught:
        receive(dw, vn(2027, 3, 1, 9), documents=[services.DocumentIn("Giấy ủy quyền")])
    assert caught.value.code == "dossier.incomplete"
    assert caught.value.status == 400
    assert caught.value.fields == {
        "documents": ["Đơn đăng ký biến động", "Giấy chứng nhận quyền sử dụng đất"]
    }
    nothing_written(dw)
    # the refusal consumed no number: the next complete dossier of the day is 0001
    assert receive(dw, vn(2027, 3, 1, 10)).code == "DL.MC-270301-0001"


def test_document_names_match_without_case_or_surrounding_spaces(dw):
    d = receive(
        dw,
        vn(2027, 3, 1, 9),
        documents=[
            services.DocumentIn("  đơn ĐĂNG KÝ biến động "),
            services.DocumentIn("giấy chứng nhận quyền sử dụng đất"),
        ],
    )
    assert d.documents.count() == 2


def test_missing_documents_with_invalid_applicant_data_report_both(dw):
    with pytest.raises(ValidationFailed) as caught:
        receive(
            dw,
            vn(2027, 3, 1, 9),
            documents=[DOCS[0]],
            applicant=replace(PERSON, id_number="123"),
        )
    assert caught.value.code == "dossier.invalid"
    assert set(caught.value.fields) == {"documents", "applicant.id_number"}
    assert caught.value.fields["documents"] == ["Giấy chứng nhận quyền sử dụng đất"]
    nothing_written(dw)


def test_unknown_documents_are_refused_by_their_position(dw):
    documents = [
        *DOCS,
        services.DocumentIn("Giấy khai sinh"),
        services.DocumentIn("Giấy ủy quyền", copies=0, file_sha256="not-a-digest"),
    ]
    with pytest.raises(ValidationFailed) as caught:
        receive(dw, vn(2027, 3, 1, 9), documents=documents)
    assert caught.value.code == "dossier.invalid"
    assert caught.value.status == 400
    assert set(caught.value.fields) == {
        "documents.2.name",
        "documents.3.copies",
        "documents.3.file_sha256",
    }
    nothing_written(dw)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "12345678"}, "applicant.id_number"),
        ({"id_number": "1234567890"}, "applicant.id_number"),
        ({"id_number": "0401234567890"}, "applicant.id_number"),
        ({"id_number": "04012345678A"}, "applicant.id_number"),
        ({"id_number": ""}, "applicant.id_number"),
        ({"phone": "12345"}, "applicant.phone"),
        ({"phone": "091234567"}, "applicant.phone"),
        ({"phone": "09123456789"}, "applicant.phone"),
        ({"phone": "0112345678"}, "applicant.phone"),
        ({"email": "an.nguyen"}, "applicant.email"),
        ({"email": "an@"}, "applicant.email"),
        ({"full_name": "   "}, "applicant.full_name"),
        ({"applicant_type": "alien"}, "applicant.applicant_type"),
    ],
)
def test_invalid_applicant_data_is_refused_with_its_field_path(dw, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        receive(dw, vn(2027, 3, 1, 9), applicant=replace(PERSON, **changes))
    assert caught.value.code == "dossier.invalid"
    assert caught.value.status == 400
    assert list(caught.value.fields) == [field]
    nothing_written(dw)


@pytest.mark.parametrize(
    ("changes", "stored"),
    [
        ({"id_number": "040123456"}, ("040123456", "0912345678", "")),
        ({"phone": "091 234.56-78"}, ("040123456789", "0912345678", "")),
        ({"phone": "+84912345678"}, ("040123456789", "+84912345678", "")),
        ({"phone": "0238387123"}, ("040123456789", "0238387123", "")),
        ({"phone": "", "email": "an@example.vn"}, ("040123456789", "", "an@example.vn")),
    ],
)
def test_valid_applicant_data_is_stored_normalised(dw, changes, stored):
    d = receive(dw, vn(2027, 3, 1, 9), applicant=replace(PERSON, **changes))
    assert (d.applicant_id_number, d.applicant_phone, d.applicant_email) == stored


def test_an_unknown_channel_is_refused(dw):
    with pytest.raises(ValidationFailed) as caught:
        receive(dw, vn(2027, 3, 1, 9), channel="fax")
    assert caught.value.code == "dossier.invalid"
    assert list(caught.value.fields) == ["channel"]
    nothing_written(dw)


def test_a_procedure_not_published_for_the_unit_is_outside_its_competence(dw):
    w = dw.w
    elsewhere = catalogue.procedure_create(
        code="MAU.DAT.02",
        name="Thủ tục chỉ công bố ở Tân Kỳ",
        sector=dw.procedure.sector,
        level=UnitLevel.objects.get(code="district"),
        version=version_data(dw, effective_from=date(2020, 1, 1)),
    )
    publish(dw, elsewhere, w.tk)
    with pytest.raises(ValidationFailed) as caught:
        services.dossier_receive(
            actor=w.dl_motcua,
            procedure=elsewhere,
            agency=w.dl_one_stop,
            channel="counter",
            applicant=PERSON,
            documents=DOCS,
            at=vn(2027, 3, 1, 9),
        )
    assert caught.value.code == "dossier.not_competent"
    assert caught.value.status == 400
    assert list(caught.value.fields) == ["procedure"]
    nothing_written(dw)
    assert elsewhere.versions.get().first_used_at is None


@pytest.mark.parametrize("who", ["dl_tnmt_cv", "dl_chutich", "dl_admin", "tk_motcua", "nobody"])
def test_only_a_one_stop_officer_of_the_agency_receives(dw, who):
    with pytest.raises(PermissionDenied) as caught:
        services.dossier_receive(
            actor=getattr(dw.w, who),
            procedure=dw.procedure,
            agency=dw.w.dl_one_stop,
            channel="counter",
            applicant=PERSON,
            documents=DOCS,
            at=vn(2027, 3, 1, 9),
        )
    assert caught.value.code == "dossier.forbidden"
    assert caught.value.status == 403
    nothing_written(dw)


def test_a_refused_reception_leaves_the_days_sequence_where_it_was(dw):
    receive(dw, vn(2027, 3, 1, 9))
    with pytest.raises(ValidationFailed):
        receive(dw, vn(2027, 3, 1, 10), documents=[])
    with pytest.raises(ValidationFailed):
        receive(dw, vn(2027, 3, 1, 10), applicant=replace(PERSON, phone="1"))
    assert DailyCounter.objects.get().last == 1
    assert receive(dw, vn(2027, 3, 1, 11)).code == "DL.MC-270301-0002"
    assert Dossier.objects.count() == 2
    assert ProcedureVersion.objects.get().first_used_at == vn(2027, 3, 1, 9)


def test_a_used_version_s_documents_and_steps_are_read_once_per_process(dw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def tables(at):
        with CaptureQueriesContext(connection) as captured:
            receive(dw, at)
        return [t for q in captured for t in re.findall(r'FROM "(\w+)"', q["sql"])]

    first = tables(vn(2027, 2, 3, 9))  # freezes the version (it gets its content token)
    assert "procedures_requireddocument" in first
    tables(vn(2027, 2, 3, 10))  # reads the frozen content once
    third = tables(vn(2027, 2, 3, 11))
    assert "procedures_requireddocument" not in third
    assert "procedures_processstep" not in third
    version = ProcedureVersion.objects.get(procedure=dw.procedure)
    assert version.content_token is not None
    d = Dossier.objects.order_by("pk").last()
    assert d is not None
    assert [s.name for s in d.steps.all()] == ["Tiếp nhận"]
    assert list(d.documents.values_list("name", flat=True)) == [
        "Đơn đăng ký biến động",
        "Giấy chứng nhận quyền sử dụng đất",
    ]
