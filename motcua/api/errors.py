"""Every error the API answers has one shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from motcua.api.parser import BodyRejected
from motcua.core.errors import DomainError


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # drop the "body"/"query"/"path" prefix and the schema's parameter name
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body", "params", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
        return api.create_response(
            request,
            error_body("request.invalid", _("The request is invalid."), fields),
            status=400,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "auth.required", _("Authentication is required: send a valid bearer token.")
            ),
            status=401,
        )

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return api.create_response(
            request, error_body("auth.forbidden", _("You may not do this.")), status=403
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, BodyRejected):
            cause = exc.__cause__
            return api.create_response(
                request, error_body(cause.code, str(cause.message), cause.fields), status=400
            )
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # django-ninja raises HttpError(400) "from" the parser's error when a body is not
            # JSON; give it a stable code that says so rather than the generic http.400.
            return api.create_response(
                request,
                error_body("request.malformed", _("The request body is not valid JSON.")),
                status=400,
            )
        return api.create_response(
            request, error_body(f"http.{exc.status_code}", str(exc)), status=exc.status_code
        )
