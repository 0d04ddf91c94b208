"""A commitment's life through the services: drafted by the chairman, signed by both
parties, targets editable only before any signature, the evaluation started once the year
has ended (measured values frozen), assessed targets scored within their weight, the
conclusion (total, verdict, flag), and an event for every change, numbered from 1.

The world (``tests.commitments.world``): the head of Đô Lương's land division commits with
the district's chairman for 2027. With no records, the dossier and task rates measure
nothing (left out of the total) and "no substantiated report" is met."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.commitments import services
from motcua.commitments.models import Commitment, CommitmentEvent, Target
from motcua.commitments.services import TargetData
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.org.models import Official
from tests.commitments.world import make, signed
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build

AFTER_YEAR = vn(2028, 1, 10, 9)


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are compared with their English msgids: the Vietnamese comes with the
    locale."""
    with translation.override("en"):
        yield


def act(
    c: Commitment,
    who: Official,
    action: str,
    at: datetime = AFTER_YEAR,
    version: int | None = None,
    **payload: Any,
) -> Commitment:
    return services.commitment_act(
        commitment=c, actor=who, action=action, payload=payload, expected_version=version, at=at
    )


def snapshot(c: Commitment) -> tuple[Any, ...]:
    """Everything a refused change must leave as it was."""
    return (
        Commitment.objects.filter(pk=c.pk).values().get(),
        list(Target.objects.filter(commitment_id=c.pk).order_by("seq").values()),
        list(CommitmentEvent.objects.filter(commitment_id=c.pk).values()),
    )


def under_evaluation(tw: TaskWorld, c: Commitment | None = None) -> Commitment:
    return act(c or signed(tw), tw.w.dl_chutich, "start_evaluation")


def exact_targets() -> list[TargetData]:
    """60 measured points always met without records (no substantiated report), 40
    assessed: the total is 60 + the assessed score, exactly."""
    return [
        TargetData("Không có phản ánh", "measured", "misconduct_substantiated", "at_most", 0, 60),
        TargetData("Đổi mới, sáng tạo", "assessed", weight=40),
    ]


# -- drafting ----------------------------------------------------------------------------------


def test_the_chairman_drafts_a_commitment_with_its_targets(tw: TaskWorld) -> None:
    c = make(tw)
    c.refresh_from_db()
    assert (c.year, c.agency, c.head, c.chairman) == (
        2027,
        tw.w.dl_tnmt,
        tw.tnmt_head,
        tw.w.dl_chutich,
    )
    assert (c.state, c.pass_mark, c.revision) == ("draft", Decimal("80.00"), 1)
    assert (c.head_signed_at, c.chairman_signed_at, c.evaluator, c.total) == (None,) * 4
    assert (c.verdict, c.flagged, c.comment) == ("", False, "")
    assert [
        (t.seq, t.title, t.kind, t.metric, t.comparison, t.threshold, t.weight, t.score)
        for t in c.targets.all()
    ] == [
        (
            1,
            "Hồ sơ đúng hạn",
            "measured",
            "dossier_on_time_rate",
            "at_least",
            Decimal(98),
            40,
            None,
        ),
        (
            2,
            "Nhiệm vụ đúng hạn",
            "measured",
            "task_on_time_rate",
            "at_least",
            Decimal(95),
            30,
            None,
        ),
        (
            3,
            "Không có phản ánh đúng sự thật",
            "measured",
            "misconduct_substantiated",
            "at_most",
            Decimal(0),
            10,
            None,
        ),
        (4, "Tinh thần đổi mới, sáng tạo", "assessed", "", "", None, 20, None),
    ]
    event = c.events.get()
    assert (event.seq, event.at, event.actor, event.action) == (
        1,
        vn(2027, 1, 5, 9),
        tw.w.dl_chutich,
        "create",
    )
    assert (event.from_state, event.to_state) == ("", "draft")
    assert event.data == {
        "year": 2027,
        "agency": "DL.TNMT",
        "head": "dl.tnmt",
        "pass_mark": "80",
        "targets": [
            {
                "seq": 1,
                "title": "Hồ sơ đúng hạn",
                "kind": "measured",
                "metric": "dossier_on_time_rate",
                "comparison": "at_least",
                "threshold": "98",
                "weight": 40,
            },
            {
                "seq": 2,
                "title": "Nhiệm vụ đúng hạn",
                "kind": "measured",
                "metric": "task_on_time_rate",
                "comparison": "at_least",
                "threshold": "95",
                "weight": 30,
            },
            {
                "seq": 3,
                "title": "Không có phản ánh đúng sự thật",
                "kind": "measured",
                "metric": "misconduct_substantiated",
                "comparison": "at_most",
                "threshold": "0",
                "weight": 10,
            },
            {
                "seq": 4,
                "title": "Tinh thần đổi mới, sáng tạo",
                "kind": "assessed",
                "metric": "",
                "comparison": "",
                "threshold": None,
                "weight": 20,
            },
        ],
    }


