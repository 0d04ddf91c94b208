"""Officials' pages of the catalogue (login required): browse and search, a procedure with
its versions and internal process, simplification proposals and their live cost editor.
The citizens' catalogue is in ``motcua.portal``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from motcua.core.text import is_digits
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Agency, Official, UnitLevel
from motcua.procedures import imports, pages, selectors, services
from motcua.procedures.forms import (
    CatalogueFilterForm,
    CatalogueImportForm,
    DecisionForm,
    ProposalActionForm,
    ProposalEditor,
    PublicationFormSet,
    PublicationRows,
    json_number,
)
from motcua.procedures.models import (
    Procedure,
    ProposalStatus,
    Publication,
    RequiredDocument,
    SimplificationProposal,
)
from motcua.shell.pages import signed_in

PAGE_SIZE = 50

ACTION_LABELS = ProposalActionForm.LABELS


def _home_unit(official: Official) -> AdministrativeUnit | None:
    """The highest unit among the official's roles: the catalogue they see first."""
    units = [g.agency.unit for g in org_selectors.role_grants_current(official=official)]
    return min(units, key=lambda u: len(u.path), default=None)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse by unit, level and sector, search by name or code; a unit's counts."""
    data = request.GET.copy()
    if "unit" not in data:
        home = _home_unit(signed_in(request))
        if home is not None:
            data["unit"] = home.code
    form = CatalogueFilterForm(data)
    form.is_valid()  # an unusable filter is shown with its error and left out
    chosen = form.cleaned_data
    unit, level, sector = chosen.get("unit"), chosen.get("level"), chosen.get("sector")
    today = timezone.localdate()
    rows = selectors.procedures_search(
        q=chosen.get("q"),
        level=level.code if level else None,
        unit=unit,
        sector=sector.code if sector else None,
        at=today,
    )
    rows = pages.with_version_in_force(pages.exact_name_first(rows, chosen.get("q")), today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.catalogue_counts(unit=unit, at=today) if unit else None
    found = counts.by_level if counts else {}
    by_level = [
        (lv, found[lv.code]) for lv in UnitLevel.objects.all() if found and lv.code in found
    ]
    # the export takes the unit and level shown (not the search words or the sector)
    shown = {name: chosen.code for name, chosen in (("unit", unit), ("level", level)) if chosen}
    export_url = reverse("api:catalogue_export")
    exports = [(f, f"{export_url}?{urlencode({'format': f, **shown})}") for f in ("xlsx", "csv")]
    return render(
        request,
        "procedures/catalogue.html",
        {
            "form": form,
            "page": page,
            "unit": unit,
            "counts": counts,
            "by_level": by_level,
            "exports": exports,
            "may_edit_catalogue": org_selectors.can_edit_catalogue(official=signed_in(request)),
        },
    )


@login_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure: its versions, the chosen one's content and process, its proposals."""
    try:
        procedure = selectors.procedure_get(code=code)
    except NotFound:
        raise Http404 from None
    official = signed_in(request)
    today = timezone.localdate()
    versions = list(selectors.versions_of(procedure=procedure))
    in_force = pages.version_in_force(versions, today)
    version = pages.version_to_show(versions, today, request.GET.get("version"))
    publications = (
        Publication.objects.filter(procedure=procedure, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .select_related("unit", "agency", "decision")
        .order_by("unit__path")
    )
    return render(
        request,
        "procedures/procedure.html",
        {
            "procedure": procedure,
            "today": today,
            "versions": versions,
            "version": version,
            "in_force": in_force,
            "timeline": pages.timeline(procedure=procedure, version=version) if version else None,
            "publications": publications,
            # the decisions the official may open (linked), among those publishing it
            "decisions_open": set(
                selectors.decisions_visible(official=official)
                .filter(pk__in=publications.values("decision_id"))
                .values_list("pk", flat=True)
            ),
            "proposals": pages.proposals_visible(official=official).filter(procedure=procedure),
            "may_propose": pages.proposer_units(official=official).exists(),
            "may_edit_catalogue": org_selectors.can_edit_catalogue(official=official),
        },
    )


@login_required
@require_POST
def document_template_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A catalogue administrator attaches the blank form of a required document."""
    official = signed_in(request)
    if not org_selectors.can_edit_catalogue(official=official):
        return HttpResponseForbidden(_("Only administrators of a province edit the catalogue."))
    document = RequiredDocument.objects.select_related("version__procedure").filter(pk=pk).first()
    if document is None:
        raise Http404
    upload = request.FILES.get("template")
    back = (
        reverse("procedures:procedure", args=[document.version.procedure.code])
        + f"?version={document.version.number}"
    )
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)
    try:
        services.document_template_attach(document=document, upload=upload)
    except DomainError as exc:
        details = [m for field_messages in exc.fields.values() for m in field_messages]
        messages.error(request, "; ".join([exc.message, *details]))
    else:
        messages.success(request, _("The form was attached."))
    return redirect(back)


@login_required
def document_template(request: HttpRequest, pk: int) -> FileResponse:
    return pages.document_template_response(document_id=pk)


# -- proposals ---------------------------------------------------------------------------


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """Proposals of the units the official reaches, newest first, with their saving."""
    rows = pages.proposals_visible(official=signed_in(request))
    status = request.GET.get("status") or ""
    if status in ProposalStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    comparisons = pages.comparisons_for(page.object_list)
    return render(
        request,
        "procedures/proposals.html",
        {
            "page": page,
            "rows": [(p, comparisons[p.pk]) for p in page.object_list],
            "statuses": ProposalStatus.choices,
            "status": status,
        },
    )


def _actions(official: Official, proposal: SimplificationProposal) -> list[tuple[str, Any]]:
    return [
        (action, ACTION_LABELS[action])
        for action, (sources, _target) in services.PROPOSAL_ACTIONS.items()
        if proposal.status in sources
        and pages.proposal_action_allowed(official=official, proposal=proposal, action=action)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal: its costs before and after, its history and the official's actions."""
    official = signed_in(request)
    proposal = pages.proposal_visible(official=official, proposal_id=pk)
    if proposal is None:
        raise Http404
    form = ProposalActionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        if not pages.proposal_action_allowed(official=official, proposal=proposal, action=action):
            return HttpResponseForbidden(_("You may not do this to the proposal."))
        try:
            services.proposal_act(
                proposal=proposal,
                actor=official,
                action=action,
                note=form.cleaned_data["note"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("procedures:proposal", pk=proposal.pk)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            status = 400
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
            return redirect("procedures:proposal", pk=proposal.pk)
    elif request.method == "POST":
        status = 400
    labels = dict(ProposalStatus.choices)
    try:
        comparison, cost_error = selectors.proposal_costs(proposal=proposal), None
    except ValidationFailed as exc:
        comparison, cost_error = None, exc.message
    return render(
        request,
        "procedures/proposal.html",
        {
            "proposal": proposal,
            "comparison": comparison,
            "cost_error": cost_error,
            "events": [
                (e, labels.get(e.from_status), labels.get(e.to_status, e.to_status))
                for e in proposal.events.select_related("actor")
            ],
            "actions": _actions(official, proposal),
            "form": form,
            "editable": proposal.status == ProposalStatus.DRAFT
            and pages.may_propose(official=official, unit=proposal.unit),
        },
        status=status,
    )


def _initial_for(procedure: Procedure | None) -> dict[str, Any]:
    """A new proposal starts from what the procedure's version in force says today: its
    time limit, online level, fees and documents, on both sides."""
    if procedure is None:
        return {}
    try:
        version = selectors.version_in_force(procedure=procedure, at=timezone.localdate())
    except NotFound:
        return {}
    side = {
        "time_limit": {
            "value": json_number(version.time_limit_value),
            "unit": version.time_limit_unit,
        },
        "online_level": version.online_level,
        "fees": [{"name": f.name, "amount_vnd": f.amount_vnd} for f in version.fees.all()],
        "documents": [{"name": d.name, "mandatory": d.mandatory} for d in version.documents.all()],
        "times_per_year": 1,
    }
    return {"current": side, "proposed": side}


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    official = signed_in(request)
    units = pages.proposer_units(official=official)
    if not units.exists():
        return HttpResponseForbidden(_("Your roles do not let you propose simplifications."))
    code = request.GET.get("procedure", "").strip()
    procedure = Procedure.objects.filter(code=code).first() if code else None
    home = _home_unit(official)
    initial = {
        "procedure": procedure.code if procedure else code,
        "unit": home.code if home and units.filter(pk=home.pk).exists() else None,
        "year": timezone.localdate().year,
    }
    if request.method == "GET":
        editor = ProposalEditor(units=units, initial=initial, stored=_initial_for(procedure))
        return _render_editor(request, editor, None, procedure)
    return _post_editor(request, official, units, {}, stored={}, proposal=None)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    official = signed_in(request)
    proposal = pages.proposal_visible(official=official, proposal_id=pk)
    if proposal is None:
        raise Http404
    if not pages.may_propose(official=official, unit=proposal.unit):
        return HttpResponseForbidden(_("You may not edit proposals of this unit."))
    if proposal.status != ProposalStatus.DRAFT:
        messages.error(request, _("Only a draft proposal can be edited."))
        return redirect("procedures:proposal", pk=proposal.pk)
    stored = {"current": proposal.current, "proposed": proposal.proposed}
    initial = {"title": proposal.title, "year": proposal.year, "rationale": proposal.rationale}
    if request.method == "GET":
        editor = ProposalEditor(initial=initial, stored=stored)
        try:
            comparison = selectors.proposal_costs(proposal=proposal)
        except ValidationFailed:
            comparison = None
        return _render_editor(request, editor, proposal, proposal.procedure, comparison)
    return _post_editor(request, official, None, initial, stored=stored, proposal=proposal)


def _post_editor(
    request: HttpRequest,
    official: Official,
    units: QuerySet[AdministrativeUnit] | None,
    initial: dict[str, Any],
    *,
    stored: dict[str, Any],
    proposal: SimplificationProposal | None,
) -> HttpResponse:
    """Add a row, calculate, or save: the numbers always come from the same selector as
    the API's, and nothing is written unless every input is valid."""
    data = request.POST.copy()
    added = data.get("add", "")
    key = f"{added}-TOTAL_FORMS"
    total = str(data.get(key, ""))
    if added and is_digits(total):
        # without JavaScript, "Add" buttons submit the form: show one more empty row
        data[key] = str(int(total) + 1)
    editor = ProposalEditor(data, units=units, initial=initial, stored=stored)
    comparison = None
    if editor.is_valid():
        payload = editor.payload()
        try:
            comparison = selectors.compliance_cost(
                year=payload["year"], current=payload["current"], proposed=payload["proposed"]
            )
        except DomainError as exc:
            editor.add_errors(exc.fields, exc.message)
    procedure = proposal.procedure if proposal else editor.form.cleaned_data.get("procedure")
    if request.POST.get("op") != "save" or added or comparison is None:
        return _render_editor(request, editor, proposal, procedure, comparison)
    cleaned, payload = editor.form.cleaned_data, editor.payload()
    try:
        if proposal is None:
            if not pages.may_propose(official=official, unit=cleaned["unit"]):
                return HttpResponseForbidden(_("You may not propose for this unit."))
            proposal = services.proposal_create(
                actor=official,
                procedure=cleaned["procedure"],
                unit=cleaned["unit"],
                title=cleaned["title"],
                year=payload["year"],
                current=payload["current"],
                proposed=payload["proposed"],
                rationale=cleaned["rationale"],
            )
        else:
            services.proposal_update(
                proposal=proposal,
                title=cleaned["title"],
                current=payload["current"],
                proposed=payload["proposed"],
                rationale=cleaned["rationale"],
            )
    except DomainError as exc:
        editor.add_errors(exc.fields, exc.message)
        return _render_editor(request, editor, proposal, procedure, comparison)
    messages.success(request, _("The proposal is saved."))
    return redirect("procedures:proposal", pk=proposal.pk)


def _render_editor(
    request: HttpRequest,
    editor: ProposalEditor,
    proposal: SimplificationProposal | None,
    procedure: Procedure | None,
    comparison: Any = None,
) -> HttpResponse:
    return render(
        request,
        "procedures/proposal_edit.html",
        {
            "editor": editor,
            "form": editor.form,
            "sides": [
                (editor.current, _("Current")),
                (editor.proposed, _("Proposed")),
            ],
            "proposal": proposal,
            "procedure": procedure,
            "comparison": comparison,
        },
    )


# -- the catalogue spreadsheet -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import_page(request: HttpRequest) -> HttpResponse:
    """A catalogue administrator checks a spreadsheet (a dry run: the report of what it
    would create, version and reject), then imports it by choosing the same file again;
    the import writes every row or none. See ``CatalogueImportForm`` for the check's token."""
    official = signed_in(request)
    if not org_selectors.can_edit_catalogue(official=official):
        return HttpResponseForbidden(_("Only administrators of a province edit the catalogue."))
    if request.method == "GET":
        form = CatalogueImportForm(official_id=official.pk)
        return render(request, "procedures/import.html", {"form": form})
    form = CatalogueImportForm(request.POST, request.FILES, official_id=official.pk)
    if not form.is_valid() or form.sheet is None:
        return render(request, "procedures/import.html", {"form": form}, status=400)
    confirmed = form.confirmed()
    report = imports.catalogue_import(
        rows_source=form.sheet.rows, actor=official, dry_run=not confirmed
    )
    if report.imported:
        messages.success(request, report.summary())
        return redirect("procedures:catalogue_import")
    name = form.cleaned_data["file"].name or ""
    if report.dry_run and not report.rejected:
        next_form = form.confirming(name)  # the same file, chosen again, is imported
    else:
        next_form = CatalogueImportForm(official_id=official.pk)
    return render(
        request,
        "procedures/import.html",
        {
            "form": next_form,
            "report": report,
            "file_name": name,
            # an import asked for a file other than the one checked (or too long after)
            "checked_again": bool(form.cleaned_data.get("checked")) and not confirmed,
        },
    )


# -- publication decisions -----------------------------------------------------------------

UNITS_PER_PAGE = 20


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    """Publication decisions of the units the official reaches, newest first, with how
    many procedures each published and for how many units."""
    official = signed_in(request)
    rows = selectors.decisions_counted(selectors.decisions_visible(official=official))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procedures/decisions.html",
        {"page": page, "may_record": selectors.decision_issuers(official=official).exists()},
    )


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision and its publications grouped by unit, a page of units at a time (a
    province's decision publishes for hundreds of communes)."""
    official = signed_in(request)
    visible = selectors.decisions_visible(official=official).filter(pk=pk)
    decision = selectors.decisions_counted(visible).first()
    if decision is None:
        raise Http404
    units = AdministrativeUnit.objects.filter(
        pk__in=decision.publications.values("unit_id")
    ).order_by("path")
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    by_unit: dict[int, list[Publication]] = defaultdict(list)
    for row in (
        decision.publications.filter(unit__in=[u.pk for u in page])
        .select_related("procedure__level", "agency")
        .order_by("procedure__code")
    ):
        by_unit[row.unit_id].append(row)
    return render(
        request,
        "procedures/decision.html",
        {"decision": decision, "page": page, "groups": [(u, by_unit[u.pk]) for u in page]},
    )


def _agency_choices(units: QuerySet[AdministrativeUnit]) -> list[tuple[str, Any]]:
    """The agencies of ``units`` not ended today, grouped by unit, for a select."""
    today = timezone.localdate()
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for agency in (
        Agency.objects.filter(unit__in=units.values("pk"), valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .select_related("unit")
        .order_by("unit__path", "kind", "name")
    ):
        groups[agency.unit.name].append((agency.code, agency.name))
    return list(groups.items())


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest) -> HttpResponse:
    """An administrator records a decision of a unit they administer and the procedures
    it publishes for the unit and its sub-units. Nothing is written unless all is valid."""
    official = signed_in(request)
    issuers = selectors.decision_issuers(official=official)
    top = issuers.first()
    if top is None:
        return HttpResponseForbidden(_("Only administrators of a unit record its decisions."))
    row_kwargs = {"units": issuers, "agencies": _agency_choices(issuers)}
    if request.method == "GET":
        form = DecisionForm(units=issuers, initial={"unit": top.code})
        rows = PublicationRows(prefix="publications", form_kwargs=row_kwargs)
        return _render_decision_form(request, form, rows)
    data = request.POST.copy()
    chosen = AdministrativeUnit.objects.filter(code=str(data.get("unit", ""))).first()
    if chosen is not None and not org_selectors.can_administer_unit(official=official, unit=chosen):
        return HttpResponseForbidden(_("You do not administer this unit."))
    total = str(data.get("publications-TOTAL_FORMS", ""))
    adding = data.get("add") == "publications" and is_digits(total)
    if adding:
        # without JavaScript, "Add a row" submits the form: show one more empty row
        data["publications-TOTAL_FORMS"] = str(int(total) + 1)
    form = DecisionForm(data, units=issuers)
    rows = PublicationRows(data, prefix="publications", form_kwargs=row_kwargs)
    if adding:
        return _render_decision_form(request, form, rows)
    if all([form.is_valid(), rows.is_valid()]):
        cleaned = form.cleaned_data
        try:
            recorded = services.decision_record(
                unit=cleaned["unit"],
                number=cleaned["number"],
                title=cleaned["title"],
                signed_on=cleaned["signed_on"],
                effective_on=cleaned["effective_on"],
                publications=rows.rows(),
            )
        except ValidationFailed as exc:
            _decision_errors(form, rows, exc)
        except Conflict as exc:
            form.add_error("number", exc.message)
        else:
            _report_recorded(request, recorded, rows)
            return redirect("procedures:decision", pk=recorded.decision.pk)
    return _render_decision_form(request, form, rows, status=400)


def _report_recorded(
    request: HttpRequest, recorded: services.DecisionRecorded, rows: PublicationFormSet
) -> None:
    added = recorded.published
    messages.success(
        request,
        ngettext(
            "Decision %(number)s is recorded: %(count)s procedure published for its unit.",
            "Decision %(number)s is recorded: %(count)s procedures published for their units.",
            added,
        )
        % {"number": recorded.decision.number, "count": added},
    )
    skipped = sum(len(codes) for codes, _unit, _agency in rows.rows()) - added
    if skipped > 0:
        messages.info(
            request,
            ngettext(
                "%(count)s procedure was already published for its unit and was skipped.",
                "%(count)s procedures were already published for their units and were skipped.",
                skipped,
            )
            % {"count": skipped},
        )


def _decision_errors(form: DecisionForm, rows: PublicationFormSet, exc: ValidationFailed) -> None:
    """The service's errors next to their inputs: ``publications.<n>.<field>`` on the n-th
    row that counts (blank rows are not sent), the others on the decision's fields."""
    live = rows.live_forms()
    form.add_error(None, exc.message)
    for key, texts in exc.fields.items():
        parts = key.split(".")
        for text in texts:
            if len(parts) == 3 and parts[0] == "publications" and is_digits(parts[1]):
                index = int(parts[1])
                row = live[index] if index < len(live) else None
                if row is not None:
                    row.add_error(parts[2] if parts[2] in row.fields else None, text)
                    continue
            form.add_error(key if key in form.fields else None, text)


def _render_decision_form(
    request: HttpRequest, form: DecisionForm, rows: PublicationFormSet, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "procedures/decision_new.html",
        {"form": form, "rows": rows, "refused": status == 400},
        status=status,
    )
