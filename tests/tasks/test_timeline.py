"""The timeline of task deadlines: exact bar positions in a known window, clamping at its
edges, which tasks it holds (open ones, approved ones finished in the window, never
cancelled ones, never another agency's), the agency and "mine" filters, bad parameters
answered with a form error and the defaults, bounded queries, both languages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from motcua.org.models import Official, Role
from motcua.tasks import services
from motcua.tasks.models import Task
from motcua.tasks.timeline import MAX_ROWS, deadline_timeline
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, make, official

MONDAY = date(2027, 3, 1)
NOW = vn(2027, 3, 2, 9)


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


@pytest.fixture(autouse=True)
def english() -> Any:
    """The selector words the time in the active language: English here."""
    with translation.override("en"):
        yield


def login(official: Official, language: str | None = None) -> Client:
    client = Client()
    client.force_login(official)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html(response: Any) -> str:
    return response.content.decode()


def shown(response: Any) -> list[int]:
    """The tasks of the page's rows, in order."""
    return [int(pk) for pk in re.findall(r'<tr data-task="(\d+)"', html(response))]


def spanning(tw: TaskWorld, start: Any, due: Any, **changes: Any) -> Task:
    return make(tw, start=start, due_at=due, working_days=None, **changes)


def act(task: Task, actor: Official, action: str, at: Any, **payload: Any) -> Task:
    return services.task_act(task=task, actor=actor, action=action, payload=payload, at=at)


# -- positions -------------------------------------------------------------------------------


def test_a_bar_is_placed_exactly_in_a_two_week_window(tw: TaskWorld) -> None:
    task = spanning(tw, vn(2027, 3, 4), vn(2027, 3, 11))

    timeline = deadline_timeline(official=tw.w.dl_tnmt_cv, start=MONDAY, weeks=2, now=NOW)

    [row] = timeline.rows
    assert row.task == task
    # 3 of 14 days in, 7 of 14 days long
    assert (row.left, row.width, row.due) == (Decimal("21.43"), Decimal("50.00"), Decimal("71.43"))
    assert (row.clipped_left, row.clipped_right) == (False, False)
    assert (row.timeliness, row.tone, row.icon) == ("in_time", "ok", "●")
    assert row.time is not None
    assert row.time.words == "6 working days left"
    assert (timeline.start, timeline.end, timeline.last_day) == (
        MONDAY,
        date(2027, 3, 15),
        date(2027, 3, 14),
    )
    assert [(w.monday, w.left) for w in timeline.weeks] == [
        (date(2027, 3, 1), Decimal("0.00")),
        (date(2027, 3, 8), Decimal("50.00")),
    ]
    # now: one day and nine hours into the window of 336 hours
    assert timeline.today == Decimal("9.82")
    assert timeline.width_of_day == Decimal("7.14")
    assert [d.day for d in timeline.days if not d.working] == [
        date(2027, 3, 6),
        date(2027, 3, 7),
        date(2027, 3, 13),
        date(2027, 3, 14),
    ]
    assert timeline.truncated is False


def test_a_task_wider_than_the_window_is_clamped_to_it(tw: TaskWorld) -> None:
    task = spanning(tw, vn(2027, 2, 20, 8), vn(2027, 3, 30, 17))

    [row] = deadline_timeline(official=tw.w.dl_tnmt_cv, start=MONDAY, weeks=2, now=NOW).rows

    assert row.task == task
    assert (row.left, row.width, row.due) == (Decimal("0.00"), Decimal("100.00"), None)
    assert (row.clipped_left, row.clipped_right) == (True, True)


def test_a_task_begun_before_the_window_starts_at_its_edge(tw: TaskWorld) -> None:
    spanning(tw, vn(2027, 2, 22, 8), vn(2027, 3, 8, 12))

    [row] = deadline_timeline(official=tw.w.dl_tnmt_cv, start=MONDAY, weeks=2, now=NOW).rows

    # due 7.5 days into 14
    assert (row.left, row.width, row.due) == (Decimal("0.00"), Decimal("53.57"), Decimal("53.57"))
    assert (row.clipped_left, row.clipped_right) == (True, False)


def test_an_overdue_task_is_red_with_its_overrun_in_words(tw: TaskWorld) -> None:
    spanning(tw, vn(2027, 3, 1, 8), vn(2027, 3, 2, 17))

    [row] = deadline_timeline(
        official=tw.w.dl_tnmt_cv, start=MONDAY, weeks=1, now=vn(2027, 3, 4, 17)
    ).rows

    assert (row.timeliness, row.tone, row.icon) == ("overdue", "late", "■")
    assert row.time is not None
    assert row.time.words == "overdue by 2 working days"


