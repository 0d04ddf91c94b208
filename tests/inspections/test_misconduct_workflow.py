"""The life of a misconduct report through the services and the selectors behind the pages
and the API: who sees it (the inspectors over the agency's unit and its investigator; never
the agency's head, the chairman, anyone with a role in the agency or the official reported),
who may investigate it (the list offered is exactly whom the service accepts), the deadline
in working days by the calendar, the closing finding, the events numbered 1..n, and what its
follow-up code shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.inspections import selectors
from motcua.inspections.models import MisconductEvent, MisconductReport
from motcua.org.models import Official
from motcua.workcalendar import services as calendar_services
from motcua.workcalendar.selectors import calendar_default
from tests.dossiers.world import vn
from tests.inspections.misconduct_world import (
    AT,
    MisconductWorld,
    assign,
    build,
    close,
    report,
)


@pytest.fixture
def mw(world: Any) -> MisconductWorld:
    return build(world)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def snapshot(r: MisconductReport) -> tuple[Any, ...]:
    r.refresh_from_db()
    return (
        r.status,
        r.investigator_id,
        r.assigned_at,
        r.due_at,
        r.substantiated,
        r.action_taken,
        r.closed_at,
        r.revision,
        MisconductEvent.objects.filter(report=r).count(),
    )


def visible_to(official: Official) -> list[int]:
    return sorted(
        selectors.misconduct_reports_visible(official=official).values_list("pk", flat=True)
    )


# -- who sees a report ---------------------------------------------------------------------


def test_only_the_inspectors_over_the_agency_and_the_investigator_see_a_report(mw):
    w = mw.w
    dl = report("DL.TNMT")
    commune = report("DL.DS.UBND")
    tk = report("TK.MC")
    seen = {o.username: visible_to(o) for o in mw.everyone()}
    assert seen == {
        "dl.thanhtra": [dl.pk, commune.pk],
        "dl.thanhtra2": [dl.pk, commune.pk],
        "dl.tnmt.thanhtra": [commune.pk],  # a role in the land division: a stake in it
        "tinh.thanhtra": [dl.pk, commune.pk, tk.pk],
        "tk.thanhtra": [tk.pk],
        "dl.tnmt": [],  # the head of the agency reported
        "dl.motcua": [],
        "dl.tnmt.cv": [],
        "dl.chutich": [],  # the chairman: reports count against his commitment
        "dl.admin": [],
        "tk.motcua": [],
        "tinh.admin": [],
        "nobody": [],
    }
    # the investigator of another unit (the province's) sees the one he investigates
    assign(mw.tk_insp, tk, mw.tinh_insp)
    assert visible_to(mw.tinh_insp) == [dl.pk, commune.pk, tk.pk]
    assert visible_to(w.root) == [dl.pk, commune.pk, tk.pk]


def test_the_investigator_keeps_seeing_a_report_after_leaving_the_unit(mw):
    r = report()
    assign(mw.dl_insp, r, mw.dl_insp2)
    grant = mw.dl_insp2.role_grants.get()
    grant.valid_to = date(2020, 1, 1)
    grant.valid_from = date(2019, 1, 1)
    grant.save(update_fields=["valid_from", "valid_to"])
    assert visible_to(mw.dl_insp2) == [r.pk]
    assert visible_to(mw.dl_insp) == [r.pk]


def test_the_official_reported_never_sees_the_report_about_him(mw):
    r = report()
    # an inspector named in a report (set as the service sets it from a dossier's step)
    MisconductReport.objects.filter(pk=r.pk).update(official=mw.dl_insp)
    assert visible_to(mw.dl_insp) == []
    assert visible_to(mw.dl_insp2) == [r.pk]


def test_an_inactive_official_sees_nothing(mw):
    report()
    mw.dl_insp.is_active = False
    mw.dl_insp.save(update_fields=["is_active"])
    assert visible_to(mw.dl_insp) == []


# -- who may investigate it ----------------------------------------------------------------


def accepted_by_service(mw: MisconductWorld, r: MisconductReport) -> set[str]:
    """Whom the assignment service takes as investigator, tried one by one (rolled back)."""
    accepted = set()
    for candidate in [*mw.everyone(), mw.w.root]:
        try:
            with transaction.atomic():
                assign(mw.tinh_insp, r, candidate)
                accepted.add(candidate.username)
                raise RuntimeError("roll back")
        except (ValidationFailed, RuntimeError):
            pass
    return accepted


def offered(r: MisconductReport) -> list[str]:
    # ordered by full name for people; sorted here, as collations order "Đ" differently
    return sorted(o.username for o in selectors.misconduct_investigators_eligible(report=r))


def test_the_investigators_offered_are_exactly_those_the_service_accepts(mw):
    r = report("DL.TNMT")
    eligible = offered(r)
    # not Vũ Văn Kiểm, who has a role in the land division, nor Tân Kỳ's inspector
    assert eligible == ["dl.thanhtra", "dl.thanhtra2", "tinh.thanhtra"]
    # the service also takes a superuser, whom the list does not offer
    assert accepted_by_service(mw, r) == {*eligible, "root"}
    about_ubnd = report("DL.UBND")
    assert offered(about_ubnd) == ["dl.tnmt.thanhtra", "tinh.thanhtra"]
    assert accepted_by_service(mw, about_ubnd) == {"dl.tnmt.thanhtra", "tinh.thanhtra", "root"}


def test_the_official_reported_is_not_offered_as_investigator(mw):
    r = report()
    MisconductReport.objects.filter(pk=r.pk).update(official=mw.dl_insp2)
    r.refresh_from_db()
    assert offered(r) == ["dl.thanhtra", "tinh.thanhtra"]
    before = snapshot(r)
    with pytest.raises(ValidationFailed) as caught:
        assign(mw.dl_insp, r, mw.dl_insp2)
    assert caught.value.fields == {
        "investigator": ["An inspector does not judge a report about himself or his own agency."]
    }
    assert snapshot(r) == before


# -- assignment ------------------------------------------------------------------------------


def test_an_inspector_gives_the_report_with_a_deadline_in_working_days(mw):
    r = assign(mw.dl_insp, report(), mw.dl_insp2, days=3)
    # Thu 29/4 09:00 + 3 working days: Fri 30/4 and Mon 3/5 (1/5 observed) are off,
    # so Tue 4/5, Wed 5/5, Thu 6/5, at the close of office hours
    assert snapshot(r) == ("handling", mw.dl_insp2.pk, AT, vn(2027, 5, 6, 17), None, "", None, 2, 2)
    event = MisconductEvent.objects.get(report=r, seq=2)
    assert (event.actor, event.action, event.from_status, event.to_status, event.data) == (
        mw.dl_insp,
        "assign",
        "new",
        "handling",
        {"investigator": "dl.thanhtra2", "due_at": "2027-05-06T17:00:00+07:00"},
    )


def test_the_deadline_follows_the_calendar_s_extra_days_off(mw):
    calendar_services.override_add(
        calendar=calendar_default(),
        day=date(2027, 5, 4),
        kind="day_off",
        legal_basis="Quyết định nghỉ bù (thử)",
    )
    r = assign(mw.dl_insp, report(), mw.dl_insp2, days=3)
    # Tue 4/5 off too: Wed 5/5, Thu 6/5, Fri 7/5
    assert r.due_at == vn(2027, 5, 7, 17)
    # after office hours the clock starts on the next working day (Wed 5/5), which is not
    # counted: Thu 6/5, Fri 7/5, Mon 10/5
    late = assign(mw.dl_insp, report(), mw.dl_insp2, days=3, at=vn(2027, 4, 29, 18))
    assert late.due_at == vn(2027, 5, 10, 17)


def test_a_report_being_investigated_may_be_given_to_another(mw):
    r = assign(mw.dl_insp, report(), mw.dl_insp2, days=3)
    again = assign(mw.dl_insp, r, mw.tinh_insp, days=1, at=vn(2027, 5, 4, 8))
    # Tue 4/5 08:00 + 1 working day: the end of Wed 5/5
    assert (again.status, again.investigator, again.assigned_at, again.due_at) == (
        "handling",
        mw.tinh_insp,
        vn(2027, 5, 4, 8),
        vn(2027, 5, 5, 17),
    )


@pytest.mark.parametrize("who", ["dl_chutich", "tnmt_head", "tk_insp", "dl_motcua", "nobody"])
def test_only_an_inspector_over_the_agency_assigns(mw, who):
    r = report()
    before = snapshot(r)
    actor = getattr(mw, who, None) or getattr(mw.w, who)
    with pytest.raises(PermissionDenied) as caught:
        assign(actor, r, mw.dl_insp2)
    assert (caught.value.code, caught.value.message) == (
        "misconduct.forbidden",
        "Reports are investigated by an inspector over the agency.",
    )
    assert snapshot(r) == before


def test_an_inspector_with_a_stake_does_not_choose_the_investigator_either(mw):
    r = report("DL.TNMT")
    before = snapshot(r)
    with pytest.raises(PermissionDenied) as caught:
        assign(mw.tnmt_insp, r, mw.dl_insp)
    assert caught.value.code == "misconduct.conflict"
    assert snapshot(r) == before


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("tk_insp", "Reports are investigated by an inspector over the agency."),
        ("tnmt_insp", "An inspector does not judge a report about himself or his own agency."),
        ("tnmt_head", "Reports are investigated by an inspector over the agency."),
        ("dl_chutich", "Reports are investigated by an inspector over the agency."),
    ],
)
def test_an_investigator_who_may_not_investigate_is_refused_at_the_field(mw, who, message):
    r = report("DL.TNMT")
    before = snapshot(r)
    with pytest.raises(ValidationFailed) as caught:
        assign(mw.dl_insp, r, getattr(mw, who, None) or getattr(mw.w, who))
    assert caught.value.fields == {"investigator": [message]}
    assert snapshot(r) == before


@pytest.mark.parametrize("days", [0, 91, -1, True, "5", 2.5, None])
def test_the_working_days_are_a_whole_number_from_1_to_90(mw, days):
    r = report()
    before = snapshot(r)
    with pytest.raises(ValidationFailed) as caught:
        assign(mw.dl_insp, r, mw.dl_insp2, days=days)
    assert caught.value.fields == {"working_days": ["Between 1 and 90 working days."]}
    assert snapshot(r) == before


def test_no_investigator_named_is_refused(mw):
    r = report()
    with pytest.raises(ValidationFailed) as caught:
        assign(mw.dl_insp, r, None)
    assert caught.value.fields == {"investigator": ["Choose the investigator."]}
    assert snapshot(r)[0] == "new"


def test_a_closed_report_is_not_given_again(mw):
    r = close(mw.dl_insp, report())
    before = snapshot(r)
    with pytest.raises(Conflict) as caught:
        assign(mw.dl_insp, r, mw.dl_insp2)
    assert caught.value.code == "misconduct.closed"
    assert snapshot(r) == before


# -- closing ---------------------------------------------------------------------------------


def test_the_investigator_closes_it_and_another_inspector_may_not(mw):
    r = assign(mw.dl_insp, report(), mw.dl_insp2)
    before = snapshot(r)
    with pytest.raises(PermissionDenied) as caught:
        close(mw.dl_insp, r)
    assert caught.value.code == "misconduct.not_investigator"
    assert snapshot(r) == before
    done = close(mw.dl_insp2, r, at=vn(2027, 5, 5, 10))
    assert snapshot(done) == (
        "closed",
        mw.dl_insp2.pk,
        AT,
        vn(2027, 5, 6, 17),
        True,
        "Kiểm điểm, rút kinh nghiệm",
        vn(2027, 5, 5, 10),
        3,
        3,
    )


def test_an_inspector_closing_a_report_nobody_was_given_investigated_it_himself(mw):
    r = close(mw.dl_insp, report(), substantiated=False, action="", at=vn(2027, 5, 3, 10))
    assert snapshot(r) == (
        "closed",
        mw.dl_insp.pk,
        vn(2027, 5, 3, 10),
        None,
        False,
        "",
        vn(2027, 5, 3, 10),
        2,
        2,
    )


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("tnmt_insp", "misconduct.conflict"),
        ("dl_chutich", "misconduct.forbidden"),
        ("tnmt_head", "misconduct.forbidden"),
        ("tk_insp", "misconduct.forbidden"),
    ],
)
def test_nobody_with_a_stake_or_without_the_role_closes_it(mw, who, code):
    r = report("DL.TNMT")
    before = snapshot(r)
    with pytest.raises(PermissionDenied) as caught:
        close(getattr(mw, who, None) or getattr(mw.w, who), r)
    assert caught.value.code == code
    assert snapshot(r) == before


def test_a_substantiated_finding_names_the_action_taken(mw):
    r = report()
    with pytest.raises(ValidationFailed) as caught:
        close(mw.dl_insp, r, substantiated=True, action="  ")
    assert caught.value.fields == {"action_taken": ["Required."]}
    with pytest.raises(ValidationFailed) as caught:
        close(mw.dl_insp, r, substantiated="yes")
    assert caught.value.fields == {"substantiated": ["Say whether the report was substantiated."]}
    assert snapshot(r)[0] == "new"


# -- the history -----------------------------------------------------------------------------


def test_the_events_are_numbered_1_to_n_with_their_actors(mw):
    r = report()
    assign(mw.dl_insp, r, mw.dl_insp2, days=3)
    assign(mw.dl_insp, r, mw.tinh_insp, days=2, at=vn(2027, 5, 4, 8))
    close(mw.tinh_insp, r, at=vn(2027, 5, 5, 10))
    rows = list(
        MisconductEvent.objects.filter(report=r)
        .order_by("seq")
        .values_list("seq", "actor__username", "action", "from_status", "to_status")
    )
    assert rows == [
        (1, None, "receive", "", "new"),
        (2, "dl.thanhtra", "assign", "new", "handling"),
        (3, "dl.thanhtra", "assign", "handling", "handling"),
        (4, "tinh.thanhtra", "close", "handling", "closed"),
    ]
    r.refresh_from_db()
    assert r.revision == 4
    assert [e.seq for e in selectors.misconduct_events(report=r)] == [1, 2, 3, 4]


def test_a_report_filed_by_an_official_names_him_in_its_first_event(mw):
    r = report(by=mw.w.dl_motcua)
    first = MisconductEvent.objects.get(report=r)
    assert (first.seq, first.actor, first.action, first.data) == (
        1,
        mw.w.dl_motcua,
        "receive",
        {"agency": "DL.TNMT"},
    )


# -- the follow-up code ----------------------------------------------------------------------


def test_the_code_is_read_whatever_the_case_spaces_and_hyphen(mw):
    r = report()
    assert r.code is not None
    letters = r.code[3:]
    typed = f" pa {letters[:4].lower()} {letters[4:]} "
    assert selectors.misconduct_code_normal(typed) == r.code
    assert selectors.misconduct_code_normal(f"PA{letters}") == r.code
    for bad in ["", "PA-", "XX-" + letters, r.code + "A", "PA-" + "0" * 10, "PA-\x00", "P" * 41]:
        assert selectors.misconduct_code_normal(bad) is None
        assert selectors.misconduct_report_follow(code=bad) is None


def test_the_follow_up_view_shows_the_stage_and_only_then_the_finding(mw):
    r = report()
    assert r.code is not None
    new = selectors.misconduct_report_follow(code=r.code)
    assert new == selectors.MisconductFollowUp(
        code=r.code,
        kind="asking_money",
        kind_label="Asking for money or gifts",
        agency="DL.TNMT",
        agency_name="Phòng Tài nguyên và Môi trường",
        received_on=date(2027, 4, 29),
        status="new",
        status_label="Received",
        due_on=None,
        closed_on=None,
        substantiated=None,
        action_taken="",
    )
    assign(mw.dl_insp, r, mw.dl_insp2, days=3)
    handling = selectors.misconduct_report_follow(code=r.code)
    assert handling is not None
    assert (handling.status, handling.status_label, handling.due_on, handling.closed_on) == (
        "handling",
        "Being investigated",
        date(2027, 5, 6),
        None,
    )
    close(mw.dl_insp2, r, at=vn(2027, 5, 5, 10))
    closed = selectors.misconduct_report_follow(code=r.code)
    assert closed is not None
    assert (
        closed.status_label,
        closed.due_on,
        closed.closed_on,
        closed.substantiated,
        closed.action_taken,
    ) == ("Closed", None, date(2027, 5, 5), True, "Kiểm điểm, rút kinh nghiệm")


def test_a_finding_not_substantiated_shows_no_action_text(mw):
    r = close(mw.dl_insp, report(), substantiated=False, action="Ghi chú nội bộ của đoàn")
    assert r.code is not None
    view = selectors.misconduct_report_follow(code=r.code)
    assert view is not None
    assert (view.substantiated, view.action_taken) == (False, "")


def test_an_overdue_investigation_is_one_being_investigated_past_its_due_time(mw):
    r = assign(mw.dl_insp, report(), mw.dl_insp2, days=3)
    assert not selectors.misconduct_overdue(r, now=vn(2027, 5, 6, 17))
    assert selectors.misconduct_overdue(r, now=vn(2027, 5, 6, 17, 1))
    done = close(mw.dl_insp2, r, at=vn(2027, 5, 7, 10))
    assert not selectors.misconduct_overdue(done, now=vn(2027, 6, 1))
