"""Procedures and their versions: what a version holds, how it is validated, how versions
succeed each other without overlapping, and which one is in force at a moment."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.org.models import Role, UnitLevel
from motcua.procedures import selectors, services
from motcua.procedures.models import (
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
)
from motcua.procedures.services import DocumentData, FeeData, StepData, VersionData

VN = timezone(timedelta(hours=7))
V1_FROM = date(2025, 1, 1)
V2_FROM = date(2025, 7, 1)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def sector() -> Sector:
    return services.sector_ensure(code="ho-tich", name="Hộ tịch")


def version(**changes: Any) -> VersionData:
    base = VersionData(
        effective_from=V1_FROM,
        time_limit_value=Decimal(3),
        time_limit_unit="working_days",
        cutoff_time=time(15, 0),
        pause_rule="pause",
        online_level="full",
        result_document="Giấy khai sinh",
        legal_basis="Luật Hộ tịch 2014",
        fees=[FeeData("Lệ phí đăng ký khai sinh", 8_000), FeeData("Phí bản sao", 3_000)],
        documents=[
            DocumentData("Tờ khai đăng ký khai sinh", mandatory=True, form="original"),
            DocumentData("Giấy chứng sinh", mandatory=True, form="original"),
            DocumentData("Văn bản ủy quyền", mandatory=False, form="certified_copy", count=2),
        ],
        steps=[],
    )
    return replace(base, **changes)


def steps(world: Any) -> list[StepData]:
    return [
        StepData("Tiếp nhận hồ sơ", Decimal(4), world.dl_one_stop, Role.ONE_STOP_OFFICER),
        StepData("Thẩm định", Decimal(12), world.dl_tnmt, Role.HANDLING_OFFICIAL),
        StepData("Phê duyệt", Decimal(4), None, Role.CHAIRMAN),
        StepData("Trả kết quả", Decimal(4), world.dl_one_stop),
    ]


def create(world: Any, code: str = "1.001193", **changes: Any) -> Procedure:
    return services.procedure_create(
        code=code,
        name="Đăng ký khai sinh",
        sector=sector(),
        level=UnitLevel.objects.get(code="commune"),
        version=version(**{"steps": steps(world), **changes}),
        actor=world.tinh_admin,
    )


def counts() -> dict[str, int]:
    return {
        "procedures": Procedure.objects.count(),
        "versions": ProcedureVersion.objects.count(),
        "fees": Fee.objects.count(),
        "documents": RequiredDocument.objects.count(),
        "steps": ProcessStep.objects.count(),
    }


def invalid(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert caught.value.code == "procedure.invalid_version"
    return caught.value.fields


# --- creating a procedure ------------------------------------------------------------------


def test_creating_a_procedure_writes_version_1_with_its_fees_documents_and_steps_in_order(world):
    procedure = create(world)

    assert procedure.code == "1.001193"
    assert procedure.search_key == "1.001193 dang ky khai sinh"
    (v1,) = procedure.versions.all()
    assert v1.number == 1
    assert v1.effective_from == V1_FROM
    assert v1.effective_to is None
    assert v1.time_limit_value == Decimal(3)
    assert v1.time_limit_unit == "working_days"
    assert v1.cutoff_time == time(15, 0)
    assert v1.online_level == "full"
    assert v1.created_by == world.tinh_admin
    assert v1.is_frozen is False
    assert list(v1.fees.values_list("position", "name", "amount_vnd")) == [
        (0, "Lệ phí đăng ký khai sinh", 8_000),
        (1, "Phí bản sao", 3_000),
    ]
    assert list(v1.documents.values_list("position", "name", "mandatory", "form", "count")) == [
        (0, "Tờ khai đăng ký khai sinh", True, "original", 1),
        (1, "Giấy chứng sinh", True, "original", 1),
        (2, "Văn bản ủy quyền", False, "certified_copy", 2),
    ]
    assert list(v1.steps.values_list("position", "name", "agency__code", "role", "hours")) == [
        (0, "Tiếp nhận hồ sơ", "DL.MC", "one_stop_officer", Decimal(4)),
        (1, "Thẩm định", "DL.TNMT", "handling_official", Decimal(12)),
        (2, "Phê duyệt", None, "chairman", Decimal(4)),
        (3, "Trả kết quả", "DL.MC", "", Decimal(4)),
    ]


def test_an_interconnected_procedure_keeps_steps_in_agencies_of_other_units(world):
    procedure = create(
        world,
        steps=[
            StepData("Tiếp nhận tại xã", Decimal(4), world.dl_commune_ubnd),
            StepData("Thẩm định tại huyện", Decimal(8), world.dl_tnmt),
            StepData("Quyết định của tỉnh", Decimal(8), world.ubnd_tinh, Role.CHAIRMAN),
        ],
    )
    assert list(
        procedure.versions.get().steps.values_list("agency__code", "agency__unit__code")
    ) == [("DL.DS.UBND", "42701"), ("DL.TNMT", "427"), ("T.UBND", "40")]


def test_names_are_stripped_when_written(world):
    procedure = services.procedure_create(
        code="  1.000894 ",
        name=" Chứng thực bản sao từ bản chính  ",
        sector=sector(),
        level=UnitLevel.objects.get(code="commune"),
        version=version(
            fees=[FeeData("  Phí chứng thực ", 2_000)],
            documents=[DocumentData(" Bản chính ")],
            steps=[StepData(" Chứng thực ", Decimal(2), role=Role.HANDLING_OFFICIAL)],
        ),
    )
    assert (procedure.code, procedure.name) == ("1.000894", "Chứng thực bản sao từ bản chính")
    v1 = procedure.versions.get()
    assert [f.name for f in v1.fees.all()] == ["Phí chứng thực"]
    assert [d.name for d in v1.documents.all()] == ["Bản chính"]
    assert [s.name for s in v1.steps.all()] == ["Chứng thực"]


def test_a_duplicate_code_is_a_conflict_and_nothing_is_written(world):
    create(world)
    before = counts()
    with pytest.raises(Conflict) as caught:
        create(world, code="1.001193")
    assert caught.value.code == "procedure.duplicate_code"
    assert caught.value.fields == {"code": ["Already used."]}
    assert counts() == before


@pytest.mark.parametrize(("code", "name"), [("", "Đăng ký khai sinh"), ("1.1", "   ")])
def test_a_procedure_needs_a_code_and_a_name(world, code, name):
    with pytest.raises(ValidationFailed) as caught:
        services.procedure_create(
            code=code,
            name=name,
            sector=sector(),
            level=UnitLevel.objects.get(code="commune"),
            version=version(),
        )
    assert caught.value.code == "procedure.invalid"
    assert set(caught.value.fields) == {"code" if not code else "name"}
    assert Procedure.objects.count() == 0


# --- step allotments must fit the time limit -----------------------------------------------


def test_steps_may_take_exactly_the_limit_of_working_days_at_8_hours_a_day(world):
    procedure = create(world, time_limit_value=Decimal(3))  # 24 h, the steps take 24 h
    assert sum(s.hours for s in procedure.versions.get().steps.all()) == Decimal(24)


def test_steps_longer_than_the_working_days_of_the_limit_are_refused_naming_the_steps(world):
    too_long = [*steps(world), StepData("Lưu hồ sơ", Decimal("0.5"), world.dl_one_stop)]
    fields = invalid(lambda: create(world, steps=too_long))
    assert fields == {
        "version.steps": ["The steps take 24.5 working hours, more than the limit of 24."]
    }
    assert counts()["procedures"] == 0


def test_a_limit_of_0_working_days_allows_one_office_day(world):
    day = [StepData("Tiếp nhận và trả kết quả trong ngày", Decimal(8), world.dl_one_stop)]
    assert create(world, time_limit_value=Decimal(0), steps=day).versions.get().steps.count() == 1
    over = [StepData("Tiếp nhận và trả kết quả trong ngày", Decimal("8.25"), world.dl_one_stop)]
    fields = invalid(lambda: create(world, code="2.0", time_limit_value=Decimal(0), steps=over))
    assert fields == {
        "version.steps": ["The steps take 8.25 working hours, more than the limit of 8."]
    }


def test_a_limit_in_working_hours_holds_that_many_hours_of_steps(world):
    four = [StepData("Chứng thực", Decimal(4), role=Role.HANDLING_OFFICIAL)]
    create(world, time_limit_value=Decimal(4), time_limit_unit="working_hours", steps=four)
    over = [StepData("Chứng thực", Decimal("4.5"), role=Role.HANDLING_OFFICIAL)]
    fields = invalid(
        lambda: create(
            world,
            code="2.0",
            time_limit_value=Decimal(4),
            time_limit_unit="working_hours",
            steps=over,
        )
    )
    assert fields == {
        "version.steps": ["The steps take 4.5 working hours, more than the limit of 4."]
    }
    assert counts()["procedures"] == 1


def test_a_version_without_steps_needs_no_allotment(world):
    procedure = create(world, steps=[], time_limit_value=Decimal("0.5"))
    assert procedure.versions.get().steps.count() == 0


# --- every other rule, all errors at once ----------------------------------------------------


def test_a_document_listed_twice_is_refused_whatever_its_case_and_spaces(world):
    documents = [
        DocumentData("Tờ khai"),
        DocumentData("Giấy chứng sinh"),
        DocumentData("  giấy chứng sinh "),
    ]
    assert invalid(lambda: create(world, documents=documents)) == {
        "version.documents.2.name": ["The same document is listed twice."]
    }
    assert counts() == dict.fromkeys(counts(), 0)


def test_every_bad_field_of_a_version_is_named_at_once_and_nothing_is_written(world):
    before = counts()
    fields = invalid(
        lambda: create(
            world,
            time_limit_value=Decimal(-1),
            time_limit_unit="calendar_days",
            pause_rule="stop",
            online_level="level4",
            fees=[FeeData("", 1_000), FeeData("Lệ phí", -5)],
            documents=[DocumentData(""), DocumentData("Tờ khai", form="scan", count=0)],
            steps=[
                StepData("", Decimal(1), world.dl_one_stop),
                StepData("Thẩm định", Decimal(-2), world.dl_tnmt, "secretary"),
                StepData("Phê duyệt", Decimal("NaN"), None, ""),
            ],
        )
    )
    assert fields == {
        "version.time_limit.unit": ["Choose working_days or working_hours."],
        "version.time_limit.value": ["The time limit must be a number of at least 0."],
        "version.pause_rule": ["Choose pause or restart."],
        "version.online_level": ["Choose full, partial or none."],
        "version.fees.0.name": ["A fee needs a name."],
        "version.fees.1.amount_vnd": ["An amount cannot be negative."],
        "version.documents.0.name": ["A document needs a name."],
        "version.documents.1.form": ["Unknown document form."],
        "version.documents.1.count": ["At least one copy."],
        "version.steps.0.name": ["A step needs a name."],
        "version.steps.1.hours": ["Hours must be a number of at least 0."],
        "version.steps.1.role": ["Unknown role."],
        "version.steps.2.hours": ["Hours must be a number of at least 0."],
        "version.steps.2.agency": ["Name the agency or the role that performs the step."],
    }
    assert counts() == before


# --- succession of versions ---------------------------------------------------------------


def test_a_later_version_ends_the_previous_one_the_day_before_it_starts(world):
    procedure = create(world)
    v2 = services.version_add(
        procedure=procedure,
        data=version(effective_from=V2_FROM, time_limit_value=Decimal(2), steps=[]),
        actor=world.tinh_admin,
    )
    assert v2.number == 2
    assert (v2.effective_from, v2.effective_to) == (V2_FROM, None)
    assert list(procedure.versions.values_list("number", "effective_from", "effective_to")) == [
        (1, V1_FROM, date(2025, 6, 30)),
        (2, V2_FROM, None),
    ]
    v3 = services.version_add(procedure=procedure, data=version(effective_from=date(2026, 1, 1)))
    assert v3.number == 3
    assert list(procedure.versions.values_list("number", "effective_to")) == [
        (1, date(2025, 6, 30)),
        (2, date(2025, 12, 31)),
        (3, None),
    ]


@pytest.mark.parametrize("start", [V1_FROM, date(2024, 12, 31), date(2020, 1, 1)])
def test_a_version_starting_on_or_before_the_latest_is_an_overlap_and_nothing_changes(world, start):
    procedure = create(world)
    before = counts()
    with pytest.raises(Conflict) as caught:
        services.version_add(procedure=procedure, data=version(effective_from=start))
    assert caught.value.code == "procedure.version_overlap"
    assert caught.value.fields == {
        "version.effective_from": ["Must be after the latest version's start."]
    }
    assert counts() == before
    assert procedure.versions.get().effective_to is None


def test_an_invalid_later_version_is_refused_and_the_previous_one_keeps_running(world):
    procedure = create(world)
    before = counts()
    too_long = [StepData("Thẩm định", Decimal(17), world.dl_tnmt)]
    fields = invalid(
        lambda: services.version_add(
            procedure=procedure,
            data=version(effective_from=V2_FROM, time_limit_value=Decimal(2), steps=too_long),
        )
    )
    assert fields == {
        "version.steps": ["The steps take 17 working hours, more than the limit of 16."]
    }
    assert counts() == before
    assert procedure.versions.get().effective_to is None


def test_a_version_in_use_may_be_succeeded(world):
    procedure = create(world)
    services.version_mark_used(version=procedure.versions.get())
    v2 = services.version_add(procedure=procedure, data=version(effective_from=V2_FROM))
    assert v2.number == 2
    assert procedure.versions.get(number=1).effective_to == date(2025, 6, 30)


# --- a version in use is never edited --------------------------------------------------------


def test_a_version_no_dossier_uses_yet_may_be_corrected(world):
    procedure = create(world)
    v1 = procedure.versions.get()
    corrected = services.version_update(
        version=v1,
        data=version(
            effective_from=date(2030, 1, 1),  # ignored: the start stays
            time_limit_value=Decimal(5),
            online_level="partial",
            fees=[FeeData("Lệ phí", 5_000)],
            documents=[DocumentData("Tờ khai")],
            steps=[StepData("Thẩm định", Decimal(40), world.dl_tnmt)],
        ),
    )
    v1.refresh_from_db()
    assert corrected.pk == v1.pk
    assert (v1.effective_from, v1.time_limit_value, v1.online_level) == (
        V1_FROM,
        Decimal(5),
        "partial",
    )
    assert list(v1.fees.values_list("name", "amount_vnd")) == [("Lệ phí", 5_000)]
    assert list(v1.documents.values_list("name", flat=True)) == ["Tờ khai"]
    assert list(v1.steps.values_list("name", "hours")) == [("Thẩm định", Decimal(40))]
    assert counts() == {"procedures": 1, "versions": 1, "fees": 1, "documents": 1, "steps": 1}


def test_a_version_in_use_is_never_edited_and_nothing_changes(world):
    procedure = create(world)
    v1 = procedure.versions.get()
    services.version_mark_used(version=v1, at=datetime(2025, 2, 3, 8, 0, tzinfo=VN))
    before = counts()
    with pytest.raises(Conflict) as caught:
        services.version_update(version=v1, data=version(time_limit_value=Decimal(10)))
    assert caught.value.code == "procedure.version_in_use"
    v1.refresh_from_db()
    assert v1.time_limit_value == Decimal(3)
    assert v1.is_frozen is True
    assert counts() == before


def test_an_invalid_correction_is_refused_and_nothing_changes(world):
    procedure = create(world)
    before = counts()
    fields = invalid(
        lambda: services.version_update(
            version=procedure.versions.get(),
            data=version(time_limit_value=Decimal(1), steps=steps(world)),
        )
    )
    assert fields == {
        "version.steps": ["The steps take 24 working hours, more than the limit of 8."]
    }
    assert counts() == before
    assert procedure.versions.get().time_limit_value == Decimal(3)


def test_marking_a_version_used_keeps_the_first_use(world):
    v1 = create(world).versions.get()
    first = datetime(2025, 2, 3, 8, 0, tzinfo=VN)
    services.version_mark_used(version=v1, at=first)
    services.version_mark_used(version=v1, at=first + timedelta(days=30))
    v1.refresh_from_db()
    assert v1.first_used_at == first


# --- the version in force at a moment (what a dossier keeps) -----------------------------------


@pytest.fixture
def two_versions(world: Any) -> Procedure:
    procedure = create(world)
    services.version_add(
        procedure=procedure,
        data=version(effective_from=V2_FROM, time_limit_value=Decimal(2), steps=[]),
    )
    return procedure


@pytest.mark.parametrize(
    ("at", "number"),
    [
        (datetime(2025, 1, 1, 0, 0, tzinfo=VN), 1),
        (datetime(2025, 6, 30, 23, 59, tzinfo=VN), 1),
        (datetime(2025, 6, 30, 23, 59, 59, 999999, tzinfo=VN), 1),
        (datetime(2025, 7, 1, 0, 0, tzinfo=VN), 2),
        (datetime(2025, 7, 1, 8, 0, tzinfo=VN), 2),
        # 16:59 UTC is 23:59 in Vietnam, still the old day; 17:00 UTC is already 1 July there
        (datetime(2025, 6, 30, 16, 59, tzinfo=UTC), 1),
        (datetime(2025, 6, 30, 17, 0, tzinfo=UTC), 2),
        (datetime(2025, 6, 30, 20, 0, tzinfo=timezone(timedelta(hours=-5))), 2),
        (date(2025, 6, 30), 1),
        (date(2025, 7, 1), 2),
        (date(2099, 1, 1), 2),
    ],
    ids=str,
)
def test_the_version_in_force_changes_at_midnight_in_vietnam(two_versions, at, number):
    found = selectors.version_in_force(procedure=two_versions, at=at)
    assert found.number == number


def test_the_version_in_force_comes_with_its_parts(two_versions, django_assert_num_queries):
    with django_assert_num_queries(4):  # the version, then fees, documents and steps
        v1 = selectors.version_in_force(
            procedure=two_versions, at=datetime(2025, 3, 1, 9, 0, tzinfo=VN)
        )
        assert [f.amount_vnd for f in v1.fees.all()] == [8_000, 3_000]
        assert len(v1.documents.all()) == 3
        assert [s.agency.unit.code if s.agency else None for s in v1.steps.all()] == [
            "427",
            "427",
            None,
            "427",
        ]


@pytest.mark.parametrize(
    "at", [datetime(2024, 12, 31, 23, 59, tzinfo=VN), datetime(2024, 12, 31, 16, 59, tzinfo=UTC)]
)
def test_there_is_no_version_in_force_before_the_first_one(two_versions, at):
    with pytest.raises(NotFound) as caught:
        selectors.version_in_force(procedure=two_versions, at=at)
    assert caught.value.code == "procedure.no_version_in_force"
    assert caught.value.message == ("Procedure 1.001193 has no version in force on 2024-12-31.")
