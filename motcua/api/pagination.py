"""Cursor pagination: ``{"items": [...], "next": cursor | null}`` over a keyset.

The cursor encodes the sort key of the last item, so pages stay stable while rows are
added, and no page costs an OFFSET scan.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
M = TypeVar("M", bound=Model)


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        values = None
    # Only scalars are sort keys: a null, list or object would reach the query as a lookup
    # value and fail there (a 500) instead of here (a 400).
    if (
        not isinstance(values, list)
        or len(values) != size
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values)
    ):
        raise ValidationFailed(
            "request.bad_cursor",
            _("The cursor is not valid."),
            fields={"cursor": [_("Not a valid cursor.")]},
        )
    return values


def paginate(
    queryset: QuerySet[M],
    *,
    keys: Sequence[str],
    cursor: str | None,
    limit: int | None,
    serialize: Callable[[M], Any],
) -> dict[str, Any]:
    """One page of ``queryset`` ordered by ``keys`` (the last key must be unique)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise ValidationFailed(
            "request.bad_limit",
            _("limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT},
            fields={"limit": [_("Between 1 and %(max)d.") % {"max": MAX_LIMIT}]},
        )
    ordered = queryset.order_by(*keys)
    if cursor:
        last = _decode(cursor, len(keys))
        after = Q()
        # (k1, k2, ...) > (v1, v2, ...) spelled out for databases without row comparison
        for i, key in enumerate(keys):
            step = Q(**{f"{key}__gt": last[i]})
            for j in range(i):
                step &= Q(**{keys[j]: last[j]})
            after |= step
        try:
            ordered = ordered.filter(after)
        except (ValueError, TypeError, DjangoValidationError):
            # a value of the wrong type for its key (text for an id, a malformed date)
            raise ValidationFailed(
                "request.bad_cursor",
                _("The cursor is not valid."),
                fields={"cursor": [_("Not a valid cursor.")]},
            ) from None
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        tail = rows[-1]
        next_cursor = _encode([_attr(tail, key) for key in keys])
    return {"items": [serialize(r) for r in rows], "next": next_cursor}


def _attr(obj: Model, key: str) -> Any:
    value: Any = obj
    for part in key.split("__"):
        value = getattr(value, "pk" if part == "pk" else part)
    return value
