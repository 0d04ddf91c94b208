"""Writes to commitments: drafting with targets, signatures, the year-end evaluation.
One transaction each, the commitment row locked, one event per change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.commitments import measures
from motcua.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentState,
    Comparison,
    Metric,
    Target,
    TargetKind,
    Verdict,
)
from motcua.commitments.selectors import meets_pass_mark, score_total
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency, Official, Role

MAX_TARGETS = 30
MAX_TEXT = 5000
RATES = frozenset(Metric.values) - {Metric.MISCONDUCT}
HEAD_ROLES = frozenset({Role.UNIT_HEAD, Role.CHAIRMAN})


@dataclass
class TargetData:
    title: str = ""
    kind: str = ""
    metric: str = ""
    comparison: str = ""
    threshold: object = None
    weight: object = None


def _decimal(value: object) -> Decimal | None:
    """A number given as an int, a float or a decimal string; None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = (
            Decimal(str(value).strip()) if isinstance(value, str | int | float | Decimal) else None
        )
    except InvalidOperation:
        return None
    if number is None or not number.is_finite():
        return None
    return number


def _check_targets(targets: Sequence[TargetData], errors: dict[str, list[str]]) -> list[Target]:
    if not targets:
        errors["targets"] = [_("List at least one target.")]
    elif len(targets) > MAX_TARGETS:
        errors["targets"] = [_("At most %(n)d targets.") % {"n": MAX_TARGETS}]
        return []
    built: list[Target] = []
    for i, data in enumerate(targets, start=1):
        problems: list[str] = []
        target = _check_target(data, problems)
        if problems:
            errors[f"targets.{i}"] = problems
        else:
            target.seq = i
            built.append(target)
    return built


def _check_target(data: TargetData, problems: list[str]) -> Target:
    title = data.title.strip() if isinstance(data.title, str) else ""
    if not title:
        problems.append(_("Name the target."))
    elif len(title) > 300:
        problems.append(_("At most %(n)d characters.") % {"n": 300})
    weight = data.weight
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        problems.append(_("The weight is a whole number of points from 1 to 100."))
        weight = 1
    measured = data.kind == TargetKind.MEASURED
    threshold = _decimal(data.threshold) if measured else None
    if measured:
        if data.metric not in Metric.values:
            problems.append(_("Choose what the system measures."))
        if data.comparison not in Comparison.values:
            problems.append(_("Choose at least or at most."))
        elif data.metric == Metric.MISCONDUCT and data.comparison != Comparison.AT_MOST:
            problems.append(_("Misconduct reports are a ceiling: choose at most."))
        top = Decimal(100) if data.metric in RATES else Decimal(1_000_000)
        if threshold is None or not Decimal(0) <= threshold <= top:
            problems.append(_("The threshold is a number from 0 to %(top)s.") % {"top": f"{top:,}"})
        elif threshold != threshold.quantize(Decimal("0.01")):
            problems.append(_("At most two decimals."))
    elif data.kind == TargetKind.ASSESSED:
        if data.metric or data.comparison or data.threshold not in (None, ""):
            problems.append(_("An assessed target has no measure nor threshold."))
    else:
        problems.append(_("A target is measured or assessed."))
    return Target(
        title=title,
        kind=data.kind,
        metric=data.metric if measured else "",
        comparison=data.comparison if measured else "",
        threshold=threshold,
        weight=weight,
    )


def _pass_mark(value: object, errors: dict[str, list[str]]) -> Decimal:
    mark = _decimal(value)
    if (
        mark is None
        or not Decimal(0) <= mark <= Decimal(100)
        or mark != mark.quantize(Decimal("0.01"))
    ):
        errors["pass_mark"] = [_("A number of points from 0 to 100.")]
        return Decimal(0)
    return mark


def _is_head(official: Official, agency: Agency, at: datetime) -> bool:
    day = timezone.localtime(at).date()
    return any(
        g.agency_id == agency.pk and g.role in HEAD_ROLES
        for g in org_selectors.role_grants_current(official=official, at=day)
    )


