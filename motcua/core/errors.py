"""Domain errors: a stable dotted code, a human message and optional per-field messages.

Services raise these; the API turns them into the one error shape of API.md and the pages
show them next to the fields. A 500 is always a bug, never a way to report bad input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base class. ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = {key: [str(m) for m in msgs] for key, msgs in (fields or {}).items()}

    def as_dict(self) -> dict[str, object]:
        error: dict[str, object] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class ValidationFailed(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class RateLimited(DomainError):
    status = 429
