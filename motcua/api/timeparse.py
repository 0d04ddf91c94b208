"""Parsing of times and dates in query strings, strictly: a time must carry an offset."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

# In a query string an unescaped "+" arrives as a space: "10:00:00 07:00".
VN = ZoneInfo("Asia/Ho_Chi_Minh")
_SPACE_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")


def parse_aware(value: str, field: str) -> datetime:
    text = _SPACE_OFFSET.sub(r"+\1", value.strip())
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            "request.bad_time",
            _("%(field)s is not an ISO 8601 time.") % {"field": field},
            fields={field: [_("Write a time as 2027-02-03T10:00:00+07:00.")]},
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValidationFailed(
            "request.naive_time",
            _("%(field)s has no UTC offset.") % {"field": field},
            fields={field: [_("A time must carry its UTC offset, e.g. +07:00.")]},
        )
    return parsed


def parse_stored_time(value: str, field: str) -> datetime:
    """``parse_aware`` for a time that will be stored and shown: also one that exists in
    UTC and in Vietnam (9999-12-31T23:59-12:00 parses, but does not: a 500 later)."""
    parsed = parse_aware(value, field)
    try:
        parsed.astimezone(UTC).astimezone(VN)
    except OverflowError:
        raise ValidationFailed(
            "request.bad_time",
            _("%(field)s is out of range.") % {"field": field},
            fields={field: [_("The time is out of range.")]},
        ) from None
    return parsed


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            "request.bad_date",
            _("%(field)s is not a date.") % {"field": field},
            fields={field: [_("Write a date as YYYY-MM-DD.")]},
        ) from None


def parse_clock(value: str, field: str) -> time:
    if not re.fullmatch(r"\d{2}:\d{2}", value.strip()):
        raise ValidationFailed(
            "request.bad_clock",
            _("%(field)s is not HH:MM.") % {"field": field},
            fields={field: [_("Write a time of day as HH:MM.")]},
        )
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            "request.bad_clock",
            _("%(field)s is not HH:MM.") % {"field": field},
            fields={field: [_("Not a time of day.")]},
        ) from None
