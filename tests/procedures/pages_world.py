"""A small catalogue for the page tests, built through the catalogue's services on top of
the named world of tests/conftest.py.

- ``birth``: Đăng ký khai sinh (1.001193), commune level, same working day with a 15:00
  cut-off, free, a form template for its declaration; published for Xã Đông Sơn (Đô Lương)
  and Xã Kỳ Sơn (Tân Kỳ);
- ``land``: a district-level land procedure with three versions: v1 (ended, in use by
  dossiers: frozen), v2 in force (5 working days; one step at the province: interconnected)
  and v3 starting next year; published for Huyện Đô Lương;
- ``household``: business household registration, district level, fees 60,000 + 40,000;
- ``future``: a procedure whose only version starts next year (not in the portal);
- proposals: a draft about ``birth`` and a submitted one about ``land`` by Đô Lương, and
  one of Tân Kỳ that Đô Lương's officials cannot see. Costs are the worked example of
  SPEC §4: 1,024,000 -> 231,000 VND per dossier, a 77.44 % saving, with an average
  monthly income of 5,280,000 VND (30,000 VND a citizen's hour) for this year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.org.models import Role, UnitLevel
from motcua.procedures import services
from motcua.procedures.models import (
    DocumentForm,
    LimitUnit,
    OnlineLevel,
    PauseRule,
    Procedure,
    RequiredDocument,
    SimplificationProposal,
)
from motcua.procedures.services import DocumentData, FeeData, StepData, VersionData
from tests.conftest import World

MONTHLY_INCOME = 5_280_000
TEMPLATE_BYTES = b"TO KHAI DANG KY KHAI SINH\n"

# 30 citizen hours (900,000) + fees 100,000 + other costs 24,000 = 1,024,000 once
CURRENT: dict[str, Any] = {
    "actions": [
        {"name": "Chuẩn bị hồ sơ", "hours": 8},
        {"name": "Nộp hồ sơ tại Bộ phận Một cửa", "hours": 12},
        {"name": "Nhận kết quả", "hours": 10},
    ],
    "fees": [{"name": "Lệ phí", "amount_vnd": 60_000}, {"name": "Phí", "amount_vnd": 40_000}],
    "hired_services_vnd": 0,
    "other_costs_vnd": 24_000,
    "subjects_per_year": 1_000,
    "times_per_year": 1,
}
# 6 citizen hours (180,000) + fees 50,000 + other costs 1,000 = 231,000 once
PROPOSED: dict[str, Any] = {
    "actions": [
        {"name": "Nộp hồ sơ trực tuyến", "hours": 2.5},
        {"name": "Nhận kết quả qua bưu chính", "hours": 3.5},
    ],
    "fees": [{"name": "Lệ phí", "amount_vnd": 50_000}],
    "hired_services_vnd": 0,
    "other_costs_vnd": 1_000,
    "subjects_per_year": 1_000,
    "times_per_year": 1,
    "time_limit": {"value": 3, "unit": "working_days"},
}


@dataclass
class Catalogue:
    year: int
    birth: Procedure
    land: Procedure
    household: Procedure
    future: Procedure
    draft: SimplificationProposal
    submitted: SimplificationProposal
    tk_proposal: SimplificationProposal
    declaration: RequiredDocument


def _level(code: str) -> UnitLevel:
    return UnitLevel.objects.get(code=code)


def build_catalogue(world: World, *, with_template: bool = True) -> Catalogue:
    today = timezone.localdate()
    next_year = today + timedelta(days=400)
    civil = services.sector_ensure(code="ho-tich", name="Hộ tịch")
    land_sector = services.sector_ensure(code="dat-dai", name="Đất đai")
    business = services.sector_ensure(code="kinh-doanh", name="Thành lập và hoạt động doanh nghiệp")

    birth = services.procedure_create(
        code="1.001193",
        name="Đăng ký khai sinh",
        sector=civil,
        level=_level("commune"),
        version=VersionData(
            effective_from=date(2020, 7, 1),
            time_limit_value=Decimal(0),
            time_limit_unit=LimitUnit.WORKING_DAYS,
            cutoff_time=time(15, 0),
            online_level=OnlineLevel.PARTIAL,
            result_document="Giấy khai sinh (bản chính)",
            legal_basis="Luật Hộ tịch năm 2014\nNghị định số 123/2015/NĐ-CP",
            documents=[
                DocumentData("Tờ khai đăng ký khai sinh theo mẫu", form=DocumentForm.ORIGINAL),
                DocumentData("Giấy chứng sinh", form=DocumentForm.ORIGINAL),
                DocumentData("Văn bản ủy quyền", mandatory=False, form=DocumentForm.CERTIFIED_COPY),
            ],
            steps=[
                StepData("Tiếp nhận và kiểm tra hồ sơ", Decimal(1), world.dl_commune_ubnd),
                StepData(
                    "Công chức tư pháp - hộ tịch ghi Sổ hộ tịch",
                    Decimal(4),
                    role=Role.HANDLING_OFFICIAL,
                ),
                StepData("Chủ tịch UBND xã ký Giấy khai sinh", Decimal(2), role=Role.CHAIRMAN),
                StepData("Trả kết quả", Decimal(1), role=Role.ONE_STOP_OFFICER),
            ],
        ),
    )
    land_steps = [
        StepData("Tiếp nhận hồ sơ", Decimal(4), world.dl_one_stop),
        StepData("Thẩm định hồ sơ", Decimal(16), world.dl_tnmt),
        StepData("Ý kiến của UBND tỉnh", Decimal(8), world.ubnd_tinh),
        StepData("Trả kết quả", Decimal(4), world.dl_one_stop),
    ]
    land = services.procedure_create(
        code="1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        sector=land_sector,
        level=_level("district"),
        version=VersionData(
            effective_from=date(2019, 1, 1),
            time_limit_value=Decimal(10),
            time_limit_unit=LimitUnit.WORKING_DAYS,
            pause_rule=PauseRule.RESTART,
            fees=[FeeData("Lệ phí cấp giấy chứng nhận", 100_000)],
            documents=[DocumentData("Đơn đăng ký biến động")],
            steps=land_steps,
        ),
    )
    services.version_mark_used(version=land.versions.get(number=1))
    services.version_add(
        procedure=land,
        data=VersionData(
            effective_from=date(2024, 1, 1),
            time_limit_value=Decimal(5),
            time_limit_unit=LimitUnit.WORKING_DAYS,
            online_level=OnlineLevel.FULL,
            result_document="Giấy chứng nhận đã chỉnh lý",
            fees=[FeeData("Lệ phí cấp giấy chứng nhận", 50_000)],
            documents=[DocumentData("Đơn đăng ký biến động")],
            steps=land_steps,
        ),
    )
    services.version_add(
        procedure=land,
        data=VersionData(
            effective_from=next_year,
            time_limit_value=Decimal(4),
            time_limit_unit=LimitUnit.WORKING_DAYS,
            steps=land_steps[:2],
        ),
    )
    household = services.procedure_create(
        code="2.000720",
        name="Đăng ký thành lập hộ kinh doanh",
        sector=business,
        level=_level("district"),
        version=VersionData(
            effective_from=date(2021, 1, 1),
            time_limit_value=Decimal(3),
            time_limit_unit=LimitUnit.WORKING_DAYS,
            fees=[FeeData("Lệ phí", 60_000), FeeData("Phí", 40_000)],
            documents=[DocumentData("Giấy đề nghị đăng ký hộ kinh doanh")],
            steps=[StepData("Xử lý hồ sơ", Decimal(16), world.dl_one_stop)],
        ),
    )
    future = services.procedure_create(
        code="9.999001",
        name="Thủ tục chưa có hiệu lực",
        sector=business,
        level=_level("district"),
        version=VersionData(
            effective_from=next_year,
            time_limit_value=Decimal(1),
            time_limit_unit=LimitUnit.WORKING_DAYS,
        ),
        sample=True,
    )
    decision = services.decision_create(
        unit=world.province,
        number="1234/QĐ-UBND",
        title="Công bố danh mục thủ tục hành chính",
        signed_on=date(2023, 12, 1),
        effective_on=date(2024, 1, 1),
    )
    services.procedures_publish(decision=decision, procedures=[birth], unit=world.dl_commune)
    services.procedures_publish(decision=decision, procedures=[birth], unit=world.tk_commune)
    services.procedures_publish(decision=decision, procedures=[land, household], unit=world.dl)

    year = today.year
    services.income_parameter_set(
        year=year, monthly_income_vnd=MONTHLY_INCOME, source="Tổng cục Thống kê (số liệu thử)"
    )
    draft = services.proposal_create(
        actor=world.dl_chutich,
        procedure=birth,
        unit=world.dl,
        title="Khai sinh trực tuyến",
        year=year,
        current=CURRENT,
        proposed=PROPOSED,
    )
    submitted = services.proposal_create(
        actor=world.dl_chutich,
        procedure=land,
        unit=world.dl,
        title="Rút ngắn thời hạn đăng ký biến động",
        year=year,
        current=CURRENT,
        proposed=PROPOSED,
    )
    services.proposal_act(proposal=submitted, actor=world.dl_chutich, action="submit")
    tk_proposal = services.proposal_create(
        actor=world.root,
        procedure=birth,
        unit=world.tk,
        title="Phương án của Tân Kỳ",
        year=year,
        current=CURRENT,
        proposed=PROPOSED,
    )
    declaration = birth.versions.get().documents.get(position=0)
    if with_template:
        declaration.template.save("to-khai-khai-sinh.txt", ContentFile(TEMPLATE_BYTES))
    return Catalogue(
        year=year,
        birth=birth,
        land=land,
        household=household,
        future=future,
        draft=draft,
        submitted=SimplificationProposal.objects.get(pk=submitted.pk),
        tk_proposal=tk_proposal,
        declaration=declaration,
    )
