"""An inspection world on top of ``tests.conftest.world``: the province's inspectors
``tinh.thanhtra`` (head of the team) and ``tinh.thanhtra2`` (member) inspect Đô Lương
and Tân Kỳ; ``tinh.thanhtra3`` is an inspector of the province outside the team;
``tinh.chutich`` chairs the province, ``tk.chutich`` Tân Kỳ (``dl.chutich`` already chairs
Đô Lương); ``dl.thanhtra`` is an inspector of Đô Lương. ``plan`` creates the inspection
through the service, ``remedy_done`` has the remedy's task submitted and approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from motcua.inspections import services
from motcua.inspections.models import Finding, Inspection, Recommendation
from motcua.org.models import Official, Role
from motcua.tasks import services as task_services
from motcua.tasks.models import Task
from tests.conftest import World
from tests.dossiers.world import vn
from tests.tasks.world import official

AT = vn(2027, 3, 2, 9)
TITLE = "Kiểm tra công tác cải cách hành chính năm 2027 tại Đô Lương và Tân Kỳ"
SCOPE = "Việc giải quyết thủ tục hành chính và công tác chỉ đạo, điều hành năm 2026."


@dataclass
class InspectionWorld:
    w: World
    head: Official
    member: Official
    outsider: Official  # an inspector of the province, not in the team
    tinh_chutich: Official
    tk_chutich: Official
    dl_thanhtra: Official


def build(world: World) -> InspectionWorld:
    return InspectionWorld(
        w=world,
        head=official("tinh.thanhtra", [(world.ubnd_tinh, Role.INSPECTOR)]),
        member=official("tinh.thanhtra2", [(world.ubnd_tinh, Role.INSPECTOR)]),
        outsider=official("tinh.thanhtra3", [(world.ubnd_tinh, Role.INSPECTOR)]),
        tinh_chutich=official("tinh.chutich", [(world.ubnd_tinh, Role.CHAIRMAN)]),
        tk_chutich=official("tk.chutich", [(world.tk_ubnd, Role.CHAIRMAN)]),
        dl_thanhtra=official("dl.thanhtra", [(world.dl_ubnd, Role.INSPECTOR)]),
    )


def data(iw: InspectionWorld, **changes: Any) -> services.InspectionData:
    fields: dict[str, Any] = {
        "unit": iw.w.province,
        "year": 2027,
        "title": TITLE,
        "scope": SCOPE,
        "period_from": date(2026, 1, 1),
        "period_to": date(2026, 12, 31),
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2027, 3, 12),
        "head": iw.head,
        "members": [iw.member],
        "inspected_units": [iw.w.dl, iw.w.tk],
    }
    fields.update(changes)
    return services.InspectionData(**fields)


def plan(iw: InspectionWorld, *, actor: Official | None = None, **changes: Any) -> Inspection:
    return services.inspection_create(actor=actor or iw.head, data=data(iw, **changes), at=AT)


def find(
    iw: InspectionWorld,
    inspection: Inspection,
    *,
    actor: Official | None = None,
    unit: Any = None,
    category: str = "late_dossiers",
    description: str = "12 hồ sơ đất đai giải quyết trễ hạn, không có phiếu xin lỗi.",
    evidence: str = "Sổ theo dõi hồ sơ quý IV/2026 của Bộ phận Một cửa.",
    at: datetime = AT,
) -> Finding:
    return services.finding_record(
        actor=actor or iw.head,
        inspection=inspection,
        unit=unit or iw.w.dl,
        category=category,
        description=description,
        evidence=evidence,
        at=at,
    )


def recommend(
    iw: InspectionWorld,
    inspection: Inspection,
    *,
    actor: Official | None = None,
    unit: Any = None,
    text: str = "Rà soát toàn bộ hồ sơ trễ hạn và gửi phiếu xin lỗi cho người dân.",
    finding: Finding | None = None,
    remedy: services.RemedyData | None = None,
    at: datetime = AT,
) -> Recommendation:
    return services.recommendation_give(
        actor=actor or iw.head,
        inspection=inspection,
        unit=unit or iw.w.dl,
        text=text,
        finding=finding,
        remedy=remedy,
        at=at,
    )


def remedy_done(task: Task, *, at: datetime) -> Task:
    """The responsible official submits the remedy's result and its approver approves it."""
    task_services.task_act(
        task=task,
        actor=task.assignee,
        action="submit",
        payload={"deliverable": "Báo cáo khắc phục kèm 12 phiếu xin lỗi"},
        at=at,
    )
    return task_services.task_act(
        task=task, actor=task.approver, action="approve", payload={}, at=at
    )
