"""Officials' dossier pages (login required): the one-stop counter, "my work", the dossier
with the actions open to the official, the apology letter, the return desk, the printed
forms and the dossiers' files. Every write goes through ``services``; every error of a
service is shown next to the input it concerns, never as a traceback."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.core.text import is_digits
from motcua.dossiers import files, pages, printing, selectors, services
from motcua.dossiers.forms import (
    ApologyForm,
    CounterForm,
    DocumentRow,
    ReturnSearchForm,
    document_rows,
    lines,
)
from motcua.dossiers.models import (
    Channel,
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStatus,
)
from motcua.org.models import Agency, Official, Role
from motcua.procedures import selectors as procedure_selectors
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.shell.pages import signed_in

FORM_ACTIONS = {"02": "request_supplement", "03": "refuse", "04": "apologize"}
FILE_ROWS = 3
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _visible(official: Official, code: str) -> Dossier:
    try:
        return selectors.dossier_visible_or_404(official=official, code=code)
    except NotFound:
        raise Http404 from None


def _refuse_nul(data: Any) -> None:
    """PostgreSQL keeps no NUL character in text: refuse it in any input (a 400, not a
    500 there and a stored NUL on SQLite)."""
    for key in data:
        if any("\x00" in str(v) for v in data.getlist(key)):
            raise ValidationFailed(
                "request.invalid",
                _("Text must not contain NUL characters."),
                fields={key: [_("No NUL characters.")]},
            )


def _error_text(exc: DomainError) -> str:
    details = [m for msgs in exc.fields.values() for m in msgs]
    return " ".join([str(exc.message), *details]) if details else str(exc.message)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# -- the counter -----------------------------------------------------------------------------


def _counter_agencies(official: Official) -> list[Agency]:
    agencies = pages.counter_agencies(official)
    if not agencies:
        raise DjangoPermissionDenied(_("Only one-stop officers receive dossiers."))
    return agencies


def _chosen_agency(agencies: list[Agency], code: str | None) -> Agency:
    return next((a for a in agencies if a.code == code), agencies[0])


def _procedure_and_version(
    form: CounterForm, now: Any
) -> tuple[Procedure | None, ProcedureVersion | None]:
    code = form.cleaned_data.get("procedure") if hasattr(form, "cleaned_data") else None
    if not code:
        return None, None
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        form.add_error("procedure", _("Choose a procedure from the list."))
        return None, None
    try:
        version = procedure_selectors.version_in_force(procedure=procedure, at=now)
    except NotFound as exc:
        form.add_error("procedure", exc.message)
        return procedure, None
    return procedure, version


def _store_uploads(rows: list[DocumentRow], official: Official) -> bool:
    """Store the scans handed in; a row keeps its digest for a second attempt, so a form
    shown again with an error does not lose the files already sent."""
    ok = True
    for row in rows:
        if row.upload is None:
            continue
        try:
            stored = files.file_store(
                data=row.upload, name=row.upload.name or row.name, by=official
            )
        except DomainError as exc:
            row.errors.append(_error_text(exc))
            ok = False
        else:
            row.file_sha256, row.file_name = stored.sha256, stored.original_name
    return ok


@dataclass
class CounterState:
    """What the counter page shows after a submission that did not go through."""

    procedure: Procedure | None = None
    version: ProcedureVersion | None = None
    rows: list[DocumentRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_competent: bool = False
    notes: list[str] = field(default_factory=list)


def _counter_refuse(
    official: Official, agency: Agency, form: CounterForm, state: CounterState
) -> Dossier:
    reasons = lines(form.cleaned_data["reasons"])
    if not reasons:
        raise ValidationFailed(
            "dossier.invalid",
            _("Give the reasons for the refusal."),
            fields={"reasons": [_("Give the reasons for the refusal.")]},
        )
    assert state.procedure is not None  # noqa: S101 - checked by the caller
    return services.dossier_refuse_at_counter(
        actor=official,
        procedure=state.procedure,
        agency=agency,
        channel=form.cleaned_data["channel"],
        applicant=form.applicant(),
        reasons=reasons,
    )


def _counter_receive(
    official: Official, agency: Agency, form: CounterForm, state: CounterState
) -> Dossier | None:
    if not _store_uploads(state.rows, official):
        return None
    assert state.procedure is not None  # noqa: S101 - checked by the caller
    return services.dossier_receive(
        actor=official,
        procedure=state.procedure,
        agency=agency,
        channel=form.cleaned_data["channel"],
        applicant=form.applicant(),
        documents=[
            services.DocumentIn(r.name, r.copies, r.file_sha256) for r in state.rows if r.given
        ],
    )


def _counter_error(exc: DomainError, form: CounterForm, state: CounterState) -> None:
    """Show a service's refusal where it belongs: the missing documents in the checklist,
    competence at the procedure, applicant data at their inputs."""
    if exc.code == "dossier.incomplete":
        state.missing = list(exc.fields.get("documents", []))
        for row in state.rows:
            row.missing = row.name in state.missing
        return
    if exc.code == "dossier.not_competent":
        state.not_competent = True
        form.add_error("procedure", exc.message)
        return
    state.notes = form.show_error(exc)
    for key, msgs in exc.fields.items():
        found = re.match(r"^documents\.(\d+)\.", key)
        if found and int(found.group(1)) < len(state.rows):
            state.rows[int(found.group(1))].errors.extend(msgs)
    if exc.status == 403 or not exc.fields:
        state.notes = [exc.message]


def _counter_submit(
    request: HttpRequest, official: Official, agency: Agency, form: CounterForm
) -> Dossier | CounterState:
    state = CounterState()
    try:
        _refuse_nul(request.POST)
    except DomainError as exc:
        state.notes = [exc.message]
        return state
    valid = form.is_valid()
    state.procedure, state.version = _procedure_and_version(form, timezone.now())
    if state.version is not None:
        state.rows = document_rows(list(state.version.documents.all()), request.POST, request.FILES)
    if not (valid and form.is_valid() and state.procedure and state.version):
        return state
    try:
        if request.POST.get("op") == "refuse":
            return _counter_refuse(official, agency, form, state)
        return _counter_receive(official, agency, form, state) or state
    except DomainError as exc:
        _counter_error(exc, form, state)
    return state


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Reception: the applicant, the procedure, the checklist of documents; receive (Form
    01), or print what is missing (Form 02), or refuse (Form 03). Online submissions of
    the agency wait at the bottom, to be received or refused."""
    official = signed_in(request)
    agencies = _counter_agencies(official)
    now = timezone.now()
    posted = request.method == "POST"
    agency = _chosen_agency(
        agencies, (request.POST if posted else request.GET).get("agency") or None
    )
    form = CounterForm(
        request.POST if posted else None, agencies=agencies, initial={"agency": agency.code}
    )
    state = CounterState()
    if posted:
        result = _counter_submit(request, official, agency, form)
        if isinstance(result, Dossier):
            return redirect("dossiers:receipt", code=result.code)
        state = result
    procedure, version = state.procedure, state.version
    competent = (
        procedure is not None
        and pages.competent_procedures(agency=agency, day=timezone.localdate(now))
        .filter(pk=procedure.pk)
        .exists()
    )
    waiting = (
        Dossier.objects.filter(agency=agency, status=DossierStatus.SUBMITTED_ONLINE)
        .select_related("procedure")
        .order_by("submitted_at", "pk")[:100]
    )
    return render(
        request,
        "dossiers/counter.html",
        {
            "form": form,
            "agency": agency,
            "agencies": agencies,
            "procedure": procedure,
            "version": version,
            "competent": competent,
            "rows": state.rows,
            "missing": state.missing,
            "not_competent": state.not_competent or (procedure is not None and not competent),
            "notes": state.notes,
            "appointment": (
                pages.appointment(version=version, agency=agency, now=now) if version else None
            ),
            "waiting": list(waiting),
        },
        status=400 if posted else 200,
    )


