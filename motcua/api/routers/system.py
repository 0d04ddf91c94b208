"""Health and authentication endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from motcua.org.services import token_issue

router = Router(tags=["system"])


class HealthOut(Schema):
    status: str
    database: str


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.get("/health", response={200: HealthOut, 503: HealthOut}, summary="Liveness and database")
def health(request: HttpRequest) -> Status[dict[str, str]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Status(503, {"status": "error", "database": "error"})
    return Status(200, {"status": "ok", "database": "ok"})


@router.post("/auth/token", response=TokenOut, summary="Exchange credentials for a bearer token")
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    key, expires_at = token_issue(username=payload.username, password=payload.password)
    # API.md: the server answers in Asia/Ho_Chi_Minh (+07:00), not in UTC
    return {"token": key, "expires_at": timezone.localtime(expires_at)}
