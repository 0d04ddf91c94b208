"""Reads of the register and its reviews: search folding diacritics, what an official may
see, a review's summary counted from its outcome records, the year's expired documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.text import fold
from motcua.legaldocs.models import (
    DocumentStatus,
    LegalDocument,
    LegalReview,
    Outcome,
    ReviewOutcome,
)
from motcua.org import selectors as org_selectors
from motcua.org.models import AdministrativeUnit, Official


def documents_visible(*, official: Official) -> QuerySet[LegalDocument]:
    """The registers of the units the official's roles reach (legal documents are public
    law; the register is read by every official of the area)."""
    rows = LegalDocument.objects.select_related("unit")
    if official.is_superuser:
        return rows
    return rows.filter(unit__in=org_selectors.units_reached(official=official).values("pk"))


def documents_search(
    *,
    official: Official,
    q: str | None = None,
    unit: AdministrativeUnit | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[LegalDocument]:
    """Documents matching every word of ``q`` in their number or title, whatever the
    diacritics and case."""
    rows = documents_visible(official=official)
    for word in fold(q or "").split():
        rows = rows.filter(search_key__contains=word)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def document_visible_or_404(*, official: Official, pk: int) -> LegalDocument:
    found = documents_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("legal.not_found", _("Unknown document %(id)s.") % {"id": pk})
    return found


def reviews_visible(*, official: Official) -> QuerySet[LegalReview]:
    rows = LegalReview.objects.select_related("unit", "created_by", "approved_by", "trigger")
    if official.is_superuser:
        return rows
    return rows.filter(unit__in=org_selectors.units_reached(official=official).values("pk"))


def review_visible_or_404(*, official: Official, pk: int) -> LegalReview:
    found = reviews_visible(official=official).filter(pk=pk).first()
    if found is None:
        raise NotFound("legal.review_not_found", _("Unknown review %(id)s.") % {"id": pk})
    return found


@dataclass(frozen=True)
class ReviewSummary:
    counts: dict[str, int]  # every outcome, zeros included

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def review_summary(*, review: LegalReview) -> ReviewSummary:
    """How many documents got each outcome, counted from the outcome records (one query)."""
    found = dict(
        ReviewOutcome.objects.filter(review=review)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return ReviewSummary(counts={o: found.get(o, 0) for o in Outcome.values})


def review_outcomes(*, review: LegalReview) -> QuerySet[ReviewOutcome]:
    return review.outcomes.select_related("document", "reviewer", "task__assignee").order_by(
        "document__number", "pk"
    )


def documents_expired_in(*, unit: AdministrativeUnit, year: int) -> QuerySet[LegalDocument]:
    """The year's list of the unit's documents that ceased to be in force in whole or in
    part: by an expiry date within the year, or by an approved review outcome of the year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return (
        LegalDocument.objects.filter(unit=unit)
        .filter(
            Q(expires_on__gte=first, expires_on__lte=last)
            | Q(
                status__in=[DocumentStatus.EXPIRED, DocumentStatus.PARTLY_EXPIRED],
                status_since__gte=first,
                status_since__lte=last,
            )
        )
        .order_by("expires_on", "number")
    )