def test_a_draft_names_every_problem_and_writes_nothing(tw: TaskWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(tw, year=1989, pass_mark="100.01", targets=[])
    assert caught.value.code == "commitment.invalid"
    assert caught.value.fields == {
        "year": ["A year from 1990 to 2199."],
        "pass_mark": ["A number of points from 0 to 100."],
        "targets": ["List at least one target."],
    }
    assert not Commitment.objects.exists()
    assert not CommitmentEvent.objects.exists()


def test_each_bad_target_is_named_by_its_number(tw: TaskWorld) -> None:
    bad = [
        TargetData("Đúng", "assessed", weight=10),
        TargetData("", "measured", "bogus", "more", "abc", 0),
        TargetData("Có chỉ số", "assessed", "dossier_on_time_rate", weight=10),
        TargetData("Ba số lẻ", "measured", "dossier_on_time_rate", "at_least", "98.005", 10),
        TargetData("Quá 100 %", "measured", "task_on_time_rate", "at_least", 101, 10),
        TargetData("Loại lạ", "other", weight=10),
        TargetData("Trọng số lẻ", "assessed", weight=2.5),
        TargetData("Đúng nốt", "measured", "misconduct_substantiated", "at_most", 1_000_001, 5),
    ]
    with pytest.raises(ValidationFailed) as caught:
        make(tw, targets=bad)
    whole = "The weight is a whole number of points from 1 to 100."
    assert caught.value.fields == {
        "targets.2": [
            "Name the target.",
            whole,
            "Choose what the system measures.",
            "Choose at least or at most.",
            "The threshold is a number from 0 to 1,000,000.",
        ],
        "targets.3": ["An assessed target has no measure nor threshold."],
        "targets.4": ["At most two decimals."],
        "targets.5": ["The threshold is a number from 0 to 100."],
        "targets.6": ["A target is measured or assessed."],
        "targets.7": [whole],
        "targets.8": ["The threshold is a number from 0 to 1,000,000."],
    }
    assert not Commitment.objects.exists()


def test_a_head_has_one_commitment_a_year_for_an_agency(tw: TaskWorld) -> None:
    first = make(tw)
    with pytest.raises(Conflict) as caught:
        make(tw)
    assert caught.value.code == "commitment.exists"
    assert list(Commitment.objects.values_list("pk", flat=True)) == [first.pk]
    # another year is another commitment
    assert make(tw, year=2028).year == 2028


def test_the_head_must_head_the_agency(tw: TaskWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(tw, head=tw.w.dl_tnmt_cv)
    assert caught.value.fields == {
        "head": ["Ngô Thị Lan does not head Phòng Tài nguyên và Môi trường."]
    }
    with pytest.raises(ValidationFailed) as caught:
        make(tw, agency=tw.w.dl_ubnd, head=tw.w.dl_chutich)
    assert caught.value.fields == {"head": ["The chairman does not commit to himself."]}
    assert not Commitment.objects.exists()


# -- signatures --------------------------------------------------------------------------------


@pytest.mark.parametrize("head_first", [True, False])
def test_both_parties_sign_and_then_it_is_signed(tw: TaskWorld, head_first: bool) -> None:
    c = make(tw)
    parties = [(tw.tnmt_head, "head"), (tw.w.dl_chutich, "chairman")]
    if not head_first:
        parties.reverse()
    (first, first_party), (second, second_party) = parties
    c = act(c, first, "sign", at=vn(2027, 1, 6, 9))
    assert c.state == "draft"
    c = act(c, second, "sign", at=vn(2027, 1, 7, 9))
    c.refresh_from_db()
    assert c.state == "signed"
    signed_at = {"head": c.head_signed_at, "chairman": c.chairman_signed_at}
    assert signed_at == {first_party: vn(2027, 1, 6, 9), second_party: vn(2027, 1, 7, 9)}
    assert [
        (e.seq, e.actor, e.action, e.from_state, e.to_state, e.data)
        for e in c.events.filter(seq__gt=1)
    ] == [
        (2, first, "sign", "draft", "draft", {"party": first_party}),
        (3, second, "sign", "draft", "signed", {"party": second_party}),
    ]


def test_signing_twice_is_a_conflict_and_changes_nothing(tw: TaskWorld) -> None:
    c = act(make(tw), tw.tnmt_head, "sign", at=vn(2027, 1, 6, 9))
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        act(c, tw.tnmt_head, "sign", at=vn(2027, 1, 8, 9))
    assert caught.value.code == "commitment.signed_already"
    assert snapshot(c) == before
    c = act(c, tw.w.dl_chutich, "sign", at=vn(2027, 1, 8, 9))
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        act(c, tw.w.dl_chutich, "sign", at=vn(2027, 1, 9, 9))
    assert caught.value.code == "commitment.invalid_transition"
    assert snapshot(c) == before


@pytest.mark.parametrize("who", ["dl_tnmt_cv", "dl_admin", "tk_motcua", "root"])
def test_only_the_head_and_the_chairman_sign(tw: TaskWorld, who: str) -> None:
    c = make(tw)
    before = snapshot(c)
    with pytest.raises(PermissionDenied) as caught:
        act(c, getattr(tw.w, who), "sign", at=vn(2027, 1, 6, 9))
    assert caught.value.code == "commitment.forbidden"
    assert snapshot(c) == before


# -- targets -----------------------------------------------------------------------------------


def test_the_chairman_replaces_the_targets_of_an_unsigned_draft(tw: TaskWorld) -> None:
    c = make(tw)
    c = services.commitment_set_targets(
        actor=tw.w.dl_chutich,
        commitment=c,
        targets=exact_targets(),
        pass_mark="75.5",
        expected_version=1,
        at=vn(2027, 1, 5, 10),
    )
    c.refresh_from_db()
    assert (c.pass_mark, c.revision, c.state) == (Decimal("75.50"), 2, "draft")
    assert [(t.seq, t.kind, t.weight) for t in c.targets.all()] == [
        (1, "measured", 60),
        (2, "assessed", 40),
    ]
    event = c.events.get(seq=2)
    assert (event.action, event.from_state, event.to_state, event.at) == (
        "targets",
        "draft",
        "draft",
        vn(2027, 1, 5, 10),
    )
    assert event.data["pass_mark"] == "75.5"
    assert [t["title"] for t in event.data["targets"]] == ["Không có phản ánh", "Đổi mới, sáng tạo"]
    # without a pass mark the one set stays
    c = services.commitment_set_targets(
        actor=tw.w.dl_chutich, commitment=c, targets=exact_targets()[:1]
    )
    c.refresh_from_db()
    assert (c.pass_mark, c.targets.count(), c.revision) == (Decimal("75.50"), 1, 3)


@pytest.mark.parametrize("signer", ["tnmt_head", "dl_chutich"])
def test_targets_are_fixed_once_anyone_has_signed(tw: TaskWorld, signer: str) -> None:
    who = tw.tnmt_head if signer == "tnmt_head" else tw.w.dl_chutich
    c = act(make(tw), who, "sign", at=vn(2027, 1, 6, 9))
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        services.commitment_set_targets(
            actor=tw.w.dl_chutich, commitment=c, targets=exact_targets()
        )
    assert caught.value.code == "commitment.signed"
    assert snapshot(c) == before


def test_only_the_chairman_edits_the_targets(tw: TaskWorld) -> None:
    c = make(tw)
    before = snapshot(c)
    for who in (tw.tnmt_head, tw.w.dl_admin):
        with pytest.raises(PermissionDenied):
            services.commitment_set_targets(actor=who, commitment=c, targets=exact_targets())
    assert snapshot(c) == before


def test_bad_targets_are_refused_and_the_old_ones_stay(tw: TaskWorld) -> None:
    c = make(tw)
    before = snapshot(c)
    with pytest.raises(ValidationFailed) as caught:
        services.commitment_set_targets(
            actor=tw.w.dl_chutich,
            commitment=c,
            targets=[TargetData("Đủ", "assessed", weight=101)],
            pass_mark=-1,
        )
    assert caught.value.fields == {
        "pass_mark": ["A number of points from 0 to 100."],
        "targets.1": ["The weight is a whole number of points from 1 to 100."],
    }
    assert snapshot(c) == before


def test_a_stale_version_is_a_conflict(tw: TaskWorld) -> None:
    c = make(tw)
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        services.commitment_set_targets(
            actor=tw.w.dl_chutich, commitment=c, targets=exact_targets(), expected_version=0
        )
    assert caught.value.code == "commitment.changed"
    with pytest.raises(Conflict):
        act(c, tw.tnmt_head, "sign", version=2)
    assert snapshot(c) == before


def test_an_unknown_action_is_refused(tw: TaskWorld) -> None:
    c = make(tw)
    before = snapshot(c)
    with pytest.raises(ValidationFailed) as caught:
        act(c, tw.w.dl_chutich, "approve")
    assert caught.value.code == "commitment.unknown_action"
    assert caught.value.fields == {"action": ["sign, start_evaluation, assess, conclude"]}
    assert snapshot(c) == before


# -- the evaluation ----------------------------------------------------------------------------


def test_the_evaluation_starts_once_the_year_has_ended(tw: TaskWorld) -> None:
    c = signed(tw)
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        act(c, tw.w.dl_chutich, "start_evaluation", at=vn(2027, 12, 31, 23, 59, 59))
    assert caught.value.code == "commitment.year_not_over"
    assert snapshot(c) == before
    c = act(c, tw.w.dl_chutich, "start_evaluation", at=vn(2028, 1, 1))
    c.refresh_from_db()
    assert (c.state, c.evaluator, c.evaluation_started_at) == (
        "under_evaluation",
        tw.w.dl_chutich,
        vn(2028, 1, 1),
    )
    # no records: the rates measured nothing, no report was substantiated
    assert [(t.value, t.numerator, t.denominator, t.score) for t in c.targets.all()] == [
        (None, 0, 0, None),
        (None, 0, 0, None),
        (Decimal("0.00"), 0, None, Decimal(10)),
        (None, None, None, None),
    ]


@pytest.mark.parametrize("who", ["tnmt_head", "dl_tnmt_cv", "dl_admin", "tk_motcua"])
def test_the_head_and_others_may_not_start_the_evaluation(tw: TaskWorld, who: str) -> None:
    c = signed(tw)
    before = snapshot(c)
    actor = tw.tnmt_head if who == "tnmt_head" else getattr(tw.w, who)
    with pytest.raises(PermissionDenied):
        act(c, actor, "start_evaluation")
    assert snapshot(c) == before


def test_a_draft_is_not_evaluated(tw: TaskWorld) -> None:
    c = act(make(tw), tw.tnmt_head, "sign", at=vn(2027, 1, 6, 9))
    before = snapshot(c)
    for action in ("start_evaluation", "assess", "conclude"):
        with pytest.raises(Conflict) as caught:
            act(c, tw.w.dl_chutich, action, target=4, score=10)
        assert caught.value.code == "commitment.invalid_transition"
    assert snapshot(c) == before


def test_a_measured_target_keeps_the_systems_score(tw: TaskWorld) -> None:
    c = under_evaluation(tw)
    before = snapshot(c)
    with pytest.raises(ValidationFailed) as caught:
        act(c, tw.w.dl_chutich, "assess", target=3, score=0)
    assert caught.value.code == "commitment.measured_target"
    assert caught.value.fields == {"score": ["A measured target is scored by the system."]}
    assert snapshot(c) == before
    # the evaluator may comment on it
    c = act(c, tw.w.dl_chutich, "assess", target=3, comment="  Tốt  ")
    target = c.targets.get(seq=3)
    assert (target.score, target.comment) == (Decimal(10), "Tốt")
    assert c.events.get(seq=c.revision).data == {"target": 3, "comment": "Tốt"}


@pytest.mark.parametrize("score", [-1, "20.01", 21, "abc", None, "1.005", True, "NaN", 1e400])
def test_an_assessed_score_lies_between_0_and_the_weight(tw: TaskWorld, score: Any) -> None:
    c = under_evaluation(tw)
    before = snapshot(c)
    payload = {} if score is None else {"score": score}
    with pytest.raises(ValidationFailed) as caught:
        act(c, tw.w.dl_chutich, "assess", target=4, **payload)
    assert caught.value.fields == {"score": ["From 0 to 20 points."]}
    assert snapshot(c) == before


@pytest.mark.parametrize(
    ("score", "stored"), [(0, "0"), (20, "20"), ("12.5", "12.5"), (7.25, "7.25")]
)
def test_an_assessed_target_is_scored(tw: TaskWorld, score: Any, stored: str) -> None:
    c = under_evaluation(tw)
    c = act(c, tw.w.dl_chutich, "assess", target=4, score=score, comment="Có sáng kiến")
    target = c.targets.get(seq=4)
    assert (target.score, target.comment) == (Decimal(stored), "Có sáng kiến")
    event = c.events.get(seq=c.revision)
    assert (event.action, event.from_state, event.to_state) == (
        "assess",
        "under_evaluation",
        "under_evaluation",
    )
    assert event.data == {"target": 4, "score": stored, "comment": "Có sáng kiến"}


@pytest.mark.parametrize("target", [0, 5, 99, "4", None, True])
def test_an_unknown_target_is_named(tw: TaskWorld, target: Any) -> None:
    c = under_evaluation(tw)
    before = snapshot(c)
    payload = {} if target is None else {"target": target}
    with pytest.raises(ValidationFailed) as caught:
        act(c, tw.w.dl_chutich, "assess", score=1, **payload)
    assert list(caught.value.fields) == ["target"]
    assert snapshot(c) == before


def test_only_the_evaluator_scores_and_concludes(tw: TaskWorld) -> None:
    c = under_evaluation(tw)
    before = snapshot(c)
    for who in (tw.tnmt_head, tw.w.dl_admin, tw.w.root):
        for action in ("assess", "conclude"):
            with pytest.raises(PermissionDenied):
                act(c, who, action, target=4, score=10)
    assert snapshot(c) == before


def test_conclusion_waits_for_every_assessed_target(tw: TaskWorld) -> None:
    c = under_evaluation(tw)
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        act(c, tw.w.dl_chutich, "conclude")
    assert caught.value.code == "commitment.unscored"
    assert caught.value.message == "Score the assessed targets first: 4."
    assert snapshot(c) == before


@pytest.mark.parametrize(
    ("score", "total", "verdict", "flagged"),
    [
        ("20", Decimal("80.00"), "meets", False),  # exactly the pass mark
        ("19.99", Decimal("79.99"), "does_not_meet", True),  # just below
        ("40", Decimal("100.00"), "meets", False),
        ("0", Decimal("60.00"), "does_not_meet", True),
    ],
)
def test_the_verdict_follows_the_total_against_the_pass_mark(
    tw: TaskWorld, score: str, total: Decimal, verdict: str, flagged: bool
) -> None:
    c = make(tw, targets=exact_targets())
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        c = act(c, who, "sign", at=vn(2027, 1, 6, 9))
    c = under_evaluation(tw, c)
    c = act(c, tw.w.dl_chutich, "assess", target=2, score=score)
    c = act(c, tw.w.dl_chutich, "conclude", at=vn(2028, 1, 20, 9), comment="Đã đánh giá")
    c.refresh_from_db()
    assert (c.state, c.total, c.verdict, c.flagged) == ("evaluated", total, verdict, flagged)
    assert (c.evaluated_at, c.comment) == (vn(2028, 1, 20, 9), "Đã đánh giá")
    assert c.flagged is (c.verdict != "meets")
    assert c.events.get(seq=c.revision).data == {
        "total": str(total),
        "verdict": verdict,
        "flagged": flagged,
        "comment": "Đã đánh giá",
    }


def test_a_target_that_measured_nothing_is_left_out_of_the_total(tw: TaskWorld) -> None:
    """No dossier resolved, no task due: of the 30 points that could be scored (10 for no
    substantiated report, 20 assessed), 15 were earned: 50 out of 100."""
    c = under_evaluation(tw)
    c = act(c, tw.w.dl_chutich, "assess", target=4, score=5)
    c = act(c, tw.w.dl_chutich, "conclude")
    c.refresh_from_db()
    assert (c.total, c.verdict, c.flagged) == (Decimal("50.00"), "does_not_meet", True)


def test_nothing_to_score_is_a_conflict(tw: TaskWorld) -> None:
    targets = [TargetData("Hồ sơ", "measured", "dossier_on_time_rate", "at_least", 98, 100)]
    c = make(tw, targets=targets)
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        c = act(c, who, "sign", at=vn(2027, 1, 6, 9))
    c = under_evaluation(tw, c)
    before = snapshot(c)
    with pytest.raises(Conflict) as caught:
        act(c, tw.w.dl_chutich, "conclude")
    assert caught.value.code == "commitment.nothing_scored"
    assert snapshot(c) == before


def test_an_evaluated_commitment_is_final(tw: TaskWorld) -> None:
    c = under_evaluation(tw)
    c = act(c, tw.w.dl_chutich, "assess", target=4, score=20)
    c = act(c, tw.w.dl_chutich, "conclude")
    before = snapshot(c)
    for action in ("sign", "start_evaluation", "assess", "conclude"):
        with pytest.raises(Conflict):
            act(c, tw.w.dl_chutich, action, target=4, score=1)
    with pytest.raises(Conflict):
        services.commitment_set_targets(
            actor=tw.w.dl_chutich, commitment=c, targets=exact_targets()
        )
    assert snapshot(c) == before


def test_every_change_is_an_event_numbered_from_one(tw: TaskWorld) -> None:
    chair, head = tw.w.dl_chutich, tw.tnmt_head
    c = make(tw)
    c = services.commitment_set_targets(
        actor=chair, commitment=c, targets=exact_targets(), at=vn(2027, 1, 5, 10)
    )
    c = act(c, head, "sign", at=vn(2027, 1, 6, 9))
    c = act(c, chair, "sign", at=vn(2027, 1, 6, 10))
    c = act(c, chair, "start_evaluation", at=vn(2028, 1, 10, 9))
    c = act(c, chair, "assess", at=vn(2028, 1, 11, 9), target=1, comment="Không có")
    c = act(c, chair, "assess", at=vn(2028, 1, 11, 10), target=2, score=30)
    c = act(c, chair, "conclude", at=vn(2028, 1, 12, 9))
    c.refresh_from_db()
    assert c.revision == 8
    assert [
        (e.seq, e.actor, e.action, e.from_state, e.to_state) for e in c.events.order_by("seq")
    ] == [
        (1, chair, "create", "", "draft"),
        (2, chair, "targets", "draft", "draft"),
        (3, head, "sign", "draft", "draft"),
        (4, chair, "sign", "draft", "signed"),
        (5, chair, "start_evaluation", "signed", "under_evaluation"),
        (6, chair, "assess", "under_evaluation", "under_evaluation"),
        (7, chair, "assess", "under_evaluation", "under_evaluation"),
        (8, chair, "conclude", "under_evaluation", "evaluated"),
    ]
    assert list(c.events.order_by("seq").values_list("at", flat=True)) == [
        vn(2027, 1, 5, 9),
        vn(2027, 1, 5, 10),
        vn(2027, 1, 6, 9),
        vn(2027, 1, 6, 10),
        vn(2028, 1, 10, 9),
        vn(2028, 1, 11, 9),
        vn(2028, 1, 11, 10),
        vn(2028, 1, 12, 9),
    ]
    assert c.events.get(seq=5).data == {
        "measured": [{"seq": 1, "value": "0.00", "numerator": 0, "denominator": None, "met": True}]
    }
    assert (c.total, c.verdict, c.flagged) == (Decimal("90.00"), "meets", False)


def test_a_total_just_under_the_pass_mark_neither_shows_nor_counts_as_reaching_it(
    tw: TaskWorld,
) -> None:
    """159.99 of 200 points is 79.995 %: rounding half up would show a passing 80.00."""
    targets = [
        TargetData("Không có phản ánh", "measured", "misconduct_substantiated", "at_most", 0, 100),
        TargetData("Đổi mới", "assessed", weight=100),
    ]
    c = make(tw, targets=targets)
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        c = act(c, who, "sign", at=vn(2027, 1, 6, 9))
    c = under_evaluation(tw, c)
    c = act(c, tw.w.dl_chutich, "assess", target=2, score="59.99")
    c = act(c, tw.w.dl_chutich, "conclude")
    c.refresh_from_db()
    assert (c.total, c.verdict, c.flagged) == (Decimal("79.99"), "does_not_meet", True)
