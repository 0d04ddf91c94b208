"""Officials' commitment pages (login required): the commitments of a year, the chairman's
new commitment with its targets, the commitment with its standing (live from the records
during the year, frozen once the evaluation starts) and the actions open to the official,
and the targets of a draft. Every write goes through ``services``; a service's error is
shown next to the input or the target row it concerns."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.commitments import measures, selectors, services
from motcua.commitments.forms import (
    CommitmentForm,
    PassMarkForm,
    chairable_agencies,
    default_targets,
    padded,
    target_formset,
    targets_initial,
    targets_posted,
)
from motcua.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentState,
    Target,
    TargetKind,
    Verdict,
)
from motcua.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.core.text import is_digits
from motcua.org import selectors as org_selectors
from motcua.org.models import Official
from motcua.shell.pages import refuse_nul, signed_in

MAX_ID = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 1990, 2199
ACTION_LABELS = {
    "create": gettext_lazy("Drafted"),
    "targets": gettext_lazy("Targets changed"),
    "sign": gettext_lazy("Signed"),
    "start_evaluation": gettext_lazy("Evaluation started"),
    "assess": gettext_lazy("Target assessed"),
    "conclude": gettext_lazy("Evaluation concluded"),
}
DONE_MESSAGES = {
    "sign": gettext_lazy("Your signature was recorded."),
    "start_evaluation": gettext_lazy("The evaluation started: the measured values are frozen."),
    "assess": gettext_lazy("The assessment of the target was recorded."),
    "conclude": gettext_lazy("The evaluation was concluded."),
}
EVENT_KEYS = {
    "year": gettext_lazy("Year"),
    "agency": gettext_lazy("Agency"),
    "head": gettext_lazy("Unit head"),
    "pass_mark": gettext_lazy("Pass mark"),
    "targets": gettext_lazy("Targets"),
    "party": gettext_lazy("Signed as"),
    "measured": gettext_lazy("Targets measured"),
    "target": gettext_lazy("Target"),
    "score": gettext_lazy("Score"),
    "total": gettext_lazy("Total points"),
    "verdict": gettext_lazy("Verdict"),
    "flagged": gettext_lazy("Flagged for resignation or reassignment"),
    "comment": gettext_lazy("Comment"),
}
ROW_FIELD = re.compile(r"targets-(\d{1,2})-(\w+)")


def _visible(official: Official, raw: str) -> Commitment:
    if not is_digits(raw) or not 0 < int(raw) <= MAX_ID:
        raise Http404
    try:
        return selectors.commitment_visible_or_404(official=official, pk=int(raw))
    except NotFound:
        raise Http404 from None


def _expected_version(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    if not is_digits(str(raw)):
        raise ValidationFailed(
            "request.invalid",
            _("The page is out of date: reload it."),
            fields={"expected_version": [_("A whole number.")]},
        )
    return int(str(raw))


# -- figures ---------------------------------------------------------------------------------


def points(value: Decimal | None) -> str:
    """Points or a threshold as few digits as they need ("40", "12,5"), localised."""
    if value is None:
        return "–"
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(plain)


def two_decimals(value: Decimal | None) -> str:
    return "–" if value is None else number_format(value, decimal_pos=2)


def measured_text(
    *, is_rate: bool, value: Decimal | None, numerator: int | None, denominator: int | None
) -> str:
    """ "96.30 % (26/27)" for a rate ("– (0/0)" when nothing counted), the count otherwise."""
    if not is_rate:
        return "–" if numerator is None else number_format(numerator)
    fraction = "" if numerator is None else f" ({numerator}/{denominator or 0})"
    if value is None:
        return f"–{fraction}"
    return f"{two_decimals(value)} %{fraction}"


def threshold_text(target: Target) -> str:
    if target.kind != TargetKind.MEASURED:
        return ""
    number = points(target.threshold)
    if target.metric in services.RATES:
        number = f"{number} %"
    return f"{target.get_comparison_display()} {number}"


# -- the standing ----------------------------------------------------------------------------


@dataclass
class TargetRow:
    target: Target
    is_rate: bool
    value: Decimal | None
    value_text: str
    threshold_text: str
    met: bool | None
    met_text: str
    score: Decimal | None
    score_text: str
    # the evaluator's form for this target: its error and what was posted
    error: DomainError | None = None
    posted: dict[str, str] = field(default_factory=dict)


def _met_text(target: Target, met: bool | None, live: bool) -> str:
    if met is True:
        return _("Met")
    if met is False:
        return _("Not met")
    if target.kind == TargetKind.ASSESSED:
        return _("Not assessed yet")
    if live:
        return _("Nothing to measure yet")
    return _("Nothing measured: left out of the total")


def target_rows(standing: selectors.Standing) -> list[TargetRow]:
    rows = []
    for ts in standing.targets:
        t = ts.target
        is_rate = t.metric in services.RATES
        measured = t.kind == TargetKind.MEASURED
        rows.append(
            TargetRow(
                target=t,
                is_rate=is_rate,
                value=ts.value,
                value_text=measured_text(
                    is_rate=is_rate,
                    value=ts.value,
                    numerator=ts.numerator,
                    denominator=ts.denominator,
                )
                if measured
                else "",
                threshold_text=threshold_text(t),
                met=ts.met,
                met_text=_met_text(t, ts.met, standing.live),
                score=ts.score,
                score_text=points(ts.score),
            )
        )
    return rows


def year_over(commitment: Commitment, now: datetime) -> bool:
    return now >= measures.year_period(year=commitment.year, now=now).year_end


def allowed_actions(
    *, official: Official, commitment: Commitment, targets: list[Target], now: datetime
) -> list[str]:
    """The actions the services would accept from this official now (``edit_targets`` is
    ``commitment_set_targets``; the others are ``commitment_act``'s)."""
    c = commitment
    out: list[str] = []
    if c.state == CommitmentState.DRAFT and (
        (official.pk == c.head_id and c.head_signed_at is None)
        or (official.pk == c.chairman_id and c.chairman_signed_at is None)
    ):
        out.append("sign")
    if (
        c.state == CommitmentState.DRAFT
        and c.head_signed_at is None
        and c.chairman_signed_at is None
        and (official.pk == c.chairman_id or official.is_superuser)
    ):
        out.append("edit_targets")
    if (
        c.state == CommitmentState.SIGNED
        and year_over(c, now)
        and services.may_evaluate(official=official, commitment=c)
    ):
        out.append("start_evaluation")
    if c.state == CommitmentState.UNDER_EVALUATION and official.pk == c.evaluator_id:
        out.append("assess")
        if not _unscored(targets) and selectors.score_total(targets) is not None:
            out.append("conclude")
    return out


def _unscored(targets: list[Target]) -> list[int]:
    return [t.seq for t in targets if t.kind == TargetKind.ASSESSED and t.score is None]


def _event_value(key: str, value: Any) -> str:
    if isinstance(value, list):
        return str(len(value))
    if key == "party":
        return _("the head") if value == "head" else _("the chairman")
    if key == "verdict":
        return str(dict(Verdict.choices).get(str(value), value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def event_rows(commitment: Commitment) -> list[dict[str, Any]]:
    states = dict(CommitmentState.choices)
    rows = []
    events = CommitmentEvent.objects.filter(commitment=commitment).select_related("actor")
    for e in events.order_by("seq"):
        data = e.data if isinstance(e.data, dict) else {}
        summary = [
            (str(EVENT_KEYS[k]), _event_value(k, v))
            for k, v in data.items()
            if k in EVENT_KEYS and v not in ("", None)
        ]
        rows.append(
            {
                "event": e,
                "label": ACTION_LABELS.get(e.action, e.action),
                "summary": summary,
                "before": states.get(e.from_state, ""),
                "after": states.get(e.to_state, e.to_state),
            }
        )
    return rows


def _render_commitment(
    request: HttpRequest,
    official: Official,
    commitment: Commitment,
    *,
    errors: dict[str, DomainError] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    standing = selectors.commitment_standing(commitment=commitment, now=now)
    targets = [ts.target for ts in standing.targets]
    actions = allowed_actions(official=official, commitment=commitment, targets=targets, now=now)
    errors = errors or {}
    rows = target_rows(standing)
    offered = set(actions) - {"assess"}
    if "assess" in actions:
        for row in rows:
            key = f"assess.{row.target.seq}"
            offered.add(key)
            if key in errors:
                row.error = errors[key]
                row.posted = {
                    "score": str(request.POST.get("score") or ""),
                    "comment": str(request.POST.get("comment") or ""),
                }
    c = commitment
    waits_for_year = (
        c.state == CommitmentState.SIGNED
        and not year_over(c, now)
        and services.may_evaluate(official=official, commitment=c)
    )
    context = {
        "commitment": c,
        "standing": standing,
        "rows": rows,
        "total_text": two_decimals(standing.total),
        "pass_mark_text": two_decimals(c.pass_mark),
        "year_over": year_over(c, now),
        "actions": actions,
        "party": "head"
        if official.pk == c.head_id
        else ("chairman" if official.pk == c.chairman_id else ""),
        "waits_for_year": waits_for_year,
        "unscored": _unscored(targets) if "assess" in actions else [],
        "errors": errors,
        "stray_errors": [exc for key, exc in errors.items() if key not in offered],
        "posted": request.POST if errors else {},
        "events": event_rows(c),
    }
    return render(request, "commitments/commitment.html", context, status=status)


@login_required
@require_GET
def commitment_detail(request: HttpRequest, commitment_id: str) -> HttpResponse:
    official = signed_in(request)
    return _render_commitment(request, official, _visible(official, commitment_id))


def _target_seq(raw: object) -> int:
    text = str(raw or "").strip()
    if not is_digits(text) or not 0 < int(text) <= services.MAX_TARGETS:
        raise ValidationFailed(
            "commitment.invalid", _("Unknown target."), fields={"target": [_("Unknown target.")]}
        )
    return int(text)


def _payload(action: str, post: Any) -> dict[str, Any]:
    """The service payload from an action form."""
    comment = str(post.get("comment") or "")

    def assess() -> dict[str, Any]:
        payload: dict[str, Any] = {"target": _target_seq(post.get("target")), "comment": comment}
        # a measured target's form has no score: the service keeps the system's score
        if "score" in post:
            payload["score"] = str(post.get("score") or "").strip()
        return payload

    payloads: dict[str, Callable[[], dict[str, Any]]] = {
        "sign": dict,
        "start_evaluation": dict,
        "assess": assess,
        "conclude": lambda: {"comment": comment},
    }
    return payloads[action]()


@login_required
@require_POST
def commitment_act(request: HttpRequest, commitment_id: str) -> HttpResponse:
    """One action with the version the page showed: a page gone stale meanwhile gets the
    service's 409 and changes nothing."""
    official = signed_in(request)
    commitment = _visible(official, commitment_id)
    action = str(request.POST.get("action") or "")[:40]
    key = action
    raw_target = str(request.POST.get("target") or "").strip()
    if action == "assess" and is_digits(raw_target):
        key = f"assess.{int(raw_target)}"
    try:
        refuse_nul(request.POST)
        if action not in services.ACTIONS:
            raise ValidationFailed(
                "commitment.unknown_action", _("Unknown action."), fields={"action": [action]}
            )
        services.commitment_act(
            commitment=commitment,
            actor=official,
            action=action,
            payload=_payload(action, request.POST),
            expected_version=_expected_version(request.POST.get("expected_version")),
        )
    except DomainError as exc:
        fresh = _visible(official, commitment_id)
        return _render_commitment(request, official, fresh, errors={key: exc}, status=exc.status)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("commitments:commitment", commitment_id=commitment.pk)


# -- the list --------------------------------------------------------------------------------


@dataclass
class ListRow:
    commitment: Commitment
    # "final" once evaluated, "frozen" under evaluation (the targets scored so far), "live"
    # before: measuring live costs queries per target, so the list leaves it to the page
    total_kind: str
    total: Decimal | None
    total_text: str
    meets: bool | None


def _list_row(c: Commitment) -> ListRow:
    kind, total = selectors.list_total(c)
    if kind == "live":
        return ListRow(c, "live", None, "", None)
    meets = None if total is None else total >= c.pass_mark
    return ListRow(c, kind, total, two_decimals(total), meets)


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    visible = selectors.commitments_visible(official=official)
    current = timezone.localdate().year
    year = current
    errors: list[str] = []
    raw = str(request.GET.get("year") or "").strip()
    if raw:
        if is_digits(raw) and FIRST_YEAR <= int(raw) <= LAST_YEAR:
            year = int(raw)
        else:
            errors.append(
                _("The year is one from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
    years = set(visible.order_by().values_list("year", flat=True).distinct())
    rows = [
        _list_row(c)
        for c in visible.filter(year=year).prefetch_related("targets").order_by("agency__code")
    ]
    mine = [r for r in rows if r.commitment.head_id == official.pk]
    chaired = [
        r
        for r in rows
        if r not in mine and official.pk in {r.commitment.chairman_id, r.commitment.evaluator_id}
    ]
    overseen = [r for r in rows if r not in mine and r not in chaired]
    context = {
        "year": year,
        "years": sorted(years | {current, year}, reverse=True),
        "errors": errors,
        "sections": [
            ("mine", _("My commitments as head"), mine),
            ("chaired", _("Commitments I signed or evaluate as chairman"), chaired),
            ("overseen", _("Commitments of the units I oversee"), overseen),
        ],
        "may_create": chairable_agencies(official).exists(),
    }
    return render(request, "commitments/list.html", context)


# -- a new commitment, the targets of a draft ------------------------------------------------


def _target_row(key: str, rows: list[int]) -> int | None:
    """The form row of ``targets.N``: the N-th target given, wherever its row stood."""
    seq = key.removeprefix("targets.")
    if key.startswith("targets.") and is_digits(seq) and 0 < int(seq) <= len(rows):
        return rows[int(seq) - 1]
    return None


def _place_errors(
    exc: DomainError, form: Any, formset: Any, rows: list[int], target_errors: list[str]
) -> None:
    """The service's errors next to their fields or target rows; the others on top of the
    form."""
    placed = False
    row_forms = formset.forms
    for key, msgs in exc.fields.items():
        row = _target_row(key, rows)
        posted = ROW_FIELD.fullmatch(key)
        for m in msgs:
            if key in form.fields:
                form.add_error(key, m)
            elif row is not None:
                row_forms[row].add_error(None, m)
            elif key == "targets":
                target_errors.append(m)
            elif (
                posted is not None
                and int(posted.group(1)) < len(row_forms)
                and posted.group(2) in row_forms[int(posted.group(1))].fields
            ):
                row_forms[int(posted.group(1))].add_error(posted.group(2), m)
            else:
                continue
            placed = True
    if not placed or exc.code != "commitment.invalid":
        form.add_error(None, str(exc.message))


def _refused_page(
    request: HttpRequest, template: str, refusal: DomainError, **context: Any
) -> HttpResponse:
    return render(request, template, {"refusal": refusal, **context}, status=refusal.status)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    post = request.method == "POST"
    form = CommitmentForm(request.POST if post else None, official=official)
    if not form.agencies.exists():
        return _refused_page(
            request,
            "commitments/new.html",
            PermissionDenied(
                "commitment.forbidden",
                _("Commitments are made with the chairman over the head's unit."),
            ),
        )
    status = 200
    target_errors: list[str] = []
    if not post:
        formset = target_formset(initial=padded(default_targets()))
        form.initial = _new_initial(request, form)
    else:
        formset = target_formset(request.POST)
        rows: list[int] = []
        try:
            refuse_nul(request.POST)
            forms_valid = form.is_valid()
            if formset.is_valid() and forms_valid:
                data, rows = targets_posted(formset)
                commitment = services.commitment_create(
                    actor=official,
                    year=form.year_value(),
                    agency=form.chosen_agency(),
                    head=form.chosen_head(),
                    targets=data,
                    pass_mark=form.pass_mark_value(),
                )
                messages.success(request, _("The commitment was drafted: both parties sign it."))
                return redirect("commitments:commitment", commitment_id=commitment.pk)
            status = 400
        except DomainError as exc:
            _place_errors(exc, form, formset, rows, target_errors)
            status = exc.status
    context = {"form": form, "formset": formset, "target_errors": target_errors}
    return render(request, "commitments/new.html", context, status=status)


def _new_initial(request: HttpRequest, form: CommitmentForm) -> dict[str, str]:
    """This year and a pass mark of 80; the agency asked for (``?agency=``) or the only one
    the chairman may choose, with its head."""
    initial = {"year": str(timezone.localdate().year), "pass_mark": "80"}
    code = str(request.GET.get("agency") or "")
    agencies = form.agencies
    agency = agencies.filter(code=code).first() if code else None
    if agency is None and not code and agencies.count() == 1:
        agency = agencies.first()
    if agency is not None:
        initial["agency"] = agency.code
        head = org_selectors.agency_head(agency=agency, at=timezone.now())
        if head is not None and head.pk != form.official.pk:
            initial["head"] = head.username
    return initial


def _targets_refusal(official: Official, commitment: Commitment) -> DomainError | None:
    """Why ``commitment_set_targets`` would refuse this official now, in its own words."""
    if not (official.pk == commitment.chairman_id or official.is_superuser):
        return PermissionDenied("commitment.forbidden", _("The chairman drafts it."))
    if (
        commitment.state != CommitmentState.DRAFT
        or commitment.head_signed_at
        or commitment.chairman_signed_at
    ):
        return Conflict("commitment.signed", _("Targets change only in a draft nobody has signed."))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def commitment_targets(request: HttpRequest, commitment_id: str) -> HttpResponse:
    official = signed_in(request)
    commitment = _visible(official, commitment_id)
    refusal = _targets_refusal(official, commitment)
    if refusal is not None:
        return _refused_page(request, "commitments/targets.html", refusal, commitment=commitment)
    status = 200
    target_errors: list[str] = []
    if request.method == "POST":
        form = PassMarkForm(request.POST)
        formset = target_formset(request.POST)
        rows: list[int] = []
        try:
            refuse_nul(request.POST)
            form_valid = form.is_valid()
            if formset.is_valid() and form_valid:
                data, rows = targets_posted(formset)
                services.commitment_set_targets(
                    actor=official,
                    commitment=commitment,
                    targets=data,
                    pass_mark=form.pass_mark_value(),
                    expected_version=_expected_version(request.POST.get("expected_version")),
                )
                messages.success(request, _("The targets were saved."))
                return redirect("commitments:commitment", commitment_id=commitment.pk)
            status = 400
        except DomainError as exc:
            _place_errors(exc, form, formset, rows, target_errors)
            status = exc.status
    else:
        form = PassMarkForm(initial={"pass_mark": str(commitment.pass_mark)})
        formset = target_formset(initial=padded(targets_initial(list(commitment.targets.all()))))
    context = {
        "commitment": commitment,
        "form": form,
        "formset": formset,
        "target_errors": target_errors,
        "version": request.POST.get("expected_version")
        if request.method == "POST"
        else commitment.revision,
    }
    return render(request, "commitments/targets.html", context, status=status)


# -- the standing of every head ----------------------------------------------------------


@dataclass
class StandingRow:
    commitment: Commitment
    standing: selectors.Standing
    targets: list[TargetRow]
    total_text: str


def standing_rows(*, official: Official, year: int) -> list[StandingRow]:
    """Every visible commitment of ``year`` with its standing, as its page shows it (the
    same selector as the page, the export and ``GET /api/v1/commitments/standing``)."""
    rows = []
    now = timezone.now()
    for c in (
        selectors.commitments_visible(official=official)
        .filter(year=year)
        .prefetch_related("targets")
        .order_by("agency__unit__path", "agency__code", "pk")
    ):
        standing = selectors.commitment_standing(commitment=c, now=now)
        rows.append(StandingRow(c, standing, target_rows(standing), two_decimals(standing.total)))
    return rows


@login_required
@require_GET
def commitment_standing(request: HttpRequest) -> HttpResponse:
    """The chairman's view of the year: each head's targets and total against the pass
    mark, live during the year and frozen once evaluated; ``?format=xlsx`` exports it."""
    official = signed_in(request)
    year = timezone.localdate().year
    errors: list[str] = []
    raw = str(request.GET.get("year") or "").strip()
    if raw:
        if is_digits(raw) and FIRST_YEAR <= int(raw) <= LAST_YEAR:
            year = int(raw)
        else:
            errors.append(
                _("The year is one from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
    rows = standing_rows(official=official, year=year)
    if request.GET.get("format") == "xlsx" and not errors:
        from motcua.commitments.spreadsheet import standing_workbook

        response = HttpResponse(standing_workbook(year, rows), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="commitments-{year}.xlsx"'
        return response
    years = set(
        selectors.commitments_visible(official=official)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    context = {
        "year": year,
        "years": sorted(years | {timezone.localdate().year, year}, reverse=True),
        "errors": errors,
        "rows": rows,
    }
    return render(request, "commitments/standing.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
