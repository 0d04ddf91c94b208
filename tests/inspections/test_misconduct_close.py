"""Closing a misconduct report with its finding: an inspector over the agency does it,
never the chairman (whose own commitment counts substantiated reports), nor an inspector
about himself or his own agency; a substantiated finding names the action taken."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.inspections import services
from motcua.inspections.models import MisconductReport
from motcua.org.models import Official, Role
from tests.dossiers.world import vn
from tests.tasks.world import official

AT = vn(2027, 5, 3, 9)


def report(agency: str = "DL.TNMT") -> MisconductReport:
    return services.misconduct_report_create(
        report=services.MisconductIn(
            kind="delay", description="Hẹn nhiều lần không trả kết quả.", agency_code=agency
        ),
        at=AT,
    )


def close(
    who: Official, r: MisconductReport, substantiated: object = True, action: str = "Kiểm điểm"
) -> MisconductReport:
    return services.misconduct_report_close(
        actor=who, report=r, substantiated=substantiated, action_taken=action, at=vn(2027, 5, 9, 9)
    )


def state(r: MisconductReport) -> tuple[Any, ...]:
    r.refresh_from_db()
    return (r.status, r.substantiated, r.action_taken, r.closed_at)


@pytest.fixture
def inspector(world: Any) -> Official:
    return official("dl.thanhtra", [(world.dl_ubnd, Role.INSPECTOR)])


def test_an_inspector_closes_a_report_as_substantiated_with_the_action_taken(world, inspector):
    r = close(inspector, report())
    assert state(r) == ("closed", True, "Kiểm điểm", vn(2027, 5, 9, 9))


def test_a_report_not_substantiated_needs_no_action(world, inspector):
    r = close(inspector, report(), substantiated=False, action="")
    assert state(r) == ("closed", False, "", vn(2027, 5, 9, 9))


def test_the_chairman_does_not_judge_reports_that_count_in_commitments(world):
    r = report()
    with pytest.raises(PermissionDenied):
        close(world.dl_chutich, r)
    assert state(r) == ("new", None, "", None)


def test_an_inspector_does_not_judge_his_own_agency(world, inspector):
    r = report("DL.UBND")
    with pytest.raises(PermissionDenied) as caught:
        close(inspector, r)
    assert caught.value.code == "misconduct.conflict"
    assert state(r) == ("new", None, "", None)


def test_an_inspector_of_another_district_may_not_close_it(world):
    other = official("tk.thanhtra", [(world.tk_ubnd, Role.INSPECTOR)])
    r = report()
    with pytest.raises(PermissionDenied):
        close(other, r)
    assert state(r) == ("new", None, "", None)


def test_a_closed_report_is_not_closed_again(world, inspector):
    r = close(inspector, report())
    with pytest.raises(Conflict):
        close(inspector, r, substantiated=False, action="")
    assert state(r) == ("closed", True, "Kiểm điểm", vn(2027, 5, 9, 9))


@pytest.mark.parametrize(
    ("substantiated", "action", "field"),
    [("yes", "x", "substantiated"), (None, "x", "substantiated"), (True, "", "action_taken")],
)
def test_an_incomplete_finding_is_refused(world, inspector, substantiated, action, field):
    r = report()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        close(inspector, r, substantiated=substantiated, action=action)
    assert list(caught.value.fields) == [field]
    assert state(r) == ("new", None, "", None)
