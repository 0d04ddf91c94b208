"""Plans: work programmes and remedy plans (SPEC §6). Who may issue them and add items,
every problem named at once, an item is a task whose source is the plan, the weighted
roll-up computed by hand, and the source hook finding exactly the plan's tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.org import services as org_services
from motcua.org.models import AdministrativeUnit, AgencyKind, Official, Role
from motcua.tasks import selectors, services
from motcua.tasks.models import Plan, PlanItem, PlanKind, SourceKind, Task, TaskEvent
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, data, official

AT = vn(2027, 3, 1, 8)


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


@pytest.fixture(autouse=True)
def english() -> Any:
    """The services' messages in English, as their msgids."""
    with translation.override("en"):
        yield


def plan_of(
    tw: TaskWorld,
    *,
    actor: Official | None = None,
    unit: AdministrativeUnit | None = None,
    kind: str = PlanKind.PROGRAMME,
    title: str = "Chương trình công tác năm 2027",
    basis: str = "",
) -> Plan:
    return services.plan_create(
        actor=actor or tw.tnmt_head,
        data=services.PlanData(
            kind=kind, unit=unit or tw.w.dl, year=2027, title=title, basis=basis
        ),
    )


def item_of(
    tw: TaskWorld,
    plan: Plan,
    weight: object = 1,
    *,
    actor: Official | None = None,
    at: datetime = AT,
    **changes: Any,
) -> PlanItem:
    return services.plan_add_item(
        actor=actor or tw.tnmt_head, plan=plan, data=data(tw, **changes), weight=weight, at=at
    )


def act(task: Task, actor: Official, action: str, at: datetime, **payload: Any) -> None:
    services.task_act(task=task, actor=actor, action=action, payload=payload, at=at)


def nothing_written() -> tuple[int, int, int, int]:
    return (
        Plan.objects.count(),
        PlanItem.objects.count(),
        Task.objects.count(),
        TaskEvent.objects.count(),
    )


# -- issuing a plan --------------------------------------------------------------------------


def test_a_programme_is_issued_exactly(tw: TaskWorld) -> None:
    plan = plan_of(tw, title="  Chương trình công tác năm 2027  ")
    plan.refresh_from_db()
    assert (plan.kind, plan.unit, plan.year, plan.title, plan.basis, plan.owner) == (
        "programme",
        tw.w.dl,
        2027,
        "Chương trình công tác năm 2027",
        "",
        tw.tnmt_head,
    )


