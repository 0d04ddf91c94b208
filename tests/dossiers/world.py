"""A dossier world on top of ``tests.conftest.world``: a commune-level procedure published
for Đô Lương's district with a three-step process, and the officials who handle it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.org import services as org_services
from motcua.org.models import Official, Role, UnitLevel
from motcua.procedures import services as catalogue
from motcua.procedures.models import Procedure
from motcua.procedures.services import DocumentData, StepData, VersionData
from tests.conftest import PASSWORD, World

VN = timezone(timedelta(hours=7))


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


@dataclass
class DossierWorld:
    w: World
    procedure: Procedure
    tnmt_head: Official
    chutich_only: Official


def build(world: World) -> DossierWorld:
    """Land-use registration (sample) resolved by Đô Lương: one-stop reception (4 h), the
    land division's appraisal (16 h), the People's Committee's signature (4 h); limit 5
    working days."""
    procedure = catalogue.procedure_create(
        code="MAU.DAT.01",
        name="Đăng ký biến động đất đai (mẫu)",
        sector=catalogue.sector_ensure(code="dat-dai", name="Đất đai"),
        level=UnitLevel.objects.get(code="district"),
        version=VersionData(
            effective_from=date(2020, 1, 1),
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
            documents=[
                DocumentData("Đơn đăng ký biến động"),
                DocumentData("Giấy chứng nhận quyền sử dụng đất"),
                DocumentData("Giấy ủy quyền", mandatory=False),
            ],
            steps=[
                StepData("Tiếp nhận", Decimal(4), None, Role.ONE_STOP_OFFICER),
                StepData("Thẩm định", Decimal(16), world.dl_tnmt, Role.HANDLING_OFFICIAL),
                StepData("Ký duyệt", Decimal(4), world.dl_ubnd, Role.CHAIRMAN),
            ],
        ),
    )
    decision = catalogue.decision_create(
        unit=world.province,
        number="1/QĐ-UBND",
        title="Công bố",
        signed_on=date(2019, 12, 1),
        effective_on=date(2019, 12, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[procedure], unit=world.dl)
    tnmt_head = org_services.official_create(
        username="dl.tnmt",
        full_name="Bùi Văn Sơn",
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=world.dl_tnmt, role=Role.UNIT_HEAD)],
    )
    return DossierWorld(
        w=world, procedure=procedure, tnmt_head=tnmt_head, chutich_only=world.dl_chutich
    )


def receive(dw: DossierWorld, at: datetime, **changes: Any) -> Dossier:
    return services.dossier_receive(
        actor=dw.w.dl_motcua,
        procedure=dw.procedure,
        agency=dw.w.dl_one_stop,
        channel=changes.pop("channel", "counter"),
        applicant=changes.pop(
            "applicant",
            services.ApplicantData(
                full_name="Nguyễn Văn An", id_number="040123456789", phone="0912345678"
            ),
        ),
        documents=changes.pop(
            "documents",
            [
                services.DocumentIn("Đơn đăng ký biến động"),
                services.DocumentIn("Giấy chứng nhận quyền sử dụng đất"),
            ],
        ),
        at=at,
    )