def test_a_task_with_one_working_day_left_is_amber(tw: TaskWorld) -> None:
    spanning(tw, vn(2027, 3, 1, 8), vn(2027, 3, 5, 17))

    [row] = deadline_timeline(
        official=tw.w.dl_tnmt_cv, start=MONDAY, weeks=1, now=vn(2027, 3, 4, 17)
    ).rows

    assert (row.timeliness, row.tone, row.icon) == ("in_time", "warn", "▲")


# -- which tasks -----------------------------------------------------------------------------


def test_the_window_holds_open_tasks_and_those_approved_within_it(tw: TaskWorld) -> None:
    cv, chair = tw.w.dl_tnmt_cv, tw.w.dl_chutich
    open_ = spanning(tw, vn(2027, 3, 2, 8), vn(2027, 3, 10, 17), title="Mở")
    done = spanning(tw, vn(2027, 3, 1, 8), vn(2027, 3, 5, 17), title="Xong trong kỳ")
    act(done, cv, "submit", vn(2027, 3, 3, 9), deliverable="Báo cáo")
    act(done, chair, "approve", vn(2027, 3, 4, 9))
    done_before = spanning(tw, vn(2027, 2, 22, 8), vn(2027, 3, 3, 17), title="Xong trước")
    act(done_before, cv, "submit", vn(2027, 2, 24, 9), deliverable="Báo cáo")
    act(done_before, chair, "approve", vn(2027, 2, 25, 9))
    cancelled = spanning(tw, vn(2027, 3, 2, 8), vn(2027, 3, 4, 17), title="Huỷ")
    act(cancelled, tw.tnmt_head, "cancel", vn(2027, 3, 2, 9), reason="Không cần nữa")
    spanning(tw, vn(2027, 3, 9, 8), vn(2027, 3, 12, 17), title="Sau kỳ")
    before = spanning(tw, vn(2027, 2, 15, 8), vn(2027, 2, 26, 17), title="Trước kỳ")

    rows = deadline_timeline(official=cv, start=MONDAY, weeks=1, now=NOW).rows

    # the open task due before the window is overdue: it stays until done, its bar running
    # from the window's left edge on to now
    assert [r.task.pk for r in rows] == [before.pk, done.pk, open_.pk]  # by due time
    assert [(r.timeliness, r.tone, r.time) for r in rows[1:2]] == [("early", "ok", None)]
    assert (rows[0].timeliness, rows[0].left, rows[0].due, rows[0].clipped_left) == (
        "overdue",
        Decimal(0),
        None,
        True,
    )
    assert rows[0].width > 0


def test_an_official_of_another_agency_sees_none_of_the_tasks(tw: TaskWorld) -> None:
    task = spanning(tw, vn(2027, 3, 4), vn(2027, 3, 11))

    for who in (tw.w.tk_motcua, tw.w.dl_motcua, tw.w.nobody):
        assert deadline_timeline(official=who, start=MONDAY, weeks=2, now=NOW).rows == [], who
        response = login(who).get("/tasks/timeline/", {"from": "2027-03-01", "weeks": "2"})
        assert response.status_code == 200
        assert shown(response) == []
        assert task.title not in html(response)
        assert "data-empty" in html(response)
    for who in (tw.w.dl_tnmt_cv, tw.tnmt_head, tw.w.dl_chutich, tw.w.root):
        response = login(who).get("/tasks/timeline/", {"from": "2027-03-01", "weeks": "2"})
        assert shown(response) == [task.pk], who