def _counter_agency_or_error(request: HttpRequest) -> Agency | JsonResponse:
    official = signed_in(request)
    agencies = pages.counter_agencies(official)
    code = request.GET.get("agency") or ""
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        error = PermissionDenied(
            "dossier.forbidden", _("You do not receive dossiers at this agency.")
        )
        return JsonResponse(error.as_dict(), status=403)
    return agency


@login_required
@require_GET
def counter_procedures(request: HttpRequest) -> JsonResponse:
    """The procedures the agency resolves matching ``q`` (words without accents)."""
    agency = _counter_agency_or_error(request)
    if isinstance(agency, JsonResponse):
        return agency
    q = (request.GET.get("q") or "")[:200].replace("\x00", "")
    rows = pages.counter_procedures(agency=agency, q=q, day=timezone.localdate())
    return JsonResponse({"results": rows})


@login_required
@require_GET
def counter_procedure(request: HttpRequest) -> JsonResponse:
    """One procedure at the agency: its documents to check and the appointment a
    dossier received now would get."""
    agency = _counter_agency_or_error(request)
    if isinstance(agency, JsonResponse):
        return agency
    code = (request.GET.get("code") or "")[:40].replace("\x00", "")
    procedure = Procedure.objects.filter(code=code).first()
    now = timezone.now()
    try:
        if procedure is None:
            raise NotFound("procedure.not_found", _("Unknown procedure %(code)s.") % {"code": code})
        version = procedure_selectors.version_in_force(procedure=procedure, at=now)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    due = pages.appointment(version=version, agency=agency, now=now)
    competent = (
        pages.competent_procedures(agency=agency, day=timezone.localdate(now))
        .filter(pk=procedure.pk)
        .exists()
    )
    local = timezone.localtime(due.due_at)
    return JsonResponse(
        {
            "code": procedure.code,
            "name": procedure.name,
            "competent": competent,
            "version": version.number,
            "time_limit": _limit_text(version),
            "documents": [
                {"index": i, "name": d.name, "mandatory": d.mandatory, "copies": d.count or 1}
                for i, d in enumerate(version.documents.all())
            ],
            "due_at": local.isoformat(),
            "due_text": local.strftime("%H:%M %d/%m/%Y"),
        }
    )


