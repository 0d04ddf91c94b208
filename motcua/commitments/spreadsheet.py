"""The standing of the heads' commitments of a year as an .xlsx workbook: the figures of
the standing page, one row per target and one per commitment's total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from motcua.commitments.models import TargetKind
from motcua.reports.spreadsheet import _book, _heading, _save, _Sheet

if TYPE_CHECKING:
    from motcua.commitments.views import StandingRow


def _met(met: bool | None) -> str:
    return {True: _("Met"), False: _("Not met"), None: "–"}[met]


def standing_workbook(year: int, rows: Sequence[StandingRow]) -> bytes:
    book = _book()
    sheet = _Sheet(book.active, _("Commitments of %(year)s") % {"year": year})
    _heading(sheet, [_("Commitments of %(year)s") % {"year": year}])
    sheet.put(
        [
            _("Agency"),
            _("Unit head"),
            _("State"),
            _("Target"),
            _("Measure"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Threshold"),
            _("Met"),
            _("Weight (points)"),
            _("Points"),
        ],
        bold=True,
    )
    for row in rows:
        c = row.commitment
        base = [c.agency.name, c.head.display_name, c.get_state_display()]
        for t, measured_row in zip(row.targets, row.standing.targets, strict=True):
            measured = t.target.kind == TargetKind.MEASURED
            sheet.put(
                [
                    *base,
                    t.target.title,
                    t.target.get_metric_display() if measured else _("Assessed by the evaluator"),
                    float(t.value) if t.value is not None else None,
                    measured_row.numerator,
                    measured_row.denominator,
                    t.threshold_text,
                    _met(t.met),
                    t.target.weight,
                    float(t.score) if t.score is not None else None,
                ]
            )
        verdict = c.get_verdict_display() if c.verdict else _met(row.standing.meets)
        sheet.put(
            [
                *base,
                _("Total points"),
                _("Pass mark") + f" {c.pass_mark}",
                float(row.standing.total) if row.standing.total is not None else None,
                None,
                None,
                "",
                verdict,
                None,
                None,
            ],
            bold=True,
        )
    sheet.widths([34, 24, 16, 44, 30, 10, 10, 12, 14, 22, 10, 10])
    return _save(book)
