"""Rate limits of the public side (portal pages and the public API share the counters, so
that alternating between them gives no extra attempts).

Every limit is a setting with a default, so an operator can tighten or loosen it without a
code change: ``PORTAL_LOOKUP_PER_IP`` (10), ``PORTAL_LOOKUP_PER_CODE`` (5) and
``PORTAL_LOOKUP_WINDOW_SECONDS`` (600); ``PORTAL_REPORT_PER_IP`` (5 per
``PORTAL_REPORT_WINDOW_SECONDS``, 3600); ``PORTAL_SUBMIT_PER_IP`` (10 per
``PORTAL_SUBMIT_WINDOW_SECONDS``, 3600); ``PORTAL_UPLOAD_PER_IP`` (60 per
``PORTAL_UPLOAD_WINDOW_SECONDS``, 3600).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest

from motcua.core import ratelimit

DEFAULTS: dict[str, int] = {
    "PORTAL_LOOKUP_PER_IP": 10,
    "PORTAL_LOOKUP_PER_CODE": 5,
    "PORTAL_LOOKUP_WINDOW_SECONDS": 600,
    "PORTAL_REPORT_PER_IP": 5,
    "PORTAL_REPORT_WINDOW_SECONDS": 3600,
    "PORTAL_SUBMIT_PER_IP": 10,
    "PORTAL_SUBMIT_WINDOW_SECONDS": 3600,
    "PORTAL_UPLOAD_PER_IP": 60,
    "PORTAL_UPLOAD_WINDOW_SECONDS": 3600,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def client_ip(request: HttpRequest) -> str:
    """The address the connection came from. X-Forwarded-For is not read: anyone can send
    it, and a limit keyed on it could be evaded by changing the header on every attempt
    (a reverse proxy in front should set REMOTE_ADDR, e.g. uWSGI's or nginx's real-IP)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def lookup_attempt(request: HttpRequest, code: str, *, now: datetime | None = None) -> None:
    """Before a look-up of ``code`` (or any public request that proves the code + ID
    number pair, e.g. a rating): at most so many attempts per client address, and at most
    so many *failed* ones per dossier code from all addresses together, so that the ID
    number of a known code cannot be guessed from many addresses, while the applicant's
    own correct look-ups never lock them out. Raises ``RateLimited`` (429). Call
    ``lookup_failed`` when the pair turned out wrong."""
    window = limit("PORTAL_LOOKUP_WINDOW_SECONDS")
    ratelimit.hit(
        f"portal.lookup.ip:{client_ip(request)}",
        limit=limit("PORTAL_LOOKUP_PER_IP"),
        window_seconds=window,
        now=now,
    )
    ratelimit.hit(
        _code_key(code),
        limit=limit("PORTAL_LOOKUP_PER_CODE"),
        window_seconds=window,
        now=now,
        record=False,
    )


def lookup_failed(code: str, *, now: datetime | None = None) -> None:
    ratelimit.record_attempt(_code_key(code), now=now)


def _code_key(code: str) -> str:
    return f"portal.lookup.code:{code.strip().casefold()[:80]}"


def report_attempt(request: HttpRequest, *, now: datetime | None = None) -> None:
    ratelimit.hit(
        f"portal.report.ip:{client_ip(request)}",
        limit=limit("PORTAL_REPORT_PER_IP"),
        window_seconds=limit("PORTAL_REPORT_WINDOW_SECONDS"),
        now=now,
    )


def submit_attempt(request: HttpRequest, *, now: datetime | None = None) -> None:
    ratelimit.hit(
        f"portal.submit.ip:{client_ip(request)}",
        limit=limit("PORTAL_SUBMIT_PER_IP"),
        window_seconds=limit("PORTAL_SUBMIT_WINDOW_SECONDS"),
        now=now,
    )


def upload_attempt(request: HttpRequest, *, now: datetime | None = None) -> None:
    ratelimit.hit(
        f"portal.upload.ip:{client_ip(request)}",
        limit=limit("PORTAL_UPLOAD_PER_IP"),
        window_seconds=limit("PORTAL_UPLOAD_WINDOW_SECONDS"),
        now=now,
    )
