"""A strict JSON body parser: what the database could not store is refused at the door.

Python's json module accepts ``NaN``, ``Infinity`` and ``1e309`` (which becomes infinity),
integers of any size, nesting as deep as the stack allows and NUL characters in strings;
PostgreSQL refuses NUL in text and in jsonb, JSON columns refuse non-finite numbers, and
integer columns overflow. Each of those is a 400 here, for every endpoint at once.
"""

from __future__ import annotations

import json
import math
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser
from ninja.types import DictStrAny

MAX_DEPTH = 32
# integers beyond this are no count, amount or id motcua keeps (2**53, JavaScript's limit)
MAX_INT = 2**53


class BodyRejected(ValueError):
    """Raised by the parser; the API's error handler answers 400 with this message."""

    def __init__(
        self, code: str, message: str, *, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields


def _constant(name: str) -> Any:
    raise BodyRejected("request.malformed", _("NaN and Infinity are not numbers in JSON."))


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyRejected("request.invalid", _("A number in the request is out of range."))
    return value


def _int(text: str) -> int:
    if len(text) > 20 or abs(value := int(text)) > MAX_INT:
        raise BodyRejected("request.invalid", _("A number in the request is out of range."))
    return value


def check_value(data: Any) -> None:
    """Refuse NUL characters anywhere (keys too) and nesting deeper than MAX_DEPTH, naming
    the field; walks without recursion, so no input can exhaust the stack."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise BodyRejected(
                    "request.invalid",
                    _("Text must not contain NUL characters."),
                    fields={path or "__all__": [_("No NUL characters.")]},
                )
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise BodyRejected("request.invalid", _("The request is nested too deeply."))
        if isinstance(value, dict):
            for key, item in value.items():
                at = f"{path}.{key}" if path else str(key)
                stack.append((key, depth, at))
                stack.append((item, depth + 1, at))
        else:
            stack.extend(
                (item, depth + 1, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value)
            )


class StrictJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        try:
            data = json.loads(
                request.body, parse_constant=_constant, parse_float=_float, parse_int=_int
            )
        except RecursionError:
            raise BodyRejected("request.invalid", _("The request is nested too deeply.")) from None
        check_value(data)
        return cast(DictStrAny, data)
