"""The working-calendar endpoints of API.md: deadlines, working days, overrides."""

from __future__ import annotations

import pytest

from motcua.workcalendar.models import CalendarOverride, WorkCalendar

SATURDAY = "2027-02-20"
BASIS = "Thông báo 6150/TB-LĐTBXH"


def deadline(api, **params):
    return api("get", "/calendar/deadline", data=params)


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    if fields is None:
        assert "fields" not in error
    else:
        assert set(error["fields"]) == fields
        assert all(isinstance(m, str) for msgs in error["fields"].values() for m in msgs)


def national_revision() -> int:
    return WorkCalendar.objects.get(is_default=True).revision


# -- deadlines ---------------------------------------------------------------------------


def test_five_working_days_from_wednesday_before_tet_are_due_on_17_february(api, db):
    response = deadline(api, start="2027-02-03T10:00:00+07:00", working_days=5)
    assert response.status_code == 200
    assert response.json() == {
        "start": "2027-02-03T10:00:00+07:00",
        "effective_start": "2027-02-03T10:00:00+07:00",
        "due_at": "2027-02-17T17:00:00+07:00",
    }


def test_an_unescaped_plus_in_the_offset_arrives_as_a_space_and_still_works(api, db):
    response = api("get", "/calendar/deadline?start=2027-02-03T10:00:00+07:00&working_days=5")
    assert response.status_code == 200
    assert response.json() == {
        "start": "2027-02-03T10:00:00+07:00",
        "effective_start": "2027-02-03T10:00:00+07:00",
        "due_at": "2027-02-17T17:00:00+07:00",
    }


def test_a_start_in_utc_is_answered_in_vietnam_time(api, db):
    response = deadline(api, start="2027-02-03T03:00:00Z", working_days=5)
    assert response.json() == {
        "start": "2027-02-03T10:00:00+07:00",
        "effective_start": "2027-02-03T10:00:00+07:00",
        "due_at": "2027-02-17T17:00:00+07:00",
    }


def test_a_saturday_start_runs_from_monday_at_seven(api, db):
    response = deadline(api, start="2027-03-06T14:20:00+07:00", working_days=2)
    assert response.json() == {
        "start": "2027-03-06T14:20:00+07:00",
        "effective_start": "2027-03-08T07:00:00+07:00",
        "due_at": "2027-03-10T17:00:00+07:00",
    }


def test_after_the_cutoff_the_clock_starts_the_next_working_day(api, db):
    late = deadline(api, start="2027-03-03T16:00:00+07:00", working_days=1, cutoff="15:00")
    assert late.json()["effective_start"] == "2027-03-04T07:00:00+07:00"
    assert late.json()["due_at"] == "2027-03-05T17:00:00+07:00"
    on_the_dot = deadline(api, start="2027-03-03T15:00:00+07:00", working_days=1, cutoff="15:00")
    assert on_the_dot.json()["effective_start"] == "2027-03-03T15:00:00+07:00"
    assert on_the_dot.json()["due_at"] == "2027-03-04T17:00:00+07:00"


@pytest.mark.parametrize(
    ("start", "hours", "effective", "due"),
    [
        (
            "2027-03-03T07:00:00+07:00",
            "8",
            "2027-03-03T07:00:00+07:00",
            "2027-03-03T17:00:00+07:00",
        ),
        (
            "2027-03-03T11:00:00+07:00",
            "2",
            "2027-03-03T11:00:00+07:00",
            "2027-03-03T15:00:00+07:00",
        ),
        (
            "2027-03-03T07:00:00+07:00",
            "4.5",
            "2027-03-03T07:00:00+07:00",
            "2027-03-03T11:30:00+07:00",
        ),
        (
            "2027-03-03T12:10:00+07:00",
            "1",
            "2027-03-03T13:30:00+07:00",
            "2027-03-03T14:30:00+07:00",
        ),
        (
            "2027-03-05T15:00:00+07:00",
            "4",
            "2027-03-05T15:00:00+07:00",
            "2027-03-08T09:00:00+07:00",
        ),
        (
            "2027-02-03T16:00:00+07:00",
            "2",
            "2027-02-03T16:00:00+07:00",
            "2027-02-11T08:00:00+07:00",
        ),
    ],
    ids=["a day", "over lunch", "to half past eleven", "from lunch", "over a weekend", "over Tết"],
)
def test_working_hours_count_office_time(api, db, start, hours, effective, due):
    response = deadline(api, start=start, working_hours=hours)
    assert response.status_code == 200
    assert response.json() == {"start": start, "effective_start": effective, "due_at": due}