def test_an_anonymous_visitor_is_sent_to_the_login_page(db: Any) -> None:
    response = Client().get("/tasks/timeline/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/tasks/timeline/"


def test_the_rows_stop_at_the_cap_and_say_so(tw: TaskWorld, monkeypatch: Any) -> None:
    monkeypatch.setattr("motcua.tasks.timeline.MAX_ROWS", 2)
    tasks = [spanning(tw, vn(2027, 3, 1, 8), vn(2027, 3, 2 + i, 17)) for i in range(3)]

    timeline = deadline_timeline(official=tw.w.dl_tnmt_cv, start=MONDAY, weeks=1, now=NOW)
    response = login(tw.w.dl_tnmt_cv).get("/tasks/timeline/", {"from": "2027-03-01"})

    assert [r.task.pk for r in timeline.rows] == [t.pk for t in tasks[:2]]
    assert timeline.truncated is True
    assert shown(response) == [t.pk for t in tasks[:2]]
    assert "data-truncated" in html(response)
    assert MAX_ROWS == 300


# -- the page and its filters ----------------------------------------------------------------


@pytest.fixture
def two_agencies(tw: TaskWorld) -> dict[str, Task]:
    """A task of the land division for its official, one for its head, and one of the
    one-stop section (assigned by the chairman)."""
    return {
        "cv": spanning(tw, vn(2027, 3, 2, 8), vn(2027, 3, 5, 17), title="Việc của chuyên viên"),
        "head": spanning(
            tw,
            vn(2027, 3, 2, 8),
            vn(2027, 3, 4, 17),
            title="Việc của trưởng phòng",
            assignee=tw.tnmt_head,
        ),
        "mc": spanning(
            tw,
            vn(2027, 3, 2, 8),
            vn(2027, 3, 3, 17),
            title="Việc của một cửa",
            actor=tw.w.dl_chutich,
            lead_agency=tw.w.dl_one_stop,
            assignee=tw.w.dl_motcua,
        ),
    }


def test_the_page_shows_the_rows_with_their_bars(tw: TaskWorld) -> None:
    task = spanning(tw, vn(2027, 3, 4), vn(2027, 3, 11))

    response = login(tw.w.dl_tnmt_cv, "en").get(
        "/tasks/timeline/", {"from": "2027-03-01", "weeks": "2"}
    )

    page = html(response)
    assert response.status_code == 200
    assert shown(response) == [task.pk]
    assert f'href="/tasks/{task.pk}/"' in page
    assert 'style="left: 21.43%; width: 50.00%"' in page
    assert 'style="left: 71.43%" aria-hidden="true" data-due' in page
    assert 'aria-label="From 00:00 04/03/2027 to 00:00 11/03/2027"' in page
    assert '<time datetime="2027-03-11T00:00:00+07:00">00:00 11/03/2027</time>' in page
    assert "<caption>1 task running between 01/03/2027 and 14/03/2027</caption>" in page
    assert re.findall(r'data-week="([\d-]+)"', page) == ["2027-03-01", "2027-03-08"]
    assert re.findall(r'data-off="([\d-]+)"', page) == [
        "2027-03-06",
        "2027-03-07",
        "2027-03-13",
        "2027-03-14",
    ]
    assert 'href="?from=2027-02-15&amp;weeks=2" rel="prev"' in page
    assert 'href="?from=2027-03-15&amp;weeks=2" rel="next"' in page
    assert "data-errors" not in page


def test_by_default_the_window_is_eight_weeks_from_this_monday(tw: TaskWorld) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    now = timezone.now()
    task = spanning(tw, now - timedelta(days=1), now + timedelta(days=3))

    response = login(tw.w.dl_tnmt_cv).get("/tasks/timeline/")

    page = html(response)
    assert shown(response) == [task.pk]
    assert f'name="from" value="{monday.isoformat()}"' in page
    assert 'name="weeks" min="1" max="26" value="8"' in page
    assert len(re.findall(r'data-week="', page)) == 8
    assert "data-today" in page


def test_the_agency_filter_keeps_the_tasks_led_by_that_agency(
    tw: TaskWorld, two_agencies: dict[str, Task]
) -> None:
    client = login(tw.w.dl_chutich)
    query = {"from": "2027-03-01", "weeks": "1"}

    every = shown(client.get("/tasks/timeline/", query))
    land = client.get("/tasks/timeline/", {**query, "agency": "DL.TNMT"})
    one_stop = shown(client.get("/tasks/timeline/", {**query, "agency": "DL.MC"}))

    assert every == [two_agencies[k].pk for k in ("mc", "head", "cv")]
    assert shown(land) == [two_agencies["head"].pk, two_agencies["cv"].pk]
    assert '<option value="DL.TNMT" selected>' in html(land)
    assert 'href="?from=2027-03-08&amp;weeks=1&amp;agency=DL.TNMT" rel="next"' in html(land)
    assert one_stop == [two_agencies["mc"].pk]


def test_mine_keeps_only_the_tasks_the_official_is_responsible_for(
    tw: TaskWorld, two_agencies: dict[str, Task]
) -> None:
    query = {"from": "2027-03-01", "weeks": "1", "mine": "1"}

    head = login(tw.tnmt_head).get("/tasks/timeline/", query)
    cv = shown(login(tw.w.dl_tnmt_cv).get("/tasks/timeline/", query))
    chair = shown(login(tw.w.dl_chutich).get("/tasks/timeline/", query))

    assert shown(head) == [two_agencies["head"].pk]
    assert 'name="mine" value="1" checked' in html(head)
    assert 'href="?from=2027-03-08&amp;weeks=1&amp;mine=1" rel="next"' in html(head)
    assert cv == [two_agencies["cv"].pk]
    assert chair == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "01/03/2027"}, "“From” must be a date"),
        ({"from": "2027-02-30"}, "“From” must be a date"),
        ({"from": "1900-01-01"}, "“From” must be a date"),
        ({"weeks": "0"}, "Weeks must be a whole number from 1 to 26."),
        ({"weeks": "27"}, "Weeks must be a whole number from 1 to 26."),
        ({"weeks": "-1"}, "Weeks must be a whole number from 1 to 26."),
        ({"weeks": "2.5"}, "Weeks must be a whole number from 1 to 26."),
        ({"weeks": "9" * 30}, "Weeks must be a whole number from 1 to 26."),
        ({"agency": "TK.MC"}, "Choose an agency from the list."),
    ],
)
def test_a_bad_parameter_is_named_and_the_default_shown(
    tw: TaskWorld, params: dict[str, str], message: str
) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    now = timezone.now()
    task = spanning(tw, now - timedelta(days=1), now + timedelta(days=3))

    response = login(tw.w.dl_tnmt_cv, "en").get("/tasks/timeline/", params)

    page = html(response)
    assert response.status_code == 200
    assert "data-errors" in page
    assert message in page
    assert f'name="from" value="{monday.isoformat()}"' in page
    assert 'name="weeks" min="1" max="26" value="8"' in page
    assert '<option value="">All</option><option value="DL.TNMT">' in page
    assert shown(response) == [task.pk]


