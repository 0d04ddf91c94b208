"""Public pages for citizens, no login: find a procedure whatever the accents typed, and
read in plain words what to bring, what it costs, how long it takes and what comes out;
file a dossier online, look it up with its code and the ID number, follow it, supplement
it, pay, rate the service, report misconduct and follow the report by its code. Reads go
through selectors, writes through the dossier and inspection services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, NotFound
from motcua.dossiers import files, services
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.inspections import selectors as inspection_selectors
from motcua.inspections import services as inspection_services
from motcua.portal import limits
from motcua.portal import selectors as portal_selectors
from motcua.portal.forms import (
    LookupForm,
    MisconductForm,
    PaymentForm,
    PortalSearchForm,
    RatingForm,
    SubmissionForm,
    SupplementForm,
)
from motcua.procedures import pages, selectors
from motcua.procedures.models import Procedure, ProcedureVersion

PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    """Procedures in force today, searched by words without or with diacritics."""
    form = PortalSearchForm(request.GET)
    form.is_valid()  # an unknown field is shown with its error and left out
    chosen = form.cleaned_data
    sector = chosen.get("sector")
    today = timezone.localdate()
    rows = selectors.procedures_search(
        q=chosen.get("q"), sector=sector.code if sector else None
    ).filter(
        pk__in=ProcedureVersion.objects.filter(pages.in_force_on(today)).values("procedure_id")
    )
    rows = pages.with_version_in_force(pages.exact_name_first(rows, chosen.get("q")), today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/catalogue.html",
        {"form": form, "page": page, "searched": bool(chosen.get("q") or sector)},
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """What the version in force today asks and promises."""
    try:
        procedure = selectors.procedure_get(code=code)
        version = selectors.version_in_force(procedure=procedure, at=timezone.localdate())
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "portal/procedure.html",
        {
            "procedure": procedure,
            "version": version,
            "timeline": pages.timeline(procedure=procedure, version=version),
        },
    )


def document_template(request: HttpRequest, pk: int) -> FileResponse:
    return pages.document_template_response(document_id=pk)


# -- dossiers: look-up, timeline and the applicant's actions --------------------------------

# the dossiers this browser proved to hold (by a look-up with the ID number, or by filing
# them): the ID number itself is never put in a URL nor kept in the session
SESSION_KEY = "portal_dossiers"
REMEMBERED = 20

EVENT_LABELS = {
    "submit": gettext_lazy("Submitted online"),
    "receive": gettext_lazy("Received by the one-stop department"),
    "refuse": gettext_lazy("Not received"),
    "complete_step": gettext_lazy("A handling step was completed"),
    "send_back": gettext_lazy("Sent back to the previous step"),
    "forward": gettext_lazy("Passed to another agency"),
    "request_supplement": gettext_lazy("You were asked to supplement the dossier"),
    "supplement": gettext_lazy("The dossier was supplemented"),
    "request_payment": gettext_lazy("You were asked to pay"),
    "pay": gettext_lazy("Payment recorded"),
    "apologize": gettext_lazy("Apology and a new appointment"),
    "finish": gettext_lazy("Handled: the result is ready"),
    "return": gettext_lazy("Result returned"),
    "withdraw": gettext_lazy("Withdrawn at your request"),
    "stop": gettext_lazy("Handling stopped"),
    "rate": gettext_lazy("You rated the service"),
}


def _remember(request: HttpRequest, code: str) -> None:
    held = [c for c in request.session.get(SESSION_KEY, []) if c != code]
    request.session[SESSION_KEY] = [*held, code][-REMEMBERED:]


def _held_or_404(request: HttpRequest, code: str) -> Dossier:
    """Only a dossier this browser looked up (or filed): another browser gets 404, the same
    answer as for a code that does not exist."""
    if code not in request.session.get(SESSION_KEY, []):
        raise Http404
    dossier = portal_selectors.dossier_for_citizen(code=code)
    if dossier is None:
        raise Http404
    return dossier


def _add_errors(form: forms.Form, error: DomainError, names: dict[str, str]) -> None:
    """Show a service's per-field messages next to the inputs (``names`` maps its keys to
    the form's fields); the rest, and the message itself, at the top of the form."""
    placed = False
    for key, messages_ in error.fields.items():
        target = names.get(key, key if key in form.fields else None)
        for message in messages_:
            form.add_error(target, message)
        placed = placed or target is not None
    if not placed:
        form.add_error(None, error.message)


