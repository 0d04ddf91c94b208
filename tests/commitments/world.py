"""A commitment world on top of ``tests.tasks.world``: the head of Đô Lương's land division
(``dl.tnmt``) commits with the district chairman (``dl.chutich``) for 2027. ``targets``
are the usual four: dossiers on time ≥ 98 % (40 points), tasks on time ≥ 95 % (30),
zero substantiated misconduct reports (10), and an assessed target (20)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from motcua.commitments import services
from motcua.commitments.models import Commitment
from motcua.commitments.services import TargetData
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld

YEAR = 2027


def targets() -> list[TargetData]:
    return [
        TargetData("Hồ sơ đúng hạn", "measured", "dossier_on_time_rate", "at_least", "98", 40),
        TargetData("Nhiệm vụ đúng hạn", "measured", "task_on_time_rate", "at_least", "95", 30),
        TargetData(
            "Không có phản ánh đúng sự thật",
            "measured",
            "misconduct_substantiated",
            "at_most",
            0,
            10,
        ),
        TargetData("Tinh thần đổi mới, sáng tạo", "assessed", weight=20),
    ]


def make(tw: TaskWorld, *, at: datetime | None = None, **changes: Any) -> Commitment:
    fields: dict[str, Any] = {
        "actor": tw.w.dl_chutich,
        "year": YEAR,
        "agency": tw.w.dl_tnmt,
        "head": tw.tnmt_head,
        "targets": targets(),
        "pass_mark": Decimal(80),
        "at": at or vn(2027, 1, 5, 9),
    }
    fields.update(changes)
    return services.commitment_create(**fields)


def signed(tw: TaskWorld) -> Commitment:
    c = make(tw)
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        c = services.commitment_act(
            commitment=c, actor=who, action="sign", payload={}, at=vn(2027, 1, 6, 9)
        )
    return c
