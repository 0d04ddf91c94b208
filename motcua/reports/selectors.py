"""Statistics of dossiers (SPEC §5, "Tracking log and statistics"). Reads only.

For a period [from 00:00, to 24:00) in Vietnam's time and ``end`` = the earlier of the
period's end and now:

- new: received within the period (by channel); carried over: received before it and
  neither finished (status 9 reached), withdrawn nor stopped before it began;
- resolved: finished within the period, classified against the legal due time (an
  apology's new appointment does not excuse it);
- withdrawn, stopped: ended so within the period;
- pending: the rest, not finished, withdrawn or stopped by the end; overdue when its due
  time is before the end.

So carried over + new = resolved + withdrawn + stopped + pending, always.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierStatus
from motcua.org.models import Agency
from motcua.workcalendar.engine import Timeliness, WorkingTime
from motcua.workcalendar.selectors import working_time


@dataclass
class DossierStatistics:
    carried_over: int = 0
    new: int = 0
    by_channel: dict[str, int] = field(
        default_factory=lambda: {"counter": 0, "post": 0, "online": 0}
    )
    early: int = 0
    on_time: int = 0
    late: int = 0
    withdrawn: int = 0
    stopped: int = 0
    in_time: int = 0
    overdue: int = 0

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return (self.early + self.on_time) / self.resolved if self.resolved else None

    def as_dict(self) -> dict[str, object]:
        return {
            "received": {
                "carried_over": self.carried_over,
                "new": self.new,
                "by_channel": dict(self.by_channel),
            },
            "resolved": {"early": self.early, "on_time": self.on_time, "late": self.late},
            "pending": {"in_time": self.in_time, "overdue": self.overdue},
            "withdrawn": self.withdrawn,
            "stopped": self.stopped,
            "on_time_rate": self.on_time_rate,
        }


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def dossier_statistics(
    *,
    agencies: QuerySet[Agency] | Iterable[Agency],
    first: date,
    last: date,
    now: datetime | None = None,
    engine: WorkingTime | None = None,
) -> DossierStatistics:
    """The statistics of dossiers received by ``agencies`` for the days ``first``..``last``."""
    start = _start_of(first)
    period_end = _start_of(last + timedelta(days=1))
    end = min(period_end, now or timezone.now())
    clock = engine or working_time()
    stats = DossierStatistics()
    rows = (
        Dossier.objects.filter(agency__in=agencies, received_at__lt=end)
        .exclude(status__in=[DossierStatus.SUBMITTED_ONLINE, DossierStatus.REFUSED])
        .values_list("received_at", "finished_at", "ended_at", "status", "channel", "due_at")
    )
    for received_at, finished_at, ended_at, status, channel, due_at in rows.iterator():
        if due_at is None or received_at is None:  # pragma: no cover - never received
            continue
        closed_at = finished_at or ended_at
        if received_at < start:
            if closed_at is not None and closed_at < start:
                continue  # finished, withdrawn or stopped before the period: not counted
            stats.carried_over += 1
        else:
            stats.new += 1
            stats.by_channel[channel] = stats.by_channel.get(channel, 0) + 1
        if finished_at is not None and finished_at < end:
            _count_resolved(stats, clock.classify(due_at, finished_at=finished_at))
        elif ended_at is not None and ended_at < end:
            if status == DossierStatus.WITHDRAWN:
                stats.withdrawn += 1
            else:
                stats.stopped += 1
        elif due_at < end:
            stats.overdue += 1
        else:
            stats.in_time += 1
    return stats


def _count_resolved(stats: DossierStatistics, kind: Timeliness) -> None:
    if kind == Timeliness.EARLY:
        stats.early += 1
    elif kind == Timeliness.ON_TIME:
        stats.on_time += 1
    else:
        stats.late += 1
