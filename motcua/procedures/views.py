"""Officials' pages of the catalogue (login required): browse and search, a procedure with
its versions and internal process, simplification proposals and their live cost editor.
The citizens' catalogue is in ``motcua.portal``."""

from __future__ import annotations

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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Official, UnitLevel
from motcua.procedures import pages, selectors, services
from motcua.procedures.forms import (
    CatalogueFilterForm,
    ProposalActionForm,
    ProposalEditor,
    json_number,
)
from motcua.procedures.models import (
    Procedure,
    ProposalStatus,
    Publication,
    RequiredDocument,
    SimplificationProposal,
)

PAGE_SIZE = 50

ACTION_LABELS = ProposalActionForm.LABELS


def _official(request: HttpRequest) -> Official:
    user = request.user
    assert isinstance(user, Official)  # noqa: S101 - login_required
    return user


def _home_unit(official: Official) -> AdministrativeUnit | None:
    """The highest unit among the official's roles: the catalogue they see first."""
    units = [g.agency.unit for g in org_selectors.role_grants_current(official=official)]
    return min(units, key=lambda u: len(u.path), default=None)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse by unit, level and sector, search by name or code; a unit's counts."""
    data = request.GET.copy()
    if "unit" not in data:
        home = _home_unit(_official(request))
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
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "page": page, "unit": unit, "counts": counts, "by_level": by_level},
    )


@login_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure: its versions, the chosen one's content and process, its proposals."""
    try:
        procedure = selectors.procedure_get(code=code)
    except NotFound:
        raise Http404 from None
    official = _official(request)
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
            "proposals": pages.proposals_visible(official=official).filter(procedure=procedure),
            "may_propose": pages.proposer_units(official=official).exists(),
            "may_edit_catalogue": org_selectors.can_edit_catalogue(official=official),
        },
    )


@login_required
@require_POST
def document_template_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A catalogue administrator attaches the blank form of a required document."""
    official = _official(request)
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
    rows = pages.proposals_visible(official=_official(request))
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
    official = _official(request)
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
    official = _official(request)
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
    official = _official(request)
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
    if added and total.isdigit():
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
