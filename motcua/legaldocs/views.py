"""Officials' pages of the register of legal documents and its reviews (login required):
a unit's register with search and filters, a new document, a document with its relations
and its file, the import of a spreadsheet, the reviews, a review with its summary, its
outcomes and the forms open to the official, and the year's expired documents with their
export. Every write goes through ``services``; a service's error is shown next to the
input it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotFound
from motcua.core.text import is_digits
from motcua.dossiers import files
from motcua.legaldocs import imports, selectors, services
from motcua.legaldocs.forms import (
    DocumentForm,
    ImportForm,
    OutcomeForm,
    RelationForm,
    ReviewForm,
    UploadForm,
    keeper_units,
    unit_label,
    unit_officials,
)
from motcua.legaldocs.models import (
    DocumentKind,
    DocumentStatus,
    LegalDocument,
    LegalReview,
    Outcome,
    ReviewOutcome,
    ReviewState,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, Official
from motcua.shell.pages import signed_in

MAX_ID = 2**63 - 1
PAGE_SIZE = 50
FIRST_YEAR, LAST_YEAR = 1945, 2199
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _id(raw: str) -> int:
    if not is_digits(raw) or not 0 < int(raw) <= MAX_ID:
        raise Http404
    return int(raw)


def _document(official: Official, raw: str) -> LegalDocument:
    found = (
        selectors.documents_visible(official=official)
        .select_related("file", "unit__level")
        .filter(pk=_id(raw))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _review(official: Official, raw: str) -> LegalReview:
    try:
        return selectors.review_visible_or_404(official=official, pk=_id(raw))
    except NotFound:
        raise Http404 from None


def _forbidden() -> HttpResponse:
    return HttpResponseForbidden(_("The register is kept by the unit's legal officers."))


@dataclass(frozen=True)
class UnitChoice:
    code: str
    label: str


def _units(official: Official) -> list[AdministrativeUnit]:
    """The units whose register the official sees, in tree order."""
    return list(
        org_selectors.units_reached(official=official).select_related("level").order_by("path")
    )


def _chosen_unit(
    request: HttpRequest, official: Official, units: list[AdministrativeUnit], errors: list[str]
) -> AdministrativeUnit | None:
    """The unit asked for among ``units``; else the first unit whose register the official
    keeps, else the first of their own units, else the first listed."""
    code = str(request.GET.get("unit") or "")
    by_code = {u.code: u for u in units}
    if code:
        if code in by_code:
            return by_code[code]
        errors.append(_("Choose a unit from the list."))
    kept = keeper_units(official).values_list("code", flat=True)
    own = [g.agency.unit.code for g in org_selectors.role_grants_current(official=official)]
    for candidate in [*kept, *own]:
        if candidate in by_code:
            return by_code[candidate]
    return units[0] if units else None


def _choices(units: list[AdministrativeUnit]) -> list[UnitChoice]:
    return [UnitChoice(u.code, unit_label(u)) for u in units]


# -- the register ----------------------------------------------------------------------------


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """A unit's register: search folding diacritics, status and kind filters, by page."""
    official = signed_in(request)
    errors: list[str] = []
    units = _units(official)
    unit = _chosen_unit(request, official, units, errors)
    q = str(request.GET.get("q") or "").replace("\x00", "")[:200]
    status = str(request.GET.get("status") or "")
    kind = str(request.GET.get("kind") or "")
    if status not in DocumentStatus.values:
        status = ""
    if kind not in DocumentKind.values:
        kind = ""
    page = None
    if unit is not None:
        rows = selectors.documents_search(
            official=official, q=q, unit=unit, status=status, kind=kind
        ).order_by("-issued_on", "number", "pk")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"unit": unit.code if unit else "", "q": q, "status": status, "kind": kind}
    context = {
        "units": _choices(units),
        "unit": unit,
        "page": page,
        "filters": query,
        "query": urlencode(query),
        "statuses": DocumentStatus.choices,
        "kinds": DocumentKind.choices,
        "errors": errors,
        "may_keep": unit is not None and services.may_keep_register(official=official, unit=unit),
    }
    return render(request, "legaldocs/register.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponse:
    """A legal officer registers a document of their unit."""
    official = signed_in(request)
    units = list(keeper_units(official))
    if not units:
        return _forbidden()
    initial = {"unit": request.GET.get("unit") or ""}
    form = DocumentForm(
        request.POST if request.method == "POST" else None, units=units, initial=initial
    )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        data = form.document_data()
        if not valid:
            # the form's own errors (a date that is no date) and the service's rules at once
            found, _values = services.check_document(data)
            form.put_errors(found, _("The document is incomplete or invalid."))
            status = 400
        else:
            try:
                document = services.legal_document_create(actor=official, data=data)
            except DomainError as exc:
                form.put_errors(exc.fields, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("%(number)s was registered.") % {"number": document.number},
                )
                return redirect("legal:document", document_id=document.pk)
    return render(request, "legaldocs/new.html", {"form": form}, status=status)


def _targets(official: Official, document: LegalDocument) -> list[LegalDocument]:
    """Documents a relation may name: those the official sees in the document's unit and
    the units above it (a district's decision rests on a province's resolution)."""
    parts = [p for p in document.unit.path.split("/") if p]
    paths = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return list(
        selectors.documents_visible(official=official)
        .filter(unit__path__in=paths)
        .exclude(pk=document.pk)
        .order_by("unit__path", "number")
    )


def _render_document(
    request: HttpRequest,
    official: Official,
    document: LegalDocument,
    *,
    relation_form: RelationForm | None = None,
    upload_form: UploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_keep = services.may_keep_register(official=official, unit=document.unit)
    context = {
        "document": document,
        "relations": list(
            document.relations.select_related("target__unit").order_by("kind", "target__number")
        ),
        "related_from": list(
            document.related_from.select_related("source__unit").order_by("kind", "source__number")
        ),
        "outcomes": list(
            document.review_outcomes.select_related("review", "reviewer", "task").order_by(
                "-recorded_at", "-pk"
            )
        ),
        "may_keep": may_keep,
        "relation_form": relation_form
        or (RelationForm(targets=_targets(official, document)) if may_keep else None),
        "upload_form": upload_form or (UploadForm() if may_keep else None),
    }
    return render(request, "legaldocs/document.html", context, status=status)


@login_required
@require_GET
def document_detail(request: HttpRequest, document_id: str) -> HttpResponse:
    official = signed_in(request)
    return _render_document(request, official, _document(official, document_id))


@login_required
@require_GET
def document_file(request: HttpRequest, document_id: str) -> HttpResponseBase:
    document = _document(signed_in(request), document_id)
    if document.file is None:
        raise Http404
    return FileResponse(
        files.file_open(document.file),
        as_attachment=True,
        filename=document.file.original_name,
        content_type=document.file.content_type,
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, document_id: str) -> HttpResponse:
    """A legal officer attaches the document's file (kept by content hash, never
    overwritten); a refused file is named next to the input."""
    official = signed_in(request)
    document = _document(official, document_id)
    if not services.may_keep_register(official=official, unit=document.unit):
        return _forbidden()
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.legal_document_attach(
                actor=official, document=document, data=upload, name=upload.name or ""
            )
        except DomainError as exc:
            details = [m for msgs in exc.fields.values() for m in msgs]
            form.add_error("file", " ".join([exc.message, *details]))
            return _render_document(
                request, official, document, upload_form=form, status=exc.status
            )
        messages.success(request, _("The file was attached."))
        return redirect("legal:document", document_id=document.pk)
    return _render_document(request, official, document, upload_form=form, status=400)


@login_required
@require_POST
def relation_add(request: HttpRequest, document_id: str) -> HttpResponse:
    official = signed_in(request)
    document = _document(official, document_id)
    if not services.may_keep_register(official=official, unit=document.unit):
        return _forbidden()
    form = RelationForm(request.POST, targets=_targets(official, document))
    valid = form.is_valid()
    target = form.chosen()
    status = 400
    if valid and target is None:
        form.add_error("target", _("Choose the document."))
    elif valid and target is not None:
        try:
            services.legal_relation_add(
                actor=official, source=document, kind=form.cleaned_data["kind"], target=target
            )
        except DomainError as exc:
            form.put_errors(exc.fields, exc.message)
            status = exc.status
        else:
            messages.success(request, _("The relation was recorded."))
            return redirect("legal:document", document_id=document.pk)
    return _render_document(request, official, document, relation_form=form, status=status)


# -- the import ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """A legal officer checks a spreadsheet (a dry run: the rejected rows with their
    problems, nothing written), then imports it: every row, or none if any is rejected."""
    official = signed_in(request)
    units = list(keeper_units(official))
    if not units:
        return _forbidden()
    if request.method == "GET":
        form = ImportForm(units=units, initial={"unit": request.GET.get("unit") or ""})
        return render(request, "legaldocs/import.html", {"form": form})
    form = ImportForm(request.POST, request.FILES, units=units)
    rows = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imports.check_file_size(upload.size)
            rows = imports.read_rows(upload.read(), upload.name or "")
        except imports.UnreadableFile as exc:
            form.add_error("file", exc.message)
    unit = form.chosen_unit()
    if rows is None or unit is None:
        return render(request, "legaldocs/import.html", {"form": form}, status=400)
    dry_run = request.POST.get("action") != "import"
    try:
        report = imports.legal_documents_import(
            unit=unit, rows=rows, actor=official, dry_run=dry_run
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "legaldocs/import.html", {"form": form}, status=exc.status)
    if report.imported:
        messages.success(request, report.summary())
        return redirect(reverse("legal:register") + "?" + urlencode({"unit": unit.code}))
    context = {
        "form": ImportForm(units=units, initial={"unit": unit.code}),
        "report": report,
        "file_name": form.cleaned_data["file"].name or "",
        "unit": unit,
    }
    return render(request, "legaldocs/import.html", context, status=200 if dry_run else 400)


# -- reviews ---------------------------------------------------------------------------------


@login_required
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    units = _units(official)
    rows = selectors.reviews_visible(official=official).annotate(outcome_count=Count("outcomes"))
    unit_code = str(request.GET.get("unit") or "")
    if unit_code and any(u.code == unit_code for u in units):
        rows = rows.filter(unit__code=unit_code)
    else:
        unit_code = ""
    state = str(request.GET.get("state") or "")
    if state in ReviewState.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = {"unit": unit_code, "state": state}
    context = {
        "page": page,
        "units": _choices(units),
        "states": ReviewState.choices,
        "filters": query,
        "query": urlencode(query),
        "may_open": keeper_units(official).exists(),
    }
    return render(request, "legaldocs/reviews.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    units = list(keeper_units(official))
    if not units:
        return _forbidden()
    triggers = list(
        selectors.documents_visible(official=official)
        .filter(unit__in=[u.pk for u in units])
        .order_by("unit__path", "-issued_on", "number")
    )
    form = ReviewForm(
        request.POST if request.method == "POST" else None, units=units, triggers=triggers
    )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        if not valid:
            status = 400
        else:
            try:
                review = services.legal_review_create(actor=official, **form.review_args())
            except DomainError as exc:
                form.put_errors(exc.fields, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The review was opened."))
                return redirect("legal:review", review_id=review.pk)
    return render(request, "legaldocs/review_new.html", {"form": form}, status=status)


def _outcome_form(review: LegalReview, data: Any = None) -> OutcomeForm:
    """The form of an outcome: the documents of the review's unit that have none in it yet,
    and the unit's agencies and officials for a proposal's follow-up."""
    reviewed = ReviewOutcome.objects.filter(review=review).values("document_id")
    documents = list(
        LegalDocument.objects.filter(unit=review.unit)
        .exclude(pk__in=reviewed)
        .order_by("number", "pk")
    )
    agencies = list(Agency.objects.filter(unit=review.unit).order_by("code"))
    return OutcomeForm(
        data,
        review=review,
        documents=documents,
        officials=unit_officials(review.unit),
        agencies=agencies,
    )


def _render_review(
    request: HttpRequest,
    official: Official,
    review: LegalReview,
    *,
    outcome_form: OutcomeForm | None = None,
    approve_error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    summary = selectors.review_summary(review=review)
    is_open = review.state == ReviewState.OPEN
    may_record = is_open and services.may_keep_register(official=official, unit=review.unit)
    may_approve = (
        is_open
        and summary.total > 0
        and org_selectors.has_role_over_unit(
            official=official, unit=review.unit, roles=services.APPROVERS
        )
    )
    labels = dict(Outcome.choices)
    context = {
        "review": review,
        "summary": summary,
        "counts": [(code, labels[code], n) for code, n in summary.counts.items()],
        "outcomes": list(selectors.review_outcomes(review=review)),
        "proposals": sorted(services.PROPOSALS),
        "outcome_form": outcome_form or (_outcome_form(review) if may_record else None),
        "may_record": may_record,
        "may_approve": may_approve,
        "approve_error": approve_error,
    }
    return render(request, "legaldocs/review.html", context, status=status)


@login_required
@require_GET
def review_detail(request: HttpRequest, review_id: str) -> HttpResponse:
    official = signed_in(request)
    return _render_review(request, official, _review(official, review_id))


@login_required
@require_POST
def outcome_record(request: HttpRequest, review_id: str) -> HttpResponse:
    official = signed_in(request)
    review = _review(official, review_id)
    form = _outcome_form(review, request.POST)
    status = 400
    if form.is_valid():
        try:
            services.review_outcome_record(actor=official, review=review, **form.record_args())
        except DomainError as exc:
            form.put_errors(exc.fields, exc.message)
            status = exc.status
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect(reverse("legal:review", args=[review.pk]) + "#outcomes")
    fresh = _review(official, review_id)
    return _render_review(request, official, fresh, outcome_form=form, status=status)


@login_required
@require_POST
def review_approve(request: HttpRequest, review_id: str) -> HttpResponse:
    official = signed_in(request)
    review = _review(official, review_id)
    try:
        services.legal_review_approve(actor=official, review=review)
    except DomainError as exc:
        fresh = _review(official, review_id)
        return _render_review(request, official, fresh, approve_error=exc, status=exc.status)
    messages.success(request, _("The review was approved: the register follows its outcomes."))
    return redirect("legal:review", review_id=review.pk)


# -- the year's expired documents ------------------------------------------------------------


def expired_rows(
    *, official: Official, unit: AdministrativeUnit, year: int
) -> QuerySet[LegalDocument]:
    """The page's and the export's rows: ``selectors.documents_expired_in`` (as the API),
    of the documents the official sees."""
    visible = selectors.documents_visible(official=official).values("pk")
    return selectors.documents_expired_in(unit=unit, year=year).filter(pk__in=visible)


@login_required
@require_GET
def expired(request: HttpRequest) -> HttpResponse:
    """The documents of a unit that ceased to be in force in a year; ``&format=xlsx``
    exports the same rows."""
    official = signed_in(request)
    errors: list[str] = []
    year = timezone.localdate().year
    raw = str(request.GET.get("year") or "").strip()
    if raw:
        if is_digits(raw) and FIRST_YEAR <= int(raw) <= LAST_YEAR:
            year = int(raw)
        else:
            errors.append(
                _("The year is one from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
    units = _units(official)
    unit = _chosen_unit(request, official, units, errors)
    rows = list(expired_rows(official=official, unit=unit, year=year)) if unit else []
    if request.GET.get("format") == "xlsx" and unit is not None and not errors:
        content = imports.expired_xlsx(unit=unit, year=year, documents=rows)
        response = HttpResponse(content, content_type=XLSX)
        name = f"legal-documents-expired-{unit.code}-{year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        "units": _choices(units),
        "unit": unit,
        "year": year,
        "rows": rows,
        "errors": errors,
        "export_query": urlencode(
            {"unit": unit.code if unit else "", "year": year, "format": "xlsx"}
        ),
    }
    return render(request, "legaldocs/expired.html", context)
