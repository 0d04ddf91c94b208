"""The database rate limit (core/ratelimit.py): a sliding window per key, shared by every
app process; a refused attempt is not counted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from motcua.core.errors import RateLimited
from motcua.core.models import RateLimitHit
from motcua.core.ratelimit import hit

T0 = datetime.fromisoformat("2027-03-01T09:00:00+07:00")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def attempts(key: str) -> int:
    return RateLimitHit.objects.filter(key=key).count()


def test_the_attempt_after_the_limit_is_refused_with_429_and_not_counted(db):
    for second in (0, 10, 20):
        hit("login:an", limit=3, window_seconds=60, now=at(second))
    assert attempts("login:an") == 3
    for second in (30, 40, 59):
        with pytest.raises(RateLimited) as caught:
            hit("login:an", limit=3, window_seconds=60, now=at(second))
        assert (caught.value.code, caught.value.status) == ("request.rate_limited", 429)
        assert caught.value.as_dict()["error"]["code"] == "request.rate_limited"  # type: ignore[index]
    assert attempts("login:an") == 3


def test_the_window_slides(db):
    for second in (0, 10, 20):
        hit("k", limit=3, window_seconds=60, now=at(second))
    # at 60 s the first attempt is exactly one window old: still counted
    with pytest.raises(RateLimited):
        hit("k", limit=3, window_seconds=60, now=at(60))
    # at 60.5 s it has left the window: one attempt free
    hit("k", limit=3, window_seconds=60, now=at(60.5))
    with pytest.raises(RateLimited):
        hit("k", limit=3, window_seconds=60, now=at(65))
    # at 80.5 s the attempts of 10 s and 20 s are out: two free
    hit("k", limit=3, window_seconds=60, now=at(80.5))
    hit("k", limit=3, window_seconds=60, now=at(80.5))
    with pytest.raises(RateLimited):
        hit("k", limit=3, window_seconds=60, now=at(80.5))


def test_after_a_whole_window_it_passes_again_and_old_attempts_are_forgotten(db):
    for second in range(5):
        hit("portal:1.2.3.4", limit=5, window_seconds=300, now=at(second))
    with pytest.raises(RateLimited):
        hit("portal:1.2.3.4", limit=5, window_seconds=300, now=at(299))
    hit("portal:1.2.3.4", limit=5, window_seconds=300, now=at(400))
    # the attempts older than the window were deleted, not kept forever
    assert list(RateLimitHit.objects.values_list("at", flat=True)) == [at(400)]


def test_keys_are_independent(db):
    hit("login:an", limit=1, window_seconds=60, now=at(0))
    with pytest.raises(RateLimited):
        hit("login:an", limit=1, window_seconds=60, now=at(1))
    hit("login:binh", limit=1, window_seconds=60, now=at(1))
    hit("lookup:an", limit=1, window_seconds=60, now=at(1))
    with pytest.raises(RateLimited):
        hit("login:binh", limit=1, window_seconds=60, now=at(2))
    assert {k: attempts(k) for k in ("login:an", "login:binh", "lookup:an")} == {
        "login:an": 1,
        "login:binh": 1,
        "lookup:an": 1,
    }


def test_a_long_key_is_cut_to_its_first_120_characters(db):
    key = "x" * 200
    hit(key, limit=1, window_seconds=60, now=at(0))
    assert list(RateLimitHit.objects.values_list("key", flat=True)) == ["x" * 120]
    with pytest.raises(RateLimited):
        hit(key, limit=1, window_seconds=60, now=at(1))
    # keys differing only after 120 characters share one count
    with pytest.raises(RateLimited):
        hit("x" * 120 + "y", limit=1, window_seconds=60, now=at(1))


def test_without_a_time_it_counts_now(db):
    hit("now", limit=1, window_seconds=3600)
    with pytest.raises(RateLimited):
        hit("now", limit=1, window_seconds=3600)
    assert attempts("now") == 1