@pytest.mark.parametrize(
    ("params", "code", "fields"),
    [
        ({"start": "2027-02-03T10:00:00", "working_days": 5}, "request.naive_time", {"start"}),
        ({"start": "the third of February", "working_days": 5}, "request.bad_time", {"start"}),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_days": -1},
            "calendar.bad_limit",
            {"working_days"},
        ),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_hours": -2},
            "calendar.bad_limit",
            {"working_hours"},
        ),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_hours": "nan"},
            "calendar.bad_limit",
            {"working_hours"},
        ),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_days": 1, "working_hours": 8},
            "calendar.bad_limit",
            {"working_days"},
        ),
        ({"start": "2027-02-03T10:00:00+07:00"}, "calendar.bad_limit", {"working_days"}),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_days": 1, "cutoff": "3pm"},
            "request.bad_clock",
            {"cutoff"},
        ),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_days": 1, "cutoff": "25:00"},
            "request.bad_clock",
            {"cutoff"},
        ),
        (
            {"start": "2027-02-03T10:00:00+07:00", "working_days": "five"},
            "request.invalid",
            {"working_days"},
        ),
    ],
    ids=[
        "no offset",
        "not a time",
        "negative days",
        "negative hours",
        "hours not a number",
        "both limits",
        "no limit",
        "cutoff not HH:MM",
        "cutoff not a time",
        "days not a number",
    ],
)
def test_bad_deadline_input_answers_400_in_the_error_shape(api, db, params, code, fields):
    assert_error(deadline(api, **params), 400, code, fields)


def test_a_deadline_outside_the_calendar_is_bad_input_not_a_server_error(api, db):
    too_early = deadline(api, start="1989-12-29T10:00:00+07:00", working_days=1)
    assert_error(too_early, 400, "calendar.out_of_range")
    too_long = deadline(api, start="2027-02-03T10:00:00+07:00", working_days=10**11)
    assert_error(too_long, 400, "calendar.out_of_range")
    last_moment = deadline(api, start="9999-12-31T23:00:00-05:00", working_days=1)
    assert_error(last_moment, 400, "calendar.out_of_range")


def test_an_unknown_calendar_is_not_found(api, db):
    response = deadline(api, start="2027-02-03T10:00:00+07:00", working_days=1, calendar="mars")
    assert_error(response, 404, "calendar.not_found")


# -- working days ------------------------------------------------------------------------


def test_february_2027_has_fifteen_working_days(api, db):
    response = api("get", "/calendar/working-days", data={"from": "2027-02-01", "to": "2027-02-28"})
    assert response.status_code == 200
    assert response.json() == {"count": 15}


def test_working_days_count_both_ends(api, db):
    one = api("get", "/calendar/working-days", data={"from": "2027-03-03", "to": "2027-03-03"})
    assert one.json() == {"count": 1}
    week = api("get", "/calendar/working-days", data={"from": "2027-03-01", "to": "2027-03-07"})
    assert week.json() == {"count": 5}


def test_working_days_from_after_to_is_refused(api, db):
    response = api("get", "/calendar/working-days", data={"from": "2027-03-01", "to": "2027-02-28"})
    assert_error(response, 400, "calendar.bad_range", {"from"})


def test_working_days_need_dates(api, db):
    bad = api("get", "/calendar/working-days", data={"from": "01/02/2027", "to": "2027-02-28"})
    assert_error(bad, 400, "request.bad_date", {"from"})
    missing = api("get", "/calendar/working-days", data={"from": "2027-02-01"})
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "request.invalid"
    early = api("get", "/calendar/working-days", data={"from": "1980-01-01", "to": "1990-01-31"})
    assert_error(early, 400, "calendar.out_of_range")


