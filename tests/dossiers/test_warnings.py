"""Deadline warnings (warnings.py, SPEC §5 "Late"): at 80 % of the allotted working time,
with one working day left, and past due, for each open step run and for the whole dossier,
to the holder and the head of the holding agency, each once. Times are worked out by hand
from the default calendar (07:00-11:30, 13:30-17:00, Monday to Friday)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from motcua.dossiers import services
from motcua.dossiers.models import DeadlineWarning, Dossier, DossierStatus, DossierStep
from motcua.dossiers.selectors import engine_of
from motcua.dossiers.warnings import deadline_warnings
from motcua.notifications.models import Notification
from motcua.org import services as org_services
from motcua.org.models import Official, Role, RoleGrant
from motcua.procedures import services as catalogue
from motcua.procedures.services import DocumentData, StepData, VersionData
from motcua.workcalendar.engine import Timeliness
from tests.conftest import PASSWORD
from tests.dossiers.world import DossierWorld, build, receive, vn

HOUR = 3600


@pytest.fixture
def dw(world: Any) -> DossierWorld:
    return build(world)


def act(
    dossier: Dossier, actor: Official | None, action: str, at: datetime, **payload: Any
) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def warnings_of(d: Dossier) -> list[tuple[int | None, str, list[str]]]:
    return [
        (w.step.index if w.step else None, w.kind, w.recipients)
        for w in DeadlineWarning.objects.filter(dossier=d).select_related("step").order_by("pk")
    ]


def officials_told(d: Dossier) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(topic=f"warning:{d.code}")
        .order_by("pk")
        .values_list("official__username", "subject")
    )


def long_step(dw: DossierWorld, *, assign: bool = True) -> Dossier:
    """A version from 2027 with a 10-working-day limit and a 48 h appraisal (an 80 % warning
    needs a step longer than five working days: with less, one working day is left before
    80 % is used). Received Mon 1 March 09:00: due Mon 15 March 17:00 (86 office hours).
    Step 2 from Mon 10:00, 48 h: 5 h Mon, Tue-Fri 32 h, Mon 8th 8 h, Tue 9th 3 h: 10:00."""
    w = dw.w
    catalogue.version_add(
        procedure=dw.procedure,
        data=VersionData(
            effective_from=date(2027, 1, 1),
            time_limit_value=Decimal(10),
            time_limit_unit="working_days",
            documents=[
                DocumentData("Đơn đăng ký biến động"),
                DocumentData("Giấy chứng nhận quyền sử dụng đất"),
            ],
            steps=[
                StepData("Tiếp nhận", Decimal(4), None, Role.ONE_STOP_OFFICER),
                StepData("Thẩm định", Decimal(48), w.dl_tnmt, Role.HANDLING_OFFICIAL),
                StepData("Ký duyệt", Decimal(4), w.dl_ubnd, Role.CHAIRMAN),
            ],
        ),
    )
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    if assign:
        d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    step = d.steps.get(finished_at=None)
    assert (d.due_at, step.index, step.due_at) == (vn(2027, 3, 15, 17), 2, vn(2027, 3, 9, 10))
    assert step.allotted_seconds == 48 * HOUR
    return d


def body(what: str, code: str, due: str, left_hours: float) -> str:
    if left_hours < 0:
        left = _("overdue by %(h).1f working hours") % {"h": -left_hours}
    else:
        left = _("%(h).1f working hours left") % {"h": left_hours}
    return _("%(what)s of dossier %(code)s is due %(due)s (%(left)s).") % {
        "what": what,
        "code": code,
        "due": due,
        "left": left,
    }


# -- a step's warnings ---------------------------------------------------------------------------


def test_at_80_percent_the_holder_and_the_head_are_warned_once(dw):
    w = dw.w
    dw.tnmt_head.email = "son@example.vn"
    dw.tnmt_head.save(update_fields=["email"])
    # a former head and an inactive head are not told
    former = org_services.official_create(username="dl.tnmt.cu", full_name="Cũ", password=PASSWORD)
    RoleGrant.objects.create(
        official=former, agency=w.dl_tnmt, role=Role.UNIT_HEAD, valid_to=date(2027, 2, 28)
    )
    gone = org_services.official_create(
        username="dl.tnmt.nghi",
        full_name="Nghỉ",
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=w.dl_tnmt, role=Role.UNIT_HEAD)],
    )
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    d = long_step(dw)
    step = d.steps.get(finished_at=None)
    # Mon 8 March 08:00: 38 h of 48 used (79.2 %), 10 h left: nothing yet
    run = deadline_warnings(now=vn(2027, 3, 8, 8))
    assert (run.checked, run.sent) == (1, None)
    assert not DeadlineWarning.objects.exists()
    # 09:00: 39 h used (81.25 %), 9 h left (more than a working day)
    engine = engine_of(d)
    assert engine.remaining_seconds(step.due_at, vn(2027, 3, 8, 9)) == 9 * HOUR
    run = deadline_warnings(now=vn(2027, 3, 8, 9))
    assert (run.checked, run.sent) == (1, {"eighty": 1})
    warning = DeadlineWarning.objects.get()
    assert (warning.dossier, warning.step, warning.kind, warning.at) == (
        d,
        step,
        "eighty",
        vn(2027, 3, 8, 9),
    )
    assert warning.recipients == ["dl.tnmt", "dl.tnmt.cv"]
    subject = _("80 %% of the time used: %(code)s") % {"code": d.code}
    assert subject.startswith("80 % ")
    text = body("Thẩm định", d.code, "10:00 09/03/2027", 9.0)
    told = list(
        Notification.objects.filter(topic=f"warning:{d.code}")
        .order_by("official__username")
        .values_list("official__username", "medium", "recipient", "subject", "body")
    )
    assert told == [
        ("dl.tnmt", "email", "son@example.vn", subject, text),
        ("dl.tnmt.cv", "email", "@dl.tnmt.cv", subject, text),
    ]
    # run again (or from another machine): nothing new
    for moment in (vn(2027, 3, 8, 9), vn(2027, 3, 8, 9, 30)):
        run = deadline_warnings(now=moment)
        assert (run.checked, run.sent) == (1, None)
    assert DeadlineWarning.objects.count() == 1
    assert Notification.objects.filter(official__isnull=False).count() == 2


def test_one_working_day_left_then_past_due(dw):
    d = long_step(dw)
    deadline_warnings(now=vn(2027, 3, 8, 9))
    # 09:59: still more than a day left, the 80 % warning was sent
    assert deadline_warnings(now=vn(2027, 3, 8, 9, 59)).sent is None
    # Mon 10:00: 8 h left, one working day
    run = deadline_warnings(now=vn(2027, 3, 8, 10))
    assert run.sent == {"one_day": 1}
    assert deadline_warnings(now=vn(2027, 3, 9, 9)).sent is None
    # Tue 11:00: an hour past the step's due time (10:00)
    run = deadline_warnings(now=vn(2027, 3, 9, 11))
    assert run.sent == {"breach": 1}
    assert warnings_of(d) == [
        (2, "eighty", ["dl.tnmt", "dl.tnmt.cv"]),
        (2, "one_day", ["dl.tnmt", "dl.tnmt.cv"]),
        (2, "breach", ["dl.tnmt", "dl.tnmt.cv"]),
    ]
    subjects = {
        "one_day": _("One working day left: %(code)s") % {"code": d.code},
        "breach": _("Overdue: %(code)s") % {"code": d.code},
    }
    assert [s for _u, s in officials_told(d)][2:] == [
        subjects["one_day"],
        subjects["one_day"],
        subjects["breach"],
        subjects["breach"],
    ]
    breach = Notification.objects.filter(subject=subjects["breach"]).first()
    assert breach is not None
    assert breach.body == body("Thẩm định", d.code, "10:00 09/03/2027", -1.0)
    # the dossier itself (86 h, 46 h used on Tuesday 11:00) was never warned
    assert not DeadlineWarning.objects.filter(step=None).exists()
    assert deadline_warnings(now=vn(2027, 3, 10, 9)).sent is None


def test_a_run_that_comes_late_sends_only_the_most_urgent_warning(dw):
    d = long_step(dw)
    run = deadline_warnings(now=vn(2027, 3, 9, 14))
    assert run.sent == {"breach": 1}
    assert warnings_of(d) == [(2, "breach", ["dl.tnmt", "dl.tnmt.cv"])]


def test_a_free_step_warns_the_agency_head_alone(dw):
    d = long_step(dw, assign=False)
    deadline_warnings(now=vn(2027, 3, 9, 11))
    assert warnings_of(d) == [(2, "breach", ["dl.tnmt"])]
    assert officials_told(d) == [("dl.tnmt", _("Overdue: %(code)s") % {"code": d.code})]


def test_a_step_nobody_holds_at_an_agency_without_a_head_is_recorded_but_told_to_nobody(dw):
    d = long_step(dw)
    act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 14), assignee="dl.tnmt")
    d = act(d, dw.tnmt_head, "send_back", vn(2027, 3, 1, 15), note="Thiếu")
    # step 1 runs again at the one-stop office from Mon 15:00 (4 h: due Tue 09:00)
    assert d.steps.get(finished_at=None).due_at == vn(2027, 3, 2, 9)
    deadline_warnings(now=vn(2027, 3, 2, 10))
    assert warnings_of(d) == [(1, "breach", [])]
    assert officials_told(d) == []


def test_a_new_run_of_a_step_is_warned_again(dw):
    w = dw.w
    d = long_step(dw)
    deadline_warnings(now=vn(2027, 3, 9, 11))
    d = act(d, w.dl_tnmt_cv, "forward", vn(2027, 3, 9, 13), agency="DL.UBND", note="Xin ý kiến")
    # the run at the People's Committee keeps the due time, so it is past due at once;
    # nobody holds it yet, and the chairman heads that agency
    deadline_warnings(now=vn(2027, 3, 9, 14))
    assert warnings_of(d) == [
        (2, "breach", ["dl.tnmt", "dl.tnmt.cv"]),
        (2, "breach", ["dl.chutich"]),
    ]
    runs = list(DeadlineWarning.objects.order_by("pk").values_list("step__agency__code", flat=True))
    assert runs == ["DL.TNMT", "DL.UBND"]


# -- the dossier's warnings ----------------------------------------------------------------------


def test_the_whole_dossier_is_warned_through_whoever_holds_it(dw):
    w = dw.w
    # Mon 1 March 09:00, 5 working days: due Mon 8 March 17:00, 46 office hours; step 2
    # (16 h from Mon 10:00) due Wed 3 March 10:00
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    assert d.due_at == vn(2027, 3, 8, 17)
    # Fri 15:00: 36 h used (78 %)
    run = deadline_warnings(now=vn(2027, 3, 5, 15))
    assert run.sent == {"breach": 1}  # the step alone, two days late
    # Fri 16:00: 37 h used (80.4 %), 9 h left
    run = deadline_warnings(now=vn(2027, 3, 5, 16))
    assert run.sent == {"eighty": 1}
    # Mon 09:00: 6 h left
    assert deadline_warnings(now=vn(2027, 3, 8, 9)).sent == {"one_day": 1}
    # Tue 08:00: an office hour late
    assert deadline_warnings(now=vn(2027, 3, 9, 8)).sent == {"breach": 1}
    assert deadline_warnings(now=vn(2027, 3, 10, 8)).sent is None
    people = ["dl.tnmt", "dl.tnmt.cv"]
    assert warnings_of(d) == [
        (2, "breach", people),
        (None, "eighty", people),
        (None, "one_day", people),
        (None, "breach", people),
    ]
    last = Notification.objects.filter(topic=f"warning:{d.code}").order_by("pk").last()
    assert last is not None
    assert last.subject == _("Overdue: %(code)s") % {"code": d.code}
    assert last.body == body(_("the whole dossier"), d.code, "17:00 08/03/2027", -1.0)
    assert Notification.objects.filter(topic=f"warning:{d.code}").count() == 8


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("request_supplement", {"items": ["Bản vẽ"]}),
        ("request_payment", {"amount_vnd": 500_000}),
    ],
)
def test_a_paused_dossier_is_not_warned_until_it_resumes(dw, action, payload):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    d = act(d, w.dl_motcua, action, vn(2027, 3, 1, 10), **payload)
    assert d.status in {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FINANCIAL_OBLIGATION}
    run = deadline_warnings(now=vn(2027, 3, 31, 9))
    assert (run.checked, run.sent) == (0, None)
    assert not DeadlineWarning.objects.exists()
    assert not Notification.objects.filter(official__isnull=False).exists()
    # resumed Fri 5 March 10:00; the step (due Mon 15:00, 3 h left at the pause) is due
    # Fri 15:00
    resume = "supplement" if action == "request_supplement" else "pay"
    d = act(d, None, resume, vn(2027, 3, 5, 10))
    assert d.steps.get(finished_at=None).due_at == vn(2027, 3, 5, 15)
    # a half-day step gets no "one working day left" (it would start with it): at 14:45,
    # 15 minutes of its 4 hours are left
    assert deadline_warnings(now=vn(2027, 3, 5, 11)).sent is None
    assert deadline_warnings(now=vn(2027, 3, 5, 14, 45)).sent == {"eighty": 1}
    assert deadline_warnings(now=vn(2027, 3, 5, 16)).sent == {"breach": 1}


def test_ended_and_finished_dossiers_are_not_warned(dw):
    w = dw.w
    withdrawn = receive(dw, vn(2027, 3, 1, 9))
    act(withdrawn, w.dl_motcua, "withdraw", vn(2027, 3, 1, 10), reason="Rút")
    done = receive(dw, vn(2027, 3, 1, 9))
    done = act(done, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    done = act(done, dw.tnmt_head, "complete_step", vn(2027, 3, 1, 11))
    act(done, w.dl_chutich, "finish", vn(2027, 3, 1, 14), result_note="Xong")
    submitted = services.dossier_submit_online(
        procedure=dw.procedure,
        agency=w.dl_one_stop,
        applicant=services.ApplicantData(full_name="An", id_number="040123456789"),
        documents=[],
        at=vn(2027, 3, 1, 9),
    )
    assert submitted.status == DossierStatus.SUBMITTED_ONLINE
    run = deadline_warnings(now=vn(2027, 4, 1, 9))
    assert (run.checked, run.sent) == (0, None)


def test_warning_many_steps_reads_a_fixed_number_of_queries(dw):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            run = deadline_warnings(now=vn(2027, 3, 1, 13, 30))
        assert run.sent is None  # nothing due: only reads
        return len(captured.captured_queries)

    d = receive(dw, vn(2027, 3, 1, 7))
    act(d, dw.w.dl_motcua, "complete_step", vn(2027, 3, 1, 11))
    queries()  # warms the calendar cache
    one = queries()
    for hour in (8, 9, 10, 11):
        d = receive(dw, vn(2027, 3, 1, hour))
        act(d, dw.w.dl_motcua, "complete_step", vn(2027, 3, 1, 11))
    assert DossierStep.objects.filter(finished_at=None).count() == 5
    assert queries() == one <= 5


def test_paused_time_does_not_count_as_used_for_the_dossiers_80_percent(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))  # 46 office hours, due Mon 8 March 17:00
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ"])
    # paused Mon 10:00 to Fri 10:00: 32 office hours; due Fri 12 March 17:00
    d = act(d, None, "supplement", vn(2027, 3, 5, 10))
    assert d.due_at == vn(2027, 3, 12, 17)
    # Thu 11 March 08:00: 15 h left of 46, so 31 h (67 %) used: no 80 % warning is due
    assert engine_of(d).remaining_seconds(d.due_at, vn(2027, 3, 11, 8)) == 15 * HOUR
    deadline_warnings(now=vn(2027, 3, 11, 8))
    assert not DeadlineWarning.objects.filter(dossier=d, step=None).exists()


def test_a_dossier_with_every_step_done_but_not_finished_is_still_warned(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))  # due Mon 8 March 17:00
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10))
    d = act(d, dw.tnmt_head, "complete_step", vn(2027, 3, 1, 11))
    d = act(d, w.dl_chutich, "complete_step", vn(2027, 3, 1, 14))
    assert d.status == DossierStatus.HANDLING
    assert not d.steps.filter(finished_at=None).exists()
    deadline_warnings(now=vn(2027, 3, 10, 9))
    assert DeadlineWarning.objects.filter(dossier=d, step=None, kind="breach").exists()


def test_at_the_exact_due_moment_the_step_is_not_yet_overdue(dw):
    d = long_step(dw)
    step = d.steps.get(finished_at=None)
    assert engine_of(d).classify(step.due_at, now=step.due_at) == Timeliness.IN_TIME
    run = deadline_warnings(now=step.due_at)
    assert run.sent == {"one_day": 1}


# -- the command -----------------------------------------------------------------------------


def test_the_dossier_warnings_command_prints_what_it_checked_and_sent(dw):
    out = io.StringIO()
    call_command("dossier_warnings", stdout=out)
    assert out.getvalue() == "checked 0 open steps; warnings sent: none\n"
    # received long ago (Mon 2 November 2026) and never handled: both overdue now
    d = receive(dw, vn(2026, 11, 2, 9))
    out = io.StringIO()
    call_command("dossier_warnings", stdout=out)
    assert out.getvalue() == "checked 1 open steps; warnings sent: breach 2\n"
    assert warnings_of(d) == [(1, "breach", []), (None, "breach", [])]
    out = io.StringIO()
    call_command("dossier_warnings", stdout=out)
    assert out.getvalue() == "checked 1 open steps; warnings sent: none\n"
