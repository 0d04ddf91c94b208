"""Bearer tokens (POST /api/v1/auth/token) and the health check."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone

from motcua.api.routers import system
from motcua.org.models import ApiToken, Official
from tests.conftest import PASSWORD

SAIGON = timedelta(hours=7)


def issue(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def get_agencies(client: Client, token: str) -> Any:
    return client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"})


def test_good_credentials_give_a_token_and_its_expiry_in_vietnam_time(client, world, settings):
    settings.API_TOKEN_TTL_HOURS = 3
    before = timezone.now()
    response = issue(client, "dl.motcua")
    after = timezone.now()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert isinstance(body["token"], str)
    assert len(body["token"]) >= 32
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == SAIGON
    assert before + timedelta(hours=3) <= expires_at <= after + timedelta(hours=3)


def test_the_token_opens_the_api_for_its_official(client, world):
    token = issue(client, "dl.motcua").json()["token"]
    response = get_agencies(client, token)
    assert response.status_code == 200
    assert [a["code"] for a in response.json()["items"]] == ["DL.MC"]


def test_the_stored_token_is_only_its_sha256(client, world):
    token = issue(client, "dl.motcua").json()["token"]
    stored = ApiToken.objects.get(official=world.dl_motcua)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=token).exists()
    # nowhere in the table: not in any column of any row
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608 - our own table
        rows = cursor.fetchall()
    assert rows
    assert not any(token in str(value) for row in rows for value in row)


@pytest.mark.parametrize(
    ("username", "password"),
    [("dl.motcua", "wrong-password"), ("no.such.person", PASSWORD), ("dl.motcua", "")],
)
def test_wrong_credentials_are_401_and_issue_no_token(client, world, username, password):
    before = ApiToken.objects.count()
    response = issue(client, username, password)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.invalid_credentials"
    assert ApiToken.objects.count() == before


def test_missing_credentials_are_400_naming_the_fields(client, db):
    response = client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.invalid"
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


def test_an_expired_token_is_401(client, world):
    token = issue(client, "dl.motcua").json()["token"]
    ApiToken.objects.filter(official=world.dl_motcua).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = get_agencies(client, token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.required"


def test_a_token_just_before_its_expiry_still_works(client, world):
    token = issue(client, "dl.motcua").json()["token"]
    ApiToken.objects.filter(official=world.dl_motcua).update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert get_agencies(client, token).status_code == 200


def test_the_token_of_an_official_made_inactive_is_401(client, world):
    token = issue(client, "dl.motcua").json()["token"]
    Official.objects.filter(pk=world.dl_motcua.pk).update(is_active=False)
    response = get_agencies(client, token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.required"


def test_an_inactive_official_gets_no_token(client, world):
    Official.objects.filter(pk=world.dl_motcua.pk).update(is_active=False)
    before = ApiToken.objects.count()
    response = issue(client, "dl.motcua")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.invalid_credentials"
    assert ApiToken.objects.count() == before


def test_issuing_a_token_clears_the_officials_expired_ones(client, world):
    issue(client, "dl.motcua")
    ApiToken.objects.filter(official=world.dl_motcua).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    issue(client, "dl.motcua")
    assert ApiToken.objects.filter(official=world.dl_motcua).count() == 1
    assert ApiToken.objects.get(official=world.dl_motcua).expires_at > timezone.now()


def test_each_sign_in_gets_its_own_token(client, world):
    first = issue(client, "dl.motcua").json()["token"]
    second = issue(client, "dl.motcua").json()["token"]
    assert first != second
    assert get_agencies(client, first).status_code == 200
    assert get_agencies(client, second).status_code == 200


def test_a_token_sent_without_the_bearer_scheme_is_401(client, world):
    token = issue(client, "dl.motcua").json()["token"]
    response = client.get("/api/v1/agencies", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401


def test_health_answers_ok_without_authentication(client, db):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_when_the_database_fails(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self) -> Any:
            raise DatabaseError("connection refused")

    monkeypatch.setattr(system, "connection", BrokenConnection())
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
