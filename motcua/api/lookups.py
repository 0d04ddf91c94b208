"""Reading the codes a request names (an official's username, an agency's or a unit's
code) into rows, each unknown one named in ``errors`` under its field; and running a
service so that the answer names every problem at once, the request's and the service's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.org.models import AdministrativeUnit, Agency, Official

Errors = dict[str, list[str]]


def official(username: str | None, field: str, errors: Errors) -> Official | None:
    if not username:
        return None
    found = Official.objects.filter(username=username, is_active=True).first()
    if found is None:
        errors[field] = [_("Unknown official %(u)r.") % {"u": username}]
    return found


def agency(code: str | None, field: str, errors: Errors) -> Agency | None:
    if not code:
        return None
    found = Agency.objects.select_related("unit").filter(code=code).first()
    if found is None:
        errors[field] = [_("Unknown agency %(code)r.") % {"code": code}]
    return found


def unit(code: str | None, field: str, errors: Errors) -> AdministrativeUnit | None:
    if not code:
        return None
    found = AdministrativeUnit.objects.filter(code=code).first()
    if found is None:
        errors[field] = [_("Unknown unit %(code)r.") % {"code": code}]
    return found


@contextmanager
def all_named(errors: Errors, code: str, message: str) -> Iterator[None]:
    """Run the service even when reading the request found problems (an unknown code, a
    date that is none): a value that did not resolve reaches it as "not given", and the
    answer names every problem at once, an unknown code as such rather than as missing.
    With any problem nothing is written (the service's writes are rolled back); the
    service's own 403 and 409 come first, as it decides."""
    try:
        with transaction.atomic():
            yield
            if errors:
                raise ValidationFailed(code, message, fields=errors)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.code, exc.message, fields={**exc.fields, **errors}) from None
