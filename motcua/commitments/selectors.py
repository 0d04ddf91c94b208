"""Reads of commitments: who sees which, and the standing of a commitment — live from the
records during the year, frozen once the evaluation has started."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.commitments import measures
from motcua.commitments.models import Commitment, CommitmentState, Target, TargetKind, Verdict
from motcua.core.errors import NotFound
from motcua.org import selectors as org_selectors
from motcua.org.models import UNIT_WIDE_ROLES, Official

CENT = Decimal("0.01")


def commitments_visible(*, official: Official) -> QuerySet[Commitment]:
    """The head's own, those the official signed or evaluates as chairman, and those of
    agencies in the units the official's unit-wide roles (chairman, inspector, advisor)
    reach."""
    rows = Commitment.objects.select_related("agency__unit", "head", "chairman", "evaluator")
    if official.is_superuser:
        return rows
    units = org_selectors.units_reached(official=official, roles=UNIT_WIDE_ROLES)
    return rows.filter(
        Q(head=official)
        | Q(chairman=official)
        | Q(evaluator=official)
        | Q(agency__unit__in=units.values("pk"))
    )


def commitment_visible_or_404(*, official: Official, pk: int) -> Commitment:
    found = commitments_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("commitment.not_found", _("Unknown commitment %(id)s.") % {"id": pk})
    return found


def score_total(targets: Sequence[Target]) -> Decimal | None:
    """Points earned over the weights of the targets that could be scored, out of 100: a
    measured target whose year counted nothing (no dossier resolved, no task due) is left
    out rather than counted as met or failed."""
    scored = [t for t in targets if t.score is not None]
    weight = sum(t.weight for t in scored)
    if not weight:
        return None
    earned = sum((t.score for t in scored if t.score is not None), Decimal(0))
    # rounded down, so that the total shown reaches the pass mark exactly when the exact
    # total does (79.995 shows as 79.99, not as a passing 80.00)
    return (earned * 100 / weight).quantize(CENT, rounding=ROUND_DOWN)


def meets_pass_mark(targets: Sequence[Target], pass_mark: Decimal) -> bool | None:
    """Whether the exact total (not the one rounded for display) reaches the pass mark."""
    scored = [t for t in targets if t.score is not None]
    weight = sum(t.weight for t in scored)
    if not weight:
        return None
    earned = sum((t.score for t in scored if t.score is not None), Decimal(0))
    return earned * 100 >= pass_mark * weight


@dataclass(frozen=True)
class TargetStanding:
    target: Target
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    # None: nothing to measure yet (measured), or not scored yet (assessed)
    met: bool | None
    score: Decimal | None


@dataclass(frozen=True)
class Standing:
    commitment: Commitment
    targets: list[TargetStanding]
    # live: measured now from the records; otherwise the values frozen at evaluation
    live: bool
    measured_at: datetime
    # the total of the targets scored so far (during the year: the measured part only)
    total: Decimal | None
    meets: bool | None


def commitment_standing(*, commitment: Commitment, now: datetime | None = None) -> Standing:
    """Where the head stands. Draft or signed: each measured target measured now over the
    year so far (assessed targets are not scored before the evaluation); under evaluation
    or evaluated: the values frozen when the evaluation started, which later changes to the
    records do not move."""
    at = now or timezone.now()
    targets = list(commitment.targets.all())
    live = commitment.state in {CommitmentState.DRAFT, CommitmentState.SIGNED}
    rows: list[TargetStanding] = []
    scored: list[Target] = []
    for target in targets:
        if target.kind == TargetKind.ASSESSED:
            rows.append(
                TargetStanding(target, None, None, None, _met_assessed(target), target.score)
            )
            scored.append(target)
            continue
        if live:
            assert target.threshold is not None  # noqa: S101 - a constraint guarantees it
            found = measures.measure(
                metric=target.metric, agency=commitment.agency, year=commitment.year, now=at
            )
            met = measures.meets(found, target.comparison, target.threshold)
            score = None if met is None else Decimal(target.weight if met else 0)
            probe = Target(weight=target.weight, score=score)
            scored.append(probe)
            rows.append(
                TargetStanding(
                    target,
                    found.value_for(target.comparison),
                    found.numerator,
                    found.denominator,
                    met,
                    score,
                )
            )
        else:
            met = None if target.score is None else target.score == target.weight
            scored.append(target)
            rows.append(
                TargetStanding(
                    target, target.value, target.numerator, target.denominator, met, target.score
                )
            )
    total = score_total(scored)
    meets = meets_pass_mark(scored, commitment.pass_mark)
    if commitment.state == CommitmentState.EVALUATED:
        total = commitment.total
        meets = commitment.verdict == Verdict.MEETS
    measured_at = at
    if not live:
        measured_at = commitment.evaluation_started_at or at
    return Standing(commitment, rows, live, measured_at, total, meets)


def _met_assessed(target: Target) -> bool | None:
    """An assessed target is met with at least half its points (shown, not used for the
    verdict, which follows the total)."""
    if target.score is None:
        return None
    return target.score * 2 >= target.weight


def list_total(commitment: Commitment) -> tuple[str, Decimal | None]:
    """The total a list shows without measuring (prefetch the targets): ("final", the
    evaluation's), ("frozen", the targets scored so far) under evaluation, or ("live", None)
    before it, as measuring live is left to the commitment's own page."""
    if commitment.state == CommitmentState.EVALUATED:
        return "final", commitment.total
    if commitment.state == CommitmentState.UNDER_EVALUATION:
        return "frozen", score_total(list(commitment.targets.all()))
    return "live", None
