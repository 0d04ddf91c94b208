"""A sliding-window rate limit kept in the database, so that every app process behind the
load balancer counts the same attempts (no process-local memory)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import RateLimited
from motcua.core.models import RateLimitHit


def hit(key: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> None:
    """Count one attempt for ``key``; raise 429 when ``limit`` attempts were already made in
    the last ``window_seconds`` (the refused attempt is not counted)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=window_seconds)
    key = key[:120]
    with transaction.atomic():
        RateLimitHit.objects.filter(key=key, at__lt=since).delete()
        if RateLimitHit.objects.filter(key=key, at__gte=since).count() >= limit:
            raise RateLimited(
                "request.rate_limited",
                _("Too many attempts. Please wait a few minutes and try again."),
            )
        RateLimitHit.objects.create(key=key, at=now)
