"""The demo's tasks and commitments (on a small dossier volume): Tân Kỳ's 2024 programme,
the remedy plan and the broadcast on operating regulations; the heads' 2024 commitments
signed by both parties and evaluated from the records, the land division's head flagged;
this year's followed live. Seeded once for the module inside a rolled-back transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest
from django.db import transaction

from motcua.commitments.demo import HEADS, LIVE_HEADS, CommitmentDemoResult, seed_commitments
from motcua.commitments.models import CommitmentState, TargetKind, Verdict
from motcua.commitments.selectors import commitment_standing
from motcua.dossiers.demo import seed_dossiers
from motcua.inspections.models import MisconductReport
from motcua.org.demo import load_demo_organisation
from motcua.procedures.demo import load_demo_catalogue
from motcua.tasks.demo import BROADCAST, PROGRAMME, REMEDY, TaskDemoResult, seed_tasks
from motcua.tasks.models import Broadcast, PlanKind, Task, TaskStatus
from motcua.tasks.selectors import broadcast_progress, plan_progress, tasks_of_source
from motcua.tasks.services import plan_source


@dataclass
class Demo:
    tasks: TaskDemoResult
    commitments: CommitmentDemoResult


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_organisation()
        load_demo_catalogue()
        seed_dossiers(scale=0.03)
        yield Demo(tasks=seed_tasks(), commitments=seed_commitments())
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded: Demo, db: Any) -> Demo:
    return seeded


def test_the_programme_and_the_remedy_plan_are_plans_of_tasks(demo):
    programme, remedy = demo.tasks.plans
    assert (programme.kind, programme.year, programme.unit.code) == (
        PlanKind.PROGRAMME,
        2024,
        "423",
    )
    assert remedy.kind == PlanKind.REMEDY_PLAN
    assert "chuyển đổi số" in remedy.basis
    assert programme.items.count() == len(PROGRAMME) == demo.tasks.programme_items
    assert remedy.items.count() == len(REMEDY) == demo.tasks.milestones
    for plan in (programme, remedy):
        tasks = set(tasks_of_source(source_kind=plan.kind, source=plan_source(plan)))
        assert tasks == {i.task for i in plan.items.select_related("task")}
        for task in tasks:
            assert task.events.filter(seq=1, action="assign").exists()


def test_the_plans_progress_is_the_weighted_roll_up_of_their_items(demo):
    for plan in demo.tasks.plans:
        items = list(plan.items.select_related("task"))
        weight = sum(i.weight for i in items)
        expected = sum(
            i.weight * (100 if i.task.status == TaskStatus.APPROVED else i.task.percent)
            for i in items
        )
        done = sum(i.weight * 100 for i in items if i.task.status == TaskStatus.APPROVED)
        progress = plan_progress(plan=plan)
        assert (progress.weight, progress.progress, progress.done) == (
            weight,
            expected / weight,
            done / weight,
        )
        assert progress.done is not None
        assert 0 < progress.done < 100  # some done, some not: the demo shows both


def test_the_operating_regulations_broadcast_is_done_by_some_agencies_only(demo):
    broadcast = Broadcast.objects.get(title__startswith="Rà soát, hoàn thiện quy chế")
    progress = broadcast_progress(broadcast=broadcast)
    approved = sum(1 for _c, end in BROADCAST if end == "approved")
    assert (progress.count, progress.done) == (len(BROADCAST), approved)
    assert progress.done == demo.tasks.broadcast_done
    assert sorted(t.lead_agency.code for t in progress.not_done) == sorted(
        c for c, end in BROADCAST if end != "approved"
    )


def test_every_head_signed_a_2024_commitment_that_was_evaluated_from_the_records(demo):
    done = demo.commitments.commitments
    assert sorted(c.head.username for c in done) == sorted(u for _c, u, _s in HEADS)
    for c in done:
        assert c.state == CommitmentState.EVALUATED
        assert c.head_signed_at is not None
        assert c.chairman_signed_at is not None
        assert c.chairman.username == "tk.chutich"
        targets = list(c.targets.all())
        scored = [t for t in targets if t.score is not None]
        total = (sum(t.score for t in scored) * 100 / sum(t.weight for t in scored)).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN
        )
        assert c.total == total
        assert c.verdict == (Verdict.MEETS if total >= c.pass_mark else Verdict.DOES_NOT_MEET)
        assert c.flagged is (c.verdict == Verdict.DOES_NOT_MEET)
        assert list(c.events.values_list("action", flat=True)) == [
            "create",
            "sign",
            "sign",
            "start_evaluation",
            "assess",
            "conclude",
        ]


def test_the_land_divisions_head_does_not_meet_the_requirements(demo):
    [failing] = [c for c in demo.commitments.failing if c.head.username == "tk.tnmt"]
    assert failing.flagged
    targets = {t.metric or t.kind: t for t in failing.targets.all()}
    # the three programme items of the land division: two late, one never finished
    land = Task.objects.filter(lead_agency__code="000.05.23.H42", due_at__year=2024)
    on_time = [
        t
        for t in land
        if t.status == TaskStatus.APPROVED
        and t.finished_at is not None
        and t.finished_at <= t.due_at
    ]
    tasks = targets["task_on_time_rate"]
    assert (tasks.numerator, tasks.denominator, tasks.score) == (len(on_time), land.count(), 0)
    assert (len(on_time), land.count()) == (0, 3)
    reports = targets["misconduct_substantiated"]
    substantiated = MisconductReport.objects.filter(
        agency__code="000.05.23.H42", substantiated=True, closed_at__year=2024
    ).count()
    assert (reports.numerator, reports.score, substantiated) == (1, 0, 1)
    assert targets[TargetKind.ASSESSED].score == 12


def test_this_years_commitments_show_their_standing_live(demo):
    live = demo.commitments.live
    assert sorted(c.agency.code for c in live) == sorted(LIVE_HEADS)
    for c in live:
        assert c.state == CommitmentState.SIGNED
        standing = commitment_standing(commitment=c)
        assert standing.live
        assert all(t.target.value is None for t in standing.targets)  # nothing frozen


def test_seeding_again_writes_nothing(demo):
    tasks, commitments = Task.objects.count(), MisconductReport.objects.count()
    assert seed_tasks().skipped
    assert seed_commitments().skipped
    assert (Task.objects.count(), MisconductReport.objects.count()) == (tasks, commitments)
