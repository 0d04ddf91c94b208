"""A sliding-window rate limit kept in the database, so that every app process behind the
load balancer counts the same attempts (no process-local memory)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import RateLimited
from motcua.core.models import RateLimitHit


def _serialise(key: str) -> None:
    """Make concurrent attempts on ``key`` count one after the other: on PostgreSQL a
    transaction-scoped advisory lock (READ COMMITTED would let every concurrent attempt
    count the same rows and pass); SQLite's BEGIN IMMEDIATE already serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def hit(
    key: str,
    *,
    limit: int,
    window_seconds: int,
    now: datetime | None = None,
    record: bool = True,
) -> None:
    """Count one attempt for ``key``; raise 429 when ``limit`` attempts were already made in
    the last ``window_seconds`` (the refused attempt is not counted). With ``record``
    false, only check (see ``record_attempt`` for counting failures only)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=window_seconds)
    key = key[:120]
    with transaction.atomic():
        _serialise(key)
        RateLimitHit.objects.filter(key=key, at__lt=since).delete()
        if RateLimitHit.objects.filter(key=key, at__gte=since).count() >= limit:
            raise RateLimited(
                "request.rate_limited",
                _("Too many attempts. Please wait a few minutes and try again."),
            )
        if record:
            RateLimitHit.objects.create(key=key, at=now)


def record_attempt(key: str, *, now: datetime | None = None) -> None:
    """Count an attempt without checking (a failure found after ``hit(record=False)``)."""
    RateLimitHit.objects.create(key=key[:120], at=now or timezone.now())
