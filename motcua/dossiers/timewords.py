"""Remaining working time in words and as a colour, the way every page shows time.

UI.md, "time is the colour": green while there is time, amber when less than 20 % of the
allotted time or one working day remains, red once overdue, and always the words as well
("còn 2 ngày làm việc", "quá hạn 3 giờ") and an icon, so colour is never the only signal.

Words count office time (the calendar's working days and office hours), not clock time:
"2 working days left" on a Friday afternoon reaches into Tuesday. A day is the calendar's
``day_seconds`` of office time. Amounts are rounded down, so the time shown left is never
more than the time really left, and an overrun is shown from its first minute.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.workcalendar.engine import WorkingTime

HOUR = 3600
MINUTE = 60
# amber below this share of the allotted time (UI.md)
WARN_SHARE = 0.2


class Tone(enum.StrEnum):
    """The colour class of a time: CSS ``time-ok`` / ``time-warn`` / ``time-late``;
    ``paused`` while the applicant owes a supplement or a payment (the clock stands)."""

    OK = "ok"
    WARN = "warn"
    LATE = "late"
    PAUSED = "paused"


ICONS = {Tone.OK: "●", Tone.WARN: "▲", Tone.LATE: "■", Tone.PAUSED: "⏸"}


def _phrase(n: int, unit: str, *, overdue: bool) -> str:
    if unit == "day":
        if overdue:
            return ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", n)
        return ngettext("%(n)d working day left", "%(n)d working days left", n)
    if unit == "hour":
        if overdue:
            return ngettext("overdue by %(n)d working hour", "overdue by %(n)d working hours", n)
        return ngettext("%(n)d working hour left", "%(n)d working hours left", n)
    if overdue:
        return ngettext("overdue by %(n)d minute", "overdue by %(n)d minutes", n)
    return ngettext("%(n)d minute left", "%(n)d minutes left", n)


def remaining_words(seconds: int, *, day_seconds: int) -> str:
    """``seconds`` of office time left (negative: overrun) in words: whole working days
    from one day up, else whole hours, else minutes."""
    if seconds == 0:
        return _("due now")
    amount = abs(seconds)
    if amount >= day_seconds > 0:
        n, unit = amount // day_seconds, "day"
    elif amount >= HOUR:
        n, unit = amount // HOUR, "hour"
    else:
        # under an hour: at least one minute, so a few seconds never read "0 minutes"
        n, unit = max(amount // MINUTE, 1), "minute"
    return _phrase(n, unit, overdue=seconds < 0) % {"n": n}


def tone(seconds: int, *, day_seconds: int, allotted_seconds: int | None = None) -> Tone:
    """Red when overdue; amber when at most one working day or less than 20 % of
    ``allotted_seconds`` remains; green otherwise."""
    if seconds < 0:
        return Tone.LATE
    if seconds <= day_seconds:
        return Tone.WARN
    if allotted_seconds and seconds < allotted_seconds * WARN_SHARE:
        return Tone.WARN
    return Tone.OK


@dataclass(frozen=True)
class TimeLeft:
    """What a page shows for a due time: the office seconds left (negative when overdue),
    the tone, the words and the icon."""

    seconds: int
    tone: Tone
    words: str

    @property
    def icon(self) -> str:
        return ICONS[self.tone]

    @property
    def overdue(self) -> bool:
        return self.seconds < 0


def time_left(
    due_at: datetime,
    *,
    now: datetime,
    engine: WorkingTime,
    allotted_seconds: int | None = None,
    paused_at: datetime | None = None,
) -> TimeLeft:
    """The time left until ``due_at`` at ``now`` in ``engine``'s working time. While paused
    (``paused_at`` set), the clock stands where the pause began: what was left then is what
    is left now, shown with the paused tone."""
    at = paused_at or now
    seconds = engine.remaining_seconds(due_at, at)
    words = remaining_words(seconds, day_seconds=engine.day_seconds)
    if paused_at is not None:
        return TimeLeft(seconds, Tone.PAUSED, _("paused: %(left)s") % {"left": words})
    return TimeLeft(
        seconds,
        tone(seconds, day_seconds=engine.day_seconds, allotted_seconds=allotted_seconds),
        words,
    )
