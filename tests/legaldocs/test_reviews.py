"""Reviews (SPEC §8): a legal officer opens a review of the unit's register and records
one outcome a document, with its reason, base document and reviewer; every proposal gives
a follow-up task with the six "rõ" whose source is the review; the chairman approves, and
the register's statuses (and the year's list of expired documents) follow the outcomes.
The summary is counted from the outcome records."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.legaldocs import selectors, services
from motcua.legaldocs.models import (
    PROPOSALS,
    DocumentStatus,
    LegalDocument,
    LegalReview,
    Outcome,
    ReviewOutcome,
    ReviewState,
)
from motcua.org.models import Role
from motcua.tasks.models import SourceKind, Task, TaskStatus
from tests.dossiers.world import vn
from tests.legaldocs.world import AT, LegalWorld, build, documents, record, register, review
from tests.tasks.world import official

APPROVED_AT = vn(2027, 6, 30, 10)
ZERO = dict.fromkeys(Outcome.values, 0)


@pytest.fixture
def lw(world: Any) -> LegalWorld:
    return build(world)


# -- opening a review ---------------------------------------------------------------------


def test_a_legal_officer_opens_a_review_of_the_unit_exactly(lw: LegalWorld) -> None:
    rv = review(lw)
    rv.refresh_from_db()
    assert (
        rv.unit_id,
        rv.title,
        rv.kind,
        rv.trigger_id,
        rv.created_by_id,
        rv.created_at,
        rv.state,
        rv.approved_by_id,
        rv.approved_at,
    ) == (
        lw.w.dl.pk,
        "Rà soát định kỳ năm 2027",
        "periodic",
        None,
        lw.dl_phaply.pk,
        AT,
        "open",
        None,
        None,
    )


def test_a_triggered_review_names_its_new_base_document(lw: LegalWorld) -> None:
    base = register(lw, number="3/2027/NQ-HĐND", kind="resolution", title="Nghị quyết mới")
    rv = review(lw, kind="triggered", trigger=base, title="Rà soát theo Nghị quyết mới")
    assert (rv.kind, rv.trigger_id) == ("triggered", base.pk)
    # a periodic review keeps no trigger even when one is given
    assert review(lw, trigger=base).trigger_id is None


def test_every_problem_of_a_review_is_named_at_once(lw: LegalWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.legal_review_create(actor=lw.dl_phaply, unit=None, title=" ", kind="monthly")
    assert caught.value.fields == {
        "title": ["Required."],
        "unit": ["Choose the unit."],
        "kind": ["periodic, thematic, triggered"],
    }
    with pytest.raises(ValidationFailed) as triggered:
        review(lw, kind="triggered")
    assert triggered.value.fields == {
        "trigger": ["Name the new base document that calls for the review."]
    }
    assert LegalReview.objects.count() == 0


@pytest.mark.parametrize("who", ["tk_phaply", "dl_chutich", "dl_motcua", "nobody"])
def test_only_the_units_legal_officers_open_its_reviews(lw: LegalWorld, who: str) -> None:
    actor = getattr(lw, who, None) or getattr(lw.w, who)
    with pytest.raises(PermissionDenied) as caught:
        review(lw, actor=actor)
    assert caught.value.code == "legal.forbidden"
    assert LegalReview.objects.count() == 0


# -- outcomes -----------------------------------------------------------------------------


def test_an_outcome_is_recorded_with_its_reason_base_document_and_reviewer(
    lw: LegalWorld,
) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    o = record(lw, rv, d, "in_force", reason="  Vẫn phù hợp.  ", base_document="Luật 2024")
    o.refresh_from_db()
    assert (
        o.review_id,
        o.document_id,
        o.outcome,
        o.reason,
        o.base_document,
        o.reviewer_id,
        o.recorded_at,
        o.task_id,
    ) == (rv.pk, d.pk, "in_force", "Vẫn phù hợp.", "Luật 2024", lw.dl_phaply.pk, AT, None)


def test_every_problem_of_an_outcome_is_named_at_once(lw: LegalWorld) -> None:
    rv = review(lw)
    with pytest.raises(ValidationFailed) as caught:
        services.review_outcome_record(
            actor=lw.dl_phaply,
            review=rv,
            document=None,
            outcome="obsolete",
            reason="",
            base_document="b" * 301,
        )
    assert caught.value.fields == {
        "outcome": [", ".join(Outcome.values)],
        "reason": ["Required."],
        "base_document": ["At most 300 characters."],
        "document": ["Choose the document."],
    }
    assert ReviewOutcome.objects.count() == 0


def test_a_document_of_another_unit_is_refused(lw: LegalWorld) -> None:
    tk_doc = register(lw, unit=lw.w.tk)
    rv = review(lw)
    with pytest.raises(ValidationFailed) as caught:
        record(lw, rv, tk_doc, "in_force")
    assert caught.value.fields == {"document": ["The document is not in this unit's register."]}
    assert ReviewOutcome.objects.count() == 0


def test_a_document_has_one_outcome_in_a_review_409(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    first = record(lw, rv, d, "in_force")
    with pytest.raises(Conflict) as caught:
        record(lw, rv, d, "propose_repeal")
    assert caught.value.code == "legal.outcome_recorded"
    assert list(ReviewOutcome.objects.values_list("pk", "outcome")) == [(first.pk, "in_force")]
    assert Task.objects.count() == 0
    # another review of the same unit records its own outcome for it
    assert record(lw, review(lw, title="Rà soát chuyên đề", kind="thematic"), d, "in_force").pk


@pytest.mark.parametrize("who", ["tk_phaply", "dl_chutich", "dl_motcua", "nobody"])
def test_only_the_units_legal_officers_record_outcomes(lw: LegalWorld, who: str) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    actor = getattr(lw, who, None) or getattr(lw.w, who)
    with pytest.raises(PermissionDenied):
        record(lw, rv, d, "propose_amend", actor=actor)
    assert ReviewOutcome.objects.count() == 0
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    ("outcome", "label", "deliverable"),
    [
        (
            "propose_amend",
            "Propose amendment or supplement",
            "Draft of the amending or supplementing document",
        ),
        ("propose_replace", "Propose replacement", "Draft of the replacing document"),
        ("propose_repeal", "Propose repeal", "Draft of the repealing document"),
        ("propose_suspend", "Propose suspension", "Draft decision to suspend the document"),
        ("propose_new", "Propose a new document", "Draft of the new document"),
    ],
)
def test_each_proposal_gives_its_reviewer_a_task_with_the_six_ro(
    lw: LegalWorld, outcome: str, label: str, deliverable: str
) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    o = record(lw, rv, d, outcome, reason="Không còn phù hợp với Luật Đất đai 2024.")
    task = Task.objects.get()
    assert o.task_id == task.pk
    # rõ người, rõ việc, rõ trách nhiệm, rõ thời gian, rõ thẩm quyền, rõ kết quả
    assert task.assignee_id == lw.dl_phaply.pk
    assert task.title == f"{label}: 1/2020/QĐ"
    assert task.description == (
        "1/2020/QĐ Quyết định số 1 về thủ tục hành chính\n\n"
        "Không còn phù hợp với Luật Đất đai 2024."
    )
    assert task.lead_agency_id == lw.dl_tp.pk
    assert task.assigner_id == rv.created_by_id == lw.dl_phaply.pk
    assert task.start == AT
    # 30 working days after Monday 1 March 2027, the day itself not counted
    assert task.due_at == vn(2027, 4, 12, 17)
    assert task.approver_id == lw.w.dl_chutich.pk
    assert task.deliverable == deliverable
    assert (task.source_kind, task.source) == (SourceKind.LEGAL_REVIEW, f"legal-review:{rv.pk}")
    assert task.status == TaskStatus.ASSIGNED


def test_a_proposal_follow_up_takes_what_is_given(lw: LegalWorld) -> None:
    cv = official("dl.tp.cv", [(lw.dl_tp, Role.HANDLING_OFFICIAL)])
    [d] = documents(lw, 1)
    rv = review(lw)
    record(
        lw,
        rv,
        d,
        "propose_replace",
        follow_up=services.FollowUp(
            assignee=cv,
            lead_agency=lw.dl_tp,
            approver=lw.w.dl_chutich,
            due_at=vn(2027, 5, 31, 17),
            deliverable="Dự thảo quyết định thay thế",
        ),
    )
    task = Task.objects.get()
    assert (
        task.assignee_id,
        task.lead_agency_id,
        task.approver_id,
        task.due_at,
        task.deliverable,
    ) == (
        cv.pk,
        lw.dl_tp.pk,
        lw.w.dl_chutich.pk,
        vn(2027, 5, 31, 17),
        "Dự thảo quyết định thay thế",
    )


def test_a_follow_up_the_task_rules_refuse_records_nothing(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    with pytest.raises(ValidationFailed) as caught:
        record(
            lw,
            rv,
            d,
            "propose_amend",
            follow_up=services.FollowUp(assignee=lw.w.dl_motcua, lead_agency=lw.dl_tp),
        )
    assert caught.value.fields == {
        "assignee": ["The responsible official must work in the lead agency."]
    }
    assert ReviewOutcome.objects.count() == 0
    assert Task.objects.count() == 0


@pytest.mark.parametrize("outcome", ["in_force", "expired_whole", "expired_part"])
def test_an_outcome_that_proposes_nothing_gives_no_task(lw: LegalWorld, outcome: str) -> None:
    [d] = documents(lw, 1)
    o = record(lw, review(lw), d, outcome)
    assert o.task_id is None
    assert Task.objects.count() == 0


def test_proposals_are_exactly_the_five_propose_outcomes() -> None:
    assert {str(p) for p in PROPOSALS} == {o for o in Outcome.values if o.startswith("propose_")}


# -- the summary --------------------------------------------------------------------------


def test_the_summary_counts_the_outcome_records_with_every_outcome_named(lw: LegalWorld) -> None:
    docs = documents(lw, 6)
    rv = review(lw)
    other = review(lw, title="Rà soát khác")
    for d, outcome in zip(
        docs,
        [
            "expired_whole",
            "expired_whole",
            "expired_whole",
            "in_force",
            "in_force",
            "propose_amend",
        ],
        strict=True,
    ):
        record(lw, rv, d, outcome)
    record(lw, other, docs[0], "propose_repeal")  # another review's records are not counted
    summary = selectors.review_summary(review=rv)
    assert summary.counts == {**ZERO, "expired_whole": 3, "in_force": 2, "propose_amend": 1}
    assert list(summary.counts) == Outcome.values
    assert summary.counts["propose_repeal"] == 0
    assert summary.total == 6
    assert selectors.review_summary(review=review(lw, title="Trống")).counts == ZERO


def test_the_seeds_review_of_tan_ky_21_14_1_0(lw: LegalWorld) -> None:
    """SPEC §8: 21 expired, 14 still in force unchanged, 1 proposed for amendment or
    replacement, 0 proposed for repeal, every figure from records."""
    docs = documents(lw, 36, unit=lw.w.tk)
    rv = review(lw, actor=lw.tk_phaply, unit=lw.w.tk)
    outcomes = ["expired_whole"] * 21 + ["in_force"] * 14 + ["propose_replace"]
    for d, outcome in zip(docs, outcomes, strict=True):
        record(lw, rv, d, outcome, actor=lw.tk_phaply)
    counts = selectors.review_summary(review=rv).counts
    expired = counts["expired_whole"] + counts["expired_part"]
    amend_or_replace = counts["propose_amend"] + counts["propose_replace"]
    assert (expired, counts["in_force"], amend_or_replace, counts["propose_repeal"]) == (
        21,
        14,
        1,
        0,
    )


# -- approval -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["tk_chutich", "dl_phaply", "tk_phaply", "dl_motcua", "nobody"])
def test_only_the_chairman_over_the_unit_approves(lw: LegalWorld, who: str) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    record(lw, rv, d, "expired_whole")
    actor = getattr(lw, who, None) or getattr(lw.w, who)
    with pytest.raises(PermissionDenied):
        services.legal_review_approve(actor=actor, review=rv, at=APPROVED_AT)
    rv.refresh_from_db()
    assert (rv.state, rv.approved_by_id, rv.approved_at) == (ReviewState.OPEN, None, None)
    assert LegalDocument.objects.get(pk=d.pk).status == DocumentStatus.IN_FORCE


def test_approval_brings_the_register_in_line_with_the_outcomes_exactly(lw: LegalWorld) -> None:
    whole = register(lw, number="1/2015/QĐ", title="Hết hiệu lực toàn bộ")
    whole_dated = register(
        lw, number="2/2015/QĐ", title="Hết hiệu lực, có hạn", expires_on=date(2030, 1, 1)
    )
    part = register(lw, number="3/2015/QĐ", title="Hết hiệu lực một phần")
    kept = register(lw, number="4/2015/QĐ", title="Còn hiệu lực")
    repeal = register(lw, number="5/2015/QĐ", title="Đề nghị bãi bỏ")
    untouched = register(lw, number="6/2015/QĐ", title="Không rà soát")
    rv = review(lw)
    for d, outcome in [
        (whole, "expired_whole"),
        (whole_dated, "expired_whole"),
        (part, "expired_part"),
        (kept, "in_force"),
        (repeal, "propose_repeal"),
    ]:
        record(lw, rv, d, outcome)
    approved = services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=APPROVED_AT)
    assert (approved.state, approved.approved_by_id, approved.approved_at) == (
        ReviewState.APPROVED,
        lw.w.dl_chutich.pk,
        APPROVED_AT,
    )
    day = date(2027, 6, 30)
    rows = {d.number: (d.status, d.status_since, d.expires_on) for d in LegalDocument.objects.all()}
    assert rows == {
        "1/2015/QĐ": (DocumentStatus.EXPIRED, day, day),
        "2/2015/QĐ": (DocumentStatus.EXPIRED, day, day),  # ceased now, not in 2030
        "3/2015/QĐ": (DocumentStatus.PARTLY_EXPIRED, day, None),
        "4/2015/QĐ": (DocumentStatus.IN_FORCE, None, None),
        "5/2015/QĐ": (DocumentStatus.IN_FORCE, None, None),
        "6/2015/QĐ": (DocumentStatus.IN_FORCE, None, None),
    }
    assert untouched.pk in {d.pk for d in LegalDocument.objects.filter(status="in_force")}


def test_the_years_expired_list_follows_the_approval(lw: LegalWorld) -> None:
    whole = register(lw, number="1/2015/QĐ", title="Hết hiệu lực toàn bộ")
    part = register(lw, number="3/2015/QĐ", title="Hết hiệu lực một phần")
    register(lw, number="4/2015/QĐ", title="Còn hiệu lực")
    dated = register(lw, number="7/2016/QĐ", title="Có hạn 2026", expires_on=date(2026, 8, 1))
    register(lw, unit=lw.w.tk, number="8/2016/QĐ", expires_on=date(2027, 2, 1))  # Tân Kỳ's
    rv = review(lw)
    record(lw, rv, whole, "expired_whole")
    record(lw, rv, part, "expired_part")

    def expired(year: int) -> list[str]:
        return [d.number for d in selectors.documents_expired_in(unit=lw.w.dl, year=year)]

    assert expired(2027) == []  # an open review changes nothing
    assert expired(2026) == ["7/2016/QĐ"]
    services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=APPROVED_AT)
    assert sorted(expired(2027)) == ["1/2015/QĐ", "3/2015/QĐ"]
    assert expired(2026) == [dated.number]
    assert expired(2028) == []


def test_a_review_is_approved_once_and_its_outcomes_are_final_409(lw: LegalWorld) -> None:
    first, second = documents(lw, 2)
    rv = review(lw)
    record(lw, rv, first, "in_force")
    services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=APPROVED_AT)
    with pytest.raises(Conflict) as again:
        services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=APPROVED_AT)
    assert again.value.code == "legal.review_approved"
    with pytest.raises(Conflict) as late:
        record(lw, rv, second, "propose_amend")
    assert late.value.code == "legal.review_approved"
    assert list(ReviewOutcome.objects.values_list("document", flat=True)) == [first.pk]
    assert Task.objects.count() == 0


def test_a_review_without_outcomes_is_not_approved_409(lw: LegalWorld) -> None:
    rv = review(lw)
    with pytest.raises(Conflict) as caught:
        services.legal_review_approve(actor=lw.w.dl_chutich, review=rv, at=APPROVED_AT)
    assert caught.value.code == "legal.review_empty"
    assert LegalReview.objects.get(pk=rv.pk).state == ReviewState.OPEN


def test_a_later_review_neither_moves_the_day_nor_brings_back_a_part(lw: LegalWorld) -> None:
    """Expired in part in 2026 stays in 2026's list when 2027's review finds it again;
    expired in whole is not brought back to "in part" by a later review."""
    partly, whole = documents(lw, 2)
    first = review(lw)
    record(lw, first, partly, "expired_part")
    record(lw, first, whole, "expired_whole")
    services.legal_review_approve(actor=lw.w.dl_chutich, review=first, at=vn(2026, 6, 30, 10))
    second = review(lw)
    record(lw, second, partly, "expired_part")
    record(lw, second, whole, "expired_part")
    services.legal_review_approve(actor=lw.w.dl_chutich, review=second, at=vn(2027, 6, 30, 10))
    partly.refresh_from_db()
    whole.refresh_from_db()
    assert (partly.status, partly.status_since) == ("partly_expired", date(2026, 6, 30))
    assert (whole.status, whole.status_since) == ("expired", date(2026, 6, 30))
    assert set(selectors.documents_expired_in(unit=lw.w.dl, year=2026)) == {partly, whole}
    assert list(selectors.documents_expired_in(unit=lw.w.dl, year=2027)) == []


def test_a_follow_up_stays_in_the_reviews_unit(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    with pytest.raises(ValidationFailed) as caught:
        services.review_outcome_record(
            actor=lw.dl_phaply,
            review=rv,
            document=d,
            outcome="propose_amend",
            reason="Sửa đổi",
            follow_up=services.FollowUp(
                assignee=lw.tk_phaply, lead_agency=lw.tk_tp, approver=lw.tk_chutich
            ),
        )
    assert set(caught.value.fields) == {"lead_agency", "approver"}
    assert not ReviewOutcome.objects.exists()
    assert not Task.objects.exists()