# -- overrides ---------------------------------------------------------------------------


def working_saturday(**extra):
    return {
        "date": SATURDAY,
        "kind": "working_day",
        "note": "Làm bù cho ngày nghỉ 15/2",
        "legal_basis": BASIS,
        **extra,
    }


def test_anonymous_may_not_add_an_override(api, world):
    assert_error(api("post", "/calendar/overrides", data=working_saturday()), 401, "auth.required")
    assert CalendarOverride.objects.count() == 0
    assert national_revision() == 1


@pytest.mark.parametrize("who", ["nobody", "dl_admin", "dl_motcua"])
def test_an_official_who_is_not_a_national_administrator_is_forbidden(api, world, who):
    response = api("post", "/calendar/overrides", user=getattr(world, who), data=working_saturday())
    assert_error(response, 403, "auth.forbidden")
    assert CalendarOverride.objects.count() == 0
    assert national_revision() == 1


@pytest.mark.parametrize("who", ["tinh_admin", "root"])
def test_the_province_administrator_and_a_superuser_add_overrides(api, world, who):
    response = api("post", "/calendar/overrides", user=getattr(world, who), data=working_saturday())
    assert response.status_code == 201, response.content
    assert response.json() == {
        "date": SATURDAY,
        "kind": "working_day",
        "note": "Làm bù cho ngày nghỉ 15/2",
        "legal_basis": BASIS,
        "calendar": "vn",
    }
    override = CalendarOverride.objects.get()
    assert override.created_by == getattr(world, who)
    assert national_revision() == 2


def test_deadlines_follow_the_overrides_once_they_are_added(api, world):
    before = deadline(api, start="2027-02-19T10:00:00+07:00", working_days=2).json()
    assert before["due_at"] == "2027-02-23T17:00:00+07:00"

    added = api("post", "/calendar/overrides", user=world.tinh_admin, data=working_saturday())
    assert added.status_code == 201
    saturday = deadline(api, start="2027-02-20T08:15:00+07:00", working_days=1).json()
    assert saturday["effective_start"] == "2027-02-20T08:15:00+07:00"
    assert saturday["due_at"] == "2027-02-22T17:00:00+07:00"
    assert deadline(api, start="2027-02-19T10:00:00+07:00", working_days=2).json()["due_at"] == (
        "2027-02-22T17:00:00+07:00"
    )

    day_off = {"date": "2027-02-22", "kind": "day_off", "legal_basis": "Quyết định 12/QĐ-UBND"}
    assert api("post", "/calendar/overrides", user=world.root, data=day_off).status_code == 201
    after = deadline(api, start="2027-02-19T10:00:00+07:00", working_days=2).json()
    assert after["due_at"] == "2027-02-23T17:00:00+07:00"
    monday = deadline(api, start="2027-02-22T09:00:00+07:00", working_hours=1).json()
    assert monday["effective_start"] == "2027-02-23T07:00:00+07:00"
    assert monday["due_at"] == "2027-02-23T08:00:00+07:00"
    counted = api("get", "/calendar/working-days", data={"from": "2027-02-15", "to": "2027-02-28"})
    assert counted.json() == {"count": 10}  # 15-19, Sat 20, 23-26 (Mon 22 off)


def test_a_second_override_of_the_same_day_is_a_conflict_and_writes_nothing(api, world):
    api("post", "/calendar/overrides", user=world.tinh_admin, data=working_saturday())
    again = api(
        "post", "/calendar/overrides", user=world.root, data=working_saturday(kind="day_off")
    )
    assert_error(again, 409, "calendar.duplicate_override", {"date"})
    assert list(CalendarOverride.objects.values_list("kind", flat=True)) == ["working_day"]
    assert national_revision() == 2


