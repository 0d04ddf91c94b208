"""Shared infrastructure tables."""

from __future__ import annotations

from django.db import models


class RateLimitHit(models.Model):
    """One attempt counted against a rate limit (see ratelimit.py). Kept in the database so
    that every app process behind the load balancer counts the same attempts."""

    key = models.CharField(max_length=120)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="ratelimit_key_at")]

    def __str__(self) -> str:
        return f"{self.key} {self.at}"