def _limit_text(version: ProcedureVersion) -> str:
    value = version.time_limit_value.normalize()
    return f"{value:f} {version.get_time_limit_unit_display()}"


@login_required
@require_POST
def counter_form02(request: HttpRequest) -> HttpResponse:
    """Form 02 printed from what the officer typed, before any dossier exists: every
    mandatory document of the version not ticked in the checklist."""
    official = signed_in(request)
    agencies = _counter_agencies(official)
    agency = _chosen_agency(agencies, request.POST.get("agency"))
    try:
        _refuse_nul(request.POST)
    except DomainError as exc:
        return _plain_error(exc)
    form = CounterForm(request.POST, agencies=agencies)
    form.is_valid()
    procedure, version = _procedure_and_version(form, timezone.now())
    name = form.cleaned_data.get("full_name") if hasattr(form, "cleaned_data") else None
    if version is None or procedure is None or not name:
        error = ValidationFailed(
            "dossier.invalid", _("Choose the procedure and type the applicant's name first.")
        )
        return _plain_error(error)
    rows = document_rows(list(version.documents.all()), request.POST)
    items = tuple(r.name for r in rows if r.mandatory and not r.given)
    if not items:
        return _plain_error(
            ValidationFailed("dossier.complete", _("No mandatory document is missing."))
        )
    data = form.cleaned_data
    pdf = printing.render_supplement_request(
        printing.SupplementRequest(
            letterhead=printing.letterhead_of(agency),
            issued_at=timezone.now(),
            applicant=printing.Applicant(
                name=name,
                address=data.get("address", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
            ),
            procedure=procedure.name,
            items=items,
            officer=official.display_name,
            officer_phone=official.phone,
        )
    )
    return _pdf(pdf, "mau-02.pdf")


def _plain_error(exc: DomainError) -> HttpResponse:
    return HttpResponse(
        _error_text(exc), status=exc.status, content_type="text/plain; charset=utf-8"
    )


def _pdf(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@login_required
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """After reception (or refusal) at the counter: the code and the printed form."""
    dossier = _visible(signed_in(request), code)
    refusal = None
    if dossier.status == DossierStatus.REFUSED:
        refusal = dossier.events.filter(action="refuse").order_by("-seq").first()
    return render(
        request,
        "dossiers/receipt.html",
        {
            "dossier": dossier,
            "refusal": refusal,
            "documents": dossier.documents.filter(kind=DocumentKind.COMPONENT),
        },
    )


# -- my work ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    return render(
        request,
        "dossiers/my_work.html",
        {"work": pages.my_work(official=official), "now": timezone.now()},
    )


# -- one dossier -----------------------------------------------------------------------------

ACTION_LABELS = {
    "submit": gettext_lazy("Submitted online"),
    "receive": gettext_lazy("Receive"),
    "refuse": gettext_lazy("Refuse"),
    "assign": gettext_lazy("Assign"),
    "take": gettext_lazy("Take it"),
    "complete_step": gettext_lazy("Complete the step"),
    "send_back": gettext_lazy("Send back"),
    "forward": gettext_lazy("Forward to another agency"),
    "request_supplement": gettext_lazy("Request a supplement"),
    "supplement": gettext_lazy("Record the supplement"),
    "request_payment": gettext_lazy("Request a payment"),
    "pay": gettext_lazy("Record the payment"),
    "apologize": gettext_lazy("Apology letter"),
    "finish": gettext_lazy("Finish with the result"),
    "return": gettext_lazy("Return the result"),
    "withdraw": gettext_lazy("Withdrawn by the applicant"),
    "stop": gettext_lazy("Stop handling"),
    "rate": gettext_lazy("Rated by the applicant"),
    "import": gettext_lazy("Imported"),
}


def _label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _form_links(dossier: Dossier, events: list[DossierEvent]) -> list[tuple[str, str, str]]:
    """(form, label, url) of every printable form of the dossier."""
    base = reverse("dossiers:form", args=[dossier.code, "01"])[: -len("01.pdf")]
    links: list[tuple[str, str, str]] = []
    if dossier.received_at is not None:
        links.append(("01", _("Receipt (Form 01)"), base + "01.pdf"))
    for e in events:
        form = pages.PRINTED.get(e.action)
        if form is not None:
            label = {
                "02": _("Supplement request (Form 02) of %(date)s"),
                "03": _("Refusal (Form 03) of %(date)s"),
                "04": _("Apology letter (Form 04) of %(date)s"),
            }[form] % {"date": timezone.localtime(e.at).strftime("%d/%m/%Y")}
            links.append((form, label, f"{base}{form}.pdf?event={e.seq}"))
    if dossier.received_at is not None:
        links.append(("05", _("Control sheet (Form 05)"), base + "05.pdf"))
    return links


def _event_summary(event: DossierEvent) -> list[tuple[str, str]]:
    data = event.data if isinstance(event.data, dict) else {}
    out = []
    for key, value in data.items():
        if value in (None, "", []):
            continue
        shown = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        out.append((key, shown))
    return out


def _render_dossier(
    request: HttpRequest,
    official: Official,
    dossier: Dossier,
    *,
    errors: dict[str, DomainError] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    engine = selectors.engine_of(dossier)
    grants = pages.grants_of(official)
    full = selectors.may_see_personal_data(official=official, dossier=dossier)
    if full:
        selectors.personal_data_viewed(official=official, dossier=dossier, via="page")
    steps = list(dossier.steps.all())
    step = pages.open_step(dossier)
    events = list(dossier.events.select_related("actor").order_by("seq"))
    documents = list(dossier.documents.all())
    actions = pages.allowed_actions(official=official, dossier=dossier, grants=grants, now=now)
    statuses = {int(k): str(v) for k, v in DossierStatus.choices}
    control = None
    if dossier.received_at is not None:
        try:
            control = printing.control_sheet_from(dossier)
        except DomainError:
            control = None
    context: dict[str, Any] = {
        "dossier": dossier,
        "full": full,
        "id_number": dossier.applicant_id_number
        if full
        else selectors.mask(dossier.applicant_id_number),
        "phone": dossier.applicant_phone if full else selectors.mask(dossier.applicant_phone),
        "timeliness": selectors.dossier_timeliness(dossier, now=now, engine=engine),
        "time": pages.dossier_time(dossier, now=now, engine=engine),
        "steps": [
            (
                s,
                pages.step_time(s, now=now, engine=engine),
                selectors.step_timeliness(s, engine, now=now),
            )
            for s in steps
        ],
        "step": step,
        "components": [d for d in documents if d.kind == DocumentKind.COMPONENT],
        "results": [d for d in documents if d.kind == DocumentKind.RESULT],
        "events": [
            (
                e,
                _label(e.action),
                _event_summary(e),
                statuses.get(e.from_status, "") if e.from_status else "",
                statuses.get(e.to_status, ""),
            )
            for e in events
        ],
        "handovers": control.handovers if control else [],
        "forms": _form_links(dossier, events),
        "actions": actions,
        "errors": errors or {},
        # errors of an action whose form is not on the page (any more): shown on top
        "stray_errors": [
            exc for act, exc in (errors or {}).items() if act not in actions or act == "apologize"
        ],
        "posted": request.POST if errors else {},
        "assignees": pages.officials_of(step.agency) if step and "assign" in actions else [],
        "targets": (
            pages.forward_targets(dossier=dossier, step=step, day=timezone.localdate(now))
            if step and "forward" in actions
            else []
        ),
        "file_rows": range(FILE_ROWS),
        "methods": Channel.choices,
    }
    return render(request, "dossiers/dossier.html", context, status=status)


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    official = signed_in(request)
    return _render_dossier(request, official, _visible(official, code))


def _stored_rows(request: HttpRequest, official: Official) -> list[dict[str, str]]:
    """Named documents of an action form (name, optional scan): ``doc_name_<i>`` and
    ``doc_file_<i>``; a file without a name is named after the file."""
    out = []
    for i in range(FILE_ROWS):
        name = (request.POST.get(f"doc_name_{i}") or "").strip()
        upload = request.FILES.get(f"doc_file_{i}")
        sha = ""
        if upload is not None:
            sha = files.file_store(data=upload, name=upload.name or name, by=official).sha256
            name = name or (upload.name or "")
        if name:
            out.append({"name": name, "file_sha256": sha})
    return out


def _amount(raw: str) -> int:
    digits = re.sub(r"[\s.,]", "", raw)
    if not is_digits(digits):
        raise ValidationFailed(
            "dossier.invalid",
            _("The amount is a positive number of đồng."),
            fields={"amount_vnd": [_("A positive whole number.")]},
        )
    return int(digits)


def _payload(action: str, request: HttpRequest, official: Official) -> tuple[str, dict[str, Any]]:
    """The service action and its payload from an action form."""
    post = request.POST
    text = {k: (post.get(k) or "") for k in ("note", "reason", "result_note", "method", "agency")}
    if action == "take":
        return "assign", {"assignee": official.username}
    payloads: dict[str, Any] = {
        "refuse": lambda: {"reasons": lines(post.get("reasons") or "")},
        "assign": lambda: {"assignee": post.get("assignee") or ""},
        "complete_step": lambda: {"note": text["note"]},
        "send_back": lambda: {"note": text["note"]},
        "forward": lambda: {"agency": text["agency"], "note": text["note"]},
        "request_supplement": lambda: {"items": lines(post.get("items") or "")},
        "supplement": lambda: {"note": text["note"], "documents": _stored_rows(request, official)},
        "request_payment": lambda: {
            "amount_vnd": _amount(post.get("amount_vnd") or ""),
            "note": text["note"],
        },
        "pay": lambda: {"online": post.get("online") == "1", "note": text["note"]},
        "finish": lambda: {
            "result_note": text["result_note"],
            "result_files": _stored_rows(request, official),
        },
        "return": lambda: {"method": text["method"]},
        "withdraw": lambda: {"reason": text["reason"]},
        "stop": lambda: {"reason": text["reason"]},
    }
    build = payloads.get(action)
    return action, build() if build is not None else {}


def _expected_version(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(
            "request.invalid",
            _("The page is out of date: reload it."),
            fields={"expected_version": [_("A whole number.")]},
        ) from None


DONE_MESSAGES = {
    "receive": gettext_lazy("The dossier was received."),
    "refuse": gettext_lazy("The dossier was refused."),
    "return": gettext_lazy("The result was returned."),
}


@login_required
@require_POST
def dossier_act(request: HttpRequest, code: str) -> HttpResponse:
    """One action on the dossier, with the version the page showed: a page gone stale
    meanwhile gets the service's 409 and changes nothing."""
    official = signed_in(request)
    dossier = _visible(official, code)
    action = (request.POST.get("action") or "")[:40]
    back = _safe_next(request)
    try:
        _refuse_nul(request.POST)
        expected = _expected_version(request.POST.get("expected_version"))
        service_action, payload = _payload(action, request, official)
        services.dossier_act(
            dossier=dossier,
            actor=official,
            action=service_action,
            payload=payload,
            expected_version=expected,
        )
    except DomainError as exc:
        if back:
            messages.error(request, _error_text(exc))
            return redirect(back)
        fresh = _visible(official, code)
        return _render_dossier(request, official, fresh, errors={action: exc}, status=exc.status)
    messages.success(
        request,
        str(DONE_MESSAGES.get(action, _("Done: %(action)s.") % {"action": _label(action)})),
    )
    if action == "receive":
        return redirect("dossiers:receipt", code=dossier.code)
    return redirect(back or reverse("dossiers:dossier", args=[dossier.code]))


@login_required
@require_http_methods(["GET", "POST"])
def apology(request: HttpRequest, code: str) -> HttpResponse:
    """The apology letter (Form 04), issued by the head of the agency holding the
    dossier before its due time, with a new appointment."""
    official = signed_in(request)
    dossier = _visible(official, code)
    step = pages.open_step(dossier)
    holder = step.agency if step else dossier.agency
    grants = pages.grants_of(official)
    if not pages.has_role(official, grants, holder, {Role.UNIT_HEAD, Role.CHAIRMAN}):
        raise DjangoPermissionDenied(
            _("The apology letter is issued by the head of the handling agency.")
        )
    form = ApologyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            _refuse_nul(request.POST)
            expected = _expected_version(request.POST.get("expected_version"))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if form.is_valid():
                try:
                    done = services.dossier_act(
                        dossier=dossier,
                        actor=official,
                        action="apologize",
                        payload={
                            "reason": form.cleaned_data["reason"],
                            "new_due_at": form.cleaned_data["new_due_at"],
                        },
                        expected_version=expected,
                    )
                except DomainError as exc:
                    shown = False
                    for key, msgs in exc.fields.items():
                        if key in form.fields:
                            for m in msgs:
                                form.add_error(key, m)
                            shown = True
                    if not shown:
                        form.add_error(None, exc.message)
                    status = exc.status
                else:
                    url = reverse("dossiers:apology", args=[code])
                    return redirect(f"{url}?{urlencode({'issued': done.revision})}")
    issued = None
    seq = request.GET.get("issued") or ""
    if is_digits(seq):
        issued = dossier.events.filter(seq=int(seq), action="apologize").first()
    engine = selectors.engine_of(dossier)
    now = timezone.now()
    return render(
        request,
        "dossiers/apology.html",
        {
            "dossier": dossier,
            "form": form,
            "issued": issued,
            "time": pages.dossier_time(dossier, now=now, engine=engine),
            "may_issue": dossier.status in pages.HANDLING
            and dossier.due_at is not None
            and now < dossier.due_at,
        },
        status=status,
    )


# -- the return desk -------------------------------------------------------------------------


@login_required
@require_GET
def returns(request: HttpRequest) -> HttpResponse:
    """Results ready at the official's one-stop departments, oldest first, by code or
    applicant's name; one action: returned, with how."""
    official = signed_in(request)
    agencies = _counter_agencies(official)
    form = ReturnSearchForm(request.GET)
    form.is_valid()
    q = (form.cleaned_data.get("q") or "").strip()
    rows = (
        Dossier.objects.filter(agency__in=agencies, status=DossierStatus.FINISHED)
        .select_related("procedure", "agency__unit")
        .order_by("finished_at", "pk")
    )
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/returns.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "methods": Channel.choices,
            "here": request.get_full_path(),
        },
    )


# -- printed forms and files -----------------------------------------------------------------


@login_required
@require_GET
def form_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """Forms 01 (receipt) and 05 (control sheet) of the dossier; 02, 03 and 04 of one of
    its events (``?event=<seq>``, the latest by default). Applicants' contact data is
    printed for those who handle the dossier (and the print logged), masked for others."""
    official = signed_in(request)
    dossier = _visible(official, code)
    if selectors.may_see_personal_data(official=official, dossier=dossier):
        selectors.personal_data_viewed(official=official, dossier=dossier, via="pdf")
    else:
        dossier = _masked(dossier)
    try:
        if form == "01":
            pdf = printing.render_receipt(printing.receipt_from(dossier))
        elif form == "05":
            pdf = printing.render_control_sheet(printing.control_sheet_from(dossier))
        elif form in FORM_ACTIONS:
            events = dossier.events.filter(action=FORM_ACTIONS[form]).select_related("actor")
            seq = request.GET.get("event") or ""
            if seq:
                events = events.filter(seq=int(seq)) if is_digits(seq) else events.none()
            event = events.order_by("-seq").first()
            if event is None:
                raise Http404
            render_form = {
                "02": lambda: printing.render_supplement_request(
                    printing.supplement_request_from(dossier, event)
                ),
                "03": lambda: printing.render_refusal(printing.refusal_from(dossier, event)),
                "04": lambda: printing.render_apology(printing.apology_from(dossier, event)),
            }[form]
            pdf = render_form()
        else:
            raise Http404
    except DomainError as exc:
        return _plain_error(exc)
    return _pdf(pdf, f"{dossier.code}-mau-{form}.pdf")


def _masked(dossier: Dossier) -> Dossier:
    """A copy of the dossier for printing without the applicant's contact data."""
    shown = copy.copy(dossier)
    shown.applicant_id_number = selectors.mask(dossier.applicant_id_number)
    shown.applicant_phone = selectors.mask(dossier.applicant_phone)
    shown.applicant_email = shown.applicant_address = ""
    return shown


@login_required
@require_GET
def file_download(request: HttpRequest, sha256: str) -> HttpResponseBase:
    """A stored file, for an official who may see a dossier it belongs to."""
    if not SHA256.match(sha256):
        raise Http404
    visible = selectors.dossiers_visible(official=signed_in(request)).values("pk")
    if not DossierDocument.objects.filter(file_sha256=sha256, dossier__in=visible).exists():
        raise Http404
    try:
        stored = files.file_get(sha256)
    except NotFound:
        raise Http404 from None
    return FileResponse(
        files.file_open(stored),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