def _may_chair(official: Official, agency: Agency) -> bool:
    return org_selectors.has_role_over_unit(
        official=official, unit=agency.unit, roles={Role.CHAIRMAN}
    )


def _event(
    commitment: Commitment,
    actor: Official,
    action: str,
    before: str,
    data: dict[str, Any],
    at: datetime,
) -> None:
    commitment.revision += 1
    CommitmentEvent.objects.create(
        commitment=commitment,
        seq=commitment.revision,
        at=at,
        actor=actor,
        action=action,
        from_state=before,
        to_state=commitment.state,
        data=data,
    )


def _describe(targets: Sequence[Target]) -> list[dict[str, Any]]:
    return [
        {
            "seq": t.seq,
            "title": t.title,
            "kind": t.kind,
            "metric": t.metric,
            "comparison": t.comparison,
            "threshold": None if t.threshold is None else str(t.threshold),
            "weight": t.weight,
        }
        for t in targets
    ]


@transaction.atomic
def commitment_create(
    *,
    actor: Official,
    year: object,
    agency: Agency | None,
    head: Official | None,
    targets: Sequence[TargetData],
    pass_mark: object = Decimal(80),
    at: datetime | None = None,
) -> Commitment:
    """The chairman drafts a head's commitment for a year. 400 naming every problem; 403
    unless the actor is a chairman over the agency's unit; 409 when one exists already."""
    now = at or timezone.now()
    errors: dict[str, list[str]] = {}
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2199:
        errors["year"] = [_("A year from 1990 to 2199.")]
    if agency is None:
        errors["agency"] = [_("Choose the head's agency.")]
    if head is None:
        errors["head"] = [_("Choose the head who commits.")]
    mark = _pass_mark(pass_mark, errors)
    built = _check_targets(targets, errors)
    if agency is not None and not _may_chair(actor, agency):
        raise PermissionDenied(
            "commitment.forbidden",
            _("Commitments are made with the chairman over %(unit)s.") % {"unit": agency.unit},
        )
    if agency is not None and head is not None:
        if head.pk == actor.pk:
            errors["head"] = [_("The chairman does not commit to himself.")]
        elif not _is_head(head, agency, now):
            errors["head"] = [
                _("%(name)s does not head %(agency)s.")
                % {"name": head.display_name, "agency": agency.name}
            ]
    if errors:
        raise ValidationFailed(
            "commitment.invalid", _("The commitment is incomplete or invalid."), fields=errors
        )
    assert isinstance(year, int)  # noqa: S101 - checked above
    assert agency is not None  # noqa: S101
    assert head is not None  # noqa: S101
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                year=year, agency=agency, head=head, chairman=actor, pass_mark=mark
            )
    except IntegrityError:
        raise Conflict(
            "commitment.exists",
            _("%(agency)s's head has a commitment for %(year)s already.")
            % {"agency": agency.name, "year": year},
        ) from None
    for target in built:
        target.commitment = commitment
    Target.objects.bulk_create(built)
    _event(
        commitment,
        actor,
        "create",
        "",
        {
            "year": year,
            "agency": agency.code,
            "head": head.username,
            "pass_mark": str(mark),
            "targets": _describe(built),
        },
        now,
    )
    commitment.save(update_fields=["revision"])
    return commitment


def _lock(commitment: Commitment, expected_version: int | None) -> Commitment:
    locked = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("agency__unit", "head", "chairman")
        .filter(pk=commitment.pk)
        .first()
    )
    if locked is None:
        raise NotFound("commitment.not_found", _("Unknown commitment."))
    if expected_version is not None and expected_version != locked.revision:
        raise Conflict("commitment.changed", _("The commitment changed meanwhile: reload it."))
    return locked


