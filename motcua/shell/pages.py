"""Small pieces every page view uses: the signed-in official, and the refusal of NUL
characters in submitted text (PostgreSQL cannot store them; a page answers with a form error
rather than a 500)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.org.models import Official


def signed_in(request: HttpRequest) -> Official:
    """The official of a ``login_required`` view."""
    user = request.user
    assert isinstance(user, Official)  # noqa: S101 - login_required
    return user


def refuse_nul(data: Any) -> None:
    """400 naming the first field of a QueryDict whose text holds a NUL character."""
    for key in data:
        if any("\x00" in str(v) for v in data.getlist(key)):
            raise ValidationFailed(
                "request.invalid",
                _("Text must not contain NUL characters."),
                fields={key: [_("No NUL characters.")]},
            )