@pytest.mark.parametrize("params", [{"from": "2027-03-01\x00"}, {"agency": "DL.TNMT\x00"}])
def test_a_nul_character_is_refused_before_the_page(tw: TaskWorld, params: dict[str, str]) -> None:
    # the project's input guard answers 400 for a NUL anywhere in a query string
    response = login(tw.w.dl_tnmt_cv, "en").get("/tasks/timeline/", params)
    assert response.status_code == 400
    assert html(response) == "Text must not contain NUL characters."


def test_the_page_reads_a_bounded_number_of_queries(
    tw: TaskWorld, django_assert_max_num_queries: Any
) -> None:
    client = login(tw.w.dl_chutich)
    query = {"from": "2027-03-01", "weeks": "2"}
    for i in range(3):
        spanning(tw, vn(2027, 3, 1, 8), vn(2027, 3, 2 + i, 17))
    client.get("/tasks/timeline/", query)  # the calendar's engine is built once per process
    # session, official, grants and agencies (twice), tasks, the calendar, first grant, menu
    with django_assert_max_num_queries(9) as few:
        assert len(shown(client.get("/tasks/timeline/", query))) == 3
    for i in range(40):
        due = vn(2027, 3, 2, 8) + timedelta(hours=i)
        spanning(tw, vn(2027, 3, 1, 8), due)
        spanning(
            tw,
            vn(2027, 3, 1, 8),
            due,
            actor=tw.w.dl_chutich,
            lead_agency=tw.w.dl_one_stop,
            assignee=tw.w.dl_motcua,
        )
    # 83 rows of two agencies of one unit: one engine, the same queries
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(shown(client.get("/tasks/timeline/", query))) == 83
    commune = official("ds.cv", [(tw.w.dl_commune_ubnd, Role.HANDLING_OFFICIAL)])
    for i in range(10):
        spanning(
            tw,
            vn(2027, 3, 1, 8),
            vn(2027, 3, 3, 8) + timedelta(hours=i),
            actor=tw.w.dl_chutich,
            lead_agency=tw.w.dl_commune_ubnd,
            assignee=commune,
        )
    # a second unit: its engine, read once for its ten tasks
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        assert len(shown(client.get("/tasks/timeline/", query))) == 93


@pytest.mark.parametrize(("language", "title"), [("en", "Timeline of deadlines"), ("vi", None)])
def test_the_page_renders_in_both_languages(
    tw: TaskWorld, language: str, title: str | None
) -> None:
    spanning(tw, vn(2027, 3, 4), vn(2027, 3, 11))

    response = login(tw.w.dl_tnmt_cv, language).get(
        "/tasks/timeline/", {"from": "2027-03-01", "weeks": "2"}
    )

    page = html(response)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    # CSS lengths keep the decimal point whatever the language's number format
    assert 'style="left: 21.43%; width: 50.00%"' in page
    if title:
        assert f"<h1>{title}</h1>" in page


def test_my_tasks_links_to_the_timeline_for_everyone(tw: TaskWorld) -> None:
    for who in (tw.w.dl_tnmt_cv, tw.tnmt_head):
        page = html(login(who).get("/tasks/"))
        assert '<a href="/tasks/timeline/" data-timeline>' in page, who


def test_a_future_window_shows_what_falls_due_in_it_not_what_is_overdue_now(
    tw: TaskWorld,
) -> None:
    overdue = spanning(tw, vn(2027, 2, 15, 8), vn(2027, 2, 26, 17), title="Quá hạn")
    later = spanning(tw, vn(2027, 3, 9, 8), vn(2027, 3, 11, 17), title="Sau này")

    rows = deadline_timeline(
        official=tw.w.dl_tnmt_cv, start=date(2027, 3, 8), weeks=1, now=NOW
    ).rows

    assert [r.task.pk for r in rows] == [later.pk]
    assert overdue.status == "assigned"
