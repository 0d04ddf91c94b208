"""Officials' commitment pages: the commitments of a year, the chairman's new commitment,
the commitment with its standing and the actions open to the official, the targets of a
draft. Who sees what, the service's errors next to the field or the target row, each action
through the page with the exact outcome of the service, the live and the frozen standing,
Vietnamese and English, bounded queries on the list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from motcua.commitments import services
from motcua.commitments.models import Commitment, CommitmentEvent, CommitmentState, Target
from motcua.commitments.views import measured_text
from motcua.org.models import Official, Role
from motcua.tasks import services as task_services
from tests.commitments.world import YEAR, make
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, official
from tests.tasks.world import make as make_task


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def login(who: Official, language: str | None = "en") -> Client:
    client = Client()
    client.force_login(who)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html(response: Any) -> str:
    return response.content.decode()


def section(page: str, name: str) -> str:
    return page.split(f'data-section="{name}"')[1].split("</section>", maxsplit=1)[0]


def target_row(page: str, seq: int) -> str:
    return page.split(f'<tr data-target="{seq}"')[1].split("</tr>", maxsplit=1)[0]


def form_of(page: str, action: str, seq: int | None = None) -> str:
    marker = f'data-action="{action}"'
    if seq is not None:
        marker += f' data-target-form="{seq}"'
    return page.split(marker)[1].split("</form>", maxsplit=1)[0]


def offered(page: str) -> set[str]:
    """The actions the page offers (forms and the link to the targets)."""
    actions = set()
    for name in ("sign", "edit_targets", "start_evaluation", "assess", "conclude"):
        if f'data-action="{name}"' in page:
            actions.add(name)
    return actions


def act(c: Commitment, who: Official, action: str, **data: Any) -> Any:
    c.refresh_from_db()
    return login(who).post(
        f"/commitments/{c.pk}/act/",
        {"action": action, "expected_version": str(c.revision), **data},
    )


def this_year() -> int:
    return timezone.localdate().year


def past(tw: TaskWorld) -> Commitment:
    """Last year's commitment (the year is over: the evaluation may start), drafted and
    signed now."""
    now = timezone.now()
    c = make(tw, year=this_year() - 1, at=now)
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        c = services.commitment_act(commitment=c, actor=who, action="sign", payload={}, at=now)
    return c


def targets_of(c: Commitment) -> list[tuple[Any, ...]]:
    return list(
        Target.objects.filter(commitment=c)
        .order_by("seq")
        .values_list("seq", "title", "kind", "metric", "comparison", "threshold", "weight")
    )


def row_fields(
    i: int, title: str, kind: str, metric: str, comparison: str, threshold: str, weight: str
) -> dict[str, str]:
    values = {
        "title": title,
        "kind": kind,
        "metric": metric,
        "comparison": comparison,
        "threshold": threshold,
        "weight": weight,
    }
    return {f"targets-{i}-{k}": v for k, v in values.items()}


def targets_post(rows: list[tuple[str, str, str, str, str, str]], total: int = 8) -> dict[str, str]:
    data = {
        "targets-TOTAL_FORMS": str(total),
        "targets-INITIAL_FORMS": str(total),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "30",
    }
    for i in range(total):
        row = rows[i] if i < len(rows) else ("", "", "", "", "", "")
        data.update(row_fields(i, *row))
    return data


ROWS = [
    ("Hồ sơ đúng hạn", "measured", "dossier_on_time_rate", "at_least", "98.5", "40"),
    ("Nhiệm vụ đúng hạn", "measured", "task_on_time_rate", "at_least", "95", "30"),
    ("", "", "", "", "", ""),  # a blank row in between is no target
    (
        "Không có phản ánh đúng sự thật",
        "measured",
        "misconduct_substantiated",
        "at_most",
        "0",
        "10",
    ),
    ("Đổi mới, sáng tạo", "assessed", "", "", "", "20"),
]


def new_form(**changes: str) -> dict[str, str]:
    data = {"year": "2027", "agency": "DL.TNMT", "head": "dl.tnmt", "pass_mark": "85.5"}
    data.update(targets_post(ROWS))
    data.update(changes)
    return data


# -- who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/commitments/", "/commitments/new/", "/commitments/1/", "/commitments/1/targets/"]
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_the_commitment_page_is_for_the_head_the_chairman_and_those_who_oversee(
    tw: TaskWorld,
) -> None:
    c = make(tw)
    # dl.admin: an administrator of the district (a unit-wide role) oversees its agencies
    for who in (tw.tnmt_head, tw.w.dl_chutich, tw.w.dl_admin, tw.w.root):
        response = login(who).get(f"/commitments/{c.pk}/")
        assert response.status_code == 200, who
        page = html(response)
        assert f'data-commitment="{c.pk}" data-state="draft"' in page
        assert "Phòng Tài nguyên và Môi trường" in page
    for who in (tw.w.tk_motcua, tw.w.dl_tnmt_cv, tw.w.nobody, tw.w.dl_motcua):
        client = login(who)
        assert client.get(f"/commitments/{c.pk}/").status_code == 404, who
        assert client.get(f"/commitments/{c.pk}/targets/").status_code == 404, who
        assert client.post(f"/commitments/{c.pk}/act/", {"action": "sign"}).status_code == 404
        assert client.post(f"/commitments/{c.pk}/targets/", {}).status_code == 404
        assert f'data-commitment="{c.pk}"' not in html(client.get(f"/commitments/?year={YEAR}"))
    assert CommitmentEvent.objects.filter(commitment=c).count() == 1


@pytest.mark.parametrize(
    "raw", ["abc", "0", "-1", "99999999999999999999", "9223372036854775808", "1%00", "１"]
)
def test_strange_ids_are_not_found(tw: TaskWorld, raw: str) -> None:
    client = login(tw.w.root)
    # a NUL in the path is refused (400) by the middleware before any view
    expected = 400 if "%00" in raw else 404
    assert client.get(f"/commitments/{raw}/").status_code == expected
    assert client.get(f"/commitments/{raw}/targets/").status_code == expected
    assert client.post(f"/commitments/{raw}/act/", {"action": "sign"}).status_code == expected


def test_the_list_sorts_the_commitments_by_who_looks(tw: TaskWorld) -> None:
    c = make(tw)
    url = f"/commitments/?year={YEAR}"
    head = html(login(tw.tnmt_head).get(url))
    assert f'data-commitment="{c.pk}"' in section(head, "mine")
    assert f'data-commitment="{c.pk}"' not in section(head, "chaired")
    assert "data-new-commitment" not in head
    chairman = html(login(tw.w.dl_chutich).get(url))
    assert f'data-commitment="{c.pk}"' in section(chairman, "chaired")
    assert f'data-commitment="{c.pk}"' not in section(chairman, "mine")
    assert 'href="/commitments/new/" data-new-commitment' in chairman
    overseer = html(login(tw.w.dl_admin).get(url))
    assert f'data-commitment="{c.pk}"' in section(overseer, "overseen")
    assert "data-new-commitment" not in overseer
    row = section(head, "mine").split(f'data-commitment="{c.pk}"')[1].split("</tr>")[0]
    assert 'data-state="draft"' in row
    assert 'data-total-kind="live"' in row
    assert "Phòng Tài nguyên và Môi trường" in row
    assert "dl.tnmt" in row  # the head
    assert "Trần Đình Long" in row  # the chairman
    assert "Draft" in row
    assert 'href="/commitments/" data-nav="commitments"' in head


def test_the_list_shows_the_current_year_by_default_and_the_years_present(
    tw: TaskWorld,
) -> None:
    later = make(tw)
    now = make(tw, year=this_year(), at=timezone.now())
    client = login(tw.tnmt_head)
    page = html(client.get("/commitments/"))
    assert f'data-commitment="{now.pk}"' in page
    assert f'data-commitment="{later.pk}"' not in page
    assert f'<option value="{this_year()}" selected>' in page
    assert f'<option value="{YEAR}">' in page
    chosen = html(client.get(f"/commitments/?year={YEAR}"))
    assert f'data-commitment="{later.pk}"' in chosen
    assert f'data-commitment="{now.pk}"' not in chosen
    # a year without commitments: an empty list; a bad one: named, and the default shown
    assert "data-commitment=" not in html(client.get("/commitments/?year=2001"))
    for bad in ("abc", "1800", "99999999999999999999", "2027.5", "２０２７"):
        response = client.get(f"/commitments/?year={bad}")
        assert response.status_code == 200, bad
        assert "data-form-errors" in html(response)
        assert f'data-commitment="{now.pk}"' in html(response)
    # a NUL is refused (400) by the middleware before any view
    assert client.get("/commitments/?year=2027%00").status_code == 400


def test_the_list_shows_final_and_frozen_totals_with_the_verdict_in_bounded_queries(
    tw: TaskWorld, django_assert_max_num_queries: Any
) -> None:
    year = this_year() - 1
    c1 = past(tw)
    client = login(tw.w.dl_chutich)
    url = f"/commitments/?year={year}"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    # two more heads: of the one-stop department and of the commune (its chairman)
    mc_head = official("dl.mc.head", [(tw.w.dl_one_stop, Role.UNIT_HEAD)])
    ds_head = official("ds.chutich", [(tw.w.dl_commune_ubnd, Role.CHAIRMAN)])
    now = timezone.now()
    c2 = make(tw, year=year, agency=tw.w.dl_one_stop, head=mc_head, at=now)
    c3 = make(tw, year=year, agency=tw.w.dl_commune_ubnd, head=ds_head, at=now)
    for c, head in ((c2, mc_head), (c3, ds_head)):
        for who in (head, tw.w.dl_chutich):
            services.commitment_act(commitment=c, actor=who, action="sign", payload={})
    chairman = tw.w.dl_chutich
    for c in (c1, c2):
        services.commitment_act(commitment=c, actor=chairman, action="start_evaluation", payload={})
    # c1: the misconduct target met (10 of 10) and the assessed one 5 of 20 → 50.00
    services.commitment_act(
        commitment=c1, actor=chairman, action="assess", payload={"target": 4, "score": "5"}
    )
    services.commitment_act(commitment=c1, actor=chairman, action="conclude", payload={})
    with django_assert_max_num_queries(9), CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert len(three) == len(one)
    page = section(html(response), "chaired")
    evaluated = page.split(f'data-commitment="{c1.pk}"')[1].split("</tr>")[0]
    assert 'data-state="evaluated"' in evaluated
    assert 'data-total="50.00"' in evaluated
    assert "<strong>50.00</strong> / 80.00" in evaluated
    assert 'data-verdict="does_not_meet"' in evaluated
    assert "Does not meet the requirements" in evaluated
    assert "data-flagged" in evaluated
    assert "Flagged for resignation or reassignment" in evaluated
    frozen = page.split(f'data-commitment="{c2.pk}"')[1].split("</tr>")[0]
    # under evaluation: the misconduct target scored by the system (10/10); the assessed
    # one not yet, nor the rates that counted nothing
    assert 'data-state="under_evaluation"' in frozen
    assert 'data-total-kind="frozen"' in frozen
    assert 'data-total="100.00"' in frozen
    assert "so far" in frozen
    assert "data-verdict" not in frozen
    live = page.split(f'data-commitment="{c3.pk}"')[1].split("</tr>")[0]
    assert 'data-state="signed"' in live
    assert 'data-total=""' in live
    assert "live on its page" in live


# -- a new commitment ------------------------------------------------------------------------


def test_the_new_form_offers_the_agencies_the_chairman_may_chair_and_usual_targets(
    tw: TaskWorld,
) -> None:
    page = html(login(tw.w.dl_chutich).get("/commitments/new/"))
    for code in ("DL.TNMT", "DL.MC", "DL.DS.UBND"):
        assert f'<option value="{code}">' in page, code
    for code in ("DL.UBND", "TK.UBND", "T.UBND", "TK.MC"):
        assert f'value="{code}"' not in page, code
    assert f'name="year" value="{this_year()}"' in page
    assert 'name="pass_mark" value="80"' in page
    # the usual targets, ready to submit
    assert 'name="targets-0-title" value="Dossiers resolved on time"' in page
    assert 'name="targets-0-threshold" value="98"' in page
    assert '<option value="dossier_on_time_rate" selected>' in page
    assert '<option value="task_on_time_rate" selected>' in page
    assert '<option value="misconduct_substantiated" selected>' in page
    assert '<option value="procedures_published_rate" selected>' in page
    assert 'name="targets-4-kind"' in page
    assert 'name="targets-7-title"' in page  # eight rows
    assert 'name="targets-8-title"' not in page
    # the head of the agency asked for is chosen
    chosen = html(login(tw.w.dl_chutich).get("/commitments/new/?agency=DL.TNMT"))
    assert '<option value="DL.TNMT" selected>' in chosen
    assert '<option value="dl.tnmt" selected>' in chosen


def test_the_usual_targets_submitted_as_they_are_make_a_commitment(tw: TaskWorld) -> None:
    client = login(tw.w.dl_chutich)
    page = html(client.get("/commitments/new/?agency=DL.TNMT"))
    assert page.count('name="targets-') > 40
    data = {"year": str(this_year()), "agency": "DL.TNMT", "head": "dl.tnmt", "pass_mark": "80"}
    defaults = [
        ("Dossiers resolved on time", "measured", "dossier_on_time_rate", "at_least", "98", "30"),
        ("Tasks done on time", "measured", "task_on_time_rate", "at_least", "95", "25"),
        (
            "No substantiated misconduct report",
            "measured",
            "misconduct_substantiated",
            "at_most",
            "0",
            "15",
        ),
        (
            "Procedures of its level published",
            "measured",
            "procedures_published_rate",
            "at_least",
            "100",
            "10",
        ),
        ("Leadership, discipline and innovation in reform", "assessed", "", "", "", "20"),
    ]
    for i, row in enumerate(defaults):
        for key, value in zip(
            ("title", "kind", "metric", "comparison", "threshold", "weight"), row, strict=True
        ):
            assert f'name="targets-{i}-{key}"' in page
            if key in {"title", "threshold", "weight"} and value:
                assert f'name="targets-{i}-{key}" value="{value}"' in page, (i, key)
    response = client.post("/commitments/new/", {**data, **targets_post(defaults)})
    assert response.status_code == 302
    c = Commitment.objects.get()
    assert sum(t.weight for t in c.targets.all()) == 100
    assert c.targets.count() == 5


def test_the_new_form_creates_exactly_what_was_posted(tw: TaskWorld) -> None:
    response = login(tw.w.dl_chutich).post("/commitments/new/", new_form())
    c = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/commitments/{c.pk}/"
    assert (c.year, c.agency, c.head, c.chairman, c.pass_mark, c.state) == (
        2027,
        tw.w.dl_tnmt,
        tw.tnmt_head,
        tw.w.dl_chutich,
        Decimal("85.50"),
        CommitmentState.DRAFT,
    )
    assert (c.head_signed_at, c.chairman_signed_at) == (None, None)
    assert targets_of(c) == [
        (1, "Hồ sơ đúng hạn", "measured", "dossier_on_time_rate", "at_least", Decimal("98.50"), 40),
        (2, "Nhiệm vụ đúng hạn", "measured", "task_on_time_rate", "at_least", Decimal(95), 30),
        (
            3,
            "Không có phản ánh đúng sự thật",
            "measured",
            "misconduct_substantiated",
            "at_most",
            Decimal(0),
            10,
        ),
        (4, "Đổi mới, sáng tạo", "assessed", "", "", None, 20),
    ]
    assert list(CommitmentEvent.objects.filter(commitment=c).values_list("action", flat=True)) == [
        "create"
    ]


def test_the_service_errors_are_shown_next_to_their_row_and_nothing_is_written(
    tw: TaskWorld,
) -> None:
    rows = [
        *ROWS[:3],
        # the fourth row: no name, a threshold over 100 % → the service's targets.3
        ("", "measured", "dossier_on_time_rate", "at_least", "120", "10"),
        # the fifth row: an assessed target with a threshold → targets.4
        ("Đổi mới", "assessed", "", "", "5", "20"),
        ("Bad weight", "assessed", "", "", "", "abc"),
    ]
    response = login(tw.w.dl_chutich).post(
        "/commitments/new/", new_form(pass_mark="101", **targets_post(rows))
    )
    assert response.status_code == 400
    page = html(response)
    assert Commitment.objects.count() == 0
    assert Target.objects.count() == 0
    assert CommitmentEvent.objects.count() == 0
    assert 'data-row-errors="1"' not in page
    assert 'data-row-errors="2"' not in page
    assert 'data-row-errors="3"' not in page
    fourth = page.split('data-row-errors="4"')[1].split("</tr>")[0]
    assert "Name the target." in fourth
    assert "The threshold is a number from 0 to 100." in fourth
    fifth = page.split('data-row-errors="5"')[1].split("</tr>")[0]
    assert "An assessed target has no measure nor threshold." in fifth
    assert "Name the target." not in fifth
    sixth = page.split('data-row-errors="6"')[1].split("</tr>")[0]
    assert "The weight is a whole number of points from 1 to 100." in sixth
    mark = page.split('data-field="pass_mark"')[1].split("</p>")[0]
    assert "A number of points from 0 to 100." in mark
    # what was typed stays
    assert 'name="targets-3-threshold" value="120"' in page
    assert 'name="targets-4-title" value="Đổi mới"' in page


def test_the_head_must_head_the_agency_and_a_blank_form_names_every_field(
    tw: TaskWorld,
) -> None:
    client = login(tw.w.dl_chutich)
    response = client.post("/commitments/new/", new_form(agency="DL.MC"))
    assert response.status_code == 400
    head = html(response).split('data-field="head"')[1].split("</p>")[0]
    assert "dl.tnmt does not head Bộ phận Một cửa Đô Lương." in head
    blank = client.post("/commitments/new/", {**targets_post([]), "year": "", "agency": ""})
    assert blank.status_code == 400
    page = html(blank)
    assert "A year from 1990 to 2199." in page.split('data-field="year"')[1].split("</p>")[0]
    assert "Choose the head&#x27;s agency." in page.split('data-field="agency"')[1].split("</p>")[0]
    assert "Choose the head who commits." in page.split('data-field="head"')[1].split("</p>")[0]
    assert "List at least one target." in page.split("data-target-errors")[1].split("</div>")[0]
    # a choice outside the form's reach, a broken formset, a NUL: refused, never a 500
    assert client.post("/commitments/new/", new_form(agency="TK.UBND")).status_code == 400
    assert client.post("/commitments/new/", {"year": "2027"}).status_code == 400
    assert (
        client.post("/commitments/new/", new_form(**{"targets-0-title": "a\x00"})).status_code
        == 400
    )
    assert Commitment.objects.count() == 0


def test_a_second_commitment_for_the_same_year_is_refused(tw: TaskWorld) -> None:
    make(tw)
    response = login(tw.w.dl_chutich).post("/commitments/new/", new_form())
    assert response.status_code == 409
    assert "Phòng Tài nguyên và Môi trường&#x27;s head has a commitment for 2027 already." in html(
        response
    )
    assert Commitment.objects.count() == 1


def test_only_a_chairman_drafts_a_commitment(tw: TaskWorld) -> None:
    for who in (tw.tnmt_head, tw.w.dl_admin, tw.w.nobody):
        client = login(who)
        response = client.get("/commitments/new/")
        assert response.status_code == 403
        assert 'data-form="commitment"' not in html(response)
        assert client.post("/commitments/new/", new_form()).status_code == 403
    assert Commitment.objects.count() == 0


# -- the commitment page: standing -----------------------------------------------------------


def test_a_draft_shows_the_live_standing_measured_from_the_records(tw: TaskWorld) -> None:
    # one task of the land division in 2027, approved on time: 1 of 1
    task = make_task(tw)
    task_services.task_act(
        task=task,
        actor=tw.w.dl_tnmt_cv,
        action="submit",
        payload={"deliverable": "QĐ 1"},
        at=vn(2027, 3, 2, 9),
    )
    task_services.task_act(
        task=task, actor=tw.w.dl_chutich, action="approve", payload={}, at=vn(2027, 3, 2, 10)
    )
    c = make(tw)
    page = html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))
    assert 'data-live="1"' in page
    assert 'data-live="0"' not in page
    assert "Live standing" in page
    assert "2027 so far" in page
    assert 'data-state="draft"' in page
    dossiers = target_row(page, 1)
    assert 'data-met=""' in dossiers
    assert "– (0/0)" in dossiers
    assert "Nothing to measure yet" in dossiers
    assert "at least 98 %" in dossiers
    tasks = target_row(page, 2)
    assert 'data-value="100.00"' in tasks
    assert "100.00 % (1/1)" in tasks
    assert 'data-met="1"' in tasks
    assert "✓" in tasks
    assert "Met" in tasks
    assert "30 / 30" in tasks
    misconduct = target_row(page, 3)
    assert "at most 0" in misconduct
    assert 'data-met="1"' in misconduct
    assessed = target_row(page, 4)
    assert "Not assessed yet" in assessed
    assert "– / 20" in assessed
    # the measured part so far: 40 of 40 points that could be scored
    assert 'data-total="100.00" data-meets="1"' in page
    assert "pass mark 80.00" in page
    assert 'data-event="create"' in section(page, "history")


def test_the_evaluation_freezes_the_values_and_says_when(tw: TaskWorld) -> None:
    c = past(tw)
    response = act(c, tw.w.dl_chutich, "start_evaluation")
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == CommitmentState.UNDER_EVALUATION
    assert c.evaluator == tw.w.dl_chutich
    assert c.evaluation_started_at is not None
    page = html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))
    assert 'data-live="0"' in page
    assert 'data-live="1"' not in page
    assert "Frozen values" in page
    started = timezone.localtime(c.evaluation_started_at)
    assert f'data-frozen-at="{started.isoformat()}"' in page
    assert started.strftime("%H:%M %d/%m/%Y") in page.split('data-live="0"')[1]
    assert "Nothing measured: left out of the total" in target_row(page, 1)
    assert 'data-score="10.00"' in target_row(page, 3)
    # frozen in the targets, as the service froze them
    assert Target.objects.get(commitment=c, seq=3).measured_at == c.evaluation_started_at


# -- the commitment page: actions ------------------------------------------------------------


def test_the_actions_offered_are_those_the_service_accepts(tw: TaskWorld) -> None:
    c = make(tw)

    def actions(who: Official) -> set[str]:
        return offered(html(login(who).get(f"/commitments/{c.pk}/")))

    assert actions(tw.tnmt_head) == {"sign"}
    assert actions(tw.w.dl_chutich) == {"sign", "edit_targets"}
    assert actions(tw.w.dl_admin) == set()
    assert actions(tw.w.root) == {"edit_targets"}
    assert act(c, tw.tnmt_head, "sign").status_code == 302
    assert actions(tw.tnmt_head) == set()
    assert actions(tw.w.dl_chutich) == {"sign"}
    assert actions(tw.w.root) == set()
    # the one who may not: the service's 403, shown on the page, nothing changed
    refused = act(c, tw.w.dl_admin, "sign")
    assert refused.status_code == 403
    assert 'data-error="commitment.forbidden"' in html(refused)
    assert act(c, tw.w.dl_chutich, "sign").status_code == 302
    # signed, before the year's end: the chairman waits, nobody may act
    for who in (tw.tnmt_head, tw.w.dl_chutich, tw.w.dl_admin, tw.w.root):
        assert actions(who) == set(), who
    assert 'data-note="evaluation-waits"' in html(
        login(tw.w.dl_chutich).get(f"/commitments/{c.pk}/")
    )


def test_signing_through_the_page_signs_after_both(tw: TaskWorld) -> None:
    c = make(tw)
    head_page = html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))
    assert "Sign as the head" in form_of(head_page, "sign")
    assert act(c, tw.tnmt_head, "sign").status_code == 302
    c.refresh_from_db()
    assert c.state == CommitmentState.DRAFT
    assert c.head_signed_at is not None
    assert c.chairman_signed_at is None
    page = html(login(tw.w.dl_chutich).get(f"/commitments/{c.pk}/"))
    assert 'data-signed="head"' in page
    assert 'data-unsigned="chairman"' in page
    assert "Sign as the chairman" in form_of(page, "sign")
    response = act(c, tw.w.dl_chutich, "sign")
    assert response.status_code == 302
    assert response["Location"] == f"/commitments/{c.pk}/"
    c.refresh_from_db()
    assert c.state == CommitmentState.SIGNED
    assert c.chairman_signed_at is not None
    events = CommitmentEvent.objects.filter(commitment=c).order_by("seq")
    assert [(e.action, e.from_state, e.to_state, e.data) for e in events][1:] == [
        ("sign", "draft", "draft", {"party": "head"}),
        ("sign", "draft", "signed", {"party": "chairman"}),
    ]
    page = html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))
    assert 'data-state="signed"' in page
    signed_at = timezone.localtime(c.chairman_signed_at).strftime("%H:%M %d/%m/%Y")
    assert f"signed at {signed_at}" in page.split('data-party="chairman"')[1].split("</dd>")[0]
    assert section(page, "history").count('data-event="sign"') == 2
    # signing twice: the stale form gets the service's refusal, nothing changes
    again = login(tw.tnmt_head).post(
        f"/commitments/{c.pk}/act/", {"action": "sign", "expected_version": str(c.revision)}
    )
    assert again.status_code == 409
    assert 'data-error="commitment.invalid_transition"' in html(again)
    assert CommitmentEvent.objects.filter(commitment=c).count() == 3


def test_a_stale_page_changes_nothing(tw: TaskWorld) -> None:
    c = make(tw)
    response = login(tw.tnmt_head).post(
        f"/commitments/{c.pk}/act/", {"action": "sign", "expected_version": str(c.revision - 1)}
    )
    assert response.status_code == 409
    assert 'data-error="commitment.changed"' in form_of(html(response), "sign")
    c.refresh_from_db()
    assert c.head_signed_at is None
    bad = login(tw.tnmt_head).post(
        f"/commitments/{c.pk}/act/", {"action": "sign", "expected_version": "x"}
    )
    assert bad.status_code == 400
    unknown = act(c, tw.tnmt_head, "delete")
    assert unknown.status_code == 400
    assert 'data-error="commitment.unknown_action"' in html(unknown)
    assert CommitmentEvent.objects.filter(commitment=c).count() == 1


def test_the_evaluation_before_the_years_end_is_refused_on_the_page(tw: TaskWorld) -> None:
    c = make(tw, year=this_year(), at=timezone.now())
    for who in (tw.tnmt_head, tw.w.dl_chutich):
        services.commitment_act(commitment=c, actor=who, action="sign", payload={})
    c.refresh_from_db()
    page = html(login(tw.w.dl_chutich).get(f"/commitments/{c.pk}/"))
    assert "start_evaluation" not in offered(page)
    assert f"The evaluation starts once {this_year()} has ended." in page
    response = act(c, tw.w.dl_chutich, "start_evaluation")
    assert response.status_code == 409
    assert 'data-error="commitment.year_not_over"' in html(response).split("data-actions")[1]
    c.refresh_from_db()
    assert c.state == CommitmentState.SIGNED
    assert c.evaluator is None
    assert CommitmentEvent.objects.filter(commitment=c).count() == 3
    assert Target.objects.filter(commitment=c, measured_at__isnull=False).count() == 0


def test_the_year_end_evaluation_through_the_page(tw: TaskWorld) -> None:
    c = past(tw)
    chairman = tw.w.dl_chutich
    assert offered(html(login(chairman).get(f"/commitments/{c.pk}/"))) == {"start_evaluation"}
    assert offered(html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))) == set()
    # the head may not evaluate: 403, nothing frozen
    assert act(c, tw.tnmt_head, "start_evaluation").status_code == 403
    assert act(c, chairman, "start_evaluation").status_code == 302
    page = html(login(chairman).get(f"/commitments/{c.pk}/"))
    # the evaluator assesses every target; he concludes once the assessed one is scored
    assert offered(page) == {"assess"}
    assert 'data-note="unscored"' in page
    for seq in (1, 2, 3, 4):
        assert f'data-target-form="{seq}"' in page
    assert 'name="score"' in form_of(page, "assess", 4)
    assert 'name="score"' not in form_of(page, "assess", 1)
    assert offered(html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))) == set()
    # a score for a measured target, a score above the weight: next to that target
    measured = act(c, chairman, "assess", target="1", score="10", comment="x")
    assert measured.status_code == 400
    assert 'data-error="commitment.measured_target"' in form_of(html(measured), "assess", 1)
    too_much = act(c, chairman, "assess", target="4", score="25", comment="Tốt")
    assert too_much.status_code == 400
    form = form_of(html(too_much), "assess", 4)
    assert "From 0 to 20 points." in form
    assert 'value="25"' in form
    assert "Tốt</textarea>" in form
    assert Target.objects.get(commitment=c, seq=4).score is None
    # the head may not assess
    assert act(c, tw.tnmt_head, "assess", target="4", score="10").status_code == 403
    assert act(c, chairman, "assess", target="1", comment="Không có hồ sơ").status_code == 302
    assert act(c, chairman, "assess", target="4", score="15", comment="Tích cực").status_code == 302
    four = Target.objects.get(commitment=c, seq=4)
    assert (four.score, four.comment) == (Decimal(15), "Tích cực")
    assert Target.objects.get(commitment=c, seq=1).comment == "Không có hồ sơ"
    page = html(login(chairman).get(f"/commitments/{c.pk}/"))
    assert offered(page) == {"assess", "conclude"}
    # misconduct 10 of 10, assessed 15 of 20: 25 of 30 points = 83.33
    assert 'data-total="83.33" data-meets="1"' in page
    assert act(c, chairman, "conclude", comment="Hoàn thành").status_code == 302
    c.refresh_from_db()
    assert (c.state, c.total, c.verdict, c.flagged, c.comment) == (
        CommitmentState.EVALUATED,
        Decimal("83.33"),
        "meets",
        False,
        "Hoàn thành",
    )
    page = html(login(tw.tnmt_head).get(f"/commitments/{c.pk}/"))
    assert 'data-state="evaluated"' in page
    assert 'data-verdict="meets"' in page
    assert "Meets the requirements" in page
    assert "data-flagged" not in page
    assert offered(page) == set()
    assert offered(html(login(chairman).get(f"/commitments/{c.pk}/"))) == set()
    assert [e.split('"')[0] for e in section(page, "history").split('data-event="')[1:]] == [
        "create",
        "sign",
        "sign",
        "start_evaluation",
        "assess",
        "assess",
        "conclude",
    ]


def test_a_head_below_the_pass_mark_is_flagged_clearly(tw: TaskWorld) -> None:
    c = past(tw)
    chairman = tw.w.dl_chutich
    act(c, chairman, "start_evaluation")
    act(c, chairman, "assess", target="4", score="2")
    assert act(c, chairman, "conclude").status_code == 302
    c.refresh_from_db()
    assert (c.total, c.verdict, c.flagged) == (Decimal("40.00"), "does_not_meet", True)
    page = html(login(tw.w.dl_admin).get(f"/commitments/{c.pk}/"))
    flag = page.split("data-flagged>")[1].split("</span>")[1]
    assert "Flagged for resignation or reassignment" in flag
    assert '<span aria-hidden="true">⚑</span>' in page
    assert 'data-verdict="does_not_meet"' in page
    assert "✗</span> Does not meet the requirements" in page
    assert "below the pass mark" in page


def test_a_comment_with_a_nul_is_refused(tw: TaskWorld) -> None:
    c = past(tw)
    act(c, tw.w.dl_chutich, "start_evaluation")
    response = act(c, tw.w.dl_chutich, "conclude", comment="a\x00b")
    assert response.status_code == 400
    c.refresh_from_db()
    assert c.state == CommitmentState.UNDER_EVALUATION


# -- the targets of a draft ------------------------------------------------------------------


def test_the_chairman_changes_the_targets_of_an_unsigned_draft(tw: TaskWorld) -> None:
    c = make(tw)
    client = login(tw.w.dl_chutich)
    page = html(client.get(f"/commitments/{c.pk}/targets/"))
    assert 'name="targets-0-title" value="Hồ sơ đúng hạn"' in page
    assert 'name="targets-3-weight" value="20"' in page
    assert 'name="targets-7-title"' in page
    assert 'name="pass_mark" value="80.00"' in page
    rows = [
        ("Hồ sơ trực tuyến", "measured", "dossier_online_rate", "at_least", "60", "50"),
        ("", "", "", "", "", ""),
        ("Đánh giá chung", "assessed", "", "", "", "50"),
    ]
    response = client.post(
        f"/commitments/{c.pk}/targets/",
        {"pass_mark": "70", "expected_version": str(c.revision), **targets_post(rows)},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.pass_mark == Decimal(70)
    assert targets_of(c) == [
        (1, "Hồ sơ trực tuyến", "measured", "dossier_online_rate", "at_least", Decimal(60), 50),
        (2, "Đánh giá chung", "assessed", "", "", None, 50),
    ]
    assert CommitmentEvent.objects.filter(commitment=c).latest("seq").action == "targets"


def test_bad_targets_are_named_by_row_and_change_nothing(tw: TaskWorld) -> None:
    c = make(tw)
    before = targets_of(c)
    rows = [
        ("Hồ sơ", "measured", "dossier_online_rate", "at_least", "60", "50"),
        ("", "", "", "", "", ""),
        ("Đánh giá", "", "", "", "", "50"),
    ]
    response = login(tw.w.dl_chutich).post(
        f"/commitments/{c.pk}/targets/",
        {"pass_mark": "70", "expected_version": str(c.revision), **targets_post(rows)},
    )
    assert response.status_code == 400
    page = html(response)
    assert "A target is measured or assessed." in page.split('data-row-errors="3"')[1]
    assert 'data-row-errors="1"' not in page
    assert targets_of(c) == before
    stale = login(tw.w.dl_chutich).post(
        f"/commitments/{c.pk}/targets/",
        {"pass_mark": "70", "expected_version": str(c.revision + 5), **targets_post(ROWS)},
    )
    assert stale.status_code == 409
    assert "The commitment changed meanwhile: reload it." in html(stale)
    assert targets_of(c) == before


def test_the_targets_are_closed_to_others_and_after_a_signature(tw: TaskWorld) -> None:
    c = make(tw)
    head = login(tw.tnmt_head)
    response = head.get(f"/commitments/{c.pk}/targets/")
    assert response.status_code == 403
    assert 'data-form="targets"' not in html(response)
    assert head.post(f"/commitments/{c.pk}/targets/", targets_post(ROWS)).status_code == 403
    services.commitment_act(commitment=c, actor=tw.tnmt_head, action="sign", payload={})
    chairman = login(tw.w.dl_chutich)
    response = chairman.get(f"/commitments/{c.pk}/targets/")
    assert response.status_code == 409
    assert "Targets change only in a draft nobody has signed." in html(response)
    posted = chairman.post(f"/commitments/{c.pk}/targets/", targets_post(ROWS))
    assert posted.status_code == 409
    assert len(targets_of(c)) == 4


# -- languages -------------------------------------------------------------------------------


def test_the_pages_are_in_vietnamese_by_default_and_in_english(tw: TaskWorld) -> None:
    c = make(tw)
    vi = login(tw.tnmt_head, language=None)
    en = login(tw.tnmt_head, language="en")
    for path in (f"/commitments/{c.pk}/", f"/commitments/?year={YEAR}"):
        page = html(vi.get(path))
        assert '<html lang="vi">' in page, path
        assert "Đăng xuất" in page
        assert "Log out" not in page
        assert "Dự thảo" in page  # the state
        assert "Cơ quan" in page  # "Agency"
        assert ">Draft<" not in page
        english = html(en.get(path))
        assert '<html lang="en">' in english, path
        assert "Log out" in english
        assert "Draft" in english
        assert "Dự thảo" not in english
    assert "Live standing" in html(en.get(f"/commitments/{c.pk}/"))
    assert 'data-live="1"' in html(vi.get(f"/commitments/{c.pk}/"))
    chairman_vi = html(login(tw.w.dl_chutich, language=None).get("/commitments/new/"))
    assert '<html lang="vi">' in chairman_vi
    assert 'data-form="commitment"' in chairman_vi
    assert "Năm" in chairman_vi  # "Year"


def test_rates_are_written_in_the_language_of_the_page() -> None:
    with translation.override("en"):
        text = measured_text(is_rate=True, value=Decimal("96.30"), numerator=26, denominator=27)
        assert text == "96.30 % (26/27)"
        assert measured_text(is_rate=True, value=None, numerator=0, denominator=0) == "– (0/0)"
        assert measured_text(is_rate=False, value=Decimal(3), numerator=3, denominator=None) == "3"
    with translation.override("vi"):
        text = measured_text(is_rate=True, value=Decimal("96.30"), numerator=26, denominator=27)
        assert text == "96,30 % (26/27)"


def test_the_admin_shows_commitments_without_changing_them(tw: TaskWorld) -> None:
    c = make(tw)
    client = login(tw.w.root)
    assert client.get("/admin/commitments/commitment/").status_code == 200
    assert client.get(f"/admin/commitments/commitment/{c.pk}/change/").status_code == 200
    assert client.get("/admin/commitments/commitment/add/").status_code == 403
    assert client.get("/admin/commitments/commitmentevent/").status_code == 200
    assert (
        client.post(f"/admin/commitments/commitment/{c.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Commitment.objects.filter(pk=c.pk).exists()
