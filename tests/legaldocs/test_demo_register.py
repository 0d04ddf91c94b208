"""The demo's legal register, review and inspection (on a small dossier volume): the
review summary is the seed's 21 / 14 / 1 / 0 counted from outcome records, the register's
statuses follow the approved outcomes, every proposal and every recommendation is a task
with the six "rõ", and the inspection's remedies stand as the demo says. Seeded once for
the module inside a rolled-back transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from motcua.dossiers.demo import seed_dossiers
from motcua.inspections.demo import STATES, InspectionDemoResult, seed_inspections
from motcua.inspections.models import Recommendation, RecommendationState
from motcua.legaldocs.demo import LegalDemoResult, seed_legal_documents
from motcua.legaldocs.models import PROPOSALS, DocumentStatus, LegalDocument, ReviewOutcome
from motcua.legaldocs.selectors import review_summary
from motcua.org.demo import load_demo_organisation
from motcua.procedures.demo import load_demo_catalogue
from motcua.tasks.models import Task


@dataclass
class Demo:
    legal: LegalDemoResult
    inspection: InspectionDemoResult


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_organisation()
        load_demo_catalogue()
        seed_dossiers(scale=0.03)
        yield Demo(legal=seed_legal_documents(), inspection=seed_inspections())
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded: Demo, db: Any) -> Demo:
    return seeded


def six_ro(task: Task) -> None:
    assert task.assignee_id  # rõ người
    assert task.lead_agency_id
    assert task.title.strip()  # rõ việc
    assert task.description.strip()
    assert task.assigner_id  # rõ trách nhiệm
    assert task.start < task.due_at  # rõ thời gian
    assert task.approver_id  # rõ thẩm quyền
    assert task.deliverable.strip()  # rõ kết quả


def test_the_review_summary_is_the_seeds_counted_from_outcome_records(demo):
    review = demo.legal.review
    assert review is not None
    summary = review_summary(review=review)
    records = ReviewOutcome.objects.filter(review=review)
    assert summary.counts["expired_whole"] == records.filter(outcome="expired_whole").count()
    assert (
        summary.counts["expired_whole"],
        summary.counts["in_force"],
        summary.counts["propose_amend"] + summary.counts["propose_replace"],
        summary.counts["propose_repeal"],
    ) == (21, 14, 1, 0)
    assert (
        summary.total == records.count() == LegalDocument.objects.filter(unit=review.unit).count()
    )


def test_the_register_follows_the_approved_outcomes(demo):
    review = demo.legal.review
    assert review is not None
    assert review.state == "approved"
    for row in ReviewOutcome.objects.filter(review=review).select_related("document"):
        expected = (
            DocumentStatus.EXPIRED if row.outcome == "expired_whole" else DocumentStatus.IN_FORCE
        )
        assert row.document.status == expected, row.document.number


def test_every_proposal_and_every_recommendation_is_a_task_with_the_six_ro(demo):
    proposals = ReviewOutcome.objects.filter(outcome__in=list(PROPOSALS))
    assert proposals.count() == 1
    for row in proposals:
        assert row.task is not None
        six_ro(row.task)
        assert row.task.source == f"legal-review:{row.review_id}"
    recommendations = list(Recommendation.objects.select_related("task"))
    assert len(recommendations) == demo.inspection.recommendations == 8
    for rec in recommendations:
        six_ro(rec.task)
        assert rec.task.source == f"recommendation:{rec.pk}"


def test_the_inspections_remedies_stand_as_the_demo_says(demo):
    closed = Recommendation.objects.filter(state=RecommendationState.CLOSED)
    assert closed.count() == demo.inspection.closed == list(STATES.values()).count("closed")
    for rec in closed:
        assert list(rec.events.values_list("action", flat=True)) == ["give", "verify", "close"]
    again = [r for r in Recommendation.objects.all() if r.events.filter(action="give_again")]
    assert len(again) == 1
    assert again[0].state == RecommendationState.OPEN
    assert Task.objects.filter(source=f"recommendation:{again[0].pk}").count() == 2


def test_seeding_again_writes_nothing(demo):
    documents, tasks = LegalDocument.objects.count(), Task.objects.count()
    assert seed_legal_documents().skipped
    assert seed_inspections().skipped
    assert (LegalDocument.objects.count(), Task.objects.count()) == (documents, tasks)
