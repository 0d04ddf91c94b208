"""Demo tasks of Tân Kỳ (sample data, driven through the real services with ``at=``
moments, so every figure is computed from the tasks' histories):

- the district's 2024 work programme for administrative reform: items led by the
  divisions and the two staffed communes, most done on time, the land division's late or
  never finished (its head's 2024 commitment fails on them);
- the seed's requirement that 100 % of divisions, branches and localities review their
  operating regulations (quy chế làm việc), given to every agency with a head at once,
  recently (relative to now), some done and some not;
- the plan to remedy the deficiencies the inspection team found (little initiative and
  innovation, late dossiers, limited digital transformation, outreach not renewed), a
  roadmap of weighted milestones around now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, Official
from motcua.tasks import services
from motcua.tasks.models import Plan, PlanKind, Task
from motcua.workcalendar.engine import WorkingTime

PROGRAMME_TITLE = "Chương trình công tác cải cách hành chính năm 2024 của huyện Tân Kỳ"
REMEDY_TITLE = "Kế hoạch khắc phục tồn tại, hạn chế trong công tác cải cách hành chính"
BROADCAST_TITLE = "Rà soát, hoàn thiện quy chế làm việc"
REMEDY_BASIS = (
    "Đoàn kiểm tra công tác cải cách hành chính của tỉnh chỉ ra các tồn tại, hạn chế: "
    "tính chủ động, đổi mới, sáng tạo trong cải cách hành chính còn ít; vẫn còn hồ sơ "
    "thủ tục hành chính giải quyết trễ hạn cho công dân; chuyển đổi số còn hạn chế; công "
    "tác thông tin, tuyên truyền chưa được đổi mới. (Dữ liệu mẫu.)"
)


@dataclass(frozen=True)
class Item:
    """A programme item: the agency and official (usernames and codes of the demo),
    the start, the working days, and how it ends: ``done`` (submitted this many working
    days before (+) or after (-) its due time, approved the next day), ``open`` with a
    percentage, or ``None`` (never touched)."""

    agency: str
    assignee: str
    title: str
    deliverable: str
    start: date
    working_days: int
    weight: int
    done: int | None = None
    percent: int = 0


PROGRAMME: tuple[Item, ...] = (
    Item(
        "000.02.23.H42",
        "tk.noivu",
        "Ban hành kế hoạch cải cách hành chính năm 2024",
        "Kế hoạch CCHC năm 2024 được ban hành",
        date(2024, 1, 8),
        15,
        3,
        done=3,
    ),
    Item(
        "000.02.23.H42",
        "tk.noivu.cv",
        "Báo cáo công tác cải cách hành chính quý I",
        "Báo cáo quý I gửi UBND tỉnh",
        date(2024, 3, 18),
        10,
        1,
        done=1,
    ),
    Item(
        "000.02.23.H42",
        "tk.noivu.cv",
        "Báo cáo công tác cải cách hành chính 6 tháng",
        "Báo cáo 6 tháng gửi UBND tỉnh",
        date(2024, 6, 17),
        10,
        1,
        done=2,
    ),
    Item(
        "000.01.23.H42",
        "tk.vp",
        "Vận hành Bộ phận tiếp nhận và trả kết quả, số hóa hồ sơ",
        "Báo cáo kết quả số hóa hồ sơ tại Bộ phận Một cửa",
        date(2024, 3, 4),
        60,
        2,
        done=5,
    ),
    Item(
        "000.03.23.H42",
        "tk.tuphap",
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
        "Báo cáo kết quả rà soát văn bản",
        date(2024, 7, 1),
        45,
        2,
        done=4,
    ),
    Item(
        "000.05.23.H42",
        "tk.tnmt",
        "Giải quyết dứt điểm hồ sơ đất đai tồn đọng",
        "Báo cáo hồ sơ đất đai đã giải quyết",
        date(2024, 3, 4),
        40,
        3,
        done=-18,
    ),
    Item(
        "000.05.23.H42",
        "tk.tnmt.cv",
        "Cập nhật quy trình nội bộ thủ tục đất đai",
        "Quy trình nội bộ được phê duyệt",
        date(2024, 6, 3),
        30,
        2,
        done=-9,
    ),
    Item(
        "000.05.23.H42",
        "tk.tnmt.cv",
        "Số hóa hồ sơ địa chính",
        "Cơ sở dữ liệu hồ sơ địa chính",
        date(2024, 8, 1),
        60,
        3,
        percent=40,
    ),
    Item(
        "000.07.23.H42",
        "tk.ldtbxh",
        "Chi trả trợ cấp xã hội qua tài khoản",
        "Báo cáo tỷ lệ chi trả qua tài khoản",
        date(2024, 4, 1),
        80,
        2,
        done=6,
    ),
    Item(
        "000.06.23.H42",
        "tk.ktht",
        "Công khai quy hoạch xây dựng trên cổng thông tin",
        "Quy hoạch được đăng trên cổng thông tin huyện",
        date(2024, 5, 6),
        30,
        1,
        done=2,
    ),
    Item(
        "000.11.23.H42",
        "tk.thanhtra",
        "Kiểm tra công vụ tại các cơ quan, đơn vị",
        "Kết luận kiểm tra công vụ",
        date(2024, 9, 3),
        40,
        2,
        done=1,
    ),
    Item(
        "001.23.H42",
        "tk.tttk.chutich",
        "Nâng cao tỷ lệ hồ sơ trực tuyến toàn trình",
        "Báo cáo tỷ lệ hồ sơ trực tuyến",
        date(2024, 4, 1),
        60,
        1,
        done=3,
    ),
    Item(
        "002.23.H42",
        "tk.kyson.chutich",
        "Niêm yết công khai thủ tục hành chính tại xã",
        "Bảng niêm yết được cập nhật",
        date(2024, 3, 11),
        20,
        1,
        done=2,
    ),
)


@dataclass(frozen=True)
class Milestone:
    """A remedy-plan milestone, placed around now: it starts ``start_days`` working days
    ago and lasts ``working_days``; ``done`` / ``percent`` as for ``Item``."""

    agency: str
    assignee: str
    title: str
    deliverable: str
    start_days: int
    working_days: int
    weight: int
    done: int | None = None
    percent: int = 0


REMEDY: tuple[Milestone, ...] = (
    Milestone(
        "000.02.23.H42",
        "tk.noivu",
        "Phát động sáng kiến cải cách hành chính",
        "Quyết định công nhận sáng kiến CCHC",
        60,
        25,
        2,
        done=2,
    ),
    Milestone(
        "000.01.23.H42",
        "tk.vp",
        "Giải quyết dứt điểm hồ sơ trễ hạn, xin lỗi công dân",
        "Báo cáo hồ sơ trễ hạn đã xử lý và thư xin lỗi",
        50,
        30,
        3,
        done=4,
    ),
    Milestone(
        "000.01.23.H42",
        "tk.vp",
        "Số hóa 100 % hồ sơ, kết quả giải quyết TTHC",
        "Báo cáo tỷ lệ số hóa hồ sơ",
        30,
        45,
        3,
        percent=55,
    ),
    Milestone(
        "000.02.23.H42",
        "tk.noivu.cv",
        "Đổi mới công tác thông tin, tuyên truyền CCHC",
        "Chuyên mục CCHC trên cổng thông tin và đài truyền thanh",
        40,
        30,
        2,
        percent=20,
    ),
)

# the broadcast's agencies (all with a head) and how far each got: approved, submitted,
# in progress, or None (not started)
BROADCAST: tuple[tuple[str, str | None], ...] = (
    ("000.01.23.H42", "approved"),
    ("000.02.23.H42", "approved"),
    ("000.03.23.H42", "approved"),
    ("000.05.23.H42", "in_progress"),
    ("000.06.23.H42", "submitted"),
    ("000.07.23.H42", "approved"),
    ("000.11.23.H42", "approved"),
    ("001.23.H42", "approved"),
    ("002.23.H42", None),
)


@dataclass
class TaskDemoResult:
    skipped: bool = False
    programme_items: int = 0
    milestones: int = 0
    broadcast: int = 0
    broadcast_done: int = 0
    plans: list[Plan] = field(default_factory=list)


class _Clock:
    def __init__(self, engine: WorkingTime) -> None:
        self.engine = engine

    def morning(self, day: date) -> datetime:
        return self.engine.effective_start(datetime.combine(day, time(0, 0), tzinfo=self.engine.tz))

    def days_after(self, moment: datetime, days: int) -> datetime:
        return self.engine.due_after_days(self.engine.effective_start(moment), days)

    def days_before(self, moment: datetime, days: int) -> datetime:
        """About ``days`` working days before ``moment`` (calendar days stepped back)."""
        day = timezone.localtime(moment).date()
        while days > 0:
            day -= timedelta(days=1)
            if self.engine.is_working_day(day):
                days -= 1
        return self.morning(day)


def _people(usernames: set[str]) -> dict[str, Official]:
    return {o.username: o for o in Official.objects.filter(username__in=usernames)}


def _agencies(codes: set[str]) -> dict[str, Agency]:
    return {a.code: a for a in Agency.objects.select_related("unit").filter(code__in=codes)}


def _finish(
    task: Task,
    clock: _Clock,
    approver: Official,
    done: int | None,
    percent: int,
    now: datetime,
    *,
    approve: bool = True,
) -> bool:
    """Drive a task to its demo end; True when approved."""
    assignee = task.assignee
    if done is None:
        if percent:
            at = min(clock.days_after(task.start, 3), now)
            services.task_act(
                task=task,
                actor=assignee,
                action="progress",
                payload={"percent": percent, "note": "Đang triển khai"},
                at=at,
            )
        return False
    if done >= 0:
        submitted = clock.days_before(task.due_at, done) + timedelta(hours=2)
    else:
        submitted = clock.days_after(task.due_at, -done)
    submitted = max(submitted, task.start + timedelta(hours=1))
    if submitted >= now:
        return False
    services.task_act(
        task=task,
        actor=assignee,
        action="progress",
        payload={"percent": 50, "note": "Đã hoàn thành một nửa khối lượng"},
        at=max(task.start, submitted - timedelta(days=3)),
    )
    services.task_act(
        task=task,
        actor=assignee,
        action="submit",
        payload={"deliverable": task.deliverable, "note": "Đã hoàn thành"},
        at=submitted,
    )
    approved = clock.days_after(submitted, 1)
    if not approve or approved >= now:
        return False
    services.task_act(
        task=task, actor=approver, action="approve", payload={"note": "Đồng ý"}, at=approved
    )
    return True


@transaction.atomic
def seed_tasks(*, now: datetime | None = None) -> TaskDemoResult:
    """Idempotent: when Tân Kỳ's 2024 programme exists, nothing is written."""
    result = TaskDemoResult()
    unit = AdministrativeUnit.objects.filter(code="423").first()
    if unit is None or Plan.objects.filter(unit=unit, title=PROGRAMME_TITLE).exists():
        result.skipped = True
        return result
    now = now or timezone.now()
    clock = _Clock(org_selectors.working_time_for_unit(unit=unit))
    people = _people(
        {i.assignee for i in PROGRAMME} | {m.assignee for m in REMEDY} | {"tk.chutich"}
    )
    chairman = people["tk.chutich"]
    agencies = _agencies(
        {i.agency for i in PROGRAMME} | {m.agency for m in REMEDY} | {c for c, _s in BROADCAST}
    )

    programme = services.plan_create(
        actor=chairman,
        data=services.PlanData(
            kind=PlanKind.PROGRAMME, unit=unit, year=2024, title=PROGRAMME_TITLE
        ),
    )
    for item in PROGRAMME:
        start = clock.morning(item.start)
        added = services.plan_add_item(
            actor=chairman,
            plan=programme,
            data=_data(
                item.title,
                item.deliverable,
                people[item.assignee],
                agencies[item.agency],
                chairman,
                start,
                item.working_days,
            ),
            weight=item.weight,
            at=start,
        )
        _finish(added.task, clock, chairman, item.done, item.percent, now)
        result.programme_items += 1

    remedy = services.plan_create(
        actor=chairman,
        data=services.PlanData(
            kind=PlanKind.REMEDY_PLAN,
            unit=unit,
            year=timezone.localtime(now).year,
            title=REMEDY_TITLE,
            basis=REMEDY_BASIS,
        ),
    )
    for milestone in REMEDY:
        start = clock.days_before(now, milestone.start_days)
        added = services.plan_add_item(
            actor=chairman,
            plan=remedy,
            data=_data(
                milestone.title,
                milestone.deliverable,
                people[milestone.assignee],
                agencies[milestone.agency],
                chairman,
                start,
                milestone.working_days,
            ),
            weight=milestone.weight,
            at=start,
        )
        _finish(added.task, clock, chairman, milestone.done, milestone.percent, now)
        result.milestones += 1

    issued = clock.days_before(now, 25)
    broadcast = services.task_broadcast(
        actor=chairman,
        agencies=[agencies[c] for c, _s in BROADCAST],
        data=services.TaskData(
            title=BROADCAST_TITLE,
            description=(
                "100 % các phòng, ban, đơn vị và địa phương rà soát, hoàn thiện trong quy chế "
                "làm việc nội dung lãnh đạo, chỉ đạo cải cách hành chính và giao trách nhiệm "
                "cho người đứng đầu."
            ),
            approver=chairman,
            start=issued,
            working_days=30,
            deliverable="Quy chế làm việc được sửa đổi, bổ sung",
        ),
        at=issued,
    )
    state = dict(BROADCAST)
    for task in broadcast.tasks.select_related("lead_agency", "assignee").order_by("pk"):
        end = state[task.lead_agency.code]
        result.broadcast += 1
        if end == "approved":
            result.broadcast_done += _finish(task, clock, chairman, 12, 0, now)
        elif end == "submitted":  # waits for the chairman's approval
            _finish(task, clock, chairman, 8, 0, now, approve=False)
        elif end == "in_progress":
            _finish(task, clock, chairman, None, 30, now)
    result.plans = [programme, remedy]
    return result


def _data(
    title: str,
    deliverable: str,
    assignee: Official,
    agency: Agency,
    approver: Official,
    start: datetime,
    working_days: int,
) -> services.TaskData:
    return services.TaskData(
        title=title,
        description=f"{title}. (Dữ liệu mẫu.)",
        assignee=assignee,
        lead_agency=agency,
        approver=approver,
        start=start,
        working_days=working_days,
        deliverable=deliverable,
    )
