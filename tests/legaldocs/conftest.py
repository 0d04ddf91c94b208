from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services' messages are compared with their English msgids (the pages and the API
    choose the language per request: their tests set it themselves)."""
    with translation.override("en"):
        yield
