"""Folding Vietnamese text into a search key without diacritics or case."""

from __future__ import annotations

import unicodedata

import pytest

from motcua.core.text import fold


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ KHAI SINH", "dang ky khai sinh"),
        ("đăng ký khai sinh", "dang ky khai sinh"),
        ("Bộ phận Một cửa Đô Lương", "bo phan mot cua do luong"),
        ("Huyện Tân Kỳ", "huyen tan ky"),
        ("Xã Nghĩa Đồng", "xa nghia dong"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Phòng Tài nguyên và Môi trường", "phong tai nguyen va moi truong"),
        ("dang ky khai sinh", "dang ky khai sinh"),
        ("", ""),
    ],
)
def test_fold_removes_diacritics_and_case(text, key):
    assert fold(text) == key


def test_fold_gives_the_same_key_for_composed_and_decomposed_input():
    composed = unicodedata.normalize("NFC", "Đăng ký khai sinh")
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "dang ky khai sinh"


def test_fold_handles_a_decomposed_d_with_stroke_that_has_no_decomposition():
    # Đ/đ do not decompose in Unicode; they must still become d
    assert unicodedata.normalize("NFD", "Đ") == "Đ"
    assert fold("Đ") == fold("đ") == "d"


def test_fold_collapses_runs_of_whitespace():
    assert fold("  Đăng   ký\tkhai\nsinh  ") == "dang ky khai sinh"


def test_fold_keeps_digits_and_punctuation():
    assert fold("Thủ tục 1.001193") == "thu tuc 1.001193"


def test_a_folded_query_is_found_in_a_folded_name():
    assert fold("mot cua") in fold("Bộ phận Một cửa Đô Lương")
    assert fold("MỘT CỬA") in fold("Bộ phận Một cửa Đô Lương")
