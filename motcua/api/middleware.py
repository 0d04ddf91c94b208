"""Keep the one error shape for what Django answers before the API is reached."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    """An unknown /api/ path (404) or a wrong method (405) answers in the API's error shape
    instead of Django's HTML page or a bare text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(_PREFIX) or response.status_code not in {404, 405}:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            body = {"error": {"code": "not_found", "message": _("Not found.")}}
        else:
            body = {"error": {"code": "method_not_allowed", "message": _("Method not allowed.")}}
        shaped = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        if "Allow" in response:
            shaped["Allow"] = response["Allow"]
        return shaped


class ApiInputGuardMiddleware:
    """Refuse a NUL character in a request's path, query string or form fields with 400
    (in the API's error shape under /api/), for every page and endpoint: PostgreSQL
    cannot store or even compare text holding one, and no code, name or search term
    contains it. (JSON bodies are checked by the API's parser.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_PREFIX) and self._has_nul(request):
            return HttpResponse(
                _("Text must not contain NUL characters."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        if request.path.startswith(_PREFIX) and self._has_nul(request):
            body = {
                "error": {
                    "code": "request.invalid",
                    "message": _("Text must not contain NUL characters."),
                }
            }
            return HttpResponse(
                json.dumps(body, ensure_ascii=False),
                status=400,
                content_type="application/json; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        for data in (request.GET, request.POST if request.method == "POST" else None):
            if data is None:
                continue
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return True
        return False