@transaction.atomic
def commitment_set_targets(
    *,
    actor: Official,
    commitment: Commitment,
    targets: Sequence[TargetData],
    pass_mark: object = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Commitment:
    """Replace the targets (and the pass mark) of a draft nobody has signed yet."""
    locked = _lock(commitment, expected_version)
    _need(actor.pk == locked.chairman_id or actor.is_superuser, _("The chairman drafts it."))
    if locked.state != CommitmentState.DRAFT or locked.head_signed_at or locked.chairman_signed_at:
        raise Conflict("commitment.signed", _("Targets change only in a draft nobody has signed."))
    errors: dict[str, list[str]] = {}
    mark = locked.pass_mark if pass_mark is None else _pass_mark(pass_mark, errors)
    built = _check_targets(targets, errors)
    if errors:
        raise ValidationFailed("commitment.invalid", _("The targets are invalid."), fields=errors)
    locked.targets.all().delete()
    for target in built:
        target.commitment = locked
    Target.objects.bulk_create(built)
    locked.pass_mark = mark
    _event(
        locked,
        actor,
        "targets",
        locked.state,
        {"pass_mark": str(mark), "targets": _describe(built)},
        at or timezone.now(),
    )
    locked.save(update_fields=["pass_mark", "revision"])
    return locked


# -- actions ---------------------------------------------------------------------------------

ActionFn = Callable[[Commitment, Official, dict[str, Any], datetime], dict[str, Any]]


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied("commitment.forbidden", message)


def _invalid(commitment: Commitment, action: str) -> Conflict:
    return Conflict(
        "commitment.invalid_transition",
        _("The action %(action)s is not allowed on a commitment in state %(state)s.")
        % {"action": action, "state": commitment.get_state_display()},
    )


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
        raise ValidationFailed(
            "commitment.invalid",
            _("Text expected."),
            fields={key: [_("Text, at most 5,000 characters.")]},
        )
    return value.strip()


def _sign(c: Commitment, actor: Official, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    if c.state != CommitmentState.DRAFT:
        raise _invalid(c, "sign")
    if actor.pk == c.head_id:
        if c.head_signed_at is not None:
            raise Conflict("commitment.signed_already", _("You have signed it already."))
        c.head_signed_at = at
        party = "head"
    elif actor.pk == c.chairman_id:
        if c.chairman_signed_at is not None:
            raise Conflict("commitment.signed_already", _("You have signed it already."))
        c.chairman_signed_at = at
        party = "chairman"
    else:
        raise PermissionDenied(
            "commitment.forbidden", _("The head and the chairman sign the commitment.")
        )
    if not c.targets.exists():
        raise Conflict("commitment.no_targets", _("A commitment without targets is not signed."))
    if c.head_signed_at is not None and c.chairman_signed_at is not None:
        c.state = CommitmentState.SIGNED
    return {"party": party}


def may_evaluate(*, official: Official, commitment: Commitment) -> bool:
    """The chairman who signed, or a chairman over the agency's unit (the post may have
    changed hands during the year); never the head."""
    if official.pk == commitment.head_id:
        return False
    return official.pk == commitment.chairman_id or _may_chair(official, commitment.agency)


def _start_evaluation(
    c: Commitment, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if c.state != CommitmentState.SIGNED:
        raise _invalid(c, "start_evaluation")
    _need(may_evaluate(official=actor, commitment=c), _("The chairman evaluates the commitment."))
    period = measures.year_period(year=c.year, now=at)
    if at < period.year_end:
        raise Conflict(
            "commitment.year_not_over",
            _("The evaluation starts once %(year)s has ended.") % {"year": c.year},
        )
    frozen = []
    for target in c.targets.filter(kind=TargetKind.MEASURED):
        assert target.threshold is not None  # noqa: S101 - a constraint guarantees it
        found = measures.measure(metric=target.metric, agency=c.agency, year=c.year, now=at)
        met = measures.meets(found, target.comparison, target.threshold)
        shown = found.value_for(target.comparison)
        target.value, target.numerator, target.denominator = (
            shown,
            found.numerator,
            found.denominator,
        )
        target.measured_at = at
        target.score = None if met is None else Decimal(target.weight if met else 0)
        target.save(update_fields=["value", "numerator", "denominator", "measured_at", "score"])
        frozen.append(
            {
                "seq": target.seq,
                "value": None if shown is None else str(shown),
                "numerator": found.numerator,
                "denominator": found.denominator,
                "met": met,
            }
        )
    c.state, c.evaluator, c.evaluation_started_at = CommitmentState.UNDER_EVALUATION, actor, at
    return {"measured": frozen}


def _target(c: Commitment, payload: dict[str, Any]) -> Target:
    seq = payload.get("target")
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise ValidationFailed(
            "commitment.invalid", _("Name the target."), fields={"target": [_("Its number.")]}
        )
    target = c.targets.filter(seq=seq).first() if 0 < seq <= MAX_TARGETS else None
    if target is None:
        raise ValidationFailed(
            "commitment.invalid", _("Unknown target."), fields={"target": [_("Unknown target.")]}
        )
    return target


def _assess(
    c: Commitment, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if c.state != CommitmentState.UNDER_EVALUATION:
        raise _invalid(c, "assess")
    _need(actor.pk == c.evaluator_id, _("The evaluator scores the targets."))
    target = _target(c, payload)
    comment = _text(payload, "comment")
    if target.kind != TargetKind.ASSESSED:
        # a measured target keeps the system's score; the evaluator may comment on it
        if "score" in payload:
            raise ValidationFailed(
                "commitment.measured_target",
                _("A measured target is scored by the system."),
                fields={"score": [_("A measured target is scored by the system.")]},
            )
        target.comment = comment
        target.save(update_fields=["comment"])
        return {"target": target.seq, "comment": comment}
    score = _decimal(payload.get("score"))
    if score is None or not 0 <= score <= target.weight or score != score.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "commitment.invalid",
            _("A score from 0 to the target's weight."),
            fields={"score": [_("From 0 to %(w)d points.") % {"w": target.weight}]},
        )
    target.score, target.comment = score, comment
    target.save(update_fields=["score", "comment"])
    return {"target": target.seq, "score": str(score), "comment": comment}


def _conclude(
    c: Commitment, actor: Official, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    if c.state != CommitmentState.UNDER_EVALUATION:
        raise _invalid(c, "conclude")
    _need(actor.pk == c.evaluator_id, _("The evaluator concludes the evaluation."))
    comment = _text(payload, "comment")
    targets = list(c.targets.all())
    unscored = [t.seq for t in targets if t.kind == TargetKind.ASSESSED and t.score is None]
    if unscored:
        raise Conflict(
            "commitment.unscored",
            _("Score the assessed targets first: %(seqs)s.")
            % {"seqs": ", ".join(str(s) for s in unscored)},
        )
    total = score_total(targets)
    if total is None:
        raise Conflict(
            "commitment.nothing_scored",
            _("No target could be scored: the year recorded nothing to measure."),
        )
    # judged on the exact total: a rounded 80.00 from 79.995 does not meet a pass mark of 80
    meets = meets_pass_mark(targets, c.pass_mark) is True
    c.total = total
    c.verdict = Verdict.MEETS if meets else Verdict.DOES_NOT_MEET
    c.flagged = not meets
    c.comment, c.evaluated_at, c.state = comment, at, CommitmentState.EVALUATED
    return {
        "total": str(total),
        "verdict": c.verdict,
        "flagged": c.flagged,
        "comment": comment,
    }


ACTIONS: dict[str, ActionFn] = {
    "sign": _sign,
    "start_evaluation": _start_evaluation,
    "assess": _assess,
    "conclude": _conclude,
}


@transaction.atomic
def commitment_act(
    *,
    commitment: Commitment,
    actor: Official,
    action: str,
    payload: dict[str, Any],
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Commitment:
    fn = ACTIONS.get(action)
    if fn is None:
        raise ValidationFailed(
            "commitment.unknown_action",
            _("Unknown action."),
            fields={"action": [", ".join(ACTIONS)]},
        )
    locked = _lock(commitment, expected_version)
    now = at or timezone.now()
    before = locked.state
    data = fn(locked, actor, payload, now)
    _event(locked, actor, action, before, data, now)
    locked.save()
    return locked
