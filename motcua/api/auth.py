"""Bearer-token authentication (and the browser session, for the interactive docs)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from motcua.org.models import Official
from motcua.org.services import token_authenticate


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Official | None:
        return token_authenticate(key=token)


AUTH: list[Any] = [BearerAuth(), django_auth]


def actor(request: HttpRequest) -> Official:
    """The authenticated official of an API request."""
    found = getattr(request, "auth", None)
    if isinstance(found, Official):
        return found
    user = request.user
    assert isinstance(user, Official)  # noqa: S101 - guaranteed by AUTH on the router
    return user
