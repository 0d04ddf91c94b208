"""Commitment endpoints (docs/api-commitments.md): a head's annual commitment with the
chairman, its targets, the signatures, the year-end evaluation, the standing and the
history."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, PlainValidator, StrictInt
from pydantic_core import PydanticCustomError

from motcua.api.auth import AUTH, actor
from motcua.api.pagination import paginate
from motcua.commitments import selectors, services
from motcua.commitments.models import Commitment, CommitmentState, Metric
from motcua.core.errors import NotFound, ValidationFailed
from motcua.org.models import Agency, Official

router = Router(tags=["commitments"], auth=AUTH)

CENT = Decimal("0.01")


def _number_in(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("number", "Input should be a number or a decimal string")
    return value


# A number the service reads exactly: a JSON number or a decimal string ("97.5"), never
# true for 1; one check (not a union, whose every member would name its own error), and
# the range and the decimals left to the service, which names a target by its number.
Number = Annotated[
    int | float | str, PlainValidator(_number_in, json_schema_input_type=float | str)
]


class TargetIn(Schema):
    title: str = ""
    kind: str = ""
    metric: str = ""
    comparison: str = ""
    threshold: Number | None = None
    weight: StrictInt | None = None


class CommitmentIn(Schema):
    year: int | None = None
    agency: str | None = Field(default=None, max_length=40)
    head: str | None = Field(default=None, max_length=150)
    pass_mark: Number | None = None
    targets: list[TargetIn] = []


class TargetsIn(Schema):
    targets: list[TargetIn] = []
    pass_mark: Number | None = None
    expected_version: int | None = None


class ActionIn(Schema):
    action: str = Field(max_length=30)
    target: int | None = None
    score: Number | None = None
    comment: str | None = None
    expected_version: int | None = None


def _check_id(commitment_id: int) -> None:
    # beyond a database integer: nothing to find, and no overflow in the query
    if not 0 < commitment_id < 2**63:
        raise NotFound("commitment.not_found", _("Unknown commitment."))


def _number(value: Decimal | None) -> float | None:
    """Decimals as JSON numbers rounded to hundredths (the API's one rule for them)."""
    return None if value is None else float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _time(value: datetime | None) -> datetime | None:
    return None if value is None else timezone.localtime(value)


def _targets(rows: list[TargetIn]) -> list[services.TargetData]:
    return [
        services.TargetData(
            title=t.title,
            kind=t.kind,
            metric=t.metric,
            comparison=t.comparison,
            threshold=t.threshold,
            weight=t.weight,
        )
        for t in rows
    ]


def commitment_out(c: Commitment) -> dict[str, Any]:
    """The commitment with its targets and its standing (live during the year, frozen once
    the evaluation has started)."""
    standing = selectors.commitment_standing(commitment=c)
    return {
        "id": c.pk,
        "year": c.year,
        "agency": c.agency.code,
        "head": c.head.username,
        "chairman": c.chairman.username,
        "pass_mark": _number(c.pass_mark),
        "state": c.state,
        "head_signed_at": _time(c.head_signed_at),
        "chairman_signed_at": _time(c.chairman_signed_at),
        "evaluator": c.evaluator.username if c.evaluator else None,
        "evaluation_started_at": _time(c.evaluation_started_at),
        "evaluated_at": _time(c.evaluated_at),
        "total": _number(c.total),
        "verdict": c.verdict or None,
        "flagged": c.flagged,
        "comment": c.comment,
        "revision": c.revision,
        "targets": [
            {
                "seq": row.target.seq,
                "title": row.target.title,
                "kind": row.target.kind,
                "metric": row.target.metric or None,
                "comparison": row.target.comparison or None,
                "threshold": _number(row.target.threshold),
                "weight": row.target.weight,
                "value": _number(row.value),
                "numerator": row.numerator,
                "denominator": row.denominator,
                "met": row.met,
                "score": _number(row.score),
                "comment": row.target.comment,
            }
            for row in standing.targets
        ],
        "standing": {
            "total": _number(standing.total),
            "meets": standing.meets,
            "live": standing.live,
            "measured_at": _time(standing.measured_at),
        },
    }


def _shown(official: Official, pk: int) -> dict[str, Any]:
    return commitment_out(selectors.commitment_visible_or_404(official=official, pk=pk))


def _list_item(c: Commitment) -> dict[str, Any]:
    kind, total = selectors.list_total(c)
    return {
        "id": c.pk,
        "year": c.year,
        "agency": c.agency.code,
        "head": c.head.username,
        "chairman": c.chairman.username,
        "state": c.state,
        # the evaluation's total, the targets scored so far under evaluation (as the list
        # page), or null before: GET /commitments/{id} measures the live standing
        "total": _number(total),
        "total_kind": kind,
        "verdict": c.verdict or None,
        "flagged": c.flagged,
    }


@router.post(
    "/commitments", response={201: dict[str, Any]}, summary="Draft a head's annual commitment"
)
def commitment_create(request: HttpRequest, payload: CommitmentIn) -> Status[dict[str, Any]]:
    official = actor(request)
    errors: dict[str, list[str]] = {}
    agency = None
    if payload.agency:
        agency = Agency.objects.select_related("unit").filter(code=payload.agency).first()
        if agency is None:
            errors["agency"] = [_("Unknown agency %(code)r.") % {"code": payload.agency}]
    head = None
    if payload.head:
        head = Official.objects.filter(username=payload.head, is_active=True).first()
        if head is None:
            errors["head"] = [_("Unknown official %(u)r.") % {"u": payload.head}]
    extra: dict[str, Any] = {} if payload.pass_mark is None else {"pass_mark": payload.pass_mark}
    try:
        # an unknown agency or head reaches the service as missing: it refuses then, and
        # the answer names what was wrong with the code given rather than "missing"
        commitment = services.commitment_create(
            actor=official,
            year=payload.year,
            agency=agency,
            head=head,
            targets=_targets(payload.targets),
            **extra,
        )
    except ValidationFailed as exc:
        raise ValidationFailed(exc.code, exc.message, fields={**exc.fields, **errors}) from None
    return Status(201, _shown(official, commitment.pk))


@router.get("/commitments", summary="Commitments you may see")
def commitments_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2199),
    agency: str | None = Query(None, max_length=40),
    state: str | None = Query(None, max_length=16),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    rows = selectors.commitments_visible(official=actor(request)).prefetch_related("targets")
    if year is not None:
        rows = rows.filter(year=year)
    if agency:
        rows = rows.filter(agency__code=agency)
    if state:
        if state not in CommitmentState.values:
            raise ValidationFailed(
                "request.invalid",
                _("Unknown state."),
                fields={"state": [", ".join(CommitmentState.values)]},
            )
        rows = rows.filter(state=state)
    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=_list_item)


