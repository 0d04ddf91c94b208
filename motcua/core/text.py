"""Vietnamese text helpers.

``fold`` maps text to a search key without diacritics and case, so that
``dang ky khai sinh`` matches ``Đăng ký khai sinh``. Đ/đ is not a combining mark in
Unicode, so it is mapped explicitly before the NFD decomposition strips the rest.
"""

from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


_DIGITS = re.compile(r"[0-9]{1,18}")


def is_digits(text: str) -> bool:
    """ASCII digits only, at most 18 (``str.isdigit`` also accepts "²" or "٣", which
    ``int()`` then refuses, and any length, which a database integer cannot hold)."""
    return _DIGITS.fullmatch(text) is not None
