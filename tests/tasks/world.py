"""A task world on top of ``tests.conftest.world``: the land division of Đô Lương gets a
head (``dl.tnmt``) who assigns its tasks; ``dl.tnmt.cv`` does them; the district's
chairman ``dl.chutich`` approves them. ``make`` assigns one task through the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.org import services as org_services
from motcua.org.models import Agency, Official, Role
from motcua.tasks import services
from motcua.tasks.models import Task
from tests.conftest import PASSWORD, World
from tests.dossiers.world import vn

BASE: dict[str, Any] = {
    "title": "Cập nhật quy chế làm việc",
    "description": "Rà soát và ban hành quy chế làm việc mới của phòng.",
    "assignee": "dl.tnmt.cv",
    "lead_agency": "DL.TNMT",
    "approver": "dl.chutich",
    "start": "2027-03-01T08:00:00+07:00",
    "working_days": 5,
    "deliverable": "Quyết định ban hành quy chế",
}


@dataclass
class TaskWorld:
    w: World
    tnmt_head: Official


def official(username: str, roles: list[tuple[Agency, str]]) -> Official:
    return org_services.official_create(
        username=username,
        full_name=username,
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=a, role=r) for a, r in roles],
    )


def build(world: World) -> TaskWorld:
    head = official("dl.tnmt", [(world.dl_tnmt, Role.UNIT_HEAD)])
    return TaskWorld(w=world, tnmt_head=head)


def data(tw: TaskWorld, **changes: Any) -> services.TaskData:
    """A complete task of the land division (every "rõ" given), with ``changes``."""
    fields: dict[str, Any] = {
        "title": BASE["title"],
        "description": BASE["description"],
        "assignee": tw.w.dl_tnmt_cv,
        "lead_agency": tw.w.dl_tnmt,
        "approver": tw.w.dl_chutich,
        "start": vn(2027, 3, 1, 8),
        "working_days": 5,
        "deliverable": BASE["deliverable"],
    }
    fields.update(changes)
    return services.TaskData(**fields)


def make(
    tw: TaskWorld, *, actor: Official | None = None, at: datetime | None = None, **changes: Any
) -> Task:
    return services.task_create(
        actor=actor or tw.tnmt_head, data=data(tw, **changes), at=at or vn(2027, 3, 1, 8)
    )