@router.get("/commitments/standing", summary="The standing of every head for a year")
def commitments_standing(
    request: HttpRequest,
    year: int = Query(..., ge=1990, le=2199),
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Each visible commitment of ``year`` as ``GET /commitments/{id}`` gives it: live
    standings are measured now (a few queries per measured target), frozen ones read."""
    rows = (
        selectors.commitments_visible(official=actor(request))
        .filter(year=year)
        .prefetch_related("targets")
    )
    return paginate(rows, keys=["pk"], cursor=cursor, limit=limit, serialize=commitment_out)


@router.get("/commitments/metrics", summary="What the system measures for a target")
def metrics_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": m.value, "label": str(m.label), "is_rate": m.value in services.RATES}
        for m in Metric
    ]


@router.get("/commitments/{commitment_id}", summary="A commitment, its targets and its standing")
def commitment_detail(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    _check_id(commitment_id)
    return _shown(actor(request), commitment_id)


@router.put("/commitments/{commitment_id}/targets", summary="Replace the targets of a draft")
def commitment_targets(
    request: HttpRequest, commitment_id: int, payload: TargetsIn
) -> dict[str, Any]:
    _check_id(commitment_id)
    official = actor(request)
    commitment = selectors.commitment_visible_or_404(official=official, pk=commitment_id)
    services.commitment_set_targets(
        actor=official,
        commitment=commitment,
        targets=_targets(payload.targets),
        pass_mark=payload.pass_mark,
        expected_version=payload.expected_version,
    )
    return _shown(official, commitment_id)


@router.post("/commitments/{commitment_id}/actions", summary="Sign, evaluate, score, conclude")
def commitment_action(
    request: HttpRequest, commitment_id: int, payload: ActionIn
) -> dict[str, Any]:
    _check_id(commitment_id)
    official = actor(request)
    commitment = selectors.commitment_visible_or_404(official=official, pk=commitment_id)
    data = payload.dict(exclude_none=True, exclude={"action", "expected_version"})
    services.commitment_act(
        commitment=commitment,
        actor=official,
        action=payload.action,
        payload=data,
        expected_version=payload.expected_version,
    )
    return _shown(official, commitment_id)


@router.get("/commitments/{commitment_id}/events", summary="A commitment's history")
def commitment_events(request: HttpRequest, commitment_id: int) -> list[dict[str, Any]]:
    _check_id(commitment_id)
    commitment = selectors.commitment_visible_or_404(official=actor(request), pk=commitment_id)
    return [
        {
            "seq": e.seq,
            "at": timezone.localtime(e.at),
            "actor": e.actor.username,
            "action": e.action,
            "from_state": e.from_state or None,
            "to_state": e.to_state,
            "data": e.data,
        }
        for e in commitment.events.select_related("actor").order_by("seq")
    ]