def lookup(request: HttpRequest) -> HttpResponse:
    """Find a dossier by its code and the applicant's ID number. POST only, so the number
    stays out of URLs and logs; the QR code of the receipt pre-fills the code."""
    status = 200
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                limits.lookup_attempt(request, code)
                try:
                    dossier = dossier_selectors.public_lookup(
                        code=code, id_number=form.cleaned_data["id_number"]
                    )
                except NotFound:
                    limits.lookup_failed(code)
                    raise
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                _remember(request, dossier.code)
                return redirect("portal:dossier", code=dossier.code)
        else:
            status = 400
    else:
        form = LookupForm(initial={"code": request.GET.get("code", "")[:60]})
    return render(request, "portal/lookup.html", {"form": form}, status=status)


def _timeline(
    request: HttpRequest,
    dossier: Dossier,
    *,
    forms_: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = portal_selectors.public_view(dossier)
    given = forms_ or {}
    context: dict[str, Any] = {
        "d": dossier,
        "view": view,
        "events": [(e, EVENT_LABELS.get(e.action, e.action)) for e in view.events],
        "end_reasons": dossier.end_reason.splitlines() if dossier.end_reason else [],
        "S": DossierStatus,
    }
    supplement = view.open_supplement
    if supplement is not None:
        context["supplement_form"] = given.get("supplement") or SupplementForm(
            items=supplement.items, initial={"revision": dossier.revision}
        )
    if dossier.status == DossierStatus.FINANCIAL_OBLIGATION:
        context["payment_form"] = given.get("payment") or PaymentForm(
            initial={"revision": dossier.revision}
        )
    if view.may_rate:
        context["rating_form"] = given.get("rating") or RatingForm()
    return render(request, "portal/dossier.html", context, status=status)


def dossier_timeline(request: HttpRequest, code: str) -> HttpResponse:
    """Where the dossier is, what happens next and by when, in plain words."""
    return _timeline(request, _held_or_404(request, code))


@require_POST
def dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant sends what was asked for: the files are stored, then the clock runs
    again (the service moves the due times by the office time paused)."""
    dossier = _held_or_404(request, code)
    view = portal_selectors.public_view(dossier)
    if view.open_supplement is None:
        messages.error(request, _("Nothing is asked of you for this dossier now."))
        return redirect("portal:dossier", code=code)
    form = SupplementForm(request.POST, request.FILES, items=view.open_supplement.items)
    if not form.is_valid():
        return _timeline(request, dossier, forms_={"supplement": form}, status=400)
    documents = []
    try:
        for i, item in enumerate(form.items):
            upload = form.cleaned_data.get(f"file_{i}")
            if upload:
                stored = files.file_store(data=upload, name=upload.name or "", by=None)
                documents.append({"name": item[:500], "file_sha256": stored.sha256})
    except DomainError as error:
        form.add_error(f"file_{i}", error.message)
        return _timeline(request, dossier, forms_={"supplement": form}, status=error.status)
    try:
        services.dossier_act(
            dossier=dossier,
            actor=None,
            action="supplement",
            payload={"note": form.cleaned_data["note"], "documents": documents},
            expected_version=form.cleaned_data["revision"],
        )
    except DomainError as error:
        return _refused(request, dossier, "supplement", form, error)
    messages.success(
        request,
        _("Thank you: your supplement was received and handling continues from now."),
    )
    return redirect("portal:dossier", code=code)


def _refused(
    request: HttpRequest, dossier: Dossier, name: str, form: forms.Form, error: DomainError
) -> HttpResponse:
    if error.code == "dossier.changed" or error.status == 409:
        messages.error(
            request,
            _("The dossier changed meanwhile, so nothing was done. Here is where it is now."),
        )
        return redirect("portal:dossier", code=dossier.code)
    _add_errors(form, error, {})
    return _timeline(request, dossier, forms_={name: form}, status=error.status)


@require_POST
def dossier_payment(request: HttpRequest, code: str) -> HttpResponse:
    """ "I have paid online". There is no payment gateway behind this page: the applicant's
    word is recorded as a payment made online, the clock runs again at once (as the service
    does for any payment), and the one-stop officer checks the money against the account
    statement; the page says so rather than claim the payment was verified."""
    dossier = _held_or_404(request, code)
    form = PaymentForm(request.POST)
    if dossier.status != DossierStatus.FINANCIAL_OBLIGATION:
        messages.error(request, _("No payment is asked of you for this dossier now."))
        return redirect("portal:dossier", code=code)
    if not form.is_valid():
        return _timeline(request, dossier, forms_={"payment": form}, status=400)
    try:
        services.dossier_act(
            dossier=dossier,
            actor=None,
            action="pay",
            payload={"online": True, "note": form.cleaned_data["note"]},
            expected_version=form.cleaned_data["revision"],
        )
    except DomainError as error:
        return _refused(request, dossier, "payment", form, error)
    messages.success(
        request,
        _(
            "Recorded: you paid online. Handling continues from now; the one-stop "
            "department checks the payment and contacts you if it has not arrived."
        ),
    )
    return redirect("portal:dossier", code=code)


@require_POST
def dossier_rating(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _held_or_404(request, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _timeline(request, dossier, forms_={"rating": form}, status=400)
    try:
        services.dossier_rate(
            dossier=dossier, level=form.cleaned_data["level"], comment=form.cleaned_data["comment"]
        )
    except DomainError as error:
        if error.status == 409:
            messages.error(request, error.message)
            return redirect("portal:dossier", code=code)
        _add_errors(form, error, {})
        return _timeline(request, dossier, forms_={"rating": form}, status=error.status)
    messages.success(request, _("Thank you for rating the service."))
    return redirect("portal:dossier", code=code)


# -- misconduct reports ---------------------------------------------------------------------

REPORT_SESSION_KEY = "portal_report"


def report(request: HttpRequest) -> HttpResponse:
    """Report misconduct (harassment, asking for money, delay), about a dossier or not. A
    dossier this browser looked up is tied to the report as it comes from its timeline."""
    held = request.session.get(SESSION_KEY, [])
    tied = request.GET.get("dossier", "") or request.POST.get("tied", "")
    tied = tied if tied in held else ""
    dossier = portal_selectors.dossier_for_citizen(code=tied) if tied else None
    status = 200
    if request.method == "POST":
        form = MisconductForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            agency = data.get("agency")
            try:
                limits.report_attempt(request)
                created = inspection_services.misconduct_report_create(
                    report=inspection_services.MisconductIn(
                        kind=data["kind"],
                        description=data["description"],
                        # a tied dossier no longer in the session (it expired meanwhile)
                        # is checked like a typed one
                        dossier_code=dossier.code
                        if dossier
                        else data["dossier"] or request.POST.get("tied", "")[:60],
                        official_name=data["official"],
                        agency_code=agency.code if agency else "",
                        reporter_name=data["reporter_name"],
                        reporter_contact=data["reporter_contact"],
                        # proved by this browser's look-up; a typed code is kept as text
                        dossier_proven=dossier is not None
                        or (data["dossier"] or "").strip() in held,
                    )
                )
            except DomainError as error:
                _add_errors(form, error, {})
                status = error.status
            else:
                # the follow-up code, shown once more on the next page (not in its URL)
                request.session[REPORT_SESSION_KEY] = created.code
                return redirect("portal:report_sent")
        else:
            status = 400
    else:
        form = MisconductForm(initial={"dossier": request.GET.get("dossier", "")[:60]})
    return render(request, "portal/report.html", {"form": form, "dossier": dossier}, status=status)


def report_sent(request: HttpRequest) -> HttpResponse:
    """The report's follow-up code, prominent: the only way back to it without a login."""
    code = request.session.get(REPORT_SESSION_KEY)
    if not isinstance(code, str):
        return redirect("portal:report")
    return render(request, "portal/report_sent.html", {"code": code})


class FollowForm(forms.Form):
    # no length check here: a code too long to be one gets the answer of any unknown code
    code = forms.CharField(
        label=gettext_lazy("Follow-up code"),
        help_text=gettext_lazy("As shown when you sent the report, e.g. PA-7K3M9Q2XWD."),
        widget=forms.TextInput(
            attrs={
                "maxlength": "40",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )


def report_follow(request: HttpRequest) -> HttpResponse:
    """Follow a misconduct report by its code, without login: when it was received, where it
    stands and, once closed, the finding. POST only, so the code stays out of URLs and logs;
    rate-limited with the dossier look-up's counters; a code that is wrong and one that is
    nobody's get the same answer."""
    status = 200
    found = None
    if request.method == "POST":
        form = FollowForm(request.POST)
        if form.is_valid():
            typed = form.cleaned_data["code"]
            try:
                limits.lookup_attempt(request, typed)
                found = inspection_selectors.misconduct_report_follow(code=typed)
                if found is None:
                    limits.lookup_failed(typed)
                    raise NotFound("misconduct.not_found", _("No report has this code."))
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status
        else:
            status = 400
    else:
        form = FollowForm()
    return render(
        request, "portal/report_follow.html", {"form": form, "report": found}, status=status
    )


# -- online submission ----------------------------------------------------------------------


def submit(request: HttpRequest, code: str) -> HttpResponse:
    """File a dossier online (status 1) for a procedure offered online, at the one-stop
    department of a unit that publishes it; the code is shown and kept in the session."""
    try:
        procedure = selectors.procedure_get(code=code)
    except NotFound:
        raise Http404 from None
    version = portal_selectors.online_version(procedure=procedure)
    agencies = portal_selectors.online_agencies(procedure=procedure)
    if version is None or not agencies.exists():
        return render(request, "portal/submit_closed.html", {"procedure": procedure}, status=404)
    documents = list(version.documents.all())
    status = 200
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, documents=documents, agencies=agencies)
        if form.is_valid():
            try:
                dossier = _submit(request, form, procedure)
            except DomainError as error:
                _add_errors(form, error, _submission_names(error))
                status = error.status
            else:
                _remember(request, dossier.code)
                messages.success(
                    request,
                    _(
                        "Your dossier was filed with the code %(code)s. Keep this code: with "
                        "your ID number it lets you follow the dossier here."
                    )
                    % {"code": dossier.code},
                )
                return redirect("portal:dossier", code=dossier.code)
        else:
            status = 400
    else:
        form = SubmissionForm(documents=documents, agencies=agencies)
    return render(
        request,
        "portal/submit.html",
        {"form": form, "procedure": procedure, "version": version},
        status=status,
    )


class _FileRefused(DomainError):
    """A stored file was refused: carries the form field it came from."""

    def __init__(self, field: str, error: DomainError) -> None:
        super().__init__(error.code, error.message, fields={field: [error.message]})
        self.status = error.status


def _submit(request: HttpRequest, form: SubmissionForm, procedure: Procedure) -> Dossier:
    limits.submit_attempt(request)
    data = form.cleaned_data
    documents = []
    for i, doc in enumerate(form.documents):
        upload = data.get(f"doc_{i}")
        if not upload:
            continue
        try:
            stored = files.file_store(data=upload, name=upload.name or "", by=None)
        except DomainError as error:
            raise _FileRefused(f"doc_{i}", error) from None
        documents.append(services.DocumentIn(name=doc.name, file_sha256=stored.sha256))
    return services.dossier_submit_online(
        procedure=procedure,
        agency=data["agency"],
        applicant=services.ApplicantData(
            full_name=data["full_name"],
            id_number=data["id_number"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            applicant_type=data["applicant_type"],
        ),
        documents=documents,
    )


def _submission_names(error: DomainError) -> dict[str, str]:
    """The service's keys (``applicant.id_number``, ``documents.2.name``) → form fields."""
    names: dict[str, str] = {}
    for key in error.fields:
        head, _dot, rest = key.partition(".")
        if head == "applicant":
            names[key] = {"type": "applicant_type"}.get(rest, rest)
        elif head == "documents" and rest:
            names[key] = f"doc_{rest.split('.')[0]}"
    return names
