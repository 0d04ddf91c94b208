"""A misconduct world on top of ``tests.conftest.world``: the inspectors who judge reports
and the people who must never see them.

- ``dl_insp``, ``dl_insp2``: inspectors of Đô Lương (granted at its People's Committee);
- ``tnmt_insp``: an inspector granted at Đô Lương's land division (a stake in reports
  about that division);
- ``tinh_insp``: an inspector of the province (reaches both districts);
- ``tk_insp``: an inspector of Tân Kỳ (the wrong district);
- ``tnmt_head``: the land division's head.

``report()`` files a citizen's report about the land division through the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.inspections import services
from motcua.inspections.models import MisconductReport
from motcua.org import services as org_services
from motcua.org.models import Agency, Official, Role
from tests.conftest import PASSWORD, World
from tests.dossiers.world import vn

AT = vn(2027, 4, 29, 9)  # a Thursday; Fri 30/4 and Mon 3/5 (1/5 observed) are days off


def person(username: str, full_name: str, roles: list[tuple[Agency, str]]) -> Official:
    return org_services.official_create(
        username=username,
        full_name=full_name,
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=a, role=r) for a, r in roles],
    )


@dataclass
class MisconductWorld:
    w: World
    dl_insp: Official
    dl_insp2: Official
    tnmt_insp: Official
    tinh_insp: Official
    tk_insp: Official
    tnmt_head: Official

    def everyone(self) -> list[Official]:
        w = self.w
        return [
            self.dl_insp,
            self.dl_insp2,
            self.tnmt_insp,
            self.tinh_insp,
            self.tk_insp,
            self.tnmt_head,
            w.dl_motcua,
            w.dl_tnmt_cv,
            w.dl_chutich,
            w.dl_admin,
            w.tk_motcua,
            w.tinh_admin,
            w.nobody,
        ]


def build(world: World) -> MisconductWorld:
    return MisconductWorld(
        w=world,
        dl_insp=person("dl.thanhtra", "Hoàng Văn Thanh", [(world.dl_ubnd, Role.INSPECTOR)]),
        dl_insp2=person("dl.thanhtra2", "Đặng Thị Tra", [(world.dl_ubnd, Role.INSPECTOR)]),
        tnmt_insp=person("dl.tnmt.thanhtra", "Vũ Văn Kiểm", [(world.dl_tnmt, Role.INSPECTOR)]),
        tinh_insp=person("tinh.thanhtra", "Lý Thị Tỉnh", [(world.ubnd_tinh, Role.INSPECTOR)]),
        tk_insp=person("tk.thanhtra", "Mai Văn Kỳ", [(world.tk_ubnd, Role.INSPECTOR)]),
        # the dossier world (tests.dossiers.world) makes the same head: shared if it did
        tnmt_head=Official.objects.filter(username="dl.tnmt").first()
        or person("dl.tnmt", "Bùi Văn Sơn", [(world.dl_tnmt, Role.UNIT_HEAD)]),
    )


def report(
    agency: str = "DL.TNMT",
    *,
    at: datetime = AT,
    by: Official | None = None,
    **changes: Any,
) -> MisconductReport:
    fields: dict[str, Any] = {
        "kind": "asking_money",
        "description": "Cán bộ gợi ý nộp thêm tiền để giải quyết nhanh.",
        "agency_code": agency,
        "reporter_name": "Nguyễn Văn An",
        "reporter_contact": "0912345678",
    }
    fields.update(changes)
    return services.misconduct_report_create(report=services.MisconductIn(**fields), by=by, at=at)


def assign(
    actor: Official,
    r: MisconductReport,
    investigator: Official | None,
    days: object = 3,
    at: datetime = AT,
) -> MisconductReport:
    return services.misconduct_report_assign(
        actor=actor, report=r, investigator=investigator, working_days=days, at=at
    )


def close(
    actor: Official,
    r: MisconductReport,
    substantiated: object = True,
    action: str = "Kiểm điểm, rút kinh nghiệm",
    at: datetime | None = None,
) -> MisconductReport:
    return services.misconduct_report_close(
        actor=actor,
        report=r,
        substantiated=substantiated,
        action_taken=action,
        at=at or vn(2027, 5, 5, 10),
    )
