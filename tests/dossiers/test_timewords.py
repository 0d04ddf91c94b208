"""Remaining working time in words and colours (UI.md "time is the colour")."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.dossiers.timewords import Tone, remaining_words, time_left, tone
from motcua.workcalendar.engine import WorkingTime
from tests.dossiers.world import vn

DAY = 8 * 3600


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (2 * DAY, "2 working days left"),
        (DAY, "1 working day left"),
        (2 * DAY + 7 * 3600, "2 working days left"),  # rounded down: never more than left
        (DAY - 1, "7 working hours left"),
        (3600, "1 working hour left"),
        (59 * 60, "59 minutes left"),
        (61, "1 minute left"),
        (5, "1 minute left"),  # a few seconds never read "0 minutes"
        (0, "due now"),
        (-5, "overdue by 1 minute"),
        (-3 * 3600, "overdue by 3 working hours"),
        (-3 * DAY - 3600, "overdue by 3 working days"),
        (-DAY, "overdue by 1 working day"),
    ],
)
def test_remaining_time_reads_in_whole_days_hours_or_minutes(seconds, words):
    assert remaining_words(seconds, day_seconds=DAY) == words


def test_the_words_follow_the_active_language():
    with translation.override("vi"):
        text = remaining_words(2 * DAY, day_seconds=DAY)
    # translated by the lead at the end; until then the English source stands in
    assert "2" in text


@pytest.mark.parametrize(
    ("seconds", "allotted", "expected"),
    [
        (3 * DAY, 5 * DAY, Tone.OK),
        (DAY + 1, 5 * DAY, Tone.OK),
        (DAY, 5 * DAY, Tone.WARN),  # one working day left
        (3600, None, Tone.WARN),
        (int(0.19 * 20 * DAY), 20 * DAY, Tone.WARN),  # under 20 % of a long limit
        (int(0.21 * 20 * DAY), 20 * DAY, Tone.OK),
        (0, 5 * DAY, Tone.WARN),
        (-1, 5 * DAY, Tone.LATE),
    ],
)
def test_green_amber_red_by_the_share_and_the_last_working_day(seconds, allotted, expected):
    assert tone(seconds, day_seconds=DAY, allotted_seconds=allotted) == expected


def test_time_left_counts_office_time_over_a_weekend():
    engine = WorkingTime()
    # Friday 7 March 2025 16:00 to Tuesday 11 March 17:00: 1 h Friday, Monday, Tuesday
    due = vn(2025, 3, 11, 17, 0)
    shown = time_left(due, now=vn(2025, 3, 7, 16, 0), engine=engine)
    assert shown.seconds == 3600 + 2 * engine.day_seconds
    assert shown.words == "2 working days left"
    assert shown.tone == Tone.OK
    assert shown.icon == "●"
    assert not shown.overdue


def test_an_overdue_time_is_red_with_its_overrun():
    engine = WorkingTime()
    shown = time_left(vn(2025, 3, 7, 8, 0), now=vn(2025, 3, 7, 11, 0), engine=engine)
    assert shown.seconds == -3 * 3600
    assert shown.words == "overdue by 3 working hours"
    assert shown.tone == Tone.LATE
    assert shown.overdue


def test_a_paused_clock_stands_where_the_pause_began():
    engine = WorkingTime()
    due = vn(2025, 3, 11, 17, 0)
    paused = vn(2025, 3, 10, 17, 0)  # one working day before the due time
    later = time_left(due, now=vn(2025, 3, 20, 9, 0), engine=engine, paused_at=paused)
    assert later.seconds == engine.day_seconds
    assert later.tone == Tone.PAUSED
    assert later.words == "paused: 1 working day left"