@pytest.mark.parametrize(
    ("payload", "code", "fields"),
    [
        (working_saturday(kind="holiday"), "calendar.invalid_override", {"kind"}),
        (working_saturday(legal_basis="   "), "calendar.invalid_override", {"legal_basis"}),
        (working_saturday(legal_basis=""), "request.invalid", {"legal_basis"}),
        (working_saturday(note="x" * 300), "calendar.invalid_override", {"note"}),
        ({"date": SATURDAY, "kind": "working_day"}, "request.invalid", {"legal_basis"}),
        (working_saturday(date="20/02/2027"), "request.invalid", {"date"}),
        (working_saturday(date="2027-02-21", kind="day_off"), "calendar.already_off", {"date"}),
        (working_saturday(date="2027-02-17"), "calendar.already_working", {"date"}),
        (working_saturday(date="1980-02-16", kind="day_off"), "calendar.out_of_range", {"date"}),
    ],
    ids=[
        "unknown kind",
        "blank legal basis",
        "empty legal basis",
        "note too long",
        "no legal basis",
        "not a date",
        "a Sunday is already off",
        "a Wednesday already works",
        "before 1990",
    ],
)
def test_a_refused_override_writes_nothing(api, world, payload, code, fields):
    response = api("post", "/calendar/overrides", user=world.root, data=payload)
    assert_error(response, 400, code, fields)
    assert CalendarOverride.objects.count() == 0
    assert national_revision() == 1


def test_an_override_of_an_unknown_calendar_is_not_found(api, world):
    response = api(
        "post", "/calendar/overrides", user=world.root, data=working_saturday(calendar="mars")
    )
    assert_error(response, 404, "calendar.not_found")
    assert CalendarOverride.objects.count() == 0


def test_overrides_of_a_year_are_listed_in_date_order_with_a_cursor(api, world):
    for payload in (
        {"date": "2027-03-03", "kind": "day_off", "legal_basis": BASIS},
        working_saturday(),
        {"date": "2028-01-04", "kind": "day_off", "legal_basis": BASIS},
    ):
        assert api("post", "/calendar/overrides", user=world.root, data=payload).status_code == 201

    listed = api("get", "/calendar/overrides", data={"year": 2027})
    assert listed.status_code == 200
    assert listed.json() == {
        "items": [
            {
                "date": SATURDAY,
                "kind": "working_day",
                "note": "Làm bù cho ngày nghỉ 15/2",
                "legal_basis": BASIS,
                "calendar": "vn",
            },
            {
                "date": "2027-03-03",
                "kind": "day_off",
                "note": "",
                "legal_basis": BASIS,
                "calendar": "vn",
            },
        ],
        "next": None,
    }

    first = api("get", "/calendar/overrides", data={"year": 2027, "limit": 1}).json()
    assert [o["date"] for o in first["items"]] == [SATURDAY]
    assert first["next"]
    second = api(
        "get", "/calendar/overrides", data={"year": 2027, "limit": 1, "cursor": first["next"]}
    ).json()
    assert [o["date"] for o in second["items"]] == ["2027-03-03"]
    assert second["next"] is None

    every = api("get", "/calendar/overrides").json()
    assert [o["date"] for o in every["items"]] == [SATURDAY, "2027-03-03", "2028-01-04"]
    assert api("get", "/calendar/overrides", data={"year": 2026}).json() == {
        "items": [],
        "next": None,
    }


def test_deleting_an_override_needs_an_administrator_and_restores_the_deadline(api, world):
    api("post", "/calendar/overrides", user=world.tinh_admin, data=working_saturday())
    path = f"/calendar/overrides/{SATURDAY}"

    assert_error(api("delete", path), 401, "auth.required")
    assert_error(api("delete", path, user=world.nobody), 403, "auth.forbidden")
    assert_error(api("delete", path, user=world.dl_admin), 403, "auth.forbidden")
    assert CalendarOverride.objects.count() == 1
    assert national_revision() == 2

    response = api("delete", path, user=world.tinh_admin)
    assert response.status_code == 204
    assert CalendarOverride.objects.count() == 0
    assert national_revision() == 3
    after = deadline(api, start="2027-02-19T10:00:00+07:00", working_days=1).json()
    assert after["due_at"] == "2027-02-22T17:00:00+07:00"

    assert_error(api("delete", path, user=world.tinh_admin), 404, "calendar.override_not_found")
    assert_error(
        api("delete", "/calendar/overrides/20-02-2027", user=world.root),
        400,
        "request.bad_date",
        {"date"},
    )