def test_every_problem_of_a_plan_is_named_at_once(tw: TaskWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(
            actor=tw.w.dl_chutich,
            data=services.PlanData(kind="", unit=None, year=None, title="   "),
        )
    assert caught.value.code == "plan.invalid"
    assert set(caught.value.fields) == {"kind", "unit", "year", "title"}
    assert caught.value.fields["kind"] == ["programme, remedy_plan"]
    assert caught.value.fields["year"] == ["A year from 1990 to 2199."]
    assert caught.value.fields["title"] == ["Required."]
    assert nothing_written() == (0, 0, 0, 0)


def test_a_remedy_plan_states_its_basis(tw: TaskWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(
            actor=tw.w.dl_chutich,
            data=services.PlanData(
                kind=PlanKind.REMEDY_PLAN, unit=None, year=1989, title="x" * 301, basis="  "
            ),
        )
    assert set(caught.value.fields) == {"unit", "year", "title", "basis"}
    assert caught.value.fields["title"] == ["At most 300 characters."]
    assert caught.value.fields["basis"] == [
        "Say which deficiencies the plan remedies and who found them."
    ]
    assert nothing_written() == (0, 0, 0, 0)
    plan = plan_of(
        tw,
        actor=tw.w.dl_chutich,
        kind=PlanKind.REMEDY_PLAN,
        basis=" Kết luận thanh tra 05/KL-TTr: 12 hồ sơ trễ hạn ",
    )
    assert plan.basis == "Kết luận thanh tra 05/KL-TTr: 12 hồ sơ trễ hạn"


@pytest.mark.parametrize(("year", "ok"), [(1989, False), (1990, True), (2199, True), (2200, False)])
def test_the_year_is_one_the_calendar_answers_for(tw: TaskWorld, year: int, ok: bool) -> None:
    plan_data = services.PlanData(kind="programme", unit=tw.w.dl, year=year, title="CT")
    if ok:
        assert services.plan_create(actor=tw.w.dl_chutich, data=plan_data).year == year
        return
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(actor=tw.w.dl_chutich, data=plan_data)
    assert set(caught.value.fields) == {"year"}
    assert nothing_written() == (0, 0, 0, 0)


def _tk_division_head() -> Official:
    tk = AdministrativeUnit.objects.get(code="423")
    division = org_services.agency_create(
        code="TK.TNMT", name="Phòng TN&MT Tân Kỳ", unit=tk, kind=AgencyKind.DIVISION
    )
    return official("tk.tnmt", [(division, Role.UNIT_HEAD)])


def who_is(tw: TaskWorld, who: str) -> Official:
    if who == "tnmt_head":
        return tw.tnmt_head
    if who == "tk_head":
        return _tk_division_head()
    return getattr(tw.w, who)


@pytest.mark.parametrize(
    ("who", "unit", "allowed"),
    [
        ("dl_chutich", "dl", True),  # chairman of the district
        ("dl_chutich", "dl_commune", True),  # ... and of the units below it
        ("tnmt_head", "dl", True),  # head of one of the district's agencies
        ("tnmt_head", "dl_commune", False),  # ... not of the communes below
        ("tk_head", "dl", False),  # a division head of another district
        ("dl_tnmt_cv", "dl", False),  # a handling official
        ("dl_motcua", "dl", False),  # a one-stop officer
        ("dl_admin", "dl", False),  # an administrator manages data, not plans
        ("nobody", "dl", False),
        ("root", "tk", True),
    ],
)
def test_who_may_issue_a_plan(tw: TaskWorld, who: str, unit: str, allowed: bool) -> None:
    actor = who_is(tw, who)
    target = getattr(tw.w, unit)
    assert services.may_plan(official=actor, unit=target) is allowed
    if allowed:
        assert plan_of(tw, actor=actor, unit=target).owner == actor
        return
    with pytest.raises(PermissionDenied) as caught:
        plan_of(tw, actor=actor, unit=target)
    assert caught.value.code == "plan.forbidden"
    assert nothing_written() == (0, 0, 0, 0)


# -- items -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PlanKind.PROGRAMME, PlanKind.REMEDY_PLAN])
def test_an_item_is_a_task_whose_source_is_the_plan(tw: TaskWorld, kind: str) -> None:
    plan = plan_of(tw, kind=kind, basis="KL 05/KL-TTr")
    item = item_of(tw, plan, 7, source_kind=SourceKind.DIRECT, source="ignored")
    item.refresh_from_db()
    task = Task.objects.get()
    assert (item.plan, item.task, item.weight) == (plan, task, 7)
    assert (task.source_kind, task.source) == (kind, f"plan:{plan.pk}")
    assert task.source == services.plan_source(plan)
    assert (task.assignee, task.lead_agency, task.assigner, task.approver) == (
        tw.w.dl_tnmt_cv,
        tw.w.dl_tnmt,
        tw.tnmt_head,
        tw.w.dl_chutich,
    )
    assert task.due_at == vn(2027, 3, 8, 17)
    assert list(task.events.values_list("action", flat=True)) == ["assign"]


def test_an_items_bad_weight_is_named_with_every_missing_ro(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    with pytest.raises(ValidationFailed) as caught:
        services.plan_add_item(
            actor=tw.tnmt_head, plan=plan, data=services.TaskData(), weight=0, at=AT
        )
    assert caught.value.code == "plan.invalid_item"
    assert set(caught.value.fields) == {
        "assignee",
        "title",
        "description",
        "lead_agency",
        "due_at",
        "approver",
        "deliverable",
        "weight",
    }
    assert caught.value.fields["weight"] == ["A whole number from 1 to 100."]
    assert nothing_written() == (1, 0, 0, 0)


def test_missing_ro_of_an_item_are_named_as_for_any_task(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    with pytest.raises(ValidationFailed) as caught:
        item_of(tw, plan, 1, title="", approver=None)
    assert caught.value.code == "task.incomplete"
    assert set(caught.value.fields) == {"title", "approver"}
    assert nothing_written() == (1, 0, 0, 0)


@pytest.mark.parametrize("weight", [0, 101, -1, True, "5", 2.5, None])
def test_a_weight_is_a_whole_number_from_1_to_100(tw: TaskWorld, weight: object) -> None:
    plan = plan_of(tw)
    with pytest.raises(ValidationFailed) as caught:
        item_of(tw, plan, weight)
    assert set(caught.value.fields) == {"weight"}
    assert nothing_written() == (1, 0, 0, 0)


@pytest.mark.parametrize("weight", [1, 100])
def test_weights_of_1_and_100_are_accepted(tw: TaskWorld, weight: int) -> None:
    assert item_of(tw, plan_of(tw), weight).weight == weight


def test_an_items_lead_agency_outside_the_plans_unit_is_refused(tw: TaskWorld) -> None:
    # the chairman may assign to the district's land division, but the plan is the commune's
    plan = plan_of(tw, actor=tw.w.dl_chutich, unit=tw.w.dl_commune)
    with pytest.raises(ValidationFailed) as caught:
        item_of(tw, plan, 2, actor=tw.w.dl_chutich, title="")
    assert caught.value.code == "plan.invalid_item"
    assert caught.value.fields == {
        "title": ["Rõ việc: give the task a title."],
        "lead_agency": ["The lead agency must belong to Xã Đông Sơn."],
    }
    assert nothing_written() == (1, 0, 0, 0)
    # an agency of the commune is accepted
    head = official("ds.head", [(tw.w.dl_commune_ubnd, Role.UNIT_HEAD)])
    item = item_of(
        tw,
        plan,
        2,
        actor=tw.w.dl_chutich,
        lead_agency=tw.w.dl_commune_ubnd,
        assignee=head,
    )
    assert item.task.lead_agency == tw.w.dl_commune_ubnd


def test_an_agency_of_a_sub_unit_may_lead_an_item_of_the_district(tw: TaskWorld) -> None:
    plan = plan_of(tw, actor=tw.w.dl_chutich)
    head = official("ds.head", [(tw.w.dl_commune_ubnd, Role.UNIT_HEAD)])
    item = item_of(
        tw, plan, 1, actor=tw.w.dl_chutich, lead_agency=tw.w.dl_commune_ubnd, assignee=head
    )
    assert item.task.source == services.plan_source(plan)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("tnmt_head", True),  # the issuer
        ("dl_chutich", True),  # may plan for the district
        ("dl_tnmt_cv", False),  # a handling official of the lead agency
        ("tk_motcua", False),
        ("nobody", False),
    ],
)
def test_who_may_add_an_item(tw: TaskWorld, who: str, allowed: bool) -> None:
    plan = plan_of(tw)
    actor = who_is(tw, who)
    if allowed:
        assert item_of(tw, plan, 1, actor=actor).task.assigner == actor
        return
    with pytest.raises(PermissionDenied) as caught:
        item_of(tw, plan, 1, actor=actor)
    assert caught.value.code == "plan.forbidden"
    assert nothing_written() == (1, 0, 0, 0)


def test_an_issuer_still_needs_the_right_to_assign_to_the_lead_agency(tw: TaskWorld) -> None:
    plan = plan_of(tw)  # by the land division's head
    with pytest.raises(PermissionDenied) as caught:
        item_of(tw, plan, 1, lead_agency=tw.w.dl_ubnd, assignee=tw.w.dl_chutich)
    assert caught.value.code == "task.forbidden"
    assert nothing_written() == (1, 0, 0, 0)


# -- the weighted roll-up ------------------------------------------------------------------


def test_the_roll_up_is_the_weighted_progress_without_cancelled_items(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    done = item_of(tw, plan, 3, title="A").task
    half = item_of(tw, plan, 1, title="B").task
    item_of(tw, plan, 2, title="C", working_days=1)  # due on the first working day
    dropped = item_of(tw, plan, 5, title="D").task
    cv, head, chairman = tw.w.dl_tnmt_cv, tw.tnmt_head, tw.w.dl_chutich
    act(done, cv, "submit", vn(2027, 3, 3, 9), deliverable="QĐ 1")
    act(done, chairman, "approve", vn(2027, 3, 3, 10))
    act(half, cv, "progress", vn(2027, 3, 2, 9), percent=40)
    act(dropped, cv, "progress", vn(2027, 3, 2, 9), percent=70)
    act(dropped, head, "cancel", vn(2027, 3, 2, 10), reason="Không còn cần")

    progress = selectors.plan_progress(plan=plan, now=vn(2027, 3, 4, 8))

    # by hand: the cancelled item (weight 5) does not count; approved counts 100
    # weight = 3 + 1 + 2 = 6; Σ weight × progress = 3×100 + 1×40 + 2×0 = 340
    assert progress.weight == 6
    assert progress.progress == 340 / 6
    assert round(progress.progress, 2) == 56.67
    # done: the approved item's weight, 3 of 6
    assert progress.done == 50.0
    assert progress.by_timeliness == {"early": 1, "in_time": 1, "overdue": 1}
    # every item is shown, ordered by due time, the cancelled one included
    assert [(r.task.title, r.item.weight, r.progress) for r in progress.rows] == [
        ("C", 2, 0),
        ("A", 3, 100),
        ("B", 1, 40),
        ("D", 5, 70),
    ]
    assert [r.timeliness.value if r.timeliness else None for r in progress.rows] == [
        "overdue",
        "early",
        "in_time",
        None,
    ]


def test_a_plan_without_a_counting_item_has_no_progress(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    empty = selectors.plan_progress(plan=plan, now=vn(2027, 3, 4, 8))
    assert (empty.weight, empty.progress, empty.done, empty.by_timeliness, empty.rows) == (
        0,
        None,
        None,
        {},
        [],
    )
    task = item_of(tw, plan, 4).task
    act(task, tw.tnmt_head, "cancel", vn(2027, 3, 2, 10), reason="Bỏ")
    cancelled = selectors.plan_progress(plan=plan, now=vn(2027, 3, 4, 8))
    assert (cancelled.weight, cancelled.progress, cancelled.done) == (0, None, None)
    assert len(cancelled.rows) == 1


def test_the_roll_up_reads_a_bounded_number_of_queries(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    for _ in range(2):
        item_of(tw, plan)
    with CaptureQueriesContext(connection) as two:
        selectors.plan_progress(plan=plan, now=vn(2027, 3, 4, 8))
    for _ in range(6):
        item_of(tw, plan)
    with CaptureQueriesContext(connection) as eight:
        rows = selectors.plan_progress(plan=plan, now=vn(2027, 3, 4, 8)).rows
    assert len(rows) == 8
    assert len(eight) == len(two)


# -- the source hook -------------------------------------------------------------------------


def test_tasks_of_source_finds_exactly_the_plans_tasks(tw: TaskWorld) -> None:
    programme = plan_of(tw)
    remedy = plan_of(tw, kind=PlanKind.REMEDY_PLAN, basis="KL 05/KL-TTr")
    mine = {item_of(tw, programme).task.pk, item_of(tw, programme).task.pk}
    other = item_of(tw, remedy).task
    # a direct task that names the same reference is not the plan's
    services.task_create(
        actor=tw.tnmt_head,
        data=data(tw, source=services.plan_source(programme)),
        at=AT,
    )
    found = selectors.tasks_of_source(
        source_kind=programme.kind, source=services.plan_source(programme)
    )
    assert {t.pk for t in found} == mine
    assert {
        t.pk
        for t in selectors.tasks_of_source(
            source_kind=remedy.kind, source=services.plan_source(remedy)
        )
    } == {other.pk}
    assert set(PlanItem.objects.filter(plan=programme).values_list("task_id", flat=True)) == mine


def test_a_result_sent_back_no_longer_counts_as_done_in_the_plan(tw: TaskWorld) -> None:
    plan = plan_of(tw)
    task = item_of(tw, plan, 2).task
    act(task, tw.w.dl_tnmt_cv, "progress", vn(2027, 3, 2, 9), percent=30)
    act(task, tw.w.dl_tnmt_cv, "submit", vn(2027, 3, 3, 9), deliverable="Dự thảo")
    assert selectors.plan_progress(plan=plan).progress == 100
    act(task, tw.w.dl_chutich, "return", vn(2027, 3, 3, 15), note="Làm lại")
    progress = selectors.plan_progress(plan=plan)
    assert (progress.progress, progress.done) == (30, 0)
    assert selectors.plans_rollup(plans=[plan])[plan.pk].progress == 30


def test_a_plan_shows_its_items_but_only_the_tasks_the_viewer_may_see(
    tw: TaskWorld, api: Any
) -> None:
    """The land division's head sees the district's plan and his division's task, but of the
    commune's task only its title, agency, due time and progress."""
    plan = plan_of(tw, actor=tw.w.dl_chutich)
    head = official("ds.head", [(tw.w.dl_commune_ubnd, Role.UNIT_HEAD)])
    commune = item_of(
        tw,
        plan,
        1,
        actor=tw.w.dl_chutich,
        lead_agency=tw.w.dl_commune_ubnd,
        assignee=head,
        description="Nội dung riêng của xã",
    ).task
    own = item_of(tw, plan, 1, actor=tw.w.dl_chutich).task
    viewer = tw.tnmt_head
    rows = {r.task.pk: r.visible for r in selectors.plan_progress(plan=plan, official=viewer).rows}
    assert rows == {commune.pk: False, own.pk: True}
    answer = api("get", f"/plans/{plan.pk}", viewer).json()
    shown = {i["task"]["id"]: i["task"] for i in answer["items"]}
    assert set(shown[commune.pk]) == {
        "id",
        "title",
        "lead_agency",
        "due_at",
        "status",
        "timeliness",
        "percent",
    }
    assert "Nội dung riêng của xã" not in str(answer)
    assert "description" in shown[own.pk]
    client = Client()
    client.force_login(viewer)
    page = client.get(f"/tasks/plans/{plan.pk}/").content.decode()
    assert f'href="/tasks/{commune.pk}/"' not in page
    assert f'href="/tasks/{own.pk}/"' in page
