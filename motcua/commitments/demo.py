"""Demo commitments (sample data): Tân Kỳ's heads of divisions and of the two staffed
communes' People's Committees signed 2024 commitments with the district chairman (the
seed), evaluated in January 2025 from the demo year's dossiers and tasks; three of them
signed this year's too, which show their standing live. The verdicts are
computed, not typed: the land division's head, whose programme items ended late or not at
all and about whose division a misconduct report was substantiated, does not meet the
requirements and is flagged; the evaluator's assessed scores are the only typed figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from motcua.commitments import services
from motcua.commitments.models import Commitment, Verdict
from motcua.commitments.services import TargetData
from motcua.inspections import services as inspection_services
from motcua.org.models import Agency, Official

YEAR = 2024
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# this year's commitments, signed in January and followed live
LIVE_HEADS = ("000.01.23.H42", "000.02.23.H42", "000.05.23.H42")

# (agency code, head's username, the evaluator's score of the assessed target out of 25)
HEADS: tuple[tuple[str, str, int], ...] = (
    ("000.01.23.H42", "tk.vp", 20),
    ("000.02.23.H42", "tk.noivu", 22),
    ("000.03.23.H42", "tk.tuphap", 21),
    ("000.05.23.H42", "tk.tnmt", 12),
    ("000.06.23.H42", "tk.ktht", 18),
    ("000.07.23.H42", "tk.ldtbxh", 20),
    ("000.11.23.H42", "tk.thanhtra", 19),
    ("001.23.H42", "tk.tttk.chutich", 21),
    ("002.23.H42", "tk.kyson.chutich", 20),
)


def targets() -> list[TargetData]:
    return [
        TargetData(
            "Hồ sơ thủ tục hành chính giải quyết đúng hạn",
            "measured",
            "dossier_on_time_rate",
            "at_least",
            "90",
            30,
        ),
        TargetData(
            "Nhiệm vụ được giao hoàn thành đúng hạn",
            "measured",
            "task_on_time_rate",
            "at_least",
            "90",
            30,
        ),
        TargetData(
            "Không có phản ánh, kiến nghị được xác minh là đúng",
            "measured",
            "misconduct_substantiated",
            "at_most",
            "0",
            15,
        ),
        TargetData("Chủ động, đổi mới, sáng tạo trong cải cách hành chính", "assessed", weight=25),
    ]


@dataclass
class CommitmentDemoResult:
    skipped: bool = False
    commitments: list[Commitment] = field(default_factory=list)
    live: list[Commitment] = field(default_factory=list)

    @property
    def failing(self) -> list[Commitment]:
        return [c for c in self.commitments if c.verdict == Verdict.DOES_NOT_MEET]


def _at(month: int, day: int, hour: int, year: int = YEAR) -> datetime:
    return datetime.combine(date(year, month, day), time(hour), tzinfo=ZONE)


@transaction.atomic
def seed_commitments(*, now: datetime | None = None) -> CommitmentDemoResult:
    """Idempotent: when Tân Kỳ's 2024 commitments exist, nothing is written."""
    result = CommitmentDemoResult()
    now = now or timezone.now()
    codes = [code for code, _u, _s in HEADS]
    agencies = {a.code: a for a in Agency.objects.select_related("unit").filter(code__in=codes)}
    people = {
        o.username: o
        for o in Official.objects.filter(
            username__in=[u for _c, u, _s in HEADS] + ["tk.chutich", "tk.thanhtra"]
        )
    }
    if len(agencies) < len(HEADS) or "tk.chutich" not in people:
        result.skipped = True
        return result
    if Commitment.objects.filter(year=YEAR, agency__in=agencies.values()).exists():
        result.skipped = True
        return result
    _misconduct(agencies, people["tk.thanhtra"])
    chairman = people["tk.chutich"]
    for code, username, score in HEADS:
        head = people[username]
        commitment = services.commitment_create(
            actor=chairman,
            year=YEAR,
            agency=agencies[code],
            head=head,
            targets=targets(),
            pass_mark=Decimal(80),
            at=_at(1, 8, 9),
        )
        for who, moment in ((head, _at(1, 10, 9)), (chairman, _at(1, 11, 15))):
            commitment = services.commitment_act(
                commitment=commitment, actor=who, action="sign", payload={}, at=moment
            )
        evaluation: list[tuple[str, dict[str, Any], datetime]] = [
            ("start_evaluation", {}, _at(1, 10, 8, YEAR + 1)),
            (
                "assess",
                {"target": 4, "score": score, "comment": _comment(score)},
                _at(1, 15, 9, YEAR + 1),
            ),
            (
                "conclude",
                {"comment": "Đánh giá theo kết quả đo lường và nhận xét."},
                _at(1, 15, 10, YEAR + 1),
            ),
        ]
        for action, payload, moment in evaluation:
            commitment = services.commitment_act(
                commitment=commitment, actor=chairman, action=action, payload=payload, at=moment
            )
        result.commitments.append(commitment)
    this_year = timezone.localtime(now).year
    # signed in the first week of January: seeded earlier in the year, there are none yet
    signed_by_now = now >= _at(1, 8, 9, this_year)
    for code in LIVE_HEADS if this_year > YEAR and signed_by_now else ():
        head = people[next(u for c, u, _s in HEADS if c == code)]
        commitment = services.commitment_create(
            actor=chairman,
            year=this_year,
            agency=agencies[code],
            head=head,
            targets=targets(),
            pass_mark=Decimal(80),
            at=_at(1, 5, 9, this_year),
        )
        for who, moment in ((head, _at(1, 6, 9, this_year)), (chairman, _at(1, 7, 15, this_year))):
            commitment = services.commitment_act(
                commitment=commitment, actor=who, action="sign", payload={}, at=moment
            )
        result.live.append(commitment)
    return result


def _comment(score: int) -> str:
    if score >= 20:
        return "Chủ động tham mưu, có sáng kiến trong cải cách hành chính."
    if score >= 15:
        return "Thực hiện đầy đủ nhiệm vụ, chưa có nhiều đổi mới."
    return "Thiếu chủ động, chưa có giải pháp đổi mới."


def _misconduct(agencies: dict[str, Agency], inspector: Official) -> None:
    """Two citizens' reports of 2024, both closed by the district inspector: one about the
    land division substantiated, one about Kỳ Sơn's one-stop desk not."""
    land = inspection_services.misconduct_report_create(
        report=inspection_services.MisconductIn(
            kind="delay",
            description=(
                "Hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất bị để quá hạn nhiều "
                "tháng mà không được thông báo lý do. (Dữ liệu mẫu.)"
            ),
            agency_code="000.05.23.H42",
            reporter_name="Công dân (mẫu)",
        ),
        at=_at(8, 12, 10),
    )
    inspection_services.misconduct_report_close(
        actor=inspector,
        report=land,
        substantiated=True,
        action_taken="Kiểm điểm công chức, xin lỗi công dân và giải quyết hồ sơ trong 5 ngày.",
        at=_at(9, 20, 16),
    )
    desk = inspection_services.misconduct_report_create(
        report=inspection_services.MisconductIn(
            kind="harassment",
            description="Công chức một cửa yêu cầu nộp thêm giấy tờ không có trong danh mục.",
            agency_code="002.23.H42",
            reporter_name="Công dân (mẫu)",
        ),
        at=_at(10, 3, 10),
    )
    inspection_services.misconduct_report_close(
        actor=inspector, report=desk, substantiated=False, at=_at(10, 25, 16)
    )
